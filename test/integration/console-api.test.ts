// The console's JSON API (/_nimbus/api/) against a real Nimbus: functions (configuration, code,
// invoke with logs, saved test events, tail, metrics, cost), logs search, state machines (start,
// live history, callback approval and rejection, stop, redrive) and error paths.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LambdaClient, PublishVersionCommand, CreateAliasCommand, UpdateFunctionConfigurationCommand, PutFunctionConcurrencyCommand, InvokeCommand, CreateFunctionCommand } from '@aws-sdk/client-lambda';
import { SFNClient, CreateStateMachineCommand } from '@aws-sdk/client-sfn';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { startNimbus, clientConfig, type TestNimbus } from '../helpers/nimbus.js';
import { zip } from '../helpers/zip.js';
import { readExecution, tokenPathsOf, type HistoryEvent } from '../../src/console/shared/execution-view.js';
import { consoleApi, createApiFixture, createFixtures, HELLO_CODE, ROLE, WORKFLOW } from './console-fixtures.js';

let nimbus: TestNimbus;
let lambda: LambdaClient;
let sfn: SFNClient;
let stateMachineArn: string;

beforeAll(async () => {
  nimbus = await startNimbus();
  lambda = new LambdaClient(clientConfig(nimbus.endpoint));
  sfn = new SFNClient(clientConfig(nimbus.endpoint));
  ({ stateMachineArn } = await createFixtures(nimbus.endpoint, { lambda, sfn }));
});
afterAll(async () => {
  lambda?.destroy();
  sfn?.destroy();
  await nimbus?.dispose();
});

const api = <T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  consoleApi<T>(nimbus.endpoint, method, path, body, headers);

describe('functions', () => {
  it('lists functions and shows configuration, versions and weighted aliases', async () => {
    await lambda.send(new PublishVersionCommand({ FunctionName: 'console-hello' }));
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'console-hello', Description: 'v2' }));
    await new Promise((r) => setTimeout(r, 50));
    await lambda.send(new PublishVersionCommand({ FunctionName: 'console-hello' }));
    await lambda.send(new CreateAliasCommand({
      FunctionName: 'console-hello', Name: 'live', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 0.25 } },
    }));
    const list = await api('GET', 'functions');
    expect(list.status).toBe(200);
    expect(list.body.functions.map((f: any) => f.FunctionName)).toEqual(['console-hello', 'console-notifier']);
    const detail = await api('GET', 'functions/console-hello');
    expect(detail.status).toBe(200);
    expect(detail.body.configuration).toMatchObject({ FunctionName: 'console-hello', Runtime: 'nodejs20.x', Handler: 'index.handler', MemorySize: 128 });
    expect(detail.body.versions.map((v: any) => v.Version)).toEqual(['$LATEST', '1', '2']);
    expect(detail.body.aliases).toEqual([expect.objectContaining({
      Name: 'live', FunctionVersion: '1', Weights: [{ version: '1', weight: 0.75 }, { version: '2', weight: 0.25 }],
    })]);
  });

  it('shows the code of the deployment package', async () => {
    const code = await api('GET', 'functions/console-hello/code');
    expect(code.status).toBe(200);
    expect(code.body.files).toEqual([{ path: 'index.mjs', size: Buffer.byteLength(HELLO_CODE), binary: false, text: HELLO_CODE }]);
    expect((await api('GET', 'functions/console-hello/code?qualifier=9')).status).toBe(404);
  });

  it('invokes with a payload and returns the result and its logs', async () => {
    const r = await api('POST', 'functions/console-hello/invoke', { payload: JSON.stringify({ name: 'console' }) });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body.payload)).toEqual({ greeting: 'hi console' });
    expect(r.body.logs).toContain('hello from console test {"name":"console"}');
    expect(r.body.logs).toMatch(/REPORT RequestId: \S+\tDuration/);
    expect(r.body.report.memoryMb).toBe(128);
    const failed = await api('POST', 'functions/console-hello/invoke', { payload: '{"fail":true}' });
    expect(failed.body.functionError).toBe('Unhandled');
    expect(JSON.parse(failed.body.payload).errorMessage).toBe('asked to fail');
  });

  it('keeps saved test events, at most 10 per function', async () => {
    expect((await api('PUT', 'functions/console-hello/events/greet', { payload: '{"name":"saved"}' })).status).toBe(200);
    const list = await api('GET', 'functions/console-hello/events');
    expect(list.body.events).toEqual([expect.objectContaining({ name: 'greet', payload: '{"name":"saved"}' })]);
    const bad = await api('PUT', 'functions/console-hello/events/bad', { payload: '{nope' });
    expect([bad.status, bad.errorType]).toEqual([400, 'BadRequestException']);
    const badName = await api('PUT', `functions/console-hello/events/${'x'.repeat(26)}`, { payload: '{}' });
    expect(badName.status).toBe(400);
    for (let i = 0; i < 9; i++) expect((await api('PUT', `functions/console-hello/events/e${i}`, { payload: '{}' })).status).toBe(200);
    const full = await api('PUT', 'functions/console-hello/events/one-too-many', { payload: '{}' });
    expect([full.status, full.body.message]).toEqual([400, 'A function keeps at most 10 saved test events']);
    expect((await api('PUT', 'functions/console-hello/events/greet', { payload: '{"name":"again"}' })).status).toBe(200);
    expect((await api('DELETE', 'functions/console-hello/events/e0', {})).status).toBe(200);
    expect((await api('DELETE', 'functions/console-hello/events/e0', {})).status).toBe(404);
    const missing = await api('GET', 'functions/nope/events');
    expect([missing.status, missing.errorType]).toEqual([404, 'ResourceNotFoundException']);
  });

  it('tails the log group', async () => {
    const since = Date.now() - 60_000;
    const r = await api('GET', `functions/console-hello/logs?since=${since}`);
    expect(r.status).toBe(200);
    expect(r.body.logGroupName).toBe('/aws/lambda/console-hello');
    expect(r.body.events.some((e: any) => e.message.includes('hello from console test'))).toBe(true);
    const future = await api('GET', `functions/console-hello/logs?since=${Date.now() + 60_000}`);
    expect(future.body.events).toEqual([]);
    expect((await api('GET', 'functions/console-hello/logs?since=abc')).status).toBe(400);
  });

  it('charts AWS/Lambda metrics including throttles', async () => {
    await lambda.send(new CreateFunctionCommand({
      FunctionName: 'console-throttled', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: zip({ 'index.mjs': HELLO_CODE }) },
    }));
    await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'console-throttled', ReservedConcurrentExecutions: 0 }));
    await expect(lambda.send(new InvokeCommand({ FunctionName: 'console-throttled' }))).rejects.toMatchObject({ name: 'TooManyRequestsException' });
    const throttled = await api('GET', 'functions/console-throttled/metrics?minutes=5&period=60');
    expect(throttled.body.series.Throttles.reduce((s: number, p: any) => s + p.sum, 0)).toBe(1);
    const m = await api('GET', 'functions/console-hello/metrics?minutes=5&period=60');
    expect(m.status).toBe(200);
    const invocations = m.body.series.Invocations.reduce((s: number, p: any) => s + p.sum, 0);
    const errors = m.body.series.Errors.reduce((s: number, p: any) => s + p.sum, 0);
    expect(invocations).toBeGreaterThanOrEqual(2);
    expect(errors).toBe(1);
    expect(m.body.series.Duration[0].p99).toBeGreaterThan(0);
    expect((await api('GET', 'functions/console-hello/metrics?minutes=0')).status).toBe(400);
  });

  it('prices the month as AWS bills it', async () => {
    const r = await api('GET', 'functions/console-hello/cost');
    expect(r.status).toBe(200);
    expect(r.body.function.requests).toBeGreaterThanOrEqual(2);
    expect(r.body.function.gbSeconds).toBeGreaterThan(0);
    expect(r.body.account.total).toBe(0);
    expect(r.body.account.freeRequests).toBe(r.body.account.requests);
  });

  it('answers bad input with clear errors', async () => {
    expect((await api('GET', 'functions/no-such-fn')).errorType).toBe('ResourceNotFoundException');
    const badName = await api('GET', 'functions/bad%20name');
    expect([badName.status, badName.errorType]).toEqual([400, 'BadRequestException']);
    const badJson = await api('POST', 'functions/console-hello/invoke', '{"payload":');
    expect([badJson.status, badJson.errorType]).toEqual([400, 'BadRequestException']);
    const badPayload = await api('POST', 'functions/console-hello/invoke', { payload: 'not json' });
    expect(badPayload.status).toBe(400);
    const notJson = await api('POST', 'functions/console-hello/invoke', undefined, { 'content-type': 'text/plain' });
    expect(notJson.status).toBe(400);
    const cross = await api('GET', 'functions', undefined, { origin: 'http://evil.example' });
    expect([cross.status, cross.body.message]).toEqual([400, 'Cross-origin requests to the console API are refused']);
    expect((await api('PATCH', 'functions')).status).toBe(405);
    expect((await api('GET', 'nothing/here')).status).toBe(404);
  });
});

describe('logs search', () => {
  it('searches a pattern across log groups', async () => {
    const r = await api('POST', 'logs/search', { filterPattern: '"hello from console test"' });
    expect(r.status).toBe(200);
    expect(r.body.searchedLogGroups).toEqual(expect.arrayContaining(['/aws/lambda/console-hello']));
    expect(r.body.events.length).toBeGreaterThanOrEqual(2);
    expect(r.body.events.every((e: any) => e.logGroupName === '/aws/lambda/console-hello' && e.message.includes('hello from console test'))).toBe(true);
    for (let i = 1; i < r.body.events.length; i++) expect(r.body.events[i - 1].timestamp).toBeGreaterThanOrEqual(r.body.events[i].timestamp);
    const groups = await api('GET', 'logs/groups?prefix=/aws/lambda/');
    expect(groups.body.logGroups.map((g: any) => g.logGroupName)).toContain('/aws/lambda/console-hello');
    const none = await api('POST', 'logs/search', { filterPattern: 'zzz-nothing', logGroupNames: ['/aws/lambda/console-hello', '/no/such/group'] });
    expect(none.body.events).toEqual([]);
    const bad = await api('POST', 'logs/search', { filterPattern: '{ $.x = ' });
    expect([bad.status, bad.errorType]).toEqual([400, 'BadRequestException']);
    expect((await api('POST', 'logs/search', { logGroupNames: 'x' })).status).toBe(400);
  });
});

describe('state machines', () => {
  async function poll(arn: string, until: (body: any) => boolean): Promise<any> {
    for (;;) {
      const r = await api('GET', `executions/${encodeURIComponent(arn)}`);
      expect(r.status).toBe(200);
      if (until(r.body)) return r.body;
      await new Promise((res) => setTimeout(res, 50));
    }
  }
  const view = (body: any) => readExecution(body.events as HistoryEvent[], body.execution.status, tokenPathsOf(WORKFLOW));

  it('lists machines, runs one to a waiting callback and approves it', async () => {
    const list = await api('GET', 'statemachines');
    expect(list.body.stateMachines.map((m: any) => m.name)).toContain('console-demo');
    const described = await api('GET', `statemachines/${encodeURIComponent(stateMachineArn)}`);
    expect(JSON.parse(described.body.definition)).toEqual(WORKFLOW);
    const started = await api('POST', `statemachines/${encodeURIComponent(stateMachineArn)}/executions`, { name: 'approve-me', input: '{"items":[1,2,3],"name":"sfn"}' });
    expect(started.status).toBe(200);
    const arn = started.body.executionArn as string;
    const waiting = await poll(arn, (b) => view(b).waiting.length === 1);
    const v = view(waiting);
    expect(v.states.Greet).toMatchObject({ status: 'retried', failures: 1, error: 'Error', cause: expect.stringContaining('first attempt fails') });
    expect(v.states.Double?.entered).toBe(3);
    expect(v.states.Double?.status).toBe('succeeded');
    expect(v.states.FanOut?.status).toBe('succeeded');
    expect(v.states.Approve?.status).toBe('running');
    const later = await api('GET', `executions/${encodeURIComponent(arn)}?after=${waiting.events.at(-1).id}`);
    expect(later.body.events.every((e: any) => e.id > waiting.events.at(-1).id)).toBe(true);
    const ok = await api('POST', 'tasks/success', { taskToken: v.waiting[0]!.token, output: '{"approved":true}' });
    expect(ok.status).toBe(200);
    const done = await poll(arn, (b) => b.execution.status !== 'RUNNING');
    expect(done.execution.status).toBe('SUCCEEDED');
    expect(view(done).states.Approve?.status).toBe('succeeded');
    const again = await api('POST', 'tasks/success', { taskToken: v.waiting[0]!.token, output: '{}' });
    expect(again.errorType).toBe('TaskTimedOut');
    const executions = await api('GET', `statemachines/${encodeURIComponent(stateMachineArn)}/executions`);
    expect(executions.body.executions[0]).toMatchObject({ name: 'approve-me', status: 'SUCCEEDED' });
  });

  it('rejects a callback into its Catch, fails on the Choice default, stops and redrives', async () => {
    const started = await api('POST', `statemachines/${encodeURIComponent(stateMachineArn)}/executions`, { input: '{"items":[]}' });
    const arn = started.body.executionArn as string;
    const waiting = await poll(arn, (b) => view(b).waiting.length === 1);
    const rejected = await api('POST', 'tasks/failure', { taskToken: view(waiting).waiting[0]!.token, error: 'Rejected', cause: 'no' });
    expect(rejected.status).toBe(200);
    const done = await poll(arn, (b) => b.execution.status !== 'RUNNING');
    expect(done.execution.status).toBe('SUCCEEDED');
    expect(view(done).states.Approve?.status).toBe('caught');
    expect(view(done).states.Rejected?.status).toBe('succeeded');

    const noItems = await api('POST', `statemachines/${encodeURIComponent(stateMachineArn)}/executions`, { input: '{}' });
    const failed = await poll(noItems.body.executionArn, (b) => b.execution.status !== 'RUNNING');
    expect(failed.execution.status).toBe('FAILED');
    expect(view(failed).states.Reject?.status).toBe('failed');

    const toStop = await api('POST', `statemachines/${encodeURIComponent(stateMachineArn)}/executions`, { input: '{"items":[1]}' });
    await poll(toStop.body.executionArn, (b) => view(b).waiting.length === 1);
    const stopped = await api('POST', `executions/${encodeURIComponent(toStop.body.executionArn)}/stop`, { error: 'Manual', cause: 'from the console' });
    expect(stopped.status).toBe(200);
    const aborted = await poll(toStop.body.executionArn, (b) => b.execution.status !== 'RUNNING');
    expect(aborted.execution.status).toBe('ABORTED');
    // Redrive the failed one: it starts again from the failed state (and fails there again).
    const redriven = await api('POST', `executions/${encodeURIComponent(noItems.body.executionArn)}/redrive`, {});
    expect(redriven.status).toBe(200);
    const refailed = await poll(noItems.body.executionArn, (b) => b.execution.status === 'FAILED' && b.execution.redriveCount === 1);
    expect(refailed.events.some((e: any) => e.type === 'ExecutionRedriven')).toBe(true);
    const notRedrivable = await api('POST', `executions/${encodeURIComponent(arn)}/redrive`, {});
    expect([notRedrivable.status, notRedrivable.errorType]).toEqual([400, 'ExecutionNotRedrivable']);
  });

  it('runs Express machines synchronously', async () => {
    const m = await sfn.send(new CreateStateMachineCommand({
      name: 'console-express', type: 'EXPRESS', roleArn: ROLE,
      definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Parameters: { 'doubled.$': 'States.MathAdd($.n, $.n)' }, End: true } } }),
    }));
    const r = await api('POST', `statemachines/${encodeURIComponent(m.stateMachineArn!)}/sync-executions`, { input: '{"n":21}' });
    expect(r.status).toBe(200);
    expect([r.body.status, JSON.parse(r.body.output)]).toEqual(['SUCCEEDED', { doubled: 42 }]);
    const list = await api('GET', `statemachines/${encodeURIComponent(m.stateMachineArn!)}/executions`);
    expect([list.status, list.errorType]).toEqual([400, 'StateMachineTypeNotSupported']);
    const standard = await api('POST', `statemachines/${encodeURIComponent(stateMachineArn)}/sync-executions`, { input: '{}' });
    expect(standard.errorType).toBe('StateMachineTypeNotSupported');
  });

  it('answers bad input with the AWS error names', async () => {
    const missing = await api('GET', `statemachines/${encodeURIComponent(stateMachineArn + 'x')}`);
    expect([missing.status, missing.errorType]).toEqual([400, 'StateMachineDoesNotExist']);
    expect((await api('GET', 'statemachines/not-an-arn')).status).toBe(400);
    const badInput = await api('POST', `statemachines/${encodeURIComponent(stateMachineArn)}/executions`, { input: '{' });
    expect([badInput.status, badInput.errorType]).toEqual([400, 'BadRequestException']);
    const badToken = await api('POST', 'tasks/success', { taskToken: 'nope', output: '{}' });
    expect(badToken.errorType).toBe('InvalidToken');
    expect((await api('POST', 'tasks/success', { output: '{}' })).status).toBe(400);
  });
});

describe('APIs', () => {
  it('shows resources, stages, deployments, keys and plans, and tests requests through the data plane', async () => {
    const ag = new APIGatewayClient(clientConfig(nimbus.endpoint));
    const { apiId, keyId, planId, keyValue } = await createApiFixture(ag);
    ag.destroy();
    // A canary deployment on the stage: 10% of traffic to the new deployment.
    const { CreateDeploymentCommand } = await import('@aws-sdk/client-api-gateway');
    const ag2 = new APIGatewayClient(clientConfig(nimbus.endpoint));
    const canary = await ag2.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'prod', description: 'canary', canarySettings: { percentTraffic: 10 } }));
    ag2.destroy();
    const list = await api('GET', 'apis');
    expect(list.body.apis.map((a: any) => a.name)).toEqual(['console-api']);
    const detail = await api('GET', `apis/${apiId}`);
    expect(detail.status).toBe(200);
    expect(detail.body.resources.map((r: any) => r.path)).toEqual(['/', '/hello', '/keyed']);
    expect(detail.body.resources[1].resourceMethods.GET.methodIntegration.type).toBe('MOCK');
    expect(detail.body.stages[0]).toMatchObject({ stageName: 'prod', methodSettings: { 'hello/GET': { throttlingBurstLimit: 1 } } });
    expect(detail.body.stages[0].canarySettings).toMatchObject({ percentTraffic: 10, deploymentId: canary.id });
    expect(detail.body.deployments.map((d: any) => d.description).sort()).toEqual(['canary', 'first deployment']);
    const first = await api('POST', `apis/${apiId}/test`, { stage: 'prod', method: 'GET', path: '/hello' });
    expect(first.status).toBe(200);
    expect([first.body.status, JSON.parse(first.body.body)]).toEqual([200, { hello: 'from mock' }]);
    const second = await api('POST', `apis/${apiId}/test`, { stage: 'prod', method: 'GET', path: '/hello' });
    expect(second.body.status).toBe(429);
    expect(JSON.parse(second.body.body)).toEqual({ message: 'Too Many Requests' });
    // Keyed calls are metered against the usage plan.
    const noKey = await api('POST', `apis/${apiId}/test`, { stage: 'prod', path: '/keyed' });
    expect(noKey.body.status).toBe(403);
    const keyed = await api('POST', `apis/${apiId}/test`, { stage: 'prod', path: '/keyed', headers: { 'x-api-key': keyValue } });
    expect(keyed.body.status).toBe(200);
    const usage = await api('GET', 'usage');
    const days = usage.body.usage[0].items[keyId] as number[][];
    expect(days.at(-1)).toEqual([1, 999]);
    expect(usage.body.apiKeys.map((k: any) => k.id)).toEqual([keyId]);
    expect(usage.body.usagePlans.map((p: any) => p.id)).toEqual([planId]);
    expect(usage.body.usage[0].keys.map((k: any) => k.id)).toEqual([keyId]);
    const missing = await api('GET', 'apis/abcdef1234');
    expect([missing.status, missing.errorType]).toEqual([404, 'NotFoundException']);
    expect((await api('GET', 'apis/BAD!')).status).toBe(400);
    expect((await api('POST', `apis/${apiId}/test`, { stage: 'prod', method: 'BREW', path: '/' })).status).toBe(400);
    expect((await api('POST', `apis/${apiId}/test`, { stage: 'prod', path: 'no-slash' })).status).toBe(400);
    expect((await api('POST', `apis/${apiId}/test`, { stage: 'prod', path: '/', headers: { 'bad header': 'x' } })).status).toBe(400);
  });
});

describe('static files', () => {
  it('serves the bundled app under /_nimbus/ and redirects /_nimbus', async () => {
    const { request } = await import('undici');
    const { existsSync } = await import('node:fs');
    const { consoleDistDir } = await import('../../src/console/static.js');
    if (!existsSync(`${consoleDistDir}/index.html`)) {
      const { execFileSync } = await import('node:child_process');
      execFileSync(process.execPath, ['console/build.mjs']);
    }
    const redirect = await request(`${nimbus.endpoint}/_nimbus`);
    await redirect.body.dump();
    expect([redirect.statusCode, redirect.headers.location]).toEqual([301, '/_nimbus/']);
    const page = await request(`${nimbus.endpoint}/_nimbus/`);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(await page.body.text()).toContain('<script type="module" src="app.js">');
    const js = await request(`${nimbus.endpoint}/_nimbus/app.js`);
    expect([js.statusCode, js.headers['content-type']]).toEqual([200, 'text/javascript; charset=utf-8']);
    await js.body.dump();
    for (const bad of ['/_nimbus/..%2Fpackage.json', '/_nimbus/nope.js', '/_nimbus/x/../../package.json', '/_nimbus/app.ts']) {
      const r = await request(`${nimbus.endpoint}${bad}`);
      await r.body.dump();
      expect(r.statusCode).toBe(404);
    }
    const post = await request(`${nimbus.endpoint}/_nimbus/`, { method: 'POST' });
    await post.body.dump();
    expect(post.statusCode).toBe(405);
  });
});
