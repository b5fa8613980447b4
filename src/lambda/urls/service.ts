// The function URL endpoints: `http://{urlId}.lambda-url.{region}.localhost:{port}/…` (any host
// starting `{urlId}.lambda-url.`) or `{endpoint}/_aws/lambda-url/{urlId}/…`. A request becomes a
// payload 2.0 event, the function's answer an HTTP response, as on AWS.
import { peerOf } from '../../protocol/http.js';
import type { RequestContext, Service } from '../../server/context.js';
import { isServiceError } from '../../protocol/errors.js';
import type { LambdaInvoker } from '../invoker.js';
import { LATEST } from '../core/model.js';
import { MAX_SYNC_PAYLOAD } from '../core/invoke.js';
import { urlEvent } from './event.js';
import { fromFunction, corsPreflight, withCors, type HttpAnswer } from './response.js';
import { UrlResponseStream } from './stream.js';
import type { FunctionUrls } from './registry.js';

const PATH_PREFIX = '/_aws/lambda-url/';
const HOST = /^([a-z0-9]+)\.lambda-url\./;
const CREDENTIAL = /Credential=([^/,\s]+)\//;

/** The url id and the path below it, when the request is for a function URL. */
export function urlTarget(host: string, path: string): { urlId: string; path: string } | undefined {
  if (path.startsWith(PATH_PREFIX)) {
    const rest = path.slice(PATH_PREFIX.length);
    const slash = rest.indexOf('/');
    return { urlId: slash === -1 ? rest : rest.slice(0, slash), path: slash === -1 ? '/' : rest.slice(slash) };
  }
  const m = HOST.exec(host);
  return m ? { urlId: m[1]!, path } : undefined;
}

const message = (status: number, text: string): HttpAnswer => ({ status, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ Message: text })) });

export function createFunctionUrlService(deps: { urls: FunctionUrls; invoker: () => LambdaInvoker }): Service {
  return {
    name: 'lambda-url',
    protocol: 'rest-json',
    writesRequestId: true,
    async handle(ctx: RequestContext) {
      const receivedAt = Date.now();
      const target = urlTarget(ctx.req.headers.host ?? '', ctx.path);
      const config = target ? deps.urls.lookup(target.urlId) : undefined;
      if (!target || !config) return send(ctx, message(404, 'Not Found'));
      const origin = header(ctx, 'origin');
      const cors = config.cors;
      if (cors && ctx.method === 'OPTIONS' && origin !== undefined && header(ctx, 'access-control-request-method') !== undefined) {
        return send(ctx, corsPreflight(cors, origin, header(ctx, 'access-control-request-headers')));
      }
      let iam: { accessKey: string; accountId: string } | undefined;
      if (config.authType === 'AWS_IAM') {
        // No IAM here: a signed request is let through, an unsigned one is refused as AWS does.
        const key = CREDENTIAL.exec(header(ctx, 'authorization') ?? '')?.[1];
        if (!key) return send(ctx, message(403, 'Forbidden'), cors, origin);
        iam = { accessKey: key, accountId: config.accountId };
      }
      let body: Buffer;
      try {
        body = await ctx.body(MAX_SYNC_PAYLOAD);
      } catch {
        return send(ctx, message(413, 'Request must be smaller than 6291456 bytes for the InvokeFunction operation'), cors, origin);
      }
      const raw = ctx.req.url ?? '/';
      const q = raw.indexOf('?');
      const peer = peerOf(ctx.req.socket);
      const trace = header(ctx, 'x-amzn-trace-id');
      const event = urlEvent({
        urlId: config.urlId,
        region: config.region,
        requestId: ctx.requestId,
        receivedAt,
        method: ctx.method,
        rawPath: target.path,
        rawQuery: q === -1 ? '' : raw.slice(q + 1),
        rawHeaders: ctx.req.rawHeaders,
        sourceIp: peer.ip,
        port: peer.port,
        traceId: trace ?? `Root=1-${Math.floor(receivedAt / 1000).toString(16)}-${ctx.requestId.replace(/-/g, '').slice(0, 24)}`,
        protocol: `HTTP/${ctx.req.httpVersion}`,
        body,
        ...(iam ? { iam } : {}),
        ownerAccountId: config.accountId,
      });
      // RESPONSE_STREAM: a streaming function's chunks go out as they come; any other answer is buffered.
      const stream = config.invokeMode === 'RESPONSE_STREAM'
        ? new UrlResponseStream(ctx.res, (own) => ({ ...(cors ? withCors(cors, origin, own) : own), 'x-amzn-RequestId': ctx.requestId }))
        : undefined;
      try {
        const out = await deps.invoker().invoke({
          accountId: config.accountId,
          region: config.region,
          functionName: config.functionName,
          ...(config.qualifier !== LATEST ? { qualifier: config.qualifier } : {}),
          payload: Buffer.from(event),
          payloadIsJson: true,
          requestId: ctx.requestId,
          ...(stream ? { onChunk: (chunk: Buffer, contentType: string) => stream.chunk(chunk, contentType) } : {}),
        });
        if (stream?.answered) return stream.end();
        if (stream && out.streamContentType !== undefined && !out.functionError) {
          // A stream that ended without a byte: its headers alone.
          stream.chunk(Buffer.alloc(0), out.streamContentType);
          return stream.end();
        }
        send(ctx, out.functionError ? message(502, 'Internal Server Error') : fromFunction(out.payload), cors, origin);
      } catch (err) {
        if (isServiceError(err) && err.status === 429) return send(ctx, message(429, 'Rate Exceeded.'), cors, origin);
        if (isServiceError(err) && err.status === 404) return send(ctx, message(404, 'Not Found'), cors, origin);
        throw err;
      }
    },
  };
}

function header(ctx: RequestContext, name: string): string | undefined {
  const v = ctx.req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function send(ctx: RequestContext, answer: HttpAnswer, cors?: Parameters<typeof withCors>[0], origin?: string): void {
  const headers: Record<string, string | string[] | number> = {};
  const own = cors ? withCors(cors, origin, answer.headers) : answer.headers;
  for (const k in own) {
    if (k === 'content-length' || k === 'transfer-encoding' || k === 'connection') continue;
    headers[k] = own[k]!;
  }
  headers['x-amzn-RequestId'] = ctx.requestId;
  headers['content-length'] = answer.body.length;
  try {
    ctx.res.writeHead(answer.status, headers);
  } catch {
    // A header value node refuses (a newline from the function).
    const body = '{"Message":"Internal Server Error"}';
    ctx.res.writeHead(502, { 'content-type': 'application/json', 'content-length': body.length, 'x-amzn-RequestId': ctx.requestId });
    ctx.res.end(body);
    return;
  }
  ctx.res.end(ctx.method === 'HEAD' ? undefined : answer.body);
}
