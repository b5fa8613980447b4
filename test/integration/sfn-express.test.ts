// Express state machines through the API, checked against AWS recordings made by LocalStack:
// tests/aws/services/stepfunctions/v2/test_sfn_api_express.snapshot.json and
// express/test_express_sync.snapshot.json (localstack/localstack@291c76c70a0e5df29f62e82a4d511d80d2ec7c7f).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SFNClient, CreateActivityCommand, CreateStateMachineCommand, DescribeExecutionCommand, GetExecutionHistoryCommand,
  ListExecutionsCommand, StartExecutionCommand, StartSyncExecutionCommand, StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { startNimbus, clientConfig, type TestNimbus } from '../helpers/nimbus.js';

const ROLE = 'arn:aws:iam::000000000000:role/sfn';
const PASS = JSON.stringify({ Comment: 'BASE_PASS_RESULT', StartAt: 'State_1', States: { State_1: { Type: 'Pass', Result: { Arg1: 'argument1' }, End: true } } });
const FAIL = JSON.stringify({ StartAt: 'FailState', States: { FailState: { Type: 'Fail', Error: 'SomeFailure', Cause: "This state machines raises a 'SomeFailure' failure." } } });
let nimbus: TestNimbus;
let sfn: SFNClient;
let n = 0;

beforeAll(async () => {
  nimbus = await startNimbus();
  sfn = new SFNClient({ ...clientConfig(nimbus.endpoint), disableHostPrefix: true });
});
afterAll(async () => {
  sfn?.destroy();
  await nimbus?.dispose();
});

const express = (definition: string) =>
  sfn.send(new CreateStateMachineCommand({ name: `express-${++n}`, definition, roleArn: ROLE, type: 'EXPRESS' }));

async function error(p: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return { name: (e as Error).name, message: (e as Error).message };
  }
  throw new Error('expected an error');
}

describe('StartSyncExecution (test_express_sync)', () => {
  it('test_base[BASE_PASS_RESULT]: the full response shape', async () => {
    const m = await express(PASS);
    const r = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn: m.stateMachineArn, input: '{}' }));
    const { $metadata: _, ...body } = r;
    expect(Object.keys(body).sort()).toEqual(['billingDetails', 'executionArn', 'input', 'inputDetails', 'name', 'output',
      'outputDetails', 'startDate', 'stateMachineArn', 'status', 'stopDate']);
    expect(r).toMatchObject({
      status: 'SUCCEEDED', input: '{}', inputDetails: { included: true }, outputDetails: { included: true },
      billingDetails: { billedDurationInMilliseconds: 100, billedMemoryUsedInMB: 64 }, stateMachineArn: m.stateMachineArn,
    });
    expect(JSON.parse(r.output!)).toEqual({ Arg1: 'argument1' });
    expect(r.executionArn).toBe(`${m.stateMachineArn!.replace(':stateMachine:', ':express:')}:${r.name}:${r.executionArn!.split(':').pop()}`);
  });

  it('test_base[BASE_RAISE_FAILURE]: error and cause, outputDetails without output', async () => {
    const m = await express(FAIL);
    const r = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn: m.stateMachineArn, input: '{}' }));
    expect(r).toMatchObject({
      status: 'FAILED', error: 'SomeFailure', cause: "This state machines raises a 'SomeFailure' failure.",
      inputDetails: { included: true }, outputDetails: { included: true },
    });
    expect(r.output).toBeUndefined();
  });
});

describe('context object of Express executions (test_query_runtime_memory, sync and async)', () => {
  const CTX = JSON.stringify({ StartAt: 'QueryValues2', States: { QueryValues2: { Type: 'Pass', Parameters: { 'context_object.$': '$$' }, End: true } } });

  it('StartSyncExecution: $$.Execution has no RedriveCount', async () => {
    const m = await express(CTX);
    const r = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn: m.stateMachineArn, input: '{"message":"TestMessage"}' }));
    const ctx = JSON.parse(r.output!).context_object;
    expect(Object.keys(ctx.Execution).sort()).toEqual(['Id', 'Input', 'Name', 'RoleArn', 'StartTime']);
    expect(ctx.Execution).toMatchObject({ Id: r.executionArn, Input: { message: 'TestMessage' }, Name: r.name, RoleArn: ROLE });
    expect(ctx.StateMachine).toEqual({ Id: m.stateMachineArn, Name: m.stateMachineArn!.split(':').pop() });
    expect(ctx.State).toMatchObject({ Name: 'QueryValues2' });
  });
});

describe('Express executions are not addressable (test_start_async_describe_history_execution)', () => {
  it('ListExecutions, DescribeExecution, StopExecution and GetExecutionHistory answer as AWS does', async () => {
    const m = await express(PASS);
    const e = await sfn.send(new StartExecutionCommand({ stateMachineArn: m.stateMachineArn, input: '{}' }));
    expect(await error(sfn.send(new ListExecutionsCommand({ stateMachineArn: m.stateMachineArn })))).toEqual({
      name: 'StateMachineTypeNotSupported', message: 'This operation is not supported by this type of state machine',
    });
    const invalid = { name: 'InvalidArn', message: "Invalid Arn: 'Resource type not valid in this context: express'" };
    expect(await error(sfn.send(new DescribeExecutionCommand({ executionArn: e.executionArn })))).toEqual(invalid);
    expect(await error(sfn.send(new StopExecutionCommand({ executionArn: e.executionArn })))).toEqual(invalid);
    expect(await error(sfn.send(new GetExecutionHistoryCommand({ executionArn: e.executionArn })))).toEqual(invalid);
  });
});

describe('Express definitions AWS refuses (test_illegal_callbacks, test_illegal_activity_task)', () => {
  it('WAIT_FOR_TASK_TOKEN', async () => {
    const def = JSON.stringify({ StartAt: 'Publish', States: { Publish: {
      Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: 'f', Payload: { 'TaskToken.$': '$$.Task.Token' } }, End: true } } });
    expect(await error(express(def))).toEqual({ name: 'InvalidDefinition', message:
      "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Express state machine does not support '.waitForTaskToken' service integration  at /States/Publish/Resource'" });
  });

  it('SYNC', async () => {
    const def = JSON.stringify({ StartAt: 'StartExecution', States: { StartExecution: {
      Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync',
      Parameters: { StateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:child' }, End: true } } });
    expect(await error(express(def))).toEqual({ name: 'InvalidDefinition', message:
      "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Express state machine does not support '.sync' service integration at /States/StartExecution/Resource'" });
  });

  it('an activity task', async () => {
    const a = await sfn.send(new CreateActivityCommand({ name: `activity-${++n}` }));
    const def = JSON.stringify({ StartAt: 'ActivityTask', States: { ActivityTask: { Type: 'Task', Resource: a.activityArn, End: true } } });
    expect(await error(express(def))).toEqual({ name: 'InvalidDefinition', message:
      "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Express state machine does not support Activity ARN at /States/ActivityTask/Resource'" });
  });
});
