// JSONPath as Step Functions uses it: reference paths (InputPath, OutputPath, ItemsPath, `.$`
// values, Choice Variable) and ResultPath (which writes, creating intermediate objects).
import type { Json } from './model.js';
import type { EvalEnv } from './env.js';

/**
 * Select `path` from `input` (`$…`), the context (`$$…`) or a variable (`$name…`). Returns
 * undefined when nothing matches; callers turn that into AWS's field-specific error.
 */
export function selectPath(path: string, input: Json, env: EvalEnv): Json | undefined {
  throw new Error(`asl: not implemented yet: selectPath ${path} ${String(input)} ${env.stateName}`);
}

/** ResultPath: place `result` into `input` at `path` (null → input unchanged, `$` → result). */
export function applyResultPath(path: string | null | undefined, input: Json, result: Json, env: EvalEnv): Json {
  throw new Error(`asl: not implemented yet: applyResultPath ${String(path)} ${String(input)} ${String(result)} ${env.stateName}`);
}
