// Helpers shared by the per-state processors: AWS's cause prefix, the $states binding, Assign in
// both languages, JSONata Assign+Output, and …Path lookups with AWS's "could not be found" wording.
import type { Json, JsonObject } from '../model.js';
import type { EvalEnv, StateOutcome } from '../env.js';
import { StatesError, StatesErrors, statePrefix } from '../errors.js';
import { isMiss, select } from '../jsonpath.js';
import { evaluatePayloadTemplate } from '../payload.js';
import { evaluateJsonataString, evaluateJsonataTemplate, expressionText, unexpectedType, type StatesBinding } from '../jsonata.js';

export const prefix = (env: EvalEnv): string => statePrefix(env.stateName, env.enteredEventId);

export function states(input: Json, env: EvalEnv, extra: Partial<StatesBinding> = {}): StatesBinding {
  return { input, context: env.context, ...extra };
}

// ── Assign ──────────────────────────────────────────────────────────────────────────────────
/** JSONPath Assign: a payload template whose `$` is `value`; keys ending `.$` lose the suffix. */
export function assignJsonPath(assign: JsonObject | undefined, value: Json, env: EvalEnv): JsonObject | undefined {
  if (!assign) return undefined;
  return evaluatePayloadTemplate(assign, value, env, 'Assign') as JsonObject;
}

export async function assignJsonata(assign: JsonObject | undefined, binding: StatesBinding, env: EvalEnv, field: string): Promise<JsonObject | undefined> {
  if (!assign) return undefined;
  return await evaluateJsonataTemplate(assign, binding, env, field) as JsonObject;
}

export function outcome(output: Json, assigned: JsonObject | undefined): StateOutcome {
  return assigned ? { output, assigned } : { output };
}

/**
 * JSONata Assign + Output, both evaluated with the same bindings (variables as at state entry).
 * `at` prefixes the field names in error causes for Choice rules and Catchers ('Choices[1]/').
 */
export async function finishJsonata(
  state: { Assign?: JsonObject; Output?: Json }, binding: StatesBinding, fallback: Json, env: EvalEnv, at = '',
): Promise<StateOutcome> {
  const assigned = await assignJsonata(state.Assign, binding, env, `${at}Assign`);
  const output = state.Output === undefined ? fallback : await evaluateJsonataTemplate(state.Output, binding, env, `${at}Output`);
  return outcome(output, assigned);
}

/** Values in AWS's "path == value" messages: strings bare, everything else as JSON. */
export function renderPlain(v: Json): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** A …Path field's value; AWS names the field when the path matches nothing. */
export function pathValue(path: string, input: Json, env: EvalEnv, field: string): Json {
  const r = select(path, input, env);
  if (isMiss(r)) {
    throw new StatesError(StatesErrors.Runtime,
      `${prefix(env)}The JSONPath '${path}' specified for the field '${field}' could not be found in the input '${JSON.stringify(input)}'`);
  }
  return r.value;
}

/** …Path values for ItemBatcher limits: numbers, or numeric strings (AWS accepts "1"). */
export function numericPath(path: string, input: Json, env: EvalEnv, field: string): number {
  const v = pathValue(path, input, env, field);
  const n = toNumber(v);
  if (!Number.isFinite(n) || n < 0) {
    throw new StatesError(StatesErrors.Runtime, `${prefix(env)}The ${field} field must reference a non-negative number, but was: ${JSON.stringify(v)}`);
  }
  return n;
}

function toNumber(v: Json): number {
  return typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
}

/**
 * A Map limit read through a …Path (MaxConcurrencyPath, ToleratedFailure…Path). AWS first parses the
 * referenced value as an integer (or float) and names the field, value and path when it cannot; range
 * checks are the caller's, with their own wording.
 */
export function parsedPath(path: string, input: Json, env: EvalEnv, field: string, kind: 'integer' | 'float'): number {
  const v = pathValue(path, input, env, field);
  const n = toNumber(v);
  if (!Number.isFinite(n) || (kind === 'integer' && !Number.isInteger(n))) {
    throw new StatesError(StatesErrors.Runtime,
      `${prefix(env)}The ${field} field refers to value "${renderPlain(v)}" which is not a valid ${kind}: ${path}`);
  }
  return n;
}

export async function jsonataNumber(v: number | string | undefined, binding: StatesBinding, env: EvalEnv, field: string): Promise<number | undefined> {
  if (v === undefined || typeof v === 'number') return v;
  const r = await evaluateJsonataString(v, binding, env, field);
  if (typeof r !== 'number' || r < 0) unexpectedType(env, expressionText(v), field, 'number', r);
  return r as number;
}

