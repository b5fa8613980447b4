// JSONPath payload templates (Parameters, ItemSelector, ResultSelector, JSONPath Assign):
// keys ending in `.$` take a path (`$.x`, `$$.x`, `$var.x`) or an intrinsic call; every other
// value is a literal, recursed into for nested objects and arrays.
import type { Json, JsonObject } from './model.js';
import type { EvalEnv } from './env.js';
import { StatesError, StatesErrors, statePrefix } from './errors.js';
import { isMiss, select } from './jsonpath.js';
import { evaluateIntrinsic, isIntrinsic } from './intrinsics/index.js';
import { setOwn } from './own.js';

/** Resolve one `.$` value: an intrinsic call or a path. `key` is the field as written (with `.$`). */
export function evaluateDollarValue(expr: string, input: Json, env: EvalEnv, key: string): Json {
  if (isIntrinsic(expr)) return evaluateIntrinsic(expr, input, env, key);
  const r = select(expr, input, env);
  if (isMiss(r)) {
    throw new StatesError(StatesErrors.Runtime,
      `${statePrefix(env.stateName, env.enteredEventId)}The JSONPath '${expr}' specified for the field '${key}' could not be found in the input '${JSON.stringify(input)}'`);
  }
  return r.value;
}

/**
 * Resolve a payload template against `input`. `field` names the template's field (e.g.
 * 'Parameters') for error causes. Throws StatesError States.Runtime when a path matches nothing.
 */
export function evaluatePayloadTemplate(template: Json, input: Json, env: EvalEnv, field: string): Json {
  if (Array.isArray(template)) return template.map((t) => evaluatePayloadTemplate(t, input, env, field));
  if (template === null || typeof template !== 'object') return template;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$') && typeof value === 'string') {
      setOwn(out, key.slice(0, -2), evaluateDollarValue(value, input, env, key));
    } else {
      setOwn(out, key, evaluatePayloadTemplate(value, input, env, field));
    }
  }
  return out;
}
