// The `execute-api` service behind the front door: parses the two URL shapes
// (`{apiId}.execute-api.{host}/{stage}/{path}` and `/_aws/execute-api/{apiId}/{stage}/{path}`),
// runs the pipeline and writes the method response or the gateway response with AWS's headers
// (`x-amzn-RequestId`, `x-amz-apigw-id`, `X-Amzn-Trace-Id`).
import type { Service, RequestContext } from '../../server/context.js';
import { decodeOrKeep, peerOf } from '../../protocol/http.js';
import { parseHeaders, parseQuery, type Call } from './call.js';
import { forbidden, GatewayError } from './errors.js';
import type { MethodResponse, Pipeline } from './pipeline.js';
import { renderGatewayError } from './responses.js';
import { requestMetrics, type MetricSink } from './metrics.js';
import { accessLogWriter, type AccessLogSink } from './access-log.js';

/** AWS's REST API payload limit. */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

const PATH_PREFIX = '/_aws/execute-api/';

interface Target {
  apiId: string;
  stage: string;
  path: string;
}

/** Splits the request path into API id, stage and the path below the stage. */
export function parseTarget(host: string, path: string): Target | undefined {
  let rest: string;
  let apiId: string;
  if (path.startsWith(PATH_PREFIX)) {
    rest = path.slice(PATH_PREFIX.length);
    const slash = rest.indexOf('/');
    apiId = slash === -1 ? rest : rest.slice(0, slash);
    rest = slash === -1 ? '' : rest.slice(slash + 1);
  } else {
    const dot = host.indexOf('.');
    apiId = dot === -1 ? '' : host.slice(0, dot);
    rest = path.startsWith('/') ? path.slice(1) : path;
  }
  if (!apiId) return undefined;
  const slash = rest.indexOf('/');
  const stage = slash === -1 ? rest : rest.slice(0, slash);
  const below = slash === -1 ? '/' : rest.slice(slash);
  return { apiId, stage: decodeOrKeep(stage), path: below };
}

// Request ids (`x-amz-apigw-id`, trace roots) identify requests; they are not secrets, so a fast
// non-cryptographic generator is enough on the hot path.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const HEX = '0123456789abcdef';

function randomChars(n: number, alphabet: string): string {
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[(Math.random() * alphabet.length) | 0];
  return out;
}

/** 16 characters shaped like AWS's extended request ids (base64 of 10 bytes, `=`-padded). */
function extendedRequestId(): string {
  return randomChars(13, ALPHABET) + ALPHABET[((Math.random() * 16) | 0) * 4] + '==';
}

function traceId(now: number): string {
  return `Root=1-${Math.floor(now / 1000).toString(16)}-${randomChars(24, HEX)}`;
}

export function createExecuteApiService(
  pipeline: Pipeline,
  hooks: { start?(): void; close?(): Promise<void> | void; metrics?: MetricSink; accessLogs?: AccessLogSink },
): Service {
  const recordMetrics = hooks.metrics ? requestMetrics(hooks.metrics) : undefined;
  const writeAccessLog = hooks.accessLogs ? accessLogWriter(hooks.accessLogs) : undefined;
  return {
    name: 'execute-api',
    protocol: 'rest-json',
    writesRequestId: true,
    start: hooks.start,
    close: hooks.close,
    async handle(ctx: RequestContext): Promise<void> {
      const now = Date.now();
      const req = ctx.req;
      const host = req.headers.host ?? '';
      const { headers, lc } = parseHeaders(req);
      const peer = peerOf(req.socket);
      const raw = req.url ?? '/';
      const q = raw.indexOf('?');
      const target = parseTarget(host, ctx.path);
      const trace = lc['x-amzn-trace-id'] ?? traceId(now);
      const call: Call = {
        requestId: ctx.requestId,
        extendedRequestId: extendedRequestId(),
        receivedAt: now,
        verb: ctx.method.toUpperCase(),
        apiId: target?.apiId ?? '',
        stageName: target?.stage ?? '',
        path: target?.path ?? '/',
        rawQuery: q === -1 ? '' : raw.slice(q + 1),
        headers,
        lcHeaders: lc,
        query: parseQuery(q === -1 ? '' : raw.slice(q + 1)),
        sourceIp: peer.ip,
        protocol: `HTTP/${req.httpVersion}`,
        host,
        body: Buffer.alloc(0),
      };
      // API Gateway adds these before the integration sees the request.
      if (!('x-amzn-trace-id' in lc)) addHeader(call, 'X-Amzn-Trace-Id', 'x-amzn-trace-id', trace);
      if (!('x-forwarded-for' in lc)) addHeader(call, 'X-Forwarded-For', 'x-forwarded-for', call.sourceIp);
      if (!('x-forwarded-proto' in lc)) addHeader(call, 'X-Forwarded-Proto', 'x-forwarded-proto', 'http');
      if (!('x-forwarded-port' in lc)) addHeader(call, 'X-Forwarded-Port', 'x-forwarded-port', peer.port);

      let response: MethodResponse | undefined;
      try {
        if (!target || !target.stage) throw forbidden();
        try {
          // A request without Content-Length or Transfer-Encoding has no body (RFC 9112): skip reading.
          const hasBody = lc['content-length'] !== undefined ? lc['content-length'] !== '0' : lc['transfer-encoding'] !== undefined;
          if (hasBody) call.body = await ctx.body(MAX_PAYLOAD_BYTES);
        } catch (err) {
          if ((err as { statusCode?: number }).statusCode === 413 || (err as Error).name === 'RequestEntityTooLargeException') {
            // AWS rejects oversized payloads in front of the API: plain text, no gateway response.
            const text = `HTTP content length exceeded ${MAX_PAYLOAD_BYTES} bytes.`;
            send(ctx, call, trace, 413, { 'Content-Type': 'text/plain' }, Buffer.from(text));
            return;
          }
          throw err;
        }
        pipeline.resolve(call);
        response = await pipeline.run(call);
      } catch (err) {
        const gerr = err instanceof GatewayError ? err : undefined;
        if (!gerr) throw err; // unexpected: the front door logs it and answers 500
        const rendered = renderGatewayError(call, gerr);
        const body = Buffer.from(rendered.body);
        send(ctx, call, trace, rendered.status, rendered.headers, body);
        const done = Date.now();
        recordMetrics?.(call, rendered.status, done);
        writeAccessLog?.(call, { status: rendered.status, responseLength: body.length, error: { message: gerr.errorMessage, responseType: gerr.responseType } }, done);
        return;
      }
      send(ctx, call, trace, response.status, response.headers, response.body);
      const done = Date.now();
      recordMetrics?.(call, response.status, done);
      writeAccessLog?.(call, { status: response.status, responseLength: response.body.length }, done);
    },
  };
}

function addHeader(call: Call, name: string, lowerName: string, value: string): void {
  call.headers.single[name] = value;
  (call.headers.multi[name] ??= []).push(value);
  call.lcHeaders[lowerName] = value;
}

function send(
  ctx: RequestContext,
  call: Call,
  trace: string,
  status: number,
  headers: Readonly<Record<string, string | string[]>>,
  body: Buffer,
): void {
  const res = ctx.res;
  if (res.headersSent) return;
  const out: Record<string, string | string[] | number> = {};
  let ownRequestId = true; // a back end's x-amzn-RequestId goes through instead of ours
  for (const k in headers) {
    const lower = k.toLowerCase();
    if (lower === 'content-length' || lower === 'transfer-encoding' || lower === 'connection') continue;
    if (lower === 'x-amzn-requestid') ownRequestId = false;
    out[k] = headers[k]!;
  }
  if (ownRequestId) out['x-amzn-RequestId'] = call.requestId;
  out['x-amz-apigw-id'] = call.extendedRequestId;
  out['X-Amzn-Trace-Id'] = trace;
  out['Content-Length'] = body.length;
  try {
    res.writeHead(status, out);
  } catch {
    // A header value the function returned that node refuses (e.g. a newline): AWS answers 502.
    res.writeHead(502, { 'Content-Type': 'application/json', 'Content-Length': 36, 'x-amzn-RequestId': call.requestId, 'x-amz-apigw-id': call.extendedRequestId });
    res.end('{"message": "Internal server error"}');
    return;
  }
  res.end(call.verb === 'HEAD' ? undefined : body);
}
