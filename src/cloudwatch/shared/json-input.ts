// Typed access to a parsed awsJson request body. A member of the wrong JSON type is a
// SerializationException on AWS (the request never reaches validation), so it is here too.
import { ServiceError } from '../../protocol/errors.js';

export type JsonObject = Record<string, unknown>;

function mismatch(field: string, expected: string, value: unknown): ServiceError {
  const got = value === null ? 'NULL' : Array.isArray(value) ? 'START_ARRAY' : typeof value === 'object' ? 'START_OBJECT' : typeof value === 'string' ? 'STRING_VALUE' : typeof value === 'boolean' ? 'BOOLEAN_VALUE' : 'NUMBER_VALUE';
  return new ServiceError('SerializationException', 400, `${got} can not be converted to ${expected} (member '${field}')`);
}

export function optString(input: JsonObject, field: string): string | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw mismatch(field, 'a String', v);
  return v;
}

export function optInteger(input: JsonObject, field: string): number | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw mismatch(field, 'an Integer', v);
  if (!Number.isInteger(v)) throw new ServiceError('SerializationException', 400, `Member '${field}' must be an integer`);
  return v;
}

export function optNumber(input: JsonObject, field: string): number | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw mismatch(field, 'a Double', v);
  return v;
}

export function optBoolean(input: JsonObject, field: string): boolean | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw mismatch(field, 'a Boolean', v);
  return v;
}

export function optStringList(input: JsonObject, field: string): string[] | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw mismatch(field, 'a List', v);
  for (const item of v) if (typeof item !== 'string') throw mismatch(field + '.member', 'a String', item);
  return v as string[];
}

export function optStringMap(input: JsonObject, field: string): Record<string, string> | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw mismatch(field, 'a Map', v);
  for (const item of Object.values(v)) if (typeof item !== 'string') throw mismatch(field + '.value', 'a String', item);
  return v as Record<string, string>;
}

export function optObjectList(input: JsonObject, field: string): JsonObject[] | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw mismatch(field, 'a List', v);
  for (const item of v) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) throw mismatch(field + '.member', 'a Structure', item);
  }
  return v as JsonObject[];
}
