// Access logging of REST API stages: with accessLogSettings naming a CloudWatch Logs group, every
// answered request (gateway errors included) writes one line in the stage's format, `$context`
// variables filled in and unknown or empty ones printed as `-` (serverless-patterns'
// apigw-execution-access-logs reads the group after calling the API).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import * as AG from '@aws-sdk/client-api-gateway';
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
