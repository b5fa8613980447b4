// Task: the payload, timeouts and credentials before invoking its resource.
import type { Json, JsonObject, TaskState } from '../model.js';
import type { EvalEnv, StateOutcome } from '../env.js';
import { StatesError, StatesErrors } from '../errors.js';
import { applyIoPath } from '../jsonpath.js';
import { evaluatePayloadTemplate } from '../payload.js';
import { evaluateJsonataString, evaluateJsonataTemplate, expressionText, type StatesBinding } from '../jsonata.js';
import type { TaskInvocation } from './types.js';
import { pathValue, prefix, states } from './common.js';
import { stateResult } from './result.js';

/** Task, before invoking: payload, timeouts, credentials. */
export async function taskInput(state: TaskState, input: Json, env: EvalEnv): Promise<TaskInvocation> {
  let payload: Json;
  let credentials: JsonObject | undefined;
  let timeoutSeconds: number | undefined;
  let heartbeatSeconds: number | undefined;
  if (state.queryLanguage === 'JSONata') {
    const binding = states(input, env);
    payload = state.Arguments === undefined ? input : await evaluateJsonataTemplate(state.Arguments, binding, env, 'Arguments');
    if (state.Credentials) credentials = await evaluateJsonataTemplate(state.Credentials, binding, env, 'Credentials') as JsonObject;
    timeoutSeconds = await jsonataSeconds(state.TimeoutSeconds, binding, env, 'TimeoutSeconds');
    heartbeatSeconds = await jsonataSeconds(state.HeartbeatSeconds, binding, env, 'HeartbeatSeconds');
  } else {
    const effective = applyIoPath(state.InputPath, input, env);
    payload = state.Parameters === undefined ? effective : evaluatePayloadTemplate(state.Parameters, effective, env, 'Parameters');
    if (state.Credentials) credentials = evaluatePayloadTemplate(state.Credentials, effective, env, 'Credentials') as JsonObject;
    timeoutSeconds = typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds
      : state.TimeoutSecondsPath !== undefined ? positiveSeconds(pathValue(state.TimeoutSecondsPath, effective, env, 'TimeoutSecondsPath'), 'TimeoutSecondsPath', env) : undefined;
    heartbeatSeconds = typeof state.HeartbeatSeconds === 'number' ? state.HeartbeatSeconds
      : state.HeartbeatSecondsPath !== undefined ? positiveSeconds(pathValue(state.HeartbeatSecondsPath, effective, env, 'HeartbeatSecondsPath'), 'HeartbeatSecondsPath', env) : undefined;
  }
  return {
    payload,
    ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
    ...(heartbeatSeconds !== undefined ? { heartbeatSeconds } : {}),
    ...(credentials !== undefined ? { credentials } : {}),
  };
}

function positiveSeconds(v: Json, field: string, env: EvalEnv): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new StatesError(StatesErrors.Runtime, `${prefix(env)}The ${field} parameter must be a positive integer, but was: ${JSON.stringify(v)}`);
  }
  return v;
}

async function jsonataSeconds(v: number | string | undefined, binding: StatesBinding, env: EvalEnv, field: string): Promise<number | undefined> {
  if (v === undefined || typeof v === 'number') return v;
  const r = await evaluateJsonataString(v, binding, env, field);
  if (typeof r !== 'number' || !Number.isInteger(r) || r <= 0) {
    throw new StatesError(StatesErrors.QueryEvaluationError,
      `${prefix(env)}The JSONata expression '${expressionText(v)}' specified for the field '${field}' returned an unexpected result type. Expected 'positive integer', but was '${typeof r}' for value: ${JSON.stringify(r)}`, field);
  }
  return r;
}

/** Task, after success: ResultSelector → ResultPath → OutputPath, Assign (JSONPath) / Assign, Output (JSONata). */
export async function taskResult(state: TaskState, input: Json, result: Json, env: EvalEnv): Promise<StateOutcome> {
  return stateResult(state, input, result, env);
}
