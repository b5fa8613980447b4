import { describe, expect, it } from 'vitest';
import { nextFire, parseSchedule } from './schedule.js';

const at = (s: string) => Date.parse(s);
const iso = (n: number | undefined) => (n === undefined ? undefined : new Date(n).toISOString());

describe('schedule expressions', () => {
  it('rate() fires every period from the start', () => {
    const s = parseSchedule('rate(5 minutes)');
    expect(iso(nextFire(s, at('2026-01-01T00:00:00Z')))).toBe('2026-01-01T00:05:00.000Z');
    expect(iso(nextFire(s, at('2026-01-01T00:07:00Z'), at('2026-01-01T00:00:00Z')))).toBe('2026-01-01T00:10:00.000Z');
    expect(parseSchedule('rate(1 day)').kind).toBe('rate');
  });
  it('rejects bad expressions as EventBridge does', () => {
    for (const bad of ['rate(1 minutes)', 'rate(5 minute)', 'rate(0 hours)', 'rate(5 weeks)', 'cron(0 12 * * * *)', 'cron(0 12 * *)', 'cron(60 * * * ? *)', 'every 5 minutes']) {
      expect(() => parseSchedule(bad), bad).toThrow(/ScheduleExpression is not valid/);
    }
  });
  it('cron() computes the next fire time in UTC', () => {
    expect(iso(nextFire(parseSchedule('cron(0 10 * * ? *)'), at('2026-03-01T10:00:00Z')))).toBe('2026-03-02T10:00:00.000Z');
    expect(iso(nextFire(parseSchedule('cron(15 10 ? * 6L 2026)'), at('2026-01-01T00:00:00Z')))).toBe('2026-01-30T10:15:00.000Z');
    expect(iso(nextFire(parseSchedule('cron(0/15 * * * ? *)'), at('2026-01-01T00:16:00Z')))).toBe('2026-01-01T00:30:00.000Z');
    expect(iso(nextFire(parseSchedule('cron(0 8 1 JAN,JUL ? *)'), at('2026-02-01T00:00:00Z')))).toBe('2026-07-01T08:00:00.000Z');
    expect(iso(nextFire(parseSchedule('cron(0 9 ? * MON-FRI *)'), at('2026-11-27T10:00:00Z')))).toBe('2026-11-30T09:00:00.000Z'); // Fri → Mon
    expect(iso(nextFire(parseSchedule('cron(0 0 L * ? *)'), at('2026-02-10T00:00:00Z')))).toBe('2026-02-28T00:00:00.000Z');
    expect(iso(nextFire(parseSchedule('cron(0 0 ? * 2#1 *)'), at('2026-11-27T00:00:00Z')))).toBe('2026-12-07T00:00:00.000Z'); // first Monday
    expect(iso(nextFire(parseSchedule('cron(0 0 15W * ? *)'), at('2026-08-01T00:00:00Z')))).toBe('2026-08-14T00:00:00.000Z'); // 15th is Saturday
    expect(nextFire(parseSchedule('cron(0 0 1 1 ? 2020)'), at('2026-01-01T00:00:00Z'))).toBeUndefined();
  });
});
