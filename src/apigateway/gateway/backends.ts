// The calls an integration makes: Lambda through the in-process invoker, HTTP back ends through an
// undici keep-alive pool, and AWS service actions (Step Functions…) to Nimbus's own endpoint in
// the service's wire protocol. Each is bounded by the integration timeout (504 past it).
import { Agent, request } from 'undici';
import type { LambdaInvokeOutput, LambdaInvoker } from '../../lambda/invoker.js';
import { configurationError, integrationFailure, integrationTimeout } from './errors.js';
import type { BackendResult } from './mapping.js';
import type { AwsServiceUri } from './uris.js';

/** One keep-alive pool per data plane, closed with it. */
export function createAgent(options: { insecure?: boolean } = {}): Agent {
  return new Agent({
    keepAliveTimeout: 10_000,
    connections: 128,
    ...(options.insecure ? { connect: { rejectUnauthorized: false } } : {}),
  });
}

/** Headers a proxy never forwards (hop-by-hop, or owned by the transport). */
export const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
]);

/** Settles with `p`, or rejects with a 504 after `ms`: one promise and one timer per call (hot path). */
function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(integrationTimeout()), ms);
    p.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

export async function invokeLambda(
  invoker: LambdaInvoker | undefined,
  input: {
    accountId: string;
    region: string;
    functionName: string;
    payload: Buffer;
    invocationType?: 'RequestResponse' | 'Event';
    payloadIsJson?: boolean;
  },
  timeoutMs: number,
): Promise<LambdaInvokeOutput> {
  if (!invoker) throw configurationError();
  try {
    return await withTimeout(invoker.invoke(input), timeoutMs);
  } catch (err) {
    if (err instanceof Error && err.name === 'GatewayError') throw err;
    // ResourceNotFound, throttling, oversized payloads…: AWS answers 500 Internal server error.
    throw configurationError();
  }
}

export interface HttpCall {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer | undefined;
  readonly timeoutMs: number;
  readonly agent: Agent;
}

export async function callHttp(c: HttpCall): Promise<BackendResult> {
  const signal = AbortSignal.timeout(c.timeoutMs);
  try {
    const res = await request(c.url, {
      method: c.method as 'GET',
      headers: c.headers,
      body: c.body && c.body.length > 0 ? c.body : null,
      dispatcher: c.agent,
      signal,
    });
    const body = Buffer.from(await res.body.arrayBuffer());
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = v;
    return { status: res.statusCode, headers, body };
  } catch (err) {
    if (signal.aborted) throw integrationTimeout();
    void err;
    throw integrationFailure();
  }
}

/** X-Amz-Target prefixes and content types of the JSON-protocol services Nimbus serves. */
const JSON_SERVICES: Record<string, { target: string; contentType: string }> = {
  states: { target: 'AWSStepFunctions', contentType: 'application/x-amz-json-1.0' },
  logs: { target: 'Logs_20140328', contentType: 'application/x-amz-json-1.1' },
  // `events:action/PutEvents` (API → EventBridge patterns): Nimbus's EventBridge, awsJson1.1.
  events: { target: 'AWSEvents', contentType: 'application/x-amz-json-1.1' },
};

/**
 * Sends an AWS integration's rendered request to Nimbus's own endpoint as the service's wire
 * protocol. The credential scope names the integration's region so the front door routes it there.
 */
export function callAwsService(
  agent: Agent,
  endpoint: string,
  svc: AwsServiceUri,
  httpMethod: string,
  body: Buffer,
  extraHeaders: Record<string, string | string[]>,
  timeoutMs: number,
): Promise<BackendResult> {
  if (!endpoint) throw integrationFailure();
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  const headers: Record<string, string | string[]> = {
    ...extraHeaders,
    authorization: `AWS4-HMAC-SHA256 Credential=apigateway/${day}/${svc.region}/${svc.service}/aws4_request, SignedHeaders=host, Signature=0`,
  };
  if (svc.kind === 'action') {
    const json = JSON_SERVICES[svc.service];
    if (!json) throw configurationError();
    // The action names the operation: a template's own `X-Amz-Target` / `Content-Type` overrides
    // (common in API → EventBridge templates), in whatever case, must not be sent twice.
    for (const k of Object.keys(headers)) {
      const lc = k.toLowerCase();
      if (lc === 'x-amz-target' || lc === 'content-type') delete headers[k];
    }
    headers['x-amz-target'] = `${json.target}.${svc.target}`;
    headers['content-type'] = json.contentType;
    return callHttp({ url: `${endpoint}/`, method: 'POST', headers, body, timeoutMs, agent });
  }
  headers['content-type'] ??= 'application/json';
  return callHttp({ url: `${endpoint}/${svc.target}`, method: httpMethod || 'POST', headers, body, timeoutMs, agent });
}
