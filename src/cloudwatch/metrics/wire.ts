// Wire codecs for CloudWatch metrics, driven by a small per-operation input schema:
//  - JSON 1.0 (query-compatible): the AWS SDK v3 and botocore (AWS CLI v1) send this today.
//    Timestamps are epoch seconds.
//  - awsQuery: form-encoded `Action=…&Version=2010-08-01&A.member.1.B=…`, answered in XML; older
//    botocore (e.g. AWS CLI v2 from Debian) sends this. Timestamps are ISO 8601.
// These codecs could move to src/protocol/ once another service needs the query protocol.
import { ServiceError } from '../../protocol/errors.js';
import { InvalidParameterValue } from './errors.js';

export type Shape =
  | 'string'
  | 'number'
  | 'integer'
  | 'boolean'
  | 'timestamp'
  | { readonly list: Shape }
  | { readonly struct: Readonly<Record<string, Shape>> };

export type Struct = Readonly<Record<string, Shape>>;

// ------------------------------------------------------------------ JSON 1.0

function jsonType(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function serialization(path: string, expected: string, v: unknown): ServiceError {
  return new ServiceError('SerializationException', 400, `Expected ${expected} for ${path} but found ${jsonType(v)}`);
}

/** Checks a parsed JSON body against the schema; timestamps (epoch seconds) become epoch ms. */
export function decodeJson(value: Record<string, unknown>, schema: Struct): Record<string, unknown> {
  return decodeJsonStruct(value, schema, '');
}

function decodeJsonStruct(value: Record<string, unknown>, schema: Struct, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, shape] of Object.entries(schema)) {
    const v = value[k];
    if (v === undefined || v === null) continue;
    out[k] = decodeJsonValue(v, shape, path ? `${path}.${k}` : k);
  }
  return out;
}

function decodeJsonValue(v: unknown, shape: Shape, path: string): unknown {
  if (shape === 'string') {
    if (typeof v !== 'string') throw serialization(path, 'a string', v);
    return v;
  }
  if (shape === 'number' || shape === 'integer') {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw serialization(path, 'a number', v);
    if (shape === 'integer' && !Number.isInteger(v)) throw serialization(path, 'an integer', v);
    return v;
  }
  if (shape === 'boolean') {
    if (typeof v !== 'boolean') throw serialization(path, 'a boolean', v);
    return v;
  }
  if (shape === 'timestamp') {
    if (typeof v === 'number' && Number.isFinite(v)) return Math.round(v * 1000);
    if (typeof v === 'string') {
      const t = Date.parse(v);
      if (!Number.isNaN(t)) return t;
    }
    throw serialization(path, 'a timestamp', v);
  }
  if ('list' in shape) {
    if (!Array.isArray(v)) throw serialization(path, 'a list', v);
    return v.map((item, i) => {
      if (item === null || item === undefined) throw serialization(`${path}.${i}`, 'a value', item);
      return decodeJsonValue(item, shape.list, `${path}.${i}`);
    });
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw serialization(path, 'an object', v);
  return decodeJsonStruct(v as Record<string, unknown>, shape.struct, path);
}

/** JSON 1.0 output: Dates as epoch seconds, Maps as objects. */
export function toJsonValue(v: unknown): unknown {
  if (v instanceof Date) return v.getTime() / 1000;
  if (v instanceof Map) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of v) o[String(k)] = toJsonValue(x);
    return o;
  }
  if (Array.isArray(v)) return v.map(toJsonValue);
  if (v !== null && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) o[k] = toJsonValue(x);
    return o;
  }
  return v;
}

// ------------------------------------------------------------------ awsQuery

/** Decodes flattened query parameters (`A.member.1.B`) into the schema's shape. */
export function decodeQuery(params: URLSearchParams, schema: Struct): Record<string, unknown> {
  const keys = new Set(params.keys());
  const prefixes = new Set<string>();
  for (const k of keys) {
    const parts = k.split('.');
    for (let i = 1; i < parts.length; i++) prefixes.add(parts.slice(0, i).join('.'));
  }
  const has = (key: string) => keys.has(key) || prefixes.has(key);

  const struct = (s: Struct, prefix: string): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [field, shape] of Object.entries(s)) {
      const key = prefix + field;
      if (!has(key)) continue;
      out[field] = value(shape, key);
    }
    return out;
  };
  const value = (shape: Shape, key: string): unknown => {
    if (typeof shape === 'string') return scalar(shape, key, params.get(key) ?? '');
    if ('list' in shape) {
      const items: unknown[] = [];
      for (let n = 1; has(`${key}.member.${n}`); n++) items.push(value(shape.list, `${key}.member.${n}`));
      return items;
    }
    return struct(shape.struct, key + '.');
  };
  return struct(schema, '');
}

function scalar(shape: 'string' | 'number' | 'integer' | 'boolean' | 'timestamp', key: string, raw: string): unknown {
  const invalid = () => InvalidParameterValue(`The value ${raw} for parameter ${key} is invalid.`);
  switch (shape) {
    case 'string':
      return raw;
    case 'number':
    case 'integer': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n) || (shape === 'integer' && !Number.isInteger(n))) throw invalid();
      return n;
    }
    case 'boolean':
      if (raw === 'true') return true;
      if (raw === 'false') return false;
      throw invalid();
    case 'timestamp': {
      const t = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) * 1000 : Date.parse(raw);
      if (Number.isNaN(t)) throw invalid();
      return Math.round(t);
    }
  }
}

const XMLNS = 'http://monitoring.amazonaws.com/doc/2010-08-01/';

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function xmlValue(v: unknown): string {
  if (v instanceof Date) return esc(v.toISOString());
  if (v instanceof Map) {
    let s = '';
    for (const [k, x] of v) s += `<entry><key>${esc(String(k))}</key><value>${xmlValue(x)}</value></entry>`;
    return s;
  }
  if (Array.isArray(v)) return v.map((x) => `<member>${xmlValue(x)}</member>`).join('');
  if (v !== null && typeof v === 'object') {
    let s = '';
    for (const [k, x] of Object.entries(v)) if (x !== undefined) s += `<${k}>${xmlValue(x)}</${k}>`;
    return s;
  }
  return esc(String(v));
}

export function queryResponse(action: string, result: Record<string, unknown>, requestId: string): string {
  const body = Object.keys(result).length > 0 ? `<${action}Result>${xmlValue(result)}</${action}Result>` : '';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${XMLNS}">${body}` +
    `<ResponseMetadata><RequestId>${esc(requestId)}</RequestId></ResponseMetadata></${action}Response>`
  );
}

export function queryError(code: string, message: string, status: number, requestId: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${XMLNS}"><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type>` +
    `<Code>${esc(code)}</Code><Message>${esc(message)}</Message></Error><RequestId>${esc(requestId)}</RequestId></ErrorResponse>`
  );
}
