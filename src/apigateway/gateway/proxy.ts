// Lambda proxy integration: the event (payload format 1.0, exactly AWS's fields) and the response
// contract ({statusCode, headers, multiValueHeaders, body, isBase64Encoded}); anything else from the
// function is AWS's 502 "Internal server error".
import type { Call } from './call.js';
import { requestContext } from './context-vars.js';
import { badProxyResponse } from './errors.js';
import { isBinaryType } from './binary.js';

/** Builds the JSON text of the proxy event; one stringify, no intermediate copies of the body. */
export function proxyEvent(call: Call, binaryMediaTypes: readonly string[]): string {
  const q = call.query;
  const hasQuery = Object.keys(q.single).length > 0;
  const hasHeaders = call.headers.multi && Object.keys(call.headers.single).length > 0;
  const params = call.pathParameters && Object.keys(call.pathParameters).length > 0 ? call.pathParameters : null;
  const vars = call.stageVariables && Object.keys(call.stageVariables).length > 0 ? call.stageVariables : null;
  let body: string | null = null;
  let isBase64Encoded = false;
  if (call.body.length > 0) {
    const ct = call.lcHeaders['content-type'];
    if (isBinaryType(binaryMediaTypes, ct)) {
      body = call.body.toString('base64');
      isBase64Encoded = true;
    } else {
      body = call.body.toString('utf8');
    }
  }
  return JSON.stringify({
    resource: call.resource!.path,
    // The path as sent, still percent-encoded (AWS-recorded: `test%2Balias@…` stays so).
    path: call.path,
    httpMethod: call.verb,
    headers: hasHeaders ? call.headers.single : null,
    multiValueHeaders: hasHeaders ? call.headers.multi : null,
    queryStringParameters: hasQuery ? q.single : null,
    multiValueQueryStringParameters: hasQuery ? q.multi : null,
    pathParameters: params,
    stageVariables: vars,
    requestContext: requestContext(call),
    body,
    isBase64Encoded,
  });
}

export interface ProxyResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

/**
 * Reads a function's proxy response. Only `statusCode`, `headers`, `multiValueHeaders`, `body` and
 * `isBase64Encoded` are allowed; a missing statusCode defaults to 200 (AWS does so for `{}`).
 */
export function parseProxyResponse(payload: Buffer, call: Call, binaryMediaTypes: readonly string[]): ProxyResponse {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    throw badProxyResponse();
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw badProxyResponse();
  const r = value as Record<string, unknown>;
  for (const k of Object.keys(r)) {
    if (k !== 'statusCode' && k !== 'headers' && k !== 'multiValueHeaders' && k !== 'body' && k !== 'isBase64Encoded') {
      throw badProxyResponse();
    }
  }
  let status = 200;
  if (r['statusCode'] !== undefined && r['statusCode'] !== null) {
    const n = typeof r['statusCode'] === 'number' ? r['statusCode'] : typeof r['statusCode'] === 'string' ? Number(r['statusCode']) : NaN;
    if (!Number.isInteger(n) || n < 100 || n > 599) throw badProxyResponse();
    status = n;
  }
  const headers: Record<string, string | string[]> = {};
  const h = r['headers'];
  if (h !== undefined && h !== null) {
    if (typeof h !== 'object' || Array.isArray(h)) throw badProxyResponse();
    for (const [k, v] of Object.entries(h)) {
      if (v === null || typeof v === 'object') throw badProxyResponse();
      headers[k] = String(v);
    }
  }
  const mh = r['multiValueHeaders'];
  if (mh !== undefined && mh !== null) {
    if (typeof mh !== 'object' || Array.isArray(mh)) throw badProxyResponse();
    for (const [k, v] of Object.entries(mh)) {
      if (!Array.isArray(v)) throw badProxyResponse();
      const prev = headers[k];
      const values = v.map((x) => String(x));
      // multiValueHeaders and headers are merged; headers' value comes first when both are set.
      headers[k] = prev === undefined ? values : [...(Array.isArray(prev) ? prev : [prev]), ...values.filter((x) => x !== prev)];
    }
  }
  const b = r['body'];
  let body: Buffer;
  if (b === undefined || b === null) body = Buffer.alloc(0);
  else if (typeof b === 'string') {
    const base64 = r['isBase64Encoded'] === true;
    // A base64 body is decoded only when the client's Accept header matches binaryMediaTypes (the
    // well-known AWS behaviour: browsers sending `Accept: text/html` get the base64 text).
    if (base64 && isBinaryType(binaryMediaTypes, call.lcHeaders['accept'])) {
      body = Buffer.from(b, 'base64');
    } else {
      body = Buffer.from(b, 'utf8');
    }
  } else throw badProxyResponse();
  if (r['isBase64Encoded'] !== undefined && r['isBase64Encoded'] !== null && typeof r['isBase64Encoded'] !== 'boolean') {
    throw badProxyResponse();
  }
  return { status, headers, body };
}
