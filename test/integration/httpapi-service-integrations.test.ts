// AWS service ("first-class") integrations of HTTP APIs: AWS_PROXY integrations with an
// integrationSubtype (StepFunctions-StartExecution / StartSyncExecution / StopExecution,
// EventBridge-PutEvents) whose requestParameters are mapped from the request, called for real on
// Nimbus's Step Functions and EventBridge; the service's answer goes back to the client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import * as V2 from '@aws-sdk/client-apigatewayv2';
import * as SFN from '@aws-sdk/client-sfn';
import * as EB from '@aws-sdk/client-eventbridge';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';

let nimbus: TestNimbus;
let gw: V2.ApiGatewayV2Client;
let sfn: SFN.SFNClient;
let events: EB.EventBridgeClient;
let standardArn = '';
let expressArn = '';
const ROLE = 'arn:aws:iam::000000000000:role/apigw-states';

async function http(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  const res = await request(url, { method: (opts.method ?? 'GET') as 'GET', headers: opts.headers, body: opts.body });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, any> };
}

async function machine(name: string, type: 'STANDARD' | 'EXPRESS', definition: object): Promise<string> {
  const out = await sfn.send(new SFN.CreateStateMachineCommand({ name, type, roleArn: ROLE, definition: JSON.stringify(definition) }));
  return out.stateMachineArn!;
}

async function finished(executionArn: string) {
  for (let i = 0; i < 200; i++) {
    const d = await sfn.send(new SFN.DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return d;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${executionArn} still running`);
}

/** An HTTP API with one route to one integration on an auto-deployed `$default` stage; its base URL. */
async function apiWith(routeKey: string, integration: Omit<V2.CreateIntegrationRequest, 'ApiId'>): Promise<{ apiId: string; base: string; integrationId: string }> {
  const apiId = (await gw.send(new V2.CreateApiCommand({ Name: `svc-${routeKey}`, ProtocolType: 'HTTP' }))).ApiId!;
  const integrationId = (await gw.send(new V2.CreateIntegrationCommand({ ApiId: apiId, ...integration }))).IntegrationId!;
  await gw.send(new V2.CreateRouteCommand({ ApiId: apiId, RouteKey: routeKey, Target: `integrations/${integrationId}` }));
  await gw.send(new V2.CreateStageCommand({ ApiId: apiId, StageName: '$default', AutoDeploy: true }));
  return { apiId, base: `${nimbus.endpoint}/_aws/execute-api/${apiId}`, integrationId };
}

beforeAll(async () => {
  nimbus = await startNimbus();
  gw = new V2.ApiGatewayV2Client(clientConfig(nimbus.endpoint));
  sfn = new SFN.SFNClient(clientConfig(nimbus.endpoint));
  events = new EB.EventBridgeClient(clientConfig(nimbus.endpoint));
  standardArn = await machine('svc-standard', 'STANDARD', {
    StartAt: 'Hold',
    States: { Hold: { Type: 'Choice', Choices: [{ Variable: '$.hold', IsPresent: true, Next: 'Wait' }], Default: 'Done' }, Wait: { Type: 'Wait', Seconds: 30, Next: 'Done' }, Done: { Type: 'Pass', End: true } },
  });
  expressArn = await machine('svc-express', 'EXPRESS', {
    StartAt: 'Greet',
    States: { Greet: { Type: 'Pass', Parameters: { 'greeting.$': "States.Format('hello {}', $.name)" }, End: true } },
  });
}, 60_000);

afterAll(async () => {
  sfn?.destroy();
  gw?.destroy();
  events?.destroy();
  await nimbus?.dispose();
});

describe('control plane', () => {
  it('stores the subtype, its parameters and credentials; no URI or method of its own, payload format 1.0', async () => {
    const { apiId, integrationId } = await apiWith('POST /start', {
      IntegrationType: 'AWS_PROXY',
      IntegrationSubtype: 'StepFunctions-StartExecution',
      CredentialsArn: ROLE,
      RequestParameters: { StateMachineArn: standardArn, Input: '$request.body' },
    });
    const got = await gw.send(new V2.GetIntegrationCommand({ ApiId: apiId, IntegrationId: integrationId }));
    expect(got).toMatchObject({
      IntegrationType: 'AWS_PROXY',
      IntegrationSubtype: 'StepFunctions-StartExecution',
      CredentialsArn: ROLE,
      PayloadFormatVersion: '1.0',
      RequestParameters: { StateMachineArn: standardArn, Input: '$request.body' },
    });
    expect(got.IntegrationUri).toBeUndefined();
    expect(got.IntegrationMethod).toBeUndefined();
  });

  it('refuses a missing required parameter, an unknown parameter, payload format 2.0 and services Nimbus does not run', async () => {
    const apiId = (await gw.send(new V2.CreateApiCommand({ Name: 'svc-bad', ProtocolType: 'HTTP' }))).ApiId!;
    const create = (i: Omit<V2.CreateIntegrationRequest, 'ApiId'>) => gw.send(new V2.CreateIntegrationCommand({ ApiId: apiId, ...i }));
    await expect(create({ IntegrationType: 'AWS_PROXY', IntegrationSubtype: 'StepFunctions-StartExecution', RequestParameters: { Input: '$request.body' } })).rejects.toMatchObject({
      name: 'BadRequestException',
      message: expect.stringContaining('StateMachineArn'),
    });
    await expect(create({ IntegrationType: 'AWS_PROXY', IntegrationSubtype: 'StepFunctions-StopExecution', RequestParameters: { ExecutionArn: 'x', Input: 'y' } })).rejects.toMatchObject({
      message: expect.stringContaining('Input'),
    });
    await expect(
      create({ IntegrationType: 'AWS_PROXY', IntegrationSubtype: 'StepFunctions-StartExecution', PayloadFormatVersion: '2.0', RequestParameters: { StateMachineArn: standardArn } }),
    ).rejects.toMatchObject({ name: 'BadRequestException' });
    await expect(create({ IntegrationType: 'AWS_PROXY', IntegrationSubtype: 'SQS-SendMessage', RequestParameters: { QueueUrl: 'q', MessageBody: 'b' } })).rejects.toMatchObject({
      message: expect.stringContaining('SQS-SendMessage'),
    });
    await expect(create({ IntegrationType: 'AWS_PROXY', IntegrationSubtype: 'StepFunctions-Nope', RequestParameters: {} })).rejects.toMatchObject({ name: 'BadRequestException' });
  });

  it('an OpenAPI import takes integrationSubtype, requestParameters and credentials, and the export gives them back', async () => {
    const body = JSON.stringify({
      openapi: '3.0.1',
      info: { title: 'svc-import', version: '1' },
      paths: {
        '/': {
          post: {
            'x-amazon-apigateway-integration': {
              type: 'aws_proxy',
              integrationSubtype: 'StepFunctions-StartSyncExecution',
              credentials: ROLE,
              requestParameters: { Input: '$request.body', StateMachineArn: expressArn },
              payloadFormatVersion: '1.0',
              connectionType: 'INTERNET',
            },
          },
        },
      },
    });
    const apiId = (await gw.send(new V2.ImportApiCommand({ Body: body }))).ApiId!;
    await gw.send(new V2.CreateStageCommand({ ApiId: apiId, StageName: '$default', AutoDeploy: true }));
    const res = await http(`${nimbus.endpoint}/_aws/execute-api/${apiId}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"import"}' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.json().output)).toEqual({ greeting: 'hello import' });
    const exported = await gw.send(new V2.ExportApiCommand({ ApiId: apiId, Specification: 'OAS30', OutputType: 'JSON' }));
    const doc = JSON.parse(Buffer.from(exported.body!).toString('utf8'));
    expect(doc.paths['/'].post['x-amazon-apigateway-integration']).toMatchObject({
      type: 'aws_proxy',
      integrationSubtype: 'StepFunctions-StartSyncExecution',
      credentials: ROLE,
      requestParameters: { Input: '$request.body', StateMachineArn: expressArn },
    });
  });
});

describe('data plane', () => {
  it('StepFunctions-StartSyncExecution answers the finished execution, 200 also when it failed', async () => {
    const { base } = await apiWith('POST /sync', {
      IntegrationType: 'AWS_PROXY',
      IntegrationSubtype: 'StepFunctions-StartSyncExecution',
      CredentialsArn: ROLE,
      RequestParameters: { StateMachineArn: expressArn, Input: '$request.body' },
    });
    const res = await http(`${base}/sync`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"nimbus"}' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-amz-json-1.0');
    const out = res.json();
    expect(out).toMatchObject({ status: 'SUCCEEDED', stateMachineArn: expressArn, input: '{"name":"nimbus"}' });
    expect(JSON.parse(out.output)).toEqual({ greeting: 'hello nimbus' });
    // An input the service refuses: its error, as the service answered it.
    const bad = await http(`${base}/sync`, { method: 'POST', body: 'not json' });
    expect(bad.status).toBe(400);
    expect(bad.json().__type).toContain('InvalidExecutionInput');
  });

  it('StepFunctions-StartExecution maps path, query, header and body selections; StopExecution stops it', async () => {
    const start = await apiWith('POST /runs/{name}', {
      IntegrationType: 'AWS_PROXY',
      IntegrationSubtype: 'StepFunctions-StartExecution',
      CredentialsArn: ROLE,
      RequestParameters: { StateMachineArn: '$request.querystring.machine', Name: '$request.path.name', Input: '$request.body.order' },
    });
    const res = await http(`${start.base}/runs/run-1?machine=${encodeURIComponent(standardArn)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ order: { id: 7, hold: true }, ignored: 1 }),
    });
    expect(res.status).toBe(200);
    const { executionArn } = res.json();
    expect(executionArn).toBe(standardArn.replace(':stateMachine:', ':execution:') + ':run-1');
    const running = await sfn.send(new SFN.DescribeExecutionCommand({ executionArn }));
    expect(running.status).toBe('RUNNING');
    expect(JSON.parse(running.input!)).toEqual({ id: 7, hold: true });

    const stop = await apiWith('DELETE /runs', {
      IntegrationType: 'AWS_PROXY',
      IntegrationSubtype: 'StepFunctions-StopExecution',
      CredentialsArn: ROLE,
      RequestParameters: { ExecutionArn: '$request.header.x-execution', Cause: 'stopped through the API', Error: '$context.routeKey' },
    });
    const stopped = await http(`${stop.base}/runs`, { method: 'DELETE', headers: { 'x-execution': executionArn } });
    expect(stopped.status).toBe(200);
    expect(stopped.json().stopDate).toEqual(expect.any(Number));
    const d = await finished(executionArn);
    expect(d).toMatchObject({ status: 'ABORTED', cause: 'stopped through the API', error: 'DELETE /runs' });
  });

  it('EventBridge-PutEvents puts the mapped event on the bus, where a rule starts a state machine with it', async () => {
    await events.send(new EB.PutRuleCommand({ Name: 'svc-orders', EventPattern: JSON.stringify({ source: ['shop.api'], 'detail-type': ['order'] }) }));
    await events.send(new EB.PutTargetsCommand({ Rule: 'svc-orders', Targets: [{ Id: 'sfn', Arn: standardArn, RoleArn: ROLE }] }));
    const { base } = await apiWith('POST /orders', {
      IntegrationType: 'AWS_PROXY',
      IntegrationSubtype: 'EventBridge-PutEvents',
      CredentialsArn: ROLE,
      RequestParameters: { Source: 'shop.api', DetailType: 'order', Detail: '$request.body' },
    });
    const res = await http(`${base}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sku":"A1"}' });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ FailedEntryCount: 0, Entries: [{ EventId: expect.any(String) }] });
    let started: SFN.ExecutionListItem | undefined;
    for (let i = 0; i < 200 && !started; i++) {
      const list = await sfn.send(new SFN.ListExecutionsCommand({ stateMachineArn: standardArn }));
      started = list.executions?.find((e) => e.name !== 'run-1');
      if (!started) await new Promise((r) => setTimeout(r, 25));
    }
    expect(started).toBeDefined();
    const input = JSON.parse((await sfn.send(new SFN.DescribeExecutionCommand({ executionArn: started!.executionArn! }))).input!);
    expect(input).toMatchObject({ source: 'shop.api', 'detail-type': 'order', detail: { sku: 'A1' } });
  });
});
