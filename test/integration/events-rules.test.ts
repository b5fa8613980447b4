// EventBridge scheduled rules through @aws-sdk/client-eventbridge against a real Nimbus: every
// operation and its error paths, and a rate() rule (time compressed with `events.clockScale`)
// that really invokes Lambda targets with the scheduled-event payload, Input and InputPath.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Lambda from '@aws-sdk/client-lambda';
import {
  DeleteRuleCommand,
  DescribeRuleCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  EventBridgeClient,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { zip } from '../helpers/zip.js';
import { failure } from '../helpers/failure.js';

let nimbus: TestNimbus;
let eb: EventBridgeClient;
let lambda: Lambda.LambdaClient;
let logs: CloudWatchLogsClient;
const FN = 'scheduled-fn';
const FN_ARN = `arn:aws:lambda:us-east-1:000000000000:function:${FN}`;

beforeAll(async () => {
  // 60×: rate(1 minute) fires every second.
  nimbus = await startNimbus({ events: { clockScale: 60 } });
  eb = new EventBridgeClient(clientConfig(nimbus.endpoint));
  lambda = new Lambda.LambdaClient(clientConfig(nimbus.endpoint));
  logs = new CloudWatchLogsClient(clientConfig(nimbus.endpoint));
  await lambda.send(
    new Lambda.CreateFunctionCommand({
      FunctionName: FN,
      Runtime: 'nodejs20.x',
      Role: 'arn:aws:iam::000000000000:role/lambda-role',
      Handler: 'index.handler',
      Code: { ZipFile: zip({ 'index.mjs': `export const handler = async (event) => { console.log('EVENT ' + JSON.stringify(event)); };` }) },
    }),
  );
  await Lambda.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 30 }, { FunctionName: FN });
});

afterAll(async () => {
  eb?.destroy();
  lambda?.destroy();
  logs?.destroy();
  await nimbus?.dispose();
});


/** Every `EVENT {...}` line the function logged, parsed. */
async function loggedEvents(): Promise<unknown[]> {
  const out: unknown[] = [];
  let nextToken: string | undefined;
  do {
    const page = await logs
      .send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${FN}`, filterPattern: 'EVENT', nextToken }))
      .catch((err: Error) => {
        if (err.name === 'ResourceNotFoundException') return { events: [], nextToken: undefined };
        throw err;
      });
    for (const e of page.events ?? []) {
      const m = /EVENT (.*)$/.exec(e.message?.trim() ?? '');
      if (m) out.push(JSON.parse(m[1]!));
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return out;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = await probe();
    if (hit !== undefined) return hit;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('rules', () => {
  it('PutRule creates and updates; DescribeRule reports it', async () => {
    const put = await eb.send(new PutRuleCommand({ Name: 'nightly', ScheduleExpression: 'cron(0 3 * * ? *)', Description: 'at three' }));
    expect(put.RuleArn).toBe('arn:aws:events:us-east-1:000000000000:rule/nightly');
    const d = await eb.send(new DescribeRuleCommand({ Name: 'nightly' }));
    expect(d).toMatchObject({
      Name: 'nightly',
      Arn: put.RuleArn,
      ScheduleExpression: 'cron(0 3 * * ? *)',
      State: 'ENABLED',
      Description: 'at three',
      EventBusName: 'default',
      CreatedBy: '000000000000',
    });
    await eb.send(new PutRuleCommand({ Name: 'nightly', ScheduleExpression: 'rate(2 hours)', State: 'DISABLED' }));
    const d2 = await eb.send(new DescribeRuleCommand({ Name: 'nightly' }));
    expect(d2.ScheduleExpression).toBe('rate(2 hours)');
    expect(d2.State).toBe('DISABLED');
    expect(d2.Description).toBeUndefined();
  });

  it('stores event-pattern rules', async () => {
    const pattern = JSON.stringify({ source: ['my.app'] });
    await eb.send(new PutRuleCommand({ Name: 'pattern-rule', EventPattern: pattern }));
    const d = await eb.send(new DescribeRuleCommand({ Name: 'pattern-rule' }));
    expect(d.EventPattern).toBe(pattern);
    expect(d.ScheduleExpression).toBeUndefined();
    await eb.send(new DeleteRuleCommand({ Name: 'pattern-rule' }));
  });

  it('EnableRule / DisableRule flip the state', async () => {
    await eb.send(new EnableRuleCommand({ Name: 'nightly' }));
    expect((await eb.send(new DescribeRuleCommand({ Name: 'nightly' }))).State).toBe('ENABLED');
    await eb.send(new DisableRuleCommand({ Name: 'nightly' }));
    expect((await eb.send(new DescribeRuleCommand({ Name: 'nightly' }))).State).toBe('DISABLED');
  });

  it('ListRules filters by prefix and pages', async () => {
    for (const n of ['page-a', 'page-b', 'page-c']) {
      await eb.send(new PutRuleCommand({ Name: n, ScheduleExpression: 'rate(1 day)', State: 'DISABLED' }));
    }
    const first = await eb.send(new ListRulesCommand({ NamePrefix: 'page-', Limit: 2 }));
    expect(first.Rules?.map((r) => r.Name)).toEqual(['page-a', 'page-b']);
    expect(first.NextToken).toBeTruthy();
    const second = await eb.send(new ListRulesCommand({ NamePrefix: 'page-', Limit: 2, NextToken: first.NextToken }));
    expect(second.Rules?.map((r) => r.Name)).toEqual(['page-c']);
    expect(second.NextToken).toBeUndefined();
    const all = await eb.send(new ListRulesCommand({}));
    expect(all.Rules?.map((r) => r.Name)).toEqual(expect.arrayContaining(['nightly', 'page-a', 'page-b', 'page-c']));
    for (const n of ['page-a', 'page-b', 'page-c']) await eb.send(new DeleteRuleCommand({ Name: n }));
    expect((await eb.send(new ListRulesCommand({ NamePrefix: 'page-' }))).Rules).toEqual([]);
  });

  it('rejects bad input with AWS errors', async () => {
    expect(await failure(eb.send(new PutRuleCommand({ Name: 'bad', ScheduleExpression: 'rate(1 minutes)' })))).toMatchObject({
      name: 'ValidationException',
      status: 400,
      message: 'Parameter ScheduleExpression is not valid.',
    });
    expect(await failure(eb.send(new PutRuleCommand({ Name: 'bad', ScheduleExpression: 'cron(0 3 * * * *)' })))).toMatchObject({
      name: 'ValidationException',
    });
    expect(await failure(eb.send(new PutRuleCommand({ Name: 'bad' })))).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(await failure(eb.send(new PutRuleCommand({ Name: 'bad name!', ScheduleExpression: 'rate(1 day)' })))).toMatchObject({
      name: 'ValidationException',
    });
    expect(await failure(eb.send(new PutRuleCommand({ Name: 'bad', EventPattern: '{nope' })))).toMatchObject({
      name: 'InvalidEventPatternException',
      status: 400,
    });
    expect(await failure(eb.send(new DescribeRuleCommand({ Name: 'missing' })))).toMatchObject({
      name: 'ResourceNotFoundException',
      status: 400,
      message: 'Rule missing does not exist on EventBus default.',
    });
    expect(await failure(eb.send(new EnableRuleCommand({ Name: 'missing' })))).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(await failure(eb.send(new DisableRuleCommand({ Name: 'missing' })))).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(await failure(eb.send(new ListTargetsByRuleCommand({ Rule: 'missing' })))).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(await failure(eb.send(new PutTargetsCommand({ Rule: 'missing', Targets: [{ Id: 't', Arn: FN_ARN }] })))).toMatchObject({
      name: 'ResourceNotFoundException',
    });
    expect(await failure(eb.send(new RemoveTargetsCommand({ Rule: 'missing', Ids: ['t'] })))).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(await failure(eb.send(new DescribeRuleCommand({ Name: 'nightly', EventBusName: 'custom' })))).toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Event bus custom does not exist.',
    });
    // Deleting a rule that does not exist succeeds, as on AWS.
    await eb.send(new DeleteRuleCommand({ Name: 'missing' }));
  });
});

describe('targets', () => {
  it('PutTargets reports per-entry failures; ListTargetsByRule pages; DeleteRule refuses while targets exist', async () => {
    const out = await eb.send(
      new PutTargetsCommand({
        Rule: 'nightly',
        Targets: [
          { Id: 'a', Arn: FN_ARN },
          { Id: 'b', Arn: FN_ARN, Input: '{"x":1}' },
          { Id: 'c', Arn: FN_ARN, InputPath: '$.detail' },
          { Id: 'bad-json', Arn: FN_ARN, Input: '{nope' },
          { Id: 'both', Arn: FN_ARN, Input: '{}', InputPath: '$.detail' },
          { Id: 'queue', Arn: 'arn:aws:sqs:us-east-1:000000000000:q' },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(3);
    expect(out.FailedEntries?.map((f) => f.TargetId)).toEqual(['bad-json', 'both', 'queue']);
    expect(out.FailedEntries?.[0]?.ErrorCode).toBe('ValidationException');

    const p1 = await eb.send(new ListTargetsByRuleCommand({ Rule: 'nightly', Limit: 2 }));
    expect(p1.Targets?.map((t) => t.Id)).toEqual(['a', 'b']);
    expect(p1.Targets?.[1]?.Input).toBe('{"x":1}');
    const p2 = await eb.send(new ListTargetsByRuleCommand({ Rule: 'nightly', Limit: 2, NextToken: p1.NextToken }));
    expect(p2.Targets).toEqual([{ Id: 'c', Arn: FN_ARN, InputPath: '$.detail' }]);
    expect(p2.NextToken).toBeUndefined();

    expect(
      await failure(
        eb.send(
          new PutTargetsCommand({
            Rule: 'nightly',
            Targets: [{ Id: 'd', Arn: FN_ARN }, { Id: 'e', Arn: FN_ARN }, { Id: 'f', Arn: FN_ARN }],
          }),
        ),
      ),
    ).toMatchObject({ name: 'LimitExceededException', status: 400 });

    expect(await failure(eb.send(new DeleteRuleCommand({ Name: 'nightly' })))).toMatchObject({
      name: 'ValidationException',
      status: 400,
      message: "Rule can't be deleted since it has targets.",
    });
    const removed = await eb.send(new RemoveTargetsCommand({ Rule: 'nightly', Ids: ['a', 'b', 'c'] }));
    expect(removed.FailedEntryCount).toBe(0);
    expect((await eb.send(new ListTargetsByRuleCommand({ Rule: 'nightly' }))).Targets).toEqual([]);
    await eb.send(new DeleteRuleCommand({ Name: 'nightly' }));
    expect(await failure(eb.send(new DescribeRuleCommand({ Name: 'nightly' })))).toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('scheduling', () => {
  it('a rate() rule invokes its Lambda targets with the scheduled event, Input and InputPath', async () => {
    const { RuleArn } = await eb.send(new PutRuleCommand({ Name: 'every-minute', ScheduleExpression: 'rate(1 minute)' }));
    await eb.send(
      new PutTargetsCommand({
        Rule: 'every-minute',
        Targets: [
          { Id: 'whole', Arn: FN_ARN },
          { Id: 'constant', Arn: FN_ARN, Input: '{"constant":true}' },
          { Id: 'resources', Arn: FN_ARN, InputPath: '$.resources' },
        ],
      }),
    );
    const seen = await waitFor('all three targets', async () => {
      const evs = await loggedEvents();
      const whole = evs.find((e) => (e as { source?: string }).source === 'aws.events');
      const constant = evs.find((e) => (e as { constant?: boolean }).constant === true);
      const resources = evs.find((e) => Array.isArray(e));
      return whole && constant && resources ? { whole, resources } : undefined;
    });
    expect(seen.whole).toMatchObject({
      version: '0',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '000000000000',
      region: 'us-east-1',
      resources: [RuleArn],
      detail: {},
    });
    const w = seen.whole as { id: string; time: string };
    expect(w.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(w.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(seen.resources).toEqual([RuleArn]);

    // Disabled rules stop firing: after disabling, the count stays put across several periods.
    await eb.send(new DisableRuleCommand({ Name: 'every-minute' }));
    const before = (await loggedEvents()).length;
    await new Promise((r) => setTimeout(r, 3500));
    const after = (await loggedEvents()).length;
    // Invocations already queued when the rule was disabled may still land (at most one fire: 3 targets).
    expect(after - before).toBeLessThanOrEqual(3);
    await eb.send(new RemoveTargetsCommand({ Rule: 'every-minute', Ids: ['whole', 'constant', 'resources'] }));
    await eb.send(new DeleteRuleCommand({ Name: 'every-minute' }));
    expect(nimbus.logs.filter((l) => l.startsWith('events:'))).toEqual([]);
  });
});
