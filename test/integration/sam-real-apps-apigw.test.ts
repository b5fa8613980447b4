// Real-world API Gateway applications (REST APIs and HTTP APIs with Lambda) from
// aws-samples/serverless-patterns, kept under test/fixtures/real-apps with a SOURCE.md each: built
// and deployed with the `nimbus` SAM commands on a running Nimbus, then used as their READMEs use
// them on AWS — curl with and without API keys, tokens and CORS preflights, the cache metrics and the
// access log group they tell the reader to look at.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { GetAccountCommand, GetApiKeysCommand } from '@aws-sdk/client-api-gateway';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { metricReader } from '../helpers/metrics.js';
import { makeClients, type Clients } from '../../src/sam/deploy/clients.js';
import { buildAndDeploy, fixtureCheckouts, type BuildAndDeployOptions } from '../helpers/real-apps.js';

let nimbus: TestNimbus;
let clients: Clients;

beforeAll(async () => {
  nimbus = await startNimbus();
  clients = makeClients(nimbus.endpoint);
});
afterAll(async () => {
  clients?.destroy();
  await nimbus?.dispose();
});

const checkout = fixtureCheckouts('real-apps-apigw');

const deploy = (app: string, stackName: string, opts: BuildAndDeployOptions = {}) =>
  buildAndDeploy(nimbus.endpoint, app, stackName, { template: 'template.yaml', ...opts });

async function call(url: string, init: Parameters<typeof request>[1] = {}) {
  const res = await request(url, init);
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text };
}

/** The lines of a log group, waiting a little for the buffered sink to write them. */
async function logLines(group: string, atLeast: number): Promise<string[]> {
  let got: string[] = [];
  for (let i = 0; i < 100 && got.length < atLeast; i++) {
    const out = await clients.logs.send(new FilterLogEventsCommand({ logGroupName: group })).catch(() => undefined);
    got = out?.events?.map((e) => e.message!) ?? [];
    if (got.length < atLeast) await new Promise((r) => setTimeout(r, 50));
  }
  return got;
}

describe('HTTP API quick-created with Target and CORS, Node.js (serverless-patterns apigw-http-api-lambda)', () => {
  let base: string;

  it('deploys template.yml; ApiEndpoint names the API', async () => {
    const app = await deploy(checkout('apigw-http-api-lambda'), 'http-api-lambda', { template: 'template.yml' });
    const apiId = /^http:\/\/(\w+)\.execute-api\.localhost:\d+$/.exec(app.output('HttpApiEndpoint'))?.[1];
    expect(apiId).toBeTruthy();
    base = `${nimbus.endpoint}/_aws/execute-api/${apiId}/`;
  });

  it('GET / and POST /path1/path2?foo=bar answer the README summary of the 2.0 event', async () => {
    const get = await call(base);
    expect(get.status).toBe(200);
    expect(JSON.parse(get.text)).toEqual({ functionName: 'apigw-http-api-lambda-function', xForwardedFor: '127.0.0.1', method: 'GET', rawPath: '/' });
    const post = await call(`${base}path1/path2?foo=bar`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"key1":"value1", "key2":"value2"}' });
    expect(JSON.parse(post.text)).toEqual({
      functionName: 'apigw-http-api-lambda-function', xForwardedFor: '127.0.0.1', contentType: 'application/json', method: 'POST',
      rawPath: '/path1/path2', queryString: { foo: 'bar' }, body: '{"key1":"value1", "key2":"value2"}',
    });
  });

  it('the gateway answers CORS preflights and adds the origin header to answers', async () => {
    const pre = await call(`${base}anything`, { method: 'OPTIONS', headers: { origin: 'https://example.com', 'access-control-request-method': 'POST' } });
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('*');
    expect(String(pre.headers['access-control-allow-methods']).split(',')).toContain('POST');
    const simple = await call(base, { headers: { origin: 'https://example.com' } });
    expect(simple.headers['access-control-allow-origin']).toBe('*');
  });
});

describe('HTTP API with CORS from SAM, Python (serverless-patterns apigw-http-api-cors-sam)', () => {
  it('ANY /test answers; preflight is the gateway\'s; other paths are 404', async () => {
    const app = await deploy(checkout('apigw-http-api-cors-sam'), 'http-api-cors');
    expect(app.http).toBeTruthy();
    const get = await call(`${app.http}test`);
    expect(get.status).toBe(200);
    expect(JSON.parse(get.text)).toEqual({ message: 'Hello from an HTTP API with CORS' });
    const del = await call(`${app.http}test`, { method: 'DELETE', headers: { origin: 'https://a.example' } });
    expect(del.status).toBe(200);
    expect(del.headers['access-control-allow-origin']).toBe('*');
    const pre = await call(`${app.http}test`, { method: 'OPTIONS', headers: { origin: 'https://a.example', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'x-custom' } });
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('*');
    expect(pre.headers['access-control-allow-headers']).toBe('x-custom');
    const other = await call(`${app.http}other`);
    expect(other.status).toBe(404);
    expect(JSON.parse(other.text)).toEqual({ message: 'Not Found' });
  });
});

describe('implicit HTTP API with InlineCode, Python (serverless-patterns apigw-http-api-lambda-python)', () => {
  it('the $default route answers every path; the output is the API id', async () => {
    const app = await deploy(checkout('apigw-http-api-lambda-python'), 'http-api-python');
    expect(app.http).toBe(`${nimbus.endpoint}/_aws/execute-api/${app.output('HttpApiEndpoint')}/`);
    for (const path of ['', 'some/path?x=1']) {
      const r = await call(`${app.http}${path}`);
      expect(r.status).toBe(200);
      expect(r.text).toBe('Hello from the HTTP API');
    }
  });
});

describe('REST API with an API key and usage plan from raw CloudFormation (serverless-patterns apigw-api-key)', () => {
  it('403 without the key, 200 with the key the stack created', async () => {
    const app = await deploy(checkout('apigw-api-key'), 'api-key');
    const url = app.rest!.replace(/\/$/, '');
    expect(app.output('AppApiEndpoint')).toMatch(/^https:\/\/\w+\.execute-api\.us-east-1\.amazonaws\.com\/Prod$/);
    const none = await call(url);
    expect(none.status).toBe(403);
    expect(JSON.parse(none.text)).toEqual({ message: 'Forbidden' });
    const keys = await clients.apigw.send(new GetApiKeysCommand({ includeValues: true }));
    const key = keys.items!.find((k) => k.name!.startsWith('api-key-ApiKey-'));
    expect(key?.enabled).toBe(true);
    const wrong = await call(url, { headers: { 'x-api-key': 'not-a-key-of-this-plan-0123456789' } });
    expect(wrong.status).toBe(403);
    const ok = await call(url, { headers: { 'x-api-key': key!.value! } });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text)).toEqual({ message: 'Hello from behind an API key' });
  });
});

describe('REST API CORS with Lambda integrations (serverless-patterns apigw-cors-proxy, apigw-cors-nonproxy)', () => {
  const CORS = {
    'access-control-allow-headers': 'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token',
    'access-control-allow-methods': 'POST,GET,OPTIONS',
    'access-control-allow-origin': '*',
  };

  it('proxy: GET maps the CORS headers over the non-proxy answer; OPTIONS is the function\'s', async () => {
    const app = await deploy(checkout('apigw-cors-proxy'), 'cors-proxy');
    const get = await call(`${app.rest}helloworld`);
    expect(get.status).toBe(200);
    expect(get.headers).toMatchObject(CORS);
    // A non-proxy (AWS) integration passes the function's whole result through as the body.
    expect(JSON.parse(get.text)).toEqual({ statusCode: 200, body: '{"message": "Hi from Lambda"}' });
    const opt = await call(`${app.rest}helloworld`, { method: 'OPTIONS' });
    expect(opt.status).toBe(200);
    expect(opt.headers).toMatchObject({ 'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET,POST,OPTIONS' });
  });

  it('non-proxy: OPTIONS is a MOCK integration whose response sets the headers', async () => {
    const app = await deploy(checkout('apigw-cors-nonproxy'), 'cors-nonproxy');
    const opt = await call(`${app.rest}helloworld`, { method: 'OPTIONS' });
    expect(opt.status).toBe(200);
    expect(opt.headers).toMatchObject(CORS);
    expect(opt.text).toBe('');
    const get = await call(`${app.rest}helloworld`);
    expect(get.headers).toMatchObject(CORS);
    expect(JSON.parse(JSON.parse(get.text).body)).toEqual({ message: 'Hi from Lambda' });
  });
});

describe('TOKEN authorizer as the DefaultAuthorizer of an explicit DefinitionBody, header added by a mapping template (serverless-patterns apigw-lambda-authorizer-custom-header)', () => {
  let backend: Server;
  let backendUrl: string;
  beforeAll(async () => {
    // Stands in for httpbin.org/get: echoes the request headers it received.
    backend = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ url: req.url, headers: req.headers }));
    });
    await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
    backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}/get`;
  });
  afterAll(() => new Promise<void>((r) => backend.close(() => r())));

  it('deploys (the API is named by Name: its body has no info.title) and guards GET / with the authorizer', async () => {
    const app = await deploy(checkout('apigw-lambda-authorizer-custom-header'), 'authz-header', { parameterOverrides: [`BackendUrl=${backendUrl}`] });
    const url = app.rest!;
    const none = await call(url);
    expect(none.status).toBe(401);
    expect(JSON.parse(none.text)).toEqual({ message: 'Unauthorized' });
    const unauthorized = await call(url, { headers: { authorizationToken: 'unauthorized' } });
    expect(unauthorized.status).toBe(401);
    for (const token of ['deny', 'anything-else']) {
      const denied = await call(url, { headers: { authorizationToken: token } });
      expect(denied.status).toBe(403);
      expect(JSON.parse(denied.text)).toEqual({ message: 'User is not authorized to access this resource with an explicit deny' });
    }
    const allowed = await call(url, { headers: { authorizationToken: 'allow' } });
    expect(allowed.status).toBe(200);
    const echoed = JSON.parse(allowed.text) as { url: string; headers: Record<string, string> };
    expect(echoed.url).toBe('/get');
    expect(echoed.headers.enrichmentheader).toBe('Added by the Lambda authorizer');
  });
});

describe('stage cache with method settings (serverless-patterns apigw-caching-sam)', () => {
  it('repeated GETs are served from the cache, and CacheHitCount / CacheMissCount say so', async () => {
    const app = await deploy(checkout('apigw-caching-sam'), 'caching');
    const first = await call(app.rest!);
    expect(first.status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await call(app.rest!)).text).toBe(first.text);
    const stage = metricReader(nimbus.endpoint, 'AWS/ApiGateway', { ApiName: 'caching', Stage: 'Prod' });
    expect(await stage('CacheMissCount', 'Sum')).toBe(1);
    expect(await stage('CacheHitCount', 'Sum')).toBe(2);
  });
});

describe('access logs to a CloudWatch Logs group (serverless-patterns apigw-execution-access-logs, apigw-cloudwatch)', () => {
  it('AWS::ApiGateway::Account sets the CloudWatch role; each request writes the stage format to the group', async () => {
    const app = await deploy(checkout('apigw-execution-access-logs'), 'access-logs', { parameterOverrides: ['AccessLogGroup=real-apps-access-logs'] });
    expect(app.output('MyLogGroup')).toBe('real-apps-access-logs');
    const account = await clients.apigw.send(new GetAccountCommand({}));
    expect(account.cloudwatchRoleArn).toMatch(/^arn:aws:iam::000000000000:role\/access-logs-CloudWatchRole-/);
    const ok = await call(app.rest!);
    expect(JSON.parse(ok.text)).toEqual({ message: 'Hi from Lambda' });
    const missing = await call(`${app.rest}nowhere`);
    expect(missing.status).toBe(403);
    const lines = (await logLines('real-apps-access-logs', 2)).map((l) => JSON.parse(l) as Record<string, string>);
    expect(lines).toEqual([
      expect.objectContaining({ requestId: ok.headers['x-amzn-requestid'], ip: '127.0.0.1', caller: '-', user: '-', httpMethod: 'GET', resourcePath: '/', status: '200', protocol: 'HTTP/1.1', responseLength: String(Buffer.byteLength(ok.text)) }),
      expect.objectContaining({ requestId: missing.headers['x-amzn-requestid'], resourcePath: '-', status: '403' }),
    ]);
    expect(lines[0]!.requestTime).toMatch(/^\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);
  });

  it('an unnamed log group and a folded multi-line format: integration and response variables filled, WAF ones `-`', async () => {
    const app = await deploy(checkout('apigw-cloudwatch'), 'cw-logs');
    const group = app.output('LogGroupName');
    expect(group).toMatch(/^cw-logs-MyLogGroup-[A-Z0-9]{12}$/);
    const r = await call(app.rest!);
    expect(r.text).toBe('Hello from a logged API');
    const [line] = await logLines(group, 1);
    const entry = JSON.parse(line!) as Record<string, string>;
    expect(entry).toMatchObject({ requestId: r.headers['x-amzn-requestid'], 'waf-error': '-', 'waf-status': '-', 'authorize-error': '-', 'integration-status': '200', 'integration-integrationStatus': '200', status: '200' });
    expect(Number(entry['integration-latency'])).toBeGreaterThanOrEqual(0);
    expect(Number(entry['response-latency'])).toBeGreaterThanOrEqual(Number(entry['integration-latency']));
  });
});

describe('HTTP API straight to EventBridge, event to a Lambda rule target (serverless-patterns apigw-http-api-eventbridge)', () => {
  it('POST / puts the body\'s Detail on the default bus; the CloudWatchEvent rule delivers it to the function', async () => {
    const app = await deploy(checkout('apigw-http-api-eventbridge'), 'http-eventbridge');
    expect(app.http).toBeTruthy();
    const r = await call(app.http!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"Detail":{"message":"This is my test"}}' });
    expect(r.status).toBe(200);
    const answer = JSON.parse(r.text) as { FailedEntryCount: number; Entries: Array<{ EventId: string }> };
    expect(answer.FailedEntryCount).toBe(0);
    const fn = (await clients.lambda.send(new ListFunctionsCommand({}))).Functions!.find((f) => f.FunctionName!.startsWith('http-eventbridge-MyTriggeredLambda-'))!;
    const lines = (await logLines(`/aws/lambda/${fn.FunctionName}`, 3)).filter((l) => l.includes('"detail-type"'));
    expect(lines).toHaveLength(1);
    const event = JSON.parse(lines[0]!.slice(lines[0]!.indexOf('{'))) as Record<string, unknown>;
    expect(event).toMatchObject({ id: answer.Entries[0]!.EventId, source: 'WebApp', 'detail-type': 'MyDetailType', detail: { message: 'This is my test' } });
    const other = await call(app.http!, { method: 'GET' });
    expect(other.status).toBe(404);
  });
});
