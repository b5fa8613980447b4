// Token buckets and quota periods with an injected clock.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../store/database.js';
import type { UsagePlan } from '../core/model.js';
import { BucketSet } from './throttle.js';
import { periodStart, SqliteUsageMeter } from './usage.js';

describe('BucketSet', () => {
  it('allows the burst, then refills at the rate', () => {
    let now = 1_000_000;
    const buckets = new BucketSet(() => now);
    const limits = { rateLimit: 2, burstLimit: 3 };
    expect([1, 2, 3, 4].map(() => buckets.take('k', limits))).toEqual([true, true, true, false]);
    now += 500; // half a second at 2/s: one token
    expect(buckets.take('k', limits)).toBe(true);
    expect(buckets.take('k', limits)).toBe(false);
    now += 10_000; // refills up to the burst only
    expect([1, 2, 3, 4].map(() => buckets.take('k', limits))).toEqual([true, true, true, false]);
  });

  it('unset limits never throttle; a burst of 0 always does; new limits take effect at once', () => {
    const buckets = new BucketSet(() => 0);
    expect(buckets.take('a', { rateLimit: -1, burstLimit: -1 })).toBe(true);
    expect(buckets.take('a', undefined)).toBe(true);
    expect(buckets.take('b', { rateLimit: 10, burstLimit: 0 })).toBe(false);
    expect(buckets.take('b', { rateLimit: 10, burstLimit: 1 })).toBe(true);
  });
});

describe('quota periods', () => {
  const at = (iso: string) => Date.parse(iso);
  it('DAY, WEEK (offset 0 = Sunday) and MONTH (offset = day - 1), in UTC', () => {
    expect(periodStart({ limit: 1, offset: 0, period: 'DAY' }, at('2026-11-27T23:59:00Z'))).toBe('2026-11-27');
    // 2026-11-27 is a Friday.
    expect(periodStart({ limit: 1, offset: 0, period: 'WEEK' }, at('2026-11-27T10:00:00Z'))).toBe('2026-11-22');
    expect(periodStart({ limit: 1, offset: 1, period: 'WEEK' }, at('2026-11-27T10:00:00Z'))).toBe('2026-11-23');
    expect(periodStart({ limit: 1, offset: 5, period: 'WEEK' }, at('2026-11-27T10:00:00Z'))).toBe('2026-11-27');
    expect(periodStart({ limit: 1, offset: 0, period: 'MONTH' }, at('2026-11-27T10:00:00Z'))).toBe('2026-11-01');
    expect(periodStart({ limit: 1, offset: 27, period: 'MONTH' }, at('2026-11-27T10:00:00Z'))).toBe('2026-10-28');
    expect(periodStart({ limit: 1, offset: 9, period: 'MONTH' }, at('2026-01-05T10:00:00Z'))).toBe('2025-12-10');
  });

  it('the meter resets the count when a new period starts and keeps it across instances', () => {
    const dir = mkdtempSync(join(tmpdir(), 'apigw-meter-'));
    try {
      let now = at('2026-11-27T10:00:00Z');
      const plan: UsagePlan = { id: 'p', name: 'p', apiStages: [], tags: {}, quota: { limit: 2, offset: 0, period: 'DAY' } };
      let store = Store.open(dir);
      let meter = new SqliteUsageMeter(store, () => now, () => plan);
      expect([meter.consume(plan, 'k'), meter.consume(plan, 'k'), meter.consume(plan, 'k')]).toEqual([true, true, false]);
      meter.close();
      store.close();
      store = Store.open(dir);
      meter = new SqliteUsageMeter(store, () => now, () => plan);
      expect(meter.remaining('p', 'k')).toBe(0);
      now = at('2026-11-28T00:00:01Z');
      expect(meter.remaining('p', 'k')).toBe(2);
      expect(meter.consume(plan, 'k')).toBe(true);
      expect(meter.getUsage('p', [], '2026-11-26', '2026-11-28')).toEqual({ k: [[0, 2], [2, 0], [1, 1]] });
      meter.close();
      store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
