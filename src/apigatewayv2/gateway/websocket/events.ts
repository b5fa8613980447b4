// The Lambda proxy events of WebSocket APIs, member for member as AWS sends them: CONNECT carries the
// handshake's headers and query string, MESSAGE the message body, DISCONNECT the close code and
// reason. Header names keep the client's case (as in REST API events), values as sent.
import { requestTime } from '../request.js';
import { collectQuery } from '../events.js';
import type { ConnectionInfo } from './connections.js';

type EventType = 'CONNECT' | 'MESSAGE' | 'DISCONNECT';

function requestContext(c: ConnectionInfo, routeKey: string, eventType: EventType, requestId: string, at: number, extra: Record<string, unknown> = {}) {
  return {
    routeKey,
    ...extra,
    eventType,
    extendedRequestId: requestId,
    requestTime: requestTime(at),
    messageDirection: 'IN',
    stage: c.stage.stage.stageName,
    connectedAt: c.connectedAt,
    requestTimeEpoch: at,
    identity: { ...(c.userAgent !== undefined ? { userAgent: c.userAgent } : {}), sourceIp: c.sourceIp },
    ...(c.authorizer ? { authorizer: c.authorizer } : {}),
    requestId,
    domainName: c.domainName,
    connectionId: c.connectionId,
    apiId: c.served.api.apiId,
  };
}

/** Headers in the sender's case: last value wins in `headers`, all of them in `multiValueHeaders`. */
function headersOf(rawHeaders: readonly string[], added: ReadonlyArray<[string, string]>) {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  const seen = new Map<string, string>();
  const put = (name: string, value: string) => {
    const lower = name.toLowerCase();
    const key = seen.get(lower) ?? name;
    seen.set(lower, key);
    headers[key] = value;
    (multiValueHeaders[key] ??= []).push(value);
  };
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) put(rawHeaders[i]!, rawHeaders[i + 1]!);
  // API Gateway adds these before the integration sees the handshake.
  for (const [name, value] of added) if (!seen.has(name.toLowerCase())) put(name, value);
  return { headers, multiValueHeaders };
}

export interface Handshake {
  readonly rawHeaders: readonly string[];
  readonly rawQuery: string;
  readonly port: string;
  readonly traceId: string;
}

/** The handshake's headers with those API Gateway adds before the integration sees them. */
function handshakeHeaders(c: ConnectionInfo, h: Handshake) {
  return headersOf(h.rawHeaders, [
    ['X-Amzn-Trace-Id', h.traceId],
    ['X-Forwarded-For', c.sourceIp],
    ['X-Forwarded-Port', h.port],
    ['X-Forwarded-Proto', 'http'],
  ]);
}

export function connectEvent(c: ConnectionInfo, h: Handshake, requestId: string, at: number): string {
  const q = collectQuery(h.rawQuery);
  return JSON.stringify({
    ...handshakeHeaders(c, h),
    ...(q ? { queryStringParameters: q.single, multiValueQueryStringParameters: q.multi } : {}),
    requestContext: requestContext(c, '$connect', 'CONNECT', requestId, at),
    isBase64Encoded: false,
  });
}

/**
 * The `$connect` REQUEST authorizer's event: the CONNECT event's headers and query string, the
 * stage variables, `type` and the `methodArn` the policy is judged against.
 */
export function authorizerEvent(c: ConnectionInfo, h: Handshake, methodArn: string, requestId: string, at: number): string {
  const q = collectQuery(h.rawQuery);
  const vars = c.stage.stage.stageVariables;
  return JSON.stringify({
    type: 'REQUEST',
    methodArn,
    ...handshakeHeaders(c, h),
    ...(q ? { queryStringParameters: q.single, multiValueQueryStringParameters: q.multi } : {}),
    ...(vars && Object.keys(vars).length > 0 ? { stageVariables: vars } : {}),
    requestContext: requestContext(c, '$connect', 'CONNECT', requestId, at),
  });
}

export function messageEvent(c: ConnectionInfo, routeKey: string, data: Buffer, isBinary: boolean, requestId: string, messageId: string, at: number): string {
  return JSON.stringify({
    requestContext: requestContext(c, routeKey, 'MESSAGE', requestId, at, { messageId }),
    body: isBinary ? data.toString('base64') : data.toString('utf8'),
    isBase64Encoded: isBinary,
  });
}

export function disconnectEvent(c: ConnectionInfo, host: string, code: number, reason: string, requestId: string, at: number): string {
  return JSON.stringify({
    ...headersOf(['Host', host, 'X-Forwarded-For', c.sourceIp], []),
    requestContext: requestContext(c, '$disconnect', 'DISCONNECT', requestId, at, { disconnectStatusCode: code, disconnectReason: reason }),
    isBase64Encoded: false,
  });
}
