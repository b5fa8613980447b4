// Why a JSON text is not JSON, worded as AWS words it. Step Functions parses definitions and
// execution input with Jackson, and its messages surface verbatim: StartExecution's
// InvalidExecutionInput ("Unrecognized token 'not': was expecting (...)") and
// ValidateStateMachineDefinition's INVALID_JSON_DESCRIPTION diagnostic, whose location is
// Jackson's "[Source: (String)"..."; line: L, column: C]". JSON.parse's own wording differs, so
// once JSON.parse has rejected a text, this scanner walks it to the first fault and describes it.
//
// Columns are Jackson's: 1-based, counted after the offending character or token was consumed.

export interface JsonFault {
  /** Jackson's original message, without the " at [Source...]" suffix. */
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

const VALUE_LIST = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";
const SOURCE_LIMIT = 500;

class Fault extends Error {
  constructor(message: string, readonly at: number) { super(message); }
}

/** Jackson's description of a character: `'x' (code 120)`, `(CTRL-CHAR, code 10)`. */
function charDesc(ch: string): string {
  const code = ch.codePointAt(0)!;
  if (code < 32 || (code >= 127 && code < 160)) return `(CTRL-CHAR, code ${code})`;
  if (code > 255) return `'${ch}' (code ${code} / 0x${code.toString(16)})`;
  return `'${ch}' (code ${code})`;
}

const isIdentPart = (ch: string | undefined): boolean => ch !== undefined && /[\p{L}\p{N}_$]/u.test(ch);

/** Jackson's "[Source: (String)"..."; line: L, column: C]", the source cut at 500 characters. */
export function jacksonLocation(text: string, line: number, column: number): string {
  const src = text.length > SOURCE_LIMIT
    ? `"${text.slice(0, SOURCE_LIMIT)}"[truncated ${text.length - SOURCE_LIMIT} chars]`
    : `"${text}"`;
  return `[Source: (String)${src}; line: ${line}, column: ${column}]`;
}

/** The first fault in `text` as Jackson reports it, or undefined when the text is one JSON value. */
export function findJsonFault(text: string): JsonFault | undefined {
  let i = 0;
  const lineCol = (at: number): { line: number; column: number } => {
    const before = text.slice(0, at);
    return { line: before.split('\n').length, column: at - (before.lastIndexOf('\n') + 1) + 1 };
  };
  const skipWs = (): void => { while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++; };
  const unexpected = (what: string): never => { const ch = text[i]!; i++; throw new Fault(`Unexpected character (${charDesc(ch)}): ${what}`, i); };
  const eof = (what: string): never => { throw new Fault(`Unexpected end-of-input${what}`, i); };
  // A bare word: Jackson gathers identifier characters, then names the whole run.
  const badToken = (): never => {
    const start = i;
    while (isIdentPart(text[i])) i++;
    if (i === start) i++;
    throw new Fault(`Unrecognized token '${text.slice(start, i)}': was expecting ${VALUE_LIST}`, i);
  };
  // An unclosed container names where it opened: the column of its bracket itself.
  const marker = (at: number): string => { const { line, column } = lineCol(at); return jacksonLocation(text, line, column); };

  const str = (): void => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) eof(': was expecting closing quote for a string value');
      const ch = text[i]!;
      if (ch === '"') { i++; return; }
      if (ch === '\\') {
        const e = text[i + 1];
        if (e === undefined) { i++; eof(': was expecting closing quote for a string value'); }
        if (e === 'u') {
          for (let k = 2; k < 6; k++) {
            const h = text[i + k];
            if (h === undefined) { i += k; eof(' in character escape sequence'); }
            if (!/[0-9a-fA-F]/.test(h!)) { i += k + 1; throw new Fault(`Unexpected character (${charDesc(h!)}): expected a hex-digit for character escape sequence`, i); }
          }
          i += 6;
        } else if ('"\\/bfnrt'.includes(e!)) {
          i += 2;
        } else {
          i += 2;
          throw new Fault(`Unrecognized character escape ${charDesc(e!)}`, i);
        }
        continue;
      }
      if (ch.charCodeAt(0) < 32) {
        i++;
        throw new Fault(`Illegal unquoted character (${charDesc(ch)}): has to be escaped using backslash to be included in string value`, i);
      }
      i++;
    }
  };

  const num = (): void => {
    if (text[i] === '-') {
      i++;
      if (i >= text.length) eof(' in a Number value');
      if (!/[0-9]/.test(text[i]!)) {
        const ch = text[i]!; i++;
        throw new Fault(`Unexpected character (${charDesc(ch)}) in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value`, i);
      }
    }
    if (text[i] === '0' && /[0-9]/.test(text[i + 1] ?? '')) { i += 2; throw new Fault('Invalid numeric value: Leading zeroes not allowed', i); }
    while (/[0-9]/.test(text[i] ?? '')) i++;
    if (text[i] === '.') {
      i++;
      if (!/[0-9]/.test(text[i] ?? '')) {
        if (i >= text.length) eof(' in a Number value');
        const ch = text[i]!; i++;
        throw new Fault(`Unexpected character (${charDesc(ch)}) in numeric value: Decimal point not followed by a digit`, i);
      }
      while (/[0-9]/.test(text[i] ?? '')) i++;
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (!/[0-9]/.test(text[i] ?? '')) {
        if (i >= text.length) eof(' in a Number value');
        const ch = text[i]!; i++;
        throw new Fault(`Unexpected character (${charDesc(ch)}) in numeric value: Exponent indicator not followed by a digit`, i);
      }
      while (/[0-9]/.test(text[i] ?? '')) i++;
    }
  };

  // Open containers, innermost last: input that ends inside one is reported against it.
  const open: Array<{ kind: 'Object' | 'Array'; at: number }> = [];
  const unclosed = (): never => {
    const top = open[open.length - 1];
    return top ? eof(`: expected close marker for ${top.kind} (start marker at ${marker(top.at)})`) : eof(`: expected a valid value ${VALUE_LIST}`);
  };

  const value = (): void => {
    skipWs();
    if (i >= text.length) unclosed();
    const ch = text[i]!;
    if (ch === '{') return obj();
    if (ch === '[') return arr();
    if (ch === '"') return str();
    if (ch === '-' || /[0-9]/.test(ch)) return num();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i) && !isIdentPart(text[i + word.length])) { i += word.length; return; }
    }
    if (isIdentPart(ch)) badToken();
    unexpected(`expected a valid value ${VALUE_LIST}`);
  };

  const obj = (): void => {
    open.push({ kind: 'Object', at: i });
    i++;
    skipWs();
    if (text[i] === '}') { i++; open.pop(); return; }
    for (;;) {
      skipWs();
      if (i >= text.length) unclosed();
      if (text[i] !== '"') unexpected('was expecting double-quote to start field name');
      str();
      skipWs();
      if (i >= text.length) unclosed();
      if (text[i] !== ':') unexpected('was expecting a colon to separate field name and value');
      i++;
      value();
      skipWs();
      if (i >= text.length) unclosed();
      if (text[i] === '}') { i++; open.pop(); return; }
      if (text[i] !== ',') unexpected('was expecting comma to separate Object entries');
      i++;
    }
  };

  const arr = (): void => {
    open.push({ kind: 'Array', at: i });
    i++;
    skipWs();
    if (text[i] === ']') { i++; open.pop(); return; }
    for (;;) {
      value();
      skipWs();
      if (i >= text.length) unclosed();
      if (text[i] === ']') { i++; open.pop(); return; }
      if (text[i] !== ',') unexpected('was expecting comma to separate Array entries');
      i++;
    }
  };

  try {
    value();
    skipWs();
    // Text after the root value reads, to Jackson, as the start of another root value.
    if (i < text.length) value();
    return undefined;
  } catch (e) {
    if (!(e instanceof Fault)) throw e;
    return { message: e.message, ...lineCol(e.at) };
  }
}
