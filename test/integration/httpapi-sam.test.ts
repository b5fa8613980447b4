// SAM HttpApi: a function's HttpApi events on the implicit ServerlessHttpApi ($default stage) and
// on an explicit AWS::Serverless::HttpApi with a named stage, deployed through the AWS SDK against
// a real Nimbus, answering real HTTP; then updated and deleted. Lambda authorizers (Auth.Authorizers,
// DefaultAuthorizer, an event's `Auth.Authorizer: NONE`) guard an HttpApi's routes.
import { cpSync, mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { GetApiCommand, GetAuthorizersCommand, GetRoutesCommand, GetStageCommand } from '@aws-sdk/client-apigatewayv2';
import { startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { makeClients, type Clients } from '../../src/sam/deploy/clients.js';
import { deployStack, deleteStack } from '../../src/sam/deploy/deployer.js';
import { startApi } from '../../src/sam/start-api.js';
import { deployCommand, deleteCommand } from '../../src/sam/commands.js';
import { capture } from '../helpers/io.js';

const scratch = mkdtempSync(join(tmpdir(), 'nimbus-httpapi-sam-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let nimbus: TestNimbus;
let clients: Clients;
let dir: string;
const log = () => undefined;

const template = (extraRoute: string) => `
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  HelloFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: app/
      Handler: index.handler
      Runtime: nodejs20.x
      Events:
        Hello:
          Type: HttpApi
          Properties:
            Path: /hello/{name}
            Method: get
        Legacy:
          Type: HttpApi
          Properties:
            Path: /legacy
            Method: ANY
            PayloadFormatVersion: '1.0'
            TimeoutInMillis: 5000
${extraRoute}
  AdminApi:
    Type: AWS::Serverless::HttpApi
    Properties:
      StageName: admin
      StageVariables:
        level: high
      CorsConfiguration: true
  AdminFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: app/
      Handler: index.handler
      Runtime: nodejs20.x
      Events:
        All:
          Type: HttpApi
          Properties:
            ApiId: !Ref AdminApi
Outputs:
  HelloUrl:
    Value: !Sub "https://\${ServerlessHttpApi}.execute-api.\${AWS::Region}.amazonaws.com/"
  HttpApiId:
    Value: !Ref ServerlessHttpApi
  AdminApiId:
    Value: !Ref AdminApi
`;

// Format 2.0 takes a plain object as a 200 JSON answer; format 1.0 needs the proxy response shape.
const HANDLER = `exports.handler = async (event) => {
  const out = {
    version: event.version,
    routeKey: event.routeKey || event.resource,
    name: event.pathParameters && event.pathParameters.name,
    stage: event.requestContext.stage,
    level: event.stageVariables && event.stageVariables.level,
  };
  return event.version === '1.0' ? { statusCode: 200, body: JSON.stringify(out) } : out;
};`;

// Authorizer: the first identity value decides; the second comes back as context.
const AUTH_TEMPLATE = `
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  AuthFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: app/
      Handler: index.auth
      Runtime: nodejs20.x
  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
      Auth:
        DefaultAuthorizer: Gate
        Authorizers:
          Gate:
            FunctionArn: !GetAtt AuthFunction.Arn
            FunctionInvokeRole: arn:aws:iam::000000000000:role/ignored
            AuthorizerPayloadFormatVersion: '2.0'
            EnableSimpleResponses: true
            Identity:
              Headers: [Authorization]
              QueryStrings: [app]
              ReauthorizeEvery: 60
  AppFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: app/
      Handler: index.app
      Runtime: nodejs20.x
      Events:
        Secret:
          Type: HttpApi
          Properties:
            ApiId: !Ref Api
            Path: /secret
            Method: get
        Public:
          Type: HttpApi
          Properties:
            ApiId: !Ref Api
            Path: /public
            Method: get
            Auth:
              Authorizer: NONE
Outputs:
  ApiId:
    Value: !Ref Api
`;

const AUTH_CODE = `
exports.auth = async (event) => ({ isAuthorized: event.identitySource[0] === 'letmein', context: { who: event.identitySource[1] } });
exports.app = async (event) => ({ authorizer: event.requestContext.authorizer ?? null });
`;

const output = (outs: Array<{ OutputKey: string; OutputValue: string }>, key: string) => outs.find((o) => o.OutputKey === key)!.OutputValue;

async function get(url: string, headers: Record<string, string> = {}) {
  const res = await request(url, { headers });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  nimbus = await startNimbus();
  clients = makeClients(nimbus.endpoint);
  dir = mkdtempSync(join(scratch, 'app-'));
  mkdirSync(join(dir, 'app'));
  writeFileSync(join(dir, 'app', 'index.js'), HANDLER);
});
afterAll(async () => {
  clients?.destroy();
  await nimbus?.dispose();
});

describe('sam deploy with HttpApi events', () => {
  let apiId = '';
  let adminId = '';

  it('creates the implicit ServerlessHttpApi and an explicit HttpApi that answer HTTP', async () => {
    writeFileSync(join(dir, 'template.yaml'), template(''));
    const res = await deployStack({ templatePath: join(dir, 'template.yaml'), stackName: 'web', overrides: new Map(), clients, log });
    expect(res.status).toBe('CREATE_COMPLETE');
    apiId = output(res.outputs, 'HttpApiId');
    adminId = output(res.outputs, 'AdminApiId');
    expect(output(res.outputs, 'HelloUrl')).toBe(`https://${apiId}.execute-api.us-east-1.amazonaws.com/`);

    const api = await clients.apigwv2.send(new GetApiCommand({ ApiId: apiId }));
    expect(api.Name).toBe('web');
    expect(api.ProtocolType).toBe('HTTP');
    const stage = await clients.apigwv2.send(new GetStageCommand({ ApiId: apiId, StageName: '$default' }));
    expect(stage.AutoDeploy).toBe(true);

    const base = `${nimbus.endpoint}/_aws/execute-api/${apiId}`;
    expect(await get(`${base}/hello/ada`)).toEqual({ status: 200, body: { version: '2.0', routeKey: 'GET /hello/{name}', name: 'ada', stage: '$default' } });
    expect(await get(`${base}/legacy`)).toEqual({ status: 200, body: { version: '1.0', routeKey: '/legacy', stage: '$default', name: null, level: null } });
    expect((await get(`${base}/nowhere`)).status).toBe(404);

    const admin = await get(`${nimbus.endpoint}/_aws/execute-api/${adminId}/admin/anything/at/all`);
    expect(admin).toEqual({ status: 200, body: { version: '2.0', routeKey: '$default', stage: 'admin', level: 'high' } });
    expect((await clients.apigwv2.send(new GetApiCommand({ ApiId: adminId }))).CorsConfiguration?.AllowOrigins).toEqual(['*']);
  });

  it('adds a route on update and removes everything on delete', async () => {
    const extra = `        Bye:
          Type: HttpApi
          Properties:
            Path: /bye
            Method: post`;
    writeFileSync(join(dir, 'template.yaml'), template(extra));
    const res = await deployStack({ templatePath: join(dir, 'template.yaml'), stackName: 'web', overrides: new Map(), clients, log });
    expect(res.status).toBe('UPDATE_COMPLETE');
    expect(output(res.outputs, 'HttpApiId')).toBe(apiId);
    const routes = await clients.apigwv2.send(new GetRoutesCommand({ ApiId: apiId }));
    expect(routes.Items!.map((r) => r.RouteKey).sort()).toEqual(['ANY /legacy', 'GET /hello/{name}', 'POST /bye']);
    const bye = await request(`${nimbus.endpoint}/_aws/execute-api/${apiId}/bye`, { method: 'POST' });
    expect(bye.statusCode).toBe(200);
    await bye.body.dump();

    await deleteStack({ project: dir, stackName: 'web', clients, log });
    await expect(clients.apigwv2.send(new GetApiCommand({ ApiId: apiId }))).rejects.toMatchObject({ name: 'NotFoundException' });
    await expect(clients.apigwv2.send(new GetApiCommand({ ApiId: adminId }))).rejects.toMatchObject({ name: 'NotFoundException' });
  });
});

describe('local start-api with HttpApi events', () => {
  it('serves the routes of HTTP APIs, the $default stage at the root', async () => {
    const local = mkdtempSync(join(scratch, 'local-'));
    mkdirSync(join(local, 'app'));
    writeFileSync(join(local, 'app', 'index.js'), HANDLER);
    writeFileSync(join(local, 'template.yaml'), template(''));
    const io = capture();
    const api = await startApi({ port: 0, host: '127.0.0.1', cwd: local }, io);
    try {
      expect(io.stderr.join('\n')).toMatch(/Mounted GET\s+http:\/\/127\.0\.0\.1:\d+\/hello\/\{name\}/);
      expect(await get(`${api.url}/hello/bo`)).toEqual({ status: 200, body: { version: '2.0', routeKey: 'GET /hello/{name}', name: 'bo', stage: '$default' } });
      // The admin API's $default route catches whatever the implicit API has no route for.
      expect(await get(`${api.url}/other/path`)).toEqual({ status: 200, body: { version: '2.0', routeKey: '$default', stage: 'admin', level: 'high' } });
    } finally {
      await api.stop();
    }
  });
});

describe('examples/http-api as its README walks through it', () => {
  it('deploys, answers the curl steps, and deletes', async () => {
    const app = join(mkdtempSync(join(scratch, 'example-')), 'http-api');
    cpSync(join(process.cwd(), 'examples/http-api'), app, { recursive: true, filter: (p) => !p.includes('.nimbus-sam') });
    const io = capture();
    expect(await deployCommand({ cwd: app, stackName: 'notes', endpointUrl: nimbus.endpoint }, io)).toBe(0);
    const printed = io.stdout.join('\n').match(/HTTP API \w+: (\S+)/);
    expect(printed).not.toBeNull();
    const api = printed![1]!.replace(/\/$/, '');

    const created = await request(`${api}/notes`, { method: 'POST', headers: { 'content-type': 'text/plain', cookie: 'user=ada' }, body: 'buy milk' });
    expect(created.statusCode).toBe(201);
    expect(created.headers.location).toBe('/notes/1');
    expect(created.headers['set-cookie']).toBe('last-note=1; Path=/');
    expect(created.headers['access-control-allow-origin']).toBeUndefined(); // no Origin, no CORS headers
    await created.body.dump();
    expect(await get(`${api}/notes`)).toEqual({ status: 200, body: { notes: [{ id: '1', text: 'buy milk', by: 'ada' }] } });
    expect(await get(`${api}/notes/7`)).toEqual({ status: 404, body: { message: 'no note 7' } });
    expect(await get(`${api}/nothing`)).toEqual({ status: 404, body: { message: 'Not Found' } });
    const preflight = await request(`${api}/notes`, { method: 'OPTIONS', headers: { origin: 'https://example.com', 'access-control-request-method': 'POST' } });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(preflight.headers['access-control-allow-methods']).toBe('GET,POST');
    await preflight.body.dump();

    expect(await deleteCommand({ cwd: app, stackName: 'notes', endpointUrl: nimbus.endpoint }, capture())).toBe(0);
    expect((await request(`${api}/notes`)).statusCode).toBe(403);
  });
});

describe('sam deploy with HttpApi Lambda authorizers', () => {
  let authDir = '';
  beforeAll(() => {
    authDir = mkdtempSync(join(scratch, 'auth-'));
    mkdirSync(join(authDir, 'app'));
    writeFileSync(join(authDir, 'app', 'index.js'), AUTH_CODE);
    writeFileSync(join(authDir, 'template.yaml'), AUTH_TEMPLATE);
  });

  it('guards routes with the default authorizer, leaves NONE routes open, and deletes cleanly', async () => {
    const res = await deployStack({ templatePath: join(authDir, 'template.yaml'), stackName: 'authz', overrides: new Map(), clients, log });
    expect(res.status).toBe('CREATE_COMPLETE');
    const apiId = output(res.outputs, 'ApiId');

    const authorizers = (await clients.apigwv2.send(new GetAuthorizersCommand({ ApiId: apiId }))).Items!;
    expect(authorizers).toHaveLength(1);
    expect(authorizers[0]).toMatchObject({
      Name: 'Gate',
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization', '$request.querystring.app'],
      AuthorizerResultTtlInSeconds: 60,
    });
    const routes = (await clients.apigwv2.send(new GetRoutesCommand({ ApiId: apiId }))).Items!;
    const byKey = Object.fromEntries(routes.map((r) => [r.RouteKey, r]));
    expect(byKey['GET /secret']).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: authorizers[0]!.AuthorizerId });
    expect(byKey['GET /public']!.AuthorizationType).toBe('NONE');

    const base = `${nimbus.endpoint}/_aws/execute-api/${apiId}`;
    expect(await get(`${base}/public`)).toEqual({ status: 200, body: { authorizer: null } });
    expect((await get(`${base}/secret?app=web`)).status).toBe(401);
    expect((await get(`${base}/secret?app=web`, { authorization: 'nope' })).status).toBe(403);
    expect(await get(`${base}/secret?app=web`, { authorization: 'letmein' })).toEqual({ status: 200, body: { authorizer: { lambda: { who: 'web' } } } });

    await deleteStack({ project: authDir, stackName: 'authz', clients, log });
    await expect(clients.apigwv2.send(new GetAuthorizersCommand({ ApiId: apiId }))).rejects.toMatchObject({ name: 'NotFoundException' });
  });
});
