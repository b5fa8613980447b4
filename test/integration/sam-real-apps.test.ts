// Real-world SAM applications (test/fixtures/real-apps, each with a SOURCE.md naming the public app it
// follows) built and deployed with the `nimbus` SAM commands on a running Nimbus, then used as their
// READMEs use them on AWS: HTTP calls to the deployed APIs, executions, logs, a gradual deployment.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { GetModelsCommand } from '@aws-sdk/client-api-gateway';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand, StartExecutionCommand, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import { GetAliasCommand, GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { DescribeLogGroupsCommand, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeRuleCommand, ListRulesCommand } from '@aws-sdk/client-eventbridge';
import { startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { buildCommand } from '../../src/sam/build.js';
import { deployCommand, localInvokeCommand, validateCommand } from '../../src/sam/commands.js';
import { makeClients, type Clients } from '../../src/sam/deploy/clients.js';
import { startApi } from '../../src/sam/start-api.js';
import { capture } from '../helpers/io.js';
import { buildAndDeploy, fixtureCheckouts, type BuildAndDeployOptions, type Deployed } from '../helpers/real-apps.js';

let nimbus: TestNimbus;
let clients: Clients;

beforeAll(async () => {
  // 3600×: the stock trader's rate(1 hour) fires every second inside Nimbus's EventBridge (cron is not scaled).
  nimbus = await startNimbus({ events: { clockScale: 3600 } });
  clients = makeClients(nimbus.endpoint);
});
afterAll(async () => {
  clients?.destroy();
  await nimbus?.dispose();
});

const checkout = fixtureCheckouts('real-apps');

const deploy = (app: string, stackName: string, timeScale?: number) =>
  buildAndDeploy(nimbus.endpoint, app, stackName, { template: 'template.yaml', timeScale });

async function get(url: string, init: Parameters<typeof request>[1] = {}) {
  const res = await request(url, init);
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text };
}

async function finished(executionArn: string) {
  for (let i = 0; i < 200; i++) {
    const d = await clients.sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return d;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${executionArn} still running`);
}

describe('sam init hello world, Node.js 20 (aws-sam-cli-app-templates nodejs20.x/hello)', () => {
  let app: Deployed;

  it('builds and deploys; Outputs resolve the implicit API and role', async () => {
    app = await deploy(checkout('hello-nodejs'), 'hello-nodejs');
    const apiId = /^https:\/\/(\w+)\.execute-api\.us-east-1\.amazonaws\.com\/Prod\/hello\/$/.exec(app.output('HelloWorldApi'))?.[1];
    expect(apiId).toBeTruthy();
    expect(app.rest).toBe(`${nimbus.endpoint}/_aws/execute-api/${apiId}/Prod/`);
    expect(app.output('HelloWorldFunction')).toMatch(/^arn:aws:lambda:us-east-1:000000000000:function:hello-nodejs-HelloWorldFunction-[A-Z0-9]{12}$/);
    expect(app.output('HelloWorldFunctionIamRole')).toMatch(/^arn:aws:iam::000000000000:role\/hello-nodejs-HelloWorldFunctionRole-[A-Z0-9]{12}$/);
  });

  it('GET /hello answers {"message":"hello world"}, also with the trailing slash the Output has', async () => {
    for (const path of ['hello', 'hello/']) {
      const r = await get(`${app.rest}${path}`);
      expect(r.status).toBe(200);
      expect(JSON.parse(r.text)).toEqual({ message: 'hello world' });
    }
    const wrongVerb = await get(`${app.rest}hello`, { method: 'POST' });
    expect(wrongVerb.status).toBe(403);
    expect(JSON.parse(wrongVerb.text)).toEqual({ message: 'Missing Authentication Token' });
  });

  it('the function configuration carries Globals (Timeout 3) and the template properties', async () => {
    const cfg = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: app.output('HelloWorldFunction') }));
    expect(cfg).toMatchObject({ Timeout: 3, Runtime: 'nodejs20.x', Handler: 'app.lambdaHandler', Architectures: ['x86_64'] });
  });
});

describe('sam init hello world, Python 3.12 (aws-sam-cli-app-templates python3.12/hello)', () => {
  it('builds, deploys and answers on GET /hello; local invoke runs the same handler', async () => {
    const dir = checkout('hello-python');
    const app = await deploy(dir, 'hello-python');
    const r = await get(`${app.rest}hello`);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toEqual({ message: 'hello world' });

    const io = capture();
    expect(await localInvokeCommand({ cwd: dir, functionId: 'HelloWorldFunction', eventJson: JSON.stringify({ httpMethod: 'GET', path: '/hello' }) }, io)).toBe(0);
    expect(JSON.parse(io.stdout.join(''))).toEqual({ statusCode: 200, body: '{"message": "hello world"}' });
    expect(io.stderr.join('\n')).toMatch(/^REPORT RequestId: /m);
  });
});

describe('stock trader workflow (aws-sam-cli-app-templates nodejs20.x/step-func, without DynamoDB)', () => {
  let app: Deployed;
  let dir: string;

  it('deploys the state machine with its substitutions, role and disabled schedule', async () => {
    dir = checkout('stock-trader');
    app = await deploy(dir, 'stock-trader');
    expect(app.output('StockTradingStateMachineArn')).toMatch(/^arn:aws:states:us-east-1:000000000000:stateMachine:StockTradingStateMachine-[A-Za-z0-9]{12}$/);
    expect(app.output('StockTradingStateMachineRole')).toMatch(/^arn:aws:iam::000000000000:role\/stock-trader-StockTradingStateMachineRole-/);
    const ruleLine = app.stdout.find((l) => /CREATE_COMPLETE\s+AWS::Events::Rule\s+StockTradingStateMachineHourlyTradingSchedule/.test(l));
    expect(ruleLine).toBeTruthy();
  });

  it('an execution checks a price, then buys (≤ 50) or sells, and ends with the transaction', async () => {
    const { executionArn } = await clients.sfn.send(new StartExecutionCommand({ stateMachineArn: app.output('StockTradingStateMachineArn') }));
    const done = await finished(executionArn!);
    expect(done.status).toBe('SUCCEEDED');
    const tx = JSON.parse(done.output!);
    expect(tx).toMatchObject({ id: expect.stringMatching(/^[0-9a-f]{32}$/), price: expect.stringMatching(/^\d+$/), qty: expect.stringMatching(/^([1-9]|10)$/) });
    expect(tx.type).toBe(Number(tx.price) <= 50 ? 'buy' : 'sell');
    const history = await clients.sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    const entered = history.events!.filter((e) => e.stateEnteredEventDetails).map((e) => e.stateEnteredEventDetails!.name);
    expect(entered).toEqual(['Check Stock Value', 'Buy or Sell?', tx.type === 'buy' ? 'Buy Stock' : 'Sell Stock', 'Record Transaction']);
  });

  it('the hourly schedule exists but is disabled (Enabled: False)', async () => {
    const rules = await clients.events.send(new ListRulesCommand({ NamePrefix: 'stock-trader-' }));
    expect(rules.Rules).toHaveLength(1);
    const rule = await clients.events.send(new DescribeRuleCommand({ Name: rules.Rules![0]!.Name! }));
    expect(rule).toMatchObject({ State: 'DISABLED', ScheduleExpression: 'rate(1 hour)', Description: 'Schedule to run the stock trading state machine every hour' });
  });

  it('with Enabled: True the schedule starts executions inside Nimbus, with the scheduled event as input', async () => {
    const template = join(dir, 'template.yaml');
    writeFileSync(template, readFileSync(template, 'utf8').replace('Enabled: False', 'Enabled: True'));
    await deploy(dir, 'stock-trader');
    const stateMachineArn = app.output('StockTradingStateMachineArn');
    let scheduled: { executionArn?: string } | undefined;
    for (let i = 0; i < 100 && !scheduled; i++) {
      const list = await clients.sfn.send(new ListExecutionsCommand({ stateMachineArn }));
      for (const e of list.executions ?? []) {
        const d = await clients.sfn.send(new DescribeExecutionCommand({ executionArn: e.executionArn }));
        if (JSON.parse(d.input ?? '{}')['detail-type'] === 'Scheduled Event') scheduled = e;
      }
      if (!scheduled) await new Promise((r) => setTimeout(r, 100));
    }
    expect(scheduled, 'an execution started by the schedule').toBeTruthy();
    const input = JSON.parse((await finished(scheduled!.executionArn!)).input!);
    expect(input).toMatchObject({ source: 'aws.events', resources: [expect.stringMatching(/^arn:aws:events:us-east-1:000000000000:rule\/stock-trader-/)] });
    // Off again, so it stops firing for the rest of the file.
    writeFileSync(template, readFileSync(template, 'utf8').replace('Enabled: True', 'Enabled: False'));
    await deploy(dir, 'stock-trader');
  });
});

describe('Express workflow to Lambda with logging (serverless-patterns sfn-lambda)', () => {
  it('start-sync-execution returns the message with a ticketId; the execution is logged to the log group', async () => {
    const app = await deploy(checkout('sfn-lambda'), 'sfn-lambda');
    const stateMachineArn = app.output('StateMachineExpressSynctoLambda');
    const r = await clients.sfn.send(new StartSyncExecutionCommand({ stateMachineArn, name: 'test', input: '{"message":"hello"}' }));
    expect(r.status).toBe('SUCCEEDED');
    expect(r.executionArn).toMatch(/:express:StateMachineExpressSynctoLambda-[A-Za-z0-9]{12}:test:/);
    const out = JSON.parse(r.output!);
    expect(out).toEqual({ message: 'hello', ticketId: expect.stringMatching(/^[a-z0-9]+$/) });

    // Level ALL: every history event lands in stepfunctions/StateMachineExpressSynctoLambda.
    let types: string[] = [];
    for (let i = 0; i < 100 && !types.includes('ExecutionSucceeded'); i++) {
      const logs = await clients.logs.send(new FilterLogEventsCommand({ logGroupName: 'stepfunctions/StateMachineExpressSynctoLambda' }));
      types = (logs.events ?? []).map((e) => JSON.parse(e.message!).type as string);
      if (!types.includes('ExecutionSucceeded')) await new Promise((res) => setTimeout(res, 50));
    }
    expect(types[0]).toBe('ExecutionStarted');
    expect(types).toContain('LambdaFunctionSucceeded');
    expect(types.at(-1)).toBe('ExecutionSucceeded');
  });
});

describe('REST API starting an Express workflow synchronously (serverless-patterns step-function-sync-rest-api)', () => {
  it('POST / answers the finished workflow; the OpenAPI document came in through AWS::Include', async () => {
    const dir = checkout('sfn-sync-rest-api');
    const built = capture();
    expect(await buildCommand({ cwd: dir, templateFile: join(dir, 'template.yml') }, built), built.stderr.join('\n')).toBe(0);
    const io = capture();
    expect(await deployCommand({ cwd: dir, stackName: 'sync-api', endpointUrl: nimbus.endpoint }, io), io.stderr.join('\n')).toBe(0);
    const api = /^API RestApiforSyncWFdevStage: (\S+)$/m.exec(io.stdout.join('\n'))![1]!;
    const r = await get(api, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"order": 7}' });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toEqual({ status: 'SUCCEEDED', output: 'World' });
  });
});

describe('REST API with a Lambda TOKEN authorizer from raw CloudFormation (serverless-patterns apigw-lambda-authorizer)', () => {
  it('allows, denies, rejects and fails by token as API Gateway does', async () => {
    const app = await deploy(checkout('apigw-lambda-authorizer'), 'authorizer');
    const apiId = /^https:\/\/(\w+)\.execute-api/.exec(app.output('AppApiEndpoint'))![1];
    expect(app.rest).toBe(`${nimbus.endpoint}/_aws/execute-api/${apiId}/Prod/`);

    const allowed = await get(app.rest!, { headers: { authorizationToken: 'Bearer allow' } });
    expect(allowed.status).toBe(200);
    const event = JSON.parse(allowed.text);
    expect(event).toMatchObject({ resource: '/', path: '/', httpMethod: 'GET' });
    expect(event.requestContext.authorizer).toMatchObject({ principalId: 'user', stringKey: 'stringval', numberKey: '123', booleanKey: 'true' });

    const denied = await get(app.rest!, { headers: { authorizationToken: 'Bearer deny' } });
    expect(denied.status).toBe(403);
    expect(JSON.parse(denied.text)).toEqual({ message: 'User is not authorized to access this resource with an explicit deny' });
    for (const headers of [{ authorizationToken: 'unauthorized' }, {}]) {
      const r = await get(app.rest!, { headers });
      expect(r.status).toBe(401);
      expect(JSON.parse(r.text)).toEqual({ message: 'Unauthorized' });
    }
    const broken = await get(app.rest!, { headers: { authorizationToken: 'something else' } });
    expect(broken.status).toBe(500);
    expect(JSON.parse(broken.text)).toEqual({ message: null });
  });

  it('`nimbus local start-api` serves the same raw-CloudFormation API on a local port', async () => {
    const local = await startApi({ cwd: checkout('apigw-lambda-authorizer'), port: 0, host: '127.0.0.1' }, capture());
    try {
      expect((await get(`${local.url}/`, { headers: { authorizationToken: 'Bearer allow' } })).status).toBe(200);
      expect((await get(`${local.url}/`, { headers: { authorizationToken: 'Bearer deny' } })).status).toBe(403);
      const missing = await get(`${local.url}/nope`);
      expect(missing.status).toBe(403);
      expect(JSON.parse(missing.text)).toEqual({ message: 'Missing Authentication Token' });
    } finally {
      await local.stop();
    }
  });
});

describe('request validation with SAM Models (serverless-patterns apigw-data-validation)', () => {
  it('a valid vehicle reaches the function; an invalid one gets 400 from API Gateway', async () => {
    const app = await deploy(checkout('apigw-data-validation'), 'validation');
    const post = (body: string) => get(`${app.rest}vehicle`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const ok = await post('{"make": "MINI", "model": "Countryman", "year": 2020}');
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text)).toEqual({ message: 'Data validation succeeded', data: { make: 'MINI', model: 'Countryman', year: 2020 } });
    for (const bad of ['{"make": "MINI", "model": "Countryman", "year": 2009}', '{"make": "MINI", "year": 2020}', '{"make": "MINI", "model": "Cooper", "year": 2020, "color": "pink"}', 'not json']) {
      const r = await post(bad);
      expect(r.status, bad).toBe(400);
      expect(JSON.parse(r.text)).toEqual({ message: 'Invalid request body' });
      expect(r.headers['x-amzn-errortype']).toBe('BadRequestException');
    }
    const apiId = /execute-api\/(\w+)\//.exec(app.rest!)![1]!;
    const models = await clients.apigw.send(new GetModelsCommand({ restApiId: apiId }));
    expect(models.items!.map((m) => m.name)).toContain('vehicle');
  });
});

describe('JSON to XML with a VTL response template (serverless-patterns apigw-lambda-json-xml-vtl-transformation)', () => {
  it("the API's own non-proxy integration answers XML made from the function's JSON", async () => {
    const app = await deploy(checkout('apigw-json-to-xml'), 'xml');
    expect(app.output('MyLambdaFunction')).toBe('MyLambdaFunction');
    const r = await get(`${app.rest}details`);
    expect(r.status).toBe(200);
    const xml = r.text.replace(/>\s+</g, '><').trim();
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8" standalone="yes"\?><getPetDetails>/);
    expect(xml).toMatch(/<response\s+action="RETRIEVE" status="available"\/>/);
    expect(xml).toContain('<category name="string"/>');
    expect(xml).toContain('<tag name = "photoUrls">string</tag><tag name = "location">string</tag></tags></getPetDetails>');
    const groups = await clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: 'MyApi-Access-Logs' }));
    expect(groups.logGroups?.[0]).toMatchObject({ logGroupName: 'MyApi-Access-Logs', retentionInDays: 1 });
  });
});

describe('safe Lambda deployments with a PreTraffic hook (aws-samples/aws-safe-lambda-deployments)', () => {
  let dir: string;
  let first: Deployed;

  it('deploys without CodeUri; the implicit API answers 502 for the numeric proxy body, as AWS does', async () => {
    dir = checkout('safe-deployments');
    expect(await validateCommand({ cwd: dir }, capture())).toBe(0);
    first = await deploy(dir, 'safe');
    expect(first.stdout.join('\n')).toMatch(/CREATE_COMPLETE\s+AWS::CodeDeploy::Application\s+ServerlessDeploymentApplication/);
    const r = await get(`${first.rest}test`);
    expect(r.status).toBe(502);
    expect(JSON.parse(r.text)).toEqual({ message: 'Internal server error' });
    const hook = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'CodeDeployHook_preTrafficHook' }));
    expect(hook.Environment!.Variables!.NewVersion).toMatch(/:function:safe-returnS3Buckets-[A-Z0-9]+:1$/);
  });

  it('a new version passes the hook and takes the traffic step by step', async () => {
    const src = join(dir, 'returnS3Buckets.js');
    writeFileSync(src, readFileSync(src, 'utf8').replace("'logs'];", "'logs', 'metrics'];"));
    const app = await deploy(dir, 'safe', 0.001);
    const text = app.stdout.join('\n');
    expect(text).toMatch(/BeforeAllowTraffic hook (CodeDeployHook_preTrafficHook )?reported Succeeded/);
    expect(text).toMatch(/live: 10% of traffic on version 2/);
    expect(text).toMatch(/live: 100% of traffic on version 2/);
    const alias = await clients.lambda.send(new GetAliasCommand({ FunctionName: await liveFunction(), Name: 'live' }));
    expect(alias.FunctionVersion).toBe('2');
  });

  it('a version that fails the hook never gets traffic; the stack rolls back', async () => {
    const src = join(dir, 'returnS3Buckets.js');
    writeFileSync(src, readFileSync(src, 'utf8').replace("['alpha', ", "['"));
    expect(await buildCommand({ cwd: dir, templateFile: join(dir, 'template.yaml') }, capture())).toBe(0);
    const io = capture();
    expect(await deployCommand({ cwd: dir, stackName: 'safe', endpointUrl: nimbus.endpoint, timeScale: 0.001 }, io)).toBe(1);
    const text = io.stdout.join('\n');
    expect(text).toMatch(/PreTraffic hook CodeDeployHook_preTrafficHook reported Failed/);
    expect(text).toMatch(/UPDATE_ROLLBACK_COMPLETE\s+AWS::CloudFormation::Stack\s+safe/);
    const alias = await clients.lambda.send(new GetAliasCommand({ FunctionName: await liveFunction(), Name: 'live' }));
    expect(alias.FunctionVersion).toBe('2');
  });

  /** The function behind `live`: the hook's NewVersion (a version ARN) without its version. */
  async function liveFunction(): Promise<string> {
    const hook = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'CodeDeployHook_preTrafficHook' }));
    return hook.Environment!.Variables!.NewVersion!.replace(/:\d+$/, '');
  }
});
