// Log plumbing of one execution environment: splits the child's stdout/stderr into lines, batches
// them into LogSink calls (one call per invocation in the common case), applies backpressure to
// floods by pausing the pipe while a large batch is written, and keeps the tail of the current
// invocation's output for `LogType: Tail` (last 4 KB, base64, like X-Amz-Log-Result).
import type { Readable } from 'node:stream';
import type { LogEvent, LogSink } from './types.js';

/** CloudWatch Logs' maximum event size; longer lines are split. */
const MAX_EVENT_BYTES = 256 * 1024 - 26;
const FLUSH_DELAY_MS = 200;
const FLUSH_BYTES = 512 * 1024;
const TAIL_BYTES = 4096;
/** What a platform line formatted later counts for in a batch's size. */
const PLATFORM_LINE_BYTES = 200;

export interface LogTarget {
  readonly accountId: string;
  readonly region: string;
  readonly group: string;
  readonly stream: string;
}

export class LogWriter {
  private target?: LogTarget;
  private batch: LogEvent[] = [];
  private batchBytes = 0;
  private timer?: NodeJS.Timeout;
  /** Messages of the current invocation kept for the tail (trimmed to ~2×TAIL_BYTES). */
  private tail?: string[];
  private tailBytes = 0;
  private readonly streams: Readable[] = [];
  /** Callbacks waiting for the pipes to be drained (see `afterDrain`). */
  private drainWaiters?: (() => void)[];
  /** V8 reported running out of heap (how OOM shows without a memory cgroup). */
  heapExhausted = false;

  constructor(private readonly sink: LogSink) {}

  /** Where lines go from now on (known once the environment belongs to a function). */
  setTarget(target: LogTarget): void {
    this.target = target;
  }

  attach(stream: Readable): void {
    this.streams.push(stream);
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      let text = partial + chunk;
      let start = 0;
      for (;;) {
        const nl = text.indexOf('\n', start);
        if (nl < 0) break;
        this.longLine(text.slice(start, nl + 1));
        start = nl + 1;
      }
      text = start === 0 ? text : text.slice(start);
      // A line with no end in sight is cut at the event size limit, as CloudWatch would.
      while (text.length > MAX_EVENT_BYTES) {
        this.line(text.slice(0, MAX_EVENT_BYTES));
        text = text.slice(MAX_EVENT_BYTES);
      }
      partial = text;
      if (this.batchBytes >= FLUSH_BYTES) {
        // Flood: write now and let the child wait on its pipe rather than growing our memory.
        stream.pause();
        this.flush();
        setImmediate(() => stream.resume());
      }
    });
    stream.on('end', () => {
      if (partial) this.line(partial + '\n');
      partial = '';
    });
    stream.on('error', () => {});
  }

  /** A line that may exceed the event size limit: cut into several events, as CloudWatch would. */
  private longLine(text: string): void {
    while (text.length > MAX_EVENT_BYTES) {
      this.line(text.slice(0, MAX_EVENT_BYTES));
      text = text.slice(MAX_EVENT_BYTES);
    }
    this.line(text);
  }

  /** One log event (message includes its trailing newline, as Lambda's events do). */
  line(message: string): void {
    if (message.startsWith('FATAL ERROR: ') && message.includes('JavaScript heap out of memory')) this.heapExhausted = true;
    this.push(message);
  }

  /** A platform line, formatted when it is stored (at once if a tail is being collected). */
  platformLine(format: () => string): void {
    this.push(this.tail ? format() : format);
  }

  private push(message: string | (() => string)): void {
    this.batch.push({ timestamp: Date.now(), message });
    this.batchBytes += typeof message === 'string' ? message.length : PLATFORM_LINE_BYTES;
    if (this.tail && typeof message === 'string') {
      this.tail.push(message);
      this.tailBytes += message.length;
      if (this.tailBytes > TAIL_BYTES * 2) this.trimTail();
    }
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), FLUSH_DELAY_MS);
      this.timer.unref();
    }
  }

  /** Starts collecting the tail of the invocation that starts now. */
  beginTail(): void {
    this.tail = [];
    this.tailBytes = 0;
  }

  /** Ends tail collection; returns the last 4 KB, base64. */
  endTail(): string | undefined {
    const tail = this.tail;
    this.tail = undefined;
    if (!tail) return undefined;
    const buf = Buffer.from(tail.join(''), 'utf8');
    return (buf.length > TAIL_BYTES ? buf.subarray(buf.length - TAIL_BYTES) : buf).toString('base64');
  }

  private trimTail(): void {
    const tail = this.tail!;
    while (tail.length > 1 && this.tailBytes - tail[0]!.length >= TAIL_BYTES) {
      this.tailBytes -= tail.shift()!.length;
    }
  }

  /**
   * Runs `fn` once the lines the child wrote before now have been read. A runtime writes its
   * output synchronously before it answers, so that output is at most one pipe buffer behind its
   * answer: two loop turns read it.
   */
  afterDrain(fn: () => void): void {
    if (this.drainWaiters) {
      this.drainWaiters.push(fn);
      return;
    }
    this.drainWaiters = [fn];
    setImmediate(() => setImmediate(() => this.drained()));
  }

  get draining(): boolean {
    return this.drainWaiters !== undefined;
  }

  private drained(): void {
    const waiters = this.drainWaiters ?? [];
    this.drainWaiters = undefined;
    for (const fn of waiters) fn();
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.batch.length === 0) return;
    const target = this.target;
    const events = this.batch;
    this.batch = [];
    this.batchBytes = 0;
    // Lines written before the environment had a function (a spare's start-up) have no group.
    if (!target) return;
    try {
      this.sink.put(target.accountId, target.region, target.group, target.stream, events);
    } catch {
      // A failing log store must not fail invocations.
    }
  }

  close(): void {
    for (const s of this.streams) s.destroy();
    this.drained();
    this.flush();
  }
}

/** `YYYY/MM/DD/[version]envId`, Lambda's log stream name. */
export function logStreamName(date: Date, version: string, envId: string): string {
  const y = date.getUTCFullYear();
  const m = String(date.getUTCMonth() + 1).padStart(2, '0');
  const d = String(date.getUTCDate()).padStart(2, '0');
  return `${y}/${m}/${d}/[${version}]${envId}`;
}
