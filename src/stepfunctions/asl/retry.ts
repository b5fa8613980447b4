// Retry / Catch: which retrier or catcher handles an error, and how long to wait before a retry.
// Matching rules (AWS docs, "Error handling"): States.ALL matches every error; States.TaskFailed
// matches every error except the timeouts; States.Runtime is never retried or caught (the
// recorded AWS case with Catch ["States.Runtime"] still fails the execution).
import type { Catcher, JsonObject, Retrier } from './model.js';

const TIMEOUTS = new Set(['States.Timeout', 'States.HeartbeatTimeout']);

/** Whether an ErrorEquals list matches `errorName`. */
export function errorMatches(errorEquals: readonly string[], errorName: string): boolean {
  if (errorName === 'States.Runtime') return false;
  for (const e of errorEquals) {
    if (e === errorName || e === 'States.ALL') return true;
    if (e === 'States.TaskFailed' && !TIMEOUTS.has(errorName)) return true;
    if (e === 'States.Timeout' && errorName === 'States.HeartbeatTimeout') return true;
  }
  return false;
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
 * uniform value in [0, delay) from `random` (a [0,1) source). Callers must first check
 * `attempt <= retrier.MaxAttempts`.
 */
export function retryDelay(retrier: Retrier, attempt: number, random: () => number): number {
  let delay = retrier.IntervalSeconds * Math.pow(retrier.BackoffRate, Math.max(0, attempt - 1));
  if (retrier.MaxDelaySeconds !== undefined) delay = Math.min(delay, retrier.MaxDelaySeconds);
  if (retrier.JitterStrategy === 'FULL') delay = random() * delay;
  return delay;
}

/** The error output a Catcher / $states.errorOutput sees: `{Error, Cause}` (Cause omitted if absent). */
export function errorOutput(error: string, cause: string | undefined): JsonObject {
  return cause === undefined ? { Error: error } : { Error: error, Cause: cause };
}
