// Choice rules (JSONPath): comparison operators, …Path variants, Is* tests, And/Or/Not.
// A value of the wrong type makes a comparison false (no error), as on AWS; a Variable path
// that matches nothing fails the state with States.Runtime, except for IsPresent.
import type { ChoiceRule, ComparisonOperator, Json } from './model.js';
import type { EvalEnv } from './env.js';
import { StatesError, StatesErrors, statePrefix } from './errors.js';
import { isMiss, select } from './jsonpath.js';
import { compareInstants, parseTimestamp } from './timestamp.js';

/** True when `rule` matches `input`. Type mismatches are false, as on AWS. */
export function evaluateChoiceRule(rule: ChoiceRule, input: Json, env: EvalEnv): boolean {
  switch (rule.kind) {
    case 'and': return rule.rules.every((r) => evaluateChoiceRule(r, input, env));
    case 'or': return rule.rules.some((r) => evaluateChoiceRule(r, input, env));
    case 'not': return !evaluateChoiceRule(rule.rule, input, env);
    case 'compare': return compare(rule.variable, rule.operator, rule.value, input, env);
  }
}

function resolve(path: string, input: Json, env: EvalEnv): Json {
  const r = select(path, input, env);
  if (isMiss(r)) {
    throw new StatesError(StatesErrors.Runtime, `${statePrefix(env.stateName, env.enteredEventId)}Invalid path '${path}' : ${r.miss}`);
  }
  return r.value;
}

function compare(variable: string, op: ComparisonOperator, operand: Json, input: Json, env: EvalEnv): boolean {
  if (op === 'IsPresent') return !isMiss(select(variable, input, env)) === operand;
  const value = resolve(variable, input, env);
  switch (op) {
    case 'IsNull': return (value === null) === operand;
    case 'IsBoolean': return (typeof value === 'boolean') === operand;
    case 'IsNumeric': return (typeof value === 'number') === operand;
    case 'IsString': return (typeof value === 'string') === operand;
    case 'IsTimestamp': return (typeof value === 'string' && parseTimestamp(value) !== undefined) === operand;
    default: break;
  }
  const isPath = op.endsWith('Path');
  const base = (isPath ? op.slice(0, -4) : op) as ComparisonOperator;
  const other = isPath ? resolve(operand as string, input, env) : operand;
  if (base === 'StringMatches') return typeof value === 'string' && typeof other === 'string' && matches(value, other);
  if (base === 'BooleanEquals') return typeof value === 'boolean' && value === other;
  if (base.startsWith('Numeric')) {
    if (typeof value !== 'number' || typeof other !== 'number') return false;
    return order(base.slice('Numeric'.length), value - other);
  }
  if (base.startsWith('String')) {
    if (typeof value !== 'string' || typeof other !== 'string') return false;
    return order(base.slice('String'.length), value < other ? -1 : value > other ? 1 : 0);
  }
  if (base.startsWith('Timestamp')) {
    if (typeof value !== 'string' || typeof other !== 'string') return false;
    const a = parseTimestamp(value);
    const b = parseTimestamp(other);
    if (!a || !b) return false;
    return order(base.slice('Timestamp'.length), compareInstants(a, b));
  }
  return false;
}

function order(kind: string, c: number): boolean {
  switch (kind) {
    case 'Equals': return c === 0;
    case 'GreaterThan': return c > 0;
    case 'GreaterThanEquals': return c >= 0;
    case 'LessThan': return c < 0;
    case 'LessThanEquals': return c <= 0;
    default: return false;
  }
}

const patternCache = new Map<string, RegExp>();

/** StringMatches: `*` matches any run of characters; `\*` and `\\` are literal. */
export function matches(value: string, pattern: string): boolean {
  let re = patternCache.get(pattern);
  if (!re) {
    let src = '';
    for (let i = 0; i < pattern.length; i++) {
      const ch = pattern[i] as string;
      if (ch === '\\' && i + 1 < pattern.length) {
        src += escapeRe(pattern[i + 1] as string);
        i++;
      } else if (ch === '*') {
        src += '[\\s\\S]*';
      } else {
        src += escapeRe(ch);
      }
    }
    re = new RegExp(`^${src}$`);
    if (patternCache.size > 1000) patternCache.clear();
    patternCache.set(pattern, re);
  }
  return re.test(value);
}

function escapeRe(ch: string): string {
  return ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
