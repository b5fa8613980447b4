import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Store } from '../../store/database.js';
import { WriteBehind } from '../../store/write-behind.js';
import { createLogsService } from './service.js';

const scope = { accountId: '000000000000', region: 'us-east-1' };
const dirs: string[] = [];

function open(dir = mkdtempSync(join(tmpdir(), 'nimbus-logs-sink-'))) {
  dirs.push(dir);
  const store = Store.open(dir);
  const logged: string[] = [];
  const svc = createLogsService({ store, log: (m) => logged.push(m) });
  return { dir, store, svc, logged };
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('BufferedLogSink', () => {
  it('creates the group and stream on first use; a read sees every event put before it', () => {
    const { svc, store } = open();
    const t = Date.now();
    svc.sink.put(scope.accountId, scope.region, '/aws/lambda/fn', '2026/11/27/[$LATEST]abc', [
      { timestamp: t, message: 'START RequestId: r1' },
      { timestamp: t + 1, message: 'hello' },
    ]);
    // No timer has fired yet (same tick): the read itself must flush.
    const out = svc.queries.getLogEvents(scope, { logGroupName: '/aws/lambda/fn', logStreamName: '2026/11/27/[$LATEST]abc', startFromHead: true });
    expect(out.events.map((e) => e.message)).toEqual(['START RequestId: r1', 'hello']);
    const groups = svc.queries.describeLogGroups(scope, { logGroupNamePrefix: '/aws/lambda/' });
    expect(groups.logGroups.map((g) => g.logGroupName)).toEqual(['/aws/lambda/fn']);
    svc.service.close?.();
    store.close();
  });

  it('hands a whole buffer to the write thread as one batch', () => {
    const { svc, store } = open();
    const batches: number[] = [];
    const original = WriteBehind.prototype.submit;
    const spy = vi.spyOn(WriteBehind.prototype, 'submit').mockImplementation(function (this: WriteBehind, writes) {
      batches.push(writes.length);
      original.call(this, writes);
    });
    for (let i = 0; i < 50; i++) {
      svc.sink.put(scope.accountId, scope.region, `/aws/lambda/f${i % 3}`, `s${i % 5}`, [{ timestamp: 1_000 + i, message: `m${i}` }]);
    }
    svc.sink.flush();
    spy.mockRestore();
    // 15 streams of 3–4 events: one INSERT and two counter UPDATEs each, in a single batch.
    expect(batches).toEqual([45]);
    const all = svc.queries.filterLogEvents(scope, { logGroupName: '/aws/lambda/f0' });
    expect(all.events).toHaveLength(17);
    svc.service.close?.();
    store.close();
  });

  it('many events of one stream keep their order, ids and stream statistics', () => {
    const { svc, store } = open();
    const events = Array.from({ length: 19 }, (_, i) => ({ timestamp: 1_000 + (i % 4), message: `line ${i}` }));
    svc.sink.put(scope.accountId, scope.region, '/g/many', 's', events);
    svc.sink.flush();
    const rows = store.db.prepare('SELECT id, message FROM logs_events ORDER BY id').all() as { id: number; message: string }[];
    expect(rows.map((r) => r.message)).toEqual(events.map((e) => e.message));
    const stream = store.db.prepare('SELECT first_event, last_event, last_event_id, stored_bytes FROM logs_streams').get();
    expect(stream).toEqual({ first_event: 1_000, last_event: 1_003, last_event_id: rows[18]!.id, stored_bytes: events.reduce((n, e) => n + e.message.length, 0) });
    const out = svc.queries.getLogEvents(scope, { logGroupName: '/g/many', logStreamName: 's', startFromHead: true });
    expect(out.events.map((e) => e.message)).toEqual([...events].sort((a, b) => a.timestamp - b.timestamp).map((e) => e.message));
    svc.service.close?.();
    store.close();
  });

  it('flushes on its own shortly after a put', async () => {
    const { svc, store } = open();
    svc.sink.put(scope.accountId, scope.region, '/g', 's', [{ timestamp: 5, message: 'x' }]);
    const count = () => (store.db.prepare('SELECT count(*) AS n FROM logs_events').get() as { n: number }).n;
    for (let i = 0; i < 200 && count() === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(count()).toBe(1);
    svc.service.close?.();
    store.close();
  });

  it('close() flushes, and what was flushed survives a reopen', () => {
    const first = open();
    first.svc.sink.put(scope.accountId, scope.region, '/g/durable', 's', [{ timestamp: 10, message: 'kept' }]);
    first.svc.service.close?.();
    first.store.close();
    const second = open(first.dir);
    const out = second.svc.queries.getLogEvents(scope, { logGroupName: '/g/durable', logStreamName: 's' });
    expect(out.events.map((e) => e.message)).toEqual(['kept']);
    second.svc.service.close?.();
    second.store.close();
  });

  it('recreates a group deleted under it, and never throws on the hot path', () => {
    const { svc, store, logged } = open();
    svc.sink.put(scope.accountId, scope.region, '/g/re', 's', [{ timestamp: 1, message: 'a' }]);
    svc.queries.deleteLogGroup(scope, { logGroupName: '/g/re' });
    svc.sink.put(scope.accountId, scope.region, '/g/re', 's', [{ timestamp: 2, message: 'b' }]);
    const out = svc.queries.getLogEvents(scope, { logGroupName: '/g/re', logStreamName: 's' });
    expect(out.events.map((e) => e.message)).toEqual(['b']);
    svc.service.close?.();
    store.close();
    // The store is gone: the put is dropped with a log line, not an exception.
    expect(() => svc.sink.put(scope.accountId, scope.region, '/g/re', 's', [{ timestamp: 3, message: 'c' }])).not.toThrow();
    expect(logged.some((l) => l.includes('could not write'))).toBe(true);
  });
});

describe('retention sweep', () => {
  it('deletes events older than the retention and adjusts stored bytes', () => {
    const { svc, store } = open();
    const now = Date.now();
    svc.sink.put(scope.accountId, scope.region, '/g/old', 's', [
      { timestamp: now - 3 * 86_400_000, message: 'old' },
      { timestamp: now, message: 'new!' },
    ]);
    svc.queries.putRetentionPolicy(scope, { logGroupName: '/g/old', retentionInDays: 1 });
    expect(svc.queries.purgeExpired()).toBe(1);
    const out = svc.queries.getLogEvents(scope, { logGroupName: '/g/old', logStreamName: 's' });
    expect(out.events.map((e) => e.message)).toEqual(['new!']);
    expect(svc.queries.describeLogGroups(scope, { logGroupNamePrefix: '/g/old' }).logGroups[0]!.storedBytes).toBe(4);
    svc.service.close?.();
    store.close();
  });
});
