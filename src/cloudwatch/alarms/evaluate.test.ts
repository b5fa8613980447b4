import { describe, expect, it } from 'vitest';
import { evaluate, formatNumber, reasonDate, type PeriodValue } from './evaluate.js';
import type { AlarmConfig } from './model.js';

const base: AlarmConfig = {
  AlarmName: 'a', ActionsEnabled: true, OKActions: [], AlarmActions: [], InsufficientDataActions: [],
  Namespace: 'App', MetricName: 'Errors', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 1,
  ComparisonOperator: 'GreaterThanThreshold',
};
const T = Date.UTC(2026, 10, 27, 6, 40);
const pts = (...values: (number | undefined)[]): PeriodValue[] => values.map((value, i) => ({ timestamp: T - i * 60_000, value }));

describe('alarm evaluation', () => {
  it('formats values and dates as CloudWatch does', () => {
    expect(formatNumber(5)).toBe('5.0');
    expect(formatNumber(6.046241709654764)).toBe('6.046241709654764');
    expect(reasonDate(T)).toBe('27/11/26 06:40:00');
  });

  it('goes to ALARM with the AWS reason wording', () => {
    const e = evaluate(base, pts(5), T + 5000)!;
    expect(e.state).toBe('ALARM');
    expect(e.reason).toBe('Threshold Crossed: 1 datapoint [5.0 (27/11/26 06:40:00)] was greater than the threshold (1.0).');
    const data = JSON.parse(e.reasonData);
    expect(data).toMatchObject({ version: '1.0', statistic: 'Sum', period: 60, recentDatapoints: [5], threshold: 1 });
    expect(data.evaluatedDatapoints[0].timestamp).toBe('2026-11-27T06:40:00.000+0000');
  });

  it('goes to OK when not breaching', () => {
    const e = evaluate(base, pts(1), T)!;
    expect(e.state).toBe('OK');
    expect(e.reason).toBe('Threshold Crossed: 1 datapoint [1.0 (27/11/26 06:40:00)] was not greater than the threshold (1.0).');
  });

  it('applies M out of N (DatapointsToAlarm)', () => {
    const c = { ...base, EvaluationPeriods: 3, DatapointsToAlarm: 2 };
    const e = evaluate(c, pts(5, 0, 3), T)!;
    expect(e.state).toBe('ALARM');
    expect(e.reason).toBe(
      'Threshold Crossed: 2 out of the last 3 datapoints [5.0 (27/11/26 06:40:00), 3.0 (27/11/26 06:38:00)] were greater than the threshold (1.0) (minimum 2 datapoints for OK -> ALARM transition).',
    );
    expect(evaluate(c, pts(5, 0, 0), T)!.state).toBe('OK');
  });

  it('treats missing data per TreatMissingData', () => {
    expect(evaluate(base, pts(undefined), T)).toMatchObject({ state: 'INSUFFICIENT_DATA', reason: 'Insufficient Data: 1 datapoint was unknown.' });
    expect(evaluate({ ...base, TreatMissingData: 'ignore' }, pts(undefined), T)).toBeUndefined();
    expect(evaluate({ ...base, TreatMissingData: 'notBreaching' }, pts(undefined), T)).toMatchObject({
      state: 'OK',
      reason: 'Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [NonBreaching].',
    });
    expect(evaluate({ ...base, TreatMissingData: 'breaching', EvaluationPeriods: 2 }, pts(undefined, undefined), T)!.state).toBe('ALARM');
    // Some data present: breaching counts missing periods as bad; missing decides on what is there.
    const three = { ...base, EvaluationPeriods: 3 };
    expect(evaluate({ ...three, TreatMissingData: 'breaching' }, pts(5, undefined, undefined), T)!.state).toBe('ALARM');
    expect(evaluate({ ...three, TreatMissingData: 'notBreaching' }, pts(5, undefined, undefined), T)!.state).toBe('OK');
    expect(evaluate(three, pts(undefined, undefined, 5), T)!.state).toBe('ALARM');
    expect(evaluate(three, pts(0, undefined, 5), T)!.state).toBe('OK');
  });

  it('compares with each operator', () => {
    const at = (op: AlarmConfig['ComparisonOperator'], v: number) => evaluate({ ...base, ComparisonOperator: op }, pts(v), T)!.state;
    expect(at('GreaterThanOrEqualToThreshold', 1)).toBe('ALARM');
    expect(at('LessThanThreshold', 0.5)).toBe('ALARM');
    expect(at('LessThanThreshold', 1)).toBe('OK');
    expect(at('LessThanOrEqualToThreshold', 1)).toBe('ALARM');
  });
});
