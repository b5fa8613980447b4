// A REST API AWS integration to EventBridge (`arn:aws:apigateway:{region}:events:action/PutEvents`,
// the API-to-EventBridge pattern): the request template builds the PutEvents request, Nimbus's
// EventBridge takes it, rules deliver the event, and EventBridge's answer goes through the
// integration response.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import * as AG from '@aws-sdk/client-api-gateway';
import * as EB from '@aws-sdk/client-eventbridge';
import * as Lambda from '@aws-sdk/client-lambda';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { zip } from '../helpers/zip.js';

describe('REST API → EventBridge PutEvents (AWS integration)', () => {
  let nimbus: TestNimbus;
  beforeAll(async () => {
    nimbus = await startNimbus();
  });
  afterAll(() => nimbus.dispose());

  it('the mapped PutEvents request reaches the bus; the rule target gets the event; the answer is EventBridge\'s', async () => {
    const cfg = clientConfig(nimbus.endpoint);
    const lambda = new Lambda.LambdaClient(cfg);
    const fn = await lambda.send(new Lambda.CreateFunctionCommand({
      FunctionName: 'orders-sink', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/r',
      Code: { ZipFile: zip({ 'index.js': 'exports.handler = async (e) => { console.log("EVENT " + JSON.stringify(e)); };' }) },
    }));
    const eb = new EB.EventBridgeClient(cfg);
    await eb.send(new EB.PutRuleCommand({ Name: 'orders', EventPattern: JSON.stringify({ source: ['api.orders'] }) }));
    await eb.send(new EB.PutTargetsCommand({ Rule: 'orders', Targets: [{ Id: 'fn', Arn: fn.FunctionArn! }] }));

    const ag = new AG.APIGatewayClient(cfg);
    const apiId = (await ag.send(new AG.CreateRestApiCommand({ name: 'to-eventbridge' }))).id!;
    const root = (await ag.send(new AG.GetResourcesCommand({ restApiId: apiId }))).items![0]!.id!;
    const res = (await ag.send(new AG.CreateResourceCommand({ restApiId: apiId, parentId: root, pathPart: 'orders' }))).id!;
    await ag.send(new AG.PutMethodCommand({ restApiId: apiId, resourceId: res, httpMethod: 'POST', authorizationType: 'NONE' }));
    await ag.send(new AG.PutIntegrationCommand({
      restApiId: apiId, resourceId: res, httpMethod: 'POST', type: 'AWS', integrationHttpMethod: 'POST',
      uri: 'arn:aws:apigateway:us-east-1:events:action/PutEvents', credentials: 'arn:aws:iam::000000000000:role/apigw-events',
      requestTemplates: {
        'application/json': '#set($context.requestOverride.header.X-Amz-Target = "AWSEvents.PutEvents")\n{"Entries":[{"Source":"api.orders","DetailType":"OrderPlaced","Detail":"$util.escapeJavaScript($input.json(\'$\'))","EventBusName":"default"}]}',
      },
    }));
    await ag.send(new AG.PutMethodResponseCommand({ restApiId: apiId, resourceId: res, httpMethod: 'POST', statusCode: '200' }));
    await ag.send(new AG.PutIntegrationResponseCommand({ restApiId: apiId, resourceId: res, httpMethod: 'POST', statusCode: '200', responseTemplates: { 'application/json': '{"eventId":"$input.path(\'$.Entries[0].EventId\')","failed":$input.path(\'$.FailedEntryCount\')}' } }));
    await ag.send(new AG.CreateDeploymentCommand({ restApiId: apiId, stageName: 'prod' }));

    const r = await request(`${nimbus.endpoint}/_aws/execute-api/${apiId}/prod/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"orderId":7}' });
    expect(r.statusCode).toBe(200);
    const answer = (await r.body.json()) as { eventId: string; failed: number };
    expect(answer.failed).toBe(0);
    expect(answer.eventId).toMatch(/^[0-9a-f-]{36}$/);
    const logs = new CloudWatchLogsClient(cfg);
    let line: string | undefined;
    for (let i = 0; i < 100 && !line; i++) {
      const out = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/orders-sink', filterPattern: 'EVENT' })).catch(() => undefined);
      line = out?.events?.[0]?.message;
      if (!line) await new Promise((res2) => setTimeout(res2, 50));
    }
    expect(JSON.parse(line!.slice(line!.indexOf('EVENT ') + 6))).toMatchObject({ id: answer.eventId, source: 'api.orders', 'detail-type': 'OrderPlaced', detail: { orderId: 7 } });
  });
});
