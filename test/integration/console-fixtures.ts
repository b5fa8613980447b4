// Shared setup for the console's integration and browser tests: a function that logs, a callback
// notifier, and a state machine with Choice, Parallel, Map, Retry, Catch and a callback task.
import { LambdaClient, CreateFunctionCommand } from '@aws-sdk/client-lambda';
import { SFNClient, CreateStateMachineCommand } from '@aws-sdk/client-sfn';
import { request } from 'undici';
import { zip } from '../helpers/zip.js';

export const ROLE = 'arn:aws:iam::000000000000:role/console-test';

export const HELLO_CODE = `export const handler = async (event) => {
  console.log('hello from console test', JSON.stringify(event));
  if (event && event.fail) throw new Error('asked to fail');
  // From the state machine: the first attempt fails, so its Retry shows on the diagram.
  if (event && event.retry === 0) throw new Error('first attempt fails');
  return { greeting: 'hi ' + (event.name ?? event.input?.name ?? 'there') };
};
`;

/** Does nothing with the token: the console (the human) approves or rejects the task. */
export const NOTIFIER_CODE = `export const handler = async (event) => { console.log('approval requested'); return {}; };\n`;

export const WORKFLOW = {
  Comment: 'console demo: every drawing feature',
  StartAt: 'Classify',
  States: {
    Classify: {
      Type: 'Choice',
      Choices: [{ Variable: '$.items', IsPresent: true, Next: 'FanOut' }],
      Default: 'Reject',
    },
    Reject: { Type: 'Fail', Error: 'NoItems', Cause: 'input had no items' },
    FanOut: {
      Type: 'Parallel',
      Branches: [
        {
          StartAt: 'Greet',
          States: {
            Greet: {
              Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke',
              Parameters: { FunctionName: 'console-hello', Payload: { 'input.$': '$', 'retry.$': '$$.State.RetryCount' } },
              Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 1 }],
              OutputPath: '$.Payload', End: true,
            },
          },
        },
        {
          StartAt: 'EachItem',
          States: {
            EachItem: {
              Type: 'Map', ItemsPath: '$.items', MaxConcurrency: 2,
              ItemProcessor: {
                ProcessorConfig: { Mode: 'INLINE' },
                StartAt: 'Double',
                States: { Double: { Type: 'Pass', Parameters: { 'v.$': '$' }, End: true } },
              },
              End: true,
            },
          },
        },
      ],
      ResultPath: '$.results',
      Next: 'Approve',
    },
    Approve: {
      Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: 'console-notifier', Payload: { 'taskToken.$': '$$.Task.Token' } },
      Catch: [{ ErrorEquals: ['Rejected'], Next: 'Rejected' }],
      Next: 'Done',
    },
    Rejected: { Type: 'Pass', Result: 'rejected', End: true },
    Done: { Type: 'Succeed' },
  },
};

export async function createFixtures(endpoint: string, clients: { lambda: LambdaClient; sfn: SFNClient }): Promise<{ stateMachineArn: string }> {
  for (const [name, code] of [['console-hello', HELLO_CODE], ['console-notifier', NOTIFIER_CODE]] as const) {
    await clients.lambda.send(new CreateFunctionCommand({
      FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: zip({ 'index.mjs': code }) },
    }));
  }
  const sm = await clients.sfn.send(new CreateStateMachineCommand({ name: 'console-demo', roleArn: ROLE, definition: JSON.stringify(WORKFLOW) }));
  void endpoint;
  return { stateMachineArn: sm.stateMachineArn! };
}

/** Calls the console API as the browser does. */
export async function consoleApi<T = any>(endpoint: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await request(`${endpoint}/_nimbus/api/${path}`, {
    method: method as 'GET',
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.body.text();
  return {
    status: res.statusCode,
    errorType: res.headers['x-amzn-errortype'] as string | undefined,
    body: (text ? JSON.parse(text) : undefined) as T,
  };
}

/**
 * A REST API with MOCK `GET /hello` and `GET /keyed` (API key required), deployed to stage `prod`,
 * `GET /hello` throttled to a burst of 1 (so the second quick call answers 429), with a usage plan and a key.
 */
export async function createApiFixture(ag: import('@aws-sdk/client-api-gateway').APIGatewayClient): Promise<{ apiId: string; keyId: string; planId: string; keyValue: string }> {
  const AG = await import('@aws-sdk/client-api-gateway');
  const api = await ag.send(new AG.CreateRestApiCommand({ name: 'console-api', description: 'console demo API' }));
  const restApiId = api.id!;
  const root = (await ag.send(new AG.GetResourcesCommand({ restApiId }))).items!.find((r) => r.path === '/')!;
  const hello = await ag.send(new AG.CreateResourceCommand({ restApiId, parentId: root.id!, pathPart: 'hello' }));
  const resourceId = hello.id!;
  await ag.send(new AG.PutMethodCommand({ restApiId, resourceId, httpMethod: 'GET', authorizationType: 'NONE' }));
  await ag.send(new AG.PutIntegrationCommand({ restApiId, resourceId, httpMethod: 'GET', type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
  await ag.send(new AG.PutMethodResponseCommand({ restApiId, resourceId, httpMethod: 'GET', statusCode: '200' }));
  await ag.send(new AG.PutIntegrationResponseCommand({
    restApiId, resourceId, httpMethod: 'GET', statusCode: '200', responseTemplates: { 'application/json': '{"hello":"from mock"}' },
  }));
  const keyed = await ag.send(new AG.CreateResourceCommand({ restApiId, parentId: root.id!, pathPart: 'keyed' }));
  await ag.send(new AG.PutMethodCommand({ restApiId, resourceId: keyed.id!, httpMethod: 'GET', authorizationType: 'NONE', apiKeyRequired: true }));
  await ag.send(new AG.PutIntegrationCommand({ restApiId, resourceId: keyed.id!, httpMethod: 'GET', type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
  await ag.send(new AG.PutMethodResponseCommand({ restApiId, resourceId: keyed.id!, httpMethod: 'GET', statusCode: '200' }));
  await ag.send(new AG.PutIntegrationResponseCommand({
    restApiId, resourceId: keyed.id!, httpMethod: 'GET', statusCode: '200', responseTemplates: { 'application/json': '{"keyed":true}' },
  }));
  await ag.send(new AG.CreateDeploymentCommand({ restApiId, stageName: 'prod', description: 'first deployment' }));
  await ag.send(new AG.UpdateStageCommand({
    restApiId, stageName: 'prod', patchOperations: [
      { op: 'replace', path: '/~1hello/GET/throttling/rateLimit', value: '0.001' },
      { op: 'replace', path: '/~1hello/GET/throttling/burstLimit', value: '1' },
    ],
  }));
  const plan = await ag.send(new AG.CreateUsagePlanCommand({
    name: 'console-plan', apiStages: [{ apiId: restApiId, stage: 'prod' }], quota: { limit: 1000, period: 'MONTH' }, throttle: { rateLimit: 100, burstLimit: 50 },
  }));
  const key = await ag.send(new AG.CreateApiKeyCommand({ name: 'console-key', enabled: true, value: 'console-key-value-0123456789' }));
  await ag.send(new AG.CreateUsagePlanKeyCommand({ usagePlanId: plan.id!, keyId: key.id!, keyType: 'API_KEY' }));
  return { apiId: restApiId, keyId: key.id!, planId: plan.id!, keyValue: key.value! };
}
