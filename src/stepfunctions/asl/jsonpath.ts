// JSONPath as Step Functions uses it: reference paths (InputPath, OutputPath, ItemsPath, `.$`
// values, Choice Variable) and ResultPath (which writes, creating intermediate objects).
// Definite paths ($.a.b, $['a'][0]) are walked directly: they are the hot path and need AWS's
// (Jayway's) error wording. Indefinite paths (wildcards, filters, slices, `..`) go to
// jsonpath-plus and always yield an array, as on AWS.
import { JSONPath } from 'jsonpath-plus';
import type { Json, JsonObject } from './model.js';
import type { EvalEnv } from './env.js';
import { StatesError, StatesErrors, statePrefix } from './errors.js';
import { setOwn } from './own.js';

type Token = string | number;

/** A parsed path: where it reads from, and (for definite paths) its steps. */
export interface ParsedPath {
  readonly source: 'input' | 'context' | 'variable';
  /** Variable name for `$name…` paths. */
  readonly variable?: string;
  /** The path relative to its root, rewritten to start with `$`. */
  readonly rootPath: string;
  /** Steps for definite paths; undefined when the path needs a full JSONPath engine. */
  readonly tokens?: readonly Token[];
}

const cache = new Map<string, ParsedPath | null>();

/** Parse a reference path; null when it is not a syntactically valid path. Cached. */
export function parsePath(path: string): ParsedPath | null {
  let parsed = cache.get(path);
  if (parsed === undefined) {
    parsed = parseUncached(path);
    if (cache.size > 10_000) cache.clear();
    cache.set(path, parsed);
  }
  return parsed;
}

function parseUncached(path: string): ParsedPath | null {
  let source: ParsedPath['source'] = 'input';
  let variable: string | undefined;
  let rest: string;
  if (path.startsWith('$$')) {
    source = 'context';
    rest = path.slice(2);
  } else if (path.startsWith('$')) {
    const m = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(path);
    if (m) {
      source = 'variable';
      variable = m[1];
      rest = path.slice(m[0].length);
    } else {
      rest = path.slice(1);
    }
  } else {
    return null;
  }
  const rootPath = '$' + rest;
  const tokens = tokenize(rest);
  if (tokens === null) {
    // Not definite: accept it if jsonpath-plus can parse it.
    if (!validIndefinite(rest)) return null;
    return { source, variable, rootPath };
  }
  return { source, variable, rootPath, tokens };
}

function validIndefinite(rest: string): boolean {
  if (rest.length === 0 || /\s$/.test(rest)) return false;
  if (!/^(\.|\[)/.test(rest)) return false;
  try {
    JSONPath.toPathArray('$' + rest);
    // Balanced brackets and parentheses: jsonpath-plus is lenient, AWS is not.
    let depth = 0;
    let quote: string | null = null;
    for (const ch of rest) {
      if (quote) { if (ch === quote) quote = null; continue; }
      if (ch === "'" || ch === '"') quote = ch;
      else if (ch === '[' || ch === '(') depth++;
      else if (ch === ']' || ch === ')') { depth--; if (depth < 0) return false; }
    }
    return depth === 0 && quote === null;
  } catch {
    return false;
  }
}

/** Steps of a definite path (`.name`, `['name']`, `[0]`), or null if the path is indefinite/invalid. */
function tokenize(rest: string): Token[] | null {
  const out: Token[] = [];
  let i = 0;
  while (i < rest.length) {
    const ch = rest[i];
    if (ch === '.') {
      if (rest[i + 1] === '.') return null;
      const m = /^[^.[\]\s*()?@,:'"]+/.exec(rest.slice(i + 1));
      if (!m) return null;
      out.push(m[0]);
      i += 1 + m[0].length;
    } else if (ch === '[') {
      const close = rest.indexOf(']', i);
      if (close < 0) return null;
      const inner = rest.slice(i + 1, close).trim();
      if (/^-?\d+$/.test(inner)) out.push(Number(inner));
      else if (/^'[^']*'$/.test(inner) || /^"[^"]*"$/.test(inner)) out.push(inner.slice(1, -1));
      else return null;
      i = close + 1;
    } else {
      return null;
    }
  }
  return out;
}

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Jayway-style rendering of a path prefix: $['a'][0]. */
function renderTokens(tokens: readonly Token[], upTo: number): string {
  let s = '$';
  for (let i = 0; i < upTo; i++) {
    const t = tokens[i];
    s += typeof t === 'number' ? `[${t}]` : `['${t}']`;
  }
  return s;
}

/** Why a path matched nothing, in Jayway's words (AWS quotes them in InputPath/OutputPath errors). */
export interface PathMiss { readonly miss: string }
type Selected = { readonly value: Json } | PathMiss;

function walk(root: Json, tokens: readonly Token[]): Selected {
  let cur: Json = root;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    let next: Json | undefined;
    if (typeof t === 'number') {
      // Negative indexes count from the end, as in Jayway.
      next = Array.isArray(cur) ? cur[t < 0 ? cur.length + t : t] : undefined;
    } else if (isObject(cur)) {
      next = Object.prototype.hasOwnProperty.call(cur, t) ? cur[t] : undefined;
    }
    if (next === undefined) {
      return i === tokens.length - 1
        ? { miss: `No results for path: ${renderTokens(tokens, tokens.length)}` }
        : { miss: `Missing property in path ${renderTokens(tokens, i + 1)}` };
    }
    cur = next;
  }
  return { value: cur };
}

function rootValue(parsed: ParsedPath, input: Json, env: EvalEnv): Json | undefined {
  if (parsed.source === 'input') return input;
  if (parsed.source === 'context') return env.context;
  return env.variables.get(parsed.variable as string);
}

/** Select `path`; a miss carries Jayway's reason text. */
export function select(path: string, input: Json, env: EvalEnv): Selected {
  const parsed = parsePath(path);
  if (!parsed) return { miss: `Invalid path '${path}'` };
  const root = rootValue(parsed, input, env);
  if (root === undefined) return { miss: `No results for path: ${path}` };
  if (parsed.tokens) return walk(root, parsed.tokens);
  if (root === null || typeof root !== 'object') return { value: [] };
  try {
    const result = JSONPath({ path: parsed.rootPath, json: root, wrap: true, resultType: 'value', eval: 'safe' }) as Json[] | undefined;
    return { value: result ?? [] };
  } catch (e) {
    return { miss: `Invalid path '${path}': ${(e as Error).message}` };
  }
}

export function isMiss(s: Selected): s is PathMiss {
  return 'miss' in s;
}

/**
 * Select `path` from `input` (`$…`), the context (`$$…`) or a variable (`$name…`). Returns
 * undefined when nothing matches; callers turn that into AWS's field-specific error.
 */
export function selectPath(path: string, input: Json, env: EvalEnv): Json | undefined {
  const s = select(path, input, env);
  return isMiss(s) ? undefined : s.value;
}

/** InputPath / OutputPath: AWS fails the state with States.Runtime when nothing matches. */
export function applyIoPath(path: string | null | undefined, value: Json, env: EvalEnv): Json {
  if (path === undefined || path === '$') return value;
  if (path === null) return {};
  const r = select(path, value, env);
  if (isMiss(r)) {
    throw new StatesError(StatesErrors.Runtime, `${statePrefix(env.stateName, env.enteredEventId)}Invalid path '${path}' : ${r.miss}`);
  }
  return r.value;
}

/** ResultPath: place `result` into `input` at `path` (null → input unchanged, `$` → result). */
export function applyResultPath(path: string | null | undefined, input: Json, result: Json, env: EvalEnv): Json {
  if (path === undefined || path === '$') return result;
  if (path === null) return input;
  const parsed = parsePath(path);
  if (!parsed || parsed.source !== 'input' || !parsed.tokens) {
    throw new StatesError(StatesErrors.ResultPathMatchFailure,
      `${statePrefix(env.stateName, env.enteredEventId)}Invalid path '${path}'`);
  }
  const tokens = parsed.tokens;
  if (tokens.length === 0) return result;
  const fail = (): never => {
    throw new StatesError(StatesErrors.ResultPathMatchFailure,
      `Unable to apply step "${env.stateName}" to input ${JSON.stringify(input)}`);
  };
  if (!isObject(input) && !(Array.isArray(input) && typeof tokens[0] === 'number')) fail();
  // Copy-on-write along the path only: siblings are shared, never mutated.
  const out: Json = Array.isArray(input) ? input.slice() : { ...(input as JsonObject) };
  let cur: Json = out;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const last = i === tokens.length - 1;
    if (Array.isArray(cur)) {
      if (typeof t !== 'number' || t < 0 || t >= cur.length) fail();
      const idx = t as number;
      if (last) { cur[idx] = result; break; }
      const child: Json | undefined = cur[idx];
      const copy: Json = Array.isArray(child) ? child.slice() : isObject(child) ? { ...child } : fail();
      cur[idx] = copy;
      cur = copy;
    } else if (isObject(cur)) {
      const key = String(t);
      if (last) { setOwn(cur, key, result); break; }
      const child: Json | undefined = Object.prototype.hasOwnProperty.call(cur, key) ? cur[key] : undefined;
      let copy: Json;
      if (child === undefined || child === null) copy = {};
      else if (Array.isArray(child)) copy = child.slice();
      else if (isObject(child)) copy = { ...child };
      else return fail();
      setOwn(cur, key, copy);
      cur = copy;
    } else {
      fail();
    }
  }
  return out;
}
