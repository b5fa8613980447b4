// CloudWatch Logs filter patterns, compiled once per request into a predicate on a message.
// Three forms, as documented for FilterLogEvents / metric and subscription filters:
//   terms       `ERROR`, `"exact phrase"`, `ERROR Exception` (all), `?ERROR ?WARN` (any), `-DEBUG` (none),
//               `%regex%`; matching is case-sensitive and by substring.
//   JSON        `{ $.level = "ERROR" && ($.latency > 100 || $.user.id NOT EXISTS) }` with = != < > <= >=,
//               `*` wildcards and %regex% in string values, IS NULL / IS TRUE / IS FALSE / NOT EXISTS,
//               `$.a.b[0]` selectors; messages that are not JSON objects never match.
//   delimited   `[ip, user, ..., status = 4*, bytes > 1000]` on space-separated fields, where "quoted"
//               and [bracketed] runs count as one field; `...` skips any number of fields.
// Known gaps (docs/compat.md): no `$.array[*]`-style selectors, no `$.*`.
import { InvalidParameter } from './errors.js';
import { compileLinearRegex, type LinearRegex } from './regex.js';

export type Matcher = (message: string) => boolean;

const MAX_PATTERN = 1024;

function invalid(why: string): Error {
  return InvalidParameter(`Invalid filter pattern: ${why}`);
}

export function compileFilterPattern(pattern: string | undefined): Matcher {
  const p = (pattern ?? '').trim();
  if (p === '') return () => true;
  if (p.length > MAX_PATTERN) throw invalid('pattern is too long');
  if (p.startsWith('{')) return compileJson(p);
  if (p.startsWith('[')) return compileDelimited(p);
  return compileTerms(p);
}

// ---------------------------------------------------------------- terms

interface Term {
  kind: 'all' | 'any' | 'not';
  test: (message: string) => boolean;
}

function compileTerms(p: string): Matcher {
  const terms: Term[] = [];
  let i = 0;
  while (i < p.length) {
    while (i < p.length && /\s/.test(p[i]!)) i++;
    if (i >= p.length) break;
    let kind: Term['kind'] = 'all';
    if (p[i] === '?') {
      kind = 'any';
      i++;
    } else if (p[i] === '-' && i + 1 < p.length && !/\s/.test(p[i + 1]!)) {
      kind = 'not';
      i++;
    }
    let text: string;
    if (p[i] === '"') {
      const [value, end] = readQuoted(p, i);
      text = value;
      i = end;
    } else if (p[i] === '%' && p.indexOf('%', i + 1) !== -1) {
      // A regex runs to its closing %, spaces included.
      const end = p.indexOf('%', i + 1);
      text = p.slice(i, end + 1);
      i = end + 1;
    } else {
      const start = i;
      while (i < p.length && !/\s/.test(p[i]!)) i++;
      text = p.slice(start, i);
    }
    if (text === '') throw invalid('empty term');
    if (text.length >= 2 && text.startsWith('%') && text.endsWith('%')) {
      const re = compileRegex(text.slice(1, -1));
      terms.push({ kind, test: (m) => re.test(m) });
    } else {
      terms.push({ kind, test: (m) => m.includes(text) });
    }
  }
  const all = terms.filter((t) => t.kind === 'all');
  const any = terms.filter((t) => t.kind === 'any');
  const not = terms.filter((t) => t.kind === 'not');
  return (m) => {
    for (const t of all) if (!t.test(m)) return false;
    if (any.length > 0 && !any.some((t) => t.test(m))) return false;
    for (const t of not) if (t.test(m)) return false;
    return true;
  };
}

/** Reads a double-quoted string starting at `start` (the quote); returns value and index after it. */
function readQuoted(p: string, start: number): [string, number] {
  let out = '';
  let i = start + 1;
  while (i < p.length) {
    const c = p[i]!;
    if (c === '\\' && i + 1 < p.length) {
      out += p[i + 1];
      i += 2;
      continue;
    }
    if (c === '"') return [out, i + 1];
    out += c;
    i++;
  }
  throw invalid('unterminated quoted string');
}

function compileRegex(source: string): LinearRegex {
  // Linear-time matching: a filter pattern is user input run against every scanned event.
  return compileLinearRegex(source);
}

// ---------------------------------------------------------------- shared value comparisons

type Op = '=' | '!=' | '<' | '>' | '<=' | '>=';

interface Literal {
  /** Set when the literal is a number (compared numerically with numeric fields). */
  num?: number;
  text: string;
  regex?: LinearRegex;
  /** `*` wildcards compiled to an anchored, linear-time regex. */
  wildcard?: LinearRegex;
}

function makeLiteral(text: string, quoted: boolean): Literal {
  if (!quoted && text.length >= 2 && text.startsWith('%') && text.endsWith('%')) {
    return { text, regex: compileRegex(text.slice(1, -1)) };
  }
  const lit: Literal = { text };
  if (!quoted && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text)) lit.num = Number(text);
  if (text.includes('*')) {
    // Every literal character escaped; `*` matches any run, newlines included.
    const re = text
      .split('*')
      .map((part) => part.replace(/[^A-Za-z0-9]/g, (c) => '\\' + c))
      .join('[\\s\\S]*');
    lit.wildcard = compileLinearRegex(`^${re}$`);
  }
  return lit;
}

/** Compares a field value (from JSON or a delimited field) with a literal. */
function compare(value: unknown, op: Op, lit: Literal): boolean {
  if (value === undefined || value === null || typeof value === 'object') return false;
  if (lit.num !== undefined) {
    const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
    if (Number.isNaN(n)) return op === '!=' ? true : false;
    switch (op) {
      case '=': return n === lit.num;
      case '!=': return n !== lit.num;
      case '<': return n < lit.num;
      case '>': return n > lit.num;
      case '<=': return n <= lit.num;
      case '>=': return n >= lit.num;
    }
  }
  const s = String(value);
  let eq: boolean;
  if (lit.regex) eq = lit.regex.test(s);
  else if (lit.wildcard) eq = lit.wildcard.test(s);
  else eq = s === lit.text;
  if (op === '=') return eq;
  if (op === '!=') return !eq;
  // Relational operators need numbers on AWS.
  return false;
}

// ---------------------------------------------------------------- JSON patterns

type Token =
  | { t: 'sel'; path: (string | number)[] }
  | { t: 'op'; v: Op }
  | { t: 'and' }
  | { t: 'or' }
  | { t: 'lp' }
  | { t: 'rp' }
  | { t: 'word'; v: string; quoted: boolean };

function tokenizeJson(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === '(') { out.push({ t: 'lp' }); i++; continue; }
    if (c === ')') { out.push({ t: 'rp' }); i++; continue; }
    if (src.startsWith('&&', i)) { out.push({ t: 'and' }); i += 2; continue; }
    if (src.startsWith('||', i)) { out.push({ t: 'or' }); i += 2; continue; }
    const two = src.slice(i, i + 2);
    if (two === '!=' || two === '<=' || two === '>=') { out.push({ t: 'op', v: two }); i += 2; continue; }
    if (c === '=' || c === '<' || c === '>') { out.push({ t: 'op', v: c }); i++; continue; }
    if (c === '$') {
      const [path, end] = readSelector(src, i);
      out.push({ t: 'sel', path });
      i = end;
      continue;
    }
    if (c === '"') {
      const [v, end] = readQuoted(src, i);
      out.push({ t: 'word', v, quoted: true });
      i = end;
      continue;
    }
    if (c === '%') {
      const end = src.indexOf('%', i + 1);
      if (end === -1) throw invalid('unterminated regular expression');
      out.push({ t: 'word', v: src.slice(i, end + 1), quoted: false });
      i = end + 1;
      continue;
    }
    const start = i;
    while (i < src.length && !/[\s()&|=!<>]/.test(src[i]!)) i++;
    if (i === start) throw invalid(`unexpected '${c}'`);
    out.push({ t: 'word', v: src.slice(start, i), quoted: false });
  }
  return out;
}

function readSelector(src: string, start: number): [(string | number)[], number] {
  const path: (string | number)[] = [];
  let i = start + 1;
  while (i < src.length) {
    if (src[i] === '.') {
      const s = i + 1;
      i = s;
      while (i < src.length && /[A-Za-z0-9_\-@]/.test(src[i]!)) i++;
      if (i === s) throw invalid('empty property name in selector');
      path.push(src.slice(s, i));
    } else if (src[i] === '[') {
      const close = src.indexOf(']', i);
      if (close === -1) throw invalid('unterminated [ in selector');
      const inner = src.slice(i + 1, close).trim();
      if (/^\d+$/.test(inner)) path.push(Number(inner));
      else if (/^"[^"]*"$/.test(inner) || /^'[^']*'$/.test(inner)) path.push(inner.slice(1, -1));
      else throw invalid(`unsupported selector index [${inner}]`);
      i = close + 1;
    } else break;
  }
  if (path.length === 0) throw invalid('selector must name a field, e.g. $.level');
  return [path, i];
}

type JsonExpr = (doc: unknown) => boolean;

function compileJson(p: string): Matcher {
  if (!p.endsWith('}')) throw invalid('JSON pattern must end with }');
  const tokens = tokenizeJson(p.slice(1, -1));
  let pos = 0;
  const peek = () => tokens[pos];

  const parseOr = (): JsonExpr => {
    const parts = [parseAnd()];
    while (peek()?.t === 'or') { pos++; parts.push(parseAnd()); }
    return parts.length === 1 ? parts[0]! : (d) => parts.some((f) => f(d));
  };
  const parseAnd = (): JsonExpr => {
    const parts = [parseUnary()];
    while (peek()?.t === 'and') { pos++; parts.push(parseUnary()); }
    return parts.length === 1 ? parts[0]! : (d) => parts.every((f) => f(d));
  };
  const parseUnary = (): JsonExpr => {
    const tok = tokens[pos++];
    if (!tok) throw invalid('incomplete expression');
    if (tok.t === 'lp') {
      const inner = parseOr();
      if (tokens[pos++]?.t !== 'rp') throw invalid('missing )');
      return inner;
    }
    if (tok.t !== 'sel') throw invalid('expected a selector such as $.field');
    const path = tok.path;
    const next = tokens[pos++];
    if (next?.t === 'op') {
      const val = tokens[pos++];
      if (val?.t !== 'word') throw invalid('expected a value after the operator');
      const lit = makeLiteral(val.v, val.quoted);
      const op = next.v;
      return (d) => compare(select(d, path), op, lit);
    }
    if (next?.t === 'word' && next.v === 'IS') {
      const what = tokens[pos++];
      if (what?.t !== 'word') throw invalid('expected NULL, TRUE or FALSE after IS');
      if (what.v === 'NULL') return (d) => select(d, path) === null;
      if (what.v === 'TRUE') return (d) => select(d, path) === true;
      if (what.v === 'FALSE') return (d) => select(d, path) === false;
      throw invalid(`unexpected IS ${what.v}`);
    }
    if (next?.t === 'word' && next.v === 'NOT') {
      const what = tokens[pos++];
      if (what?.t === 'word' && what.v === 'EXISTS') return (d) => select(d, path) === undefined;
      throw invalid('expected EXISTS after NOT');
    }
    throw invalid('expected an operator after the selector');
  };

  const expr = parseOr();
  if (pos !== tokens.length) throw invalid('unexpected trailing input');
  return (message) => {
    const trimmed = message.trimStart();
    if (!trimmed.startsWith('{')) return false;
    let doc: unknown;
    try {
      doc = JSON.parse(message);
    } catch {
      return false;
    }
    return expr(doc);
  };
}

function select(doc: unknown, path: readonly (string | number)[]): unknown {
  let cur: unknown = doc;
  for (const part of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (typeof part === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[part];
    } else {
      if (Array.isArray(cur) || !Object.prototype.hasOwnProperty.call(cur, part)) return undefined;
      cur = (cur as Record<string, unknown>)[part];
    }
  }
  return cur;
}

// ---------------------------------------------------------------- space-delimited patterns

interface Field {
  ellipsis: boolean;
  test?: (value: string) => boolean;
}

function compileDelimited(p: string): Matcher {
  if (!p.endsWith(']')) throw invalid('space-delimited pattern must end with ]');
  const inner = p.slice(1, -1);
  const fields: Field[] = splitTopLevel(inner, ',').map((raw) => compileField(raw.trim()));
  if (fields.length === 0) throw invalid('no fields');
  return (message) => matchFields(fields, 0, splitMessage(message), 0);
}

function compileField(raw: string): Field {
  if (raw === '...') return { ellipsis: true };
  if (raw === '') throw invalid('empty field');
  // A field is a name, optionally followed by conditions joined with && / ||.
  const m = /^[A-Za-z_][A-Za-z0-9_\-.]*/.exec(raw);
  if (!m) throw invalid(`bad field '${raw}'`);
  const rest = raw.slice(m[0].length).trim();
  if (rest === '') return { ellipsis: false };
  const name = m[0];
  const alternatives = splitTopLevel(rest, '||').map((alt) =>
    splitTopLevel(alt, '&&').map((cond) => {
      let c = cond.trim();
      if (c.startsWith(name)) c = c.slice(name.length).trim();
      const om = /^(!=|<=|>=|=|<|>)\s*/.exec(c);
      if (!om) throw invalid(`bad condition '${cond.trim()}'`);
      let valueText = c.slice(om[0].length).trim();
      let quoted = false;
      if (valueText.startsWith('"')) {
        const [v, end] = readQuoted(valueText, 0);
        if (end !== valueText.length) throw invalid(`bad value in '${cond.trim()}'`);
        valueText = v;
        quoted = true;
      }
      if (valueText === '') throw invalid(`missing value in '${cond.trim()}'`);
      const lit = makeLiteral(valueText, quoted);
      const op = om[1] as Op;
      return (v: string) => compare(v, op, lit);
    }),
  );
  return { ellipsis: false, test: (v) => alternatives.some((all) => all.every((f) => f(v))) };
}

/** Splits on `sep` outside double quotes. */
function splitTopLevel(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '"' && s[i - 1] !== '\\') quoted = !quoted;
    if (!quoted && s.startsWith(sep, i)) {
      out.push(cur);
      cur = '';
      i += sep.length - 1;
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out.length === 1 && out[0]!.trim() === '' ? [] : out;
}

/** Space-separated fields; "quoted" and [bracketed] runs are one field, without their delimiters. */
function splitMessage(message: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = message.length;
  while (i < n) {
    while (i < n && message[i] === ' ') i++;
    if (i >= n) break;
    const c = message[i]!;
    if (c === '"' || c === '[') {
      const close = message.indexOf(c === '"' ? '"' : ']', i + 1);
      if (close !== -1) {
        out.push(message.slice(i + 1, close));
        i = close + 1;
        continue;
      }
    }
    const start = i;
    while (i < n && message[i] !== ' ') i++;
    out.push(message.slice(start, i));
  }
  return out;
}

/**
 * Whether fields[fi..] match values[vi..]. Memoized on (fi, vi): several `...` would otherwise
 * make this polynomial in the message length with the number of ellipses as exponent.
 */
function matchFields(fields: readonly Field[], _fi: number, values: readonly string[], _vi: number): boolean {
  const width = values.length + 1;
  const failed = new Uint8Array((fields.length + 1) * width);
  const go = (fi: number, vi: number): boolean => {
    if (fi === fields.length) return vi === values.length;
    if (failed[fi * width + vi]) return false;
    const f = fields[fi]!;
    let ok = false;
    if (f.ellipsis) {
      for (let k = vi; k <= values.length && !ok; k++) ok = go(fi + 1, k);
    } else if (vi < values.length && (!f.test || f.test(values[vi]!))) {
      ok = go(fi + 1, vi + 1);
    }
    if (!ok) failed[fi * width + vi] = 1;
    return ok;
  };
  return go(_fi, _vi);
}
