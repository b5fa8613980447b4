import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../store/database.js';
import { EventsCore, targetPayload } from './core.js';

const scope = { accountId: '000000000000', region: 'us-east-1' };
const key = { account: scope.accountId, region: scope.region, bus: 'default' };
const dirs: string[] = [];
function core(now: () => number, scale = 1) {
  const dir = mkdtempSync(join(tmpdir(), 'events-core-'));
  dirs.push(dir);
  return new EventsCore(Store.open(dir), scale, now);
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('schedule arithmetic', () => {
  it('rate(): first fire one period after PutRule; missed fires collapse and keep the phase', () => {
    const now = Date.UTC(2026, 0, 1, 0, 0, 0);
    const c = core(() => now);
    c.putRule(scope, { Name: 'r', ScheduleExpression: 'rate(5 minutes)' });
    const rule = c.repo.getRule(key, 'r')!;
    expect(rule.next_fire_ms).toBe(now + 300_000);
    // Fired on time: the next is one period later.
    expect(c.followingFire(rule, rule.next_fire_ms!, rule.next_fire_ms!)).toBe(now + 600_000);
    // Down for 12 minutes past the due time: one fire now, next stays on the 5-minute grid in the future.
    const late = rule.next_fire_ms! + 12 * 60_000;
    expect(c.followingFire(rule, rule.next_fire_ms!, late)).toBe(now + 300_000 * 4);
  });

  it('clockScale compresses rate() only; cron() stays on the wall clock', () => {
    const now = Date.UTC(2026, 0, 1, 10, 7, 30);
    const c = core(() => now, 60);
    c.putRule(scope, { Name: 'fast', ScheduleExpression: 'rate(1 minute)' });
    c.putRule(scope, { Name: 'cron', ScheduleExpression: 'cron(0/15 * * * ? *)' });
    expect(c.repo.getRule(key, 'fast')!.next_fire_ms).toBe(now + 1000);
    expect(c.repo.getRule(key, 'cron')!.next_fire_ms).toBe(Date.UTC(2026, 0, 1, 10, 15));
  });

  it('re-putting the same schedule keeps its phase; disabling unschedules; enabling restarts', () => {
    let now = Date.UTC(2026, 0, 1);
    const c = core(() => now);
    c.putRule(scope, { Name: 'r', ScheduleExpression: 'rate(1 hour)' });
    const first = c.repo.getRule(key, 'r')!.next_fire_ms;
    now += 10 * 60_000;
    c.putRule(scope, { Name: 'r', ScheduleExpression: 'rate(1 hour)', Description: 'x' });
    expect(c.repo.getRule(key, 'r')!.next_fire_ms).toBe(first);
    c.setEnabled(scope, { Name: 'r' }, false);
    expect(c.repo.getRule(key, 'r')!.next_fire_ms).toBeNull();
    c.setEnabled(scope, { Name: 'r' }, true);
    expect(c.repo.getRule(key, 'r')!.next_fire_ms).toBe(now + 3_600_000);
  });
});

describe('target input', () => {
  const event = { id: 'e', resources: ['arn:r'], detail: { a: { b: 2 } } };
  const base = { account: 'a', region: 'r', bus: 'default', rule: 'x', id: 't', arn: 'arn', input_transformer: null };
  it('uses Input, InputPath or the whole event', () => {
    expect(targetPayload({ ...base, input: '{"k":1}', input_path: null }, event)).toBe('{"k":1}');
    expect(targetPayload({ ...base, input: null, input_path: '$.detail.a' }, event)).toBe('{"b":2}');
    expect(targetPayload({ ...base, input: null, input_path: '$.resources[0]' }, event)).toBe('"arn:r"');
    expect(targetPayload({ ...base, input: null, input_path: null }, event)).toBe(JSON.stringify(event));
  });

  it('applies an InputTransformer: text inside a template string, JSON elsewhere, predefined names', () => {
    const transformer = (InputTemplate: string) => ({
      ...base, input: null, input_path: null,
      input_transformer: JSON.stringify({ InputPathsMap: { id: '$.id', b: '$.detail.a.b', a: '$.detail.a', none: '$.detail.zzz' }, InputTemplate }),
    });
    const payload = (template: string) => targetPayload(transformer(template), event, Date.UTC(2026, 0, 2));
    expect(JSON.parse(payload('{"event": <id>, "n": <b>, "obj": <a>, "missing": <none>, "text": "id <id> has b=<b>"}'))).toEqual({
      event: 'e', n: 2, obj: { b: 2 }, missing: null, text: 'id e has b=2',
    });
    expect(payload('"rule <aws.events.rule-name> at <aws.events.event.ingestion-time>"')).toBe('"rule x at 2026-01-02T00:00:00.000Z"');
    expect(JSON.parse(payload('{"arn": "<aws.events.rule-arn>", "all": <aws.events.event.json>, "head": <aws.events.event>}'))).toEqual({
      arn: 'arn:aws:events:r:a:rule/x', all: event, head: { id: 'e', resources: ['arn:r'] },
    });
    expect(payload('<unknown> stays')).toBe('<unknown> stays');
  });
});
