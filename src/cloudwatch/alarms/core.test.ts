// AlarmsCore over a real SQLite store and MetricsStore with a fake clock: period windows,
// DatapointsToAlarm, percentiles, metric math and the scheduler's pace.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../store/database.js';
import { MetricsCore } from '../metrics/core.js';
import { MetricsRepository } from '../metrics/repository.js';
import { MetricsStore } from '../metrics/store.js';
import { AlarmsCore } from './core.js';
import { AlarmsRepository } from './repository.js';
import { AlarmScheduler } from './scheduler.js';

const A = '000000000000';
const R = 'us-east-1';
const scope = { accountId: A, region: R };
const T0 = Date.UTC(2026, 10, 27, 6, 0, 0);

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-alarms-'));
  const store = Store.open(dir);
  let now = T0;
  const clock = () => now;
  const metrics = new MetricsStore(new MetricsRepository(store), () => {}, clock);
  cleanups.push(() => {
    metrics.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const scheduled: string[] = [];
  const core = new AlarmsCore(new AlarmsRepository(store), metrics, new MetricsCore(metrics, clock), {
    upsert: (_a, _r, n) => scheduled.push(n),
    remove: () => {},
  }, clock, 3);
  return {
    core,
    metrics,
    scheduled,
    at: (ms: number) => (now = ms),
    put: (value: number, ts: number, name = 'Errors') => metrics.putMetric(A, R, 'App', name, { Fn: 'f' }, value, 'Count', ts),
    state: (name: string) => core.describeAlarms(scope, { AlarmNames: [name] }).MetricAlarms[0]!,
  };
}

const base = {
  Namespace: 'App', MetricName: 'Errors', Dimensions: [{ Name: 'Fn', Value: 'f' }], Statistic: 'Sum', Period: 60,
  Threshold: 2, ComparisonOperator: 'GreaterThanThreshold',
};

describe('AlarmsCore evaluation', () => {
  it('M out of N over whole periods', () => {
    const t = setup();
    t.core.putMetricAlarm(scope, { ...base, AlarmName: 'm-of-n', EvaluationPeriods: 3, DatapointsToAlarm: 2 });
    expect(t.scheduled).toEqual(['m-of-n']);
    // Minutes 0..2: 5, 1, 5 → 2 of 3 breaching.
    t.put(5, T0 + 1000);
    t.put(1, T0 + 61_000);
    t.put(5, T0 + 121_000);
    t.at(T0 + 3 * 60_000 + 5000); // minute 3 in progress, no data yet: window is minutes 0..2
    expect(t.core.evaluateAlarm(A, R, 'm-of-n')).toBe(60);
    const s = t.state('m-of-n');
    expect(s.StateValue).toBe('ALARM');
    expect(s.StateReason).toBe(
      'Threshold Crossed: 2 out of the last 3 datapoints [5.0 (27/11/26 06:02:00), 5.0 (27/11/26 06:00:00)] were greater than the threshold (2.0) (minimum 2 datapoints for OK -> ALARM transition).',
    );
    // Minute 3 gets a low value; while it is in progress the window stays 0..2 (a partial sum can
    // still grow), once it ends the window is 1..3 = 1, 5, 0 → OK.
    t.put(0, T0 + 3 * 60_000 + 6000);
    t.at(T0 + 3 * 60_000 + 7000);
    t.core.evaluateAlarm(A, R, 'm-of-n');
    expect(t.state('m-of-n').StateValue).toBe('ALARM');
    t.at(T0 + 4 * 60_000 + 1000);
    t.core.evaluateAlarm(A, R, 'm-of-n');
    expect(t.state('m-of-n').StateValue).toBe('OK');
    const h = t.core.describeAlarmHistory(scope, { AlarmName: 'm-of-n', HistoryItemType: 'StateUpdate' });
    expect(h.AlarmHistoryItems.map((i) => i.HistorySummary)).toEqual(['Alarm updated from ALARM to OK', 'Alarm updated from INSUFFICIENT_DATA to ALARM']);
  });

  it('the period in progress counts only once its breach is final', () => {
    const t = setup();
    t.core.putMetricAlarm(scope, { ...base, AlarmName: 'sum-high', EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
    t.core.putMetricAlarm(scope, { ...base, AlarmName: 'sum-low', EvaluationPeriods: 1, ComparisonOperator: 'LessThanThreshold' });
    t.put(1, T0 + 1000);
    t.put(1, T0 + 61_000);
    t.put(5, T0 + 62_000);
    t.at(T0 + 63_000);
    t.core.evaluateAlarm(A, R, 'sum-high');
    t.core.evaluateAlarm(A, R, 'sum-low');
    // Minute 1 already sums to 6 > 2: final. sum-low must not judge minute 1 (sum 6 could only
    // grow, but a low partial sum could too), so it looks at minute 0 (1 < 2).
    expect(t.state('sum-high').StateValue).toBe('ALARM');
    expect(t.state('sum-high').StateReason).toContain('[6.0 (27/11/26 06:01:00)]');
    expect(t.state('sum-low').StateValue).toBe('ALARM');
    expect(t.state('sum-low').StateReason).toContain('[1.0 (27/11/26 06:00:00)]');
  });

  it('percentile alarms use ExtendedStatistic', () => {
    const t = setup();
    t.core.putMetricAlarm(scope, { ...base, AlarmName: 'p90', Statistic: undefined, ExtendedStatistic: 'p90', EvaluationPeriods: 1, Threshold: 50 });
    for (let i = 1; i <= 100; i++) t.put(i, T0 + i * 100);
    t.at(T0 + 90_000);
    t.core.evaluateAlarm(A, R, 'p90');
    expect(t.state('p90')).toMatchObject({ StateValue: 'ALARM', ExtendedStatistic: 'p90' });
    expect(JSON.parse(t.state('p90').StateReasonData as string).statistic).toBe('p90');
  });

  it('metric math alarms evaluate the returned expression', () => {
    const t = setup();
    t.core.putMetricAlarm(scope, {
      AlarmName: 'rate', EvaluationPeriods: 1, Threshold: 10, ComparisonOperator: 'GreaterThanThreshold',
      Metrics: [
        { Id: 'e', MetricStat: { Metric: { Namespace: 'App', MetricName: 'Errors', Dimensions: [{ Name: 'Fn', Value: 'f' }] }, Period: 60, Stat: 'Sum' }, ReturnData: false },
        { Id: 'n', MetricStat: { Metric: { Namespace: 'App', MetricName: 'Calls', Dimensions: [{ Name: 'Fn', Value: 'f' }] }, Period: 60, Stat: 'Sum' }, ReturnData: false },
        { Id: 'r', Expression: '100 * e / n', ReturnData: true },
      ],
    });
    t.put(1, T0 + 1000);
    for (let i = 0; i < 20; i++) t.put(1, T0 + 2000, 'Calls');
    t.at(T0 + 61_000);
    t.core.evaluateAlarm(A, R, 'rate');
    expect(t.state('rate').StateValue).toBe('OK'); // 5 %
    t.put(3, T0 + 62_000);
    t.put(10, T0 + 62_000, 'Calls');
    t.at(T0 + 63_000);
    t.core.evaluateAlarm(A, R, 'rate');
    expect(t.state('rate').StateValue).toBe('OK'); // math waits for minute 1 to end
    t.at(T0 + 121_000);
    t.core.evaluateAlarm(A, R, 'rate');
    expect(t.state('rate').StateValue).toBe('ALARM'); // 30 %
    expect(t.state('rate').StateReason).toContain('[30.0 (27/11/26 06:01:00)]');
  });

  it('a math alarm takes the period of its metrics', () => {
    const t = setup();
    t.core.putMetricAlarm(scope, {
      AlarmName: 'p10', EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanThreshold',
      Metrics: [
        { Id: 'e', MetricStat: { Metric: { Namespace: 'App', MetricName: 'Errors' }, Period: 10, Stat: 'Sum' }, ReturnData: false },
        { Id: 'x', Expression: 'e * 2' },
      ],
    });
    expect(t.core.evaluateAlarm(A, R, 'p10')).toBe(10);
  });

  it('LimitExceededFault past the per-region alarm quota; updates still work', () => {
    const t = setup();
    for (const n of ['q1', 'q2', 'q3']) t.core.putMetricAlarm(scope, { ...base, AlarmName: n, EvaluationPeriods: 1 });
    expect(() => t.core.putMetricAlarm(scope, { ...base, AlarmName: 'q4', EvaluationPeriods: 1 })).toThrow(
      expect.objectContaining({ name: 'LimitExceededFault', status: 400, headers: { 'x-amzn-query-error': 'LimitExceeded;Sender' } }),
    );
    t.core.putMetricAlarm(scope, { ...base, AlarmName: 'q1', EvaluationPeriods: 2 });
    expect(t.state('q1').EvaluationPeriods).toBe(2);
    expect(t.core.describeAlarms(scope, {}).MetricAlarms.map((a) => a.AlarmName)).toEqual(['q1', 'q2', 'q3']);
  });

  it('an alarm deleted between ticks is dropped from the schedule', () => {
    const t = setup();
    t.core.putMetricAlarm(scope, { ...base, AlarmName: 'gone', EvaluationPeriods: 1 });
    t.core.deleteAlarms(scope, { AlarmNames: ['gone'] });
    expect(t.core.evaluateAlarm(A, R, 'gone')).toBeUndefined();
  });
});

describe('DescribeAlarmHistory', () => {
  it('pages in both directions and filters by type and time', () => {
    const t = setup();
    t.core.putMetricAlarm(scope, { ...base, AlarmName: 'h', EvaluationPeriods: 1, TreatMissingData: 'ignore' });
    for (const [i, v] of (['ALARM', 'OK', 'ALARM'] as const).entries()) {
      t.at(T0 + (i + 1) * 1000);
      t.core.setAlarmState(scope, { AlarmName: 'h', StateValue: v, StateReason: `step ${i}` });
    }
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = t.core.describeAlarmHistory(scope, { AlarmName: 'h', MaxRecords: 1, ScanBy: 'TimestampAscending', ...(token ? { NextToken: token } : {}) });
      expect(page.AlarmHistoryItems.length).toBe(1);
      seen.push(page.AlarmHistoryItems[0]!.HistorySummary as string);
      token = page.NextToken;
    } while (token);
    expect(seen).toEqual([
      'Alarm "h" created',
      'Alarm updated from INSUFFICIENT_DATA to ALARM',
      'Alarm updated from ALARM to OK',
      'Alarm updated from OK to ALARM',
    ]);
    const recent = t.core.describeAlarmHistory(scope, { HistoryItemType: 'StateUpdate', StartDate: T0 + 2000 });
    expect(recent.AlarmHistoryItems.map((i) => i.HistorySummary)).toEqual(['Alarm updated from OK to ALARM', 'Alarm updated from ALARM to OK']);
    expect(() => t.core.describeAlarmHistory(scope, { NextToken: 'bogus' })).toThrow(expect.objectContaining({ name: 'InvalidNextToken' }));
  });
});

describe('AlarmScheduler', () => {
  it('paces alarms by half their period, within 1–10 s, and survives failures', () => {
    let now = 0;
    const calls: string[] = [];
    const logged: string[] = [];
    const s = new AlarmScheduler({
      now: () => now,
      log: (m) => logged.push(m),
      evaluate: (_a, _r, n) => {
        calls.push(n);
        if (n === 'bad') throw new Error('boom');
        return n === 'gone' ? undefined : n === 'short' ? 10 : 60;
      },
    });
    expect(s.intervalFor(10)).toBe(5000);
    expect(s.intervalFor(60)).toBe(10_000);
    expect(s.intervalFor(1)).toBe(1000);
    for (const n of ['short', 'long', 'bad', 'gone']) s.upsert(A, R, n, 60);
    s.tick();
    expect(calls).toEqual(['short', 'long', 'bad', 'gone']);
    expect(logged[0]).toContain('bad');
    now = 5000;
    calls.length = 0;
    s.tick();
    expect(calls).toEqual(['short']);
    now = 10_000;
    calls.length = 0;
    s.tick();
    expect(calls).toEqual(['short', 'long', 'bad']);
  });
});
