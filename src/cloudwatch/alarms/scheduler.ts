// Paces alarm evaluation. AWS evaluates alarms about once a minute; here each alarm is re-evaluated
// every half period, between 1 s and 10 s, so short-period alarms react within one period and a
// local deployment's rollback alarm fires promptly. `intervalMs` overrides the pace (tests).
// The schedule lives in memory and is rebuilt from the store at start.

export interface AlarmKey {
  readonly accountId: string;
  readonly region: string;
  readonly name: string;
}

interface Entry extends AlarmKey {
  period: number;
  next: number;
}

export interface SchedulerOptions {
  /** Evaluates one alarm; returns its period in seconds, or undefined when it no longer exists. */
  readonly evaluate: (accountId: string, region: string, name: string) => number | undefined;
  readonly log: (msg: string) => void;
  /** Fixed evaluation interval per alarm, overriding the period-based pace. */
  readonly intervalMs?: number;
  readonly now?: () => number;
}

const MIN_INTERVAL_MS = 1000;
const MAX_INTERVAL_MS = 10_000;

export class AlarmScheduler {
  private readonly entries = new Map<string, Entry>();
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly options: SchedulerOptions) {
    this.now = options.now ?? Date.now;
  }

  intervalFor(periodSeconds: number): number {
    if (this.options.intervalMs !== undefined) return this.options.intervalMs;
    return Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, (periodSeconds * 1000) / 2));
  }

  /** A new or updated alarm is evaluated on the next tick. */
  upsert(accountId: string, region: string, name: string, periodSeconds: number): void {
    this.entries.set(key(accountId, region, name), { accountId, region, name, period: periodSeconds, next: this.now() });
  }

  remove(accountId: string, region: string, name: string): void {
    this.entries.delete(key(accountId, region, name));
  }

  start(initial: Iterable<AlarmKey & { period: number }>): void {
    for (const a of initial) this.upsert(a.accountId, a.region, a.name, a.period);
    const tick = Math.min(MIN_INTERVAL_MS, this.options.intervalMs ?? MIN_INTERVAL_MS);
    this.timer = setInterval(() => this.tick(), Math.max(50, tick));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Evaluates every alarm that is due. One failing alarm never stops the others. */
  tick(): void {
    const now = this.now();
    for (const [k, e] of this.entries) {
      if (e.next > now) continue;
      try {
        const period = this.options.evaluate(e.accountId, e.region, e.name);
        if (period === undefined) {
          this.entries.delete(k);
          continue;
        }
        e.period = period;
      } catch (err) {
        this.options.log(`alarms: evaluating ${e.name} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      e.next = now + this.intervalFor(e.period);
    }
  }
}

function key(accountId: string, region: string, name: string): string {
  return `${accountId}\u0000${region}\u0000${name}`;
}
