// Real-world Step Functions applications (test/fixtures/real-apps, each with a SOURCE.md naming the
// public app it follows) built and deployed with the `nimbus` SAM commands on a running Nimbus, then
// used as their READMEs use them on AWS: HTTP calls to the deployed APIs, executions, schedules, logs.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, ListActivitiesCommand, ListExecutionsCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { InvokeCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeRuleCommand, ListRulesCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { deleteCommand } from '../../src/sam/commands.js';
import { makeClients, type Clients } from '../../src/sam/deploy/clients.js';
import { capture } from '../helpers/io.js';
import { buildAndDeploy, fixtureCheckouts, type BuildAndDeployOptions, type Deployed } from '../helpers/real-apps.js';

let nimbus: TestNimbus;
let clients: Clients;

beforeAll(async () => {
  // 3600×: a rate(1 hour) schedule fires every second inside Nimbus's EventBridge (cron is not scaled).
  nimbus = await startNimbus({ events: { clockScale: 3600 } });
  clients = makeClients(nimbus.endpoint);
});
afterAll(async () => {
  clients?.destroy();
  await nimbus?.dispose();
});

const checkout = fixtureCheckouts('real-apps-sfn');

// As the READMEs run it: `sam build` without the parameters `sam deploy --guided` asks for.
const deploy = (app: string, stackName: string, opts: BuildAndDeployOptions = {}) =>
  buildAndDeploy(nimbus.endpoint, app, stackName, { template: 'template.yaml', allowStderr: opts.skipUnsupported, ...opts });

async function post(url: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const res = await request(url, { method: 'POST', headers, body });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

async function finished(executionArn: string) {
  for (let i = 0; i < 200; i++) {
    const d = await clients.sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return d;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${executionArn} still running`);
}

describe('HTTP API to an Express workflow through StartSyncExecution (serverless-patterns apigw-sfn)', () => {
  let app: Deployed;

  it('deploys the HTTP API whose OpenAPI document names a StepFunctions-StartSyncExecution integration', async () => {
    app = await deploy(checkout('apigw-sfn'), 'apigw-sfn');
    const apiId = /^https:\/\/(\w+)\.execute-api\.us-east-1\.amazonaws\.com$/.exec(app.output('HelloWorldApi'))?.[1];
    expect(apiId).toBeTruthy();
    expect(app.http).toBe(`${nimbus.endpoint}/_aws/execute-api/${apiId}/`);
  });

  it('POST / with IsHelloWorldExample "Yes" answers the finished execution, its output from the Parallel state', async () => {
    const r = await post(app.http!, '{ "IsHelloWorldExample": "Yes" }', { 'content-type': 'application/json', origin: 'https://example.com' });
    expect(r.status).toBe(200);
    // x-amazon-apigateway-cors of the document: any origin.
    expect(r.headers['access-control-allow-origin']).toBe('*');
    const out = JSON.parse(r.text);
    expect(out).toMatchObject({ status: 'SUCCEEDED', executionArn: expect.stringMatching(/^arn:aws:states:us-east-1:000000000000:express:StateMachineExpressSync-/) });
    expect(JSON.parse(out.output)).toEqual([{ IsHelloWorldExample: 'Yes' }, { IsHelloWorldExample: 'Yes' }]);
    expect(out.stopDate - out.startDate).toBeGreaterThanOrEqual(3);
  });

  it('"No" fails the workflow, and StartSyncExecution still answers 200 with the cause', async () => {
    const r = await post(app.http!, '{ "IsHelloWorldExample": "No" }');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toMatchObject({ status: 'FAILED', cause: 'Not Hello World' });
  });

  it('the executions are logged (level ALL, no execution data) to stepfunctions/StateMachineExpressSync', async () => {
    let events: Array<Record<string, unknown>> = [];
    for (let i = 0; i < 100 && !events.some((e) => e.type === 'ExecutionFailed'); i++) {
      const logs = await clients.logs.send(new FilterLogEventsCommand({ logGroupName: 'stepfunctions/StateMachineExpressSync' }));
      events = (logs.events ?? []).map((e) => JSON.parse(e.message!) as Record<string, unknown>);
      if (!events.some((e) => e.type === 'ExecutionFailed')) await new Promise((res) => setTimeout(res, 50));
    }
    const types = events.map((e) => e.type);
    expect(types).toContain('ExecutionSucceeded');
    expect(types).toContain('WaitStateEntered');
    expect(types).toContain('ExecutionFailed');
    expect(events.find((e) => e.type === 'ExecutionStarted')?.details).not.toHaveProperty('input');
  });
});

describe('EventBridge Scheduler schedule starting a workflow (serverless-patterns eventbridge-schedule-stepfunctions-sam)', () => {
  let dir: string;
  let app: Deployed;

  it('deploys the AWS::Scheduler::Schedule as an enabled schedule for the state machine', async () => {
    dir = checkout('eventbridge-schedule-sfn');
    app = await deploy(dir, 'schedule-sfn');
    expect(app.stdout.join('\n')).toMatch(/CREATE_COMPLETE\s+AWS::Scheduler::Schedule\s+GitHubTrafficTrackerSchedule/);
    const rules = (await clients.events.send(new ListRulesCommand({ NamePrefix: 'schedule-sfn-GitHubTrafficTrackerSchedule-' }))).Rules ?? [];
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ ScheduleExpression: 'cron(24 14 * * ? *)', State: 'ENABLED' });
    const targets = (await clients.events.send(new ListTargetsByRuleCommand({ Rule: rules[0]!.Name! }))).Targets ?? [];
    expect(targets).toEqual([expect.objectContaining({ Arn: expect.stringMatching(/^arn:aws:states:us-east-1:000000000000:stateMachine:GitHubTrafficTracker-/) })]);
  });

  it('a rate schedule starts executions (the target has no Input: the rule Scheduled Event); deleting the stack removes the schedule', async () => {
    const template = join(dir, 'template.yaml');
    writeFileSync(template, readFileSync(template, 'utf8').replace("'cron(24 14 * * ? *)'", "'rate(1 hour)'"));
    await deploy(dir, 'schedule-sfn');
    const ruleName = (await clients.events.send(new ListRulesCommand({ NamePrefix: 'schedule-sfn-GitHubTrafficTrackerSchedule-' }))).Rules![0]!.Name!;
    expect((await clients.events.send(new DescribeRuleCommand({ Name: ruleName }))).ScheduleExpression).toBe('rate(1 hour)');
    const target = (await clients.events.send(new ListTargetsByRuleCommand({ Rule: ruleName }))).Targets![0]!;
    let executionArn: string | undefined;
    for (let i = 0; i < 100 && !executionArn; i++) {
      executionArn = (await clients.sfn.send(new ListExecutionsCommand({ stateMachineArn: target.Arn! }))).executions?.[0]?.executionArn;
      if (!executionArn) await new Promise((r) => setTimeout(r, 100));
    }
    expect(executionArn, 'an execution started by the schedule').toBeTruthy();
    const done = await finished(executionArn!);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!).item).toMatchObject({ 'detail-type': 'Scheduled Event', source: 'aws.events' });

    const io = capture();
    expect(await deleteCommand({ cwd: dir, stackName: 'schedule-sfn', endpointUrl: nimbus.endpoint }, io), io.stderr.join('\n')).toBe(0);
    expect((await clients.events.send(new ListRulesCommand({ NamePrefix: 'schedule-sfn-' }))).Rules ?? []).toEqual([]);
  });
});

describe('JSONata workflow listing Lambda functions through aws-sdk:lambda (serverless-patterns eventbridge-stepfunction-lambda-getfunctionstatus)', () => {
  it('builds without the EmailAddress value, deploys with it, leaving out the SNS topic and subscription', async () => {
    const app = await deploy(checkout('eventbridge-sfn-getfunctionstatus'), 'getfunctionstatus', {
      parameterOverrides: ['EmailAddress=ops@example.com'],
      skipUnsupported: true,
    });
    expect(app.output('LambdaFunction')).toBe('arn:aws:lambda:us-east-1:000000000000:function:GetFunction');
    const rule = await clients.events.send(new DescribeRuleCommand({ Name: app.output('EventRuleName') }));
    expect(rule).toMatchObject({ ScheduleExpression: 'cron(0 0 * * ? *)', State: 'ENABLED' });
    const [target] = (await clients.events.send(new ListTargetsByRuleCommand({ Rule: app.output('EventRuleName') }))).Targets!;
    expect(target!.Arn).toBe(app.output('StepFunctionArn'));

    // The rule's payload, as the README shows it: the daily run, started by hand.
    const { executionArn } = await clients.sfn.send(new StartExecutionCommand({ stateMachineArn: app.output('StepFunctionArn'), input: target!.Input }));
    const done = await finished(executionArn!);
    const events = (await clients.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }))).events!;
    const scheduled = events.filter((e) => e.type === 'TaskScheduled').map((e) => e.taskScheduledEventDetails!);
    expect(scheduled.map((t) => `${t.resourceType}:${t.resource}`)).toEqual([
      'aws-sdk:lambda:listFunctions', 'lambda:invoke', 'aws-sdk:lambda:getFunction', 'unsupported:arn:aws:states:::sns:publish',
    ]);
    // Marker null is left out of ListFunctions; GetFunction answers the function's Configuration.
    expect(JSON.parse(scheduled[0]!.parameters!)).toEqual({ Marker: null });
    const listed = events.find((e) => e.type === 'TaskSucceeded')!.taskSucceededEventDetails!;
    expect(JSON.parse(listed.output!).Functions.map((f: { FunctionName: string }) => f.FunctionName)).toContain('GetFunction');
    const mapped = events.find((e) => e.type === 'MapStateExited')!.stateExitedEventDetails!;
    expect(JSON.parse(mapped.output!)).toEqual([{ FunctionConfig: { ARN: 'arn:aws:lambda:us-east-1:000000000000:function:GetFunction', State: 'Active' } }]);
    expect(JSON.parse(scheduled[3]!.parameters!)).toMatchObject({ Message: ' No Inactive Functions', Subject: 'Inactive Lambda functions List' });
    // Nimbus has no SNS: only the last state fails.
    expect(done).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
  });
});

describe('nested workflows with SAM connectors (step-functions-workflows-collection workflow-within-a-workflow)', () => {
  it('deploys with embedded Connectors; the main workflow starts the nested one three ways and gets both results', async () => {
    const app = await deploy(checkout('workflow-within-a-workflow'), 'workflow-within-a-workflow');
    const stateMachineArn = app.output('StateMachineArn');
    const { executionArn } = await clients.sfn.send(new StartExecutionCommand({ stateMachineArn, input: app.output('ExecutionInput') }));
    const done = await finished(executionArn!);
    expect(done.status, done.cause).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual([
      'The whole execution is completed including both long-running jobs',
      'Callback right after the first long-running job is completed',
    ]);
    const events = (await clients.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }))).events!;
    const nested = JSON.parse(events.find((e) => e.type === 'TaskScheduled')!.taskScheduledEventDetails!.parameters!).StateMachineArn as string;
    expect(nested).toMatch(/:stateMachine:NestingPatternAnotherStateMachine-/);
    const started = (await clients.sfn.send(new ListExecutionsCommand({ stateMachineArn: nested }))).executions!;
    expect(started).toHaveLength(3);
    // The nested executions: each one started by the main execution.
    for (const child of started) {
      const d = await finished(child.executionArn!);
      expect(d.status).toBe('SUCCEEDED');
      expect(JSON.parse(d.input!).AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID).toBe(executionArn);
    }
  });
});

describe('activity worker in Lambda (step-functions-workflows-collection activity-state-machine)', () => {
  it('deploys the AWS::StepFunctions::Activity; the execution waits on it until the worker function takes and completes the task', async () => {
    const dir = checkout('activity-state-machine');
    const app = await deploy(dir, 'activity-state-machine');
    const activities = (await clients.sfn.send(new ListActivitiesCommand({}))).activities!;
    expect(activities.map((a) => a.name)).toContain('TestActivity');
    expect(app.output('ActivityStateMachineRoleArn')).toMatch(/^arn:aws:iam::000000000000:role\/activity-state-machine-ActivityStateMachineRole-/);

    const { executionArn } = await clients.sfn.send(new StartExecutionCommand({ stateMachineArn: app.output('ActivityStateMachineArn'), input: '{"any":"json"}' }));
    await new Promise((r) => setTimeout(r, 200));
    expect((await clients.sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');
    const worker = (await clients.lambda.send(new ListFunctionsCommand({}))).Functions!.find((f) => f.FunctionName!.startsWith('activity-state-machine-WorkerFunction-'))!;
    const invoked = await clients.lambda.send(new InvokeCommand({ FunctionName: worker.FunctionName, Payload: Buffer.from('{}') }));
    expect(invoked.FunctionError, Buffer.from(invoked.Payload ?? []).toString()).toBeUndefined();
    expect(JSON.parse(Buffer.from(invoked.Payload!).toString())).toEqual({ statusCode: 200, body: '"Worker implementaion successfully completed!"' });
    const done = await finished(executionArn!);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ Result: 'value' });

    // sam delete takes the activity with the stack.
    const io = capture();
    expect(await deleteCommand({ cwd: dir, stackName: 'activity-state-machine', endpointUrl: nimbus.endpoint }, io), io.stderr.join('\n')).toBe(0);
    expect((await clients.sfn.send(new ListActivitiesCommand({}))).activities!.map((a) => a.name)).not.toContain('TestActivity');
  });
});

describe('listing its own executions with aws-sdk:sfn (step-functions-workflows-collection pagination-loop)', () => {
  it('each execution lists the earlier SUCCEEDED ones, with PascalCase members', async () => {
    const app = await deploy(checkout('pagination-loop'), 'pagination-loop');
    const stateMachineArn = app.output('StateMachineArn');
    const outputs: Array<{ executions: { Executions: Array<Record<string, unknown>> } }> = [];
    for (let i = 0; i < 3; i++) {
      const { executionArn } = await clients.sfn.send(new StartExecutionCommand({ stateMachineArn, name: `run-${i}`, input: '{}' }));
      const done = await finished(executionArn!);
      expect(done.status, done.cause).toBe('SUCCEEDED');
      outputs.push(JSON.parse(done.output!));
    }
    expect(outputs.map((o) => o.executions.Executions.length)).toEqual([0, 1, 2]);
    expect(outputs[2]!.executions.Executions.map((e) => e.Name).sort()).toEqual(['run-0', 'run-1']);
    expect(outputs[2]!.executions.Executions[0]).toMatchObject({ StateMachineArn: stateMachineArn, Status: 'SUCCEEDED', ExecutionArn: expect.any(String) });
  });
});

describe('REST API starting a Standard workflow (serverless-patterns apigw-rest-stepfunction)', () => {
  it('POST answers StartExecution at once; the execution has the body as input (its DynamoDB tasks are not Nimbus’s)', async () => {
    const app = await deploy(checkout('apigw-rest-stepfunction'), 'apigw-rest-stepfunction', { skipUnsupported: true });
    expect(app.output('WaitableStateMachineRole')).toMatch(/^arn:aws:iam::000000000000:role\/apigw-rest-stepfunction-WaitableStateMachineRole-/);
    const url = /^API \S+: (\S+)$/m.exec(app.stdout.join('\n'))?.[1];
    expect(url).toMatch(/\/dev\/$/);
    const body = '{"Id": "4f30bb61-39bc-47f2-91c6-a7dba009f919", "StartTimestamp": "2021-06-25T17:47:00Z"}';
    const r = await post(url!, body);
    expect(r.status).toBe(200);
    const started = JSON.parse(r.text);
    expect(started).toEqual({ executionArn: expect.stringContaining(':execution:WaitableStateMachine-'), startDate: expect.any(Number) });
    const d = await clients.sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    expect(JSON.parse(d.input!)).toEqual(JSON.parse(body));
    expect(d.stateMachineArn).toBe(app.output('WaitableStateMachineArn'));
  });
});

describe('retry with exponential backoff (step-functions-workflows-collection retry-with-exponential-backoff-sam)', () => {
  it('a Python InternalServerError is retried after IntervalSeconds, then the task succeeds', async () => {
    const app = await deploy(checkout('retry-with-exponential-backoff'), 'retry-with-exponential-backoff');
    const { executionArn } = await clients.sfn.send(new StartExecutionCommand({ stateMachineArn: app.output('StateMachineARN') }));
    const done = await finished(executionArn!);
    expect(done.status, done.cause).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ statusCode: 200, body: '{"message": "OK"}' });
    const events = (await clients.sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events!;
    const failed = events.find((e) => e.type === 'TaskFailed')!;
    expect(failed.taskFailedEventDetails).toMatchObject({ error: 'InternalServerError' });
    const rescheduled = events.filter((e) => e.type === 'TaskScheduled')[1]!;
    expect(rescheduled.timestamp!.getTime() - failed.timestamp!.getTime()).toBeGreaterThanOrEqual(1900);
  }, 30_000);
});
