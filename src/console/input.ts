// Validation of the console API's JSON bodies and query strings: every field is checked for type,
// length and shape before any service is called, so bad input changes nothing.
import { parseJsonBody } from '../protocol/http.js';
import type { RequestContext } from '../server/context.js';
import { BadRequest } from './errors.js';

/** Console bodies are small (test events, execution input): 1 MB is generous and bounds memory. */
const MAX_BODY = 1_048_576;

export class Body {
  private constructor(private readonly raw: Record<string, unknown>) {}

  static async read(ctx: RequestContext): Promise<Body> {
    const buf = await ctx.body(MAX_BODY);
    return new Body(parseJsonBody(buf, 'BadRequestException'));
  }

  str(key: string, required: true, opts?: { max?: number; min?: number; pattern?: RegExp }): string;
  str(key: string, required?: false, opts?: { max?: number; min?: number; pattern?: RegExp }): string | undefined;
  str(key: string, required = false, opts: { max?: number; min?: number; pattern?: RegExp } = {}): string | undefined {
    const v = this.raw[key];
    if (v === undefined || v === null) {
      if (required) throw BadRequest(`'${key}' is required`);
      return undefined;
    }
    if (typeof v !== 'string') throw BadRequest(`'${key}' must be a string`);
    if (opts.min !== undefined && v.length < opts.min) throw BadRequest(`'${key}' must be at least ${opts.min} characters`);
    if (opts.max !== undefined && v.length > opts.max) throw BadRequest(`'${key}' must be at most ${opts.max} characters`);
    if (opts.pattern && !opts.pattern.test(v)) throw BadRequest(`'${key}' is malformed`);
    return v;
  }

  /** A field that must hold JSON text (execution input, test event): parsed once to validate it. */
  json(key: string, required: boolean): string | undefined {
    const v = this.str(key, required as true, { max: MAX_BODY });
    if (v === undefined) return undefined;
    try {
      JSON.parse(v);
    } catch {
      throw BadRequest(`'${key}' must be valid JSON`);
    }
    return v;
  }

  strMap(key: string): Record<string, string> | undefined {
    const v = this.raw[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) throw BadRequest(`'${key}' must be an object of strings`);
    const out: Record<string, string> = {};
    for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
      if (typeof val !== 'string') throw BadRequest(`'${key}.${k}' must be a string`);
      out[k] = val;
    }
    return out;
  }

  strList(key: string, max: number): string[] | undefined {
    const v = this.raw[key];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw BadRequest(`'${key}' must be a list of strings`);
    if (v.length > max) throw BadRequest(`'${key}' must have at most ${max} entries`);
    return v as string[];
  }

  int(key: string, min: number, max: number): number | undefined {
    const v = this.raw[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw BadRequest(`'${key}' must be an integer between ${min} and ${max}`);
    }
    return v;
  }
}

/** An integer query parameter within bounds, or the default when absent. */
export function queryInt(q: URLSearchParams, key: string, min: number, max: number, fallback: number): number {
  const raw = q.get(key);
  if (raw === null || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw)) throw BadRequest(`'${key}' must be an integer`);
  const n = Number(raw);
  if (n < min || n > max) throw BadRequest(`'${key}' must be between ${min} and ${max}`);
  return n;
}
