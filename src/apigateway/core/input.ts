// Reads and validates one request's input members (body, path and query values already merged
// by the wire layer) with AWS's validation messages, so core operations get typed values only.
import { BadRequest, Validation } from './errors.js';

type Json = Record<string, unknown>;

/** `1 validation error detected: Value null at 'createRestApiInput.name' failed to satisfy…` */
export function memberError(shape: string, field: string, value: unknown, constraint: string) {
  const shown = value === null || value === undefined ? 'null' : `'${typeof value === 'string' ? value : JSON.stringify(value)}'`;
  return BadRequest(`1 validation error detected: Value ${shown} at '${shape}.${field}' failed to satisfy constraint: ${constraint}`);
}

export class Input {
  constructor(
    readonly raw: Json,
    /** AWS's input shape name in messages, e.g. `createRestApiInput`. */
    readonly shape: string,
  ) {}

  has(field: string): boolean {
    return this.raw[field] !== undefined && this.raw[field] !== null;
  }

  private missing(field: string): never {
    throw memberError(this.shape, field, null, 'Member must not be null');
  }

  private wrongType(field: string, expected: string): never {
    throw BadRequest(`Invalid value for '${field}': expected ${expected}`);
  }

  str(field: string): string | undefined {
    const v = this.raw[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') this.wrongType(field, 'a string');
    return v;
  }

  reqStr(field: string): string {
    const v = this.str(field);
    if (v === undefined) this.missing(field);
    return v;
  }

  enumOf<T extends string>(field: string, values: readonly T[]): T | undefined {
    const v = this.str(field);
    if (v === undefined) return undefined;
    if (!(values as readonly string[]).includes(v)) {
      // Enum members are checked by AWS's front end: a ValidationException, not a BadRequest (recorded).
      throw Validation(`1 validation error detected: Value '${v}' at '${this.shape}.${field}' failed to satisfy constraint: Member must satisfy enum value set: [${values.join(', ')}]`);
    }
    return v as T;
  }

  reqEnum<T extends string>(field: string, values: readonly T[]): T {
    const v = this.enumOf(field, values);
    if (v === undefined) this.missing(field);
    return v;
  }

  bool(field: string): boolean | undefined {
    const v = this.raw[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    this.wrongType(field, 'a boolean');
  }

  int(field: string): number | undefined {
    const v = this.raw[field];
    if (v === undefined || v === null) return undefined;
    const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n)) this.wrongType(field, 'an integer');
    return n;
  }

  num(field: string): number | undefined {
    const v = this.raw[field];
    if (v === undefined || v === null) return undefined;
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n)) this.wrongType(field, 'a number');
    return n;
  }

  strList(field: string): string[] | undefined {
    const v = this.raw[field];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) this.wrongType(field, 'a list of strings');
    return v as string[];
  }

  strMap(field: string): Record<string, string> | undefined {
    const v = this.raw[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) this.wrongType(field, 'a map of strings');
    const out: Record<string, string> = {};
    for (const [k, x] of Object.entries(v as Json)) {
      // AWS accepts null template values (e.g. `"application/json": null`) and stores them as empty.
      if (x === null) out[k] = '';
      else if (typeof x === 'string') out[k] = x;
      else this.wrongType(field, 'a map of strings');
    }
    return out;
  }

  boolMap(field: string): Record<string, boolean> | undefined {
    const v = this.raw[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) this.wrongType(field, 'a map of booleans');
    const out: Record<string, boolean> = {};
    for (const [k, x] of Object.entries(v as Json)) {
      if (typeof x === 'boolean') out[k] = x;
      else if (x === 'true' || x === 'false') out[k] = x === 'true';
      else this.wrongType(field, 'a map of booleans');
    }
    return out;
  }

  obj(field: string): Input | undefined {
    const v = this.raw[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) this.wrongType(field, 'an object');
    return new Input(v as Json, `${this.shape}.${field}`);
  }

  list(field: string): Input[] | undefined {
    const v = this.raw[field];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || v.some((x) => x === null || typeof x !== 'object' || Array.isArray(x))) this.wrongType(field, 'a list of objects');
    return (v as Json[]).map((x, i) => new Input(x, `${this.shape}.${field}.${i + 1}`));
  }
}
