// Writes that must not hold up the event loop, run on a thread of their own with its own
// connection to the store: Lambda's log lines, which cost ~1 ms of SQLite per 20 ms batch at
// 2,500 invocations/s (a stall for every request in flight, and ~15% of Nimbus's CPU on the
// invoke path). Batches commit in submission order, each in one transaction. `flush()` blocks
// until everything submitted has committed: a reader calls it first and sees every write before it.
// These writes are not acknowledged to any API caller, so a kill -9 may lose the last batch.
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';
import { CONNECTION_PRAGMAS, type Store } from './database.js';

const THREAD_SCRIPT = join(packageRoot, 'src', 'store', 'write-behind-thread.cjs');
/** A flush gives up waiting after this long (the thread is stuck or gone) rather than hang. */
const FLUSH_TIMEOUT_MS = 10_000;

/** One SQL statement and its parameters, as the thread runs it. */
export interface PlannedWrite {
  readonly sql: string;
  readonly params: unknown[] | Record<string, unknown>;
}

export class WriteBehind {
  private worker: Worker | undefined;
  /** The last batch the thread finished (committed or dropped), shared with it. */
  private readonly committed = new Int32Array(new SharedArrayBuffer(4));
  private submitted = 0;
  private closed = false;

  /** `onFailure` hears of a batch the store refused (it is dropped, not retried). */
  constructor(
    private readonly store: Store,
    private readonly onFailure: (message: string) => void,
  ) {}

  submit(writes: readonly PlannedWrite[]): void {
    if (writes.length === 0) return;
    const worker = this.closed ? undefined : (this.worker ??= this.start());
    if (!worker) {
      this.runHere(writes);
      return;
    }
    this.submitted++;
    worker.postMessage({ seq: this.submitted, writes });
  }

  /**
   * Blocks until every batch submitted so far has been committed (or dropped). Inside a transaction
   * of the store's own connection it cannot: the thread needs the lock that transaction holds.
   */
  flush(): void {
    if (this.store.db.inTransaction) return;
    const deadline = Date.now() + FLUSH_TIMEOUT_MS;
    for (;;) {
      const done = Atomics.load(this.committed, 0);
      if (done >= this.submitted) return;
      const left = deadline - Date.now();
      if (left <= 0 || Atomics.wait(this.committed, 0, done, left) === 'timed-out') {
        this.onFailure(`the store's write thread did not finish ${this.submitted - done} batch(es) in time`);
        return;
      }
    }
  }

  /** Flushes, then lets the thread close its connection; later writes run on the caller's. */
  close(): void {
    this.flush();
    this.closed = true;
    this.worker?.postMessage({ close: true });
    this.worker = undefined;
  }

  private start(): Worker {
    const worker = new Worker(THREAD_SCRIPT, { workerData: { file: this.store.file, pragmas: CONNECTION_PRAGMAS, committed: this.committed.buffer } });
    worker.unref(); // pending log lines never keep the process alive; close() flushes them
    worker.on('message', (m: { error?: string }) => {
      if (m.error) this.onFailure(m.error);
    });
    worker.on('error', (err) => this.onFailure(`the store's write thread failed: ${err.message}`));
    worker.on('exit', () => {
      if (this.worker !== worker) return;
      // Whatever it had not finished is lost; the next batches start a new thread.
      this.worker = undefined;
      Atomics.store(this.committed, 0, this.submitted);
    });
    return worker;
  }

  private runHere(writes: readonly PlannedWrite[]): void {
    try {
      this.store.transaction(() => {
        for (const w of writes) this.store.db.prepare(w.sql).run(w.params);
      });
    } catch (err) {
      this.onFailure(err instanceof Error ? err.message : String(err));
    }
  }
}
