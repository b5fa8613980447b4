// The LogSink that Lambda environments write to on every invocation. `put` only appends to an
// in-memory buffer; FLUSH_DELAY_MS later, or as soon as the buffer holds FLUSH_EVENTS events,
// everything buffered goes to the store's write thread (WriteBehind) as ONE transaction, so no log
// line is written on the event loop. Groups and streams are created here on first use. Readers
// call `flush()` first, which waits for the thread, so an API read sees every event put before it;
// `close()` flushes too. A kill -9 can lose the last moments of logs, the same trade AWS's own log
// agents make (Lambda's logs reach CloudWatch seconds later).
import type { LogEvent, LogSink } from '../../lambda/environments/types.js';
import type { Store } from '../../store/database.js';
import { WriteBehind, type PlannedWrite } from '../../store/write-behind.js';
import { appendPlan, type LogsRepository, type NewEvent } from './repository.js';

/**
 * A commit costs ~70 µs, a log line ~4 µs: at 5 ms a warm function paid more for commits than for
 * its lines. 20 ms makes commits ~1/20 of an invocation's cost at 1,000 invocations/s.
 */
const FLUSH_DELAY_MS = 20;
const FLUSH_EVENTS = 1000;

interface Pending {
  readonly account: string;
  readonly region: string;
  readonly group: string;
  readonly stream: string;
  readonly events: LogEvent[];
}

export class BufferedLogSink implements LogSink {
  private pending = new Map<string, Pending>();
  private count = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** (account, region, group, stream) → ids, so a warm stream costs no lookups. */
  private readonly ids = new Map<string, { groupId: number; streamId: number }>();
  private readonly writer: WriteBehind;

  constructor(
    private readonly repo: LogsRepository,
    store: Store,
    private readonly log: (msg: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.writer = new WriteBehind(store, (message) => {
      // A failed batch is dropped rather than retried forever; the ids cache may be stale.
      this.ids.clear();
      this.log(`logs: could not write a batch of log events: ${message}`);
    });
  }

  hasGroup(accountId: string, region: string, group: string): boolean {
    this.submit(); // a group may exist only in the buffer until its first submit creates it (here, at once)
    return this.repo.findGroup(accountId, region, group) !== undefined;
  }

  put(
    accountId: string,
    region: string,
    group: string,
    stream: string,
    events: ReadonlyArray<LogEvent>,
  ): void {
    if (events.length === 0) return;
    const key = `${accountId}\u0000${region}\u0000${group}\u0000${stream}`;
    let p = this.pending.get(key);
    if (!p) {
      p = { account: accountId, region, group, stream, events: [] };
      this.pending.set(key, p);
    }
    for (const e of events) p.events.push(e);
    this.count += events.length;
    if (this.closed) {
      // After close the store may be gone: write through now rather than arm a timer.
      this.flush();
      return;
    }
    if (this.count >= FLUSH_EVENTS) this.submit();
    else this.timer ??= setTimeout(() => this.submit(), FLUSH_DELAY_MS);
  }

  /** Writes everything buffered and waits until it is in the store. Never throws. */
  flush(): void {
    this.submit();
    this.writer.flush();
  }

  /** Hands everything buffered to the write thread, in one transaction. Never throws: the hot path must not fail. */
  private submit(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.count === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    this.count = 0;
    const writes: PlannedWrite[] = [];
    try {
      const ingested = this.now();
      for (const [key, p] of batch) {
        const ids = this.resolve(key, p, ingested);
        writes.push(...appendPlan(ids.groupId, ids.streamId, p.events.map(formatted), ingested));
      }
    } catch (err) {
      this.ids.clear();
      this.log(`logs: could not write ${batch.size} log stream batch(es): ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    this.writer.submit(writes);
  }

  /** Forgets cached ids (after a group or stream is deleted, the next put recreates it). */
  invalidate(): void {
    this.ids.clear();
  }

  close(): void {
    this.submit();
    this.writer.close();
    this.closed = true;
  }

  private resolve(key: string, p: Pending, now: number): { groupId: number; streamId: number } {
    const cached = this.ids.get(key);
    if (cached) return cached;
    // Lambda creates its log group and stream on first write, like the AWS Lambda service does.
    this.repo.insertGroup(p.account, p.region, p.group, now, null, 'STANDARD');
    const group = this.repo.findGroup(p.account, p.region, p.group)!;
    this.repo.insertStream(group.id, p.stream, now);
    const stream = this.repo.findStream(group.id, p.stream)!;
    const ids = { groupId: group.id, streamId: stream.id };
    this.ids.set(key, ids);
    return ids;
  }
}

/** A platform line formatted on the way to the store (see LogEvent). */
function formatted(e: LogEvent): NewEvent {
  return typeof e.message === 'string' ? (e as NewEvent) : { timestamp: e.timestamp, message: e.message() };
}
