// The regular expressions of CloudWatch filter patterns (`%…%`), matched in linear time.
// AWS allows only a small dialect: literals, `.`, classes `[a-z]`, escapes (`\d \w \s`, `\.`…),
// quantifiers `* + ? {m,n}` on single atoms, anchors `^ $`, and `|`; no groups. A backtracking
// engine (JavaScript's RegExp) can take exponential or high-polynomial time on patterns like
// `%a*a*a*a*a*b%`, and a filter pattern is user input evaluated on every scanned event, so this
// module compiles the dialect into a position-set automaton and runs it in O(message × pattern).
import { InvalidParameter } from './errors.js';

type CharTest = (c: number) => boolean;

interface Item {
  /** Consumes one character when `test` accepts it; anchors consume nothing. */
  readonly kind: 'char' | 'bol' | 'eol';
  readonly test?: CharTest;
  /** May be skipped. */
  readonly optional: boolean;
  /** May repeat (a `*` item: consuming keeps the automaton on this item). */
  readonly repeat: boolean;
}

const MAX_ITEMS = 2000;
const MAX_REPEAT = 1000;

function invalid(why: string): Error {
  return InvalidParameter(`Invalid filter pattern: ${why}`);
}

const isDigit: CharTest = (c) => c >= 48 && c <= 57;
const isWord: CharTest = (c) => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isSpace: CharTest = (c) => c === 32 || (c >= 9 && c <= 13);

function escapeTest(e: string): CharTest {
  switch (e) {
    case 'd': return isDigit;
    case 'D': return (c) => !isDigit(c);
    case 'w': return isWord;
    case 'W': return (c) => !isWord(c);
    case 's': return isSpace;
    case 'S': return (c) => !isSpace(c);
    case 't': return (c) => c === 9;
    case 'n': return (c) => c === 10;
    case 'r': return (c) => c === 13;
    default: {
      const code = e.charCodeAt(0);
      return (c) => c === code;
    }
  }
}

/** Parses `[...]` starting at `i` (the `[`); returns the test and the index after `]`. */
function parseClass(src: string, i: number): [CharTest, number] {
  let j = i + 1;
  let negate = false;
  if (src[j] === '^') {
    negate = true;
    j++;
  }
  const parts: CharTest[] = [];
  let first = true;
  while (j < src.length && (src[j] !== ']' || first)) {
    first = false;
    let lo: number;
    if (src[j] === '\\' && j + 1 < src.length) {
      const e = src[j + 1]!;
      if ('dDwWsS'.includes(e)) {
        parts.push(escapeTest(e));
        j += 2;
        continue;
      }
      lo = e.charCodeAt(0);
      j += 2;
    } else {
      lo = src.charCodeAt(j);
      j++;
    }
    if (src[j] === '-' && j + 1 < src.length && src[j + 1] !== ']') {
      let hi: number;
      if (src[j + 1] === '\\' && j + 2 < src.length) {
        hi = src.charCodeAt(j + 2);
        j += 3;
      } else {
        hi = src.charCodeAt(j + 1);
        j += 2;
      }
      if (hi < lo) throw invalid('bad character range in regular expression');
      parts.push((c) => c >= lo && c <= hi);
    } else {
      parts.push((c) => c === lo);
    }
  }
  if (src[j] !== ']') throw invalid('unterminated [ in regular expression');
  const any: CharTest = (c) => parts.some((p) => p(c));
  return [negate ? (c) => !any(c) : any, j + 1];
}

/** Splits on top-level `|` (outside classes and escapes). */
function alternatives(src: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\' && i + 1 < src.length) {
      cur += c + src[i + 1];
      i++;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    if (c === '|' && !inClass) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out;
}

function compileSequence(src: string): Item[] {
  const items: Item[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '(' || c === ')') throw invalid('parentheses are not supported in regular expressions');
    if (c === '^') {
      items.push({ kind: 'bol', optional: false, repeat: false });
      i++;
      continue;
    }
    if (c === '$') {
      items.push({ kind: 'eol', optional: false, repeat: false });
      i++;
      continue;
    }
    if ('*+?{'.includes(c)) throw invalid(`nothing to repeat before '${c}' in regular expression`);
    let test: CharTest;
    if (c === '.') {
      test = (x) => x !== 10;
      i++;
    } else if (c === '[') {
      [test, i] = parseClass(src, i);
    } else if (c === '\\') {
      if (i + 1 >= src.length) throw invalid('trailing \\ in regular expression');
      test = escapeTest(src[i + 1]!);
      i += 2;
    } else {
      const code = src.charCodeAt(i);
      test = (x) => x === code;
      i++;
    }
    // Quantifier on this atom.
    let min = 1;
    let max = 1;
    const q = src[i];
    if (q === '*') { min = 0; max = Infinity; i++; }
    else if (q === '+') { min = 1; max = Infinity; i++; }
    else if (q === '?') { min = 0; max = 1; i++; }
    else if (q === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i));
      if (!m) throw invalid('bad {m,n} quantifier in regular expression');
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      if (max < min || min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT)) throw invalid('bad {m,n} quantifier in regular expression');
      i += m[0].length;
    }
    if (src[i] === '?' && q !== undefined && '*+?{'.includes(q)) i++; // lazy marker: same set of matches
    for (let k = 0; k < min; k++) items.push({ kind: 'char', test, optional: false, repeat: false });
    if (max === Infinity) items.push({ kind: 'char', test, optional: true, repeat: true });
    else for (let k = min; k < max; k++) items.push({ kind: 'char', test, optional: true, repeat: false });
    if (items.length > MAX_ITEMS) throw invalid('regular expression is too long');
  }
  return items;
}

export interface LinearRegex {
  test(s: string): boolean;
}

/** Compiles the CloudWatch regex dialect; `test` finds a match anywhere in the string. */
export function compileLinearRegex(source: string): LinearRegex {
  const seqs = alternatives(source).map(compileSequence);
  return { test: (s) => seqs.some((items) => searchSequence(items, s)) };
}

function searchSequence(items: readonly Item[], s: string): boolean {
  const k = items.length;
  if (k === 0) return true;
  let current = new Uint8Array(k + 1);
  let next = new Uint8Array(k + 1);
  const n = s.length;

  // Adds state `i` at text position `pos`, following skips (optional items, passable anchors).
  const add = (set: Uint8Array, i: number, pos: number): boolean => {
    while (i <= k) {
      if (set[i]) return false;
      set[i] = 1;
      if (i === k) return true;
      const it = items[i]!;
      if (it.kind === 'bol') {
        if (pos !== 0) return false;
        i++;
      } else if (it.kind === 'eol') {
        if (pos !== n) return false;
        i++;
      } else if (it.optional) {
        i++;
      } else return false;
    }
    return false;
  };

  for (let pos = 0; pos <= n; pos++) {
    // Unanchored search: a match may start at any position.
    if (add(current, 0, pos)) return true;
    if (pos === n) break;
    const c = s.charCodeAt(pos);
    next.fill(0);
    for (let i = 0; i < k; i++) {
      if (!current[i]) continue;
      const it = items[i]!;
      if (it.kind !== 'char' || !it.test!(c)) continue;
      if (it.repeat && add(next, i, pos + 1)) return true;
      if (add(next, i + 1, pos + 1)) return true;
    }
    [current, next] = [next, current];
  }
  return current[k] === 1;
}
