// JSONata query language: `{% %}` templates, the $states binding, variables and the functions
// Step Functions adds ($partition, $range, $hash, $random, $uuid, $parse).
import type { Json, JsonObject } from './model.js';
import type { EvalEnv } from './env.js';

/** The `$states` reserved variable. */
export interface StatesBinding {
  readonly input: Json;
  readonly result?: Json;
  readonly errorOutput?: JsonObject;
  readonly context: JsonObject;
}

/** True when `value` is a string of the form `{% … %}`. */
export function isJsonataExpression(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('{%') && value.endsWith('%}');
}

/**
 * Resolve every `{% %}` string inside `value` (objects and arrays recursively). Throws StatesError
 * States.QueryEvaluationError with AWS's cause wording on evaluation errors.
 */
export async function evaluateJsonataTemplate(value: Json, states: StatesBinding, env: EvalEnv, field: string): Promise<Json> {
  throw new Error(`asl: not implemented yet: evaluateJsonataTemplate ${String(value)} ${String(states)} ${env.stateName} ${field}`);
}
