// The data plane of WebSocket APIs: the handshake (`$connect`), messages routed by the API's route
// selection expression, `$disconnect`, the @connections management API, and AWS's limits (idle
// timeout, connection lifetime, message size). Connections are sockets upgraded from Nimbus's HTTP
// server by `ws`; an integration is a Lambda proxy call through the in-process invoker.
//
// domainName: AWS puts `{apiId}.execute-api.{region}.amazonaws.com` in events, so that functions
// reach @connections at `https://{domainName}/{stage}`. Nimbus puts `{host:port}/_aws/execute-api/{apiId}`
// (its own listening address, path-style): `http://{domainName}/{stage}` then reaches the same
// @connections from any function, where `*.execute-api.localhost` names may not resolve. Nimbus speaks
// plain HTTP, so the scheme is `http` (functions can take it from AWS_ENDPOINT_URL).
import type { IncomingMessage } from 'node:http';
import type { HttpRequest } from '../../../server/http/server.js';
import type { Duplex } from 'node:stream';
import { isUtf8 } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import { peerOf, sendEmpty, sendJson } from '../../../protocol/http.js';
import type { LambdaInvoker } from '../../../lambda/invoker.js';
import type { RequestContext } from '../../../server/context.js';
import { lambdaFunctionOf, withStageVariables } from '../../core/integrations.js';
import { authorizerFunctionOf } from '../../core/authorizers.js';
import type { DeployedStage, Integration, LambdaAuthorizer, Route, ServedApi } from '../../core/model.js';
import { CONNECT_ROUTE, DEFAULT_ROUTE_KEY, DISCONNECT_ROUTE, parseWebSocketIdentity, routeSelectionPath } from '../../core/websocket.js';
import { parsePolicy, permits } from '../authorizer.js';
import { collectQuery } from '../events.js';
import { Timeout, withTimeout } from '../backends.js';
import { awsId, type Connection, type ConnectionInfo, ConnectionRegistry } from './connections.js';
import { Forbidden, Gone, PayloadTooLarge } from './errors.js';
import { authorizerEvent, connectEvent, disconnectEvent, messageEvent, type Handshake } from './events.js';
import type { WebSocketMeter, WebSocketMetric } from './metrics.js';
import { selectRouteKey } from './selection.js';

/** AWS's WebSocket limits (API Gateway quotas); the timeouts may be changed for tests and demos. */
export interface WebSocketLimits {
  /** Idle timeout: 10 minutes without a message from the client. */
  readonly idleTimeoutMs: number;
  /** Maximum connection duration: 2 hours. */
  readonly maxConnectionMs: number;
}
export const AWS_LIMITS: WebSocketLimits = { idleTimeoutMs: 10 * 60_000, maxConnectionMs: 2 * 60 * 60_000 };
/** AWS gives a Lambda authorizer 10 seconds. */
const AUTHORIZER_TIMEOUT_MS = 10_000;
/** Message payload size: 128 KB. A bigger message closes the connection with 1009, as on AWS. */
export const MAX_MESSAGE_BYTES = 128 * 1024;

/** A stage's routes, compiled once per deployment. */
interface CompiledRoute {
  readonly route: Route;
  readonly integration: Integration | undefined;
  readonly twoWay: boolean;
  /** `$connect` only: the Lambda authorizer of a CUSTOM route. */
  readonly authorizer?: LambdaAuthorizer;
}

interface StageRoutes {
  readonly byKey: ReadonlyMap<string, CompiledRoute>;
  readonly selection: string[] | undefined;
}

export interface WebSocketGatewayDeps {
  invoker(): LambdaInvoker | undefined;
  /** Nimbus's listening address (`http://127.0.0.1:4566`), known once the server listens. */
  endpoint(): string;
  readonly limits?: Partial<WebSocketLimits>;
  readonly measure?: WebSocketMeter;
}

/** The target a WebSocket request names below the API: the stage, and for @connections the connection id. */
export interface WebSocketTarget {
  readonly served: ServedApi;
  /** The path below the API id, e.g. `/prod` or `/prod/@connections/abc=`. */
  readonly rawPath: string;
}

function compileStage(served: ServedApi, stage: DeployedStage): StageRoutes {
  const integrations = new Map(stage.snapshot.integrations.map((i) => [i.integrationId, i]));
  const twoWay = new Set((stage.snapshot.routeResponses ?? []).filter((r) => r.response.routeResponseKey === '$default').map((r) => r.routeId));
  const authorizers = new Map((stage.snapshot.authorizers ?? []).map((a) => [a.authorizerId, a]));
  const byKey = new Map<string, CompiledRoute>();
  for (const route of stage.snapshot.routes) {
    const integration = route.target?.startsWith('integrations/') ? integrations.get(route.target.slice('integrations/'.length)) : undefined;
    // WebSocket APIs have Lambda authorizers only (a JWT one cannot be created for them).
    const found = route.authorizationType === 'CUSTOM' && route.authorizerId !== undefined ? authorizers.get(route.authorizerId) : undefined;
    const authorizer = found?.authorizerType === 'REQUEST' ? found : undefined;
    byKey.set(route.routeKey, { route, integration, twoWay: twoWay.has(route.routeId), ...(authorizer ? { authorizer } : {}) });
  }
  return { byKey, selection: routeSelectionPath(served.api.routeSelectionExpression) };
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error', 502: 'Bad Gateway', 504: 'Gateway Timeout' };

/** Refuses a handshake with a plain HTTP answer and closes the socket. */
function refuse(socket: Duplex, status: number, message: string, extra: Record<string, string> = {}): void {
  const body = JSON.stringify({ message });
  const head = [`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}`, 'Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close'];
  for (const [k, v] of Object.entries(extra)) head.push(`${k}: ${v}`);
  if (socket.writable) socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
  else socket.destroy();
}

/** The stage segment of `/prod` or `/prod/...`. */
function stageOf(rawPath: string): { stageName: string; rest: string } {
  const slash = rawPath.indexOf('/', 1);
  const first = slash === -1 ? rawPath.slice(1) : rawPath.slice(1, slash);
  let stageName = first;
  try {
    stageName = decodeURIComponent(first);
  } catch {
    // Kept as sent: it matches no stage.
  }
  return { stageName, rest: slash === -1 ? '' : rawPath.slice(slash) };
}

const CONNECTIONS_PATH = /^\/(?:@|%40)connections\/([^/]+)\/?$/i;

export class WebSocketGateway {
  private readonly registry = new ConnectionRegistry();
  private readonly compiled = new WeakMap<DeployedStage, StageRoutes>();
  /** The subprotocol a `$connect` answer chose (its `Sec-WebSocket-Protocol` header), by handshake. */
  private readonly protocols = new WeakMap<HttpRequest, string>();
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    clientTracking: false,
    // As on AWS, only the `$connect` integration picks a subprotocol; without one none is echoed.
    handleProtocols: (offered, req) => {
      const chosen = this.protocols.get(req as unknown as HttpRequest);
      return chosen !== undefined && offered.has(chosen) ? chosen : false;
    },
  });
  private readonly limits: WebSocketLimits;
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly deps: WebSocketGatewayDeps) {
    this.limits = { ...AWS_LIMITS, ...deps.limits };
    // `ws` reports handshake and socket failures here; a misbehaving client must never reach the process.
    this.wss.on('error', () => undefined);
  }

  private routes(served: ServedApi, stage: DeployedStage): StageRoutes {
    let r = this.compiled.get(stage);
    if (!r) this.compiled.set(stage, (r = compileStage(served, stage)));
    return r;
  }

  private count(served: ServedApi, stage: DeployedStage, name: WebSocketMetric, value = 1): void {
    this.deps.measure?.(served.scope, served.api.apiId, stage, name, value);
  }

  private domainName(apiId: string): string {
    const host = this.deps.endpoint().replace(/^https?:\/\//, '');
    return `${host}/_aws/execute-api/${apiId}`;
  }

  /** Keeps track of background work (integrations of messages, $disconnect) so close() can wait for it. */
  private track(p: Promise<unknown>): void {
    const guarded = p.catch(() => undefined);
    this.pending.add(guarded);
    void guarded.finally(() => this.pending.delete(guarded));
  }

  /** Calls a Lambda proxy integration; resolves with its parsed answer or why it failed. */
  private async invoke(served: ServedApi, stage: DeployedStage, integration: Integration, event: string): Promise<{ ok: true; result: unknown } | { ok: false; timeout: boolean }> {
    const invoker = this.deps.invoker();
    const functionName = lambdaFunctionOf(withStageVariables(integration.integrationUri ?? '', stage.stage.stageVariables));
    const failed = (timeout: boolean) => (this.count(served, stage, 'ExecutionError'), { ok: false as const, timeout });
    if (!invoker || !functionName) return failed(false);
    try {
      const started = Date.now();
      const out = await withTimeout(
        invoker.invoke({ accountId: served.scope.accountId, region: served.scope.region, functionName, payload: Buffer.from(event), payloadIsJson: true }),
        integration.timeoutInMillis,
      );
      this.count(served, stage, 'IntegrationLatency', Date.now() - started);
      if (out.functionError) return failed(false);
      const text = out.payload.toString('utf8');
      let result: unknown = null;
      if (text.length > 0) {
        try {
          result = JSON.parse(text);
        } catch {
          result = text;
        }
      }
      return { ok: true, result };
    } catch (err) {
      return failed(err instanceof Timeout);
    }
  }

  /** The `upgrade` event of a request for a WebSocket API. */
  upgrade(req: HttpRequest, socket: Duplex, head: Buffer, target: WebSocketTarget): void {
    socket.on('error', () => undefined);
    this.track(this.handshake(req, socket, head, target).catch(() => socket.destroy()));
  }

  private async handshake(req: HttpRequest, socket: Duplex, head: Buffer, { served, rawPath }: WebSocketTarget): Promise<void> {
    if (served.api.disableExecuteApiEndpoint) return refuse(socket, 403, 'Forbidden');
    const { stageName, rest } = stageOf(rawPath);
    const stage = served.stages.get(stageName);
    if (!stage || (rest !== '' && rest !== '/')) return refuse(socket, 403, 'Forbidden');
    // What `ws` would refuse anyway, refused before $connect runs for a request that cannot connect.
    const key = req.headers['sec-websocket-key'];
    if (req.method !== 'GET' || String(req.headers.upgrade).toLowerCase() !== 'websocket' || typeof key !== 'string' || !/^[+/0-9A-Za-z]{22}==$/.test(key) || req.headers['sec-websocket-version'] !== '13') {
      this.count(served, stage, 'ClientError');
      return refuse(socket, 400, 'Bad Request');
    }
    const routes = this.routes(served, stage);
    const at = Date.now();
    const peer = peerOf(req.socket);
    const ua = req.headers['user-agent'];
    const connection: ConnectionInfo = {
      connectionId: awsId(),
      served,
      stage,
      domainName: this.domainName(served.api.apiId),
      sourceIp: peer.ip,
      userAgent: typeof ua === 'string' ? ua : undefined,
      connectedAt: at,
      lastActiveAt: at,
    };
    const connect = routes.byKey.get(CONNECT_ROUTE);
    const q = req.url?.indexOf('?') ?? -1;
    const trace = req.headers['x-amzn-trace-id'];
    const traceId = typeof trace === 'string' ? trace : `Root=1-${Math.floor(at / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
    const handshake: Handshake = { rawHeaders: req.rawHeaders, rawQuery: q === -1 ? '' : req.url!.slice(q + 1), port: peer.port, traceId };
    if (connect?.authorizer) {
      const verdict = await this.authorize(connection, handshake, connect.authorizer, at);
      if (!verdict.allowed) return refuse(socket, verdict.status, verdict.message);
      connection.authorizer = verdict.context;
    }
    if (connect?.integration) {
      const event = connectEvent(connection, handshake, awsId(), at);
      this.count(served, stage, 'ConnectCount');
      const out = await this.invoke(served, stage, connect.integration, event);
      if (!out.ok) return refuse(socket, out.timeout ? 504 : 500, out.timeout ? 'Endpoint request timed out' : 'Internal server error');
      // A proxy answer's statusCode decides: anything but 2xx refuses the connection with that status.
      const status = statusOf(out.result);
      if (status !== undefined && status >= 400) this.count(served, stage, 'IntegrationError');
      if (status !== undefined && (status < 200 || status > 299)) return refuse(socket, status >= 400 && status <= 599 ? status : 500, status >= 400 && status <= 599 ? (STATUS_TEXT[status] ?? 'Error') : 'Internal server error');
      const protocol = headerOf(out.result, 'sec-websocket-protocol');
      if (protocol !== undefined) this.protocols.set(req, protocol);
    }
    if (socket.destroyed || !socket.writable) return;
    this.wss.handleUpgrade(req as unknown as IncomingMessage, socket, head, (ws) => this.open({ ...connection, socket: ws }, req.headers.host ?? ''));
  }

  /**
   * The `$connect` route's Lambda REQUEST authorizer: a missing identity source is a 401 without a
   * call; the function's IAM policy must allow `execute-api:Invoke` on the route's ARN (403
   * otherwise); a failing or unusable answer is a 500. Allowed, its principalId and context are the
   * connection's `requestContext.authorizer` from then on, as on AWS.
   */
  private async authorize(c: ConnectionInfo, h: Handshake, authorizer: LambdaAuthorizer, at: number): Promise<{ allowed: true; context: Record<string, unknown> } | { allowed: false; status: number; message: string }> {
    const { served, stage } = c;
    for (const source of authorizer.identitySource) {
      const parsed = parseWebSocketIdentity(source);
      const value = !parsed
        ? undefined
        : parsed.kind === 'header'
          ? lastHeader(h.rawHeaders, parsed.name)
          : parsed.kind === 'querystring'
            ? collectQuery(h.rawQuery)?.single[parsed.name]
            : stage.stage.stageVariables?.[parsed.name];
      if (value === undefined || value === '') {
        this.count(served, stage, 'ClientError');
        return { allowed: false, status: 401, message: 'Unauthorized' };
      }
    }
    const { scope, api } = served;
    const methodArn = `arn:aws:execute-api:${scope.region}:${scope.accountId}:${api.apiId}/${stage.stage.stageName}/${CONNECT_ROUTE}`;
    const invoker = this.deps.invoker();
    const functionName = authorizerFunctionOf(authorizer.authorizerUri);
    const failed = { allowed: false as const, status: 500, message: 'Internal server error' };
    if (!invoker || !functionName) return failed;
    const started = Date.now();
    try {
      const out = await withTimeout(
        invoker.invoke({ accountId: scope.accountId, region: scope.region, functionName, payload: Buffer.from(authorizerEvent(c, h, methodArn, awsId(), at)), payloadIsJson: true }),
        AUTHORIZER_TIMEOUT_MS,
      );
      if (out.functionError) return failed;
      const answer: unknown = JSON.parse(out.payload.toString('utf8'));
      if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) return failed;
      const decision = parsePolicy(answer as Record<string, unknown>);
      if (decision.simple || !permits(decision.statements, methodArn)) return { allowed: false, status: 403, message: 'Forbidden' };
      return {
        allowed: true,
        context: { ...decision.context, ...(decision.principalId !== undefined ? { principalId: decision.principalId } : {}), integrationLatency: Date.now() - started },
      };
    } catch {
      // A timeout, a missing function, an answer that is no policy.
      return failed;
    }
  }

  private open(c: Connection, host: string): void {
    this.registry.add(c);
    const { socket } = c;
    const idle = () => setTimeout(() => this.close(c, 1001, 'Going away'), this.limits.idleTimeoutMs).unref();
    let idleTimer = idle();
    const lifetime = setTimeout(() => this.close(c, 1001, 'Going away'), this.limits.maxConnectionMs).unref();
    const touch = () => {
      c.lastActiveAt = Date.now();
      clearTimeout(idleTimer);
      idleTimer = idle();
    };
    // `ws` closes the socket itself after a protocol error; $disconnect reports why, as AWS does.
    socket.on('error', (err: Error & { code?: string }) => {
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') c.closedBy ??= { code: 1009, reason: 'Message too big' };
      else if (err.code?.startsWith('WS_ERR_')) c.closedBy ??= { code: 1002, reason: 'Protocol error' };
    });
    socket.on('ping', touch);
    socket.on('message', (data: RawData, isBinary: boolean) => {
      touch();
      this.track(this.message(c, toBuffer(data), isBinary));
    });
    socket.on('close', (code: number, reason: Buffer) => {
      clearTimeout(idleTimer);
      clearTimeout(lifetime);
      this.registry.remove(c.connectionId);
      const by = c.closedBy;
      this.track(this.disconnect(c, host, by?.code ?? code, by?.reason ?? reason.toString('utf8')));
    });
  }

  /** Closes a connection from the gateway's side; $disconnect reports this code and reason. */
  private close(c: Connection, code: number, reason: string): void {
    c.closedBy ??= { code, reason };
    c.socket.close(code, reason);
    // A peer that never answers the close frame is cut off.
    setTimeout(() => c.socket.terminate(), 1000).unref();
  }

  private send(c: Connection, data: string | Buffer, binary = false): boolean {
    if (c.socket.readyState !== c.socket.OPEN) return false;
    c.socket.send(data, { binary }, () => undefined);
    return true;
  }

  private async message(c: Connection, data: Buffer, isBinary: boolean): Promise<void> {
    const routes = this.routes(c.served, c.stage);
    const requestId = awsId();
    const selected = selectRouteKey(routes.selection, isBinary ? undefined : data.toString('utf8'));
    // $connect and $disconnect are never selected by a message.
    const own = selected !== undefined && selected !== CONNECT_ROUTE && selected !== DISCONNECT_ROUTE ? routes.byKey.get(selected) : undefined;
    const route = own ?? routes.byKey.get(DEFAULT_ROUTE_KEY);
    const error = (message: string) => this.send(c, JSON.stringify({ message, connectionId: c.connectionId, requestId }));
    this.count(c.served, c.stage, 'MessageCount');
    if (!route?.integration) {
      this.count(c.served, c.stage, 'ClientError');
      error('Forbidden');
      return;
    }
    const at = Date.now();
    const event = messageEvent(c, route.route.routeKey, data, isBinary, requestId, awsId(), at);
    const out = await this.invoke(c.served, c.stage, route.integration, event);
    if (!out.ok) {
      error(out.timeout ? 'Endpoint request timed out' : 'Internal server error');
      return;
    }
    const status = statusOf(out.result);
    if (status !== undefined && status >= 400) this.count(c.served, c.stage, 'IntegrationError');
    if (!route.twoWay) return;
    // A two-way route answers with the proxy answer's body (a function's plain value is the body itself).
    const result = out.result;
    if (result !== null && typeof result === 'object' && !Array.isArray(result)) {
      const r = result as { body?: unknown; isBase64Encoded?: unknown };
      if (r.body === undefined || r.body === null) return;
      if (r.isBase64Encoded === true && typeof r.body === 'string') this.send(c, Buffer.from(r.body, 'base64'), true);
      else this.send(c, typeof r.body === 'string' ? r.body : JSON.stringify(r.body));
    } else if (result !== null) {
      this.send(c, typeof result === 'string' ? result : JSON.stringify(result));
    }
  }

  private async disconnect(c: Connection, host: string, code: number, reason: string): Promise<void> {
    const route = this.routes(c.served, c.stage).byKey.get(DISCONNECT_ROUTE);
    if (!route?.integration) return;
    const at = Date.now();
    // Best effort, as on AWS: nobody is left to hear of a failure.
    await this.invoke(c.served, c.stage, route.integration, disconnectEvent(c, host, code, reason, awsId(), at));
  }

  /**
   * A plain HTTP request for a WebSocket API: the @connections management API
   * (`/{stage}/@connections/{connectionId}`), else AWS's refusals.
   */
  async http(ctx: RequestContext, { served, rawPath }: WebSocketTarget): Promise<void> {
    const { stageName, rest } = stageOf(rawPath);
    const m = CONNECTIONS_PATH.exec(rest);
    if (!m || !served.stages.has(stageName)) {
      if (rest === '' || rest === '/') return sendJson(ctx.res, 426, { message: 'Upgrade Required' });
      return sendJson(ctx.res, 403, { message: 'Forbidden' });
    }
    let connectionId = m[1]!;
    try {
      connectionId = decodeURIComponent(connectionId);
    } catch {
      // Not a valid id: it names no connection.
    }
    const c = this.registry.get(connectionId);
    const live = c && c.served.api.apiId === served.api.apiId && c.socket.readyState === c.socket.OPEN ? c : undefined;
    const method = ctx.method.toUpperCase();
    if (method !== 'POST' && method !== 'GET' && method !== 'DELETE') throw Forbidden('Forbidden');
    if (!live) throw Gone(`Connection ${connectionId} is gone`);
    if (method === 'GET') {
      return sendJson(ctx.res, 200, {
        connectedAt: new Date(live.connectedAt).toISOString(),
        identity: { sourceIp: live.sourceIp, ...(live.userAgent !== undefined ? { userAgent: live.userAgent } : {}) },
        lastActiveAt: new Date(live.lastActiveAt).toISOString(),
      });
    }
    if (method === 'DELETE') {
      this.close(live, 1000, '');
      return sendEmpty(ctx.res, 204);
    }
    let data: Buffer;
    try {
      data = await ctx.body(MAX_MESSAGE_BYTES);
    } catch (err) {
      if ((err as { status?: number }).status === 413) throw PayloadTooLarge(`Message too long: the limit is ${MAX_MESSAGE_BYTES} bytes`);
      throw err;
    }
    if (!this.send(live, data, !isUtf8(data))) throw Gone(`Connection ${connectionId} is gone`);
    this.count(live.served, live.stage, 'MessageCount');
    sendEmpty(ctx.res, 200);
  }

  /** Closes every connection (Nimbus stops: 1001 Going away) and waits for their $disconnect calls. */
  async closeAll(): Promise<void> {
    await Promise.all(
      this.registry.all().map(
        (c) =>
          new Promise<void>((resolve) => {
            c.socket.once('close', () => resolve());
            this.close(c, 1001, 'Going away');
          }),
      ),
    );
    await Promise.all([...this.pending]);
  }
}

/** A handshake header by lower-case name; the last one wins. */
function lastHeader(rawHeaders: readonly string[], lowerName: string): string | undefined {
  let found: string | undefined;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase() === lowerName) found = rawHeaders[i + 1];
  return found;
}

function statusOf(result: unknown): number | undefined {
  if (result === null || typeof result !== 'object' || Array.isArray(result)) return undefined;
  const s = (result as { statusCode?: unknown }).statusCode;
  if (typeof s === 'number' && Number.isInteger(s)) return s;
  if (typeof s === 'string' && /^\d{3}$/.test(s)) return Number(s);
  return s === undefined ? undefined : 500;
}

/** A header of a proxy answer's `headers`, by case-insensitive name. */
function headerOf(result: unknown, lowerName: string): string | undefined {
  if (result === null || typeof result !== 'object') return undefined;
  const headers = (result as { headers?: unknown }).headers;
  if (headers === null || typeof headers !== 'object') return undefined;
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === lowerName && typeof v === 'string') return v;
  return undefined;
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
