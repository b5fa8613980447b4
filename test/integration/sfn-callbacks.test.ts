// Callbacks (`.waitForTaskToken`) end to end with real Lambda functions: the human-approval example
// approved and rejected, heartbeats keeping a task alive, and heartbeat/state timeouts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SFNClient, CreateStateMachineCommand, StartExecutionCommand, DescribeExecutionCommand, GetExecutionHistoryCommand,
  SendTaskSuccessCommand, SendTaskFailureCommand, SendTaskHeartbeatCommand, StopExecutionCommand, RedriveExecutionCommand,
  type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { LambdaClient, CreateFunctionCommand } from '@aws-sdk/client-lambda';
import { zipSync, strToU8 } from 'fflate';
import { startNimbus, clientConfig, type TestNimbus } from '../helpers/nimbus.js';

const ROLE = 'arn:aws:iam::000000000000:role/sfn';
const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'human-approval');
let nimbus: TestNimbus;
let sfn: SFNClient;
let lambda: LambdaClient;

beforeAll(async () => {
  nimbus = await startNimbus();
  sfn = new SFNClient(clientConfig(nimbus.endpoint));
  lambda = new LambdaClient(clientConfig(nimbus.endpoint));
  await lambda.send(new CreateFunctionCommand({
    FunctionName: 'approval-notifier', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE,
    Code: { ZipFile: zipSync({ 'index.mjs': strToU8(readFileSync(join(EXAMPLE, 'notifier.mjs'), 'utf8')) }) },
  }));
});
afterAll(async () => {
  sfn?.destroy();
  lambda?.destroy();
  await nimbus?.dispose();
});

async function finish(executionArn: string): Promise<DescribeExecutionCommandOutput> {
  for (;;) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return d;
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function types(executionArn: string): Promise<string[]> {
  const h = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
  return h.events!.map((e) => e.type!);
}

/** The token is in the task's parameters; wait until the Lambda call was submitted. */
async function token(executionArn: string): Promise<string> {
  for (;;) {
    const h = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    const scheduled = h.events!.find((e) => e.type === 'TaskScheduled');
    if (h.events!.some((e) => e.type === 'TaskSubmitted') && scheduled) {
      return (JSON.parse(scheduled.taskScheduledEventDetails!.parameters!) as { Payload: { taskToken: string } }).Payload.taskToken;
    }
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') throw new Error(`execution ended: ${JSON.stringify(d)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function exampleMachine(name: string, patch?: (def: Record<string, any>) => void): Promise<string> {
  const def = JSON.parse(readFileSync(join(EXAMPLE, 'definition.asl.json'), 'utf8')) as Record<string, any>;
  patch?.(def);
  const m = await sfn.send(new CreateStateMachineCommand({ name, definition: JSON.stringify(def), roleArn: ROLE }));
  return m.stateMachineArn!;
}

describe('human approval (waitForTaskToken)', () => {
  it('approves with SendTaskSuccess', async () => {
    const arn = await exampleMachine('approval');
    const e = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: '{"item":"laptop"}' }));
    const t = await token(e.executionArn!);
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn: e.executionArn }))).status).toBe('RUNNING');
    await sfn.send(new SendTaskSuccessCommand({ taskToken: t, output: '{"approver":"alice"}' }));
    const d = await finish(e.executionArn!);
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output!)).toEqual({ status: 'APPROVED', item: 'laptop', approver: 'alice' });
    expect(await types(e.executionArn!)).toEqual([
      'ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded', 'TaskStateExited',
      'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded',
    ]);
    // The token is spent.
    const late = await sfn.send(new SendTaskSuccessCommand({ taskToken: t, output: '{}' })).catch((err: { name: string }) => err);
    expect((late as { name: string }).name).toBe('TaskTimedOut');
  });

  it('rejects with SendTaskFailure and the Catch routes it', async () => {
    const arn = await exampleMachine('approval-reject');
    const e = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: '{"item":"yacht"}' }));
    const t = await token(e.executionArn!);
    await sfn.send(new SendTaskFailureCommand({ taskToken: t, error: 'Rejected', cause: 'over budget' }));
    const d = await finish(e.executionArn!);
    expect(d).toMatchObject({ status: 'FAILED', error: 'Rejected', cause: 'The approver rejected the request.' });
    const ts = await types(e.executionArn!);
    expect(ts).toContain('TaskFailed');
    expect(ts.slice(-2)).toEqual(['FailStateEntered', 'ExecutionFailed']);
  });

  it('SendTaskFailure without error or cause: the history leaves both out, a Catcher sees nulls', async () => {
    // AWS recorded exactly this (test_callback::test_sqs_failure_in_wait_for_task_tok_no_error_field).
    const arn = await exampleMachine('approval-empty-failure', (def) => {
      def.States.RequestApproval.Catch = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.caught', Next: 'Approved' }];
      def.States.Approved = { Type: 'Pass', End: true };
      delete def.States.Rejected;
      delete def.States.Expired;
    });
    const e = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: '{"item":"chair"}' }));
    const t = await token(e.executionArn!);
    await sfn.send(new SendTaskFailureCommand({ taskToken: t }));
    const d = await finish(e.executionArn!);
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output!)).toEqual({ item: 'chair', caught: { Error: null, Cause: null } });
    const h = await sfn.send(new GetExecutionHistoryCommand({ executionArn: e.executionArn }));
    const failed = h.events!.find((x) => x.type === 'TaskFailed')!;
    expect(failed.taskFailedEventDetails).toEqual({ resource: 'invoke.waitForTaskToken', resourceType: 'lambda' });
  });

  it('times out (recorded as States.Timeout) once heartbeats stop, and survives while they come', async () => {
    const arn = await exampleMachine('approval-heartbeat', (def) => {
      // AWS: States.Timeout also matches a heartbeat timeout, so the Expired catcher takes it.
      def.States.RequestApproval.HeartbeatSeconds = 1;
    });
    const e = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: '{"item":"pen"}' }));
    const t = await token(e.executionArn!);
    // Heartbeats every 300 ms for ~2 s keep the task alive past its 1 s heartbeat interval.
    for (let i = 0; i < 7; i++) {
      await new Promise((r) => setTimeout(r, 300));
      await sfn.send(new SendTaskHeartbeatCommand({ taskToken: t }));
    }
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn: e.executionArn }))).status).toBe('RUNNING');
    const d = await finish(e.executionArn!);
    expect(d).toMatchObject({ status: 'FAILED', error: 'Expired' });
    const h = await sfn.send(new GetExecutionHistoryCommand({ executionArn: e.executionArn }));
    const timedOut = h.events!.find((x) => x.type === 'TaskTimedOut');
    // AWS records a missed heartbeat as States.Timeout (test_heartbeats recordings); only Catch/Retry
    // can tell it apart, by States.HeartbeatTimeout.
    expect(timedOut!.taskTimedOutEventDetails).toMatchObject({ error: 'States.Timeout', resourceType: 'lambda' });
    const hb = await sfn.send(new SendTaskHeartbeatCommand({ taskToken: t })).catch((err: { name: string }) => err);
    expect((hb as { name: string }).name).toBe('TaskTimedOut');
  });

  it('expires with States.Timeout into the Catch', async () => {
    const arn = await exampleMachine('approval-timeout', (def) => {
      def.States.RequestApproval.TimeoutSeconds = 1;
    });
    const e = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: '{"item":"desk"}' }));
    const d = await finish(e.executionArn!);
    expect(d).toMatchObject({ status: 'FAILED', error: 'Expired' });
    const ts = await types(e.executionArn!);
    expect(ts).toContain('TaskTimedOut');
  });
});

describe('stop and redrive while waiting for a callback', () => {
  it('stops, redrives, stops again, and the server still shuts down', async () => {
    const own = await startNimbus();
    const client = new SFNClient(clientConfig(own.endpoint));
    const fns = new LambdaClient(clientConfig(own.endpoint));
    try {
      await fns.send(new CreateFunctionCommand({
        FunctionName: 'approval-notifier', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE,
        Code: { ZipFile: zipSync({ 'index.mjs': strToU8(readFileSync(join(EXAMPLE, 'notifier.mjs'), 'utf8')) }) },
      }));
      const def = readFileSync(join(EXAMPLE, 'definition.asl.json'), 'utf8');
      const m = await client.send(new CreateStateMachineCommand({ name: 'approval-stop', definition: def, roleArn: ROLE }));
      const e = await client.send(new StartExecutionCommand({ stateMachineArn: m.stateMachineArn, input: '{"item":"x"}' }));
      const submitted = async (count: number) => {
        for (;;) {
          const h = await client.send(new GetExecutionHistoryCommand({ executionArn: e.executionArn }));
          if (h.events!.filter((x) => x.type === 'TaskSubmitted').length >= count) return;
          await new Promise((r) => setTimeout(r, 25));
        }
      };
      await submitted(1);
      await client.send(new StopExecutionCommand({ executionArn: e.executionArn }));
      expect((await client.send(new DescribeExecutionCommand({ executionArn: e.executionArn }))).status).toBe('ABORTED');
      await client.send(new RedriveExecutionCommand({ executionArn: e.executionArn }));
      await submitted(2);
      await client.send(new StopExecutionCommand({ executionArn: e.executionArn }));
      // Stop again right after a redrive, before the task even got going.
      await client.send(new RedriveExecutionCommand({ executionArn: e.executionArn }));
      await client.send(new StopExecutionCommand({ executionArn: e.executionArn }));
      const d = await client.send(new DescribeExecutionCommand({ executionArn: e.executionArn }));
      expect(d).toMatchObject({ status: 'ABORTED', redriveCount: 2 });
    } finally {
      client.destroy();
      fns.destroy();
      await own.dispose(); // hangs if a stopped run never unwinds
    }
  });
});
