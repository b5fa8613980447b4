// The data plane end to end over real HTTP, against hand-built deployment snapshots and a fake
// Lambda invoker (the control plane and Lambda have their own tests; integration tests combine them).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { Store } from '../../store/database.js';
import { makeContext } from '../../server/context.js';
import { HttpServer } from '../../server/http/server.js';
import type { LambdaInvokeInput, LambdaInvokeOutput, LambdaInvoker } from '../../lambda/invoker.js';
import type {
  ApiGatewayCatalog,
  ApiKey,
  Authorizer,
  DeploymentSnapshot,
  GatewayResponse,
  GatewayResponseType,
  Integration,
  Method,
  MethodSetting,
  ResolvedStage,
  Resource,
  Stage,
  StagePlanBinding,
  UsagePlan,
} from '../core/model.js';
import { createApiGatewayDataPlane, type DataPlane } from './index.js';

// ---- snapshot builders ------------------------------------------------------------------------

function integration(over: Partial<Integration>): Integration {
  return {
    type: 'MOCK',
    requestParameters: {},
    requestTemplates: {},
    passthroughBehavior: 'WHEN_NO_MATCH',
    timeoutInMillis: 29000,
    cacheNamespace: 'ns',
    cacheKeyParameters: [],
    integrationResponses: {},
    ...over,
  };
}

function method(over: Partial<Method>): Method {
  return {
    httpMethod: 'GET',
    authorizationType: 'NONE',
    apiKeyRequired: false,
    requestParameters: {},
    requestModels: {},
    methodResponses: {},
    ...over,
  };
}

const FN = 'arn:aws:lambda:us-east-1:000000000000:function:';
const lambdaUri = (name: string) =>
  `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${FN}${name}/invocations`;

function gatewayResponses(custom: Partial<Record<GatewayResponseType, GatewayResponse>> = {}) {
  const types: GatewayResponseType[] = [
    'DEFAULT_4XX', 'DEFAULT_5XX', 'RESOURCE_NOT_FOUND', 'UNAUTHORIZED', 'INVALID_API_KEY', 'ACCESS_DENIED',
    'AUTHORIZER_FAILURE', 'AUTHORIZER_CONFIGURATION_ERROR', 'INVALID_SIGNATURE', 'EXPIRED_TOKEN',
    'MISSING_AUTHENTICATION_TOKEN', 'INTEGRATION_FAILURE', 'INTEGRATION_TIMEOUT', 'API_CONFIGURATION_ERROR',
    'UNSUPPORTED_MEDIA_TYPE', 'BAD_REQUEST_PARAMETERS', 'BAD_REQUEST_BODY', 'REQUEST_TOO_LARGE', 'THROTTLED',
    'QUOTA_EXCEEDED', 'WAF_FILTERED',
  ];
  const out = {} as Record<GatewayResponseType, GatewayResponse>;
  for (const t of types) {
    out[t] = custom[t] ?? {
      responseType: t,
      responseParameters: {},
      responseTemplates: { 'application/json': '{"message":$context.error.messageString}' },
      defaultResponse: true,
    };
  }
  return out;
}

let resourceIds = 0;
function resource(path: string, methods: Record<string, Method>): Resource {
  return { id: `r${++resourceIds}`, path, pathPart: path.split('/').pop(), resourceMethods: methods };
}

const authorizer: Authorizer = {
  id: 'auth1',
  name: 'tok',
  type: 'TOKEN',
  authorizerUri: lambdaUri('authz'),
  identitySource: 'method.request.header.Authorization',
  authorizerResultTtlInSeconds: 300,
};

function snapshot(deploymentId: string, marker: string): DeploymentSnapshot {
  const json200 = { '200': { statusCode: '200', responseParameters: {}, responseTemplates: {} } };
  return {
    apiId: 'api1',
    deploymentId,
    createdDate: 0,
    api: { binaryMediaTypes: ['image/png'], apiKeySource: 'HEADER', disableExecuteApiEndpoint: false, endpointConfiguration: { types: ['REGIONAL'] } },
    models: {
      Pet: {
        id: 'm1',
        name: 'Pet',
        contentType: 'application/json',
        schema: JSON.stringify({
          $schema: 'http://json-schema.org/draft-04/schema#',
          type: 'object',
          required: ['name'],
          properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0 } },
        }),
      },
    },
    requestValidators: { v1: { id: 'v1', name: 'all', validateRequestBody: true, validateRequestParameters: true } },
    authorizers: { auth1: authorizer },
    gatewayResponses: gatewayResponses({
      RESOURCE_NOT_FOUND: {
        responseType: 'RESOURCE_NOT_FOUND',
        statusCode: '404',
        responseParameters: {},
        responseTemplates: {},
        defaultResponse: true,
      },
      BAD_REQUEST_BODY: {
        responseType: 'BAD_REQUEST_BODY',
        statusCode: '422',
        responseParameters: { 'gatewayresponse.header.X-Why': "'validation'" },
        responseTemplates: { 'application/json': '{"error":$context.error.messageString,"details":"$util.escapeJavaScript($context.error.validationErrorString)"}' },
        defaultResponse: false,
      },
    }),
    resources: [
      resource('/', {
        GET: method({
          methodIntegration: integration({
            type: 'MOCK',
            requestTemplates: { 'application/json': '{"statusCode": 200}' },
            integrationResponses: {
              '200': { statusCode: '200', responseParameters: { 'method.response.header.X-Marker': `'${marker}'` }, responseTemplates: { 'application/json': `{"deployment":"${marker}","stage":"$context.stage","v":"$stageVariables.color"}` } },
            },
          }),
        }),
        OPTIONS: method({
          httpMethod: 'OPTIONS',
          methodIntegration: integration({
            type: 'MOCK',
            requestTemplates: { 'application/json': '{"statusCode": 200}' },
            integrationResponses: {
              '200': {
                statusCode: '200',
                responseParameters: {
                  'method.response.header.Access-Control-Allow-Origin': "'*'",
                  'method.response.header.Access-Control-Allow-Methods': "'GET,OPTIONS'",
                  'method.response.header.Access-Control-Allow-Headers': "'Content-Type,X-Api-Key'",
                },
                responseTemplates: { 'application/json': '' },
              },
            },
          }),
        }),
      }),
      resource('/pets/{petId}', {
        ANY: method({ httpMethod: 'ANY', methodIntegration: integration({ type: 'AWS_PROXY', httpMethod: 'POST', uri: lambdaUri('${stageVariables.fn}') }) }),
      }),
      resource('/files/{proxy+}', {
        GET: method({ methodIntegration: integration({ type: 'AWS_PROXY', httpMethod: 'POST', uri: lambdaUri('echo') }) }),
      }),
      resource('/bad', { GET: method({ methodIntegration: integration({ type: 'AWS_PROXY', uri: lambdaUri('bad') }) }) }),
      resource('/slow', { GET: method({ methodIntegration: integration({ type: 'AWS_PROXY', uri: lambdaUri('slow'), timeoutInMillis: 100 }) }) }),
      resource('/keyed', {
        GET: method({
          apiKeyRequired: true,
          methodIntegration: integration({ type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode":200}' }, integrationResponses: json200 }),
        }),
      }),
      resource('/secure', {
        GET: method({
          authorizationType: 'CUSTOM',
          authorizerId: 'auth1',
          methodIntegration: integration({
            type: 'MOCK',
            requestTemplates: { 'application/json': '{"statusCode":200}' },
            integrationResponses: { '200': { statusCode: '200', responseParameters: {}, responseTemplates: { 'application/json': '{"principal":"$context.authorizer.principalId","tier":"$context.authorizer.tier"}' } } },
          }),
        }),
      }),
      resource('/validated', {
        POST: method({
          httpMethod: 'POST',
          requestValidatorId: 'v1',
          requestParameters: { 'method.request.querystring.owner': true },
          requestModels: { 'application/json': 'Pet' },
          methodIntegration: integration({ type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode":200}' }, integrationResponses: json200 }),
        }),
      }),
      resource('/cached', {
        GET: method({
          methodIntegration: integration({ type: 'AWS_PROXY', uri: lambdaUri('counter'), cacheKeyParameters: ['method.request.querystring.k'] }),
        }),
      }),
      resource('/custom', {
        POST: method({
          httpMethod: 'POST',
          methodIntegration: integration({
            type: 'AWS',
            httpMethod: 'POST',
            uri: lambdaUri('custom'),
            requestTemplates: { 'application/json': '{"name":"$input.path(\'$.name\')","q":"$input.params(\'q\')"}' },
            integrationResponses: {
              default: { statusCode: '200', responseParameters: {}, responseTemplates: { 'application/json': '{"greeting":"$input.path(\'$.greeting\')"}' } },
              notfound: { statusCode: '404', selectionPattern: '.*not found.*', responseParameters: {}, responseTemplates: { 'application/json': '{"error":"$input.path(\'$.errorMessage\')"}' } },
            },
          }),
        }),
      }),
      resource('/http', {
        POST: method({
          httpMethod: 'POST',
          methodIntegration: integration({
            type: 'HTTP',
            httpMethod: 'PUT',
            uri: 'http://127.0.0.1:${stageVariables.backendPort}/h',
            requestTemplates: {
              'application/json': '#set($context.requestOverride.header.X-Over = "yes")#set($context.requestOverride.querystring.q = "over"){"n":$input.json(\'$.n\')}',
            },
            integrationResponses: {
              ok: { statusCode: '200', responseParameters: { 'method.response.header.X-Backend': 'integration.response.header.x-backend' }, responseTemplates: {} },
              bad: { statusCode: '502', selectionPattern: '5\\d{2}', responseParameters: {}, responseTemplates: {} },
            },
          }),
        }),
      }),
      resource('/proxy/{proxy+}', {
        ANY: method({ httpMethod: 'ANY', methodIntegration: integration({ type: 'HTTP_PROXY', httpMethod: 'ANY', uri: 'http://127.0.0.1:${stageVariables.backendPort}/up/{proxy}' }) }),
      }),
    ],
  };
}

// ---- fakes ------------------------------------------------------------------------------------

const MINUTE = 60_000;
const now = Date.now();
const setting = (over: Partial<MethodSetting>): MethodSetting => ({
  metricsEnabled: false,
  loggingLevel: 'OFF',
  dataTraceEnabled: false,
  throttlingBurstLimit: -1,
  throttlingRateLimit: -1,
  cachingEnabled: false,
  cacheTtlInSeconds: 300,
  cacheDataEncrypted: false,
  requireAuthorizationForCacheControl: true,
  unauthorizedCacheControlHeaderStrategy: 'SUCCEED_WITH_RESPONSE_HEADER',
  ...over,
});

const key: ApiKey = {
  id: 'key1', value: 'k'.repeat(30), name: 'k', enabled: true, createdDate: 0, lastUpdatedDate: 0, stageKeys: [], tags: {},
};
const plan: UsagePlan = {
  id: 'plan1', name: 'p', apiStages: [{ apiId: 'api1', stage: 'prod' }], tags: {},
  throttle: { rateLimit: 1000, burstLimit: 1000 }, quota: { limit: 3, offset: 0, period: 'DAY' },
};

function stage(name: string, over: Partial<Stage> = {}): Stage {
  return {
    stageName: name, deploymentId: 'd1', cacheClusterEnabled: name === 'prod', cacheClusterStatus: 'AVAILABLE',
    methodSettings: { 'cached/GET': setting({ cachingEnabled: true, cacheTtlInSeconds: 60, requireAuthorizationForCacheControl: false }) },
    variables: { fn: 'echo', color: 'blue', backendPort: '0' }, tracingEnabled: false, tags: {}, createdDate: now, lastUpdatedDate: now,
    ...over,
  };
}

class FakeCatalog implements ApiGatewayCatalog {
  main = snapshot('d1', 'main');
  canary = snapshot('d2', 'canary');
  backendPort = '0';
  locateApi(apiId: string) {
    return apiId === 'api1' ? { accountId: '000000000000', region: 'us-east-1' } : undefined;
  }
  resolveStage(_a: string, _r: string, apiId: string, name: string): ResolvedStage | undefined {
    if (apiId !== 'api1') return undefined;
    const scope = { accountId: '000000000000', region: 'us-east-1' };
    const api = { id: 'api1', name: 'a', createdDate: 0, binaryMediaTypes: [], apiKeySource: 'HEADER' as const, endpointConfiguration: { types: ['REGIONAL' as const] }, tags: {}, disableExecuteApiEndpoint: false, rootResourceId: 'r1' };
    const variables = { fn: 'echo', color: 'blue', backendPort: this.backendPort };
    if (name === 'prod') return { scope, api, stage: stage('prod', { variables }), deployment: this.main };
    if (name === 'tight') {
      return { scope, api, stage: stage('tight', { variables, methodSettings: { '*/*': setting({ throttlingBurstLimit: 2, throttlingRateLimit: 0.001 }) } }), deployment: this.main };
    }
    if (name === 'canary') {
      return { scope, api, stage: stage('canary', { variables }), deployment: this.main, canary: { deployment: this.canary, percentTraffic: 100, stageVariableOverrides: { color: 'green' }, useStageCache: false } };
    }
    return undefined;
  }
  findApiKeyByValue(_a: string, _r: string, value: string) {
    return value === key.value ? key : undefined;
  }
  usagePlansForStage(_a: string, _r: string, apiId: string, stageName: string): StagePlanBinding[] {
    return apiId === 'api1' && stageName === 'prod' ? [{ plan, keys: new Map([[key.id, key]]) }] : [];
  }
  findUsagePlan(id: string) {
    return id === plan.id ? plan : undefined;
  }
  account() {
    return { throttleSettings: { rateLimit: 10000, burstLimit: 5000 }, features: [], apiKeyVersion: '4' };
  }
  subscribe() {
    return () => undefined;
  }
}

class FakeInvoker implements LambdaInvoker {
  calls: LambdaInvokeInput[] = [];
  counter = 0;
  async invoke(input: LambdaInvokeInput): Promise<LambdaInvokeOutput> {
    this.calls.push(input);
    const name = input.functionName.slice(input.functionName.lastIndexOf(':') + 1);
    const event = JSON.parse(input.payload.toString('utf8')) as Record<string, unknown>;
    const ok = (v: unknown): LambdaInvokeOutput => ({ statusCode: 200, payload: Buffer.from(JSON.stringify(v)) });
    switch (name) {
      case 'echo':
        return ok({ statusCode: 201, headers: { 'X-Echo': 'yes' }, multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] }, body: JSON.stringify(event) });
      case 'bad':
        return ok({ status: 200, body: 'x' });
      case 'slow':
        await new Promise((r) => setTimeout(r, 1000));
        return ok({ statusCode: 200 });
      case 'counter':
        return ok({ statusCode: 200, body: String(++this.counter) });
      case 'custom': {
        const e = event as { name?: string; q?: string };
        if (e.name === 'ghost') {
          return { statusCode: 200, functionError: 'Unhandled', payload: Buffer.from(JSON.stringify({ errorMessage: 'pet not found', errorType: 'Error' })) };
        }
        return ok({ greeting: `hello ${e.name} ${e.q}` });
      }
      case 'authz': {
        const token = (event as { authorizationToken: string }).authorizationToken;
        if (token === 'boom') return { statusCode: 200, functionError: 'Unhandled', payload: Buffer.from('{"errorMessage":"Unauthorized"}') };
        const effect = token === 'allow' ? 'Allow' : 'Deny';
        return ok({
          principalId: 'user-1',
          policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: 'arn:aws:execute-api:us-east-1:000000000000:api1/*/GET/*' }] },
          context: { tier: 'gold', n: 1 },
        });
      }
      default:
        throw Object.assign(new Error('Function not found'), { name: 'ResourceNotFoundException' });
    }
  }
}

// ---- harness ----------------------------------------------------------------------------------

let server: HttpServer;
let backend: Server;
let base: string;
let dataDir: string;
let store: Store;
let plane: DataPlane;
const catalog = new FakeCatalog();
const invoker = new FakeInvoker();

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'apigw-unit-'));
  store = Store.open(dataDir);
  plane = createApiGatewayDataPlane({ platform: { store, endpoint: '' }, catalog, invoker });
  server = new HttpServer((req, res) => {
    const ctx = makeContext(req, res, 'req-' + Math.random().toString(16).slice(2), 'us-east-1', '000000000000');
    plane.service.handle(ctx).catch((err: unknown) => {
      res.writeHead(599);
      res.end(String(err));
    });
  }, (_req, socket) => socket.destroy(), { keepAliveTimeoutMs: 5_000 });
  backend = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      res.writeHead(207, { 'content-type': 'application/json', 'x-backend': 'up' });
      res.end(JSON.stringify({ url: req.url, method: req.method, body, xff: req.headers['x-forwarded-for'], over: req.headers['x-over'] }));
    });
  });
  const { port } = await server.listen(0, '127.0.0.1');
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  catalog.backendPort = String((backend.address() as AddressInfo).port);
  base = `http://127.0.0.1:${port}/_aws/execute-api/api1`;
});

afterAll(async () => {
  await plane.service.close?.();
  server.closeAllConnections();
  await server.close();
  await new Promise((r) => backend.close(r));
  store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function call(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}) {
  const res = await request(base + path, { method: (opts.method ?? 'GET') as 'GET', headers: opts.headers, body: opts.body });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

// ---- tests ------------------------------------------------------------------------------------

describe('routing and errors', () => {
  it('MOCK GET renders the response template and mapped headers with AWS headers', async () => {
    const r = await call('/prod/');
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ deployment: 'main', stage: 'prod', v: 'blue' });
    expect(r.headers['x-marker']).toBe('main');
    expect(r.headers['content-type']).toBe('application/json');
    expect(String(r.headers['x-amz-apigw-id'])).toMatch(/^[A-Za-z0-9+/=]{16}$/);
    expect(String(r.headers['x-amzn-trace-id'])).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
  });

  it('unknown route and verb are 403 Missing Authentication Token; unknown stage is 403 Forbidden', async () => {
    const a = await call('/prod/nope');
    expect(a.status).toBe(403);
    expect(a.json()).toEqual({ message: 'Missing Authentication Token' });
    expect(a.headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException');
    const b = await call('/prod/', { method: 'DELETE' });
    expect(b.status).toBe(403);
    const c = await call('/nostage/');
    expect(c.status).toBe(403);
    expect(c.json()).toEqual({ message: 'Forbidden' });
  });

  it('CORS preflight through an OPTIONS MOCK method', async () => {
    const r = await call('/prod/', { method: 'OPTIONS', headers: { origin: 'http://x' } });
    expect(r.status).toBe(200);
    expect(r.headers['access-control-allow-origin']).toBe('*');
    expect(r.headers['access-control-allow-methods']).toBe('GET,OPTIONS');
    expect(r.text).toBe('');
  });

  it('a body over 10 MB is 413', async () => {
    const r = await call('/prod/pets/1', { method: 'POST', body: Buffer.alloc(10 * 1024 * 1024 + 1, 97) });
    expect(r.status).toBe(413);
  });
});

describe('Lambda proxy', () => {
  it('sends the format 1.0 event (path params, ANY, stage variables in the function ARN) and maps the response', async () => {
    invoker.calls.length = 0;
    const r = await call('/prod/pets/42?a=1&a=2&b=x%20y', { method: 'PUT', headers: { 'X-Multi': 'one', 'content-type': 'text/plain' }, body: 'hello' });
    expect(r.status).toBe(201);
    expect(r.headers['x-echo']).toBe('yes');
    expect(r.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(invoker.calls[0]!.functionName).toBe(`${FN}echo`);
    const e = r.json() as Record<string, any>;
    expect(e.resource).toBe('/pets/{petId}');
    expect(e.path).toBe('/pets/42');
    expect(e.httpMethod).toBe('PUT');
    expect(e.pathParameters).toEqual({ petId: '42' });
    expect(e.queryStringParameters).toEqual({ a: '2', b: 'x y' });
    expect(e.multiValueQueryStringParameters).toEqual({ a: ['1', '2'], b: ['x y'] });
    expect(e.headers['X-Multi']).toBe('one');
    expect(e.multiValueHeaders['X-Multi']).toEqual(['one']);
    expect(e.stageVariables).toEqual({ fn: 'echo', color: 'blue', backendPort: catalog.backendPort });
    expect(e.body).toBe('hello');
    expect(e.isBase64Encoded).toBe(false);
    const rc = e.requestContext;
    expect(rc).toMatchObject({
      resourcePath: '/pets/{petId}', httpMethod: 'PUT', path: '/prod/pets/42', accountId: '000000000000',
      protocol: 'HTTP/1.1', stage: 'prod', apiId: 'api1', deploymentId: 'd1',
    });
    expect(rc.identity.sourceIp).toBe('127.0.0.1');
    expect(typeof rc.requestTimeEpoch).toBe('number');
    expect(rc.requestTime).toMatch(/^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);
  });

  it('binary bodies arrive base64 encoded; {proxy+} keeps slashes', async () => {
    const r = await call('/prod/files/a/b/c.png', { headers: { 'content-type': 'image/png' }, method: 'GET' });
    const e = r.json() as Record<string, any>;
    expect(e.pathParameters).toEqual({ proxy: 'a/b/c.png' });
    expect(e.body).toBeNull();
  });

  it('a malformed proxy response is 502 Internal server error; a slow one is 504', async () => {
    const bad = await call('/prod/bad');
    expect(bad.status).toBe(502);
    expect(bad.json()).toEqual({ message: 'Internal server error' });
    const slow = await call('/prod/slow');
    expect(slow.status).toBe(504);
    expect(slow.json()).toEqual({ message: 'Endpoint request timed out' });
  });
});

describe('API keys, throttles, quotas', () => {
  it('requires a valid key, then enforces the plan quota (429 Limit Exceeded)', async () => {
    const none = await call('/prod/keyed');
    expect(none.status).toBe(403);
    expect(none.json()).toEqual({ message: 'Forbidden' });
    const wrong = await call('/prod/keyed', { headers: { 'x-api-key': 'nope' } });
    expect(wrong.status).toBe(403);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await call('/prod/keyed', { headers: { 'x-api-key': key.value } })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const last = await call('/prod/keyed', { headers: { 'x-api-key': key.value } });
    expect(last.json()).toEqual({ message: 'Limit Exceeded' });
    expect(plane.meter.remaining('plan1', 'key1')).toBe(0);
    plane.meter.setRemaining('plan1', 'key1', 1);
    expect((await call('/prod/keyed', { headers: { 'x-api-key': key.value } })).status).toBe(200);
    const usage = plane.meter.getUsage('plan1', ['key1'], new Date(now).toISOString().slice(0, 10), new Date(now).toISOString().slice(0, 10));
    expect(usage['key1']![0]![0]).toBe(4);
  });

  it('stage throttling answers 429 Too Many Requests past the burst', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await call('/tight/')).status);
    expect(statuses).toEqual([200, 200, 429]);
    expect((await call('/tight/')).text).toBe('{"message":"Too Many Requests"}');
  });
});

describe('Lambda authorizer', () => {
  it('401 without a token, 403 on Deny, context on Allow, results cached', async () => {
    expect((await call('/prod/secure')).status).toBe(401);
    const denied = await call('/prod/secure', { headers: { authorization: 'deny' } });
    expect(denied.status).toBe(403);
    expect(denied.json()).toEqual({ message: 'User is not authorized to access this resource with an explicit deny' });
    const boom = await call('/prod/secure', { headers: { authorization: 'boom' } });
    expect(boom.status).toBe(401);
    invoker.calls.length = 0;
    const ok = await call('/prod/secure', { headers: { authorization: 'allow' } });
    expect(ok.status).toBe(200);
    expect(ok.json()).toEqual({ principal: 'user-1', tier: 'gold' });
    await call('/prod/secure', { headers: { authorization: 'allow' } });
    expect(invoker.calls.filter((c) => c.functionName.endsWith('authz'))).toHaveLength(1);
    const event = JSON.parse(invoker.calls[0]!.payload.toString()) as Record<string, unknown>;
    expect(event).toEqual({ type: 'TOKEN', authorizationToken: 'allow', methodArn: 'arn:aws:execute-api:us-east-1:000000000000:api1/prod/GET/secure' });
  });
});

describe('request validation and gateway responses', () => {
  it('missing required parameters → 400; bad body → customised BAD_REQUEST_BODY response', async () => {
    const p = await call('/prod/validated', { method: 'POST', body: '{"name":"x"}', headers: { 'content-type': 'application/json' } });
    expect(p.status).toBe(400);
    expect(p.json()).toEqual({ message: 'Missing required request parameters: [owner]' });
    const b = await call('/prod/validated?owner=me', { method: 'POST', body: '{"age":-1}', headers: { 'content-type': 'application/json' } });
    expect(b.status).toBe(422);
    expect(b.headers['x-why']).toBe('validation');
    const j = b.json();
    expect(j['error']).toBe('Invalid request body');
    expect(String(j['details'])).toContain('object has missing required properties (["name"])');
    const ok = await call('/prod/validated?owner=me', { method: 'POST', body: '{"name":"rex","age":3}', headers: { 'content-type': 'application/json' } });
    expect(ok.status).toBe(200);
  });
});

describe('response cache', () => {
  it('serves a cached response per cache key and reloads on Cache-Control: max-age=0 when allowed', async () => {
    const a = await call('/prod/cached?k=1');
    const b = await call('/prod/cached?k=1');
    const c = await call('/prod/cached?k=2');
    expect(a.text).toBe(b.text);
    expect(c.text).not.toBe(a.text);
    const d = await call('/prod/cached?k=1', { headers: { 'cache-control': 'max-age=0' } });
    expect(d.text).not.toBe(a.text);
    expect((await call('/prod/cached?k=1')).text).toBe(d.text);
  });
});

describe('non-proxy integrations', () => {
  it('AWS Lambda integration: request template, default response, selectionPattern on errorMessage', async () => {
    const ok = await call('/prod/custom?q=there', { method: 'POST', body: '{"name":"rex"}', headers: { 'content-type': 'application/json' } });
    expect(ok.status).toBe(200);
    expect(ok.json()).toEqual({ greeting: 'hello rex there' });
    const nf = await call('/prod/custom', { method: 'POST', body: '{"name":"ghost"}', headers: { 'content-type': 'application/json' } });
    expect(nf.status).toBe(404);
    expect(nf.json()).toEqual({ error: 'pet not found' });
  });

  it('HTTP_PROXY forwards method, path, query and body, and passes the response through', async () => {
    const r = await call('/prod/proxy/a/b?x=1', { method: 'POST', body: 'payload', headers: { 'content-type': 'text/plain' } });
    expect(r.status).toBe(207);
    expect(r.headers['x-backend']).toBe('up');
    expect(r.json()).toEqual({ url: '/up/a/b?x=1', method: 'POST', body: 'payload', xff: '127.0.0.1' });
  });

  it('HTTP applies the template, $context.requestOverride and response header mappings', async () => {
    const r = await call('/prod/http', { method: 'POST', body: '{"n":5}', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(200);
    expect(r.headers['x-backend']).toBe('up');
    expect(r.json()).toEqual({ url: '/h?q=over', method: 'PUT', body: '{"n":5}', over: 'yes' });
  });
});

describe('canary', () => {
  it('routes percentTraffic to the canary deployment with its stage variable overrides', async () => {
    const r = await call('/canary/');
    expect(r.json()).toEqual({ deployment: 'canary', stage: 'canary', v: 'green' });
  });
});

void MINUTE;
