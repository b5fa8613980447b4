// Execution logging to CloudWatch Logs (loggingConfiguration), read back with the Logs SDK client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SFNClient, CreateStateMachineCommand, DescribeStateMachineCommand, StartSyncExecutionCommand, StartExecutionCommand, DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { CloudWatchLogsClient, CreateLogGroupCommand, DeleteLogGroupCommand, DescribeLogStreamsCommand, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { startNimbus, clientConfig, type TestNimbus } from '../helpers/nimbus.js';

const ROLE = 'arn:aws:iam::000000000000:role/sfn';
let nimbus: TestNimbus;
let sfn: SFNClient;
let logs: CloudWatchLogsClient;

beforeAll(async () => {
  nimbus = await startNimbus();
  sfn = new SFNClient({ ...clientConfig(nimbus.endpoint), disableHostPrefix: true });
  logs = new CloudWatchLogsClient(clientConfig(nimbus.endpoint));
});
afterAll(async () => {
  sfn?.destroy();
  logs?.destroy();
  await nimbus?.dispose();
});

async function events(group: string): Promise<Array<Record<string, any>>> {
  const r = await logs.send(new FilterLogEventsCommand({ logGroupName: group }));
  return (r.events ?? []).map((e) => JSON.parse(e.message!) as Record<string, any>);
}

describe('loggingConfiguration', () => {
  it('writes every event of an Express execution at level ALL, with data when asked', async () => {
    const group = '/aws/vendedlogs/states/logged';
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    const def = JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Result: { ok: 1 }, End: true } } });
    const m = await sfn.send(new CreateStateMachineCommand({
      name: 'logged', definition: def, roleArn: ROLE, type: 'EXPRESS',
      loggingConfiguration: {
        level: 'ALL', includeExecutionData: true,
        destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: `arn:aws:logs:us-east-1:000000000000:log-group:${group}:*` } }],
      },
    }));
    const r = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn: m.stateMachineArn, input: '{"x":1}' }));
    expect(r.status).toBe('SUCCEEDED');
    const got = await events(group);
    expect(got.map((e) => e.type)).toEqual(['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
    expect(got[0]).toMatchObject({ id: '1', previous_event_id: '0', execution_arn: r.executionArn, details: { input: '{"x":1}' } });
    expect(got[3]!.details).toMatchObject({ output: '{"ok":1}' });
  });

  it('writes only failures at level ERROR and leaves data out by default', async () => {
    const group = '/aws/vendedlogs/states/errors';
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    const def = JSON.stringify({ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Bad', Cause: 'why' } } });
    const m = await sfn.send(new CreateStateMachineCommand({
      name: 'logged-errors', definition: def, roleArn: ROLE,
      loggingConfiguration: { level: 'ERROR', destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: `arn:aws:logs:us-east-1:000000000000:log-group:${group}:*` } }] },
    }));
    const e = await sfn.send(new StartExecutionCommand({ stateMachineArn: m.stateMachineArn, input: '{"secret":1}' }));
    for (;;) {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn: e.executionArn }));
      if (d.status !== 'RUNNING') break;
      await new Promise((res) => setTimeout(res, 20));
    }
    const got = await events(group);
    // AWS logs the entry of a Fail state at level ERROR too (logs/test_logs::test_partial_log_levels).
    expect(got.map((x) => x.type)).toEqual(['FailStateEntered', 'ExecutionFailed']);
    expect(got[0]!.details).toEqual({ name: 'F' });
    expect(got[1]!.details).toEqual({ error: 'Bad', cause: 'why' });
  });
});

// Recorded by LocalStack against AWS: tests/aws/services/stepfunctions/v2/logs/test_logs.snapshot.json
// (localstack/localstack@1331714720fe538e00b7a1445bc4759144863379), Standard machines.
describe('loggingConfiguration (AWS recordings, logs/test_logs)', () => {
  const PASS = { StartAt: 'State_1', States: { State_1: { Type: 'Pass', Result: { Arg1: 'argument1' }, End: true } } };
  const FAIL = { StartAt: 'FailState', States: { FailState: { Type: 'Fail', Error: 'SomeFailure', Cause: "This state machines raises a 'SomeFailure' failure." } } };
  const WAIT = { StartAt: 'WaitState', States: { WaitState: { Type: 'Wait', SecondsPath: '$.input.waitSeconds', End: true } } };
  let n = 0;

  async function run(def: object, level: string, includeExecutionData: boolean, inputs: string[] = ['{}']) {
    const group = `/aws/vendedlogs/states/rec-${++n}`;
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    const m = await sfn.send(new CreateStateMachineCommand({
      name: `rec-${n}`, definition: JSON.stringify(def), roleArn: ROLE,
      loggingConfiguration: { level: level as 'ALL', includeExecutionData, destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: `arn:aws:logs:us-east-1:000000000000:log-group:${group}:*` } }] },
    }));
    const arns: string[] = [];
    for (const input of inputs) {
      const e = await sfn.send(new StartExecutionCommand({ stateMachineArn: m.stateMachineArn, input }));
      while ((await sfn.send(new DescribeExecutionCommand({ executionArn: e.executionArn }))).status === 'RUNNING') {
        await new Promise((res) => setTimeout(res, 20));
      }
      arns.push(e.executionArn!);
    }
    const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName: group }));
    return { arns, streams: streams.logStreams ?? [], got: await events(group) };
  }
  const shape = (e: Record<string, any>) => ({ id: e.id, type: e.type, details: e.details, previous_event_id: e.previous_event_id });

  it('test_base[pass_result.json5_ALL_False]: data and its *Details left out; ExecutionStarted keeps roleArn', async () => {
    const { got, arns } = await run(PASS, 'ALL', false);
    expect(got.map(shape)).toEqual([
      { id: '1', type: 'ExecutionStarted', details: { roleArn: ROLE }, previous_event_id: '0' },
      { id: '2', type: 'PassStateEntered', details: { name: 'State_1' }, previous_event_id: '0' },
      { id: '3', type: 'PassStateExited', details: { name: 'State_1' }, previous_event_id: '2' },
      { id: '4', type: 'ExecutionSucceeded', details: {}, previous_event_id: '3' },
    ]);
    for (const e of got) expect(e).toMatchObject({ execution_arn: arns[0], redrive_count: '0', event_timestamp: expect.any(String) });
  });

  it('test_base[pass_result.json5_ALL_True]: data with truncated:false details', async () => {
    const { got } = await run(PASS, 'ALL', true);
    expect(got.map((e) => e.type)).toEqual(['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
    expect(got[0]!.details).toMatchObject({ inputDetails: { truncated: false }, roleArn: ROLE });
    expect(JSON.parse(got[0]!.details.input)).toEqual({});
    expect(got[3]!.details.outputDetails).toEqual({ truncated: false });
    expect(JSON.parse(got[3]!.details.output)).toEqual({ Arg1: 'argument1' });
  });

  it('test_partial_log_levels[raise_failure.json5_FATAL_*]: only ExecutionFailed', async () => {
    const { got } = await run(FAIL, 'FATAL', true);
    expect(got.map(shape)).toEqual([{
      id: '3', type: 'ExecutionFailed', previous_event_id: '2',
      details: { cause: "This state machines raises a 'SomeFailure' failure.", error: 'SomeFailure' },
    }]);
  });

  it('test_partial_log_levels[wait_seconds_path.json5_ERROR_False]: WaitStateEntered is not an error; AWS cause text', async () => {
    const { got } = await run(WAIT, 'ERROR', false);
    expect(got.map(shape)).toEqual([{
      id: '3', type: 'ExecutionFailed', previous_event_id: '2',
      details: {
        cause: "An error occurred while executing the state 'WaitState' (entered at the event id #2). The SecondsPath parameter does not reference an input value: $.input.waitSeconds",
        error: 'States.Runtime',
      },
    }]);
  });

  it('test_log_group_with_multiple_runs: consecutive executions share one log stream', async () => {
    const { got, arns, streams } = await run(PASS, 'ALL', false, [0, 1, 2].map((i) => JSON.stringify({ ExecutionNumber: i })));
    expect(streams).toHaveLength(1);
    expect(got.map((e) => [e.execution_arn, e.id])).toEqual(arns.flatMap((a) => ['1', '2', '3', '4'].map((id) => [a, id])));
  });
});

// express/test_express_async.snapshot.json (localstack/localstack@434950d81499c6bcdb266497d1238db6e350b3b8):
// the last logged event of an Express execution started with StartExecution.
describe('Express StartExecution logs (AWS recordings, express/test_express_async)', () => {
  async function endEvent(def: object, input: string, name: string) {
    const group = `/aws/vendedlogs/states/${name}`;
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    const m = await sfn.send(new CreateStateMachineCommand({
      name, definition: JSON.stringify(def), roleArn: ROLE, type: 'EXPRESS',
      loggingConfiguration: { level: 'ALL', includeExecutionData: true, destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: `arn:aws:logs:us-east-1:000000000000:log-group:${group}:*` } }] },
    }));
    const e = await sfn.send(new StartExecutionCommand({ stateMachineArn: m.stateMachineArn, input }));
    for (let i = 0; i < 200; i++) {
      const got = await events(group);
      const end = got.find((x) => /^Execution(Succeeded|Failed)$/.test(x.type));
      if (end) return { end, arn: e.executionArn! };
      await new Promise((res) => setTimeout(res, 20));
    }
    throw new Error('no end event');
  }

  it('test_base[BASE_RAISE_FAILURE]', async () => {
    const { end, arn } = await endEvent({ StartAt: 'FailState', States: { FailState: { Type: 'Fail', Error: 'SomeFailure', Cause: "This state machines raises a 'SomeFailure' failure." } } }, '{}', 'async-fail');
    expect(end).toMatchObject({ id: '3', previous_event_id: '2', type: 'ExecutionFailed', execution_arn: arn, redrive_count: '0',
      details: { cause: "This state machines raises a 'SomeFailure' failure.", error: 'SomeFailure' } });
  });

  it('test_query_runtime_memory: $$.Execution of an asynchronous Express execution has RedriveCount 0', async () => {
    const def = { StartAt: 'QueryValues2', States: { QueryValues2: { Type: 'Pass', Parameters: { 'context_object.$': '$$' }, End: true } } };
    const { end } = await endEvent(def, '{"message":"HelloWorld!"}', 'async-ctx');
    expect(end).toMatchObject({ type: 'ExecutionSucceeded', details: { outputDetails: { truncated: false } } });
    expect(JSON.parse(end.details.output).context_object.Execution).toMatchObject({ Input: { message: 'HelloWorld!' }, RedriveCount: 0 });
  });
});

// test_sfn_api_logs.snapshot.json (localstack/localstack@bdde9496be88b539237e4d5d0166d120c8337ab5).
describe('loggingConfiguration validation (AWS recordings, test_sfn_api_logs)', () => {
  const DEF = JSON.stringify({ Comment: 'BASE_PASS_RESULT', StartAt: 'State_1', States: { State_1: { Type: 'Pass', Result: { Arg1: 'argument1' }, End: true } } });
  let k = 0;
  const create = (loggingConfiguration: object) =>
    sfn.send(new CreateStateMachineCommand({ name: `api-logs-${++k}`, definition: DEF, roleArn: ROLE, loggingConfiguration }));

  it('test_incomplete_logging_configuration: {} and {destinations: []} describe as AWS does', async () => {
    const a = await create({});
    expect((await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: a.stateMachineArn }))).loggingConfiguration)
      .toEqual({ includeExecutionData: false, level: 'OFF' });
    const b = await create({ destinations: [] });
    expect((await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: b.stateMachineArn }))).loggingConfiguration)
      .toEqual({ destinations: [], includeExecutionData: false, level: 'OFF' });
  });

  it('test_deleted_log_group: InvalidLoggingConfiguration "Log Destination not found."', async () => {
    const group = '/aws/vendedlogs/states/deleted';
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    await logs.send(new DeleteLogGroupCommand({ logGroupName: group }));
    const err = await create({ level: 'ALL', destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: `arn:aws:logs:us-east-1:000000000000:log-group:${group}:*` } }] })
      .then(() => undefined, (e: Error) => e);
    expect(err?.name).toBe('InvalidLoggingConfiguration');
    expect(err?.message).toBe('Invalid Logging Configuration: Log Destination not found.');
  });
});

