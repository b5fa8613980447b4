// Map: the items, limits and batching of a run, and each iteration's input (ItemSelector).
import type { Json, JsonObject, MapState } from '../model.js';
import type { EvalEnv } from '../env.js';
import { StatesError, StatesErrors } from '../errors.js';
import { applyIoPath } from '../jsonpath.js';
import { evaluatePayloadTemplate } from '../payload.js';
import { evaluateJsonataString, evaluateJsonataTemplate, expressionText, isJsonataExpression, unexpectedType } from '../jsonata.js';
import { withMapItem } from '../context.js';
import type { ItemBatcherPlan, MapPlan } from './types.js';
import { jsonataNumber, numericPath, pathValue, prefix, states } from './common.js';

/** Map: items, concurrency and failure tolerance. */
export async function mapInput(state: MapState, input: Json, env: EvalEnv): Promise<MapPlan> {
  let items: Json;
  let maxConcurrency: number | undefined;
  let toleratedFailureCount: number | undefined;
  let toleratedFailurePercentage: number | undefined;
  if (state.queryLanguage === 'JSONata') {
    const binding = states(input, env);
    if (state.Items === undefined) {
      items = input;
      if (!Array.isArray(items)) {
        throw new StatesError(StatesErrors.QueryEvaluationError, `${prefix(env)}Map state input must be an array but was: ${JSON.stringify(items)}`);
      }
    } else if (isJsonataExpression(state.Items)) {
      items = await evaluateJsonataString(state.Items, binding, env, 'Items');
      if (!Array.isArray(items)) unexpectedType(env, expressionText(state.Items), 'Items', 'array', items);
    } else {
      items = await evaluateJsonataTemplate(state.Items, binding, env, 'Items');
    }
    maxConcurrency = await jsonataNumber(state.MaxConcurrency, binding, env, 'MaxConcurrency');
    toleratedFailureCount = await jsonataNumber(state.ToleratedFailureCount, binding, env, 'ToleratedFailureCount');
    toleratedFailurePercentage = await jsonataNumber(state.ToleratedFailurePercentage, binding, env, 'ToleratedFailurePercentage');
  } else {
    const effective = applyIoPath(state.InputPath, input, env);
    items = state.ItemsPath === undefined || state.ItemsPath === '$' ? effective : pathValue(state.ItemsPath, effective, env, 'ItemsPath');
    if (!Array.isArray(items)) {
      throw new StatesError(StatesErrors.Runtime,
        `${prefix(env)}Map state input must be an array but was: ${JSON.stringify(items)}`);
    }
    maxConcurrency = typeof state.MaxConcurrency === 'number' ? state.MaxConcurrency
      : state.MaxConcurrencyPath !== undefined ? numericPath(state.MaxConcurrencyPath, effective, env, 'MaxConcurrencyPath') : undefined;
    toleratedFailureCount = typeof state.ToleratedFailureCount === 'number' ? state.ToleratedFailureCount
      : state.ToleratedFailureCountPath !== undefined ? numericPath(state.ToleratedFailureCountPath, effective, env, 'ToleratedFailureCountPath') : undefined;
    toleratedFailurePercentage = typeof state.ToleratedFailurePercentage === 'number' ? state.ToleratedFailurePercentage
      : state.ToleratedFailurePercentagePath !== undefined ? numericPath(state.ToleratedFailurePercentagePath, effective, env, 'ToleratedFailurePercentagePath') : undefined;
  }
  const batcher = state.ItemBatcher ? await resolveBatcher(state, state.ItemBatcher, input, env) : undefined;
  return {
    items: items as Json[],
    maxConcurrency: maxConcurrency ?? 0,
    ...(batcher ? { batcher } : {}),
    ...(toleratedFailureCount !== undefined ? { toleratedFailureCount } : {}),
    ...(toleratedFailurePercentage !== undefined ? { toleratedFailurePercentage } : {}),
  };
}

async function resolveBatcher(state: MapState, b: JsonObject, input: Json, env: EvalEnv): Promise<ItemBatcherPlan> {
  let maxItems: number | undefined;
  let maxBytes: number | undefined;
  let batchInput: Json | undefined;
  if (state.queryLanguage === 'JSONata') {
    const binding = states(input, env);
    maxItems = await jsonataNumber(b.MaxItemsPerBatch as number | string | undefined, binding, env, 'MaxItemsPerBatch');
    maxBytes = await jsonataNumber(b.MaxInputBytesPerBatch as number | string | undefined, binding, env, 'MaxInputBytesPerBatch');
    if (b.BatchInput !== undefined) batchInput = await evaluateJsonataTemplate(b.BatchInput, binding, env, 'BatchInput');
  } else {
    const effective = applyIoPath(state.InputPath, input, env);
    maxItems = typeof b.MaxItemsPerBatch === 'number' ? b.MaxItemsPerBatch
      : typeof b.MaxItemsPerBatchPath === 'string' ? numericPath(b.MaxItemsPerBatchPath, effective, env, 'MaxItemsPerBatchPath') : undefined;
    maxBytes = typeof b.MaxInputBytesPerBatch === 'number' ? b.MaxInputBytesPerBatch
      : typeof b.MaxInputBytesPerBatchPath === 'string' ? numericPath(b.MaxInputBytesPerBatchPath, effective, env, 'MaxInputBytesPerBatchPath') : undefined;
    if (b.BatchInput !== undefined) batchInput = evaluatePayloadTemplate(b.BatchInput, effective, env, 'BatchInput');
  }
  return {
    ...(maxItems !== undefined ? { maxItemsPerBatch: maxItems } : {}),
    ...(maxBytes !== undefined ? { maxInputBytesPerBatch: maxBytes } : {}),
    ...(batchInput !== undefined ? { batchInput } : {}),
  };
}

/**
 * Map: the input of iteration `index` (ItemSelector / legacy Parameters, with `$$.Map.Item`), or the
 * item itself when there is no selector. `input` is the Map state's raw input.
 */
export async function mapItemInput(state: MapState, input: Json, item: Json, index: number, env: EvalEnv): Promise<Json> {
  if (state.ItemSelector === undefined) return item;
  const itemEnv: EvalEnv = { ...env, context: withMapItem(env.context, { index, value: item }) };
  if (state.queryLanguage === 'JSONata') {
    return evaluateJsonataTemplate(state.ItemSelector, states(input, itemEnv), itemEnv, 'ItemSelector');
  }
  const effective = applyIoPath(state.InputPath, input, env);
  return evaluatePayloadTemplate(state.ItemSelector, effective, itemEnv, state.legacyIterator ? 'Parameters' : 'ItemSelector');
}
