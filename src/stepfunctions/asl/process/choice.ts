// Choice: the first matching rule (JSONPath rules or JSONata Conditions), else Default.
import type { ChoiceState, Json } from '../model.js';
import type { EvalEnv } from '../env.js';
import { StatesError, StatesErrors } from '../errors.js';
import { applyIoPath } from '../jsonpath.js';
import { evaluateJsonataString, expressionText, unexpectedType } from '../jsonata.js';
import { evaluateChoiceRule } from '../choice.js';
import type { ChoiceOutcome } from './types.js';
import { assignJsonPath, finishJsonata, outcome, prefix, states } from './common.js';

/** Choice: first matching branch, else Default; throws StatesError States.NoChoiceMatched. */
export async function runChoice(state: ChoiceState, input: Json, env: EvalEnv): Promise<ChoiceOutcome> {
  if (state.queryLanguage === 'JSONata') {
    const binding = states(input, env);
    for (let i = 0; i < state.Choices.length; i++) {
      const branch = state.Choices[i]!;
      const field = `Choices[${i}]/Condition`;
      const cond = await evaluateJsonataString(branch.Condition as string, binding, env, field);
      if (typeof cond !== 'boolean') unexpectedType(env, expressionText(branch.Condition as string), field, 'boolean', cond);
      if (cond) return { next: branch.Next, ...(await finishJsonata(branch, binding, input, env, `Choices[${i}]/`)) };
    }
    if (state.Default === undefined) throw noChoice(env);
    return { next: state.Default, ...(await finishJsonata(state, binding, input, env)) };
  }
  const effective = applyIoPath(state.InputPath, input, env);
  for (const branch of state.Choices) {
    if (branch.rule && evaluateChoiceRule(branch.rule, effective, env)) {
      return { next: branch.Next, ...outcome(applyIoPath(state.OutputPath, effective, env), assignJsonPath(branch.Assign, effective, env)) };
    }
  }
  if (state.Default === undefined) throw noChoice(env);
  return { next: state.Default, ...outcome(applyIoPath(state.OutputPath, effective, env), assignJsonPath(state.Assign, effective, env)) };
}

function noChoice(env: EvalEnv): StatesError {
  return new StatesError(StatesErrors.NoChoiceMatched, `${prefix(env)}No Matches!`);
}
