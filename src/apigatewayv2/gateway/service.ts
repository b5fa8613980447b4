// The `execute-api` front-door service for HTTP APIs. Requests for an HTTP API's id are served
// here (stage, route, CORS, integration); any other API id goes to the REST API data plane.
// URL shapes: `{apiId}.execute-api.{host}/{stage}/{path}` and `/_aws/execute-api/{apiId}/{stage}/{path}`;
// the `$default` stage has no stage segment. A WebSocket API's handshakes (`upgrade`) and plain
// requests (@connections) go to the WebSocket gateway (./websocket/).
import { peerOf } from '../../protocol/http.js';
import type { AccessLogged } from './access-log.js';
import type { Agent } from 'undici';
import type { LambdaInvoker } from '../../lambda/invoker.js';
import type { RequestContext, Service } from '../../server/context.js';
import { BucketSet } from '../../apigateway/index.js';
import type { HttpApiCatalog, ServedApi, DeployedStage } from '../core/model.js';
import { DEFAULT_STAGE } from '../core/stages.js';
import { Authorizers } from './authorizer.js';
import { JwtAuthorizers } from './jwt.js';
import { callAwsService } from './aws-services.js';
import { callHttpProxy, callLambda } from './backends.js';
import { applyCors, isPreflight, preflightHeaders } from './cors.js';
import { compileRoutes, type RouteTable } from './matcher.js';
import type { Measured } from './metrics.js';
import type { HttpApiRequest } from './request.js';
import type { WebSocketGateway } from './websocket/gateway.js';
import { forbidden, notFound, tooLarge, tooManyRequests, type GatewayAnswer } from './responses.js';

/** AWS's HTTP API payload limit. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
const PATH_PREFIX = '/_aws/execute-api/';
/** Unknown ids are remembered too (REST APIs): bounded so probing ids cannot grow it forever. */
const MAX_CACHED_APIS = 10_000;

interface Compiled {
  readonly revision: number;
  readonly served: ServedApi | undefined;
  readonly tables: Map<string, RouteTable>;
}

export interface DataPlaneDeps {
  readonly catalog: HttpApiCatalog;
  invoker(): LambdaInvoker | undefined;
  /** The keep-alive pool of HTTP_PROXY and AWS service integrations; closed with the service. */
  readonly agent: Agent;
  /** Nimbus's own endpoint: AWS service integrations call the services there, as API Gateway calls AWS's. */
  endpoint?(): string;
  /** The REST API data plane, for every id that is not an HTTP API. */
  readonly rest: Service;
  readonly measure?: (m: Measured) => void;
  /** Stages' access logs (see access-log.ts). */
  readonly accessLog?: (e: AccessLogged) => void;
  /** WebSocket APIs' handshakes, connections and @connections (ids of WEBSOCKET APIs go there). */
  readonly websocket?: WebSocketGateway;
}

/** API id and the path below it, from either URL shape. */
function splitTarget(host: string, path: string): { apiId: string; rawPath: string } {
  if (path.startsWith(PATH_PREFIX)) {
    const rest = path.slice(PATH_PREFIX.length);
    const slash = rest.indexOf('/');
    return slash === -1 ? { apiId: rest, rawPath: '/' } : { apiId: rest.slice(0, slash), rawPath: rest.slice(slash) };
  }
  const dot = host.indexOf('.');
  return { apiId: dot === -1 ? '' : host.slice(0, dot), rawPath: path || '/' };
}

/**
 * Whether the route's throttle lets the request through: the stage's route settings for this
 * route key, field by field over its default route settings; no limits, no throttling.
 */
function admitted(buckets: BucketSet, apiId: string, stage: DeployedStage, routeKey: string): boolean {
  const own = stage.stage.routeSettings[routeKey];
  const defaults = stage.stage.defaultRouteSettings;
  const rateLimit = own?.throttlingRateLimit ?? defaults.throttlingRateLimit;
  const burstLimit = own?.throttlingBurstLimit ?? defaults.throttlingBurstLimit;
  if (rateLimit === undefined || burstLimit === undefined) return true;
  return buckets.take(`${apiId}/${stage.stage.stageName}/${routeKey}`, { rateLimit, burstLimit });
}

/** A named stage when the first segment names one, else `$default` with the whole path. */
function pickStage(served: ServedApi, rawPath: string): { stage: DeployedStage; path: string } | undefined {
  const slash = rawPath.indexOf('/', 1);
  const first = slash === -1 ? rawPath.slice(1) : rawPath.slice(1, slash);
  const named = first && first !== DEFAULT_STAGE ? served.stages.get(decodeURIComponentSafe(first)) : undefined;
  if (named) return { stage: named, path: slash === -1 ? '/' : rawPath.slice(slash) };
  const fallback = served.stages.get(DEFAULT_STAGE);
  return fallback ? { stage: fallback, path: rawPath } : undefined;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** `message` of a gateway answer's JSON body, if it is one. */
function gatewayMessage(body: Buffer): string | undefined {
  try {
    const m = (JSON.parse(body.toString('utf8')) as { message?: unknown }).message;
    return typeof m === 'string' ? m : undefined;
  } catch {
    return undefined;
  }
}

// Request ids shaped like AWS's (`JKJaXmPLvHcESHA=`): ids, not secrets, so Math.random is enough.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function requestId(): string {
  let out = '';
  for (let i = 0; i < 15; i++) out += ALPHABET[(Math.random() * ALPHABET.length) | 0];
  return out + '=';
}

const HEX = '0123456789abcdef';
function traceId(now: number): string {
  let r = '';
  for (let i = 0; i < 24; i++) r += HEX[(Math.random() * 16) | 0];
  return `Root=1-${Math.floor(now / 1000).toString(16)}-${r}`;
}

/** A request that found its stage and route: the rest of HttpApiRequest comes from node's request. */
type Routed = Omit<HttpApiRequest, 'rawQuery' | 'rawHeaders' | 'sourceIp' | 'port' | 'traceId' | 'protocol'>;

/** What the gateway answers, and what the metrics need to know of it. */
interface Outcome {
  readonly answer: GatewayAnswer;
  readonly integrationLatencyMs?: number;
  readonly bytes?: number;
}

/**
 * The request body, read only for a request that goes to an integration (a request without
 * Content-Length or Transfer-Encoding has none, RFC 9112); undefined past the 10 MB limit.
 */
async function readPayload(ctx: RequestContext): Promise<Buffer | undefined> {
  const h = ctx.req.headers;
  const hasBody = h['content-length'] !== undefined ? h['content-length'] !== '0' : h['transfer-encoding'] !== undefined;
  if (!hasBody) return Buffer.alloc(0);
  try {
    return await ctx.body(MAX_PAYLOAD_BYTES);
  } catch (err) {
    if ((err as { status?: number }).status === 413) return undefined;
    throw err;
  }
}

export function createHttpApiDataPlane(deps: DataPlaneDeps): Service {
  const cache = new Map<string, Compiled>();
  const buckets = new BucketSet();
  const authorizers = new Authorizers(() => deps.invoker());
  const jwt = new JwtAuthorizers();

  /** The API's served form, rebuilt only when its revision moved since it was compiled. */
  function compiled(apiId: string): Compiled {
    const revision = deps.catalog.revision(apiId);
    const hit = cache.get(apiId);
    if (hit && hit.revision === revision) return hit;
    if (cache.size >= MAX_CACHED_APIS) cache.clear();
    // Buckets start afresh with a changed API (and go with a deleted one).
    if (hit) {
      buckets.clear(`${apiId}/`);
      authorizers.forget(apiId);
    }
    const served = deps.catalog.load(apiId);
    const tables = new Map<string, RouteTable>();
    // WebSocket APIs route messages, not requests: their routes are compiled by the WebSocket gateway.
    if (served && served.api.protocolType !== 'WEBSOCKET') for (const [name, s] of served.stages) tables.set(name, compileRoutes(s.snapshot));
    const entry = { revision, served, tables };
    cache.set(apiId, entry);
    return entry;
  }

  /** Runs the route's authorizer (if it has one), then its integration, for a request whose route, throttle and body passed. */
  async function integrate(ctx: RequestContext, r: Routed): Promise<Outcome> {
    const req = ctx.req;
    const q = req.url?.indexOf('?') ?? -1;
    const peer = peerOf(req.socket);
    const trace = req.headers['x-amzn-trace-id'];
    let request: HttpApiRequest = {
      ...r,
      rawQuery: q === -1 ? '' : req.url!.slice(q + 1),
      rawHeaders: req.rawHeaders,
      sourceIp: peer.ip,
      port: peer.port,
      traceId: typeof trace === 'string' ? trace : traceId(r.receivedAt),
      protocol: `HTTP/${req.httpVersion}`,
    };
    const authorizer = r.match.compiled.authorizer;
    const integration = r.match.compiled.integration!;
    if (authorizer) {
      const verdict = authorizer.authorizerType === 'JWT'
        ? await jwt.authorize(request, authorizer, r.match.compiled.route.authorizationScopes)
        : await authorizers.authorize(request, authorizer);
      if (!verdict.allowed) return { answer: verdict.answer };
      // A payload 1.0 integration sees a JWT's claims and scopes directly under `authorizer`.
      const jwtIdentity = authorizer.authorizerType === 'JWT' && integration?.payloadFormatVersion === '1.0' ? verdict.authorizer['jwt'] : undefined;
      request = { ...request, authorizer: (jwtIdentity as Record<string, unknown> | undefined) ?? verdict.authorizer };
    }
    const started = Date.now();
    const answer =
      integration.integrationSubtype !== undefined
        ? await callAwsService(deps.agent, deps.endpoint?.() ?? '', request, integration)
        : integration.integrationType === 'AWS_PROXY'
          ? await callLambda(deps.invoker(), request, integration)
          : await callHttpProxy(deps.agent, request, integration);
    return { answer, integrationLatencyMs: Date.now() - started, bytes: r.body.length + answer.body.length };
  }

  function send(ctx: RequestContext, id: string, answer: GatewayAnswer): void {
    const out: Record<string, string | string[] | number> = {};
    for (const k in answer.headers) {
      if (k === 'content-length' || k === 'transfer-encoding' || k === 'connection') continue;
      out[k] = answer.headers[k]!;
    }
    out['apigw-requestid'] = id;
    out['content-length'] = answer.body.length;
    try {
      ctx.res.writeHead(answer.status, out);
    } catch {
      // A header value node refuses (a newline from the function): the client gets a 500.
      const body = '{"message":"Internal Server Error"}';
      ctx.res.writeHead(500, { 'content-type': 'application/json', 'content-length': body.length, 'apigw-requestid': id });
      ctx.res.end(body);
      return;
    }
    ctx.res.end(ctx.method === 'HEAD' ? undefined : answer.body);
  }

  return {
    name: 'execute-api',
    protocol: 'rest-json',
    writesRequestId: true,
    start: () => deps.rest.start?.(),
    upgrade(req, socket, head) {
      const { apiId, rawPath } = splitTarget(req.headers.host ?? '', (req.url ?? '/').split('?', 1)[0]!);
      const served = apiId ? compiled(apiId).served : undefined;
      if (served?.api.protocolType === 'WEBSOCKET' && deps.websocket) return deps.websocket.upgrade(req, socket, head, { served, rawPath });
      // REST and HTTP APIs take no WebSocket handshakes.
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: 23\r\nConnection: close\r\n\r\n{"message":"Forbidden"}');
    },
    close: async () => {
      await deps.websocket?.closeAll();
      await deps.rest.close?.();
      await deps.agent.close().catch(() => undefined);
    },
    async handle(ctx: RequestContext): Promise<void> {
      const req = ctx.req;
      const host = req.headers.host ?? '';
      const { apiId, rawPath } = splitTarget(host, ctx.path);
      const entry = apiId ? compiled(apiId) : undefined;
      const served = entry?.served;
      if (!served) return deps.rest.handle(ctx);
      if (served.api.protocolType === 'WEBSOCKET') {
        ctx.res.setHeader('x-amzn-RequestId', ctx.requestId);
        if (deps.websocket) return deps.websocket.http(ctx, { served, rawPath });
        return send(ctx, requestId(), forbidden());
      }

      const receivedAt = Date.now();
      const id = requestId();
      if (served.api.disableExecuteApiEndpoint) return send(ctx, id, forbidden());
      const picked = pickStage(served, rawPath);
      if (!picked) return send(ctx, id, notFound());
      const { stage, path } = picked;
      const method = ctx.method.toUpperCase();
      const cors = stage.snapshot.cors;
      const origin = req.headers.origin;
      if (cors && isPreflight(method, { origin, requestMethod: req.headers['access-control-request-method'] as string | undefined })) {
        const acrh = req.headers['access-control-request-headers'];
        return send(ctx, id, { status: 204, headers: preflightHeaders(cors, origin!, typeof acrh === 'string' ? acrh : undefined), body: Buffer.alloc(0) });
      }

      const match = entry.tables.get(stage.stage.stageName)!.match(method, path);
      let outcome: Outcome;
      if (!match || !match.compiled.integration) outcome = { answer: notFound() };
      else if (!admitted(buckets, apiId, stage, match.compiled.route.routeKey)) outcome = { answer: tooManyRequests() };
      else {
        const body = await readPayload(ctx);
        outcome = body ? await integrate(ctx, { requestId: id, receivedAt, method, rawPath, path, host, body, served, stage, match }) : { answer: tooLarge() };
      }
      const { answer, integrationLatencyMs, bytes = 0 } = outcome;
      if (cors) applyCors(cors, origin, answer.headers);
      send(ctx, id, answer);
      const at = Date.now();
      deps.measure?.({ scope: served.scope, apiId, stage, status: answer.status, latencyMs: at - receivedAt, integrationLatencyMs, bytes, at });
      if (deps.accessLog && stage.stage.accessLogSettings) {
        // The gateway's own answers (404, 429, 500…) carry `{"message": …}`: `$context.error.message`.
        const own = !match?.compiled.integration || integrationLatencyMs === undefined ? gatewayMessage(answer.body) : undefined;
        const ua = req.headers['user-agent'];
        deps.accessLog({
          served, stage, requestId: id, receivedAt, method, rawPath, routeKey: match?.compiled.route.routeKey, status: answer.status,
          responseLength: answer.body.length, integrationLatencyMs, errorMessage: own, sourceIp: peerOf(req.socket).ip,
          userAgent: typeof ua === 'string' ? ua : undefined, protocol: `HTTP/${req.httpVersion}`, host, at,
        });
      }
    },
  };
}
