// Test helper: a deterministic EvalEnv.
import type { EvalEnv } from './env.js';
import type { JsonObject } from './model.js';
import { VariableScope } from './variables.js';

export function testEnv(vars: JsonObject = {}, context: JsonObject = { Execution: { Id: 'exec-arn' } }): EvalEnv {
  let n = 0;
  return {
    stateName: 'S', enteredEventId: 2, context, variables: new VariableScope(undefined, vars),
    randomness: { random: () => 0.25, uuid: () => `uuid-${++n}` },
  };
}
