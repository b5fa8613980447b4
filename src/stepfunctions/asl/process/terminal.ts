// Succeed and Fail.
import type { FailState, Json, SucceedState } from '../model.js';
import type { EvalEnv, StateOutcome } from '../env.js';
import { applyIoPath } from '../jsonpath.js';
import { evaluateDollarValue } from '../payload.js';
import { evaluateJsonataString, isJsonataExpression } from '../jsonata.js';
import type { FailOutcome } from './types.js';
import { finishJsonata, states } from './common.js';

/** Succeed: InputPath → OutputPath, or JSONata Output. */
export async function runSucceed(state: SucceedState, input: Json, env: EvalEnv): Promise<StateOutcome> {
  if (state.queryLanguage === 'JSONata') return finishJsonata(state, states(input, env), input, env);
  return { output: applyIoPath(state.OutputPath, applyIoPath(state.InputPath, input, env), env) };
}

/** Fail: Error/Cause (literal, ErrorPath/CausePath, or JSONata). */
export async function runFail(state: FailState, input: Json, env: EvalEnv): Promise<FailOutcome> {
  let error: Json | undefined = state.Error;
  let cause: Json | undefined = state.Cause;
  if (state.queryLanguage === 'JSONata') {
    const binding = states(input, env);
    if (isJsonataExpression(error)) error = await evaluateJsonataString(error, binding, env, 'Error');
    if (isJsonataExpression(cause)) cause = await evaluateJsonataString(cause, binding, env, 'Cause');
  } else {
    if (state.ErrorPath !== undefined) error = failPath(state.ErrorPath, input, env, 'ErrorPath');
    if (state.CausePath !== undefined) cause = failPath(state.CausePath, input, env, 'CausePath');
  }
  return {
    ...(error !== undefined ? { error: typeof error === 'string' ? error : JSON.stringify(error) } : {}),
    ...(cause !== undefined ? { cause: typeof cause === 'string' ? cause : JSON.stringify(cause) } : {}),
  };
}

function failPath(path: string, input: Json, env: EvalEnv, field: string): Json {
  return evaluateDollarValue(path, input, env, field);
}
