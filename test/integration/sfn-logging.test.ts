// Execution logging to CloudWatch Logs (loggingConfiguration), read back with the Logs SDK client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SFNClient, CreateStateMachineCommand, StartSyncExecutionCommand, StartExecutionCommand, DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { CloudWatchLogsClient, CreateLogGroupCommand, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
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
    expect(got.map((x) => x.type)).toEqual(['ExecutionFailed']);
    expect(got[0]!.details).toEqual({ error: 'Bad', cause: 'why' });
  });
});
