// Typed readers for awsJson1.0 request members, with the errors AWS answers for bad ones:
// a wrong JSON type is a SerializationException; a missing or out-of-range member a
// ValidationException worded like AWS's ("1 validation error detected: ...").
import { SfnErrors } from '../executions/errors.js';

interface Bounds { min?: number; max?: number }

// Members the Step Functions model marks @sensitive: AWS leaves their value out of a length
// complaint ("Value at 'definition' ..."), but quotes any other ("Value 'xx…' at 'nextToken' ...").
const SENSITIVE = new Set(['definition', 'versionDescription', 'description', 'cause', 'error', 'output', 'input']);

function valueAt(v: string, name: string): string {
  return SENSITIVE.has(name) ? `Value at '${name}'` : `Value '${v}' at '${name}'`;
}

function missing(name: string): never {
  throw SfnErrors.ValidationException(
    `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`);
}

function wrongType(name: string, want: string): never {
  throw SfnErrors.SerializationException(`Expected ${want} for member '${name}'`);
}

export class Input {
  constructor(private readonly body: Record<string, unknown>) {}

  str(name: string, required: true, b?: Bounds): string;
  str(name: string, required?: false, b?: Bounds): string | undefined;
  str(name: string, required = false, b: Bounds = {}): string | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) return required ? missing(name) : undefined;
    if (typeof v !== 'string') return wrongType(name, 'a string');
    if (b.min !== undefined && v.length < b.min) {
      throw SfnErrors.ValidationException(
        `1 validation error detected: ${valueAt(v, name)} failed to satisfy constraint: Member must have length greater than or equal to ${b.min}`);
    }
    if (b.max !== undefined && v.length > b.max) {
      throw SfnErrors.ValidationException(
        `1 validation error detected: ${valueAt(v, name)} failed to satisfy constraint: Member must have length less than or equal to ${b.max}`);
    }
    return v;
  }

  bool(name: string): boolean | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') return wrongType(name, 'a boolean');
    return v;
  }

  int(name: string, b: Bounds = {}): number | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) return wrongType(name, 'an integer');
    if ((b.min !== undefined && v < b.min) || (b.max !== undefined && v > b.max)) {
      throw SfnErrors.ValidationException(
        `1 validation error detected: Value '${v}' at '${name}' failed to satisfy constraint: Member must have value ${b.min !== undefined && v < b.min ? `greater than or equal to ${b.min}` : `less than or equal to ${b.max}`}`);
    }
    return v;
  }

  enumOf<T extends string>(name: string, values: readonly T[]): T | undefined {
    const v = this.str(name);
    if (v === undefined) return undefined;
    if (!values.includes(v as T)) {
      throw SfnErrors.ValidationException(
        `1 validation error detected: Value '${v}' at '${name}' failed to satisfy constraint: Member must satisfy enum value set: [${values.join(', ')}]`);
    }
    return v as T;
  }

  obj<T = Record<string, unknown>>(name: string): T | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) return wrongType(name, 'an object');
    return v as T;
  }

  arr<T = unknown>(name: string, required = false): T[] | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) return required ? missing(name) : undefined;
    if (!Array.isArray(v)) return wrongType(name, 'a list');
    return v as T[];
  }

  tags(name = 'tags'): Array<{ key: string; value: string }> | undefined {
    const list = this.arr<Record<string, unknown>>(name);
    if (!list) return undefined;
    return list.map((t, i) => {
      if (!t || typeof t !== 'object') return wrongType(`${name}.${i}`, 'an object');
      const key = t.key;
      const value = t.value ?? '';
      if (typeof key !== 'string') return missing(`${name}.${i + 1}.member.key`);
      if (typeof value !== 'string') return wrongType(`${name}.${i}.value`, 'a string');
      return { key, value };
    });
  }
}
