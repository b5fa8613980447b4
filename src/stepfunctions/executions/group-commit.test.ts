// Group commit: writes of one turn share a transaction, resolve only once committed, and a failing
// write rolls back alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../store/database.js';
import { GroupCommit } from './group-commit.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function setup() {
  dir = mkdtempSync(join(tmpdir(), 'sfn-gc-'));
  const store = Store.open(dir);
  store.db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)');
  return { store, gc: new GroupCommit(store.db) };
}

describe('GroupCommit', () => {
  it('commits a batch and isolates a failing write', async () => {
    const { store, gc } = setup();
    const insert = store.db.prepare('INSERT INTO t (k, v) VALUES (?, ?)');
    const writes = [
      gc.write(() => insert.run('a', 1)),
      gc.write(() => {
        insert.run('b', 2);
        insert.run('a', 3); // duplicate key: this whole write rolls back, 'b' included
      }),
      gc.write(() => insert.run('c', 4).changes),
    ];
    const results = await Promise.allSettled(writes);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[2] as PromiseFulfilledResult<number>).value).toBe(1);
    expect(store.db.prepare('SELECT k, v FROM t ORDER BY k').all()).toEqual([{ k: 'a', v: 1 }, { k: 'c', v: 4 }]);
    gc.close();
    store.close();
  });

  it('does not resolve before the data is in the database', async () => {
    const { store, gc } = setup();
    const p = gc.write(() => store.db.prepare("INSERT INTO t (k, v) VALUES ('x', 1)").run());
    // Queued, not yet written: the write runs on the next turn of the event loop.
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 0 });
    await p;
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 1 });
    gc.close();
    await expect(gc.write(() => 1)).rejects.toThrow('store closed');
    store.close();
  });
});
