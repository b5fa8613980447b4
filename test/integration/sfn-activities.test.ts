// Activity tasks and the activity API, checked against AWS recordings made by LocalStack:
// tests/aws/services/stepfunctions/v2/activities/test_activities.snapshot.json and
// test_sfn_api_activities.snapshot.json (localstack/localstack@41bcd87439211692b71c2c1882b12f72179424fe).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SFNClient, CreateActivityCommand, CreateStateMachineCommand, DeleteActivityCommand, DescribeActivityCommand,
  DescribeExecutionCommand, GetActivityTaskCommand, GetExecutionHistoryCommand, SendTaskFailureCommand,
  SendTaskSuccessCommand, StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { startNimbus, clientConfig, type TestNimbus } from '../helpers/nimbus.js';

const ROLE = 'arn:aws:iam::000000000000:role/sfn';
const INPUT = JSON.stringify({ Value1: 'Hello', Value2: 'World' });
let nimbus: TestNimbus;
let sfn: SFNClient;
let n = 0;

beforeAll(async () => {
  nimbus = await startNimbus();
  sfn = new SFNClient(clientConfig(nimbus.endpoint));
});
afterAll(async () => {
  sfn?.destroy();
  await nimbus?.dispose();
});

async function error(p: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return { name: (e as Error).name, message: (e as Error).message };
  }
  throw new Error('expected an error');
}

/** Runs the recorded BASE_ACTIVITY_TASK machine; `work` plays the activity worker. */
async function run(task: Record<string, unknown>, work?: (activityArn: string) => Promise<void>, deleteFirst = false) {
  const a = await sfn.send(new CreateActivityCommand({ name: `activity-${++n}` }));
  const m = await sfn.send(new CreateStateMachineCommand({
    name: `activity-machine-${n}`, roleArn: ROLE,
    definition: JSON.stringify({ StartAt: 'ActivityTask', States: { ActivityTask: { Type: 'Task', Resource: a.activityArn, ...task, End: true } } }),
  }));
  if (deleteFirst) await sfn.send(new DeleteActivityCommand({ activityArn: a.activityArn }));
  const e = await sfn.send(new StartExecutionCommand({ stateMachineArn: m.stateMachineArn, input: INPUT }));
  await work?.(a.activityArn!);
  while ((await sfn.send(new DescribeExecutionCommand({ executionArn: e.executionArn }))).status === 'RUNNING') {
    await new Promise((res) => setTimeout(res, 20));
  }
  const h = await sfn.send(new GetExecutionHistoryCommand({ executionArn: e.executionArn }));
  return { activityArn: a.activityArn!, events: (h.events ?? []).map(({ timestamp: _, ...ev }) => ev) };
}

const echo = (workerName?: string) => async (arn: string) => {
  const t = await sfn.send(new GetActivityTaskCommand({ activityArn: arn, ...(workerName ? { workerName } : {}) }));
  await sfn.send(new SendTaskSuccessCommand({ taskToken: t.taskToken, output: t.input }));
};

describe('activity tasks (activities/test_activities)', () => {
  it('test_activity_task: Scheduled, Started with the worker name, Succeeded', async () => {
    const { events, activityArn } = await run({}, echo('BASE_ID_ACTIVITY_CONSUMER'));
    expect(events.map((e) => e.type)).toEqual(['ExecutionStarted', 'TaskStateEntered', 'ActivityScheduled', 'ActivityStarted',
      'ActivitySucceeded', 'TaskStateExited', 'ExecutionSucceeded']);
    expect(events[2]).toMatchObject({ id: 3, previousEventId: 2, activityScheduledEventDetails: { resource: activityArn, input: INPUT, inputDetails: { truncated: false } } });
    expect(events[3]).toEqual({ id: 4, previousEventId: 3, type: 'ActivityStarted', activityStartedEventDetails: { workerName: 'BASE_ID_ACTIVITY_CONSUMER' } });
    expect(events[4]).toEqual({ id: 5, previousEventId: 4, type: 'ActivitySucceeded', activitySucceededEventDetails: { output: INPUT, outputDetails: { truncated: false } } });
  });

  it('test_activity_task_failure: ActivityFailed then ExecutionFailed with the worker\'s error and cause', async () => {
    const { events } = await run({}, async (arn) => {
      const t = await sfn.send(new GetActivityTaskCommand({ activityArn: arn, workerName: 'BASE_ID_ACTIVITY_CONSUMER' }));
      await sfn.send(new SendTaskFailureCommand({ taskToken: t.taskToken, error: 'Programmatic Error', cause: t.input }));
    });
    expect(events.slice(4)).toEqual([
      { id: 5, previousEventId: 4, type: 'ActivityFailed', activityFailedEventDetails: { cause: INPUT, error: 'Programmatic Error' } },
      { id: 6, previousEventId: 5, type: 'ExecutionFailed', executionFailedEventDetails: { cause: INPUT, error: 'Programmatic Error' } },
    ]);
  });

  it('test_activity_task_with_heartbeat: ActivityScheduled carries heartbeatInSeconds and timeoutInSeconds', async () => {
    const { events } = await run({ HeartbeatSeconds: 10, TimeoutSeconds: 60 }, echo('BASE_ID_ACTIVITY_CONSUMER'));
    expect(events[2]!.activityScheduledEventDetails).toMatchObject({ heartbeatInSeconds: 10, timeoutInSeconds: 60 });
    expect(events.at(-1)!.type).toBe('ExecutionSucceeded');
  });

  it('test_activity_task_no_worker_name: ActivityStarted details are empty', async () => {
    const { events } = await run({}, echo());
    expect(events[3]).toEqual({ id: 4, previousEventId: 3, type: 'ActivityStarted', activityStartedEventDetails: {} });
  });

  it('test_activity_task_on_deleted: States.Runtime before anything is scheduled', async () => {
    const { events, activityArn } = await run({}, undefined, true);
    expect(events.map((e) => e.type)).toEqual(['ExecutionStarted', 'TaskStateEntered', 'ExecutionFailed']);
    expect(events[2]).toEqual({ id: 3, previousEventId: 2, type: 'ExecutionFailed', executionFailedEventDetails: {
      error: 'States.Runtime',
      cause: `An error occurred while executing the state 'ActivityTask' (entered at the event id #2). The activity ${activityArn} does not exist.`,
    } });
  });
});

describe('activity API (test_sfn_api_activities)', () => {
  it('create is idempotent, delete twice succeeds, then describe and GetActivityTask answer ActivityDoesNotExist', async () => {
    const name = `activity-${++n}`;
    const a = await sfn.send(new CreateActivityCommand({ name }));
    const again = await sfn.send(new CreateActivityCommand({ name }));
    expect(again.activityArn).toBe(a.activityArn);
    expect(again.creationDate).toEqual(a.creationDate);
    const d = await sfn.send(new DescribeActivityCommand({ activityArn: a.activityArn }));
    expect(d).toMatchObject({ activityArn: a.activityArn, name, creationDate: a.creationDate });
    await sfn.send(new DeleteActivityCommand({ activityArn: a.activityArn }));
    await sfn.send(new DeleteActivityCommand({ activityArn: a.activityArn }));
    const gone = { name: 'ActivityDoesNotExist', message: `Activity Does Not Exist: '${a.activityArn}'` };
    expect(await error(sfn.send(new DescribeActivityCommand({ activityArn: a.activityArn })))).toEqual(gone);
    expect(await error(sfn.send(new GetActivityTaskCommand({ activityArn: a.activityArn })))).toEqual(gone);
  });

  it('test_create_activity_invalid_name', async () => {
    expect(await error(sfn.send(new CreateActivityCommand({ name: 'TestActivity InvalidName$' })))).toEqual({
      name: 'InvalidName', message: "Invalid Name: 'TestActivity InvalidName$'",
    });
  });
});
