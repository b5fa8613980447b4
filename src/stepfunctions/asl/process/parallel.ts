// Parallel: the input every branch receives.
import type { Json, ParallelState } from '../model.js';
import type { EvalEnv } from '../env.js';
import { applyIoPath } from '../jsonpath.js';
import { evaluatePayloadTemplate } from '../payload.js';
import { evaluateJsonataTemplate } from '../jsonata.js';
import { states } from './common.js';

/** Parallel: the input every branch receives (InputPath + Parameters / Arguments). */
export async function parallelInput(state: ParallelState, input: Json, env: EvalEnv): Promise<Json> {
  if (state.queryLanguage === 'JSONata') {
    return state.Arguments === undefined ? input : evaluateJsonataTemplate(state.Arguments, states(input, env), env, 'Arguments');
  }
  const effective = applyIoPath(state.InputPath, input, env);
  return state.Parameters === undefined ? effective : evaluatePayloadTemplate(state.Parameters, effective, env, 'Parameters');
}
