// API Gateway data plane with real back ends: Lambda functions created with
// @aws-sdk/client-lambda (proxy and custom integrations, TOKEN/REQUEST authorizers), an HTTP
// server (HTTP and HTTP_PROXY), and Step Functions (AWS integration, StartSyncExecution).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import * as AG from '@aws-sdk/client-api-gateway';
import * as Lambda from '@aws-sdk/client-lambda';
import * as SFN from '@aws-sdk/client-sfn';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { zip } from '../helpers/zip.js';

const ROLE = 'arn:aws:iam::000000000000:role/role';
const REGION = 'us-east-1';

let nimbus: TestNimbus;
let ag: AG.APIGatewayClient;
let lambda: Lambda.LambdaClient;
let backend: Server;
let backendPort = 0;

async function fn(name: string, code: string): Promise<string> {
  const out = await lambda.send(
    new Lambda.CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Role: ROLE,
      Handler: 'index.handler',
      Code: { ZipFile: zip({ 'index.mjs': code }) },
    }),
  );
  await Lambda.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 20 }, { FunctionName: name });
  return out.FunctionArn!;
}

const invocationUri = (arn: string) => `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${arn}/invocations`;

beforeAll(async () => {
  nimbus = await startNimbus();
  ag = new AG.APIGatewayClient(clientConfig(nimbus.endpoint));
  lambda = new Lambda.LambdaClient(clientConfig(nimbus.endpoint));
  backend = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const status = req.url?.includes('fail') ? 503 : 200;
      res.writeHead(status, { 'content-type': 'application/json', 'x-upstream': 'yes' });
      res.end(JSON.stringify({ url: req.url, method: req.method, body, auth: req.headers['x-token'] ?? null }));
    });
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  backendPort = (backend.address() as AddressInfo).port;
}, 60_000);

afterAll(async () => {
  await new Promise((r) => backend.close(r));
  await nimbus.dispose();
});

async function http(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  const res = await request(url, { method: (opts.method ?? 'GET') as 'GET', headers: opts.headers, body: opts.body });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, any> };
}

const url = (apiId: string, stage: string, path: string) => `${nimbus.endpoint}/_aws/execute-api/${apiId}/${stage}${path}`;

async function newApi(name: string) {
  const created = await ag.send(new AG.CreateRestApiCommand({ name, binaryMediaTypes: ['image/png'] }));
  const resources = await ag.send(new AG.GetResourcesCommand({ restApiId: created.id! }));
  return { id: created.id!, rootId: resources.items!.find((r) => r.path === '/')!.id! };
}

describe('Lambda proxy integration', () => {
  let apiId: string;

  beforeAll(async () => {
    const echo = await fn(
      'apigw-echo',
      `export const handler = async (event) => ({
        statusCode: event.queryStringParameters?.status ? Number(event.queryStringParameters.status) : 200,
        headers: { 'content-type': 'application/json', 'x-fn': 'echo' },
        multiValueHeaders: { 'set-cookie': ['a=1', 'b=2'] },
        body: JSON.stringify(event),
      });`,
    );
    await fn('apigw-broken', `export const handler = async () => ({ statusCode: 200, body: { not: 'a string' } });`);
    await fn('apigw-throws', `export const handler = async () => { throw new Error('boom'); };`);
    await fn(
      'apigw-binary',
      `export const handler = async () => ({ statusCode: 200, headers: { 'content-type': 'image/png' }, isBase64Encoded: true, body: Buffer.from([137, 80, 78, 71]).toString('base64') });`,
    );
    const a = await newApi('lambda-proxy');
    apiId = a.id;
    const proxy = await ag.send(new AG.CreateResourceCommand({ restApiId: apiId, parentId: a.rootId, pathPart: '{proxy+}' }));
    for (const [resourceId, uri] of [
      [proxy.id!, invocationUri(echo)],
      // `${stageVariables.fn}` in the function ARN picks the function per stage.
      [a.rootId, invocationUri(`arn:aws:lambda:${REGION}:000000000000:function:\${stageVariables.fn}`)],
    ] as const) {
      await ag.send(new AG.PutMethodCommand({ restApiId: apiId, resourceId, httpMethod: 'ANY', authorizationType: 'NONE' }));
      await ag.send(new AG.PutIntegrationCommand({ restApiId: apiId, resourceId, httpMethod: 'ANY', type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri }));
    }
    await ag.send(new AG.CreateDeploymentCommand({ restApiId: apiId, stageName: 'prod', variables: { fn: 'apigw-echo' } }));
    await ag.send(new AG.CreateDeploymentCommand({ restApiId: apiId, stageName: 'broken', variables: { fn: 'apigw-broken' } }));
    await ag.send(new AG.CreateDeploymentCommand({ restApiId: apiId, stageName: 'throws', variables: { fn: 'apigw-throws' } }));
    await ag.send(new AG.CreateDeploymentCommand({ restApiId: apiId, stageName: 'binary', variables: { fn: 'apigw-binary' } }));
    await ag.send(new AG.CreateDeploymentCommand({ restApiId: apiId, stageName: 'missing', variables: { fn: 'no-such-function' } }));
  }, 60_000);

  it('passes the format 1.0 event and returns the function response', async () => {
    const r = await http(url(apiId, 'prod', '/a/b%20c?x=1&x=2&y=z&status=201'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Custom': 'v' },
      body: '{"hello":"world"}',
    });
    expect(r.status).toBe(201);
    expect(r.headers['x-fn']).toBe('echo');
    expect(r.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    const e = r.json();
    expect(Object.keys(e).sort()).toEqual(
      ['body', 'headers', 'httpMethod', 'isBase64Encoded', 'multiValueHeaders', 'multiValueQueryStringParameters', 'path', 'pathParameters', 'queryStringParameters', 'requestContext', 'resource', 'stageVariables'],
    );
    expect(e.resource).toBe('/{proxy+}');
    expect(e.path).toBe('/a/b%20c');
    expect(e.httpMethod).toBe('POST');
    expect(e.pathParameters).toEqual({ proxy: 'a/b%20c' });
    expect(e.queryStringParameters).toEqual({ x: '2', y: 'z', status: '201' });
    expect(e.multiValueQueryStringParameters).toEqual({ x: ['1', '2'], y: ['z'], status: ['201'] });
    expect(e.headers['X-Custom']).toBe('v');
    expect(e.multiValueHeaders['X-Custom']).toEqual(['v']);
    expect(e.headers['X-Forwarded-For']).toBe('127.0.0.1');
    expect(e.stageVariables).toEqual({ fn: 'apigw-echo' });
    expect(e.body).toBe('{"hello":"world"}');
    expect(e.isBase64Encoded).toBe(false);
    expect(e.requestContext).toMatchObject({
      resourcePath: '/{proxy+}',
      httpMethod: 'POST',
      path: '/prod/a/b%20c',
      accountId: '000000000000',
      stage: 'prod',
      apiId,
      protocol: 'HTTP/1.1',
      requestId: r.headers['x-amzn-requestid'],
      extendedRequestId: r.headers['x-amz-apigw-id'],
    });
    expect(e.requestContext.identity.sourceIp).toBe('127.0.0.1');
  });

  it('selects the function through a stage variable; GET on / has null query and path parameters', async () => {
    const r = await http(url(apiId, 'prod', '/'));
    expect(r.status).toBe(200);
    const e = r.json();
    expect(e.resource).toBe('/');
    expect(e.queryStringParameters).toBeNull();
    expect(e.pathParameters).toBeNull();
    expect(e.body).toBeNull();
  });

  it('a malformed response or a function error is 502 Internal server error; a missing function 500', async () => {
    const broken = await http(url(apiId, 'broken', '/'));
    expect(broken.status).toBe(502);
    expect(broken.json()).toEqual({ message: 'Internal server error' });
    const throws = await http(url(apiId, 'throws', '/'));
    expect(throws.status).toBe(502);
    const missing = await http(url(apiId, 'missing', '/'));
    expect(missing.status).toBe(500);
    expect(missing.json()).toEqual({ message: 'Internal server error' });
  });

  it('isBase64Encoded bodies are decoded for clients that accept a binary media type', async () => {
    const res = await request(url(apiId, 'binary', '/'), { headers: { accept: 'image/png' } });
    expect(res.statusCode).toBe(200);
    expect([...Buffer.from(await res.body.arrayBuffer())]).toEqual([137, 80, 78, 71]);
    const text = await http(url(apiId, 'binary', '/'), { headers: { accept: 'application/json' } });
    expect(text.text).toBe(Buffer.from([137, 80, 78, 71]).toString('base64'));
  });
});

describe('Lambda authorizers', () => {
  let apiId: string;

  beforeAll(async () => {
    const authz = await fn(
      'apigw-authz',
      `export const handler = async (event) => {
        const token = event.authorizationToken ?? event.headers?.['x-token'] ?? '';
        if (token === 'unauthorized') throw new Error('Unauthorized');
        const effect = token.startsWith('allow') ? 'Allow' : 'Deny';
        return {
          principalId: 'user-' + token,
          policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: event.methodArn.split('/').slice(0, 2).join('/') + '/*' }] },
          context: { tier: 'gold', count: 3, type: event.type },
        };
      };`,
    );
    const echo = (await lambda.send(new Lambda.GetFunctionCommand({ FunctionName: 'apigw-echo' }))).Configuration!.FunctionArn!;
    const a = await newApi('authorized');
    apiId = a.id;
    const tokenAuth = await ag.send(new AG.CreateAuthorizerCommand({
      restApiId: apiId, name: 'token', type: 'TOKEN', authorizerUri: invocationUri(authz),
      identitySource: 'method.request.header.Authorization', authorizerResultTtlInSeconds: 300,
    }));
    const requestAuth = await ag.send(new AG.CreateAuthorizerCommand({
      restApiId: apiId, name: 'request', type: 'REQUEST', authorizerUri: invocationUri(authz),
      identitySource: 'method.request.header.X-Token', authorizerResultTtlInSeconds: 0,
    }));
    for (const [part, auth] of [['token', tokenAuth.id!], ['request', requestAuth.id!]] as const) {
      const r = await ag.send(new AG.CreateResourceCommand({ restApiId: apiId, parentId: a.rootId, pathPart: part }));
      await ag.send(new AG.PutMethodCommand({ restApiId: apiId, resourceId: r.id!, httpMethod: 'GET', authorizationType: 'CUSTOM', authorizerId: auth }));
      await ag.send(new AG.PutIntegrationCommand({ restApiId: apiId, resourceId: r.id!, httpMethod: 'GET', type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: invocationUri(echo) }));
    }
    const m = await ag.send(new AG.CreateResourceCommand({ restApiId: apiId, parentId: a.rootId, pathPart: 'mapped' }));
    await ag.send(new AG.PutMethodCommand({ restApiId: apiId, resourceId: m.id!, httpMethod: 'GET', authorizationType: 'CUSTOM', authorizerId: tokenAuth.id! }));
    await ag.send(new AG.PutIntegrationCommand({ restApiId: apiId, resourceId: m.id!, httpMethod: 'GET', type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode":200}' } }));
    await ag.send(new AG.PutMethodResponseCommand({ restApiId: apiId, resourceId: m.id!, httpMethod: 'GET', statusCode: '200' }));
    await ag.send(new AG.PutIntegrationResponseCommand({
      restApiId: apiId, resourceId: m.id!, httpMethod: 'GET', statusCode: '200',
      responseTemplates: { 'application/json': '{"principal":"$context.authorizer.principalId","tier":"$context.authorizer.tier"}' },
    }));
    await ag.send(new AG.CreateDeploymentCommand({ restApiId: apiId, stageName: 'prod' }));
  }, 60_000);

  it('TOKEN: 401 without a token or on "Unauthorized", 403 on Deny, context in the proxy event on Allow', async () => {
    const none = await http(url(apiId, 'prod', '/token'));
    expect(none.status).toBe(401);
    expect(none.json()).toEqual({ message: 'Unauthorized' });
    expect((await http(url(apiId, 'prod', '/token'), { headers: { authorization: 'unauthorized' } })).status).toBe(401);
    const deny = await http(url(apiId, 'prod', '/token'), { headers: { authorization: 'deny' } });
    expect(deny.status).toBe(403);
    expect(deny.json()).toEqual({ message: 'User is not authorized to access this resource with an explicit deny' });
    const ok = await http(url(apiId, 'prod', '/token'), { headers: { authorization: 'allow-1' } });
    expect(ok.status).toBe(200);
    expect(ok.json().requestContext.authorizer).toMatchObject({ principalId: 'user-allow-1', tier: 'gold', count: '3', type: 'TOKEN' });
  });

  it('TOKEN: $context.authorizer in mapping templates', async () => {
    const ok = await http(url(apiId, 'prod', '/mapped'), { headers: { authorization: 'allow-2' } });
    expect(ok.json()).toEqual({ principal: 'user-allow-2', tier: 'gold' });
  });

  it('REQUEST: identity from a header; Deny → 403, Allow → 200', async () => {
    expect((await http(url(apiId, 'prod', '/request'), { headers: { 'x-token': 'deny' } })).status).toBe(403);
    const ok = await http(url(apiId, 'prod', '/request'), { headers: { 'x-token': 'allow-r' } });
    expect(ok.status).toBe(200);
    expect(ok.json().requestContext.authorizer.type).toBe('REQUEST');
  });
});

describe('custom Lambda, HTTP and Step Functions integrations', () => {
  it('AWS (custom) Lambda integration: templates and selectionPattern on the error message', async () => {
    const arn = await fn(
      'apigw-custom',
      `export const handler = async (event) => {
        if (event.name === 'ghost') throw new Error('NotFound: no pet named ghost');
        return { greeting: 'hello ' + event.name, stage: event.stage };
      };`,
    );
    const a = await newApi('custom-lambda');
    await ag.send(new AG.PutMethodCommand({ restApiId: a.id, resourceId: a.rootId, httpMethod: 'POST', authorizationType: 'NONE' }));
    await ag.send(new AG.PutIntegrationCommand({
      restApiId: a.id, resourceId: a.rootId, httpMethod: 'POST', type: 'AWS', integrationHttpMethod: 'POST', uri: invocationUri(arn),
      requestTemplates: { 'application/json': '{"name":"$input.path(\'$.name\')","stage":"$context.stage"}' },
    }));
    for (const code of ['200', '404']) await ag.send(new AG.PutMethodResponseCommand({ restApiId: a.id, resourceId: a.rootId, httpMethod: 'POST', statusCode: code }));
    await ag.send(new AG.PutIntegrationResponseCommand({
      restApiId: a.id, resourceId: a.rootId, httpMethod: 'POST', statusCode: '200',
      responseTemplates: { 'application/json': '{"message":"$input.path(\'$.greeting\')","stage":"$input.path(\'$.stage\')"}' },
    }));
    await ag.send(new AG.PutIntegrationResponseCommand({
      restApiId: a.id, resourceId: a.rootId, httpMethod: 'POST', statusCode: '404', selectionPattern: 'NotFound:.*',
      responseTemplates: { 'application/json': '{"error":"$input.path(\'$.errorMessage\')"}' },
    }));
    await ag.send(new AG.CreateDeploymentCommand({ restApiId: a.id, stageName: 'dev' }));
    const ok = await http(url(a.id, 'dev', '/'), { method: 'POST', body: '{"name":"rex"}', headers: { 'content-type': 'application/json' } });
    expect(ok.status).toBe(200);
    expect(ok.json()).toEqual({ message: 'hello rex', stage: 'dev' });
    const nf = await http(url(a.id, 'dev', '/'), { method: 'POST', body: '{"name":"ghost"}', headers: { 'content-type': 'application/json' } });
    expect(nf.status).toBe(404);
    expect(nf.json()).toEqual({ error: 'NotFound: no pet named ghost' });

    // Asynchronous invocation through the X-Amz-Invocation-Type header mapping.
    const asyncRes = await ag.send(new AG.CreateResourceCommand({ restApiId: a.id, parentId: a.rootId, pathPart: 'async' }));
    await ag.send(new AG.PutMethodCommand({ restApiId: a.id, resourceId: asyncRes.id!, httpMethod: 'POST', authorizationType: 'NONE' }));
    await ag.send(new AG.PutIntegrationCommand({
      restApiId: a.id, resourceId: asyncRes.id!, httpMethod: 'POST', type: 'AWS', integrationHttpMethod: 'POST', uri: invocationUri(arn),
      requestParameters: { 'integration.request.header.X-Amz-Invocation-Type': "'Event'" },
      requestTemplates: { 'application/json': '{"name":"later"}' },
    }));
    await ag.send(new AG.PutMethodResponseCommand({ restApiId: a.id, resourceId: asyncRes.id!, httpMethod: 'POST', statusCode: '202' }));
    await ag.send(new AG.PutIntegrationResponseCommand({
      restApiId: a.id, resourceId: asyncRes.id!, httpMethod: 'POST', statusCode: '202', responseTemplates: { 'application/json': '{"queued":true}' },
    }));
    await ag.send(new AG.CreateDeploymentCommand({ restApiId: a.id, stageName: 'dev' }));
    const queued = await http(url(a.id, 'dev', '/async'), { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(queued.status).toBe(202);
    expect(queued.json()).toEqual({ queued: true });
  });

  it('HTTP_PROXY forwards to the back end; HTTP maps parameters, templates and status patterns', async () => {
    const a = await newApi('http-api');
    const proxy = await ag.send(new AG.CreateResourceCommand({ restApiId: a.id, parentId: a.rootId, pathPart: '{proxy+}' }));
    await ag.send(new AG.PutMethodCommand({ restApiId: a.id, resourceId: proxy.id!, httpMethod: 'ANY', authorizationType: 'NONE', requestParameters: { 'method.request.path.proxy': true } }));
    await ag.send(new AG.PutIntegrationCommand({
      restApiId: a.id, resourceId: proxy.id!, httpMethod: 'ANY', type: 'HTTP_PROXY', integrationHttpMethod: 'ANY',
      uri: 'http://127.0.0.1:${stageVariables.port}/{proxy}', requestParameters: { 'integration.request.path.proxy': 'method.request.path.proxy' },
    }));
    await ag.send(new AG.PutMethodCommand({ restApiId: a.id, resourceId: a.rootId, httpMethod: 'GET', authorizationType: 'NONE', requestParameters: { 'method.request.querystring.t': false } }));
    await ag.send(new AG.PutIntegrationCommand({
      restApiId: a.id, resourceId: a.rootId, httpMethod: 'GET', type: 'HTTP', integrationHttpMethod: 'POST',
      uri: 'http://127.0.0.1:${stageVariables.port}/mapped',
      requestParameters: { 'integration.request.header.X-Token': 'method.request.querystring.t' },
      requestTemplates: { 'application/json': '{"from":"$context.httpMethod"}' },
    }));
    for (const code of ['200', '502']) await ag.send(new AG.PutMethodResponseCommand({ restApiId: a.id, resourceId: a.rootId, httpMethod: 'GET', statusCode: code, responseParameters: { 'method.response.header.X-Up': false } }));
    await ag.send(new AG.PutIntegrationResponseCommand({
      restApiId: a.id, resourceId: a.rootId, httpMethod: 'GET', statusCode: '200',
      responseParameters: { 'method.response.header.X-Up': 'integration.response.header.x-upstream' },
      responseTemplates: { 'application/json': '{"seen":$input.json(\'$\')}' },
    }));
    await ag.send(new AG.PutIntegrationResponseCommand({ restApiId: a.id, resourceId: a.rootId, httpMethod: 'GET', statusCode: '502', selectionPattern: '5\\d{2}' }));
    await ag.send(new AG.CreateDeploymentCommand({ restApiId: a.id, stageName: 'prod', variables: { port: String(backendPort) } }));

    const p = await http(url(a.id, 'prod', '/x/y?q=1'), { method: 'PUT', body: 'raw', headers: { 'content-type': 'text/plain' } });
    expect(p.status).toBe(200);
    expect(p.headers['x-upstream']).toBe('yes');
    expect(p.json()).toEqual({ url: '/x/y?q=1', method: 'PUT', body: 'raw', auth: null });
    const failing = await http(url(a.id, 'prod', '/fail'));
    expect(failing.status).toBe(503);

    const h = await http(url(a.id, 'prod', '/?t=secret'));
    expect(h.status).toBe(200);
    expect(h.headers['x-up']).toBe('yes');
    expect(h.json()).toEqual({ seen: { url: '/mapped', method: 'POST', body: '{"from":"GET"}', auth: 'secret' } });
  });

  it('AWS integration with Step Functions StartSyncExecution', async () => {
    const sfn = new SFN.SFNClient(clientConfig(nimbus.endpoint));
    const sm = await sfn.send(new SFN.CreateStateMachineCommand({
      name: 'apigw-sync',
      type: 'EXPRESS',
      roleArn: ROLE,
      definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Parameters: { 'got.$': '$.name' }, End: true } } }),
    }));
    const a = await newApi('sfn-api');
    await ag.send(new AG.PutMethodCommand({ restApiId: a.id, resourceId: a.rootId, httpMethod: 'POST', authorizationType: 'NONE' }));
    await ag.send(new AG.PutIntegrationCommand({
      restApiId: a.id, resourceId: a.rootId, httpMethod: 'POST', type: 'AWS', integrationHttpMethod: 'POST',
      uri: `arn:aws:apigateway:${REGION}:states:action/StartSyncExecution`,
      requestTemplates: { 'application/json': `{"stateMachineArn":"${sm.stateMachineArn}","input":"$util.escapeJavaScript($input.json('$'))"}` },
    }));
    await ag.send(new AG.PutMethodResponseCommand({ restApiId: a.id, resourceId: a.rootId, httpMethod: 'POST', statusCode: '200' }));
    await ag.send(new AG.PutIntegrationResponseCommand({
      restApiId: a.id, resourceId: a.rootId, httpMethod: 'POST', statusCode: '200',
      responseTemplates: { 'application/json': '#set($out = $util.parseJson($input.path(\'$.output\'))){"status":"$input.path(\'$.status\')","got":"$out.got"}' },
    }));
    await ag.send(new AG.CreateDeploymentCommand({ restApiId: a.id, stageName: 'prod' }));
    const r = await http(url(a.id, 'prod', '/'), { method: 'POST', body: '{"name":"rex"}', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ status: 'SUCCEEDED', got: 'rex' });
  });
});
