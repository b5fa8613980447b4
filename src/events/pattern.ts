// EventBridge event patterns: validation (what PutRule refuses) and matching (content filtering as
// AWS documents it). A pattern mirrors the event's shape; every leaf is a list of conditions, one
// of which must hold for the field's value (for an array field: for one of its elements).
// Conditions: a literal (string, number, boolean, null), or one of `prefix`, `suffix`,
// `equals-ignore-case`, `anything-but`, `numeric`, `exists`, `cidr`, `wildcard`; `$or` lists
// alternative patterns.

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

export class PatternError extends Error {}

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Parses and checks a pattern; throws PatternError with AWS's "Reason" text. */
export function parsePattern(text: string): Obj {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new PatternError('Unrecognized token');
  }
  if (!isObj(parsed)) throw new PatternError('Filter is not an object');
  checkObject(parsed);
  return parsed;
}

function checkObject(pattern: Obj): void {
  for (const [key, value] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2 || !value.every(isObj)) throw new PatternError('$or must be a list of at least two patterns');
      for (const alt of value) checkObject(alt as Obj);
    } else if (Array.isArray(value)) {
      for (const condition of value) checkCondition(condition);
    } else if (isObj(value)) {
      checkObject(value);
    } else {
      throw new PatternError(`Match value must be String, number, true, false, or null`);
    }
  }
}

const OPERATORS = new Set(['prefix', 'suffix', 'equals-ignore-case', 'anything-but', 'numeric', 'exists', 'cidr', 'wildcard']);

function checkCondition(c: Json): void {
  if (!isObj(c)) {
    if (Array.isArray(c)) throw new PatternError('Match value must be String, number, true, false, or null');
    return;
  }
  const keys = Object.keys(c);
  if (keys.length !== 1 || !OPERATORS.has(keys[0]!)) throw new PatternError(`Unrecognized match type ${keys[0] ?? ''}`);
  const op = keys[0]!;
  const arg = c[op]!;
  if (op === 'exists' && typeof arg !== 'boolean') throw new PatternError('exists match pattern must be either true or false.');
  if (op === 'numeric') numericTests(arg);
  if ((op === 'wildcard' || op === 'cidr') && typeof arg !== 'string') throw new PatternError(`${op} match pattern must be a string`);
}

type NumericTest = (n: number) => boolean;
const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  '=': (a, b) => a === b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

function numericTests(arg: Json): NumericTest[] {
  if (!Array.isArray(arg) || arg.length === 0 || arg.length % 2 !== 0) throw new PatternError('Value of numeric must be an array of operator and number pairs.');
  const tests: NumericTest[] = [];
  for (let i = 0; i < arg.length; i += 2) {
    const op = arg[i];
    const bound = arg[i + 1];
    const compare = typeof op === 'string' ? COMPARE[op] : undefined;
    if (!compare || typeof bound !== 'number') throw new PatternError(`Unrecognized numeric range operator: ${JSON.stringify(op)}`);
    tests.push((n) => compare(n, bound));
  }
  return tests;
}

/** Whether `event` (the whole event: source, detail-type, detail…) matches `pattern`. */
export function matches(pattern: Obj, event: unknown): boolean {
  return matchesObject(pattern, event as Json | undefined);
}

function matchesObject(pattern: Obj, event: Json | undefined): boolean {
  for (const [key, value] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!(value as Obj[]).some((alt) => matchesObject(alt, event))) return false;
      continue;
    }
    const field = isObj(event) ? event[key] : undefined;
    if (Array.isArray(value)) {
      if (!leafMatches(value, field)) return false;
    } else if (Array.isArray(field)) {
      if (!field.some((element) => matchesObject(value as Obj, element))) return false;
    } else if (!matchesObject(value as Obj, field)) {
      return false;
    }
  }
  return true;
}

function leafMatches(conditions: Json[], field: Json | undefined): boolean {
  const values: Json[] = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return conditions.some((c) => {
    if (!isObj(c)) return values.some((v) => v === c);
    const [op, arg] = Object.entries(c)[0]!;
    switch (op) {
      case 'exists':
        return arg === (field !== undefined && !isObj(field));
      case 'anything-but':
        return values.length > 0 && values.some((v) => !excluded(arg!, v));
      case 'numeric': {
        const tests = numericTests(arg!);
        return values.some((v) => typeof v === 'number' && tests.every((t) => t(v)));
      }
      default:
        return values.some((v) => stringTest(op, arg!, v));
    }
  });
}

/** `anything-but`'s argument: a value, a list of values, or a prefix/suffix/equals-ignore-case test. */
function excluded(arg: Json, v: Json): boolean {
  if (Array.isArray(arg)) return arg.some((x) => x === v);
  if (isObj(arg)) {
    const [op, inner] = Object.entries(arg)[0]!;
    const list = Array.isArray(inner) ? inner : [inner!];
    return list.some((x) => stringTest(op, x, v));
  }
  return arg === v;
}

function stringTest(op: string, arg: Json, v: Json): boolean {
  if (typeof v !== 'string') return false;
  if (op === 'prefix' || op === 'suffix') {
    // `{"prefix": {"equals-ignore-case": "x"}}` compares without case.
    const ignoreCase = isObj(arg) && typeof arg['equals-ignore-case'] === 'string';
    const want = ignoreCase ? (arg as Obj)['equals-ignore-case'] as string : arg;
    if (typeof want !== 'string') return false;
    const s = ignoreCase ? v.toLowerCase() : v;
    const w = ignoreCase ? want.toLowerCase() : want;
    return op === 'prefix' ? s.startsWith(w) : s.endsWith(w);
  }
  if (op === 'equals-ignore-case') return typeof arg === 'string' && v.toLowerCase() === arg.toLowerCase();
  if (op === 'wildcard') return typeof arg === 'string' && wildcard(arg).test(v);
  if (op === 'cidr') return typeof arg === 'string' && inCidr(v, arg);
  return false;
}

function wildcard(glob: string): RegExp {
  const body = glob.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${body}$`, 's');
}

function ipv4(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

/** IPv4 CIDR blocks (`10.0.0.0/24`). */
function inCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  const a = ipv4(ip);
  const b = ipv4(base ?? '');
  if (a === undefined || b === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const size = 2 ** (32 - bits);
  return Math.floor(a / size) === Math.floor(b / size);
}
