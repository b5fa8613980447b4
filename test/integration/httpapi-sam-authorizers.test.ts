// SAM HttpApi Lambda authorizers: Auth.Authorizers with FunctionArn, DefaultAuthorizer and an
// event's `Auth.Authorizer: NONE`, deployed through the AWS SDK against a real Nimbus, answering real HTTP.
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { GetAuthorizersCommand, GetRoutesCommand } from '@aws-sdk/client-apigatewayv2';
import { startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { makeClients, type Clients } from '../../src/sam/deploy/clients.js';
import { deleteStack, deployStack } from '../../src/sam/deploy/deployer.js';

const scratch = mkdtempSync(join(tmpdir(), 'nimbus-httpapi-sam-auth-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let nimbus: TestNimbus;
let clients: Clients;
let dir: string;
const log = () => undefined;

const TEMPLATE = `
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

const CODE = `
exports.auth = async (event) => ({ isAuthorized: event.identitySource[0] === 'letmein', context: { who: event.identitySource[1] } });
exports.app = async (event) => ({ authorizer: event.requestContext.authorizer ?? null });
`;

async function get(url: string, headers: Record<string, string> = {}) {
  const res = await request(url, { headers });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  nimbus = await startNimbus();
  clients = makeClients(nimbus.endpoint);
  dir = mkdtempSync(join(scratch, 'app-'));
  mkdirSync(join(dir, 'app'));
  writeFileSync(join(dir, 'app', 'index.js'), CODE);
  writeFileSync(join(dir, 'template.yaml'), TEMPLATE);
});
afterAll(async () => {
  clients?.destroy();
  await nimbus?.dispose();
});

describe('sam deploy with HttpApi Lambda authorizers', () => {
  it('guards routes with the default authorizer, leaves NONE routes open, and deletes cleanly', async () => {
    const res = await deployStack({ templatePath: join(dir, 'template.yaml'), stackName: 'authz', overrides: new Map(), clients, log });
    expect(res.status).toBe('CREATE_COMPLETE');
    const apiId = res.outputs.find((o) => o.OutputKey === 'ApiId')!.OutputValue;

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

    await deleteStack({ project: dir, stackName: 'authz', clients, log });
    await expect(clients.apigwv2.send(new GetAuthorizersCommand({ ApiId: apiId }))).rejects.toMatchObject({ name: 'NotFoundException' });
  });
});
