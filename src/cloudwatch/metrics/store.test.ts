import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../store/database.js';
import { createMetricsService } from './service.js';
import { MetricsRepository } from './repository.js';
import { MetricsStore } from './store.js';

const dirs: string[] = [];
function open(dir = mkdtempSync(join(tmpdir(), 'nimbus-metrics-'))) {
  dirs.push(dir);
  const store = Store.open(dir);
  const logged: string[] = [];
  return { dir, store, logged, svc: createMetricsService({ store, log: (m) => logged.push(m) }) };
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const A = '000000000000';
const R = 'us-east-1';
const T = Date.UTC(2026, 10, 27, 5, 0, 0);

describe('MetricsStore', () => {
  it('putMetric (buffered) is visible to the next query, with exact percentiles', () => {
    const { svc, store } = open();
    const m = svc.metrics;
    for (let i = 1; i <= 1000; i++) m.putMetric(A, R, 'AWS/Lambda', 'Duration', { FunctionName: 'f' }, i, 'Milliseconds', T + (i % 60) * 1000);
    const [p] = m.statistics(A, R, {
      namespace: 'AWS/Lambda', name: 'Duration', dimensions: [{ Name: 'FunctionName', Value: 'f' }],
      start: T, end: T + 60_000, period: 60, percentiles: [50, 99, 99.9, 100],
    });
    expect(p).toMatchObject({ timestamp: T, sampleCount: 1000, sum: 500_500, average: 500.5, minimum: 1, maximum: 1000, unit: 'Milliseconds' });
    expect([...p!.percentiles]).toEqual([[50, 500], [99, 990], [99.9, 999], [100, 1000]]);
    svc.service.close?.();
    store.close();
  });

  it('dimension order does not matter; different dimension sets are different series', () => {
    const { svc, store } = open();
    const m = svc.metrics;
    m.putMetric(A, R, 'N', 'X', { b: '2', a: '1' }, 1, 'Count', T);
    m.putMetric(A, R, 'N', 'X', [{ Name: 'a', Value: '1' }, { Name: 'b', Value: '2' }], 2, 'Count', T);
    m.putMetric(A, R, 'N', 'X', { a: '1' }, 100, 'Count', T);
    const q = (dims: { Name: string; Value: string }[]) =>
      m.statistics(A, R, { namespace: 'N', name: 'X', dimensions: dims, start: T, end: T + 60_000, period: 60 })[0]?.sum;
    expect(q([{ Name: 'a', Value: '1' }, { Name: 'b', Value: '2' }])).toBe(3);
    expect(q([{ Name: 'a', Value: '1' }])).toBe(100);
    expect(m.listMetrics(A, R, { namespace: 'N', afterId: 0, limit: 10 }).metrics).toHaveLength(2);
    svc.service.close?.();
    store.close();
  });

  it('buckets by period from the start time and keeps regions apart', () => {
    const { svc, store } = open();
    const m = svc.metrics;
    for (let s = 0; s < 180; s += 10) m.putMetric(A, R, 'N', 'Y', {}, 1, 'Count', T + s * 1000);
    m.putMetric(A, 'eu-west-1', 'N', 'Y', {}, 50, 'Count', T);
    const points = m.statistics(A, R, { namespace: 'N', name: 'Y', dimensions: [], start: T, end: T + 180_000, period: 60 });
    expect(points.map((p) => [p.timestamp - T, p.sampleCount])).toEqual([[0, 6], [60_000, 6], [120_000, 6]]);
    svc.service.close?.();
    store.close();
  });

  it('a series handle shares aggregates with putMetric, keeps working across flushes and seconds', () => {
    const { svc, store } = open();
    const m = svc.metrics;
    const h = m.series(A, R, 'N', 'H', { b: '2', a: '1' });
    h.put(1, 'Count', T);
    m.putMetric(A, R, 'N', 'H', { a: '1', b: '2' }, 1, 'Count', T + 10);
    h.put(5, 'Count', T + 20);
    h.put(Number.NaN, 'Count', T);
    const q = (start: number) =>
      m.statistics(A, R, {
        namespace: 'N', name: 'H', dimensions: [{ Name: 'a', Value: '1' }, { Name: 'b', Value: '2' }],
        start, end: start + 1000, period: 1, percentiles: [50, 100],
      });
    // The query flushed: the handle's remembered aggregate is written and a new one starts.
    expect(q(T).map((p) => [p.sampleCount, p.sum, p.minimum, p.maximum, [...p.percentiles]])).toEqual([[3, 7, 1, 5, [[50, 1], [100, 5]]]]);
    h.put(2, 'Count', T + 500);
    h.put(3, 'Count', T + 1500);
    expect(q(T).map((p) => [p.sampleCount, p.sum])).toEqual([[4, 9]]);
    expect(q(T + 1000).map((p) => [p.sampleCount, p.sum])).toEqual([[1, 3]]);
    // Same series, another unit: kept apart.
    h.put(4, 'Seconds', T);
    expect(m.statistics(A, R, { namespace: 'N', name: 'H', dimensions: [{ Name: 'a', Value: '1' }, { Name: 'b', Value: '2' }], start: T, end: T + 1000, period: 1, unit: 'Seconds' })[0]?.sum).toBe(4);
    svc.service.close?.();
    store.close();
  });

  it('repeated values are stored as one (value, count) pair with exact percentiles', () => {
    const { svc, store } = open();
    const m = svc.metrics;
    const h = m.series(A, R, 'N', 'P', {});
    for (let i = 0; i < 500; i++) h.put(1, 'Count', T);
    for (let i = 0; i < 500; i++) h.put(i < 499 ? 0 : 1, 'Count', T);
    m.flush();
    const row = store.db.prepare('SELECT dist FROM metrics_points').get() as { dist: Buffer };
    expect(row.dist.byteLength).toBe(6 * 8); // (1, 500), (0, 499), (1, 1)
    const [p] = m.statistics(A, R, { namespace: 'N', name: 'P', dimensions: [], start: T, end: T + 1000, period: 1, percentiles: [49.9, 50, 100] });
    expect([p?.sampleCount, p?.sum, [...p!.percentiles]]).toEqual([1000, 501, [[49.9, 0], [50, 1], [100, 1]]]);
    svc.service.close?.();
    store.close();
  });

  it('close() flushes and the data survives a reopen', () => {
    const first = open();
    first.svc.metrics.putMetric(A, R, 'N', 'Z', {}, 7, 'Count', T);
    first.svc.service.close?.();
    first.store.close();
    const second = open(first.dir);
    const [p] = second.svc.metrics.statistics(A, R, { namespace: 'N', name: 'Z', dimensions: [], start: T, end: T + 60_000, period: 60 });
    expect(p?.sum).toBe(7);
    second.svc.service.close?.();
    second.store.close();
  });

  it('ignores non-finite values and never throws on the hot path', () => {
    const { svc, store, logged } = open();
    svc.metrics.putMetric(A, R, 'N', 'W', {}, Number.NaN);
    svc.service.close?.();
    store.close();
    expect(() => svc.metrics.putMetric(A, R, 'N', 'W', {}, 1)).not.toThrow();
    expect(logged.some((l) => l.includes('could not write'))).toBe(true);
  });

  it('rolls per-second rows older than 3 hours into minutes without changing statistics, and expires 455-day-old data', () => {
    const { store } = open();
    let now = T;
    const m = new MetricsStore(new MetricsRepository(store), () => undefined, () => now);
    const old = T - 5 * 3_600_000;
    for (let s = 0; s < 120; s++) m.putMetric(A, R, 'N', 'V', {}, s % 7, 'Count', old + s * 1000);
    m.putMetric(A, R, 'N', 'V', {}, 1, 'Count', T - 456 * 86_400_000);
    m.putMetric(A, R, 'N', 'V', {}, 1, 'Count', T - 60_000); // recent: stays per second
    const q = { namespace: 'N', name: 'V', dimensions: [], start: old, end: old + 120_000, period: 60, percentiles: [50, 90] };
    const before = m.statistics(A, R, q);
    const rows = () => (store.db.prepare('SELECT count(*) AS n FROM metrics_points').get() as { n: number }).n;
    expect(rows()).toBe(122);
    expect(m.maintain()).toEqual({ rolledUp: 120, deleted: 1 });
    expect(rows()).toBe(3);
    expect(m.statistics(A, R, q)).toEqual(before);
    now += 1;
    expect(m.maintain()).toEqual({ rolledUp: 0, deleted: 0 });
    store.close();
  });
});
