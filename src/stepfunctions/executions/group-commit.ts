// Group commit: writes queued in the same event-loop turn share one SQLite transaction, and each
// caller's promise resolves only after that transaction committed. This is how thousands of
// executions per second stay durable (every acknowledged write is on disk before the reply or the
// next step) without paying one commit each. Each write runs in its own savepoint, so one failing
// write (e.g. a unique-key race) rejects only its caller.
import type { Sqlite } from '../../store/database.js';

interface Pending {
  op: () => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  private closed = false;

  private readonly savepoint;
  private readonly release;
  private readonly rollback;
  private readonly batch: (ops: Pending[], results: Array<{ ok: boolean; value: unknown }>) => void;

  constructor(private readonly db: Sqlite) {
    // Prepared once: building a better-sqlite3 transaction function per write costs more than the write.
    this.savepoint = db.prepare('SAVEPOINT gc_write');
    this.release = db.prepare('RELEASE gc_write');
    this.rollback = db.prepare('ROLLBACK TO gc_write');
    this.batch = db.transaction((ops: Pending[], results: Array<{ ok: boolean; value: unknown }>) => {
      for (const p of ops) {
        this.savepoint.run();
        try {
          results.push({ ok: true, value: p.op() });
          this.release.run();
        } catch (err) {
          this.rollback.run();
          this.release.run();
          results.push({ ok: false, value: err });
        }
      }
    });
  }

  /** Queues `op` (synchronous SQL) for the next group transaction; resolves with its result once committed. */
  write<T>(op: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new Error('store closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ op, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits everything queued now (also used on shutdown). */
  flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    const results: Array<{ ok: boolean; value: unknown }> = [];
    try {
      this.batch(batch, results);
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    batch.forEach((p, i) => {
      const r = results[i]!;
      if (r.ok) p.resolve(r.value);
      else p.reject(r.value);
    });
  }

  close(): void {
    this.flush();
    this.closed = true;
  }
}
