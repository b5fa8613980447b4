// JWT authorizers of HTTP APIs against a local OpenID issuer (discovery document and JWKS served
// here, tokens signed with its RSA key): the control plane's rules, the data plane's checks
// (signature, issuer, audience, expiry, scopes) with claims reaching the function, and SAM's
// `Auth.Authorizers` with `JwtConfiguration`.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import * as V2 from '@aws-sdk/client-apigatewayv2';
import * as Lambda from '@aws-sdk/client-lambda';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { failure } from '../helpers/failure.js';
import { nodeFunction } from '../helpers/functions.js';
import { makeClients, type Clients } from '../../src/sam/deploy/clients.js';
import { deployStack } from '../../src/sam/deploy/deployer.js';

const ECHO = `export const handler = async (event) => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(event.requestContext.authorizer ?? null) });`;

let nimbus: TestNimbus;
let gw: V2.ApiGatewayV2Client;
let lambda: Lambda.LambdaClient;
let issuerServer: Server;
let issuer = '';
let echoArn = '';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

function token(claims: Record<string, unknown>, key: KeyObject = privateKey, kid = 'k1'): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const body = `${part({ alg: 'RS256', typ: 'JWT', kid })}.${part({ iss: issuer, aud: 'app', sub: 'user-1', iat: now, exp: now + 600, ...claims })}`;
  return `${body}.${sign('sha256', Buffer.from(body), key).toString('base64url')}`;
}

async function get(url: string, auth?: string) {
  const res = await request(url, { headers: auth ? { authorization: auth } : {} });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, any> };
}

beforeAll(async () => {
  issuerServer = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
    else if (req.url === '/jwks') res.end(JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig', alg: 'RS256' }] }));
    else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((r) => issuerServer.listen(0, '127.0.0.1', r));
  issuer = `http://127.0.0.1:${(issuerServer.address() as AddressInfo).port}`;
  nimbus = await startNimbus();
  gw = new V2.ApiGatewayV2Client(clientConfig(nimbus.endpoint));
  lambda = new Lambda.LambdaClient(clientConfig(nimbus.endpoint));
  echoArn = await nodeFunction(lambda, 'jwt-echo', ECHO);
}, 60_000);

afterAll(async () => {
  await nimbus?.dispose();
  issuerServer?.close();
});

describe('JWT authorizers (control plane)', () => {
  it('are created with an issuer and audiences, and routes take them with scopes', async () => {
    const apiId = (await gw.send(new V2.CreateApiCommand({ Name: 'jwt-cp', ProtocolType: 'HTTP' }))).ApiId!;
    const a = await gw.send(new V2.CreateAuthorizerCommand({ ApiId: apiId, Name: 'cognito', AuthorizerType: 'JWT', IdentitySource: ['$request.header.Authorization'], JwtConfiguration: { Issuer: issuer, Audience: ['app'] } }));
    expect(a).toMatchObject({ AuthorizerType: 'JWT', JwtConfiguration: { Issuer: issuer, Audience: ['app'] }, IdentitySource: ['$request.header.Authorization'] });
    const route = await gw.send(new V2.CreateRouteCommand({ ApiId: apiId, RouteKey: 'GET /x', AuthorizationType: 'JWT', AuthorizerId: a.AuthorizerId, AuthorizationScopes: ['read'] }));
    expect(route).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: a.AuthorizerId, AuthorizationScopes: ['read'] });
    const updated = await gw.send(new V2.UpdateAuthorizerCommand({ ApiId: apiId, AuthorizerId: a.AuthorizerId!, JwtConfiguration: { Audience: ['app', 'web'] } }));
    expect(updated.JwtConfiguration).toEqual({ Issuer: issuer, Audience: ['app', 'web'] });

    const lambdaAuth = await gw.send(new V2.CreateAuthorizerCommand({ ApiId: apiId, Name: 'fn', AuthorizerType: 'REQUEST', IdentitySource: ['$request.header.x'], AuthorizerPayloadFormatVersion: '2.0', AuthorizerUri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${echoArn}/invocations` }));
    const mismatch = await failure(gw.send(new V2.CreateRouteCommand({ ApiId: apiId, RouteKey: 'GET /y', AuthorizationType: 'JWT', AuthorizerId: lambdaAuth.AuthorizerId })));
    expect(mismatch).toMatchObject({ name: 'BadRequestException', status: 400, message: 'Invalid authorizer ID specified. Setting the authorization type to JWT requires a valid JWT authorizer.' });
    const customOnJwt = await failure(gw.send(new V2.CreateRouteCommand({ ApiId: apiId, RouteKey: 'GET /z', AuthorizationType: 'CUSTOM', AuthorizerId: a.AuthorizerId })));
    expect(customOnJwt.message).toBe('Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS requires a valid authorizer.');
    expect(await failure(gw.send(new V2.CreateRouteCommand({ ApiId: apiId, RouteKey: 'GET /s', AuthorizationType: 'CUSTOM', AuthorizerId: lambdaAuth.AuthorizerId, AuthorizationScopes: ['x'] })))).toMatchObject({ name: 'BadRequestException' });
    for (const bad of [
      { JwtConfiguration: undefined },
      { JwtConfiguration: { Issuer: 'not a url', Audience: ['app'] } },
      { JwtConfiguration: { Issuer: issuer, Audience: [] } },
      { JwtConfiguration: { Issuer: issuer, Audience: ['app'] }, IdentitySource: ['$request.header.A', '$request.header.B'] },
      { JwtConfiguration: { Issuer: issuer, Audience: ['app'] }, AuthorizerResultTtlInSeconds: 300 },
    ]) {
      const f = await failure(gw.send(new V2.CreateAuthorizerCommand({ ApiId: apiId, Name: 'bad', AuthorizerType: 'JWT', IdentitySource: ['$request.header.Authorization'], ...bad } as V2.CreateAuthorizerRequest)));
      expect(f, JSON.stringify(bad)).toMatchObject({ name: 'BadRequestException', status: 400 });
    }
    expect((await gw.send(new V2.GetAuthorizersCommand({ ApiId: apiId }))).Items).toHaveLength(2);
  });
});

describe('JWT authorizers in OpenAPI', () => {
  it('are imported from an oauth2 scheme with x-amazon-apigateway-authorizer (scopes from security) and exported back', async () => {
    const doc = {
      openapi: '3.0.1',
      info: { title: 'jwt-oas' },
      paths: {
        '/me': { get: { security: [{ Oidc: ['read'] }], 'x-amazon-apigateway-integration': { type: 'aws_proxy', uri: echoArn, payloadFormatVersion: '2.0' } } },
      },
      components: { securitySchemes: { Oidc: { type: 'oauth2', flows: {}, 'x-amazon-apigateway-authorizer': { type: 'jwt', jwtConfiguration: { issuer, audience: ['app'] }, identitySource: '$request.header.Authorization' } } } },
    };
    const { ApiId } = await gw.send(new V2.ImportApiCommand({ Body: JSON.stringify(doc) }));
    const [authorizer] = (await gw.send(new V2.GetAuthorizersCommand({ ApiId }))).Items!;
    expect(authorizer).toMatchObject({ Name: 'Oidc', AuthorizerType: 'JWT', JwtConfiguration: { Issuer: issuer, Audience: ['app'] } });
    const [route] = (await gw.send(new V2.GetRoutesCommand({ ApiId }))).Items!;
    expect(route).toMatchObject({ RouteKey: 'GET /me', AuthorizationType: 'JWT', AuthorizerId: authorizer!.AuthorizerId, AuthorizationScopes: ['read'] });
    const exported = JSON.parse(Buffer.from((await gw.send(new V2.ExportApiCommand({ ApiId, Specification: 'OAS30', OutputType: 'JSON' }))).body!).toString());
    expect(exported.paths['/me'].get.security).toEqual([{ Oidc: ['read'] }]);
    expect(exported.components.securitySchemes.Oidc['x-amazon-apigateway-authorizer']).toMatchObject({ type: 'jwt', jwtConfiguration: { issuer, audience: ['app'] } });
  });
});

describe('JWT authorizers (data plane)', () => {
  let base = '';
  beforeAll(async () => {
    const apiId = (await gw.send(new V2.CreateApiCommand({ Name: 'jwt-dp', ProtocolType: 'HTTP' }))).ApiId!;
    await gw.send(new V2.CreateStageCommand({ ApiId: apiId, StageName: '$default', AutoDeploy: true }));
    const v2 = await gw.send(new V2.CreateIntegrationCommand({ ApiId: apiId, IntegrationType: 'AWS_PROXY', IntegrationUri: echoArn, PayloadFormatVersion: '2.0' }));
    const v1 = await gw.send(new V2.CreateIntegrationCommand({ ApiId: apiId, IntegrationType: 'AWS_PROXY', IntegrationUri: echoArn, PayloadFormatVersion: '1.0' }));
    const auth = await gw.send(new V2.CreateAuthorizerCommand({ ApiId: apiId, Name: 'oidc', AuthorizerType: 'JWT', IdentitySource: ['$request.header.Authorization'], JwtConfiguration: { Issuer: issuer, Audience: ['app'] } }));
    const guarded = { AuthorizationType: 'JWT' as const, AuthorizerId: auth.AuthorizerId };
    await gw.send(new V2.CreateRouteCommand({ ApiId: apiId, RouteKey: 'GET /open', Target: `integrations/${v2.IntegrationId}` }));
    await gw.send(new V2.CreateRouteCommand({ ApiId: apiId, RouteKey: 'GET /me', Target: `integrations/${v2.IntegrationId}`, ...guarded }));
    await gw.send(new V2.CreateRouteCommand({ ApiId: apiId, RouteKey: 'GET /v1', Target: `integrations/${v1.IntegrationId}`, ...guarded }));
    await gw.send(new V2.CreateRouteCommand({ ApiId: apiId, RouteKey: 'GET /admin', Target: `integrations/${v2.IntegrationId}`, ...guarded, AuthorizationScopes: ['admin', 'root'] }));
    base = `${nimbus.endpoint}/_aws/execute-api/${apiId}`;
  });

  it('lets a valid token through, with its claims and scopes as strings, Bearer or not', async () => {
    expect((await get(`${base}/open`)).status).toBe(200);
    const ok = await get(`${base}/me`, `Bearer ${token({ 'cognito:groups': ['a', 'b'], scope: 'read write' })}`);
    expect(ok.status).toBe(200);
    const { jwt } = ok.json();
    expect(jwt.scopes).toEqual(['read', 'write']);
    expect(jwt.claims).toMatchObject({ iss: issuer, aud: 'app', sub: 'user-1', 'cognito:groups': '[a b]' });
    expect(typeof jwt.claims.exp).toBe('string');
    expect((await get(`${base}/me`, token({ client_id: 'app', aud: undefined }))).status).toBe(200);
    const v1 = await get(`${base}/v1`, token({}));
    expect(v1.json()).toMatchObject({ claims: { sub: 'user-1' }, scopes: null });
  });

  it('answers 401 for a missing, malformed, expired, foreign or wrongly signed token', async () => {
    const missing = await get(`${base}/me`);
    expect(missing).toMatchObject({ status: 401, text: '{"message":"Unauthorized"}' });
    const now = Math.floor(Date.now() / 1000);
    for (const bad of ['garbage', token({ exp: now - 10 }), token({ aud: 'other' }), token({ iss: 'https://elsewhere.example' }), token({}, stranger), token({}, privateKey, 'unknown-kid'), token({ nbf: now + 600 })]) {
      const res = await get(`${base}/me`, `Bearer ${bad}`);
      expect(res.status, bad.slice(0, 20)).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer scope="" error="invalid_token" error_description="/);
    }
    expect((await get(`${base}/me`, `Bearer ${token({ exp: now - 10 })}`)).headers['www-authenticate']).toContain('the token has expired');
  });

  it('needs one of the route\'s scopes (403 otherwise), from scope or scp', async () => {
    expect((await get(`${base}/admin`, token({ scope: 'read' }))).status).toBe(403);
    expect((await get(`${base}/admin`, token({}))).status).toBe(403);
    expect((await get(`${base}/admin`, token({ scope: 'read admin' }))).status).toBe(200);
    expect((await get(`${base}/admin`, token({ scp: ['root'] }))).status).toBe(200);
  });
});

describe('SAM HttpApi JWT authorizers', () => {
  let dir = '';
  let clients: Clients;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nimbus-jwt-sam-'));
    clients = makeClients(nimbus.endpoint);
  });
  afterAll(() => {
    clients?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('deploys Auth.Authorizers with JwtConfiguration, the default authorizer and per-event scopes', async () => {
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'index.mjs'), ECHO);
    writeFileSync(join(dir, 'template.yaml'), `
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
      Auth:
        DefaultAuthorizer: Oidc
        Authorizers:
          Oidc:
            IdentitySource: $request.header.Authorization
            JwtConfiguration:
              issuer: ${issuer}
              audience: [app]
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.handler
      Runtime: nodejs20.x
      Events:
        Me:
          Type: HttpApi
          Properties: { ApiId: !Ref Api, Path: /me, Method: get }
        Admin:
          Type: HttpApi
          Properties: { ApiId: !Ref Api, Path: /admin, Method: get, Auth: { Authorizer: Oidc, AuthorizationScopes: [admin] } }
        Open:
          Type: HttpApi
          Properties: { ApiId: !Ref Api, Path: /open, Method: get, Auth: { Authorizer: NONE } }
Outputs:
  ApiId:
    Value: !Ref Api
`);
    const res = await deployStack({ templatePath: join(dir, 'template.yaml'), stackName: 'jwt', overrides: new Map(), clients, log: () => {} });
    const apiId = res.outputs.find((o) => o.OutputKey === 'ApiId')!.OutputValue;
    const url = `${nimbus.endpoint}/_aws/execute-api/${apiId}`;
    expect((await get(`${url}/open`)).status).toBe(200);
    expect((await get(`${url}/me`)).status).toBe(401);
    expect((await get(`${url}/me`, token({}))).status).toBe(200);
    expect((await get(`${url}/admin`, token({}))).status).toBe(403);
    expect((await get(`${url}/admin`, token({ scope: 'admin' }))).status).toBe(200);
  });
});
