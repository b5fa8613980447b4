// A subset of CloudWatch metric math for GetMetricData: arithmetic (+ - * /, unary minus,
// parentheses) over query ids and numbers, ABS(x), and SUM/AVG/MIN/MAX over a bracketed list of
// series (`SUM([m1, m2])`), all point-wise on timestamps. Two series combine only where both have
// a value, as AWS does; a division by zero yields no point. Other functions are reported as
// invalid (docs/compat.md).
import { InvalidParameterValue } from './errors.js';

type Series = Map<number, number>;
type Value = Series | number;

type Tok = { t: 'num'; v: number } | { t: 'id'; v: string } | { t: 'sym'; v: string };

function tokenize(src: string, qid: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) { i++; continue; }
    const num = /^\d+(\.\d+)?([eE][-+]?\d+)?/.exec(src.slice(i));
    if (num) { out.push({ t: 'num', v: Number(num[0]) }); i += num[0].length; continue; }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id) { out.push({ t: 'id', v: id[0] }); i += id[0].length; continue; }
    if ('+-*/(),[]'.includes(c)) { out.push({ t: 'sym', v: c }); i++; continue; }
    throw bad(qid, `Unexpected character '${c}'`);
  }
  return out;
}

function bad(qid: string, why: string): Error {
  return InvalidParameterValue(`Error in expression '${qid}': ${why}`);
}

const FUNCTIONS = new Set(['ABS', 'SUM', 'AVG', 'MIN', 'MAX']);

/** Query ids an expression refers to (function names excluded). */
export function expressionIds(src: string): string[] {
  let toks: Tok[];
  try {
    toks = tokenize(src, '');
  } catch {
    return [];
  }
  return toks.filter((t, i) => t.t === 'id' && !(FUNCTIONS.has(t.v) && toks[i + 1]?.t === 'sym' && toks[i + 1]!.v === '(')).map((t) => t.v as string);
}

export function evaluateExpression(src: string, env: ReadonlyMap<string, Series>, qid: string): Series {
  const toks = tokenize(src, qid);
  let pos = 0;
  const peek = (v: string) => toks[pos]?.t === 'sym' && toks[pos]!.v === v;
  const expect = (v: string) => {
    if (!peek(v)) throw bad(qid, `Expected '${v}'`);
    pos++;
  };

  const expr = (): Value => {
    let left = term();
    while (peek('+') || peek('-')) {
      const op = (toks[pos++] as { v: string }).v;
      left = combine(left, term(), op === '+' ? (a, b) => a + b : (a, b) => a - b);
    }
    return left;
  };
  const term = (): Value => {
    let left = unary();
    while (peek('*') || peek('/')) {
      const op = (toks[pos++] as { v: string }).v;
      left = combine(left, unary(), op === '*' ? (a, b) => a * b : (a, b) => (b === 0 ? undefined : a / b));
    }
    return left;
  };
  const unary = (): Value => {
    if (peek('-')) {
      pos++;
      return combine(0, unary(), (a, b) => a - b);
    }
    return primary();
  };
  const primary = (): Value => {
    const tok = toks[pos++];
    if (!tok) throw bad(qid, 'Unexpected end of expression');
    if (tok.t === 'num') return tok.v;
    if (tok.t === 'sym' && tok.v === '(') {
      const v = expr();
      expect(')');
      return v;
    }
    if (tok.t === 'id' && peek('(')) {
      const fn = tok.v.toUpperCase();
      pos++;
      if (fn === 'ABS') {
        const v = expr();
        expect(')');
        return combine(v, 0, (a) => Math.abs(a));
      }
      if (!FUNCTIONS.has(fn)) throw bad(qid, `Unsupported function ${tok.v}`);
      expect('[');
      const items: Value[] = [expr()];
      while (peek(',')) { pos++; items.push(expr()); }
      expect(']');
      expect(')');
      return reduce(fn, items);
    }
    if (tok.t === 'id') {
      const s = env.get(tok.v);
      if (!s) throw bad(qid, `Unrecognized metric '${tok.v}'`);
      return s;
    }
    throw bad(qid, `Unexpected '${tok.v}'`);
  };

  const result = expr();
  if (pos !== toks.length) throw bad(qid, 'Unexpected trailing input');
  if (typeof result === 'number') throw bad(qid, 'The expression must refer to at least one metric');
  return result;
}

function combine(a: Value, b: Value, f: (x: number, y: number) => number | undefined): Value {
  if (typeof a === 'number' && typeof b === 'number') return f(a, b) ?? NaN;
  const out: Series = new Map();
  const timestamps = typeof a === 'number' ? (b as Series).keys() : a.keys();
  for (const t of timestamps) {
    const x = typeof a === 'number' ? a : a.get(t);
    const y = typeof b === 'number' ? b : b.get(t);
    if (x === undefined || y === undefined) continue;
    const v = f(x, y);
    if (v !== undefined && Number.isFinite(v)) out.set(t, v);
  }
  return out;
}

function reduce(fn: string, items: Value[]): Series {
  const series = items.filter((v): v is Series => typeof v !== 'number');
  const out: Series = new Map();
  const times = new Set<number>();
  for (const s of series) for (const t of s.keys()) times.add(t);
  for (const t of times) {
    const vals: number[] = [];
    for (const v of items) {
      const x = typeof v === 'number' ? v : v.get(t);
      if (x !== undefined) vals.push(x);
    }
    if (vals.length === 0) continue;
    let r: number;
    if (fn === 'SUM') r = vals.reduce((p, c) => p + c, 0);
    else if (fn === 'AVG') r = vals.reduce((p, c) => p + c, 0) / vals.length;
    else if (fn === 'MIN') r = Math.min(...vals);
    else r = Math.max(...vals);
    out.set(t, r);
  }
  return out;
}
