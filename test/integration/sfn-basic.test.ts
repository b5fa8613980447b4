// Step Functions end to end through @aws-sdk/client-sfn: state machines, executions, history.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SFNClient, CreateStateMachineCommand, StartExecutionCommand, DescribeExecutionCommand, GetExecutionHistoryCommand,
} from '@aws-sdk/client-sfn';
import { startNimbus, clientConfig, type TestNimbus } from '../helpers/nimbus.js';

const ROLE = 'arn:aws:iam::000000000000:role/sfn';
let nimbus: TestNimbus;
let sfn: SFNClient;

beforeAll(async () => {
  nimbus = await startNimbus();
  sfn = new SFNClient(clientConfig(nimbus.endpoint));
});
afterAll(async () => {
  sfn?.destroy();
  await nimbus?.dispose();
});

async function finish(executionArn: string) {
  for (;;) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return d;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('basic', () => {
  it('runs a Pass machine', async () => {
    const def = { StartAt: 'A', States: { A: { Type: 'Pass', Result: { x: 1 }, Next: 'B' }, B: { Type: 'Pass', End: true } } };
    const m = await sfn.send(new CreateStateMachineCommand({ name: 'basic', definition: JSON.stringify(def), roleArn: ROLE }));
    const e = await sfn.send(new StartExecutionCommand({ stateMachineArn: m.stateMachineArn, input: '{"a":1}' }));
    const d = await finish(e.executionArn!);
    expect(d.status, JSON.stringify(d) + nimbus.logs.join('\n')).toBe('SUCCEEDED');
    expect(JSON.parse(d.output!)).toEqual({ x: 1 });
    const h = await sfn.send(new GetExecutionHistoryCommand({ executionArn: e.executionArn }));
    expect(h.events!.map((x) => x.type)).toEqual(['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
  });
});
