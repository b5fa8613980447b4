// JSONPath payload templates (Parameters, ItemSelector, ResultSelector, Assign, Arguments-less
// JSONPath): keys ending in `.$` take a path (`$.x`, `$$.x`, `$var.x`) or an intrinsic call.
import type { Json } from './model.js';
import type { EvalEnv } from './env.js';

/**
 * Resolve a payload template against `input`. `field` names the template's field (e.g.
 * 'Parameters') for error causes. Throws StatesError States.Runtime when a path matches nothing.
 */
export function evaluatePayloadTemplate(template: Json, input: Json, env: EvalEnv, field: string): Json {
  throw new Error(`asl: not implemented yet: evaluatePayloadTemplate ${String(template)} ${String(input)} ${env.stateName} ${field}`);
}
