// JSONata query language: `{% %}` templates, the $states binding, workflow variables and the
// functions Step Functions adds ($partition, $range, $hash, $random, $uuid, $parse).
// Compiled expressions are cached by text (definitions reuse the same strings on every run).
import jsonata from 'jsonata';
import { createHash } from 'node:crypto';
import type { Json, JsonObject } from './model.js';
import { systemRandomness, type EvalEnv, type Randomness } from './env.js';
import { StatesError, StatesErrors, statePrefix } from './errors.js';
import { setOwn } from './own.js';

/** The `$states` reserved variable. */
export interface StatesBinding {
  readonly input: Json;
  readonly result?: Json;
  readonly errorOutput?: JsonObject;
  readonly context: JsonObject;
}

/** True when `value` is a string of the form `{% … %}`. */
export function isJsonataExpression(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('{%') && value.endsWith('%}') && value.length >= 4;
}

/** The expression inside `{% … %}`. */
export function expressionText(value: string): string {
  return value.slice(2, -2).trim();
}

type Compiled = ReturnType<typeof jsonata>;
const cache = new Map<string, Compiled>();

/** Compile (cached). Throws jsonata's error object on syntax errors. */
export function compileJsonata(expr: string): Compiled {
  let c = cache.get(expr);
  if (!c) {
    c = jsonata(expr);
    if (cache.size > 10_000) cache.clear();
    cache.set(expr, c);
  }
  return c;
}

/** Syntax check for validation: undefined when the expression parses, else the parser's message. */
export function jsonataSyntaxError(expr: string): string | undefined {
  try {
    compileJsonata(expr);
    return undefined;
  } catch (e) {
    return (e as { message?: string }).message ?? String(e);
  }
}

// ── Step Functions' added functions ────────────────────────────────────────────────────────
class FnError extends Error {}

function sfnFunctions(randomness: Randomness): Record<string, (...args: never[]) => unknown> {
  return {
    partition: (array: unknown, size: unknown) => {
      if (!Array.isArray(array)) throw new FnError('$partition: the first argument must be an array');
      if (typeof size !== 'number' || !Number.isInteger(size) || size <= 0) throw new FnError('$partition: the chunk size must be a positive integer');
      const out: unknown[] = [];
      for (let i = 0; i < array.length; i += size) out.push(array.slice(i, i + size));
      return out;
    },
    range: (start: unknown, end: unknown, step: unknown) => {
      if (![start, end, step].every((n) => typeof n === 'number' && Number.isInteger(n))) throw new FnError('$range: arguments must be integers');
      const s = start as number, e = end as number, st = step as number;
      if (st === 0) throw new FnError('$range: step must not be 0');
      const count = Math.floor((e - s) / st) + 1;
      if (count > 1000) throw new FnError('$range: the result cannot contain more than 1000 items');
      const out: number[] = [];
      for (let i = 0; i < count; i++) out.push(s + i * st);
      // AWS returns a JSONata sequence: a single item collapses to the item itself.
      return out.length === 1 ? out[0] : out;
    },
    hash: (data: unknown, algorithm: unknown) => {
      const algos: Record<string, string> = { 'MD5': 'md5', 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
      const a = typeof algorithm === 'string' ? algos[algorithm] : undefined;
      if (!a) throw new FnError(`$hash: unsupported algorithm ${JSON.stringify(algorithm)}`);
      const text = typeof data === 'string' ? data : JSON.stringify(data);
      return createHash(a).update(text, 'utf8').digest('hex');
    },
    random: (seed?: unknown) => {
      if (seed === undefined) return randomness.random();
      if (typeof seed !== 'number') throw new FnError('$random: the seed must be a number');
      let t = (seed + 0x6d2b79f5) | 0;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
    uuid: () => randomness.uuid(),
    parse: (text: unknown) => {
      if (typeof text !== 'string') throw new FnError('$parse: the argument must be a string');
      try { return JSON.parse(text); } catch { throw new FnError(`$parse: invalid JSON: ${text}`); }
    },
  };
}

// The added functions close over a randomness source; build them once per source.
const functionsCache = new WeakMap<Randomness, Record<string, unknown>>();
function functionsFor(randomness: Randomness): Record<string, unknown> {
  let f = functionsCache.get(randomness);
  if (!f) {
    // $eval is the one JSONata function AWS leaves out: calling it fails with T1006, as on AWS.
    f = { eval: undefined, ...sfnFunctions(randomness) };
    functionsCache.set(randomness, f);
  }
  return f;
}

const VAR_REF = /\$([A-Za-z_][A-Za-z0-9_]*)/g;
const RESERVED = new Set(['states', 'partition', 'range', 'hash', 'random', 'uuid', 'parse']);

/** Plain JSON from a JSONata result (sequences → arrays); 'function' when a function leaks out. */
function toJson(v: unknown): Json | undefined | 'function' {
  if (v === undefined) return undefined;
  if (typeof v === 'function') return 'function';
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (Array.isArray(v)) {
    const out: Json[] = [];
    for (const x of v) {
      const j = toJson(x);
      if (j === 'function') return 'function';
      if (j !== undefined) out.push(j);
    }
    return out;
  }
  if (typeof v === 'object') {
    if ((v as { _jsonata_lambda?: boolean })._jsonata_lambda || (v as { _jsonata_function?: boolean })._jsonata_function) return 'function';
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const j = toJson(x);
      if (j === 'function') return 'function';
      if (j !== undefined) setOwn(out, k, j);
    }
    return out;
  }
  return null;
}

function fail(env: EvalEnv, msg: string, field: string): never {
  throw new StatesError(StatesErrors.QueryEvaluationError, `${statePrefix(env.stateName, env.enteredEventId)}${msg}`, field);
}

/**
 * Evaluate one `{% expr %}` string. Returns undefined only when `allowUndefined` (Assign/Output
 * members are then dropped); otherwise "returned nothing" is an error, as on AWS.
 */
export async function evaluateJsonataString(
  template: string, states: StatesBinding, env: EvalEnv, field: string,
): Promise<Json> {
  const expr = expressionText(template);
  let compiled: Compiled;
  try {
    compiled = compileJsonata(expr);
  } catch (e) {
    return fail(env, `The JSONata expression '${expr}' specified for the field '${field}' could not be parsed: ${(e as Error).message}`, field);
  }
  const bindings: Record<string, unknown> = { ...functionsFor(env.randomness ?? systemRandomness), states };
  for (const m of expr.matchAll(VAR_REF)) {
    const name = m[1] as string;
    if (RESERVED.has(name)) continue;
    const value = env.variables.get(name);
    if (value !== undefined) bindings[name] = value;
  }
  let raw: unknown;
  try {
    raw = await compiled.evaluate(undefined, bindings);
  } catch (e) {
    // AWS: "... threw an error during evaluation. T0410: <message>" for coded JSONata errors,
    // "...: <message>" for errors without a code (our added functions, limits).
    const err = e as { message?: string; code?: string };
    const tail = err.code ? `. ${err.code}: ${err.message ?? ''}` : `: ${err.message ?? String(e)}`;
    return fail(env, `The JSONata expression '${expr}' specified for the field '${field}' threw an error during evaluation${tail}`, field);
  }
  const value = toJson(raw);
  if (value === 'function') return fail(env, `The JSONata expression '${expr}' specified for the field '${field}' returned an unsupported result type.`, field);
  if (value === undefined) return fail(env, `The JSONata expression '${expr}' specified for the field '${field}' returned nothing (undefined).`, field);
  return value;
}

/**
 * Resolve every `{% %}` string inside `value` (objects and arrays recursively). Throws StatesError
 * States.QueryEvaluationError with AWS's cause wording on evaluation errors; the field named in
 * the cause is the path to the failing leaf, as AWS names it ('Output/v', 'Arguments/list[1]').
 */
export async function evaluateJsonataTemplate(value: Json, states: StatesBinding, env: EvalEnv, field: string): Promise<Json> {
  if (typeof value === 'string') return isJsonataExpression(value) ? evaluateJsonataString(value, states, env, field) : value;
  if (Array.isArray(value)) {
    const out: Json[] = [];
    for (let i = 0; i < value.length; i++) out.push(await evaluateJsonataTemplate(value[i] as Json, states, env, `${field}[${i}]`));
    return out;
  }
  if (value === null || typeof value !== 'object') return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) setOwn(out, k, await evaluateJsonataTemplate(v, states, env, `${field}/${k}`));
  return out;
}

/** AWS's "unexpected result type" failure, e.g. Items not an array. */
export function unexpectedType(env: EvalEnv, expr: string, field: string, expected: string, value: Json): never {
  const t = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return fail(env, `The JSONata expression '${expr}' specified for the field '${field}' returned an unexpected result type. Expected '${expected}', but was '${t}' for value: ${JSON.stringify(value)}`, field);
}
