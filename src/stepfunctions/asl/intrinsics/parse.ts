// Parser for intrinsic function calls: States.Name(arg, …). Arguments are string literals in
// single quotes (escapes \' \{ \} \\), numbers, true/false/null, reference paths ($…, $$…,
// $var…) and nested calls. Parsed calls are cached: definitions repeat the same strings.
export type IntrinsicArg =
  | { readonly kind: 'literal'; readonly value: string | number | boolean | null }
  | { readonly kind: 'path'; readonly path: string }
  | { readonly kind: 'call'; readonly call: IntrinsicCall };

export interface IntrinsicCall {
  readonly name: string;
  readonly args: readonly IntrinsicArg[];
}

export class IntrinsicSyntaxError extends Error {}

const cache = new Map<string, IntrinsicCall>();

export function parseIntrinsic(text: string): IntrinsicCall {
  let call = cache.get(text);
  if (!call) {
    const p = new Parser(text);
    call = p.call();
    p.skipWs();
    if (p.pos !== text.length) throw new IntrinsicSyntaxError(`Unexpected character at position ${p.pos + 1}`);
    if (cache.size > 10_000) cache.clear();
    cache.set(text, call);
  }
  return call;
}

class Parser {
  pos = 0;
  constructor(private readonly s: string) {}

  skipWs(): void {
    while (this.pos < this.s.length && /\s/.test(this.s[this.pos] as string)) this.pos++;
  }

  call(): IntrinsicCall {
    this.skipWs();
    const m = /^States\.([A-Za-z0-9]+)\(/.exec(this.s.slice(this.pos));
    if (!m) throw new IntrinsicSyntaxError('Expected an intrinsic function call States.<Name>(...)');
    this.pos += m[0].length;
    const args: IntrinsicArg[] = [];
    this.skipWs();
    if (this.s[this.pos] === ')') {
      this.pos++;
      return { name: `States.${m[1]}`, args };
    }
    for (;;) {
      args.push(this.arg());
      this.skipWs();
      const ch = this.s[this.pos];
      if (ch === ',') { this.pos++; continue; }
      if (ch === ')') { this.pos++; break; }
      throw new IntrinsicSyntaxError(`Expected ',' or ')' at position ${this.pos + 1}`);
    }
    return { name: `States.${m[1]}`, args };
  }

  arg(): IntrinsicArg {
    this.skipWs();
    const rest = this.s.slice(this.pos);
    if (rest.startsWith("'")) return { kind: 'literal', value: this.string() };
    if (rest.startsWith('States.')) return { kind: 'call', call: this.call() };
    if (rest.startsWith('$')) return { kind: 'path', path: this.path() };
    const num = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(rest);
    if (num) { this.pos += num[0].length; return { kind: 'literal', value: Number(num[0]) }; }
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (rest.startsWith(word) && !/^[A-Za-z0-9_]/.test(rest.slice(word.length))) {
        this.pos += word.length;
        return { kind: 'literal', value };
      }
    }
    throw new IntrinsicSyntaxError(`Unexpected argument at position ${this.pos + 1}`);
  }

  string(): string {
    this.pos++; // opening quote
    let out = '';
    while (this.pos < this.s.length) {
      const ch = this.s[this.pos] as string;
      if (ch === '\\') {
        const next = this.s[this.pos + 1];
        if (next === undefined) break;
        // Keep \{ and \} escaped: States.Format needs to tell them from placeholders.
        out += next === '{' || next === '}' ? '\\' + next : next;
        this.pos += 2;
        continue;
      }
      if (ch === "'") { this.pos++; return out; }
      out += ch;
      this.pos++;
    }
    throw new IntrinsicSyntaxError('Unterminated string literal');
  }

  /** A path runs until a top-level ',' or ')' (brackets and quotes may contain either). */
  path(): string {
    const start = this.pos;
    let depth = 0;
    let quote: string | null = null;
    while (this.pos < this.s.length) {
      const ch = this.s[this.pos] as string;
      if (quote) { if (ch === quote) quote = null; }
      else if (ch === "'" || ch === '"') quote = ch;
      else if (ch === '[' || ch === '(') depth++;
      else if (ch === ']') depth--;
      else if (ch === ')') { if (depth === 0) break; depth--; }
      else if (ch === ',' && depth === 0) break;
      this.pos++;
    }
    return this.s.slice(start, this.pos).trim();
  }
}

/** Remove the escapes the parser kept in string literals (for non-Format uses). */
export function unescapeLiteral(s: string): string {
  return s.replace(/\\([{}])/g, '$1');
}
