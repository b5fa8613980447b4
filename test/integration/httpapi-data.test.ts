// HTTP APIs data plane over real HTTP: a real Node function behind payload formats 2.0 and 1.0,
// route selection, stages, HTTP_PROXY to a local server, CORS preflight, and the gateway's errors.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import * as V2 from '@aws-sdk/client-apigatewayv2';
import * as Lambda from '@aws-sdk/client-lambda';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { nodeFunction } from '../helpers/functions.js';
import { metricReader } from '../helpers/metrics.js';


let nimbus: TestNimbus;
let gw: V2.ApiGatewayV2Client;
let lambda: Lambda.LambdaClient;
let backend: Server;
let backendUrl = '';
let echoArn = '';

// Echoes its event, or answers what the request asks for through its `mode` query parameter.
const ECHO = `
export const handler = async (event) => {
  const mode = (event.queryStringParameters ?? {}).mode;
  if (mode === 'plain') return { hello: 'world' };
  if (mode === 'string') return 'just text';
  if (mode === 'cookies') return { statusCode: 201, headers: { 'x-a': 'b' }, cookies: ['a=1; Path=/', 'b=2'], body: 'ok' };
  if (mode === 'binary') return { statusCode: 200, headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from([1, 2, 3]).toString('base64'), isBase64Encoded: true };
  if (mode === 'bad') return { statusCode: 'teapot' };
  if (mode === 'throw') throw new Error('boom');
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) };
};`;

const fn = (name: string, code: string) => nodeFunction(lambda, name, code);

async function http(url: string, opts: { method?: string; headers?: Record<string, string | string[]>; body?: string | Buffer } = {}) {
  const res = await request(url, { method: (opts.method ?? 'GET') as 'GET', headers: opts.headers, body: opts.body });
  const raw = Buffer.from(await res.body.arrayBuffer());
  const text = raw.toString('utf8');
  return { status: res.statusCode, headers: res.headers, raw, text, json: () => JSON.parse(text) as Record<string, any> };
}

beforeAll(async () => {
  nimbus = await startNimbus();
  gw = new V2.ApiGatewayV2Client(clientConfig(nimbus.endpoint));
  lambda = new Lambda.LambdaClient(clientConfig(nimbus.endpoint));
  backend = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      res.writeHead(207, { 'content-type': 'application/json', 'x-upstream': 'yes' });
      res.end(JSON.stringify({ url: req.url, method: req.method, body, forwardedFor: req.headers['x-forwarded-for'] ?? null }));
    });
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
  echoArn = await fn('httpapi-echo', ECHO);
}, 60_000);

afterAll(async () => {
  await new Promise((r) => backend.close(r));
  await nimbus.dispose();
});

describe('payload format 2.0 ($default stage, quick create)', () => {
  let apiId: string;
  let base: string;

  beforeAll(async () => {
    apiId = (await gw.send(new V2.CreateApiCommand({ Name: 'quick', ProtocolType: 'HTTP', Target: echoArn }))).ApiId!;
    base = `${nimbus.endpoint}/_aws/execute-api/${apiId}`;
  });

  it('sends the 2.0 event', async () => {
    const res = await http(`${base}/items/42?a=1&a=2&b=x%20y`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-multi': ['1', '2'], cookie: 'c1=v1; c2=v2', 'user-agent': 'tester' },
      body: '{"k":"v"}',
    });
    expect(res.status).toBe(200);
    expect(res.headers['apigw-requestid']).toMatch(/^[A-Za-z0-9]{15}=$/);
    const event = res.json();
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/items/42',
      rawQueryString: 'a=1&a=2&b=x%20y',
      cookies: ['c1=v1', 'c2=v2'],
      queryStringParameters: { a: '1,2', b: 'x y' },
      body: '{"k":"v"}',
      isBase64Encoded: false,
    });
    expect(event.headers['x-multi']).toBe('1,2');
    expect(event.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(event.headers['x-forwarded-port']).toBe(String(nimbus.port));
    expect(event.headers['x-forwarded-proto']).toBe('http');
    expect(event.headers['x-amzn-trace-id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(event.headers['content-type']).toBe('application/json');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.pathParameters).toBeUndefined();
    expect(event.stageVariables).toBeUndefined();
    const rc = event.requestContext;
    expect(rc).toMatchObject({
      accountId: '000000000000',
      apiId,
      routeKey: '$default',
      stage: '$default',
      requestId: res.headers['apigw-requestid'],
      http: { method: 'POST', path: '/items/42', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'tester' },
    });
    expect(rc.time).toMatch(/^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);
    expect(typeof rc.timeEpoch).toBe('number');
  });

  it('serves the Host-header URL shape and base64-encodes binary bodies', async () => {
    const res = await request(`${nimbus.endpoint}/up`, {
      method: 'PUT',
      headers: { host: `${apiId}.execute-api.localhost:${nimbus.port}`, 'content-type': 'application/octet-stream' },
      body: Buffer.from([0xff, 0x00, 0x01]),
    });
    const event = (await res.body.json()) as Record<string, any>;
    expect(event.rawPath).toBe('/up');
    expect(event.requestContext.domainName).toBe(`${apiId}.execute-api.localhost:${nimbus.port}`);
    expect(event.requestContext.domainPrefix).toBe(apiId);
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body, 'base64')).toEqual(Buffer.from([0xff, 0x00, 0x01]));
    // Form posts are base64 too: only text/*, JSON, XML and JavaScript bodies arrive as text.
    const form = (await http(`${base}/form`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' })).json();
    expect(form).toMatchObject({ body: Buffer.from('a=1').toString('base64'), isBase64Encoded: true });
    const text = (await http(`${base}/form`, { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'a=1' })).json();
    expect(text).toMatchObject({ body: 'a=1', isBase64Encoded: false });
  });

  it('maps the 2.0 responses', async () => {
    const plain = await http(`${base}/?mode=plain`);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-type']).toBe('application/json');
    expect(plain.json()).toEqual({ hello: 'world' });

    const text = await http(`${base}/?mode=string`);
    expect(text.status).toBe(200);
    expect(text.text).toBe('"just text"');

    const cookies = await http(`${base}/?mode=cookies`);
    expect(cookies.status).toBe(201);
    expect(cookies.headers['x-a']).toBe('b');
    expect(cookies.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(cookies.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2']);
    expect(cookies.text).toBe('ok');

    const binary = await http(`${base}/?mode=binary`);
    expect(binary.raw).toEqual(Buffer.from([1, 2, 3]));

    for (const mode of ['bad', 'throw']) {
      const failed = await http(`${base}/?mode=${mode}`);
      expect(failed.status).toBe(500);
      expect(failed.json()).toEqual({ message: 'Internal Server Error' });
    }
  });
});

describe('routes, stages and payload format 1.0', () => {
  let apiId: string;
  let base: string;

  beforeAll(async () => {
    apiId = (await gw.send(new V2.CreateApiCommand({ Name: 'routes', ProtocolType: 'HTTP' }))).ApiId!;
    const v1 = await gw.send(new V2.CreateIntegrationCommand({ ApiId: apiId, IntegrationType: 'AWS_PROXY', IntegrationUri: echoArn, PayloadFormatVersion: '1.0' }));
    const v2 = await gw.send(new V2.CreateIntegrationCommand({ ApiId: apiId, IntegrationType: 'AWS_PROXY', IntegrationUri: echoArn, PayloadFormatVersion: '2.0' }));
    const proxy = await gw.send(
      new V2.CreateIntegrationCommand({ ApiId: apiId, IntegrationType: 'HTTP_PROXY', IntegrationUri: `${backendUrl}/upstream/{proxy}`, IntegrationMethod: 'ANY' }),
    );
    const route = (key: string, id: string) => gw.send(new V2.CreateRouteCommand({ ApiId: apiId, RouteKey: key, Target: `integrations/${id}` }));
    await route('GET /pets', v1.IntegrationId!);
    await route('GET /pets/{id}', v2.IntegrationId!);
    await route('GET /pets/mine', v2.IntegrationId!);
    await route('ANY /pets/{proxy+}', v2.IntegrationId!);
    await route('ANY /web/{proxy+}', proxy.IntegrationId!);
    await gw.send(new V2.CreateStageCommand({ ApiId: apiId, StageName: 'dev', AutoDeploy: true, StageVariables: { color: 'blue' } }));
    base = `${nimbus.endpoint}/_aws/execute-api/${apiId}/dev`;
  });

  it('sends the 1.0 event', async () => {
    const res = await http(`${base}/pets?x=1&x=2`, { headers: { 'X-Custom': 'v' } });
    expect(res.status).toBe(200);
    const event = res.json();
    expect(event).toMatchObject({
      version: '1.0',
      resource: '/pets',
      path: '/dev/pets',
      httpMethod: 'GET',
      queryStringParameters: { x: '2' },
      multiValueQueryStringParameters: { x: ['1', '2'] },
      pathParameters: null,
      stageVariables: { color: 'blue' },
      body: null,
      isBase64Encoded: false,
    });
    expect(event.headers['x-custom']).toBe('v');
    expect(event.multiValueHeaders['x-custom']).toEqual(['v']);
    expect(event.requestContext).toMatchObject({ apiId, stage: 'dev', httpMethod: 'GET', resourcePath: '/pets', path: '/dev/pets', identity: { sourceIp: '127.0.0.1' } });
    // Format 1.0 needs a statusCode: a plain object is an unusable response.
    const plain = await http(`${base}/pets?mode=plain`);
    expect(plain.status).toBe(500);
    expect(plain.json()).toEqual({ message: 'Internal Server Error' });
  });

  it('selects the most specific route', async () => {
    const mine = (await http(`${base}/pets/mine`)).json();
    expect(mine.routeKey).toBe('GET /pets/mine');
    expect(mine.rawPath).toBe('/dev/pets/mine');
    expect(mine.stageVariables).toEqual({ color: 'blue' });
    const one = (await http(`${base}/pets/7`)).json();
    expect(one.routeKey).toBe('GET /pets/{id}');
    expect(one.pathParameters).toEqual({ id: '7' });
    const deep = (await http(`${base}/pets/7/toys/a%20b`, { method: 'DELETE' })).json();
    expect(deep.routeKey).toBe('ANY /pets/{proxy+}');
    expect(deep.rawPath).toBe('/dev/pets/7/toys/a b');
    expect(deep.pathParameters).toEqual({ proxy: '7/toys/a b' });
    const post = (await http(`${base}/pets/7`, { method: 'POST' })).json();
    expect(post.routeKey).toBe('ANY /pets/{proxy+}');
  });

  it('answers 404 for no route, no stage and no API stage', async () => {
    const none = await http(`${base}/nothing`);
    expect(none.status).toBe(404);
    expect(none.json()).toEqual({ message: 'Not Found' });
    expect(none.headers['apigw-requestid']).toBeTruthy();
    // No $default stage: a path whose first segment names no stage finds nothing.
    expect((await http(`${nimbus.endpoint}/_aws/execute-api/${apiId}/prod/pets`)).status).toBe(404);
  });

  it('forwards HTTP_PROXY requests with the greedy path and query', async () => {
    const res = await http(`${base}/web/a/b?q=1`, { method: 'POST', body: 'payload', headers: { 'content-type': 'text/plain' } });
    expect(res.status).toBe(207);
    expect(res.headers['x-upstream']).toBe('yes');
    expect(res.json()).toEqual({ url: '/upstream/a/b?q=1', method: 'POST', body: 'payload', forwardedFor: '127.0.0.1' });
  });

  it('serves the deployment a stage points at until it is redeployed', async () => {
    await gw.send(new V2.CreateStageCommand({ ApiId: apiId, StageName: 'fixed' }));
    expect((await http(`${nimbus.endpoint}/_aws/execute-api/${apiId}/fixed/pets`)).status).toBe(404);
    await gw.send(new V2.CreateDeploymentCommand({ ApiId: apiId, StageName: 'fixed' }));
    expect((await http(`${nimbus.endpoint}/_aws/execute-api/${apiId}/fixed/pets`)).status).toBe(200);
    const extra = await gw.send(new V2.CreateRouteCommand({ ApiId: apiId, RouteKey: 'GET /late', Target: (await gw.send(new V2.GetRoutesCommand({ ApiId: apiId }))).Items!.find((r) => r.RouteKey === 'GET /pets')!.Target }));
    expect(extra.RouteId).toBeTruthy();
    // `dev` auto-deploys, `fixed` keeps its deployment.
    expect((await http(`${base}/late`)).status).toBe(200);
    expect((await http(`${nimbus.endpoint}/_aws/execute-api/${apiId}/fixed/late`)).status).toBe(404);
  });
});

describe('stage variables and throttling', () => {
  it('fills stage variables into integration URIs', async () => {
    const api = await gw.send(new V2.CreateApiCommand({ Name: 'vars', ProtocolType: 'HTTP' }));
    const proxy = await gw.send(
      new V2.CreateIntegrationCommand({ ApiId: api.ApiId, IntegrationType: 'HTTP_PROXY', IntegrationUri: `${backendUrl}/\${stageVariables.prefix}/{proxy}`, IntegrationMethod: 'ANY' }),
    );
    const fnArn = echoArn.replace(/:function:.*$/, ':function:${stageVariables.fn}');
    const lambdaIntegration = await gw.send(
      new V2.CreateIntegrationCommand({ ApiId: api.ApiId, IntegrationType: 'AWS_PROXY', IntegrationUri: fnArn, PayloadFormatVersion: '2.0' }),
    );
    await gw.send(new V2.CreateRouteCommand({ ApiId: api.ApiId, RouteKey: 'ANY /web/{proxy+}', Target: `integrations/${proxy.IntegrationId}` }));
    await gw.send(new V2.CreateRouteCommand({ ApiId: api.ApiId, RouteKey: 'GET /fn', Target: `integrations/${lambdaIntegration.IntegrationId}` }));
    await gw.send(new V2.CreateStageCommand({ ApiId: api.ApiId, StageName: 'v', AutoDeploy: true, StageVariables: { prefix: 'from-var', fn: 'httpapi-echo' } }));
    const base = `${nimbus.endpoint}/_aws/execute-api/${api.ApiId}/v`;
    expect((await http(`${base}/web/x`)).json().url).toBe('/from-var/x');
    expect((await http(`${base}/fn`)).json().routeKey).toBe('GET /fn');
  });

  it('throttles a route by its stage route settings with 429', async () => {
    const api = await gw.send(new V2.CreateApiCommand({ Name: 'throttled', ProtocolType: 'HTTP', Target: echoArn, RouteKey: 'GET /slow' }));
    await gw.send(
      new V2.UpdateStageCommand({ ApiId: api.ApiId, StageName: '$default', RouteSettings: { 'GET /slow': { ThrottlingBurstLimit: 1, ThrottlingRateLimit: 0.01 } } }),
    );
    const stage = await gw.send(new V2.GetStageCommand({ ApiId: api.ApiId, StageName: '$default' }));
    expect(stage.RouteSettings).toEqual({ 'GET /slow': { DetailedMetricsEnabled: false, ThrottlingBurstLimit: 1, ThrottlingRateLimit: 0.01 } });
    const url = `${nimbus.endpoint}/_aws/execute-api/${api.ApiId}/slow?mode=plain`;
    expect((await http(url)).status).toBe(200);
    const second = await http(url);
    expect(second.status).toBe(429);
    expect(second.json()).toEqual({ message: 'Too Many Requests' });
  });
});

describe('CORS', () => {
  it('answers preflight requests and sets CORS headers on answers', async () => {
    const api = await gw.send(
      new V2.CreateApiCommand({
        Name: 'cors',
        ProtocolType: 'HTTP',
        Target: echoArn,
        CorsConfiguration: { AllowOrigins: ['https://app.example.com'], AllowMethods: ['GET', 'POST'], AllowHeaders: ['content-type'], MaxAge: 300, ExposeHeaders: ['x-a'] },
      }),
    );
    const base = `${nimbus.endpoint}/_aws/execute-api/${api.ApiId}`;
    const pre = await http(`${base}/anything`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(pre.headers['access-control-allow-methods']).toBe('GET,POST');
    expect(pre.headers['access-control-allow-headers']).toBe('content-type');
    expect(pre.headers['access-control-max-age']).toBe('300');

    const actual = await http(`${base}/x?mode=plain`, { headers: { origin: 'https://app.example.com' } });
    expect(actual.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(actual.headers['access-control-expose-headers']).toBe('x-a');
    const other = await http(`${base}/x?mode=plain`, { headers: { origin: 'https://evil.example.com' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('metrics', () => {
  it('counts requests, 4xx and latency by ApiId and Stage in AWS/ApiGateway', async () => {
    const api = await gw.send(new V2.CreateApiCommand({ Name: 'metered', ProtocolType: 'HTTP', Target: echoArn, RouteKey: 'GET /m' }));
    const base = `${nimbus.endpoint}/_aws/execute-api/${api.ApiId}`;
    await http(`${base}/m?mode=plain`);
    await http(`${base}/m?mode=plain`);
    await http(`${base}/none`);
    const sum = metricReader(nimbus.endpoint, 'AWS/ApiGateway', { ApiId: api.ApiId!, Stage: '$default' });
    expect(await sum('Count', 'Sum')).toBe(3);
    expect(await sum('4xx', 'Sum')).toBe(1);
    expect(await sum('5xx', 'Sum')).toBe(0);
    expect(await sum('IntegrationLatency', 'SampleCount')).toBe(2);
  });
});

describe('REST APIs still work beside HTTP APIs', () => {
  it('hands other API ids to the REST data plane', async () => {
    const res = await http(`${nimbus.endpoint}/_aws/execute-api/unknown123/prod/x`);
    expect(res.status).toBe(403);
  });
});
