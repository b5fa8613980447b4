// What HTTP APIs answer: the Lambda proxy response of either payload format turned into an HTTP
// response, and the gateway's own fixed answers (`{"message":"Not Found"}`…).

export interface GatewayAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

const JSON_TYPE = 'application/json';

function fixed(status: number, message: string): GatewayAnswer {
  return { status, headers: { 'content-type': JSON_TYPE }, body: Buffer.from(JSON.stringify({ message })) };
}

export const notFound = () => fixed(404, 'Not Found');
export const forbidden = () => fixed(403, 'Forbidden');
export const internalError = () => fixed(500, 'Internal Server Error');
export const serviceUnavailable = () => fixed(503, 'Service Unavailable');
export const tooLarge = () => fixed(413, 'Request Entity Too Large');
export const tooManyRequests = () => fixed(429, 'Too Many Requests');

/** Thrown for a function response API Gateway cannot use: the client gets a 500. */
class MalformedResponse extends Error {}

function statusOf(v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 100 || n > 599) throw new MalformedResponse();
  return n;
}

function headersOf(r: Record<string, unknown>, out: Record<string, string | string[]>): void {
  const h = r['headers'];
  if (h !== undefined && h !== null) {
    if (typeof h !== 'object' || Array.isArray(h)) throw new MalformedResponse();
    for (const [k, v] of Object.entries(h)) {
      if (v === null || typeof v === 'object') throw new MalformedResponse();
      out[k.toLowerCase()] = String(v);
    }
  }
  const mh = r['multiValueHeaders'];
  if (mh !== undefined && mh !== null) {
    if (typeof mh !== 'object' || Array.isArray(mh)) throw new MalformedResponse();
    for (const [k, v] of Object.entries(mh)) {
      if (!Array.isArray(v)) throw new MalformedResponse();
      const name = k.toLowerCase();
      const prev = out[name];
      const values = v.map(String);
      out[name] = prev === undefined ? values : [...(Array.isArray(prev) ? prev : [prev]), ...values];
    }
  }
}

function bodyOf(r: Record<string, unknown>): Buffer {
  const b = r['body'];
  const base64 = r['isBase64Encoded'];
  if (base64 !== undefined && base64 !== null && typeof base64 !== 'boolean') throw new MalformedResponse();
  if (b === undefined || b === null) return Buffer.alloc(0);
  // HTTP APIs have no binaryMediaTypes: a base64 body is always decoded for the client.
  if (typeof b === 'string') return Buffer.from(b, base64 === true ? 'base64' : 'utf8');
  throw new MalformedResponse();
}

/** What HTTP APIs send when the function names no content type (REST APIs send JSON's). */
const DEFAULT_TYPE = 'text/plain; charset=utf-8';

function structured(r: Record<string, unknown>, withCookies: boolean): GatewayAnswer {
  const status = statusOf(r['statusCode']);
  const headers: Record<string, string | string[]> = {};
  headersOf(r, headers);
  if (withCookies && r['cookies'] !== undefined && r['cookies'] !== null) {
    const cookies = r['cookies'];
    if (!Array.isArray(cookies) || cookies.some((c) => typeof c !== 'string')) throw new MalformedResponse();
    // Each cookie becomes its own Set-Cookie header, after any the function set itself.
    const prev = headers['set-cookie'];
    headers['set-cookie'] = [...(prev === undefined ? [] : Array.isArray(prev) ? prev : [prev]), ...(cookies as string[])];
  }
  headers['content-type'] ??= DEFAULT_TYPE;
  return { status, headers, body: bodyOf(r) };
}

/** The function's JSON value, or undefined when the payload is not JSON. */
function parsed(payload: Buffer): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(payload.toString('utf8')) };
  } catch {
    return undefined;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A structured response, or the client's 500 when the function's is unusable. */
function structuredOr500(r: Record<string, unknown>, withCookies: boolean): GatewayAnswer {
  try {
    return structured(r, withCookies);
  } catch (err) {
    if (err instanceof MalformedResponse) return internalError();
    throw err;
  }
}

/**
 * Format 2.0: an object with `statusCode` is a structured response (headers, cookies, body,
 * isBase64Encoded); any other JSON value is the body of a 200 application/json answer.
 */
export function fromLambdaV2(payload: Buffer): GatewayAnswer {
  const p = parsed(payload);
  if (!p) return internalError();
  if (!isRecord(p.value) || !('statusCode' in p.value)) return { status: 200, headers: { 'content-type': JSON_TYPE }, body: payload };
  return structuredOr500(p.value, true);
}

/** Format 1.0: the REST proxy contract, `statusCode` required; anything else is a 500. */
export function fromLambdaV1(payload: Buffer): GatewayAnswer {
  const p = parsed(payload);
  return p && isRecord(p.value) ? structuredOr500(p.value, false) : internalError();
}
