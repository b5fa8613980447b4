// SAM HttpApi with an OpenAPI definition against a real Nimbus: DefinitionBody through AWS::Include,
// inline DefinitionBody with intrinsics, and DefinitionUri, with the functions' HttpApi events,
// a Lambda authorizer and CORS merged into the document; deployed (ImportApi), updated
// (ReimportApi) and deleted through the SAM deployer; served by `local start-api`; and the
// examples/http-api-openapi app as its README walks through it.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { ExportApiCommand, GetApiCommand, GetAuthorizersCommand, GetRoutesCommand, GetStagesCommand } from '@aws-sdk/client-apigatewayv2';
import { parse as parseYaml } from 'yaml';
import { startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { makeClients, type Clients } from '../../src/sam/deploy/clients.js';
import { deployStack, deleteStack } from '../../src/sam/deploy/deployer.js';
import { startApi } from '../../src/sam/start-api.js';
import { deleteCommand, deployCommand } from '../../src/sam/commands.js';
import { capture } from '../helpers/io.js';

const scratch = mkdtempSync(join(tmpdir(), 'nimbus-httpapi-sam-openapi-'));

let nimbus: TestNimbus;
let clients: Clients;
let backend: Server;
let backendUrl = '';
const log = () => undefined;

const CODE = `
exports.app = async (event) => ({ routeKey: event.routeKey, stage: event.requestContext.stage, who: event.requestContext.authorizer?.lambda?.who ?? null });
exports.auth = async (event) => ({ isAuthorized: event.headers.authorization === 'letmein', context: { who: 'ada' } });
`;

const openapi = (extra = '') => `
openapi: 3.0.1
info:
  title: pets-sam
  version: '1.0'
paths:
  /pets:
    get:
      operationId: listPets
  /upstream:
    get:
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: ${backendUrl}/from-definition
        payloadFormatVersion: '1.0'
${extra}`;

const TEMPLATE = `
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    CodeUri: app/
    Runtime: nodejs20.x
Resources:
  AuthFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.auth
  PetsApi:
    Type: AWS::Serverless::HttpApi
    Properties:
      StageName: v1
      FailOnWarnings: true
      CorsConfiguration:
        AllowOrigins: ['https://app.example.com']
        AllowMethods: [GET]
      Auth:
        Authorizers:
          Gate:
            FunctionArn: !GetAtt AuthFunction.Arn
            AuthorizerPayloadFormatVersion: '2.0'
            EnableSimpleResponses: true
            Identity:
              Headers: [Authorization]
      DefinitionBody:
        Fn::Transform:
          Name: AWS::Include
          Parameters:
            Location: openapi.yaml
  InlineApi:
    Type: AWS::Serverless::HttpApi
    Properties:
      Name: inline-api
      DefinitionBody:
        openapi: 3.0.1
        info:
          title: ignored-for-Name
          version: '1'
        paths:
          /direct:
            get:
              x-amazon-apigateway-integration:
                type: aws_proxy
                uri: !Sub "arn:aws:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${AppFunction.Arn}/invocations"
                payloadFormatVersion: '2.0'
  FileApi:
    Type: AWS::Serverless::HttpApi
    Properties:
      DefinitionUri: openapi.yaml
  AppFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.app
      Events:
        List:
          Type: HttpApi
          Properties:
            ApiId: !Ref PetsApi
            Path: /pets
            Method: get
        Secret:
          Type: HttpApi
          Properties:
            ApiId: !Ref PetsApi
            Path: /secret
            Method: get
            Auth:
              Authorizer: Gate
        Fallback:
          Type: HttpApi
          Properties:
            ApiId: !Ref InlineApi
Outputs:
  PetsApiId:
    Value: !Ref PetsApi
  InlineApiId:
    Value: !Ref InlineApi
  FileApiId:
    Value: !Ref FileApi
`;

const output = (outs: Array<{ OutputKey: string; OutputValue: string }>, key: string) => outs.find((o) => o.OutputKey === key)!.OutputValue;

async function get(url: string, headers: Record<string, string> = {}) {
  const res = await request(url, { headers });
  const text = await res.body.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.statusCode, body, headers: res.headers };
}

function app(): string {
  const dir = mkdtempSync(join(scratch, 'app-'));
  mkdirSync(join(dir, 'app'));
  writeFileSync(join(dir, 'app', 'index.js'), CODE);
  writeFileSync(join(dir, 'openapi.yaml'), openapi());
  writeFileSync(join(dir, 'template.yaml'), TEMPLATE);
  return dir;
}

beforeAll(async () => {
  nimbus = await startNimbus();
  clients = makeClients(nimbus.endpoint);
  backend = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ upstream: req.url }));
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
});
afterAll(async () => {
  clients?.destroy();
  await new Promise((r) => backend.close(r));
  await nimbus?.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

describe('sam deploy of HttpApis with DefinitionBody and DefinitionUri', () => {
  const dir = () => app();
  let project = '';
  let petsId = '';
  let inlineId = '';
  let fileId = '';

  it('imports the definitions with the events, authorizer and CORS merged in, and serves them', async () => {
    project = dir();
    const res = await deployStack({ templatePath: join(project, 'template.yaml'), stackName: 'oas', overrides: new Map(), clients, log });
    expect(res.status).toBe('CREATE_COMPLETE');
    petsId = output(res.outputs, 'PetsApiId');
    inlineId = output(res.outputs, 'InlineApiId');
    fileId = output(res.outputs, 'FileApiId');

    const pets = await clients.apigwv2.send(new GetApiCommand({ ApiId: petsId }));
    expect(pets).toMatchObject({ Name: 'pets-sam', CorsConfiguration: { AllowOrigins: ['https://app.example.com'], AllowMethods: ['GET'] } });
    const routes = (await clients.apigwv2.send(new GetRoutesCommand({ ApiId: petsId }))).Items!;
    expect(routes.map((r) => [r.RouteKey, r.AuthorizationType, r.OperationName]).sort()).toEqual([
      ['GET /pets', 'NONE', 'listPets'],
      ['GET /secret', 'CUSTOM', undefined],
      ['GET /upstream', 'NONE', undefined],
    ]);
    expect((await clients.apigwv2.send(new GetAuthorizersCommand({ ApiId: petsId }))).Items!.map((a) => a.Name)).toEqual(['Gate']);
    expect((await clients.apigwv2.send(new GetStagesCommand({ ApiId: petsId }))).Items!.map((s) => s.StageName)).toEqual(['v1']);

    const base = `${nimbus.endpoint}/_aws/execute-api/${petsId}/v1`;
    expect(await get(`${base}/pets`)).toMatchObject({ status: 200, body: { routeKey: 'GET /pets', stage: 'v1', who: null } });
    expect((await get(`${base}/secret`)).status).toBe(401);
    expect((await get(`${base}/secret`, { authorization: 'no' })).status).toBe(403);
    expect(await get(`${base}/secret`, { authorization: 'letmein' })).toMatchObject({ status: 200, body: { routeKey: 'GET /secret', who: 'ada' } });
    expect(await get(`${base}/upstream`)).toMatchObject({ status: 200, body: { upstream: '/from-definition' } });
    const cors = await get(`${base}/pets`, { origin: 'https://app.example.com' });
    expect(cors.headers['access-control-allow-origin']).toBe('https://app.example.com');

    // Name overrides info.title; the event without Path/Method is the `$default` route.
    expect((await clients.apigwv2.send(new GetApiCommand({ ApiId: inlineId }))).Name).toBe('inline-api');
    const inline = `${nimbus.endpoint}/_aws/execute-api/${inlineId}`;
    expect(await get(`${inline}/direct`)).toMatchObject({ status: 200, body: { routeKey: 'GET /direct', stage: '$default' } });
    expect(await get(`${inline}/any/thing`)).toMatchObject({ status: 200, body: { routeKey: '$default' } });

    const file = `${nimbus.endpoint}/_aws/execute-api/${fileId}`;
    expect(await get(`${file}/upstream`)).toMatchObject({ status: 200, body: { upstream: '/from-definition' } });
    // Declared without an integration and named by no event: the route exists, serving nothing.
    expect((await clients.apigwv2.send(new GetRoutesCommand({ ApiId: fileId }))).Items!.map((r) => r.RouteKey).sort()).toEqual(['GET /pets', 'GET /upstream']);
  });

  it('reimports a changed definition on update, keeping the API and its stage, and deletes', async () => {
    writeFileSync(join(project, 'openapi.yaml'), openapi(`  /added:
    get:
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: ${backendUrl}/added
        payloadFormatVersion: '1.0'`));
    const res = await deployStack({ templatePath: join(project, 'template.yaml'), stackName: 'oas', overrides: new Map(), clients, log });
    expect(res.status).toBe('UPDATE_COMPLETE');
    expect(output(res.outputs, 'PetsApiId')).toBe(petsId);
    const base = `${nimbus.endpoint}/_aws/execute-api/${petsId}/v1`;
    expect(await get(`${base}/added`)).toMatchObject({ status: 200, body: { upstream: '/added' } });
    expect(await get(`${base}/secret`, { authorization: 'letmein' })).toMatchObject({ status: 200, body: { who: 'ada' } });
    expect(await get(`${nimbus.endpoint}/_aws/execute-api/${fileId}/added`)).toMatchObject({ status: 200 });

    await deleteStack({ project, stackName: 'oas', clients, log });
    for (const id of [petsId, inlineId, fileId]) {
      await expect(clients.apigwv2.send(new GetApiCommand({ ApiId: id }))).rejects.toMatchObject({ name: 'NotFoundException' });
    }
  });

  it('moves an HttpApi from a definition to plain events and back on update', async () => {
    const switching = mkdtempSync(join(scratch, 'switch-'));
    mkdirSync(join(switching, 'app'));
    writeFileSync(join(switching, 'app', 'index.js'), CODE);
    const template = (definition: string) => `
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
${definition}
      StageName: s
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: app/
      Handler: index.app
      Runtime: nodejs20.x
      Events:
        Get: { Type: HttpApi, Properties: { ApiId: !Ref Api, Path: /thing, Method: get } }
Outputs:
  ApiId:
    Value: !Ref Api
`;
    const withDefinition = template("      DefinitionBody: { openapi: 3.0.1, info: { title: switching, version: '1' }, paths: { /only-in-definition: { get: { x-amazon-apigateway-integration: { type: http_proxy, uri: 'http://127.0.0.1:1', payloadFormatVersion: '1.0' } } } } }");
    const deploy = async (body: string) => {
      writeFileSync(join(switching, 'template.yaml'), body);
      const res = await deployStack({ templatePath: join(switching, 'template.yaml'), stackName: 'switch', overrides: new Map(), clients, log });
      expect(res.status).toMatch(/_COMPLETE$/);
      return output(res.outputs, 'ApiId');
    };
    const keys = async (id: string) => (await clients.apigwv2.send(new GetRoutesCommand({ ApiId: id }))).Items!.map((r) => r.RouteKey).sort();
    const id = await deploy(withDefinition);
    expect(await keys(id)).toEqual(['GET /only-in-definition', 'GET /thing']);
    expect(await deploy(template(''))).toBe(id);
    expect(await keys(id)).toEqual(['GET /thing']);
    expect(await get(`${nimbus.endpoint}/_aws/execute-api/${id}/s/thing`)).toMatchObject({ status: 200, body: { routeKey: 'GET /thing' } });
    expect(await deploy(withDefinition)).toBe(id);
    expect(await keys(id)).toEqual(['GET /only-in-definition', 'GET /thing']);
    expect(await get(`${nimbus.endpoint}/_aws/execute-api/${id}/s/thing`)).toMatchObject({ status: 200, body: { routeKey: 'GET /thing' } });
    await deleteStack({ project: switching, stackName: 'switch', clients, log });
  });

  it('reports template errors: both DefinitionBody and DefinitionUri, a missing file, an event clashing with the definition', async () => {
    const bad = mkdtempSync(join(scratch, 'bad-'));
    mkdirSync(join(bad, 'app'));
    writeFileSync(join(bad, 'app', 'index.js'), CODE);
    writeFileSync(
      join(bad, 'template.yaml'),
      `
Transform: AWS::Serverless-2016-10-31
Resources:
  Both:
    Type: AWS::Serverless::HttpApi
    Properties:
      DefinitionBody: { openapi: 3.0.1, info: { title: x, version: '1' }, paths: {} }
      DefinitionUri: openapi.yaml
  Missing:
    Type: AWS::Serverless::HttpApi
    Properties:
      DefinitionUri: nowhere.yaml
  Clash:
    Type: AWS::Serverless::HttpApi
    Properties:
      DefinitionBody:
        openapi: 3.0.1
        info: { title: x, version: '1' }
        paths:
          /taken:
            get:
              x-amazon-apigateway-integration: { type: http_proxy, uri: 'http://example.com', payloadFormatVersion: '1.0' }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: app/
      Handler: index.app
      Runtime: nodejs20.x
      Events:
        Taken:
          Type: HttpApi
          Properties: { ApiId: !Ref Clash, Path: /taken, Method: get }
`,
    );
    const io = capture();
    expect(await deployCommand({ cwd: bad, stackName: 'bad', endpointUrl: nimbus.endpoint }, io)).not.toBe(0);
    const err = io.stderr.join('\n');
    expect(err).toMatch(/Resources\.Both\.Properties.*either DefinitionBody or DefinitionUri/);
    expect(err).toMatch(/Resources\.Missing\.Properties\.DefinitionUri/);
    expect(err).toMatch(/already has an integration for GET \/taken/);
  });

  it('fails the deployment when the imported document is bad, with ImportApi\'s error', async () => {
    const bad = app();
    writeFileSync(join(bad, 'openapi.yaml'), openapi(`  /broken:
    get:
      x-amazon-apigateway-integration:
        type: aws_proxy
        uri: not-a-function
        payloadFormatVersion: '2.0'`));
    const io = capture();
    expect(await deployCommand({ cwd: bad, stackName: 'broken', endpointUrl: nimbus.endpoint }, io)).not.toBe(0);
    expect(io.stderr.join('\n')).toMatch(/Invalid integration URI specified: not-a-function/);
  });
});

describe('local start-api with an HttpApi from OpenAPI', () => {
  it('serves the imported routes', async () => {
    const dir = app();
    const io = capture();
    const api = await startApi({ port: 0, host: '127.0.0.1', cwd: dir }, io);
    try {
      expect(await get(`${api.url}/direct`)).toMatchObject({ status: 200, body: { routeKey: 'GET /direct' } });
      expect(await get(`${api.url}/secret`, { authorization: 'letmein' })).toMatchObject({ status: 200, body: { who: 'ada' } });
    } finally {
      await api.stop();
    }
  });
});

describe('examples/http-api-openapi as its README walks through it', () => {
  it('deploys, answers the curl steps, exports, and deletes', async () => {
    const dir = join(mkdtempSync(join(scratch, 'example-')), 'http-api-openapi');
    cpSync(join(process.cwd(), 'examples/http-api-openapi'), dir, { recursive: true, filter: (p) => !p.includes('.nimbus-sam') });
    const io = capture();
    expect(await deployCommand({ cwd: dir, stackName: 'books', endpointUrl: nimbus.endpoint }, io)).toBe(0);
    const printed = io.stdout.join('\n').match(/HTTP API \w+: (\S+)/);
    expect(printed).not.toBeNull();
    const api = printed![1]!.replace(/\/$/, '');
    const post = (headers: Record<string, string>) => request(`${api}/books`, { method: 'POST', headers, body: 'Dune' });
    expect((await post({})).statusCode).toBe(401);
    expect((await post({ 'x-api-token': 'nope' })).statusCode).toBe(403);
    const created = await post({ 'x-api-token': 'secret-ada' });
    expect(created.statusCode).toBe(201);
    expect(await created.body.json()).toEqual({ id: '1', title: 'Dune', by: 'ada' });
    expect(await get(`${api}/books`)).toMatchObject({ status: 200, body: { books: [{ id: '1', title: 'Dune', by: 'ada' }] } });
    expect((await get(`${api}/books/7`)).status).toBe(404);
    const apiId = /execute-api\/([A-Za-z0-9]+)/.exec(api)![1]!;
    const exported = await clients.apigwv2.send(new ExportApiCommand({ ApiId: apiId, Specification: 'OAS30', OutputType: 'YAML' }));
    const doc = parseYaml(Buffer.from(exported.body!).toString('utf8')) as Record<string, any>;
    expect(doc.info.title).toBe('books');
    expect(doc.paths['/books'].post.security).toEqual([{ TokenGate: [] }]);
    expect(doc.paths['/books'].get['x-amazon-apigateway-integration']).toMatchObject({ type: 'aws_proxy', payloadFormatVersion: '2.0' });
    expect(await deleteCommand({ cwd: dir, stackName: 'books', endpointUrl: nimbus.endpoint }, capture())).toBe(0);
  });
});
