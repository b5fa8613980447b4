// Pass: InputPath → Parameters/Result → ResultPath → OutputPath (JSONPath) or Output (JSONata); Assign.
import type { Json, PassState } from '../model.js';
import type { EvalEnv, StateOutcome } from '../env.js';
import { applyIoPath, applyResultPath } from '../jsonpath.js';
import { evaluatePayloadTemplate } from '../payload.js';
import { assignJsonPath, finishJsonata, outcome, states } from './common.js';

/** Pass: InputPath → Parameters/Result → ResultPath → OutputPath (JSONPath) or Output (JSONata); Assign. */
export async function runPass(state: PassState, input: Json, env: EvalEnv): Promise<StateOutcome> {
  if (state.queryLanguage === 'JSONata') return finishJsonata(state, states(input, env), input, env);
  const effective = applyIoPath(state.InputPath, input, env);
  const result = state.Result !== undefined
    ? state.Result
    : state.Parameters !== undefined ? evaluatePayloadTemplate(state.Parameters, effective, env, 'Parameters') : effective;
  const assigned = assignJsonPath(state.Assign, result, env);
  const output = applyIoPath(state.OutputPath, applyResultPath(state.ResultPath, input, result, env), env);
  return outcome(output, assigned);
}
