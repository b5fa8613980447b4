// HTTP APIs from and to OpenAPI 3.0 through @aws-sdk/client-apigatewayv2 against a real Nimbus:
// ImportApi (routes, Lambda and HTTP proxy integrations, `$default`, a Lambda authorizer, CORS,
// warnings, failOnWarnings, malformed documents leaving nothing behind), the imported API serving
// a real nodejs20.x function and a local HTTP back end, ReimportApi overwriting, and ExportApi
// (JSON and YAML, stage or latest, without extensions, errors) with an export → import round trip.
// The AWS CLI's import-api/export-api run last when the CLI is installed.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { parse as parseYaml } from 'yaml';
import * as V2 from '@aws-sdk/client-apigatewayv2';
import * as Lambda from '@aws-sdk/client-lambda';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { nodeFunction } from '../helpers/functions.js';
import { aws, awsCliAvailable } from '../helpers/aws-cli.js';

let nimbus: TestNimbus;
let gw: V2.ApiGatewayV2Client;
let lambda: Lambda.LambdaClient;
let backend: Server;
let backendUrl = '';
let echoArn = '';
let authArn = '';
const scratch = mkdtempSync(join(tmpdir(), 'nimbus-httpapi-openapi-'));

const ECHO = `
export const handler = async (event) => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) });`;
const AUTH = `
export const handler = async (event) => ({ isAuthorized: event.headers?.authorization === 'letmein', context: { who: 'tester' } });`;

const invocation = (arn: string) => `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${arn}/invocations`;

/** The definition the happy paths import (YAML, as people write them). */
const petsYaml = () => `
openapi: 3.0.1
info:
  title: pets-from-openapi
  description: imported pets
  version: '2024-01-01'
servers:
  - url: https://example.com/v1
paths:
  /pets:
    get:
      operationId: listPets
      x-amazon-apigateway-integration:
        type: aws_proxy
        uri: ${echoArn}
        payloadFormatVersion: '2.0'
    post:
      x-amazon-apigateway-integration:
        type: AWS_PROXY
        httpMethod: POST
        uri: ${invocation(echoArn)}
        payloadFormatVersion: '1.0'
        timeoutInMillis: 5000
  /pets/{petId}:
    parameters:
      - name: petId
        in: path
        required: true
        schema: { type: string }
    get:
      security:
        - LambdaAuth: []
      x-amazon-apigateway-integration:
        type: aws_proxy
        uri: ${echoArn}
        payloadFormatVersion: '2.0'
  /upstream/{proxy+}:
    x-amazon-apigateway-any-method:
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: ANY
        uri: ${backendUrl}/base/{proxy}
        payloadFormatVersion: '1.0'
        connectionType: INTERNET
  /$default:
    x-amazon-apigateway-any-method:
      isDefaultRoute: true
      x-amazon-apigateway-integration:
        type: aws_proxy
        uri: ${echoArn}
        payloadFormatVersion: '2.0'
components:
  securitySchemes:
    LambdaAuth:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authorizer:
        type: request
        identitySource: $request.header.Authorization
        authorizerUri: ${invocation(authArn)}
        authorizerPayloadFormatVersion: '2.0'
        enableSimpleResponses: true
        authorizerResultTtlInSeconds: 0
x-amazon-apigateway-cors:
  allowOrigins: ['https://app.example.com']
  allowMethods: [GET, POST]
  allowHeaders: [authorization, content-type]
  maxAge: 300
x-amazon-apigateway-importexport-version: '1.0'
`;

async function http(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  const res = await request(url, { method: (opts.method ?? 'GET') as 'GET', headers: opts.headers, body: opts.body });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, any> };
}

/** The AWS error a call fails with: its name and HTTP status. */
async function failure(p: Promise<unknown>): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await p;
  } catch (err) {
    const e = err as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected the call to fail');
}

const apiCount = async () => (await gw.send(new V2.GetApisCommand({}))).Items!.length;

/** Routes, integrations and authorizers of an API, in comparable form (ids left out). */
async function shape(apiId: string) {
  const [routes, integrations, authorizers, api] = await Promise.all([
    gw.send(new V2.GetRoutesCommand({ ApiId: apiId })),
    gw.send(new V2.GetIntegrationsCommand({ ApiId: apiId })),
    gw.send(new V2.GetAuthorizersCommand({ ApiId: apiId })),
    gw.send(new V2.GetApiCommand({ ApiId: apiId })),
  ]);
  const integ = new Map(integrations.Items!.map((i) => [i.IntegrationId, i]));
  const auth = new Map(authorizers.Items!.map((a) => [a.AuthorizerId, a]));
  return {
    name: api.Name,
    cors: api.CorsConfiguration,
    routes: routes.Items!.map((r) => {
      const i = r.Target ? integ.get(r.Target.split('/')[1]) : undefined;
      return {
        key: r.RouteKey,
        auth: r.AuthorizationType,
        authorizer: r.AuthorizerId ? auth.get(r.AuthorizerId)?.Name : undefined,
        op: r.OperationName,
        integration: i && { type: i.IntegrationType, uri: i.IntegrationUri, method: i.IntegrationMethod, version: i.PayloadFormatVersion, timeout: i.TimeoutInMillis },
      };
    }).sort((a, b) => a.key!.localeCompare(b.key!)),
    authorizers: authorizers.Items!.map(({ AuthorizerId: _id, ...rest }) => rest),
  };
}

beforeAll(async () => {
  nimbus = await startNimbus();
  gw = new V2.ApiGatewayV2Client(clientConfig(nimbus.endpoint));
  lambda = new Lambda.LambdaClient(clientConfig(nimbus.endpoint));
  backend = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ url: req.url, method: req.method }));
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
  echoArn = await nodeFunction(lambda, 'oas-echo', ECHO);
  authArn = await nodeFunction(lambda, 'oas-auth', AUTH);
}, 60_000);

afterAll(async () => {
  await new Promise((r) => backend.close(r));
  await nimbus.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

describe('ImportApi', () => {
  let apiId: string;
  let base: string;

  beforeAll(async () => {
    const out = await gw.send(new V2.ImportApiCommand({ Body: petsYaml() }));
    apiId = out.ApiId!;
    base = `${nimbus.endpoint}/_aws/execute-api/${apiId}`;
    await gw.send(new V2.CreateStageCommand({ ApiId: apiId, StageName: '$default', AutoDeploy: true }));
  });

  it('creates the API from info and x-amazon-apigateway-cors, without warnings', async () => {
    const api = await gw.send(new V2.GetApiCommand({ ApiId: apiId }));
    expect(api).toMatchObject({
      Name: 'pets-from-openapi',
      Description: 'imported pets',
      Version: '2024-01-01',
      ProtocolType: 'HTTP',
      CorsConfiguration: { AllowOrigins: ['https://app.example.com'], AllowMethods: ['GET', 'POST'], AllowHeaders: ['authorization', 'content-type'], MaxAge: 300 },
    });
    expect(api.ApiEndpoint).toContain(apiId);
  });

  it('creates a route per path and method, $default included, with their integrations and authorizer', async () => {
    const s = await shape(apiId);
    expect(s.routes).toEqual([
      { key: '$default', auth: 'NONE', integration: { type: 'AWS_PROXY', uri: echoArn, method: 'POST', version: '2.0', timeout: 30000 } },
      { key: 'ANY /upstream/{proxy+}', auth: 'NONE', integration: { type: 'HTTP_PROXY', uri: `${backendUrl}/base/{proxy}`, method: 'ANY', version: '1.0', timeout: 30000 } },
      { key: 'GET /pets', auth: 'NONE', op: 'listPets', integration: { type: 'AWS_PROXY', uri: echoArn, method: 'POST', version: '2.0', timeout: 30000 } },
      { key: 'GET /pets/{petId}', auth: 'CUSTOM', authorizer: 'LambdaAuth', integration: { type: 'AWS_PROXY', uri: echoArn, method: 'POST', version: '2.0', timeout: 30000 } },
      { key: 'POST /pets', auth: 'NONE', integration: { type: 'AWS_PROXY', uri: invocation(echoArn), method: 'POST', version: '1.0', timeout: 5000 } },
    ]);
    expect(s.authorizers).toEqual([
      {
        Name: 'LambdaAuth',
        AuthorizerType: 'REQUEST',
        AuthorizerUri: invocation(authArn),
        AuthorizerPayloadFormatVersion: '2.0',
        EnableSimpleResponses: true,
        IdentitySource: ['$request.header.Authorization'],
        AuthorizerResultTtlInSeconds: 0,
      },
    ]);
  });

  it('serves the imported routes: a real Lambda function (2.0 and 1.0), the authorizer, HTTP_PROXY, $default and CORS', async () => {
    const list = await http(`${base}/pets?x=1`);
    expect(list.status).toBe(200);
    expect(list.json()).toMatchObject({ version: '2.0', routeKey: 'GET /pets', rawPath: '/pets', queryStringParameters: { x: '1' } });

    const post = await http(`${base}/pets`, { method: 'POST', body: 'hi', headers: { 'content-type': 'text/plain' } });
    expect(post.json()).toMatchObject({ version: '1.0', resource: '/pets', httpMethod: 'POST', body: 'hi' });

    expect((await http(`${base}/pets/7`)).status).toBe(401);
    expect((await http(`${base}/pets/7`, { headers: { authorization: 'wrong' } })).status).toBe(403);
    const allowed = await http(`${base}/pets/7`, { headers: { authorization: 'letmein' } });
    expect(allowed.status).toBe(200);
    expect(allowed.json()).toMatchObject({ pathParameters: { petId: '7' }, requestContext: { authorizer: { lambda: { who: 'tester' } } } });

    const upstream = await http(`${base}/upstream/a/b?q=1`, { method: 'DELETE' });
    expect(upstream.status).toBe(200);
    expect(upstream.json()).toEqual({ url: '/base/a/b?q=1', method: 'DELETE' });

    expect((await http(`${base}/anything/else`)).json()).toMatchObject({ routeKey: '$default', rawPath: '/anything/else' });

    const preflight = await http(`${base}/pets`, { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(preflight.headers['access-control-max-age']).toBe('300');
  });

  it('reads JSON documents, applies basepath=prepend, and reuses components.x-amazon-apigateway-integrations', async () => {
    const doc = {
      openapi: '3.0.1',
      info: { title: 'json-doc', version: 1 },
      servers: [{ url: 'https://example.com/{stage}/api', variables: { stage: { default: 'v2' } } }],
      paths: {
        '/a': { get: { 'x-amazon-apigateway-integration': { $ref: '#/components/x-amazon-apigateway-integrations/up' } } },
        '/b': { put: { 'x-amazon-apigateway-integration': { $ref: '#/components/x-amazon-apigateway-integrations/up' } } },
        '/no-integration': { get: {} },
      },
      components: { 'x-amazon-apigateway-integrations': { up: { type: 'http_proxy', httpMethod: 'GET', uri: backendUrl, payloadFormatVersion: '1.0' } } },
    };
    const out = await gw.send(new V2.ImportApiCommand({ Body: JSON.stringify(doc), Basepath: 'prepend' }));
    expect(out).toMatchObject({ Name: 'json-doc', Version: '1' });
    expect(out.Warnings).toBeUndefined();
    const routes = (await gw.send(new V2.GetRoutesCommand({ ApiId: out.ApiId }))).Items!;
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(['GET /v2/api/a', 'GET /v2/api/no-integration', 'PUT /v2/api/b']);
    const integrations = (await gw.send(new V2.GetIntegrationsCommand({ ApiId: out.ApiId }))).Items!;
    expect(integrations).toHaveLength(1);
    expect(routes.find((r) => r.RouteKey === 'GET /v2/api/no-integration')!.Target).toBeUndefined();
  });

  it('returns warnings for ignored parts, and fails on them with failOnWarnings', async () => {
    const doc = {
      openapi: '3.0.1',
      info: { title: 'warned' },
      'x-amazon-apigateway-binary-media-types': ['image/png'],
      paths: {
        '/a': {
          get: { 'x-amazon-apigateway-integration': { type: 'http_proxy', uri: backendUrl, payloadFormatVersion: '1.0', requestParameters: { 'append:header.x': 'y' } } },
          trace: {},
        },
      },
    };
    const out = await gw.send(new V2.ImportApiCommand({ Body: JSON.stringify(doc) }));
    expect(out.Warnings).toEqual([
      'x-amazon-apigateway-binary-media-types is not supported for HTTP APIs; ignored',
      'GET /a: x-amazon-apigateway-integration.requestParameters is not supported by Nimbus; ignored',
      "Method 'trace' of path '/a' is not supported by HTTP APIs; skipped",
    ]);
    const before = await apiCount();
    const err = await failure(gw.send(new V2.ImportApiCommand({ Body: JSON.stringify(doc), FailOnWarnings: true })));
    expect(err).toMatchObject({ name: 'BadRequestException', status: 400 });
    expect(err.message).toMatch(/^Warnings found during import:/);
    expect(await apiCount()).toBe(before);
  });

  it('refuses malformed documents with BadRequestException and creates nothing', async () => {
    const before = await apiCount();
    const lambdaOp = (uri: string) => ({ get: { 'x-amazon-apigateway-integration': { type: 'aws_proxy', uri, payloadFormatVersion: '2.0' } } });
    const bad: Array<[string, RegExp]> = [
      ['{"openapi": "3.0.1", "info": ', /^Invalid OpenAPI input/],
      ['just: [unclosed', /^Invalid OpenAPI input/],
      ['', /body|null/],
      [JSON.stringify({ swagger: '2.0', info: { title: 'x', version: '1' }, paths: {} }), /OpenAPI 3\.0/],
      [JSON.stringify({ openapi: '3.0.1', info: { version: '1' }, paths: {} }), /info\.title/],
      [JSON.stringify({ openapi: '3.0.1', info: { title: 'x' }, paths: { '/ok': lambdaOp(echoArn), '/bad': lambdaOp('not-an-arn') } }), /Invalid integration URI specified: not-an-arn/],
      [JSON.stringify({ openapi: '3.0.1', info: { title: 'x' }, paths: { '/a': { get: { 'x-amazon-apigateway-integration': { type: 'mock' } } } } }), /mock is not supported/],
      [JSON.stringify({ openapi: '3.0.1', info: { title: 'x' }, paths: { '/a': { get: { 'x-amazon-apigateway-integration': { type: 'aws_proxy', uri: echoArn } } } } }), /PayloadFormatVersion is required/],
      [JSON.stringify({ openapi: '3.0.1', info: { title: 'x' }, paths: { '/a/{x}/{x}': lambdaOp(echoArn) } }), /Duplicate path variable/],
      [JSON.stringify({ openapi: '3.0.1', info: { title: 'x' }, paths: { '/a': { get: { security: [{ Missing: [] }], ...lambdaOp(echoArn).get } } } }), /'Missing' is not defined/],
      [
        JSON.stringify({
          openapi: '3.0.1',
          info: { title: 'x' },
          paths: {},
          components: { securitySchemes: { Jwt: { type: 'oauth2', 'x-amazon-apigateway-authorizer': { type: 'jwt', jwtConfiguration: { issuer: 'not a url', audience: ['a'] }, identitySource: '$request.header.Authorization' } } } },
        }),
        /Invalid issuer specified: not a url/,
      ],
    ];
    for (const [body, message] of bad) {
      const err = await failure(gw.send(new V2.ImportApiCommand({ Body: body })));
      expect(err, body).toMatchObject({ name: 'BadRequestException', status: 400 });
      expect(err.message, body).toMatch(message);
    }
    expect(await apiCount()).toBe(before);
  });
});

describe('ReimportApi', () => {
  it('overwrites routes, integrations, authorizers and CORS, keeping the id and stages', async () => {
    const { ApiId } = await gw.send(new V2.ImportApiCommand({ Body: petsYaml() }));
    await gw.send(new V2.CreateStageCommand({ ApiId, StageName: 'live', AutoDeploy: true }));
    const base = `${nimbus.endpoint}/_aws/execute-api/${ApiId}/live`;
    expect((await http(`${base}/pets`)).status).toBe(200);

    const next = {
      openapi: '3.0.1',
      info: { title: 'pets-v2', version: '2' },
      paths: { '/v2/pets': { get: { 'x-amazon-apigateway-integration': { type: 'aws_proxy', uri: echoArn, payloadFormatVersion: '2.0' } } } },
    };
    const out = await gw.send(new V2.ReimportApiCommand({ ApiId, Body: JSON.stringify(next) }));
    expect(out).toMatchObject({ ApiId, Name: 'pets-v2', Version: '2' });
    expect(out.CorsConfiguration).toBeUndefined();
    const s = await shape(ApiId!);
    expect(s.routes.map((r) => r.key)).toEqual(['GET /v2/pets']);
    expect(s.authorizers).toEqual([]);
    expect((await gw.send(new V2.GetIntegrationsCommand({ ApiId }))).Items).toHaveLength(1);
    expect((await gw.send(new V2.GetStagesCommand({ ApiId }))).Items!.map((x) => x.StageName)).toEqual(['live']);
    // The auto-deploying stage serves the new definition at once.
    expect((await http(`${base}/v2/pets`)).json()).toMatchObject({ routeKey: 'GET /v2/pets' });
    expect((await http(`${base}/pets`)).status).toBe(404);
  });

  it('keeps an imported API\'s routes and stages through UpdateApi (the SAM provisioner names an imported API with it)', async () => {
    const { ApiId } = await gw.send(new V2.ImportApiCommand({ Body: petsYaml() }));
    await gw.send(new V2.CreateStageCommand({ ApiId, StageName: 'kept', AutoDeploy: true }));
    const before = await shape(ApiId!);
    await gw.send(new V2.UpdateApiCommand({ ApiId, Name: 'renamed' }));
    await gw.send(new V2.TagResourceCommand({ ResourceArn: `arn:aws:apigateway:us-east-1::/apis/${ApiId!}`, Tags: { a: 'b' } }));
    expect(await shape(ApiId!)).toEqual({ ...before, name: 'renamed' });
    expect((await gw.send(new V2.GetStagesCommand({ ApiId }))).Items!.map((x) => x.StageName)).toEqual(['kept']);
  });

  it('leaves the API as it was when the document is bad, and answers NotFound for an unknown API', async () => {
    const { ApiId } = await gw.send(new V2.ImportApiCommand({ Body: petsYaml() }));
    const before = await shape(ApiId!);
    const bad = JSON.stringify({ openapi: '3.0.1', info: { title: 'x' }, paths: { '/a': { get: { 'x-amazon-apigateway-integration': { type: 'http_proxy', uri: 'ftp://nope' } } } } });
    expect(await failure(gw.send(new V2.ReimportApiCommand({ ApiId, Body: bad })))).toMatchObject({ name: 'BadRequestException', status: 400 });
    expect(await shape(ApiId!)).toEqual(before);
    const missing = await failure(gw.send(new V2.ReimportApiCommand({ ApiId: 'nosuchapi1', Body: petsYaml() })));
    expect(missing).toMatchObject({ name: 'NotFoundException', status: 404 });
  });
});

describe('ExportApi', () => {
  let apiId: string;

  beforeAll(async () => {
    apiId = (await gw.send(new V2.ImportApiCommand({ Body: petsYaml() }))).ApiId!;
  });

  const exportOf = async (input: Omit<V2.ExportApiCommandInput, 'ApiId'>) => {
    const out = await gw.send(new V2.ExportApiCommand({ ApiId: apiId, ...input }));
    return Buffer.from(out.body!).toString('utf8');
  };

  it('exports the latest configuration as OpenAPI 3.0 JSON with the x-amazon-apigateway extensions', async () => {
    const doc = JSON.parse(await exportOf({ Specification: 'OAS30', OutputType: 'JSON' })) as Record<string, any>;
    expect(doc.openapi).toBe('3.0.1');
    expect(doc.info).toEqual({ title: 'pets-from-openapi', description: 'imported pets', version: '2024-01-01' });
    expect(doc['x-amazon-apigateway-importexport-version']).toBe('1.0');
    expect(doc['x-amazon-apigateway-cors']).toEqual({ allowOrigins: ['https://app.example.com'], maxAge: 300, allowMethods: ['GET', 'POST'], allowHeaders: ['authorization', 'content-type'] });
    expect(Object.keys(doc.paths).sort()).toEqual(['/$default', '/pets', '/pets/{petId}', '/upstream/{proxy+}']);
    expect(doc.paths['/$default']['x-amazon-apigateway-any-method']).toMatchObject({
      isDefaultRoute: true,
      'x-amazon-apigateway-integration': { type: 'aws_proxy', uri: echoArn, payloadFormatVersion: '2.0', httpMethod: 'POST', connectionType: 'INTERNET' },
    });
    expect(doc.paths['/pets'].get.operationId).toBe('listPets');
    expect(doc.paths['/pets'].post['x-amazon-apigateway-integration']).toMatchObject({ timeoutInMillis: 5000, payloadFormatVersion: '1.0' });
    expect(doc.paths['/pets/{petId}'].get.security).toEqual([{ LambdaAuth: [] }]);
    expect(doc.paths['/pets/{petId}'].parameters).toEqual([{ name: 'petId', in: 'path', description: 'Generated path parameter for petId', required: true, schema: { type: 'string' } }]);
    expect(doc.components.securitySchemes.LambdaAuth).toEqual({
      type: 'apiKey',
      name: 'Authorization',
      in: 'header',
      'x-amazon-apigateway-authorizer': {
        type: 'request',
        identitySource: '$request.header.Authorization',
        authorizerUri: invocation(authArn),
        authorizerPayloadFormatVersion: '2.0',
        authorizerResultTtlInSeconds: 0,
        enableSimpleResponses: true,
      },
    });
  });

  it('exports YAML, leaves the extensions out on request, and exports a stage\'s deployment', async () => {
    const yaml = parseYaml(await exportOf({ Specification: 'OAS30', OutputType: 'YAML' })) as Record<string, any>;
    expect(yaml.paths['/upstream/{proxy+}']['x-amazon-apigateway-any-method']['x-amazon-apigateway-integration'].type).toBe('http_proxy');
    const bare = JSON.parse(await exportOf({ Specification: 'OAS30', OutputType: 'JSON', IncludeExtensions: false })) as Record<string, any>;
    expect(JSON.stringify(bare)).not.toContain('x-amazon-apigateway-integration');
    expect(bare['x-amazon-apigateway-cors']).toBeUndefined();

    await gw.send(new V2.CreateStageCommand({ ApiId: apiId, StageName: 'frozen' }));
    await gw.send(new V2.CreateDeploymentCommand({ ApiId: apiId, StageName: 'frozen' }));
    const route = (await gw.send(new V2.GetRoutesCommand({ ApiId: apiId }))).Items!.find((r) => r.RouteKey === 'GET /pets')!;
    await gw.send(new V2.DeleteRouteCommand({ ApiId: apiId, RouteId: route.RouteId }));
    const staged = JSON.parse(await exportOf({ Specification: 'OAS30', OutputType: 'JSON', StageName: 'frozen' })) as Record<string, any>;
    expect(staged.paths['/pets'].get).toBeDefined();
    expect(staged.servers[0].variables.basePath.default).toBe('frozen');
    const latest = JSON.parse(await exportOf({ Specification: 'OAS30', OutputType: 'JSON' })) as Record<string, any>;
    expect(latest.paths['/pets'].get).toBeUndefined();
  });

  it('answers the AWS errors for a bad specification, output type, export version, stage or API', async () => {
    expect(await failure(exportOf({ Specification: 'OAS20', OutputType: 'JSON' }))).toMatchObject({ name: 'BadRequestException', status: 400 });
    expect(await failure(exportOf({ Specification: 'OAS30', OutputType: 'XML' }))).toMatchObject({ name: 'BadRequestException', status: 400 });
    expect(await failure(exportOf({ Specification: 'OAS30', OutputType: 'JSON', ExportVersion: '2.0' }))).toMatchObject({ name: 'BadRequestException', status: 400 });
    expect(await failure(exportOf({ Specification: 'OAS30', OutputType: 'JSON', StageName: 'nope' }))).toMatchObject({ name: 'NotFoundException', status: 404 });
    expect(await failure(gw.send(new V2.ExportApiCommand({ ApiId: 'nosuchapi1', Specification: 'OAS30', OutputType: 'JSON' })))).toMatchObject({
      name: 'NotFoundException',
      status: 404,
    });
  });

  it('round-trips: an exported document imports into an equivalent API', async () => {
    const source = (await gw.send(new V2.ImportApiCommand({ Body: petsYaml() }))).ApiId!;
    for (const output of ['JSON', 'YAML'] as const) {
      const out = await gw.send(new V2.ExportApiCommand({ ApiId: source, Specification: 'OAS30', OutputType: output }));
      const copy = await gw.send(new V2.ImportApiCommand({ Body: Buffer.from(out.body!).toString('utf8'), FailOnWarnings: true }));
      expect(copy.Warnings).toBeUndefined();
      expect(await shape(copy.ApiId!)).toEqual(await shape(source));
    }
  });
});

describe.skipIf(!awsCliAvailable)('with the AWS CLI', () => {
  it('imports with import-api, reimports, and exports with export-api', async () => {
    const cli = (...args: string[]) => aws(nimbus.endpoint, ['apigatewayv2', ...args], scratch);
    writeFileSync(join(scratch, 'api.yaml'), petsYaml());
    const imported = await cli('import-api', '--body', 'file://api.yaml');
    expect(imported.stderr).toBe('');
    const api = JSON.parse(imported.stdout) as { ApiId: string; Name: string };
    expect(api.Name).toBe('pets-from-openapi');
    const reimported = await cli('reimport-api', '--api-id', api.ApiId, '--body', 'file://api.yaml', '--fail-on-warnings');
    expect(reimported.code).toBe(0);
    const exported = await cli('export-api', '--api-id', api.ApiId, '--specification', 'OAS30', '--output-type', 'YAML', 'out.yaml');
    expect(exported.code).toBe(0);
    const doc = parseYaml(readFileSync(join(scratch, 'out.yaml'), 'utf8')) as Record<string, any>;
    expect(Object.keys(doc.paths)).toContain('/pets/{petId}');
    const bad = await cli('import-api', '--body', '{"openapi": "3.0.1"');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/BadRequestException/);
  }, 60_000);
});
