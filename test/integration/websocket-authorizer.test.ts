// A `$connect` Lambda REQUEST authorizer on a WebSocket API: the control plane's rules for it (AWS
// restricts authorization to $connect), then real handshakes: a missing identity source is a 401,
// a Deny policy a 403, an Allow lets the connection in and its principalId and context reach every
// event of the connection as requestContext.authorizer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as V2 from '@aws-sdk/client-apigatewayv2';
import * as Lambda from '@aws-sdk/client-lambda';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { zip } from '../helpers/zip.js';
import { collector, connect, type Collector } from '../helpers/websocket.js';

const ROLE = 'arn:aws:iam::000000000000:role/role';

// Posts its event to the collector; allows the token `good` (principal `ada`), denies any other.
const AUTHORIZER = `
export const handler = async (event) => {
  await fetch(process.env.COLLECTOR, { method: 'POST', body: JSON.stringify(event) });
  const token = event.headers.Auth ?? event.headers.auth;
  if (token === 'broken') return { nonsense: true };
  return {
    principalId: 'ada',
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: token === 'good' ? 'Allow' : 'Deny', Resource: event.methodArn }] },
    context: { tier: 'gold', level: 3 },
  };
};`;

// Answers every message with the requestContext.authorizer it got.
const HANDLER = `export const handler = async (event) => ({ statusCode: 200, body: JSON.stringify(event.requestContext.authorizer ?? null) });`;

let nimbus: TestNimbus;
let gw: V2.ApiGatewayV2Client;
let events: Collector;
let apiId: string;
let url: string;
let authorizerId: string;

async function fn(lambda: Lambda.LambdaClient, name: string, code: string, env: Record<string, string> = {}) {
  const out = await lambda.send(
    new Lambda.CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Environment: { Variables: env }, Code: { ZipFile: zip({ 'index.mjs': code }) } }),
  );
  await Lambda.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 20 }, { FunctionName: name });
  return out.FunctionArn!;
}

const failure = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected a failure');
};

beforeAll(async () => {
  nimbus = await startNimbus();
  events = await collector();
  gw = new V2.ApiGatewayV2Client(clientConfig(nimbus.endpoint));
  const lambda = new Lambda.LambdaClient(clientConfig(nimbus.endpoint));
  const authArn = await fn(lambda, 'ws-auth', AUTHORIZER, { COLLECTOR: events.url });
  const handlerArn = await fn(lambda, 'ws-who', HANDLER);
  apiId = (await gw.send(new V2.CreateApiCommand({ Name: 'guarded', ProtocolType: 'WEBSOCKET', RouteSelectionExpression: '$request.body.action' }))).ApiId!;
  const authorizer = await gw.send(
    new V2.CreateAuthorizerCommand({
      ApiId: apiId,
      Name: 'gate',
      AuthorizerType: 'REQUEST',
      AuthorizerUri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${authArn}/invocations`,
      IdentitySource: ['route.request.header.Auth'],
    }),
  );
  authorizerId = authorizer.AuthorizerId!;
  const integ = await gw.send(new V2.CreateIntegrationCommand({ ApiId: apiId, IntegrationType: 'AWS_PROXY', IntegrationUri: handlerArn }));
  await gw.send(new V2.CreateRouteCommand({ ApiId: apiId, RouteKey: '$connect', AuthorizationType: 'CUSTOM', AuthorizerId: authorizerId }));
  const def = await gw.send(new V2.CreateRouteCommand({ ApiId: apiId, RouteKey: '$default', Target: `integrations/${integ.IntegrationId}` }));
  await gw.send(new V2.CreateRouteResponseCommand({ ApiId: apiId, RouteId: def.RouteId, RouteResponseKey: '$default' }));
  await gw.send(new V2.CreateStageCommand({ ApiId: apiId, StageName: 'prod', AutoDeploy: true, StageVariables: { region: 'north' } }));
  url = `${nimbus.endpoint.replace('http', 'ws')}/_aws/execute-api/${apiId}/prod`;
}, 90_000);

afterAll(async () => {
  await nimbus.dispose();
  await events.close();
});

describe('WebSocket authorizers in the control plane', () => {
  it('keeps what a WebSocket REQUEST authorizer is', async () => {
    const got = await gw.send(new V2.GetAuthorizerCommand({ ApiId: apiId, AuthorizerId: authorizerId }));
    expect(got).toMatchObject({ AuthorizerType: 'REQUEST', IdentitySource: ['route.request.header.Auth'], Name: 'gate' });
    expect(got.AuthorizerPayloadFormatVersion).toBeUndefined();
  });

  it('refuses what WebSocket authorizers and routes do not take', async () => {
    const uri = 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:ws-auth/invocations';
    const cases: Array<Partial<V2.CreateAuthorizerCommandInput>> = [
      { IdentitySource: ['$request.header.Auth'] },
      { AuthorizerPayloadFormatVersion: '2.0' },
      { EnableSimpleResponses: true },
      { AuthorizerResultTtlInSeconds: 60 },
    ];
    for (const extra of cases) {
      const input = { ApiId: apiId, Name: 'x', AuthorizerType: 'REQUEST' as const, AuthorizerUri: uri, IdentitySource: ['route.request.header.Auth'], ...extra };
      const f = await failure(gw.send(new V2.CreateAuthorizerCommand(input)));
      expect([f.name, f.status], JSON.stringify(extra)).toEqual(['BadRequestException', 400]);
    }
    const onMessage = await failure(gw.send(new V2.CreateRouteCommand({ ApiId: apiId, RouteKey: 'send', AuthorizationType: 'CUSTOM', AuthorizerId: authorizerId })));
    expect([onMessage.name, onMessage.status, onMessage.message]).toEqual(['BadRequestException', 400, 'Currently, authorization is restricted to the $connect route only']);
    const iam = await failure(gw.send(new V2.CreateRouteCommand({ ApiId: apiId, RouteKey: 'other', AuthorizationType: 'AWS_IAM' })));
    expect([iam.name, iam.status]).toEqual(['BadRequestException', 400]);
  });
});

describe('$connect authorization', () => {
  it('answers 401 without calling the authorizer when the identity source is missing', async () => {
    const refused = await connect(url).catch((e: { status: number }) => e);
    expect((refused as { status: number }).status).toBe(401);
  });

  it('answers 403 when the policy denies, and 500 for an unusable answer', async () => {
    const denied = await connect(`${url}?t=deny`, { Auth: 'bad' }).catch((e: { status: number }) => e);
    expect((denied as { status: number }).status).toBe(403);
    const event = await events.wait((e) => e.queryStringParameters?.t === 'deny');
    expect(event).toMatchObject({ type: 'REQUEST', methodArn: `arn:aws:execute-api:us-east-1:000000000000:${apiId}/prod/$connect`, stageVariables: { region: 'north' } });
    expect(event.headers.Auth).toBe('bad');
    expect(event.requestContext).toMatchObject({ routeKey: '$connect', eventType: 'CONNECT', apiId, stage: 'prod' });
    const broken = await connect(url, { Auth: 'broken' }).catch((e: { status: number }) => e);
    expect((broken as { status: number }).status).toBe(500);
  });

  it('lets an allowed client in, with principalId and context in every event', async () => {
    const socket = await connect(url, { Auth: 'good' });
    socket.send('who am I?');
    const authorizer = await socket.nextJson();
    expect(authorizer).toMatchObject({ principalId: 'ada', tier: 'gold', level: 3 });
    expect(authorizer.integrationLatency).toBeTypeOf('number');
    socket.ws.close();
  });
});
