// Retry / Catch: which retrier or catcher handles an error, and how long to wait before a retry.
import type { Catcher, JsonObject, Retrier } from './model.js';

/** Whether an ErrorEquals list matches `errorName`. */
export function errorMatches(errorEquals: readonly string[], errorName: string): boolean {
  throw new Error(`asl: not implemented yet: errorMatches ${errorEquals.length} ${errorName}`);
}

/** Index of the first retrier matching `errorName`, or -1. */
export function findRetrier(retriers: readonly Retrier[], errorName: string): number {
  return retriers.findIndex((r) => errorMatches(r.ErrorEquals, errorName));
}

/** The first catcher matching `errorName`. */
export function findCatcher(catchers: readonly Catcher[], errorName: string): Catcher | undefined {
  return catchers.find((c) => errorMatches(c.ErrorEquals, errorName));
}

/**
 * Seconds to wait before retry number `attempt` (1 = first retry):
 * IntervalSeconds × BackoffRate^(attempt-1), capped at MaxDelaySeconds, then with FULL jitter a
 * uniform value in [0, delay) from `random` (a [0,1) source).
 */
export function retryDelay(retrier: Retrier, attempt: number, random: () => number): number {
  throw new Error(`asl: not implemented yet: retryDelay ${retrier.MaxAttempts} ${attempt} ${random()}`);
}

/** The error output a Catcher / $states.errorOutput sees: `{Error, Cause}` (Cause omitted if absent). */
export function errorOutput(error: string, cause: string | undefined): JsonObject {
  return cause === undefined ? { Error: error } : { Error: error, Cause: cause };
}
