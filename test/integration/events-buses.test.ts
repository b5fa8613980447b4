// EventBridge custom event buses through @aws-sdk/client-eventbridge against a real Nimbus: the bus
// operations and their errors, every rule operation on a named bus (by name and by ARN), PutEvents
// routing each entry to its own bus (a rule on one bus never sees another bus's events), Step
// Functions' events:putEvents (and .waitForTaskToken) onto a custom bus, and buses and their rules
// surviving a restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Lambda from '@aws-sdk/client-lambda';
import { SFNClient, CreateStateMachineCommand, DescribeExecutionCommand, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import {
  CreateEventBusCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  DescribeEventBusCommand,
  DescribeRuleCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  EventBridgeClient,
  ListEventBusesCommand,
  ListRuleNamesByTargetCommand,
  ListRulesCommand,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateEventBusCommand,
} from '@aws-sdk/client-eventbridge';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { zip } from '../helpers/zip.js';
import { failure } from '../helpers/failure.js';

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/r`;
const busArn = (name: string) => `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${name}`;
const fnArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;

let nimbus: TestNimbus;
let eb: EventBridgeClient;
let lambda: Lambda.LambdaClient;
let sfn: SFNClient;
let logs: CloudWatchLogsClient;

/** A function that logs every event it gets as `GOT {json}`. */
async function recorder(name: string): Promise<void> {
  await lambda.send(new Lambda.CreateFunctionCommand({
    FunctionName: name, Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler',
    Code: { ZipFile: zip({ 'index.mjs': `export const handler = async (event) => { console.log('GOT ' + JSON.stringify(event)); };` }) },
  }));
  await Lambda.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 30 }, { FunctionName: name });
}

async function received(fn: string): Promise<Array<Record<string, unknown>>> {
  const page = await logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${fn}`, filterPattern: 'GOT' })).catch(() => ({ events: [] }));
  return (page.events ?? []).map((e) => JSON.parse(/GOT (.*)$/.exec(e.message!.trim())![1]!) as Record<string, unknown>);
}

async function eventually<T>(probe: () => Promise<T | undefined>, what = 'condition'): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const hit = await probe();
    if (hit !== undefined) return hit;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; log: ${nimbus.logs.join('\n')}`);
}

beforeAll(async () => {
  nimbus = await startNimbus();
  eb = new EventBridgeClient(clientConfig(nimbus.endpoint));
  lambda = new Lambda.LambdaClient(clientConfig(nimbus.endpoint));
  sfn = new SFNClient(clientConfig(nimbus.endpoint));
  logs = new CloudWatchLogsClient(clientConfig(nimbus.endpoint));
  await Promise.all([recorder('on-orders'), recorder('on-billing'), recorder('on-default')]);
});

afterAll(async () => {
  for (const c of [eb, lambda, sfn, logs]) c?.destroy();
  await nimbus?.dispose();
});

describe('event bus operations', () => {
  it('creates, describes, lists, updates and deletes a custom bus', async () => {
    const before = Date.now();
    const created = await eb.send(new CreateEventBusCommand({ Name: 'lifecycle', Description: 'first', Tags: [{ Key: 'team', Value: 'a' }] }));
    expect(created.EventBusArn).toBe(busArn('lifecycle'));
    expect(created.Description).toBe('first');

    const described = await eb.send(new DescribeEventBusCommand({ Name: 'lifecycle' }));
    expect(described).toMatchObject({ Name: 'lifecycle', Arn: busArn('lifecycle'), Description: 'first' });
    expect(described.Policy).toBeUndefined();
    expect(described.CreationTime!.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(described.LastModifiedTime!.getTime()).toBe(described.CreationTime!.getTime());
    // By ARN too.
    expect((await eb.send(new DescribeEventBusCommand({ Name: busArn('lifecycle') }))).Name).toBe('lifecycle');

    const updated = await eb.send(new UpdateEventBusCommand({ Name: 'lifecycle', Description: 'second' }));
    expect(updated).toMatchObject({ Name: 'lifecycle', Arn: busArn('lifecycle'), Description: 'second' });
    expect((await eb.send(new DescribeEventBusCommand({ Name: 'lifecycle' }))).Description).toBe('second');

    await eb.send(new DeleteEventBusCommand({ Name: 'lifecycle' }));
    expect(await failure(eb.send(new DescribeEventBusCommand({ Name: 'lifecycle' })))).toEqual({
      name: 'ResourceNotFoundException', status: 400, message: 'Event bus lifecycle does not exist.',
    });
    // Deleting a bus that does not exist succeeds, as on AWS.
    await eb.send(new DeleteEventBusCommand({ Name: 'lifecycle' }));
  });

  it('describes the default bus with or without its name', async () => {
    const bare = await eb.send(new DescribeEventBusCommand({}));
    expect(bare).toMatchObject({ Name: 'default', Arn: busArn('default') });
    expect(bare.CreationTime).toBeInstanceOf(Date);
    expect((await eb.send(new DescribeEventBusCommand({ Name: 'default' }))).Arn).toBe(busArn('default'));
  });

  it('refuses what AWS refuses', async () => {
    await eb.send(new CreateEventBusCommand({ Name: 'twice' }));
    expect(await failure(eb.send(new CreateEventBusCommand({ Name: 'twice' })))).toEqual({
      name: 'ResourceAlreadyExistsException', status: 400, message: 'Event bus twice already exists.',
    });
    expect(await failure(eb.send(new CreateEventBusCommand({ Name: 'default' })))).toMatchObject({ name: 'ResourceAlreadyExistsException', status: 400 });
    expect(await failure(eb.send(new CreateEventBusCommand({ Name: 'aws.mine' })))).toEqual({
      name: 'ValidationException', status: 400, message: "EventBus name starting with 'aws.' is not valid.",
    });
    expect(await failure(eb.send(new CreateEventBusCommand({ Name: 'has space' })))).toMatchObject({
      name: 'ValidationException', status: 400,
      message: "1 validation error detected: Value 'has space' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [/\\.\\-_A-Za-z0-9]+",
    });
    expect(await failure(eb.send(new CreateEventBusCommand({ Name: 'x'.repeat(257) })))).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(await failure(eb.send(new CreateEventBusCommand({ Name: 'aws.partner/a.com/b', EventSourceName: 'aws.partner/a.com/b' })))).toEqual({
      name: 'ResourceNotFoundException', status: 400, message: 'Event source aws.partner/a.com/b does not exist.',
    });
    expect(await failure(eb.send(new DeleteEventBusCommand({ Name: 'default' })))).toEqual({
      name: 'ValidationException', status: 400, message: 'Cannot delete event bus default.',
    });
    expect(await failure(eb.send(new UpdateEventBusCommand({ Name: 'nope', Description: 'x' })))).toMatchObject({
      name: 'ResourceNotFoundException', message: 'Event bus nope does not exist.',
    });
    await eb.send(new PutRuleCommand({ Name: 'keeps-bus', EventBusName: 'twice', EventPattern: '{"source":["x"]}' }));
    expect(await failure(eb.send(new DeleteEventBusCommand({ Name: 'twice' })))).toEqual({
      name: 'ValidationException', status: 400, message: "EventBus can't be deleted since it has rules.",
    });
    await eb.send(new DeleteRuleCommand({ Name: 'keeps-bus', EventBusName: 'twice' }));
    await eb.send(new DeleteEventBusCommand({ Name: 'twice' }));
  });

  it('lists buses with the default one, by prefix, a page at a time', async () => {
    for (const n of ['page-a', 'page-b', 'page-c']) await eb.send(new CreateEventBusCommand({ Name: n }));
    const all = (await eb.send(new ListEventBusesCommand({}))).EventBuses!.map((b) => b.Name);
    expect(all).toContain('default');
    expect(all).toEqual(expect.arrayContaining(['page-a', 'page-b', 'page-c']));
    const first = await eb.send(new ListEventBusesCommand({ NamePrefix: 'page-', Limit: 2 }));
    expect(first.EventBuses!.map((b) => b.Name)).toEqual(['page-a', 'page-b']);
    expect(first.EventBuses![0]).toMatchObject({ Arn: busArn('page-a') });
    expect(first.EventBuses![0]!.CreationTime).toBeInstanceOf(Date);
    const second = await eb.send(new ListEventBusesCommand({ NamePrefix: 'page-', Limit: 2, NextToken: first.NextToken }));
    expect(second.EventBuses!.map((b) => b.Name)).toEqual(['page-c']);
    expect(second.NextToken).toBeUndefined();
    expect(await failure(eb.send(new ListEventBusesCommand({ Limit: 0 })))).toMatchObject({ name: 'ValidationException', status: 400 });
  });
});

describe('tags', () => {
  it('keeps the tags of buses and rules by ARN, and drops them with the resource', async () => {
    const bus = (await eb.send(new CreateEventBusCommand({ Name: 'tagged', Tags: [{ Key: 'team', Value: 'a' }] }))).EventBusArn!;
    expect((await eb.send(new ListTagsForResourceCommand({ ResourceARN: bus }))).Tags).toEqual([{ Key: 'team', Value: 'a' }]);
    await eb.send(new TagResourceCommand({ ResourceARN: bus, Tags: [{ Key: 'team', Value: 'b' }, { Key: 'env', Value: 'dev' }] }));
    await eb.send(new UntagResourceCommand({ ResourceARN: bus, TagKeys: ['env'] }));
    expect((await eb.send(new ListTagsForResourceCommand({ ResourceARN: bus }))).Tags).toEqual([{ Key: 'team', Value: 'b' }]);

    const rule = (await eb.send(new PutRuleCommand({ Name: 'tagged-rule', EventBusName: 'tagged', EventPattern: '{"source":["x"]}', Tags: [{ Key: 'k', Value: 'v' }] }))).RuleArn!;
    expect((await eb.send(new ListTagsForResourceCommand({ ResourceARN: rule }))).Tags).toEqual([{ Key: 'k', Value: 'v' }]);
    // The same name on the default bus is another rule, with no tags.
    const other = (await eb.send(new PutRuleCommand({ Name: 'tagged-rule', EventPattern: '{"source":["x"]}' }))).RuleArn!;
    expect((await eb.send(new ListTagsForResourceCommand({ ResourceARN: other }))).Tags).toEqual([]);

    await eb.send(new DeleteRuleCommand({ Name: 'tagged-rule', EventBusName: 'tagged' }));
    await eb.send(new DeleteRuleCommand({ Name: 'tagged-rule' }));
    expect(await failure(eb.send(new ListTagsForResourceCommand({ ResourceARN: rule })))).toEqual({
      name: 'ResourceNotFoundException', status: 400, message: 'Rule tagged-rule does not exist on EventBus tagged.',
    });
    await eb.send(new DeleteEventBusCommand({ Name: 'tagged' }));
    expect(await failure(eb.send(new TagResourceCommand({ ResourceARN: bus, Tags: [{ Key: 'a', Value: 'b' }] })))).toEqual({
      name: 'ResourceNotFoundException', status: 400, message: 'Event bus tagged does not exist.',
    });
    // A bus of the same name starts without the old one's tags.
    await eb.send(new CreateEventBusCommand({ Name: 'tagged' }));
    expect((await eb.send(new ListTagsForResourceCommand({ ResourceARN: bus }))).Tags).toEqual([]);
    await eb.send(new DeleteEventBusCommand({ Name: 'tagged' }));
  });
});

describe('rules on a custom bus', () => {
  beforeAll(async () => {
    await eb.send(new CreateEventBusCommand({ Name: 'rules-bus' }));
  });

  it('keeps a rule per bus: same name, different rules, ARNs as AWS names them', async () => {
    const onBus = await eb.send(new PutRuleCommand({ Name: 'same', EventBusName: 'rules-bus', EventPattern: '{"source":["bus"]}', Description: 'on the bus' }));
    expect(onBus.RuleArn).toBe(`arn:aws:events:${REGION}:${ACCOUNT}:rule/rules-bus/same`);
    const onDefault = await eb.send(new PutRuleCommand({ Name: 'same', EventPattern: '{"source":["default"]}' }));
    expect(onDefault.RuleArn).toBe(`arn:aws:events:${REGION}:${ACCOUNT}:rule/same`);

    const d = await eb.send(new DescribeRuleCommand({ Name: 'same', EventBusName: busArn('rules-bus') }));
    expect(d).toMatchObject({ Name: 'same', Arn: onBus.RuleArn, EventBusName: 'rules-bus', EventPattern: '{"source":["bus"]}', Description: 'on the bus', State: 'ENABLED', CreatedBy: ACCOUNT });
    const dd = await eb.send(new DescribeRuleCommand({ Name: 'same' }));
    expect(dd).toMatchObject({ Arn: onDefault.RuleArn, EventBusName: 'default', EventPattern: '{"source":["default"]}' });

    const listed = (await eb.send(new ListRulesCommand({ EventBusName: 'rules-bus' }))).Rules!;
    expect(listed.map((r) => [r.Name, r.EventBusName, r.Arn])).toEqual([['same', 'rules-bus', onBus.RuleArn]]);

    await eb.send(new DisableRuleCommand({ Name: 'same', EventBusName: 'rules-bus' }));
    expect((await eb.send(new DescribeRuleCommand({ Name: 'same', EventBusName: 'rules-bus' }))).State).toBe('DISABLED');
    expect((await eb.send(new DescribeRuleCommand({ Name: 'same' }))).State).toBe('ENABLED');
    await eb.send(new EnableRuleCommand({ Name: 'same', EventBusName: 'rules-bus' }));
    expect((await eb.send(new DescribeRuleCommand({ Name: 'same', EventBusName: 'rules-bus' }))).State).toBe('ENABLED');
  });

  it('puts, lists and removes targets of the bus rule only', async () => {
    await eb.send(new PutRuleCommand({ Name: 'targets', EventBusName: 'rules-bus', EventPattern: '{"source":["t"]}' }));
    await eb.send(new PutRuleCommand({ Name: 'targets', EventPattern: '{"source":["t"]}' }));
    const put = await eb.send(new PutTargetsCommand({ Rule: 'targets', EventBusName: 'rules-bus', Targets: [{ Id: 'a', Arn: fnArn('on-orders') }] }));
    expect(put).toMatchObject({ FailedEntryCount: 0, FailedEntries: [] });
    expect((await eb.send(new ListTargetsByRuleCommand({ Rule: 'targets', EventBusName: 'rules-bus' }))).Targets!.map((t) => t.Id)).toEqual(['a']);
    expect((await eb.send(new ListTargetsByRuleCommand({ Rule: 'targets' }))).Targets).toEqual([]);
    expect((await eb.send(new ListRuleNamesByTargetCommand({ TargetArn: fnArn('on-orders'), EventBusName: 'rules-bus' }))).RuleNames).toEqual(['targets']);
    expect((await eb.send(new ListRuleNamesByTargetCommand({ TargetArn: fnArn('on-orders') }))).RuleNames).toEqual([]);
    // The rule with a target cannot go; the same-named default-bus rule can.
    expect(await failure(eb.send(new DeleteRuleCommand({ Name: 'targets', EventBusName: 'rules-bus' })))).toMatchObject({
      name: 'ValidationException', message: "Rule can't be deleted since it has targets.",
    });
    await eb.send(new DeleteRuleCommand({ Name: 'targets' }));
    await eb.send(new RemoveTargetsCommand({ Rule: 'targets', EventBusName: 'rules-bus', Ids: ['a'] }));
    await eb.send(new DeleteRuleCommand({ Name: 'targets', EventBusName: 'rules-bus' }));
    expect((await eb.send(new ListRulesCommand({ EventBusName: 'rules-bus', NamePrefix: 'targets' }))).Rules).toEqual([]);
  });

  it('answers unknown buses and rules, and schedules off the default bus, as AWS does', async () => {
    const missingBus = { name: 'ResourceNotFoundException', status: 400, message: 'Event bus ghost does not exist.' };
    expect(await failure(eb.send(new PutRuleCommand({ Name: 'r', EventBusName: 'ghost', EventPattern: '{"source":["x"]}' })))).toEqual(missingBus);
    expect(await failure(eb.send(new DescribeRuleCommand({ Name: 'r', EventBusName: 'ghost' })))).toEqual(missingBus);
    expect(await failure(eb.send(new ListRulesCommand({ EventBusName: 'ghost' })))).toEqual(missingBus);
    expect(await failure(eb.send(new DeleteRuleCommand({ Name: 'r', EventBusName: 'ghost' })))).toEqual(missingBus);
    expect(await failure(eb.send(new EnableRuleCommand({ Name: 'r', EventBusName: 'ghost' })))).toEqual(missingBus);
    expect(await failure(eb.send(new PutTargetsCommand({ Rule: 'r', EventBusName: 'ghost', Targets: [{ Id: 'a', Arn: fnArn('on-orders') }] })))).toEqual(missingBus);
    expect(await failure(eb.send(new ListTargetsByRuleCommand({ Rule: 'r', EventBusName: 'ghost' })))).toEqual(missingBus);
    expect(await failure(eb.send(new DescribeRuleCommand({ Name: 'nope', EventBusName: 'rules-bus' })))).toEqual({
      name: 'ResourceNotFoundException', status: 400, message: 'Rule nope does not exist on EventBus rules-bus.',
    });
    expect(await failure(eb.send(new PutRuleCommand({ Name: 'tick', EventBusName: 'rules-bus', ScheduleExpression: 'rate(1 minute)' })))).toEqual({
      name: 'ValidationException', status: 400, message: 'ScheduleExpression is supported only on the default event bus.',
    });
    expect(await failure(eb.send(new DescribeRuleCommand({ Name: 'tick', EventBusName: 'rules-bus' })))).toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('PutEvents routing', () => {
  beforeAll(async () => {
    await eb.send(new CreateEventBusCommand({ Name: 'orders' }));
    await eb.send(new CreateEventBusCommand({ Name: 'billing' }));
    // The same rule name and pattern on three buses, each with its own function.
    const pattern = JSON.stringify({ source: ['shop'] });
    for (const [bus, fn] of [['orders', 'on-orders'], ['billing', 'on-billing'], ['default', 'on-default']] as const) {
      await eb.send(new PutRuleCommand({ Name: 'route', EventBusName: bus, EventPattern: pattern }));
      await eb.send(new PutTargetsCommand({ Rule: 'route', EventBusName: bus, Targets: [{ Id: 'fn', Arn: fnArn(fn), InputTransformer: {
        InputPathsMap: { id: '$.detail.id' }, InputTemplate: '{"id": <id>, "rule": "<aws.events.rule-arn>"}',
      } }] }));
    }
  });

  it('delivers each entry only to the rules of its own bus; an unknown bus takes the event and drops it, as AWS does', async () => {
    const out = await eb.send(new PutEventsCommand({ Entries: [
      { EventBusName: 'orders', Source: 'shop', DetailType: 'x', Detail: '{"id":"to-orders"}' },
      { EventBusName: busArn('billing'), Source: 'shop', DetailType: 'x', Detail: '{"id":"to-billing"}' },
      { Source: 'shop', DetailType: 'x', Detail: '{"id":"to-default"}' },
      { EventBusName: 'nowhere', Source: 'shop', DetailType: 'x', Detail: '{"id":"to-nowhere"}' },
      { EventBusName: 'orders', Source: 'shop', DetailType: 'x', Detail: '[1]' },
    ] }));
    expect(out.FailedEntryCount).toBe(1);
    for (const e of out.Entries!.slice(0, 4)) expect(e.EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.Entries![4]).toEqual({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });

    const rule = (bus: string) => `arn:aws:events:${REGION}:${ACCOUNT}:rule/${bus === 'default' ? '' : `${bus}/`}route`;
    for (const [fn, id, bus] of [['on-orders', 'to-orders', 'orders'], ['on-billing', 'to-billing', 'billing'], ['on-default', 'to-default', 'default']] as const) {
      const got = await eventually(async () => ((await received(fn)).length > 0 ? received(fn) : undefined), `${fn} to run`);
      expect(got).toEqual([{ id, rule: rule(bus) }]);
    }
    // Nothing else arrives later.
    await new Promise((r) => setTimeout(r, 500));
    expect((await received('on-orders')).map((e) => e.id)).toEqual(['to-orders']);
    expect(nimbus.logs.some((l) => l.includes('event bus nowhere, which does not exist'))).toBe(true);
  });

  it('refuses a malformed EventBusName for the whole call, delivering nothing', async () => {
    expect(await failure(eb.send(new PutEventsCommand({ Entries: [
      { EventBusName: 'orders', Source: 'shop', DetailType: 'x', Detail: '{"id":"never"}' },
      { EventBusName: 'bad name', Source: 'shop', DetailType: 'x', Detail: '{}' },
    ] })))).toMatchObject({ name: 'ValidationException', status: 400, message: expect.stringContaining("at 'entries.2.member.eventBusName'") });
    await new Promise((r) => setTimeout(r, 500));
    expect((await received('on-orders')).map((e) => e.id)).not.toContain('never');
  });
});

describe('Step Functions events:putEvents onto a custom bus', () => {
  it('publishes to the bus named in the entry, with and without .waitForTaskToken', async () => {
    await eb.send(new CreateEventBusCommand({ Name: 'workflows' }));
    await eb.send(new PutRuleCommand({ Name: 'from-sfn', EventBusName: 'workflows', EventPattern: JSON.stringify({ source: ['flow'] }) }));
    await recorder('on-workflows');
    await eb.send(new PutTargetsCommand({ Rule: 'from-sfn', EventBusName: 'workflows', Targets: [{ Id: 'fn', Arn: fnArn('on-workflows'), InputPath: '$.detail' }] }));
    const definition = {
      StartAt: 'Publish',
      States: {
        Publish: {
          Type: 'Task', Resource: 'arn:aws:states:::events:putEvents',
          Parameters: { Entries: [{ EventBusName: 'workflows', Source: 'flow', DetailType: 'step', Detail: { step: 'plain' } }] },
          ResultPath: null, Next: 'Wait',
        },
        Wait: {
          Type: 'Task', Resource: 'arn:aws:states:::events:putEvents.waitForTaskToken',
          Parameters: { Entries: [{ EventBusName: busArn('workflows'), Source: 'flow', DetailType: 'step', Detail: { step: 'token', 'token.$': '$$.Task.Token' } }] },
          End: true,
        },
      },
    };
    const sm = await sfn.send(new CreateStateMachineCommand({ name: 'bus-publisher', roleArn: ROLE, definition: JSON.stringify(definition) }));
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: sm.stateMachineArn, input: '{}' }));
    const withToken = await eventually(async () => (await received('on-workflows')).find((e) => e.step === 'token'), 'the token event');
    expect((await received('on-workflows')).map((e) => e.step)).toContain('plain');
    await sfn.send(new SendTaskSuccessCommand({ taskToken: String(withToken.token), output: '{"answered":true}' }));
    const done = await eventually(async () => {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return d.status === 'RUNNING' ? undefined : d;
    }, 'the execution to end');
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ answered: true });
  });
});

describe('restart', () => {
  it('keeps buses, their rules and targets, and routes to them after a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'nimbus-buses-restart-'));
    try {
      let n = await startNimbus({ dataDir });
      let c = new EventBridgeClient(clientConfig(n.endpoint));
      const l = new Lambda.LambdaClient(clientConfig(n.endpoint));
      await l.send(new Lambda.CreateFunctionCommand({
        FunctionName: 'after-restart', Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler',
        Code: { ZipFile: zip({ 'index.mjs': `export const handler = async (event) => { console.log('GOT ' + JSON.stringify(event)); };` }) },
      }));
      l.destroy();
      await c.send(new CreateEventBusCommand({ Name: 'durable', Description: 'kept' }));
      await c.send(new PutRuleCommand({ Name: 'r', EventBusName: 'durable', EventPattern: '{"source":["d"]}' }));
      await c.send(new PutTargetsCommand({ Rule: 'r', EventBusName: 'durable', Targets: [{ Id: 'fn', Arn: fnArn('after-restart'), InputPath: '$.detail' }] }));
      const before = await c.send(new DescribeEventBusCommand({ Name: 'durable' }));
      c.destroy();
      await n.stop();

      n = await startNimbus({ dataDir });
      c = new EventBridgeClient(clientConfig(n.endpoint));
      const after = await c.send(new DescribeEventBusCommand({ Name: 'durable' }));
      expect(after).toMatchObject({ Name: 'durable', Description: 'kept', CreationTime: before.CreationTime });
      expect((await c.send(new DescribeRuleCommand({ Name: 'r', EventBusName: 'durable' }))).EventBusName).toBe('durable');
      await c.send(new PutEventsCommand({ Entries: [{ EventBusName: 'durable', Source: 'd', DetailType: 'x', Detail: '{"n":1}' }] }));
      const cw = new CloudWatchLogsClient(clientConfig(n.endpoint));
      const got = await eventually(async () => {
        const page = await cw.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/after-restart', filterPattern: 'GOT' })).catch(() => ({ events: [] }));
        return page.events?.length ? page.events.map((e) => e.message!.trim().split('GOT ')[1]) : undefined;
      }, 'the restarted bus to deliver');
      expect(got).toEqual(['{"n":1}']);
      cw.destroy();
      c.destroy();
      await n.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
