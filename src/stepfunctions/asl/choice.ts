// Choice rules (JSONPath): comparison operators, …Path variants, Is* tests, And/Or/Not.
import type { ChoiceRule, Json } from './model.js';
import type { EvalEnv } from './env.js';

/** True when `rule` matches `input`. Type mismatches are false, as on AWS. */
export function evaluateChoiceRule(rule: ChoiceRule, input: Json, env: EvalEnv): boolean {
  throw new Error(`asl: not implemented yet: evaluateChoiceRule ${rule.kind} ${String(input)} ${env.stateName}`);
}
