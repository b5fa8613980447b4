// Evaluates CloudFormation intrinsic functions and pseudo parameters over a JSON value.
// The same evaluator runs twice: at plan time, with placeholders for resource values (to find
// dependencies and report bad intrinsics before anything is deployed), and at deploy time with
// the real physical ids and attributes.
import { TemplateError, joinPath } from './errors.js';
import type { Json } from './yaml.js';

/** Marks a value that does not exist yet (a resource's Ref or attribute at plan time). */
export const PLACEHOLDER = '\u0000nimbus-placeholder\u0000';
/** `Ref: AWS::NoValue`: the enclosing property disappears. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

export interface Pseudo {
  region: string;
  accountId: string;
  stackName: string;
  stackId: string;
  partition: string;
  urlSuffix: string;
}

export interface ResourceValues {
  /** Whether the template declares this logical id (after the SAM transform). */
  has(logicalId: string): boolean;
  /** Type of a declared resource. */
  type(logicalId: string): string | undefined;
  /** Ref value; undefined when the resource is not deployed (yet). */
  ref(logicalId: string): string | undefined;
  /** GetAtt value; undefined when unknown. Throws TemplateError for an attribute the type lacks. */
  attr(logicalId: string, name: string, path: string): unknown;
}

export interface EvalContext {
  pseudo: Pseudo;
  parameters: ReadonlyMap<string, string | string[]>;
  conditions: ReadonlyMap<string, boolean>;
  mappings: Record<string, Json>;
  resources: ResourceValues;
  /** Plan mode: unknown resource values become PLACEHOLDER instead of failing. */
  planning: boolean;
  /** Logical ids this value depends on (filled while evaluating). */
  deps?: Set<string>;
  /** The value other stacks export under a name (Fn::ImportValue); absent: imports are unknown yet. */
  imports?: (name: string) => string | undefined;
}

type Value = unknown;

const FUNCTIONS = new Set([
  'Ref', 'Fn::GetAtt', 'Fn::Sub', 'Fn::Join', 'Fn::If', 'Fn::Select', 'Fn::Split', 'Fn::FindInMap',
  'Fn::Equals', 'Fn::Not', 'Fn::And', 'Fn::Or', 'Fn::Base64', 'Fn::GetAZs', 'Fn::ImportValue', 'Fn::Cidr',
  'Fn::Transform', 'Fn::Length', 'Fn::ToJsonString', 'Condition',
]);

/** The intrinsic name when `value` is a one-key `{Ref|Fn::*}` object. `Condition` counts only where
 * conditions are allowed (inside condition functions). */
export function intrinsicName(value: unknown, allowCondition = false): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const k = keys[0]!;
  if (k === 'Condition' && !allowCondition) return undefined;
  if (k.startsWith('Fn::') && !FUNCTIONS.has(k)) return k; // reported as unsupported by evaluate
  return FUNCTIONS.has(k) ? k : undefined;
}

export function pseudoValue(name: string, p: Pseudo): string | string[] | typeof NO_VALUE | undefined {
  switch (name) {
    case 'AWS::Region': return p.region;
    case 'AWS::AccountId': return p.accountId;
    case 'AWS::StackName': return p.stackName;
    case 'AWS::StackId': return p.stackId;
    case 'AWS::Partition': return p.partition;
    case 'AWS::URLSuffix': return p.urlSuffix;
    case 'AWS::NotificationARNs': return [];
    case 'AWS::NoValue': return NO_VALUE;
    default: return undefined;
  }
}

const fail = (path: string, msg: string): never => {
  throw new TemplateError(path, msg);
};

function str(v: Value, path: string, what: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return fail(path, `${what} must be a string, got ${describe(v)}`);
}

function describe(v: Value): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

function list(v: Value, path: string, what: string): Value[] {
  if (Array.isArray(v)) return v;
  return fail(path, `${what} must be a list, got ${describe(v)}`);
}

const isPlaceholder = (v: Value) => typeof v === 'string' && v.includes(PLACEHOLDER);

/** Evaluates every intrinsic in `value`. Properties resolving to AWS::NoValue are dropped. */
export function evaluate(value: Value, path: string, ctx: EvalContext): Value {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out: Value[] = [];
    value.forEach((item, i) => {
      const v = evaluate(item, joinPath(path, i), ctx);
      if (v !== NO_VALUE) out.push(v);
    });
    return out;
  }
  const fn = intrinsicName(value);
  if (fn) return call(fn, (value as Record<string, Value>)[fn], joinPath(path, fn), ctx);
  const out: Record<string, Value> = {};
  for (const [k, v] of Object.entries(value)) {
    const r = evaluate(v, joinPath(path, k), ctx);
    if (r !== NO_VALUE) out[k] = r;
  }
  return out;
}

function call(fn: string, arg: Value, path: string, ctx: EvalContext): Value {
  switch (fn) {
    case 'Ref': return ref(str(arg, path, 'Ref'), path, ctx);
    case 'Fn::GetAtt': {
      let parts: Value[];
      if (typeof arg === 'string') {
        const dot = arg.indexOf('.');
        parts = dot > 0 ? [arg.slice(0, dot), arg.slice(dot + 1)] : [arg];
      } else parts = list(arg, path, 'Fn::GetAtt');
      if (parts.length !== 2) fail(path, 'Fn::GetAtt needs [LogicalId, AttributeName]');
      const id = str(parts[0], joinPath(path, 0), 'Fn::GetAtt logical id');
      const attr = str(evaluate(parts[1], joinPath(path, 1), ctx), joinPath(path, 1), 'Fn::GetAtt attribute');
      return getAtt(id, attr, path, ctx);
    }
    case 'Fn::Sub': return sub(arg, path, ctx);
    case 'Fn::Join': {
      const a = list(arg, path, 'Fn::Join');
      if (a.length !== 2) fail(path, 'Fn::Join needs [delimiter, [values...]]');
      const delim = str(a[0], joinPath(path, 0), 'Fn::Join delimiter');
      const items = list(evaluate(a[1], joinPath(path, 1), ctx), joinPath(path, 1), 'Fn::Join values');
      return items.map((v, i) => str(v, joinPath(joinPath(path, 1), i), 'Fn::Join value')).join(delim);
    }
    case 'Fn::If': {
      const a = list(arg, path, 'Fn::If');
      if (a.length !== 3) fail(path, 'Fn::If needs [ConditionName, valueIfTrue, valueIfFalse]');
      const name = str(a[0], joinPath(path, 0), 'Fn::If condition');
      const c = ctx.conditions.get(name);
      if (c === undefined) fail(joinPath(path, 0), `condition "${name}" is not declared in Conditions`);
      // Both branches are checked while planning, so an error in the untaken branch is still found.
      if (ctx.planning) {
        const other = evaluate(a[c ? 2 : 1], joinPath(path, c ? 2 : 1), { ...ctx, deps: new Set() });
        void other;
      }
      return evaluate(a[c ? 1 : 2], joinPath(path, c ? 1 : 2), ctx);
    }
    case 'Fn::Select': {
      const a = list(arg, path, 'Fn::Select');
      if (a.length !== 2) fail(path, 'Fn::Select needs [index, list]');
      const idxRaw = evaluate(a[0], joinPath(path, 0), ctx);
      const items = evaluate(a[1], joinPath(path, 1), ctx);
      if (ctx.planning && (isPlaceholder(idxRaw) || isPlaceholder(items))) return PLACEHOLDER;
      const arr = list(items, joinPath(path, 1), 'Fn::Select list');
      const idx = Number(idxRaw);
      if (!Number.isInteger(idx) || idx < 0) fail(joinPath(path, 0), `Fn::Select index must be a non-negative integer, got ${JSON.stringify(idxRaw)}`);
      if (idx >= arr.length) {
        if (ctx.planning && arr.some(isPlaceholder)) return PLACEHOLDER;
        fail(path, `Fn::Select index ${idx} is out of range for a list of ${arr.length}`);
      }
      return arr[idx];
    }
    case 'Fn::Split': {
      const a = list(arg, path, 'Fn::Split');
      if (a.length !== 2) fail(path, 'Fn::Split needs [delimiter, string]');
      const delim = str(a[0], joinPath(path, 0), 'Fn::Split delimiter');
      if (delim === '') fail(joinPath(path, 0), 'Fn::Split delimiter must not be empty');
      const s = str(evaluate(a[1], joinPath(path, 1), ctx), joinPath(path, 1), 'Fn::Split source');
      return s.split(delim);
    }
    case 'Fn::FindInMap': {
      const a = list(arg, path, 'Fn::FindInMap');
      if (a.length !== 3 && a.length !== 4) fail(path, 'Fn::FindInMap needs [MapName, TopLevelKey, SecondLevelKey]');
      const [m, k1, k2] = [0, 1, 2].map((i) => str(evaluate(a[i], joinPath(path, i), ctx), joinPath(path, i), 'Fn::FindInMap key'));
      if (ctx.planning && [m, k1, k2].some(isPlaceholder)) return PLACEHOLDER;
      const map = ctx.mappings[m!];
      if (map === undefined) fail(joinPath(path, 0), `mapping "${m}" is not declared in Mappings`);
      const top = (map as Record<string, Json>)[k1!];
      const v = top && typeof top === 'object' && !Array.isArray(top) ? (top as Record<string, Json>)[k2!] : undefined;
      if (v === undefined) {
        // Fn::FindInMap with a DefaultValue (the LanguageExtensions form).
        const dflt = a[3] as Record<string, Value> | undefined;
        if (dflt && typeof dflt === 'object' && 'DefaultValue' in dflt) return evaluate(dflt.DefaultValue, joinPath(path, 3), ctx);
        fail(path, `mapping "${m}" has no value for keys "${k1}" / "${k2}"`);
      }
      return v;
    }
    case 'Fn::Base64': {
      const s = str(evaluate(arg, path, ctx), path, 'Fn::Base64 value');
      return Buffer.from(s, 'utf8').toString('base64');
    }
    case 'Fn::GetAZs': {
      const r = evaluate(arg, path, ctx);
      const region = r === '' || r === null ? ctx.pseudo.region : str(r, path, 'Fn::GetAZs region');
      return ['a', 'b', 'c'].map((z) => `${region}${z}`);
    }
    case 'Fn::Length': {
      const r = evaluate(arg, path, ctx);
      return list(r, path, 'Fn::Length').length;
    }
    case 'Fn::ToJsonString': return JSON.stringify(evaluate(arg, path, ctx));
    case 'Fn::Equals': case 'Fn::Not': case 'Fn::And': case 'Fn::Or': case 'Condition':
      return conditionValue({ [fn]: arg }, path.slice(0, path.length - fn.length - 1), ctx);
    case 'Fn::ImportValue': {
      const name = evaluate(arg, path, ctx);
      if (typeof name !== 'string') return fail(path, 'Fn::ImportValue takes the name of an export');
      if (!ctx.imports) return ctx.planning ? PLACEHOLDER : fail(path, `No export named ${name} found`);
      const value = ctx.imports(name);
      return value ?? fail(path, `No export named ${name} found. Exports come from the Outputs (Export.Name) of stacks deployed from this project`);
    }
    default:
      return fail(path, `${fn} is not supported by Nimbus`);
  }
}

function ref(name: string, path: string, ctx: EvalContext): Value {
  if (name.startsWith('AWS::')) {
    const v = pseudoValue(name, ctx.pseudo);
    if (v === undefined) fail(path, `unknown pseudo parameter ${name}`);
    return v;
  }
  const p = ctx.parameters.get(name);
  if (p !== undefined) return p;
  if (!ctx.resources.has(name)) fail(path, `Ref to "${name}", which is neither a parameter nor a resource`);
  ctx.deps?.add(name);
  const v = ctx.resources.ref(name);
  if (v !== undefined) return v;
  if (ctx.planning) return PLACEHOLDER;
  return fail(path, `resource ${name} has no value yet`);
}

function getAtt(id: string, attr: string, path: string, ctx: EvalContext): Value {
  if (!ctx.resources.has(id)) fail(path, `Fn::GetAtt refers to "${id}", which is not a resource in this template`);
  ctx.deps?.add(id);
  const v = ctx.resources.attr(id, attr, path);
  if (v !== undefined) return v;
  if (ctx.planning) return PLACEHOLDER;
  return fail(path, `attribute ${id}.${attr} has no value yet`);
}

const SUB_VAR = /\$\{([^}]*)\}/g;

function sub(arg: Value, path: string, ctx: EvalContext): Value {
  let text: string;
  let vars: Record<string, Value> = {};
  if (typeof arg === 'string') text = arg;
  else {
    const a = list(arg, path, 'Fn::Sub');
    if (a.length !== 2) fail(path, 'Fn::Sub needs a string or [string, {Var: value}]');
    text = str(a[0], joinPath(path, 0), 'Fn::Sub template');
    const m = a[1];
    if (m === null || typeof m !== 'object' || Array.isArray(m)) fail(joinPath(path, 1), 'Fn::Sub variables must be a mapping');
    for (const [k, v] of Object.entries(m as Record<string, Value>)) vars[k] = evaluate(v, joinPath(joinPath(path, 1), k), ctx);
  }
  return text.replace(SUB_VAR, (whole, inner: string) => {
    if (inner.startsWith('!')) return '${' + inner.slice(1) + '}'; // ${!Literal} escapes
    const name = inner.trim();
    if (name === '') fail(path, 'Fn::Sub has an empty ${} variable');
    if (name in vars) return str(vars[name], path, `Fn::Sub variable ${name}`);
    const dot = name.indexOf('.');
    if (dot > 0 && !name.startsWith('AWS::')) {
      return str(getAtt(name.slice(0, dot), name.slice(dot + 1), path, ctx), path, `\${${name}}`);
    }
    const v = ref(name, path, ctx);
    if (Array.isArray(v)) return v.join(',');
    return str(v, path, `\${${name}}`);
  });
}

/** Evaluates a condition expression (Fn::Equals/And/Or/Not, {Condition: name}) to a boolean. */
export function conditionValue(expr: Value, path: string, ctx: EvalContext): boolean {
  const fn = intrinsicName(expr, true);
  if (!fn) return fail(path, `a condition must be Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition, got ${describe(expr)}`);
  const arg = (expr as Record<string, Value>)[fn];
  const p = joinPath(path, fn);
  switch (fn) {
    case 'Fn::Equals': {
      const a = list(arg, p, 'Fn::Equals');
      if (a.length !== 2) fail(p, 'Fn::Equals needs exactly 2 values');
      const x = evaluate(a[0], joinPath(p, 0), ctx);
      const y = evaluate(a[1], joinPath(p, 1), ctx);
      return JSON.stringify(typeof x === 'number' ? String(x) : x) === JSON.stringify(typeof y === 'number' ? String(y) : y);
    }
    case 'Fn::Not': {
      const a = list(arg, p, 'Fn::Not');
      if (a.length !== 1) fail(p, 'Fn::Not needs exactly 1 condition');
      return !conditionValue(a[0], joinPath(p, 0), ctx);
    }
    case 'Fn::And': case 'Fn::Or': {
      const a = list(arg, p, fn);
      if (a.length < 2 || a.length > 10) fail(p, `${fn} needs between 2 and 10 conditions`);
      const vals = a.map((c, i) => conditionValue(c, joinPath(p, i), ctx));
      return fn === 'Fn::And' ? vals.every(Boolean) : vals.some(Boolean);
    }
    case 'Condition': {
      const name = str(arg, p, 'Condition');
      const v = ctx.conditions.get(name);
      if (v === undefined) fail(p, `condition "${name}" is not declared in Conditions`);
      return v!;
    }
    default: return fail(p, `${fn} cannot be used in a condition`);
  }
}
