// Shared helpers for intrinsic functions: argument checks that fail with States.IntrinsicFailure,
// deep equality, and Java-style rendering (AWS formats objects in States.Format as Java maps).
import type { Json, JsonObject } from '../model.js';
import type { Randomness } from '../env.js';

export class IntrinsicFailure extends Error {}

export interface FnContext {
  readonly name: string;
  readonly randomness: Randomness;
  /** The first argument as written (States.Format keeps its \{ \} escapes). */
  readonly rawTemplate?: string;
}

export type IntrinsicFn = (args: Json[], ctx: FnContext) => Json;

export function fail(ctx: FnContext, message: string): never {
  throw new IntrinsicFailure(`Invalid arguments in ${ctx.name}: ${message}`);
}

export function argCount(args: Json[], ctx: FnContext, min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    throw new IntrinsicFailure(`The function ${ctx.name} expects ${want} argument(s), but ${args.length} were given.`);
  }
}

export function typeName(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : typeof v;
}

export function wantString(v: Json, ctx: FnContext, what: string): string {
  if (typeof v !== 'string') fail(ctx, `${what} must be a string, but was ${typeName(v)}.`);
  return v;
}

export function wantArray(v: Json, ctx: FnContext, what: string): Json[] {
  if (!Array.isArray(v)) fail(ctx, `${what} must be an array, but was ${typeName(v)}.`);
  return v;
}

export function wantObject(v: Json, ctx: FnContext, what: string): JsonObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(ctx, `${what} must be a JSON object, but was ${typeName(v)}.`);
  return v;
}

export function wantInteger(v: Json, ctx: FnContext, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(ctx, `${what} must be an integer, but was ${JSON.stringify(v)}.`);
  return v;
}

export function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as Json[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i] as Json));
  }
  const ao = a as JsonObject;
  const bo = b as JsonObject;
  const ak = Object.keys(ao);
  if (ak.length !== Object.keys(bo).length) return false;
  return ak.every((k) => Object.prototype.hasOwnProperty.call(bo, k) && deepEqual(ao[k] as Json, bo[k] as Json));
}

/** Java toString() rendering, as AWS shows non-string arguments of States.Format. */
export function javaString(v: Json): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(javaString).join(', ')}]`;
  return `{${Object.entries(v).map(([k, x]) => `${k}=${javaString(x)}`).join(', ')}}`;
}
