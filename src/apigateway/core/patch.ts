// JSON-Patch-like `patchOperations` as API Gateway's Update* operations take them: parsing,
// AWS's error messages, and value coercion (every patch value arrives as a string).
import { BadRequest, Validation } from './errors.js';

export type PatchVerb = 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
const VERBS: readonly PatchVerb[] = ['add', 'remove', 'replace', 'move', 'copy', 'test'];

export interface PatchOp {
  readonly op: PatchVerb;
  readonly path: string;
  readonly value?: string;
  readonly from?: string;
}

/** The verbs in the order AWS lists them in its validation message (recorded). */
const VERBS_AS_LISTED = ['add', 'remove', 'move', 'test', 'replace', 'copy'];

/**
 * AWS's front-end complaints about the verbs of a patch list, one per bad operation (they are
 * reported together). `shape` is the operation's input shape, e.g. `updateGatewayResponseInput`.
 */
export function patchVerbViolations(raw: unknown, shape: string): string[] {
  if (!Array.isArray(raw)) return [];
  const out: string[] = [];
  raw.forEach((o: unknown, i) => {
    const op = o !== null && typeof o === 'object' ? (o as Record<string, unknown>).op : undefined;
    if (typeof op !== 'string' || !(VERBS as readonly string[]).includes(op)) {
      out.push(`Value '${String(op)}' at '${shape}.patchOperations.${i + 1}.member.op' failed to satisfy constraint: Member must satisfy enum value set: [${VERBS_AS_LISTED.join(', ')}]`);
    }
  });
  return out;
}

/** One ValidationException for all front-end violations, worded as AWS words it. */
export function validationFailure(violations: readonly string[]): Error {
  const n = violations.length;
  return Validation(`${n} validation error${n === 1 ? '' : 's'} detected: ${violations.join('; ')}`);
}

export function parsePatchOps(raw: unknown, shape = 'updateInput'): PatchOp[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw BadRequest('Invalid patch operations: expected a list');
  const bad = patchVerbViolations(raw, shape);
  if (bad.length) throw validationFailure(bad);
  return raw.map((o: unknown) => {
    if (o === null || typeof o !== 'object') throw BadRequest('Invalid patch operation: expected an object');
    const { op, path, value, from } = o as Record<string, unknown>;
    // AWS prints a missing path as Java's null (recorded).
    if (path === undefined || path === null) throw BadRequest('Invalid patch path null');
    if (typeof path !== 'string' || path === '') throw BadRequest(`Invalid patch path  '${String(path)}' specified for op '${op}'`);
    if (value !== undefined && value !== null && typeof value !== 'string') {
      throw BadRequest(`Invalid patch value '${JSON.stringify(value)}' specified for op '${op}'. Must be a string`);
    }
    return { op: op as PatchVerb, path, value: (value ?? undefined) as string | undefined, from: typeof from === 'string' ? from : undefined };
  });
}

export function invalidPath(op: PatchOp, allowed: readonly string[]): Error {
  // AWS's wording, double space included.
  return BadRequest(`Invalid patch path  '${op.path}' specified for op '${op.op}'. Must be one of: [${allowed.join(', ')}]`);
}

/** The short form AWS uses for a path that names a whole collection (`/binaryMediaTypes`). */
export function bareInvalidPath(op: PatchOp): Error {
  return BadRequest(`Invalid patch path ${op.path}`);
}

/** AWS's answer when the path exists but the verb is not one it accepts there. */
export function opNotAllowed(supported: readonly string[]): Error {
  return BadRequest(`Invalid patch operation specified. Must be one of: [${supported.join(', ')}]`);
}

/** The wording AWS uses for some resources (resources, models) when the verb is not accepted. */
export function unsupportedOpForPath(op: PatchOp): Error {
  // AWS's wording, double space included.
  return BadRequest(`Invalid patch path  '${op.path}' specified for op '${op.op}'. Please choose supported operations`);
}

export function unsupportedOp(op: PatchOp, supported: readonly string[] = ['add', 'remove', 'replace']): Error {
  return BadRequest(`Invalid patch operation '${op.op}' specified for path '${op.path}'. Must be one of: [${supported.join(', ')}]`);
}

/** `/a~1b/c` → ['a/b', 'c'] (RFC 6901 escaping: ~1 is '/', ~0 is '~'). */
export function pointer(path: string): string[] {
  return path
    .replace(/^\//, '')
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function requireValue(op: PatchOp): string {
  if (op.value === undefined) throw BadRequest(`Invalid null or empty value in patch operation for op '${op.op}' on path '${op.path}'`);
  return op.value;
}

export function boolValue(op: PatchOp): boolean {
  const v = requireValue(op).toLowerCase();
  if (v !== 'true' && v !== 'false') throw BadRequest(`Invalid boolean value '${op.value}' specified for path '${op.path}'`);
  return v === 'true';
}

export function intValue(op: PatchOp, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
  const v = requireValue(op);
  if (!/^-?\d+$/.test(v)) throw BadRequest(`Invalid integer value '${v}' specified for path '${op.path}'`);
  const n = Number(v);
  if (n < min || n > max) throw BadRequest(`Value '${v}' for path '${op.path}' must be between ${min} and ${max}`);
  return n;
}

export function numValue(op: PatchOp): number {
  const v = requireValue(op);
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw BadRequest(`Invalid number value '${v}' specified for path '${op.path}'`);
  return n;
}

export function enumValue<T extends string>(op: PatchOp, values: readonly T[]): T {
  const v = requireValue(op);
  if (!(values as readonly string[]).includes(v)) {
    throw BadRequest(`Invalid value '${v}' specified for path '${op.path}'. Must be one of: [${values.join(', ')}]`);
  }
  return v as T;
}

/** Applies add/replace/remove on a string map member addressed by `/member/key`. */
export function patchStringMap(map: Record<string, string>, op: PatchOp, key: string): Record<string, string> {
  const next = { ...map };
  if (op.op === 'remove') delete next[key];
  else next[key] = op.value ?? '';
  return next;
}

export function patchBoolMap(map: Record<string, boolean>, op: PatchOp, key: string): Record<string, boolean> {
  const next = { ...map };
  if (op.op === 'remove') delete next[key];
  else next[key] = op.value === undefined ? false : boolValue(op);
  return next;
}
