// Wait: when the wait ends (Seconds/Timestamp, their …Path and JSONata forms), with AWS's errors.
import type { Json, WaitState } from '../model.js';
import type { EvalEnv, StateOutcome } from '../env.js';
import { StatesError, StatesErrors } from '../errors.js';
import { applyIoPath, isMiss, select } from '../jsonpath.js';
import { evaluateJsonataString, isJsonataExpression } from '../jsonata.js';
import { instantToMs, parseTimestamp } from '../timestamp.js';
import type { WaitOutcome } from './types.js';
import { assignJsonPath, finishJsonata, outcome, pathValue, prefix, renderPlain, states } from './common.js';

/** Longest wait AWS accepts (its limit is the int32 seconds range: 2^31-1 s from now). */
const MAX_WAIT_SECONDS = 2_147_483_647;

/** Wait: resolves Seconds/Timestamp(Path) against `nowMs` and computes the output/assignments. */
export async function runWait(state: WaitState, input: Json, env: EvalEnv, nowMs: number): Promise<WaitOutcome> {
  let untilMs: number;
  let done: StateOutcome;
  if (state.queryLanguage === 'JSONata') {
    const binding = states(input, env);
    if (state.Seconds !== undefined) {
      const v = isJsonataExpression(state.Seconds) ? await evaluateJsonataString(state.Seconds, binding, env, 'Seconds') : state.Seconds;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
        throw new StatesError(StatesErrors.QueryEvaluationError,
          `${prefix(env)}The Seconds field must be a non-negative integer, but was: ${JSON.stringify(v)}`, 'Seconds');
      }
      untilMs = secondsUntil(v, nowMs, env);
    } else {
      const raw = state.Timestamp as string;
      const v = isJsonataExpression(raw) ? await evaluateJsonataString(raw, binding, env, 'Timestamp') : raw;
      const t = typeof v === 'string' ? parseTimestamp(v) : undefined;
      if (!t) {
        throw new StatesError(StatesErrors.QueryEvaluationError,
          `${prefix(env)}The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: ${typeof v === 'string' ? v : JSON.stringify(v)}`, 'Timestamp');
      }
      untilMs = timestampUntil(instantToMs(t), nowMs, env);
    }
    done = await finishJsonata(state, binding, input, env);
    return { untilMs, ...done };
  }
  const effective = applyIoPath(state.InputPath, input, env);
  if (state.Seconds !== undefined) {
    untilMs = secondsUntil(state.Seconds as number, nowMs, env);
  } else if (state.Timestamp !== undefined) {
    untilMs = timestampUntil(instantToMs(parseTimestamp(state.Timestamp)!), nowMs, env);
  } else if (state.SecondsPath !== undefined) {
    // A SecondsPath that selects nothing has its own AWS wording (recorded: logs/test_logs
    // wait_seconds_path), not the generic "could not be found in the input" of other …Path fields.
    const sel = select(state.SecondsPath, effective, env);
    if (isMiss(sel)) {
      throw new StatesError(StatesErrors.Runtime,
        `${prefix(env)}The SecondsPath parameter does not reference an input value: ${state.SecondsPath}`);
    }
    const v = sel.value;
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      throw new StatesError(StatesErrors.Runtime,
        `${prefix(env)}The SecondsPath parameter cannot be parsed as a long value: ${state.SecondsPath} == ${renderPlain(v)}`);
    }
    if (v < 0) {
      throw new StatesError(StatesErrors.Runtime,
        `${prefix(env)}The SecondsPath parameter references a negative value: ${state.SecondsPath} == ${v}`);
    }
    untilMs = secondsUntil(v, nowMs, env);
  } else {
    const path = state.TimestampPath as string;
    const v = pathValue(path, effective, env, 'TimestampPath');
    const t = typeof v === 'string' ? parseTimestamp(v) : undefined;
    if (!t) {
      throw new StatesError(StatesErrors.Runtime,
        `${prefix(env)}The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: ${path} == ${renderPlain(v)}`);
    }
    untilMs = timestampUntil(instantToMs(t), nowMs, env);
  }
  done = outcome(applyIoPath(state.OutputPath, effective, env), assignJsonPath(state.Assign, effective, env));
  return { untilMs, ...done };
}

function secondsUntil(seconds: number, nowMs: number, env: EvalEnv): number {
  if (seconds > MAX_WAIT_SECONDS) throw new StatesError(StatesErrors.Runtime, `${prefix(env)}Wait state delay is too long.`);
  return nowMs + seconds * 1000;
}

function timestampUntil(ms: number, nowMs: number, env: EvalEnv): number {
  if ((ms - nowMs) / 1000 > MAX_WAIT_SECONDS) throw new StatesError(StatesErrors.Runtime, `${prefix(env)}Wait state delay is too long.`);
  return ms;
}

