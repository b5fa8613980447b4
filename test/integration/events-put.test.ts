// EventBridge PutEvents through @aws-sdk/client-eventbridge against a real Nimbus: events matched
// by rules' patterns reach Lambda and Step Functions targets (with InputPath), unmatched ones reach
// nothing, invalid entries come back with their error; TestEventPattern.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Lambda from '@aws-sdk/client-lambda';
import { SFNClient, CreateStateMachineCommand, ListExecutionsCommand, DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand, TestEventPatternCommand } from '@aws-sdk/client-eventbridge';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { zip } from '../helpers/zip.js';
import { failure } from '../helpers/failure.js';

let nimbus: TestNimbus;
let eb: EventBridgeClient;
let lambda: Lambda.LambdaClient;
let sfn: SFNClient;
let logs: CloudWatchLogsClient;
const FN = 'orders-fn';
const ROLE = 'arn:aws:iam::000000000000:role/r';
let machineArn = '';

beforeAll(async () => {
  nimbus = await startNimbus();
  eb = new EventBridgeClient(clientConfig(nimbus.endpoint));
  lambda = new Lambda.LambdaClient(clientConfig(nimbus.endpoint));
  sfn = new SFNClient(clientConfig(nimbus.endpoint));
  logs = new CloudWatchLogsClient(clientConfig(nimbus.endpoint));
  const fn = await lambda.send(new Lambda.CreateFunctionCommand({
    FunctionName: FN, Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler',
    Code: { ZipFile: zip({ 'index.mjs': `export const handler = async (event) => { console.log('EVENT ' + JSON.stringify(event)); };` }) },
  }));
  await Lambda.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 30 }, { FunctionName: FN });
  machineArn = (await sfn.send(new CreateStateMachineCommand({ name: 'orders-flow', roleArn: ROLE, definition: JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } }) }))).stateMachineArn!;
  await eb.send(new PutRuleCommand({ Name: 'paid-orders', EventPattern: JSON.stringify({ source: ['shop.orders'], detail: { state: ['paid'], total: [{ numeric: ['>=', 10] }] } }) }));
  await eb.send(new PutTargetsCommand({ Rule: 'paid-orders', Targets: [{ Id: 'fn', Arn: fn.FunctionArn! }, { Id: 'flow', Arn: machineArn, InputPath: '$.detail' }] }));
});

afterAll(async () => {
  for (const c of [eb, lambda, sfn, logs]) c?.destroy();
  await nimbus?.dispose();
});

async function loggedEvents(): Promise<Array<Record<string, unknown>>> {
  const page = await logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${FN}`, filterPattern: 'EVENT' })).catch(() => ({ events: [] }));
  return (page.events ?? []).map((e) => JSON.parse(/EVENT (.*)$/.exec(e.message!.trim())![1]!) as Record<string, unknown>);
}

async function eventually<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const hit = await probe();
    if (hit !== undefined) return hit;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('timed out');
}

describe('PutEvents', () => {
  it('delivers matching events to the rule targets; others go nowhere; bad entries report their error', async () => {
    const out = await eb.send(new PutEventsCommand({
      Entries: [
        { Source: 'shop.orders', DetailType: 'Order Placed', Detail: JSON.stringify({ id: 'o-1', state: 'paid', total: 25 }), Resources: ['arn:aws:x:::o-1'] },
        { Source: 'shop.orders', DetailType: 'Order Placed', Detail: JSON.stringify({ id: 'o-2', state: 'paid', total: 5 }) },
        { Source: 'shop.orders', DetailType: 'Order Placed', Detail: '{not json' },
        { Source: 'shop.orders', Detail: '{}' },
      ],
    }));
    expect(out.FailedEntryCount).toBe(2);
    expect(out.Entries![0]!.EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.Entries![1]!.EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.Entries![2]).toEqual({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });
    expect(out.Entries![3]).toMatchObject({ ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.' });

    const [event] = await eventually(async () => ((await loggedEvents()).length > 0 ? loggedEvents() : undefined));
    expect(event).toMatchObject({
      version: '0', id: out.Entries![0]!.EventId, 'detail-type': 'Order Placed', source: 'shop.orders',
      account: '000000000000', region: 'us-east-1', resources: ['arn:aws:x:::o-1'], detail: { id: 'o-1', state: 'paid', total: 25 },
    });
    expect(event!.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const execution = await eventually(async () => (await sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn }))).executions?.[0]);
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: execution.executionArn! }));
    expect(JSON.parse(described.input!)).toEqual({ id: 'o-1', state: 'paid', total: 25 });
    await new Promise((r) => setTimeout(r, 500));
    expect((await loggedEvents()).map((e) => (e.detail as { id: string }).id)).toEqual(['o-1']);
  });

  it('applies a target InputTransformer', async () => {
    const fn = `arn:aws:lambda:us-east-1:000000000000:function:${FN}`;
    await eb.send(new PutRuleCommand({ Name: 'shipped', EventPattern: JSON.stringify({ 'detail-type': ['Order Shipped'] }) }));
    const put = await eb.send(new PutTargetsCommand({ Rule: 'shipped', Targets: [{
      Id: 'fn', Arn: fn,
      InputTransformer: { InputPathsMap: { order: '$.detail.id', when: '$.time' }, InputTemplate: '{"detail": {"id": "shipped-<order>"}, "at": <when>, "rule": "<aws.events.rule-name>"}' },
    }] }));
    expect(put.FailedEntryCount).toBe(0);
    const bad = await eb.send(new PutTargetsCommand({ Rule: 'shipped', Targets: [{ Id: 'bad', Arn: fn, InputTransformer: { InputPathsMap: { 'aws.events.x': '$.id' }, InputTemplate: 'x' } }] }));
    expect(bad.FailedEntries?.[0]).toMatchObject({ TargetId: 'bad', ErrorCode: 'ValidationException' });
    await eb.send(new PutEventsCommand({ Entries: [{ Source: 'shop.orders', DetailType: 'Order Shipped', Detail: JSON.stringify({ id: 'o-5' }) }] }));
    const got = await eventually(async () => (await loggedEvents()).find((e) => (e.detail as { id: string }).id === 'shipped-o-5'));
    expect(got).toMatchObject({ rule: 'shipped' });
    expect(got.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('refuses more than 10 entries and an invalid pattern', async () => {
    const eleven = Array.from({ length: 11 }, () => ({ Source: 's', DetailType: 'd', Detail: '{}' }));
    expect(await failure(eb.send(new PutEventsCommand({ Entries: eleven })))).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(await failure(eb.send(new PutRuleCommand({ Name: 'bad', EventPattern: JSON.stringify({ source: 'not-a-list' }) })))).toMatchObject({
      name: 'InvalidEventPatternException',
    });
  });
});

describe('TestEventPattern', () => {
  const event = JSON.stringify({ id: '1', account: '000000000000', source: 'shop.orders', time: '2026-01-01T00:00:00Z', region: 'us-east-1', 'detail-type': 'x', resources: [], detail: { state: 'paid' } });
  it('answers whether an event matches', async () => {
    expect((await eb.send(new TestEventPatternCommand({ EventPattern: JSON.stringify({ detail: { state: [{ prefix: 'pa' }] } }), Event: event }))).Result).toBe(true);
    expect((await eb.send(new TestEventPatternCommand({ EventPattern: JSON.stringify({ source: ['other'] }), Event: event }))).Result).toBe(false);
    expect(await failure(eb.send(new TestEventPatternCommand({ EventPattern: '{"source":["x"]}', Event: '{"source":"x"}' })))).toMatchObject({ name: 'ValidationException' });
  });
});

describe('Step Functions events:putEvents', () => {
  it('publishes from a workflow (its ARNs appended to Resources); a failed entry fails the task with EventBridge.FailedEntry', async () => {
    const definition = {
      StartAt: 'Publish',
      States: {
        Publish: {
          Type: 'Task', Resource: 'arn:aws:states:::events:putEvents',
          Parameters: { Entries: [{ Source: 'shop.orders', DetailType: 'Order Placed', 'Detail.$': '$.order' }] },
          ResultPath: '$.published', Next: 'Broken',
        },
        Broken: {
          Type: 'Task', Resource: 'arn:aws:states:::events:putEvents',
          Parameters: { Entries: [{ Source: 'shop.orders', Detail: {} }] },
          Catch: [{ ErrorEquals: ['EventBridge.FailedEntry'], ResultPath: '$.failure', Next: 'Done' }], End: true,
        },
        Done: { Type: 'Succeed' },
      },
    };
    const sm = await sfn.send(new CreateStateMachineCommand({ name: 'publisher', roleArn: ROLE, definition: JSON.stringify(definition) }));
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: sm.stateMachineArn, input: JSON.stringify({ order: { id: 'o-9', state: 'paid', total: 99 } }) }));
    const done = await eventually(async () => {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return d.status === 'RUNNING' ? undefined : d;
    });
    expect(done.status).toBe('SUCCEEDED');
    const output = JSON.parse(done.output!) as { published: { FailedEntryCount: number; Entries: Array<{ EventId: string }> }; failure: { Error: string } };
    expect(output.published.FailedEntryCount).toBe(0);
    expect(output.published.Entries[0]!.EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(output.failure.Error).toBe('EventBridge.FailedEntry');
    const event = await eventually(async () => (await loggedEvents()).find((e) => (e.detail as { id: string }).id === 'o-9'));
    expect(event.resources).toEqual([executionArn, sm.stateMachineArn]);
  });
});
