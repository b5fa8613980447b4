// The two integrations of HTTP APIs: Lambda proxy through the in-process invoker, and HTTP proxy
// through an undici keep-alive pool. Both are bounded by the integration's timeout (503 past it).
import { request, type Agent } from 'undici';
import { HOP_BY_HOP } from '../../apigateway/index.js';
import type { LambdaInvoker } from '../../lambda/invoker.js';
import { lambdaFunctionOf, withStageVariables } from '../core/integrations.js';
import type { Integration } from '../core/model.js';
import { eventV1, eventV2 } from './events.js';
import type { HttpApiRequest } from './request.js';
import { fromLambdaV1, fromLambdaV2, internalError, serviceUnavailable, type GatewayAnswer } from './responses.js';

export class Timeout extends Error {}

/** `p`, or a Timeout rejection once `ms` passed. */
export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Timeout()), ms);
    p.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e: unknown) => (clearTimeout(timer), reject(e)),
    );
  });
}

export async function callLambda(invoker: LambdaInvoker | undefined, req: HttpApiRequest, integration: Integration): Promise<GatewayAnswer> {
  const functionName = lambdaFunctionOf(withStageVariables(integration.integrationUri ?? '', req.stage.stage.stageVariables));
  if (!invoker || !functionName) return internalError();
  const v2 = integration.payloadFormatVersion === '2.0';
  const payload = Buffer.from(v2 ? eventV2(req) : eventV1(req));
  let out;
  try {
    out = await withTimeout(
      invoker.invoke({ accountId: req.served.scope.accountId, region: req.served.scope.region, functionName, payload, payloadIsJson: true }),
      integration.timeoutInMillis,
    );
  } catch (err) {
    // A missing function, throttling, an oversized event…: the client sees API Gateway's 500.
    return err instanceof Timeout ? serviceUnavailable() : internalError();
  }
  if (out.functionError) return internalError();
  return v2 ? fromLambdaV2(out.payload) : fromLambdaV1(out.payload);
}

/** The back-end URL: stage variables filled in, `{name}` placeholders take the route's path variables, the query string follows. */
function targetUrl(req: HttpApiRequest, template: string): string {
  const uri = withStageVariables(template, req.stage.stage.stageVariables);
  const params = req.match.pathParameters;
  const url = params ? uri.replace(/\{([^}]+)\}/g, (whole, name: string) => (params[name] === undefined ? whole : encodeURI(params[name]))) : uri;
  if (req.rawQuery.length === 0) return url;
  return url + (url.includes('?') ? '&' : '?') + req.rawQuery;
}

export async function callHttpProxy(agent: Agent, req: HttpApiRequest, integration: Integration): Promise<GatewayAnswer> {
  const headers: Record<string, string | string[]> = {};
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (HOP_BY_HOP.has(name)) continue;
    const prev = headers[name];
    headers[name] = prev === undefined ? raw[i + 1]! : [...(Array.isArray(prev) ? prev : [prev]), raw[i + 1]!];
  }
  const forwarded = headers['x-forwarded-for'];
  headers['x-forwarded-for'] = forwarded === undefined ? req.sourceIp : `${String(forwarded)}, ${req.sourceIp}`;
  headers['x-forwarded-proto'] ??= 'http';
  headers['x-forwarded-port'] ??= req.port;
  headers['x-amzn-trace-id'] ??= req.traceId;
  const method = integration.integrationMethod && integration.integrationMethod !== 'ANY' ? integration.integrationMethod : req.method;
  const signal = AbortSignal.timeout(integration.timeoutInMillis);
  try {
    const res = await request(targetUrl(req, integration.integrationUri ?? ''), {
      method: method as 'GET',
      headers,
      body: req.body.length > 0 ? req.body : null,
      dispatcher: agent,
      signal,
    });
    const body = Buffer.from(await res.body.arrayBuffer());
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
    return { status: res.statusCode, headers: out, body };
  } catch {
    return signal.aborted ? serviceUnavailable() : internalError();
  }
}
