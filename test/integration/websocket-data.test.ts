// WebSocket APIs end to end: a real `ws` client connects to Nimbus, a real Node.js 20 function gets
// the CONNECT, MESSAGE and DISCONNECT events, messages are routed by the route selection expression,
// two-way routes answer, $connect refuses handshakes, and @connections (PostToConnection,
// GetConnection, DeleteConnection) works from the test through the AWS SDK and from inside a function.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnection } from 'node:net';
import { request } from 'undici';
import * as V2 from '@aws-sdk/client-apigatewayv2';
import * as Lambda from '@aws-sdk/client-lambda';
import * as Mgmt from '@aws-sdk/client-apigatewaymanagementapi';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { zip } from '../helpers/zip.js';
import { collector, connect, type Collector } from '../helpers/websocket.js';
import { metricReader } from '../helpers/metrics.js';

const ROLE = 'arn:aws:iam::000000000000:role/role';

// Posts every event to the collector, then behaves as the route and the connect query ask.
const HANDLER = `
import { ApiGatewayManagementApiClient, PostToConnectionCommand, GetConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
export const handler = async (event) => {
  await fetch(process.env.COLLECTOR, { method: 'POST', body: JSON.stringify(event) });
  const rc = event.requestContext;
  if (rc.eventType === 'CONNECT') {
    const q = event.queryStringParameters ?? {};
    if (q.fail) throw new Error('no');
    if (q.proto) return { statusCode: 200, headers: { 'Sec-WebSocket-Protocol': q.proto } };
    return { statusCode: q.reject ? Number(q.reject) : 200 };
  }
  if (rc.eventType === 'DISCONNECT') return { statusCode: 200 };
  if (rc.routeKey === 'boom') throw new Error('boom');
  if (rc.routeKey === 'slow') { await new Promise((r) => setTimeout(r, 2000)); return { statusCode: 200 }; }
  if (rc.routeKey === 'push') {
    // As AWS's samples build it, https included (the Node runtime sends https to Nimbus's own address over http).
    const client = new ApiGatewayManagementApiClient({ endpoint: 'https://' + rc.domainName + '/' + rc.stage });
    const info = await client.send(new GetConnectionCommand({ ConnectionId: rc.connectionId }));
    let gone = null;
    try { await client.send(new PostToConnectionCommand({ ConnectionId: 'AAAAAAAAAAAAAAA=', Data: 'x' })); } catch (e) { gone = e.name + ' ' + e.$metadata?.httpStatusCode; }
    await client.send(new PostToConnectionCommand({ ConnectionId: rc.connectionId, Data: JSON.stringify({ pushed: true, gone, sourceIp: info.Identity.SourceIp }) }));
    return { statusCode: 200 };
  }
  return { statusCode: 200, body: JSON.stringify({ routeKey: rc.routeKey, connectionId: rc.connectionId, body: event.body, isBase64Encoded: event.isBase64Encoded }) };
};`;

let nimbus: TestNimbus;
let gw: V2.ApiGatewayV2Client;
let events: Collector;
let apiId: string;
let url: string;
let mgmt: Mgmt.ApiGatewayManagementApiClient;

async function route(api: string, key: string, integrationId: string, twoWay: boolean) {
  const r = await gw.send(new V2.CreateRouteCommand({ ApiId: api, RouteKey: key, Target: `integrations/${integrationId}`, ...(twoWay ? { RouteResponseSelectionExpression: '$default' } : {}) }));
  if (twoWay) await gw.send(new V2.CreateRouteResponseCommand({ ApiId: api, RouteId: r.RouteId, RouteResponseKey: '$default' }));
}

beforeAll(async () => {
  nimbus = await startNimbus();
  events = await collector();
  gw = new V2.ApiGatewayV2Client(clientConfig(nimbus.endpoint));
  const lambda = new Lambda.LambdaClient(clientConfig(nimbus.endpoint));
  const fn = await lambda.send(
    new Lambda.CreateFunctionCommand({
      FunctionName: 'ws-handler',
      Runtime: 'nodejs20.x',
      Role: ROLE,
      Handler: 'index.handler',
      Timeout: 10,
      Environment: { Variables: { COLLECTOR: events.url } },
      Code: { ZipFile: zip({ 'index.mjs': HANDLER }) },
    }),
  );
  await Lambda.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 20 }, { FunctionName: 'ws-handler' });
  apiId = (await gw.send(new V2.CreateApiCommand({ Name: 'chat', ProtocolType: 'WEBSOCKET', RouteSelectionExpression: '$request.body.action' }))).ApiId!;
  const integ = await gw.send(new V2.CreateIntegrationCommand({ ApiId: apiId, IntegrationType: 'AWS_PROXY', IntegrationUri: fn.FunctionArn }));
  const slow = await gw.send(new V2.CreateIntegrationCommand({ ApiId: apiId, IntegrationType: 'AWS_PROXY', IntegrationUri: fn.FunctionArn, TimeoutInMillis: 500 }));
  for (const [key, twoWay] of [['$connect', false], ['$disconnect', false], ['$default', true], ['echo', true], ['oneway', false], ['push', false], ['boom', true]] as const) {
    await route(apiId, key, integ.IntegrationId!, twoWay);
  }
  await route(apiId, 'slow', slow.IntegrationId!, true);
  await gw.send(new V2.CreateStageCommand({ ApiId: apiId, StageName: 'prod' }));
  await gw.send(new V2.CreateDeploymentCommand({ ApiId: apiId, StageName: 'prod' }));
  url = `${nimbus.endpoint.replace('http', 'ws')}/_aws/execute-api/${apiId}/prod`;
  mgmt = new Mgmt.ApiGatewayManagementApiClient({ ...clientConfig(`${nimbus.endpoint}/_aws/execute-api/${apiId}/prod`) });
}, 90_000);

afterAll(async () => {
  await nimbus.dispose();
  await events.close();
});

/** Connects with a tag in the query string and returns the socket and its CONNECT event. */
async function open(tag: string) {
  const socket = await connect(`${url}?tag=${tag}`, { 'user-agent': 'ws-test' });
  const connectEvent = await events.wait((e) => e.requestContext?.eventType === 'CONNECT' && e.queryStringParameters?.tag === tag);
  return { socket, connectEvent, connectionId: connectEvent.requestContext.connectionId as string };
}

describe('connect, message, disconnect', () => {
  it('sends the CONNECT event as AWS does', async () => {
    const { socket, connectEvent: e } = await open('c1');
    const rc = e.requestContext;
    expect(rc).toMatchObject({ routeKey: '$connect', eventType: 'CONNECT', messageDirection: 'IN', stage: 'prod', apiId, identity: { sourceIp: '127.0.0.1', userAgent: 'ws-test' } });
    expect(rc.connectionId).toMatch(/^[A-Za-z0-9]{15}=$/);
    expect(rc.requestId).toBeTypeOf('string');
    expect(rc.extendedRequestId).toBeTypeOf('string');
    expect(rc.connectedAt).toBeTypeOf('number');
    expect(rc.requestTimeEpoch).toBeTypeOf('number');
    expect(rc.domainName).toBe(`${nimbus.endpoint.replace('http://', '')}/_aws/execute-api/${apiId}`);
    expect(e.headers['Sec-WebSocket-Key'] ?? e.headers['sec-websocket-key']).toBeTypeOf('string');
    expect(e.headers['X-Forwarded-For']).toBe('127.0.0.1');
    expect(e.multiValueHeaders['X-Forwarded-Proto']).toEqual(['http']);
    expect(e.queryStringParameters).toEqual({ tag: 'c1' });
    expect(e.multiValueQueryStringParameters).toEqual({ tag: ['c1'] });
    expect(e.isBase64Encoded).toBe(false);
    socket.ws.close(1000, 'bye');
    const d = await events.wait((x) => x.requestContext?.eventType === 'DISCONNECT' && x.requestContext.connectionId === rc.connectionId);
    expect(d.requestContext).toMatchObject({ routeKey: '$disconnect', disconnectStatusCode: 1000, disconnectReason: 'bye', connectedAt: rc.connectedAt });
  });

  it('routes by the selection expression, answers two-way routes, falls back to $default', async () => {
    const { socket, connectionId } = await open('m1');
    socket.send(JSON.stringify({ action: 'echo', n: 1 }));
    const echoed = await socket.nextJson();
    expect(echoed).toEqual({ routeKey: 'echo', connectionId, body: '{"action":"echo","n":1}', isBase64Encoded: false });
    const message = await events.wait((e) => e.requestContext?.eventType === 'MESSAGE' && e.requestContext.routeKey === 'echo' && e.requestContext.connectionId === connectionId);
    expect(message.requestContext).toMatchObject({ messageDirection: 'IN', stage: 'prod', apiId, identity: { sourceIp: '127.0.0.1' } });
    expect(message.requestContext.messageId).toBeTypeOf('string');
    expect(message.headers).toBeUndefined();
    socket.send('not json at all');
    expect(await socket.nextJson()).toMatchObject({ routeKey: '$default', body: 'not json at all' });
    socket.send(JSON.stringify({ action: 'unknown' }));
    expect(await socket.nextJson()).toMatchObject({ routeKey: '$default' });
    socket.send(Buffer.from([0, 1, 2, 255]));
    expect(await socket.nextJson()).toMatchObject({ routeKey: '$default', body: Buffer.from([0, 1, 2, 255]).toString('base64'), isBase64Encoded: true });
    // A one-way route answers nothing: the next frame is the reply to the message after it.
    socket.send(JSON.stringify({ action: 'oneway' }));
    await events.wait((e) => e.requestContext?.routeKey === 'oneway' && e.requestContext.connectionId === connectionId);
    socket.send(JSON.stringify({ action: 'echo', n: 2 }));
    expect(await socket.nextJson()).toMatchObject({ routeKey: 'echo', body: '{"action":"echo","n":2}' });
    socket.ws.close();
  });

  it('answers AWS error frames for failing and timed-out integrations', async () => {
    const { socket, connectionId } = await open('err');
    socket.send(JSON.stringify({ action: 'boom' }));
    const err = await socket.nextJson();
    expect(err).toMatchObject({ message: 'Internal server error', connectionId });
    expect(err.requestId).toBeTypeOf('string');
    socket.send(JSON.stringify({ action: 'slow' }));
    expect(await socket.nextJson()).toMatchObject({ message: 'Endpoint request timed out', connectionId });
    socket.ws.close();
  });

  it('answers Forbidden when no route matches and there is no $default', async () => {
    const api = (await gw.send(new V2.CreateApiCommand({ Name: 'strict', ProtocolType: 'WEBSOCKET', RouteSelectionExpression: '$request.body.action' }))).ApiId!;
    const fnArn = 'arn:aws:lambda:us-east-1:000000000000:function:ws-handler';
    const integ = await gw.send(new V2.CreateIntegrationCommand({ ApiId: api, IntegrationType: 'AWS_PROXY', IntegrationUri: fnArn }));
    await route(api, 'echo', integ.IntegrationId!, true);
    await gw.send(new V2.CreateStageCommand({ ApiId: api, StageName: 'dev', AutoDeploy: true }));
    const socket = await connect(`${nimbus.endpoint.replace('http', 'ws')}/_aws/execute-api/${api}/dev`);
    socket.send(JSON.stringify({ action: 'nope' }));
    const frame = await socket.nextJson();
    expect(frame.message).toBe('Forbidden');
    expect(frame.connectionId).toMatch(/=$/);
    expect(frame.requestId).toBeTypeOf('string');
    socket.send(JSON.stringify({ action: 'echo' }));
    expect(await socket.nextJson()).toMatchObject({ routeKey: 'echo' });
    const strictMgmt = new Mgmt.ApiGatewayManagementApiClient(clientConfig(`${nimbus.endpoint}/_aws/execute-api/${api}/dev`));
    await strictMgmt.send(new Mgmt.PostToConnectionCommand({ ConnectionId: frame.connectionId, Data: 'out' }));
    expect(await socket.next()).toBe('out');
    // AWS/ApiGateway's WebSocket metrics: messages both ways, the refused one a client error.
    const sum = metricReader(nimbus.endpoint, 'AWS/ApiGateway', { ApiId: api, Stage: 'dev' });
    expect(await sum('MessageCount', 'Sum')).toBe(3);
    expect(await sum('ClientError', 'Sum')).toBe(1);
    expect(await sum('IntegrationLatency', 'SampleCount')).toBe(1);
    expect(await sum('ExecutionError', 'Sum')).toBe(0);
    expect(await sum('ConnectCount', 'Sum')).toBe(0);
    socket.ws.close();
  });

  it('reaches the API by host name too', async () => {
    const port = nimbus.endpoint.split(':').pop();
    const socket = await connect(`ws://127.0.0.1:${port}/prod?tag=host`, { host: `${apiId}.execute-api.localhost:${port}` });
    await events.wait((e) => e.queryStringParameters?.tag === 'host');
    socket.send(JSON.stringify({ action: 'echo' }));
    expect(await socket.nextJson()).toMatchObject({ routeKey: 'echo' });
    socket.ws.close();
  });
});

describe('subprotocols', () => {
  it('echoes the subprotocol the $connect answer chose, and none otherwise', async () => {
    const chosen = await connect(`${url}?proto=chat.v2`, {}, ['chat.v1', 'chat.v2']);
    expect(chosen.ws.protocol).toBe('chat.v2');
    chosen.ws.close();
    // The client asked for a subprotocol nobody chose: the handshake has none, which `ws` refuses.
    const none = await connect(url, {}, ['chat.v1']).catch((e: Error) => e);
    expect((none as Error).message).toMatch(/no subprotocol/);
  });
});

describe('$connect refusals', () => {
  it('refuses the handshake with the status $connect answers', async () => {
    const refused = await connect(`${url}?reject=401`).catch((e: { status: number }) => e);
    expect((refused as { status: number }).status).toBe(401);
    const failed = await connect(`${url}?fail=1`).catch((e: { status: number; body: string }) => e);
    expect((failed as { status: number }).status).toBe(500);
    const sum = metricReader(nimbus.endpoint, 'AWS/ApiGateway', { ApiId: apiId });
    expect(await sum('IntegrationError', 'Sum')).toBeGreaterThanOrEqual(1);
    expect(await sum('ExecutionError', 'Sum')).toBeGreaterThanOrEqual(1);
    expect(await sum('ConnectCount', 'Sum')).toBeGreaterThanOrEqual(2);
  });

  it('refuses unknown stages and APIs that are not WebSocket APIs', async () => {
    const stage = await connect(`${nimbus.endpoint.replace('http', 'ws')}/_aws/execute-api/${apiId}/nostage`).catch((e: { status: number }) => e);
    expect((stage as { status: number }).status).toBe(403);
    const http = (await gw.send(new V2.CreateApiCommand({ Name: 'h', ProtocolType: 'HTTP' }))).ApiId!;
    const notWs = await connect(`${nimbus.endpoint.replace('http', 'ws')}/_aws/execute-api/${http}/x`).catch((e: { status: number }) => e);
    expect((notWs as { status: number }).status).toBe(403);
  });
});

describe('@connections', () => {
  it('posts to, reads and deletes a connection through the AWS SDK', async () => {
    const { socket, connectionId } = await open('mgmt');
    await mgmt.send(new Mgmt.PostToConnectionCommand({ ConnectionId: connectionId, Data: 'hello from the test' }));
    expect(await socket.next()).toBe('hello from the test');
    const info = await mgmt.send(new Mgmt.GetConnectionCommand({ ConnectionId: connectionId }));
    expect(info.Identity).toEqual({ SourceIp: '127.0.0.1', UserAgent: 'ws-test' });
    expect(info.ConnectedAt).toBeInstanceOf(Date);
    expect(info.LastActiveAt!.getTime()).toBeGreaterThanOrEqual(info.ConnectedAt!.getTime());
    await mgmt.send(new Mgmt.DeleteConnectionCommand({ ConnectionId: connectionId }));
    const closed = await socket.closed;
    expect(closed.code).toBe(1000);
    const d = await events.wait((e) => e.requestContext?.eventType === 'DISCONNECT' && e.requestContext.connectionId === connectionId);
    expect(d.requestContext.disconnectStatusCode).toBe(1000);
    const gone = await mgmt.send(new Mgmt.PostToConnectionCommand({ ConnectionId: connectionId, Data: 'x' })).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(Mgmt.GoneException);
    expect((gone as Mgmt.GoneException).$metadata.httpStatusCode).toBe(410);
    const gone2 = await mgmt.send(new Mgmt.GetConnectionCommand({ ConnectionId: 'nope' })).catch((e: unknown) => e);
    expect((gone2 as Error).name).toBe('GoneException');
    const gone3 = await mgmt.send(new Mgmt.DeleteConnectionCommand({ ConnectionId: 'nope' })).catch((e: unknown) => e);
    expect((gone3 as Error).name).toBe('GoneException');
  });

  it('refuses messages over 128 KB with PayloadTooLargeException', async () => {
    const { socket, connectionId } = await open('big');
    const big = await mgmt.send(new Mgmt.PostToConnectionCommand({ ConnectionId: connectionId, Data: 'x'.repeat(128 * 1024 + 1) })).catch((e: unknown) => e);
    expect((big as Error).name).toBe('PayloadTooLargeException');
    await mgmt.send(new Mgmt.PostToConnectionCommand({ ConnectionId: connectionId, Data: 'y'.repeat(1000) }));
    expect(await socket.next()).toBe('y'.repeat(1000));
    socket.ws.close();
  });

  it('is reachable from a function through requestContext.domainName and stage', async () => {
    const { socket } = await open('push');
    socket.send(JSON.stringify({ action: 'push' }));
    expect(await socket.nextJson()).toEqual({ pushed: true, gone: 'GoneException 410', sourceIp: '127.0.0.1' });
    socket.ws.close();
  });

  it('answers plain HTTP requests for the WebSocket endpoint without crashing', async () => {
    const res = await request(`${nimbus.endpoint}/_aws/execute-api/${apiId}/prod`);
    expect(res.statusCode).toBe(426);
    await res.body.text();
    const other = await request(`${nimbus.endpoint}/_aws/execute-api/${apiId}/prod/whatever`);
    expect(other.statusCode).toBe(403);
    await other.body.text();
  });
});

describe('misbehaving clients', () => {
  it('closes a connection whose message is over 128 KB with 1009, and keeps serving others', async () => {
    const { socket, connectionId } = await open('huge');
    socket.send('z'.repeat(128 * 1024 + 1));
    expect((await socket.closed).code).toBe(1009);
    const d = await events.wait((e) => e.requestContext?.eventType === 'DISCONNECT' && e.requestContext.connectionId === connectionId);
    expect(d.requestContext.disconnectStatusCode).toBe(1009);
    const other = await open('after-huge');
    other.socket.send(JSON.stringify({ action: 'echo' }));
    expect(await other.socket.nextJson()).toMatchObject({ routeKey: 'echo' });
    other.socket.ws.close();
  });

  it('survives garbage frames and abrupt closes', async () => {
    const { socket, connectionId } = await open('garbage');
    // An unmasked frame with a reserved opcode: a protocol error for the server.
    const raw = (socket.ws as unknown as { _socket: import('node:net').Socket })._socket;
    raw.write(Buffer.from([0x8b, 0x03, 1, 2, 3]));
    const closed = await socket.closed;
    expect(closed.code).toBeGreaterThanOrEqual(1002);
    const protocolError = await events.wait((e) => e.requestContext?.eventType === 'DISCONNECT' && e.requestContext.connectionId === connectionId);
    expect(protocolError.requestContext).toMatchObject({ disconnectStatusCode: 1002, disconnectReason: 'Protocol error' });
    const abrupt = await open('abrupt');
    (abrupt.socket.ws as unknown as { _socket: import('node:net').Socket })._socket.destroy();
    const d = await events.wait((e) => e.requestContext?.eventType === 'DISCONNECT' && e.requestContext.connectionId === abrupt.connectionId);
    expect(d.requestContext.disconnectStatusCode).toBe(1006);
    const ok = await open('still-ok');
    ok.socket.send(JSON.stringify({ action: 'echo' }));
    expect(await ok.socket.nextJson()).toMatchObject({ routeKey: 'echo' });
    ok.socket.ws.close();
    expect(nimbus.logs.filter((l) => /Error|error/.test(l) && !/function/.test(l))).toEqual([]);
  });

  it('answers a malformed handshake with 400 and survives a client that leaves during $connect', async () => {
    const { port, hostname } = new URL(nimbus.endpoint);
    const raw = (request: string) =>
      new Promise<{ socket: import('node:net').Socket; reply: Promise<string> }>((resolve) => {
        const socket = createConnection({ host: hostname, port: Number(port) }, () => {
          socket.write(request);
          const reply = new Promise<string>((r) => {
            let text = '';
            socket.on('data', (c: Buffer) => (text += c.toString()));
            socket.on('close', () => r(text));
          });
          resolve({ socket, reply });
        });
        socket.on('error', () => undefined);
      });
    const path = `/_aws/execute-api/${apiId}/prod`;
    const bad = await raw(`GET ${path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    expect(await bad.reply).toMatch(/^HTTP\/1.1 400 /);
    // A good handshake whose client is gone before $connect answers.
    const key = Buffer.alloc(16, 7).toString('base64');
    const leaving = await raw(`GET ${path}?tag=leaver HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    leaving.socket.destroy();
    await events.wait((e) => e.requestContext?.eventType === 'CONNECT' && e.queryStringParameters?.tag === 'leaver');
    const ok = await open('after-leaver');
    ok.socket.send(JSON.stringify({ action: 'echo' }));
    expect(await ok.socket.nextJson()).toMatchObject({ routeKey: 'echo' });
    ok.socket.ws.close();
  });
});
