// Intrinsic functions (States.Format, States.Array…): parse a call string and evaluate it.
import type { Json } from '../model.js';
import type { EvalEnv } from '../env.js';

/** True when the string is an intrinsic function call (`States.Name(...)`). */
export function isIntrinsic(text: string): boolean {
  return /^States\.[A-Za-z0-9]+\(/.test(text);
}

/** Evaluate an intrinsic call; arguments may be literals, paths, `$$` paths, `$var` refs and nested calls. */
export function evaluateIntrinsic(text: string, input: Json, env: EvalEnv, field: string): Json {
  throw new Error(`asl: not implemented yet: evaluateIntrinsic ${text} ${String(input)} ${env.stateName} ${field}`);
}
