// Task / Parallel / Map after success, and after a Catcher matched.
import type { Catcher, Json, JsonObject, MapState, ParallelState, State, TaskState } from '../model.js';
import type { EvalEnv, StateOutcome } from '../env.js';
import { applyIoPath, applyResultPath } from '../jsonpath.js';
import { evaluatePayloadTemplate } from '../payload.js';
import { assignJsonPath, finishJsonata, outcome, states } from './common.js';

/** Task / Parallel / Map after success: ResultSelector → ResultPath → OutputPath + Assign, or JSONata Assign + Output. */
export async function stateResult(
  state: TaskState | ParallelState | MapState, input: Json, result: Json, env: EvalEnv,
): Promise<StateOutcome> {
  if (state.queryLanguage === 'JSONata') return finishJsonata(state, states(input, env, { result }), result, env);
  const selected = state.ResultSelector === undefined ? result : evaluatePayloadTemplate(state.ResultSelector, result, env, 'ResultSelector');
  const assigned = assignJsonPath(state.Assign, selected, env);
  const output = applyIoPath(state.OutputPath, applyResultPath(state.ResultPath, input, selected, env), env);
  return outcome(output, assigned);
}

/** A Catcher matched: ResultPath of the error output into the input (JSONPath) or Output (JSONata), and Assign. */
export async function catchResult(
  state: State, catcher: Catcher, input: Json, errorOutput: JsonObject, env: EvalEnv,
): Promise<StateOutcome> {
  if (state.queryLanguage === 'JSONata') {
    const i = 'Catch' in state ? (state.Catch as readonly Catcher[]).indexOf(catcher) : -1;
    return finishJsonata(catcher, states(input, env, { errorOutput }), errorOutput, env, i >= 0 ? `Catch[${i}]/` : '');
  }
  const assigned = assignJsonPath(catcher.Assign, errorOutput, env);
  return outcome(applyResultPath(catcher.ResultPath, input, errorOutput, env), assigned);
}
