// Time, injected. The engine never calls Date.now() or setTimeout directly, so tests can run a
// one-year Wait instantly with a manual clock, and durable deadlines are plain epoch milliseconds.

import type { CancelSignal } from './cancel.js';

export interface Clock {
  now(): number;
  /** Resolves after `ms` (or at once when ms <= 0); rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: CancelSignal): Promise<void>;
}

/** setTimeout caps at 2^31-1 ms (~24.8 days): longer sleeps are chained. */
const MAX_TIMER = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep(ms, signal) {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      if (ms <= 0) return resolve();
      const end = Date.now() + ms;
      let timer: NodeJS.Timeout;
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal!.reason);
      };
      const arm = () => {
        const left = end - Date.now();
        if (left <= 0) {
          signal?.removeEventListener('abort', onAbort);
          resolve();
          return;
        }
        timer = setTimeout(arm, Math.min(left, MAX_TIMER));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      arm();
    });
  },
};

/**
 * A clock for tests: time only moves when `advance` is called (or, with `autoAdvance`, jumps
 * straight to the earliest pending deadline whenever something sleeps).
 */
export class ManualClock implements Clock {
  private t: number;
  private sleepers: Array<{ at: number; resolve: () => void }> = [];
  constructor(start = Date.parse('2024-01-01T00:00:00.000Z'), private readonly autoAdvance = true) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  sleep(ms: number, signal?: CancelSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const entry = { at: this.t + ms, resolve };
      this.sleepers.push(entry);
      signal?.addEventListener('abort', () => {
        this.sleepers = this.sleepers.filter((s) => s !== entry);
        reject(signal.reason);
      }, { once: true });
      if (this.autoAdvance) setImmediate(() => this.advance(entry.at - this.t));
    });
  }
  advance(ms: number): void {
    this.t += Math.max(0, ms);
    const due = this.sleepers.filter((s) => s.at <= this.t);
    this.sleepers = this.sleepers.filter((s) => s.at > this.t);
    for (const s of due) s.resolve();
  }
}
