// State-level processing: what each state does to its input, in the order AWS applies the fields.
// JSONPath: InputPath → Parameters → (task) → ResultSelector → ResultPath → OutputPath, with Assign
// evaluated against the state's effective result (Pass: its result; Choice/Wait: its input after
// InputPath; Catch: the error output). JSONata: Arguments → (task) → Assign and Output with
// $states.input / $states.result / $states.errorOutput; Output defaults to the result (or input).
// Assign never changes what the same state's expressions see: values apply after the state.
import type {
  Catcher, ChoiceState, FailState, Json, JsonObject, MapState, ParallelState, PassState, State,
  SucceedState, TaskState, WaitState,
} from './model.js';
import type { EvalEnv, StateOutcome } from './env.js';
import { StatesError, StatesErrors, statePrefix } from './errors.js';
import { applyIoPath, applyResultPath, isMiss, select } from './jsonpath.js';
import { evaluateDollarValue, evaluatePayloadTemplate } from './payload.js';
import {
  evaluateJsonataString, evaluateJsonataTemplate, expressionText, isJsonataExpression, unexpectedType,
  type StatesBinding,
} from './jsonata.js';
import { evaluateChoiceRule } from './choice.js';
import { withMapItem } from './context.js';
import { parseTimestamp, instantToMs } from './timestamp.js';

export interface ChoiceOutcome extends StateOutcome {
  /** The state to go to (a matched branch's Next, else Default). */
  readonly next: string;
}

export interface WaitOutcome extends StateOutcome {
  /** Epoch milliseconds at which the wait ends (nowMs + Seconds*1000, or the Timestamp). */
  readonly untilMs: number;
}

export interface FailOutcome {
  readonly error?: string;
  readonly cause?: string;
}

export interface TaskInvocation {
  /** The effective parameters sent to the resource (JSONPath: InputPath+Parameters; JSONata: Arguments). */
  readonly payload: Json;
  /** Resolved TimeoutSeconds / TimeoutSecondsPath (undefined = no state timeout given). */
  readonly timeoutSeconds?: number;
  readonly heartbeatSeconds?: number;
  /** Resolved Credentials object (e.g. {RoleArn}), if any. */
  readonly credentials?: JsonObject;
}

export interface MapPlan {
  /** The items to iterate (ItemsPath / Items, after InputPath). */
  readonly items: Json[];
  /** 0 = unlimited. */
  readonly maxConcurrency: number;
  readonly toleratedFailureCount?: number;
  readonly toleratedFailurePercentage?: number;
  /** Resolved ItemBatcher (DISTRIBUTED Map), if any: the engine groups items into `{...batchInput, Items: [...]}`. */
  readonly batcher?: ItemBatcherPlan;
}

export interface ItemBatcherPlan {
  readonly maxItemsPerBatch?: number;
  readonly maxInputBytesPerBatch?: number;
  readonly batchInput?: Json;
}

const prefix = (env: EvalEnv): string => statePrefix(env.stateName, env.enteredEventId);

function states(input: Json, env: EvalEnv, extra: Partial<StatesBinding> = {}): StatesBinding {
  return { input, context: env.context, ...extra };
}

// ── Assign ──────────────────────────────────────────────────────────────────────────────────
/** JSONPath Assign: a payload template whose `$` is `value`; keys ending `.$` lose the suffix. */
function assignJsonPath(assign: JsonObject | undefined, value: Json, env: EvalEnv): JsonObject | undefined {
  if (!assign) return undefined;
  return evaluatePayloadTemplate(assign, value, env, 'Assign') as JsonObject;
}

async function assignJsonata(assign: JsonObject | undefined, binding: StatesBinding, env: EvalEnv, field: string): Promise<JsonObject | undefined> {
  if (!assign) return undefined;
  return await evaluateJsonataTemplate(assign, binding, env, field) as JsonObject;
}

function outcome(output: Json, assigned: JsonObject | undefined): StateOutcome {
  return assigned ? { output, assigned } : { output };
}

/**
 * JSONata Assign + Output, both evaluated with the same bindings (variables as at state entry).
 * `at` prefixes the field names in error causes for Choice rules and Catchers ('Choices[1]/').
 */
async function finishJsonata(
  state: { Assign?: JsonObject; Output?: Json }, binding: StatesBinding, fallback: Json, env: EvalEnv, at = '',
): Promise<StateOutcome> {
  const assigned = await assignJsonata(state.Assign, binding, env, `${at}Assign`);
  const output = state.Output === undefined ? fallback : await evaluateJsonataTemplate(state.Output, binding, env, `${at}Output`);
  return outcome(output, assigned);
}

// ── Pass ────────────────────────────────────────────────────────────────────────────────────
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

// ── Choice ──────────────────────────────────────────────────────────────────────────────────
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

// ── Wait ────────────────────────────────────────────────────────────────────────────────────
/** Longest wait AWS accepts (its limit is the int32 seconds range: 2^31-1 s from now). */
const MAX_WAIT_SECONDS = 2_147_483_647;

/** Wait: resolves Seconds/Timestamp(Path) against `nowMs` and computes the output/assignments. */
export async function runWait(state: WaitState, input: Json, env: EvalEnv, nowMs: number): Promise<WaitOutcome> {
  let untilMs: number;
  let done: StateOutcome;
  if (state.queryLanguage === 'JSONata') {
    const binding = states(input, env);
    if (state.Seconds !== undefined) {
      const v = isJsonataExpression(state.Seconds) ? await evaluateJsonataString(state.Seconds, binding, env, 'Seconds') : state.Seconds;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
        throw new StatesError(StatesErrors.QueryEvaluationError,
          `${prefix(env)}The Seconds field must be a non-negative integer, but was: ${JSON.stringify(v)}`, 'Seconds');
      }
      untilMs = secondsUntil(v, nowMs, env);
    } else {
      const raw = state.Timestamp as string;
      const v = isJsonataExpression(raw) ? await evaluateJsonataString(raw, binding, env, 'Timestamp') : raw;
      const t = typeof v === 'string' ? parseTimestamp(v) : undefined;
      if (!t) {
        throw new StatesError(StatesErrors.QueryEvaluationError,
          `${prefix(env)}The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: ${typeof v === 'string' ? v : JSON.stringify(v)}`, 'Timestamp');
      }
      untilMs = timestampUntil(instantToMs(t), nowMs, env);
    }
    done = await finishJsonata(state, binding, input, env);
    return { untilMs, ...done };
  }
  const effective = applyIoPath(state.InputPath, input, env);
  if (state.Seconds !== undefined) {
    untilMs = secondsUntil(state.Seconds as number, nowMs, env);
  } else if (state.Timestamp !== undefined) {
    untilMs = timestampUntil(instantToMs(parseTimestamp(state.Timestamp)!), nowMs, env);
  } else if (state.SecondsPath !== undefined) {
    const v = pathValue(state.SecondsPath, effective, env, 'SecondsPath');
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      throw new StatesError(StatesErrors.Runtime,
        `${prefix(env)}The SecondsPath parameter cannot be parsed as a long value: ${state.SecondsPath} == ${renderPlain(v)}`);
    }
    if (v < 0) {
      throw new StatesError(StatesErrors.Runtime,
        `${prefix(env)}The SecondsPath parameter references a negative value: ${state.SecondsPath} == ${v}`);
    }
    untilMs = secondsUntil(v, nowMs, env);
  } else {
    const path = state.TimestampPath as string;
    const v = pathValue(path, effective, env, 'TimestampPath');
    const t = typeof v === 'string' ? parseTimestamp(v) : undefined;
    if (!t) {
      throw new StatesError(StatesErrors.Runtime,
        `${prefix(env)}The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: ${path} == ${renderPlain(v)}`);
    }
    untilMs = timestampUntil(instantToMs(t), nowMs, env);
  }
  done = outcome(applyIoPath(state.OutputPath, effective, env), assignJsonPath(state.Assign, effective, env));
  return { untilMs, ...done };
}

function secondsUntil(seconds: number, nowMs: number, env: EvalEnv): number {
  if (seconds > MAX_WAIT_SECONDS) throw new StatesError(StatesErrors.Runtime, `${prefix(env)}Wait state delay is too long.`);
  return nowMs + seconds * 1000;
}

function timestampUntil(ms: number, nowMs: number, env: EvalEnv): number {
  if ((ms - nowMs) / 1000 > MAX_WAIT_SECONDS) throw new StatesError(StatesErrors.Runtime, `${prefix(env)}Wait state delay is too long.`);
  return ms;
}

/** Values in AWS's "path == value" messages: strings bare, everything else as JSON. */
function renderPlain(v: Json): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** A …Path field's value; AWS names the field when the path matches nothing. */
function pathValue(path: string, input: Json, env: EvalEnv, field: string): Json {
  const r = select(path, input, env);
  if (isMiss(r)) {
    throw new StatesError(StatesErrors.Runtime,
      `${prefix(env)}The JSONPath '${path}' specified for the field '${field}' could not be found in the input '${JSON.stringify(input)}'`);
  }
  return r.value;
}

// ── Succeed / Fail ──────────────────────────────────────────────────────────────────────────
/** Succeed: InputPath → OutputPath, or JSONata Output. */
export async function runSucceed(state: SucceedState, input: Json, env: EvalEnv): Promise<StateOutcome> {
  if (state.queryLanguage === 'JSONata') return finishJsonata(state, states(input, env), input, env);
  return { output: applyIoPath(state.OutputPath, applyIoPath(state.InputPath, input, env), env) };
}

/** Fail: Error/Cause (literal, ErrorPath/CausePath, or JSONata). */
export async function runFail(state: FailState, input: Json, env: EvalEnv): Promise<FailOutcome> {
  let error: Json | undefined = state.Error;
  let cause: Json | undefined = state.Cause;
  if (state.queryLanguage === 'JSONata') {
    const binding = states(input, env);
    if (isJsonataExpression(error)) error = await evaluateJsonataString(error, binding, env, 'Error');
    if (isJsonataExpression(cause)) cause = await evaluateJsonataString(cause, binding, env, 'Cause');
  } else {
    if (state.ErrorPath !== undefined) error = failPath(state.ErrorPath, input, env, 'ErrorPath');
    if (state.CausePath !== undefined) cause = failPath(state.CausePath, input, env, 'CausePath');
  }
  return {
    ...(error !== undefined ? { error: typeof error === 'string' ? error : JSON.stringify(error) } : {}),
    ...(cause !== undefined ? { cause: typeof cause === 'string' ? cause : JSON.stringify(cause) } : {}),
  };
}

function failPath(path: string, input: Json, env: EvalEnv, field: string): Json {
  return evaluateDollarValue(path, input, env, field);
}

// ── Task ────────────────────────────────────────────────────────────────────────────────────
/** Task, before invoking: payload, timeouts, credentials. */
export async function taskInput(state: TaskState, input: Json, env: EvalEnv): Promise<TaskInvocation> {
  let payload: Json;
  let credentials: JsonObject | undefined;
  let timeoutSeconds: number | undefined;
  let heartbeatSeconds: number | undefined;
  if (state.queryLanguage === 'JSONata') {
    const binding = states(input, env);
    payload = state.Arguments === undefined ? input : await evaluateJsonataTemplate(state.Arguments, binding, env, 'Arguments');
    if (state.Credentials) credentials = await evaluateJsonataTemplate(state.Credentials, binding, env, 'Credentials') as JsonObject;
    timeoutSeconds = await jsonataSeconds(state.TimeoutSeconds, binding, env, 'TimeoutSeconds');
    heartbeatSeconds = await jsonataSeconds(state.HeartbeatSeconds, binding, env, 'HeartbeatSeconds');
  } else {
    const effective = applyIoPath(state.InputPath, input, env);
    payload = state.Parameters === undefined ? effective : evaluatePayloadTemplate(state.Parameters, effective, env, 'Parameters');
    if (state.Credentials) credentials = evaluatePayloadTemplate(state.Credentials, effective, env, 'Credentials') as JsonObject;
    timeoutSeconds = typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds
      : state.TimeoutSecondsPath !== undefined ? positiveSeconds(pathValue(state.TimeoutSecondsPath, effective, env, 'TimeoutSecondsPath'), 'TimeoutSecondsPath', env) : undefined;
    heartbeatSeconds = typeof state.HeartbeatSeconds === 'number' ? state.HeartbeatSeconds
      : state.HeartbeatSecondsPath !== undefined ? positiveSeconds(pathValue(state.HeartbeatSecondsPath, effective, env, 'HeartbeatSecondsPath'), 'HeartbeatSecondsPath', env) : undefined;
  }
  return {
    payload,
    ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
    ...(heartbeatSeconds !== undefined ? { heartbeatSeconds } : {}),
    ...(credentials !== undefined ? { credentials } : {}),
  };
}

function positiveSeconds(v: Json, field: string, env: EvalEnv): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new StatesError(StatesErrors.Runtime, `${prefix(env)}The ${field} parameter must be a positive integer, but was: ${JSON.stringify(v)}`);
  }
  return v;
}

async function jsonataSeconds(v: number | string | undefined, binding: StatesBinding, env: EvalEnv, field: string): Promise<number | undefined> {
  if (v === undefined || typeof v === 'number') return v;
  const r = await evaluateJsonataString(v, binding, env, field);
  if (typeof r !== 'number' || !Number.isInteger(r) || r <= 0) {
    throw new StatesError(StatesErrors.QueryEvaluationError,
      `${prefix(env)}The JSONata expression '${expressionText(v)}' specified for the field '${field}' returned an unexpected result type. Expected 'positive integer', but was '${typeof r}' for value: ${JSON.stringify(r)}`, field);
  }
  return r;
}

/** Task, after success: ResultSelector → ResultPath → OutputPath, Assign (JSONPath) / Assign, Output (JSONata). */
export async function taskResult(state: TaskState, input: Json, result: Json, env: EvalEnv): Promise<StateOutcome> {
  return stateResult(state, input, result, env);
}

// ── Parallel ────────────────────────────────────────────────────────────────────────────────
/** Parallel: the input every branch receives (InputPath + Parameters / Arguments). */
export async function parallelInput(state: ParallelState, input: Json, env: EvalEnv): Promise<Json> {
  if (state.queryLanguage === 'JSONata') {
    return state.Arguments === undefined ? input : evaluateJsonataTemplate(state.Arguments, states(input, env), env, 'Arguments');
  }
  const effective = applyIoPath(state.InputPath, input, env);
  return state.Parameters === undefined ? effective : evaluatePayloadTemplate(state.Parameters, effective, env, 'Parameters');
}

// ── Map ─────────────────────────────────────────────────────────────────────────────────────
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

/** …Path values for Map limits: numbers, or numeric strings (AWS accepts "1"). */
function numericPath(path: string, input: Json, env: EvalEnv, field: string): number {
  const v = pathValue(path, input, env, field);
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n) || n < 0) {
    throw new StatesError(StatesErrors.Runtime, `${prefix(env)}The ${field} field must reference a non-negative number, but was: ${JSON.stringify(v)}`);
  }
  return n;
}

async function jsonataNumber(v: number | string | undefined, binding: StatesBinding, env: EvalEnv, field: string): Promise<number | undefined> {
  if (v === undefined || typeof v === 'number') return v;
  const r = await evaluateJsonataString(v, binding, env, field);
  if (typeof r !== 'number' || r < 0) unexpectedType(env, expressionText(v), field, 'number', r);
  return r as number;
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

// ── Results and catches (Task, Parallel, Map) ───────────────────────────────────────────────
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
