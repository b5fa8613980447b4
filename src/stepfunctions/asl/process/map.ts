// Map: the items, limits and batching of a run, and each iteration's input (ItemSelector).
import type { Json, JsonObject, MapState } from '../model.js';
import type { EvalEnv } from '../env.js';
import { StatesError, StatesErrors } from '../errors.js';
import { applyIoPath } from '../jsonpath.js';
import { evaluatePayloadTemplate } from '../payload.js';
import { evaluateJsonataString, evaluateJsonataTemplate, expressionText, isJsonataExpression, unexpectedType } from '../jsonata.js';
import { withMapItem } from '../context.js';
import type { ItemBatcherPlan, MapPlan } from './types.js';
import { jsonataNumber, numericPath, parsedPath, pathValue, prefix, states } from './common.js';

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
      : state.MaxConcurrencyPath !== undefined ? maxConcurrencyPath(state.MaxConcurrencyPath, effective, env) : undefined;
    // Literal tolerances were range-checked at creation; the …Path ones are read by mapTolerance.
    if (typeof state.ToleratedFailureCount === 'number') toleratedFailureCount = state.ToleratedFailureCount;
    if (typeof state.ToleratedFailurePercentage === 'number') toleratedFailurePercentage = state.ToleratedFailurePercentage;
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

function maxConcurrencyPath(path: string, effective: Json, env: EvalEnv): number {
  const n = parsedPath(path, effective, env, 'MaxConcurrencyPath', 'integer');
  if (n < 0) {
    throw new StatesError(StatesErrors.Runtime, `${prefix(env)}The MaxConcurrencyPath field must reference a non-negative number, but was: ${n}`);
  }
  return n;
}

/**
 * ToleratedFailureCountPath / ToleratedFailurePercentagePath (JSONPath Map). AWS reads them only once
 * the run has begun: a bad value fails the state after MapStateStarted, not before it like
 * MaxConcurrencyPath. Returns the resolved limits, or {} when neither path is set.
 */
export function mapTolerance(state: MapState, input: Json, env: EvalEnv): { toleratedFailureCount?: number; toleratedFailurePercentage?: number } {
  if (state.queryLanguage === 'JSONata') return {};
  if (state.ToleratedFailureCountPath === undefined && state.ToleratedFailurePercentagePath === undefined) return {};
  const effective = applyIoPath(state.InputPath, input, env);
  const out: { toleratedFailureCount?: number; toleratedFailurePercentage?: number } = {};
  if (state.ToleratedFailureCountPath !== undefined) {
    const n = parsedPath(state.ToleratedFailureCountPath, effective, env, 'ToleratedFailureCountPath', 'integer');
    if (n < 0) throw new StatesError(StatesErrors.Runtime, `${prefix(env)}ToleratedFailureCount cannot be negative.`);
    out.toleratedFailureCount = n;
  }
  if (state.ToleratedFailurePercentagePath !== undefined) {
    const n = parsedPath(state.ToleratedFailurePercentagePath, effective, env, 'ToleratedFailurePercentagePath', 'float');
    if (n < 0 || n > 100) throw new StatesError(StatesErrors.Runtime, `${prefix(env)}ToleratedFailurePercentage must be between 0 and 100.`);
    out.toleratedFailurePercentage = n;
  }
  return out;
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
