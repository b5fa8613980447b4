// Access logging of REST API stages: with accessLogSettings naming a CloudWatch Logs group, every
// answered request (gateway errors included) writes one line in the stage's format, `$context`
// variables filled in and unknown or empty ones printed as `-` (serverless-patterns'
// apigw-execution-access-logs reads the group after calling the API).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import * as AG from '@aws-sdk/client-api-gateway';
import * as V2 from '@aws-sdk/client-apigatewayv2';
import { CloudWatchLogsClient, CreateLogGroupCommand, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';

describe('REST API access logs', () => {
  let nimbus: TestNimbus;
  let apiId: string;
  let ag: AG.APIGatewayClient;
  let logs: CloudWatchLogsClient;
  const FORMAT = '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","caller":"$context.identity.caller","method":"$context.httpMethod","resourcePath":"$context.resourcePath","status":"$context.status","len":"$context.responseLength","error":"$context.error.responseType","stage":"$context.stage"}';

  beforeAll(async () => {
    nimbus = await startNimbus();
    ag = new AG.APIGatewayClient(clientConfig(nimbus.endpoint));
    logs = new CloudWatchLogsClient(clientConfig(nimbus.endpoint));
    apiId = (await ag.send(new AG.CreateRestApiCommand({ name: 'logged' }))).id!;
    const root = (await ag.send(new AG.GetResourcesCommand({ restApiId: apiId }))).items![0]!.id!;
    await ag.send(new AG.PutMethodCommand({ restApiId: apiId, resourceId: root, httpMethod: 'GET', authorizationType: 'NONE' }));
    await ag.send(new AG.PutIntegrationCommand({ restApiId: apiId, resourceId: root, httpMethod: 'GET', type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
    await ag.send(new AG.PutMethodResponseCommand({ restApiId: apiId, resourceId: root, httpMethod: 'GET', statusCode: '200' }));
    await ag.send(new AG.PutIntegrationResponseCommand({ restApiId: apiId, resourceId: root, httpMethod: 'GET', statusCode: '200', responseTemplates: { 'application/json': '{"ok":true}' } }));
    await ag.send(new AG.CreateDeploymentCommand({ restApiId: apiId, stageName: 'prod' }));
    await logs.send(new CreateLogGroupCommand({ logGroupName: 'api-access' }));
  });
  afterAll(() => nimbus.dispose());

  async function lines(group: string): Promise<Array<Record<string, string>>> {
    const out = await logs.send(new FilterLogEventsCommand({ logGroupName: group }));
    return out.events!.map((e) => JSON.parse(e.message!) as Record<string, string>);
  }

  it('writes one line per request in the stage format, errors included; `-` for empty values', async () => {
    // CloudFormation's LogGroup Arn ends with `:*`; SAM templates pass it as is.
    await ag.send(new AG.UpdateStageCommand({
      restApiId: apiId, stageName: 'prod', patchOperations: [
        { op: 'replace', path: '/accessLogSettings/destinationArn', value: 'arn:aws:logs:us-east-1:000000000000:log-group:api-access:*' },
        { op: 'replace', path: '/accessLogSettings/format', value: FORMAT },
      ],
    }));
    const ok = await request(`${nimbus.endpoint}/_aws/execute-api/${apiId}/prod/`);
    const okId = ok.headers['x-amzn-requestid'];
    expect(await ok.body.text()).toBe('{"ok":true}');
    const missing = await request(`${nimbus.endpoint}/_aws/execute-api/${apiId}/prod/nowhere`, { method: 'POST' });
    await missing.body.text();
    let got: Array<Record<string, string>> = [];
    for (let i = 0; i < 50 && got.length < 2; i++) {
      got = await lines('api-access');
      if (got.length < 2) await new Promise((r) => setTimeout(r, 50));
    }
    expect(got).toEqual([
      { requestId: okId, ip: '127.0.0.1', caller: '-', method: 'GET', resourcePath: '/', status: '200', len: '11', error: '-', stage: 'prod' },
      { requestId: missing.headers['x-amzn-requestid'], ip: '127.0.0.1', caller: '-', method: 'POST', resourcePath: '-', status: '403', len: '42', error: 'MISSING_AUTHENTICATION_TOKEN', stage: 'prod' },
    ]);
  });

  it('stops when the settings are removed', async () => {
    await ag.send(new AG.UpdateStageCommand({ restApiId: apiId, stageName: 'prod', patchOperations: [{ op: 'remove', path: '/accessLogSettings' }] }));
    await (await request(`${nimbus.endpoint}/_aws/execute-api/${apiId}/prod/`)).body.text();
    await new Promise((r) => setTimeout(r, 100));
    expect(await lines('api-access')).toHaveLength(2);
  });
});

describe('HTTP API access logs', () => {
  let nimbus: TestNimbus;
  let backend: Server;
  let v2: V2.ApiGatewayV2Client;
  let logs: CloudWatchLogsClient;
  let apiId: string;
  beforeAll(async () => {
    nimbus = await startNimbus();
    backend = createServer((_req, res) => res.end('from backend'));
    await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
    v2 = new V2.ApiGatewayV2Client(clientConfig(nimbus.endpoint));
    logs = new CloudWatchLogsClient(clientConfig(nimbus.endpoint));
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/http-api/access' }));
    apiId = (await v2.send(new V2.CreateApiCommand({ Name: 'logged-http', ProtocolType: 'HTTP' }))).ApiId!;
    const integrationId = (await v2.send(new V2.CreateIntegrationCommand({
      ApiId: apiId, IntegrationType: 'HTTP_PROXY', IntegrationMethod: 'ANY', PayloadFormatVersion: '1.0',
      IntegrationUri: `http://127.0.0.1:${(backend.address() as AddressInfo).port}/`,
    }))).IntegrationId!;
    await v2.send(new V2.CreateRouteCommand({ ApiId: apiId, RouteKey: 'GET /items', Target: `integrations/${integrationId}` }));
  });
  afterAll(async () => {
    await nimbus.dispose();
    await new Promise<void>((r) => backend.close(() => r()));
  });

  it('refuses a format without $context.requestId and a destination that is not a log group', async () => {
    const bad = (AccessLogSettings: V2.AccessLogSettings) => v2.send(new V2.CreateStageCommand({ ApiId: apiId, StageName: 'bad', AccessLogSettings })).catch((e: Error & { $metadata: { httpStatusCode: number } }) => e);
    const noId = await bad({ DestinationArn: 'arn:aws:logs:us-east-1:000000000000:log-group:/http-api/access', Format: '$context.status' });
    expect(noId).toMatchObject({ name: 'BadRequestException', $metadata: { httpStatusCode: 400 } });
    const bucket = await bad({ DestinationArn: 'arn:aws:s3:::bucket', Format: '$context.requestId' });
    expect(bucket).toMatchObject({ name: 'BadRequestException' });
  });

  it('writes the stage format for integration answers and the gateway\'s own 404s; GetStage shows the settings', async () => {
    const settings = { DestinationArn: 'arn:aws:logs:us-east-1:000000000000:log-group:/http-api/access', Format: '$context.requestId $context.httpMethod $context.routeKey $context.path $context.status $context.responseLength "$context.error.message" $context.identity.sourceIp $context.stage' };
    await v2.send(new V2.CreateStageCommand({ ApiId: apiId, StageName: '$default', AutoDeploy: true, AccessLogSettings: settings }));
    expect((await v2.send(new V2.GetStageCommand({ ApiId: apiId, StageName: '$default' }))).AccessLogSettings).toEqual(settings);
    const ok = await request(`${nimbus.endpoint}/_aws/execute-api/${apiId}/items`);
    expect(await ok.body.text()).toBe('from backend');
    const missing = await request(`${nimbus.endpoint}/_aws/execute-api/${apiId}/nothing`);
    await missing.body.text();
    let got: string[] = [];
    for (let i = 0; i < 50 && got.length < 2; i++) {
      got = (await logs.send(new FilterLogEventsCommand({ logGroupName: '/http-api/access' }))).events!.map((e) => e.message!);
      if (got.length < 2) await new Promise((r) => setTimeout(r, 50));
    }
    expect(got).toEqual([
      `${ok.headers['apigw-requestid']} GET GET /items /items 200 12 "-" 127.0.0.1 $default`,
      `${missing.headers['apigw-requestid']} GET - /nothing 404 23 "Not Found" 127.0.0.1 $default`,
    ]);
  });
});
