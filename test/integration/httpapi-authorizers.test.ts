// Lambda authorizers of HTTP APIs over real HTTP: the control plane (CRUD, validation, CUSTOM
// routes) and the data plane (missing identity, simple and IAM answers, context, caching, errors).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import * as V2 from '@aws-sdk/client-apigatewayv2';
import * as Lambda from '@aws-sdk/client-lambda';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { failure } from '../helpers/failure.js';
import { nodeFunction } from '../helpers/functions.js';

const REGION = 'us-east-1';

let nimbus: TestNimbus;
let gw: V2.ApiGatewayV2Client;
let lambda: Lambda.LambdaClient;
let echoArn = '';
let authArn = '';

const ECHO = `
export const handler = async (event) => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) });`;

// Decides by the identity value (header `authorization` or query `token`), counting its calls.
const AUTH = `
let calls = 0;
export const handler = async (event) => {
  calls++;
  const id = Array.isArray(event.identitySource) ? event.identitySource[0] : String(event.identitySource).split(',')[0];
  const arn = event.routeArn ?? event.methodArn;
  if (id === 'count') return { isAuthorized: true, context: { calls } };
  if (id === 'throw') throw new Error('boom');
  if (id === 'garbage') return { hello: 'world' };
  if (id === 'simple-yes') return { isAuthorized: true, context: { user: 'alice', n: 1 } };
  if (id === 'simple-no') return { isAuthorized: false };
  if (id === 'echo') return { isAuthorized: true, context: { event: JSON.stringify(event) } };
  const policy = (effect, resource) => ({ principalId: 'p-1', policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }] }, context: { role: 'admin', calls } });
  if (id === 'allow-exact') return policy('Allow', arn);
  if (id === 'allow-wild') return policy('Allow', arn.split('/')[0] + '/*/GET/*');
  if (id === 'deny') return policy('Deny', '*');
  if (id === 'other-route') return policy('Allow', arn.split('/')[0] + '/*/POST/nothing');
  return { isAuthorized: false };
};`;

const fn = (name: string, code: string) => nodeFunction(lambda, name, code);

const uriOf = (arn: string) => `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${arn}/invocations`;

async function http(url: string, headers: Record<string, string> = {}) {
  const res = await request(url, { headers });
  const text = await res.body.text();
  return { status: res.statusCode, text, json: () => JSON.parse(text) as Record<string, any> };
}

async function rejects(p: Promise<unknown>, name: string, status: number) {
  const f = await failure(p);
  expect(f).toMatchObject({ name, status });
  return f;
}

/** An API with the echo integration behind `GET /open`, and `route` guarded by a new authorizer. */
async function apiWith(authorizer: Omit<V2.CreateAuthorizerRequest, 'ApiId' | 'Name' | 'AuthorizerType' | 'AuthorizerUri'>, format: '1.0' | '2.0' = '2.0') {
  const apiId = (await gw.send(new V2.CreateApiCommand({ Name: 'authz', ProtocolType: 'HTTP' }))).ApiId!;
  await gw.send(new V2.CreateStageCommand({ ApiId: apiId, StageName: '$default', AutoDeploy: true }));
  const integ = await gw.send(new V2.CreateIntegrationCommand({ ApiId: apiId, IntegrationType: 'AWS_PROXY', IntegrationUri: echoArn, PayloadFormatVersion: format }));
  const auth = await gw.send(
    new V2.CreateAuthorizerCommand({ ApiId: apiId, Name: 'lambda-auth', AuthorizerType: 'REQUEST', AuthorizerUri: uriOf(authArn), ...authorizer }),
  );
  const target = `integrations/${integ.IntegrationId}`;
  await gw.send(new V2.CreateRouteCommand({ ApiId: apiId, RouteKey: 'GET /open', Target: target }));
  await gw.send(new V2.CreateRouteCommand({ ApiId: apiId, RouteKey: 'GET /items/{id}', Target: target, AuthorizationType: 'CUSTOM', AuthorizerId: auth.AuthorizerId }));
  return { apiId, authorizerId: auth.AuthorizerId!, base: `${nimbus.endpoint}/_aws/execute-api/${apiId}` };
}

beforeAll(async () => {
  nimbus = await startNimbus();
  gw = new V2.ApiGatewayV2Client(clientConfig(nimbus.endpoint));
  lambda = new Lambda.LambdaClient(clientConfig(nimbus.endpoint));
  echoArn = await fn('authz-echo', ECHO);
  authArn = await fn('authz-authorizer', AUTH);
}, 60_000);

afterAll(async () => {
  await nimbus.dispose();
});

describe('control plane', () => {
  let apiId: string;
  beforeAll(async () => {
    apiId = (await gw.send(new V2.CreateApiCommand({ Name: 'authz-cp', ProtocolType: 'HTTP' }))).ApiId!;
  });

  it('creates, reads, lists, updates and deletes a REQUEST authorizer', async () => {
    const created = await gw.send(
      new V2.CreateAuthorizerCommand({
        ApiId: apiId,
        Name: 'a1',
        AuthorizerType: 'REQUEST',
        AuthorizerUri: uriOf(authArn),
        AuthorizerPayloadFormatVersion: '2.0',
        EnableSimpleResponses: true,
        IdentitySource: ['$request.header.Authorization'],
        AuthorizerResultTtlInSeconds: 300,
      }),
    );
    expect(created).toMatchObject({ Name: 'a1', AuthorizerType: 'REQUEST', EnableSimpleResponses: true, IdentitySource: ['$request.header.Authorization'], AuthorizerResultTtlInSeconds: 300 });
    const id = created.AuthorizerId!;
    expect((await gw.send(new V2.GetAuthorizerCommand({ ApiId: apiId, AuthorizerId: id }))).AuthorizerUri).toBe(uriOf(authArn));
    expect((await gw.send(new V2.GetAuthorizersCommand({ ApiId: apiId }))).Items?.map((a) => a.AuthorizerId)).toEqual([id]);
    const updated = await gw.send(new V2.UpdateAuthorizerCommand({ ApiId: apiId, AuthorizerId: id, Name: 'a2', IdentitySource: ['$request.querystring.token'] }));
    expect(updated).toMatchObject({ Name: 'a2', IdentitySource: ['$request.querystring.token'], AuthorizerResultTtlInSeconds: 300 });

    const route = await gw.send(new V2.CreateRouteCommand({ ApiId: apiId, RouteKey: 'GET /x', AuthorizationType: 'CUSTOM', AuthorizerId: id }));
    expect(route).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: id });
    await rejects(gw.send(new V2.DeleteAuthorizerCommand({ ApiId: apiId, AuthorizerId: id })), 'ConflictException', 409);
    const open = await gw.send(new V2.UpdateRouteCommand({ ApiId: apiId, RouteId: route.RouteId!, AuthorizationType: 'NONE' }));
    expect(open.AuthorizationType).toBe('NONE');
    expect(open.AuthorizerId).toBeUndefined();
    await gw.send(new V2.DeleteAuthorizerCommand({ ApiId: apiId, AuthorizerId: id }));
    const gone = await rejects(gw.send(new V2.GetAuthorizerCommand({ ApiId: apiId, AuthorizerId: id })), 'NotFoundException', 404);
    expect(gone.message).toBe(`Invalid Authorizer identifier specified 000000000000:${id}`);
  });

  it('refuses invalid authorizers and routes with AWS errors', async () => {
    const base = { ApiId: apiId, Name: 'bad', AuthorizerType: 'REQUEST' as const, AuthorizerUri: uriOf(authArn), AuthorizerPayloadFormatVersion: '2.0', IdentitySource: [] as string[] };
    await rejects(gw.send(new V2.CreateAuthorizerCommand({ ...base, AuthorizerUri: authArn })), 'BadRequestException', 400);
    await rejects(gw.send(new V2.CreateAuthorizerCommand({ ...base, AuthorizerPayloadFormatVersion: undefined })), 'BadRequestException', 400);
    await rejects(gw.send(new V2.CreateAuthorizerCommand({ ...base, AuthorizerPayloadFormatVersion: '1.0', EnableSimpleResponses: true })), 'BadRequestException', 400);
    await rejects(gw.send(new V2.CreateAuthorizerCommand({ ...base, AuthorizerResultTtlInSeconds: 3601, IdentitySource: ['$request.header.A'] })), 'BadRequestException', 400);
    await rejects(gw.send(new V2.CreateAuthorizerCommand({ ...base, AuthorizerResultTtlInSeconds: 60 })), 'BadRequestException', 400);
    await rejects(gw.send(new V2.CreateAuthorizerCommand({ ...base, IdentitySource: ['header.Authorization'] })), 'BadRequestException', 400);
    await rejects(
      gw.send(new V2.CreateAuthorizerCommand({ ...base, AuthorizerType: 'JWT', JwtConfiguration: { Issuer: 'https://x', Audience: ['a'] } })),
      'BadRequestException',
      400,
    );
    await rejects(gw.send(new V2.CreateRouteCommand({ ApiId: apiId, RouteKey: 'GET /y', AuthorizationType: 'CUSTOM' })), 'BadRequestException', 400);
    await rejects(gw.send(new V2.CreateRouteCommand({ ApiId: apiId, RouteKey: 'GET /y', AuthorizationType: 'CUSTOM', AuthorizerId: 'nope123' })), 'NotFoundException', 404);
    await rejects(gw.send(new V2.CreateRouteCommand({ ApiId: apiId, RouteKey: 'GET /y', AuthorizationType: 'JWT', AuthorizerId: 'nope123' })), 'BadRequestException', 400);
    await rejects(gw.send(new V2.GetAuthorizerCommand({ ApiId: apiId, AuthorizerId: 'nope123' })), 'NotFoundException', 404);
  });
});

describe('payload 2.0, simple responses', () => {
  let base = '';
  beforeAll(async () => {
    ({ base } = await apiWith({ AuthorizerPayloadFormatVersion: '2.0', EnableSimpleResponses: true, IdentitySource: ['$request.header.Authorization'] }));
  });

  it('answers 401 without the identity source and never calls the function', async () => {
    const res = await http(`${base}/items/1`);
    expect(res.status).toBe(401);
    expect(res.json()).toEqual({ message: 'Unauthorized' });
  });

  it('lets open routes through untouched', async () => {
    const res = await http(`${base}/open`);
    expect(res.status).toBe(200);
    expect(res.json().requestContext.authorizer).toBeUndefined();
  });

  it('allows with isAuthorized true and passes the context to the integration', async () => {
    const res = await http(`${base}/items/1`, { authorization: 'simple-yes' });
    expect(res.status).toBe(200);
    expect(res.json().requestContext.authorizer).toEqual({ lambda: { user: 'alice', n: 1 } });
  });

  it('answers 403 for isAuthorized false and 500 for errors and invalid answers', async () => {
    expect(await http(`${base}/items/1`, { authorization: 'simple-no' })).toMatchObject({ status: 403, text: '{"message":"Forbidden"}' });
    expect(await http(`${base}/items/1`, { authorization: 'throw' })).toMatchObject({ status: 500, text: '{"message":"Internal Server Error"}' });
    expect(await http(`${base}/items/1`, { authorization: 'garbage' })).toMatchObject({ status: 500, text: '{"message":"Internal Server Error"}' });
  });

  it('sends the 2.0 authorizer event', async () => {
    const res = await http(`${base}/items/42?q=1`, { authorization: 'echo', cookie: 'a=b' });
    expect(res.status).toBe(200);
    const event = JSON.parse(res.json().requestContext.authorizer.lambda.event as string);
    const apiId = base.split('/').pop();
    expect(event).toMatchObject({
      version: '2.0',
      type: 'REQUEST',
      routeArn: `arn:aws:execute-api:${REGION}:000000000000:${apiId}/$default/GET/items/42`,
      identitySource: ['echo'],
      routeKey: 'GET /items/{id}',
      rawPath: '/items/42',
      rawQueryString: 'q=1',
      cookies: ['a=b'],
      queryStringParameters: { q: '1' },
      pathParameters: { id: '42' },
      requestContext: { apiId, routeKey: 'GET /items/{id}', stage: '$default', http: { method: 'GET', path: '/items/42' } },
    });
    expect(event.headers.authorization).toBe('echo');
    expect(event.body).toBeUndefined();
  });

  it('calls the function every time with a TTL of 0', async () => {
    const a = (await http(`${base}/items/1`, { authorization: 'count' })).json().requestContext.authorizer.lambda.calls as number;
    const b = (await http(`${base}/items/1`, { authorization: 'count' })).json().requestContext.authorizer.lambda.calls as number;
    expect(b).toBeGreaterThan(a);
  });
});

describe('IAM policy answers, payload 1.0, caching', () => {
  let base = '';
  beforeAll(async () => {
    ({ base } = await apiWith(
      { AuthorizerPayloadFormatVersion: '1.0', IdentitySource: ['$request.querystring.token'], AuthorizerResultTtlInSeconds: 300 },
      '1.0',
    ));
  });

  it('allows on an Allow for the exact route ARN and hands principalId and context to a 1.0 integration', async () => {
    const res = await http(`${base}/items/1?token=allow-exact`);
    expect(res.status).toBe(200);
    expect(res.json().requestContext.authorizer).toMatchObject({ principalId: 'p-1', role: 'admin' });
  });

  it('matches wildcard resources, and refuses a Deny or an Allow for another route', async () => {
    expect((await http(`${base}/items/2?token=allow-wild`)).status).toBe(200);
    expect(await http(`${base}/items/2?token=deny`)).toMatchObject({ status: 403, text: '{"message":"Forbidden"}' });
    expect((await http(`${base}/items/2?token=other-route`)).status).toBe(403);
    expect((await http(`${base}/items/2`)).status).toBe(401);
  });

  it('caches the answer by identity value for the TTL', async () => {
    const first = (await http(`${base}/items/1?token=allow-wild`)).json().requestContext.authorizer.calls;
    const again = (await http(`${base}/items/3?token=allow-wild`)).json().requestContext.authorizer.calls;
    expect(again).toBe(first);
  });

  it('forgets cached answers when the API changes', async () => {
    const apiId = base.split('/').pop()!;
    const before = (await http(`${base}/items/1?token=allow-wild`)).json().requestContext.authorizer.calls;
    const authorizers = await gw.send(new V2.GetAuthorizersCommand({ ApiId: apiId }));
    await gw.send(new V2.UpdateAuthorizerCommand({ ApiId: apiId, AuthorizerId: authorizers.Items![0]!.AuthorizerId!, AuthorizerResultTtlInSeconds: 0 }));
    const after = (await http(`${base}/items/1?token=allow-wild`)).json().requestContext.authorizer.calls;
    expect(after).not.toBe(before);
  });
});

describe('deployments', () => {
  it('freeze the authorizers with the routes', async () => {
    const apiId = (await gw.send(new V2.CreateApiCommand({ Name: 'authz-dep', ProtocolType: 'HTTP' }))).ApiId!;
    const integ = await gw.send(new V2.CreateIntegrationCommand({ ApiId: apiId, IntegrationType: 'AWS_PROXY', IntegrationUri: echoArn, PayloadFormatVersion: '2.0' }));
    const auth = await gw.send(
      new V2.CreateAuthorizerCommand({
        ApiId: apiId,
        Name: 'a',
        AuthorizerType: 'REQUEST',
        AuthorizerUri: uriOf(authArn),
        AuthorizerPayloadFormatVersion: '2.0',
        EnableSimpleResponses: true,
        IdentitySource: ['$request.header.Authorization'],
      }),
    );
    await gw.send(new V2.CreateRouteCommand({ ApiId: apiId, RouteKey: 'GET /p', Target: `integrations/${integ.IntegrationId}`, AuthorizationType: 'CUSTOM', AuthorizerId: auth.AuthorizerId }));
    await gw.send(new V2.CreateStageCommand({ ApiId: apiId, StageName: 'prod' }));
    await gw.send(new V2.CreateDeploymentCommand({ ApiId: apiId, StageName: 'prod' }));
    const url = `${nimbus.endpoint}/_aws/execute-api/${apiId}/prod/p`;
    expect((await http(url, { authorization: 'simple-yes' })).status).toBe(200);
    // Changing the authorizer does not reach the stage until the next deployment.
    await gw.send(new V2.UpdateAuthorizerCommand({ ApiId: apiId, AuthorizerId: auth.AuthorizerId!, IdentitySource: ['$request.header.X-Other'] }));
    expect((await http(url, { authorization: 'simple-yes' })).status).toBe(200);
    await gw.send(new V2.CreateDeploymentCommand({ ApiId: apiId, StageName: 'prod' }));
    expect((await http(url, { authorization: 'simple-yes' })).status).toBe(401);
  });
});
