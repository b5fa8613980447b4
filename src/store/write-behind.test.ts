import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Store } from './database.js';
import { WriteBehind } from './write-behind.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open() {
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-write-behind-'));
  dirs.push(dir);
  const store = Store.open(dir);
  store.db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  const failures: string[] = [];
  const writer = new WriteBehind(store, (m) => failures.push(m));
  const rows = () => (store.db.prepare('SELECT v FROM t ORDER BY id').all() as { v: string }[]).map((r) => r.v);
  return { store, writer, failures, rows };
}

const insert = (v: string) => ({ sql: 'INSERT INTO t (v) VALUES (?)', params: [v] });

describe('WriteBehind', () => {
  it('commits batches on its thread in submission order; flush waits for them', () => {
    const { store, writer, rows } = open();
    for (let i = 0; i < 20; i++) writer.submit([insert(`a${i}`), { sql: 'INSERT INTO t (v) VALUES (@v)', params: { v: `b${i}` } }]);
    writer.flush();
    expect(rows()).toEqual(Array.from({ length: 20 }, (_, i) => [`a${i}`, `b${i}`]).flat());
    writer.close();
    store.close();
  });

  it('drops a batch the store refuses, whole, reports it and goes on', async () => {
    const { store, writer, failures, rows } = open();
    writer.submit([insert('kept')]);
    writer.submit([insert('rolled back'), { sql: 'INSERT INTO t (v) VALUES (NULL)', params: [] }]);
    writer.submit([insert('after')]);
    writer.flush();
    expect(rows()).toEqual(['kept', 'after']);
    await vi.waitFor(() => expect(failures).toHaveLength(1)); // the report comes back as a message
    expect(failures[0]).toMatch(/NOT NULL/);
    writer.close();
    store.close();
  });

  it('never makes a transaction of the caller\'s that reads, then writes, fail while the thread commits', async () => {
    const { store, writer, failures } = open();
    store.db.exec('CREATE TABLE counter (n INTEGER NOT NULL)');
    store.db.exec('INSERT INTO counter VALUES (0)');
    const bump = store.db.transaction(() => {
      const { n } = store.db.prepare('SELECT n FROM counter').get() as { n: number };
      for (let spin = 0; spin < 2000; spin++) Math.sqrt(spin); // leaves the thread time to commit
      store.db.prepare('UPDATE counter SET n = ?').run(n + 1);
    });
    let bumps = 0;
    for (let round = 0; round < 100; round++) {
      writer.submit(Array.from({ length: 50 }, (_, i) => insert(`r${round}-${i}`)));
      for (let k = 0; k < 20; k++, bumps++) bump(); // a deferred BEGIN failed here with SQLITE_BUSY
      await new Promise((r) => setImmediate(r));
    }
    writer.flush();
    expect((store.db.prepare('SELECT n FROM counter').get() as { n: number }).n).toBe(bumps);
    expect((store.db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n).toBe(5000);
    expect(failures).toEqual([]);
    writer.close();
    store.close();
  });

  it('does not wait for the thread inside a transaction of the caller\'s (the thread needs its lock)', () => {
    const { store, writer, rows } = open();
    writer.submit([insert('pending')]);
    const started = Date.now();
    store.db.transaction(() => {
      store.db.prepare('INSERT INTO t (v) VALUES (?)').run('mine');
      writer.flush();
    })();
    expect(Date.now() - started).toBeLessThan(1000);
    writer.flush();
    expect(rows().sort()).toEqual(['mine', 'pending']);
    writer.close();
    store.close();
  });

  it('writes on the caller\'s connection once closed', () => {
    const { store, writer, rows } = open();
    writer.submit([insert('before')]);
    writer.close();
    writer.submit([insert('after close')]);
    expect(rows()).toEqual(['before', 'after close']);
    store.close();
  });
});
