// Diagnostic collection and the small typed checks every validator uses. Locations are JSON
// pointers into the definition (/States/A/Next), as AWS reports them; messages follow AWS's
// wording where it is known (see docs/compat.md for the ones that are approximations).
import type { Diagnostic, Json, JsonObject, QueryLanguage } from '../model.js';

export class Collector {
  readonly diagnostics: Diagnostic[] = [];

  error(code: string, message: string, location?: string): void {
    if (location === '') location = '/';
    this.diagnostics.push(location === undefined
      ? { severity: 'ERROR', code, message }
      : { severity: 'ERROR', code, message, location });
  }

  schema(message: string, location: string): void {
    this.error('SCHEMA_VALIDATION_FAILED', message, location);
  }

  warning(code: string, message: string, location?: string): void {
    if (location === '') location = '/';
    this.diagnostics.push(location === undefined
      ? { severity: 'WARNING', code, message }
      : { severity: 'WARNING', code, message, location });
  }

  get hasErrors(): boolean {
    return this.diagnostics.some((d) => d.severity === 'ERROR');
  }
}

/** Escape a name for a JSON pointer segment. */
export function seg(name: string): string {
  return name.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export type FieldType = 'STRING' | 'BOOLEAN' | 'OBJECT' | 'ARRAY' | 'INTEGER' | 'NUMBER' | 'POSITIVE_INTEGER' | 'NON_NEGATIVE_INTEGER';

export function checkType(c: Collector, value: Json | undefined, type: FieldType, field: string, loc: string): boolean {
  if (value === undefined) return false;
  let ok: boolean;
  switch (type) {
    case 'STRING': ok = typeof value === 'string'; break;
    case 'BOOLEAN': ok = typeof value === 'boolean'; break;
    case 'OBJECT': ok = isObject(value); break;
    case 'ARRAY': ok = Array.isArray(value); break;
    case 'NUMBER': ok = typeof value === 'number'; break;
    case 'INTEGER': ok = typeof value === 'number' && Number.isInteger(value); break;
    case 'POSITIVE_INTEGER': ok = typeof value === 'number' && Number.isInteger(value) && value > 0; break;
    case 'NON_NEGATIVE_INTEGER': ok = typeof value === 'number' && Number.isInteger(value) && value >= 0; break;
  }
  if (!ok) c.schema(`The value for the field '${field}' must be a ${type}`, loc);
  return ok;
}

/** Context passed down while validating one state. */
export interface StateScope {
  readonly c: Collector;
  /** Pointer of the state, e.g. /States/A or /States/P/Branches[0]/States/B. */
  readonly loc: string;
  readonly name: string;
  readonly ql: QueryLanguage;
  /** The machine's top-level language (nested graphs inherit it). */
  readonly topQl: QueryLanguage;
}
