// Every Step Functions API operation and its error paths, through @aws-sdk/client-sfn against a
// real Nimbus: names and HTTP statuses as AWS answers them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SFNClient, CreateStateMachineCommand, DescribeStateMachineCommand, UpdateStateMachineCommand, DeleteStateMachineCommand,
  ListStateMachinesCommand, ValidateStateMachineDefinitionCommand, StartExecutionCommand, StartSyncExecutionCommand,
  DescribeExecutionCommand, ListExecutionsCommand, GetExecutionHistoryCommand, StopExecutionCommand, RedriveExecutionCommand,
  DescribeStateMachineForExecutionCommand, PublishStateMachineVersionCommand, ListStateMachineVersionsCommand,
  DeleteStateMachineVersionCommand, CreateStateMachineAliasCommand, DescribeStateMachineAliasCommand,
  UpdateStateMachineAliasCommand, ListStateMachineAliasesCommand, DeleteStateMachineAliasCommand, CreateActivityCommand,
  DescribeActivityCommand, ListActivitiesCommand, DeleteActivityCommand, GetActivityTaskCommand, SendTaskSuccessCommand,
  SendTaskFailureCommand, SendTaskHeartbeatCommand, TestStateCommand, TagResourceCommand, UntagResourceCommand,
  ListTagsForResourceCommand, type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { startNimbus, clientConfig, type TestNimbus } from '../helpers/nimbus.js';

const ROLE = 'arn:aws:iam::000000000000:role/sfn';
const ARN_PREFIX = 'arn:aws:states:us-east-1:000000000000';
const PASS = JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } });
const WAIT = JSON.stringify({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 3600, End: true } } });
const FAIL = JSON.stringify({ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Boom', Cause: 'bad' } } });

let nimbus: TestNimbus;
let sfn: SFNClient;

beforeAll(async () => {
  nimbus = await startNimbus();
  sfn = new SFNClient({ ...clientConfig(nimbus.endpoint), disableHostPrefix: true });
});
afterAll(async () => {
  if (nimbus?.logs.length) console.log(nimbus.logs.join('\n'));
  sfn?.destroy();
  await nimbus?.dispose();
});

async function rejects(p: Promise<unknown>, name: string, message?: RegExp): Promise<void> {
  const err = await p.then(() => undefined, (e: unknown) => e as { name: string; message: string; $metadata: { httpStatusCode?: number } });
  expect(err, `expected ${name}`).toBeDefined();
  expect(err!.name).toBe(name);
  expect(err!.$metadata.httpStatusCode).toBe(400);
  if (message) expect(err!.message).toMatch(message);
}

async function machine(name: string, definition = PASS, extra: Record<string, unknown> = {}) {
  return sfn.send(new CreateStateMachineCommand({ name, definition, roleArn: ROLE, ...extra }));
}

async function finish(executionArn: string): Promise<DescribeExecutionCommandOutput> {
  for (;;) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return d;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('state machines', () => {
  it('creates, describes, updates, lists and deletes', async () => {
    const created = await machine('sm-crud', PASS, { tags: [{ key: 'team', value: 'a' }], tracingConfiguration: { enabled: true } });
    expect(created.stateMachineArn).toBe(`${ARN_PREFIX}:stateMachine:sm-crud`);
    expect(created.creationDate).toBeInstanceOf(Date);
    const again = await machine('sm-crud', PASS, { tracingConfiguration: { enabled: true } });
    expect(again.creationDate!.getTime()).toBe(created.creationDate!.getTime());

    const d = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn }));
    expect(d).toMatchObject({ name: 'sm-crud', status: 'ACTIVE', type: 'STANDARD', definition: PASS, roleArn: ROLE });
    expect(d.loggingConfiguration).toEqual({ level: 'OFF', includeExecutionData: false });
    expect(d.tracingConfiguration).toEqual({ enabled: true });

    const u = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: created.stateMachineArn, definition: FAIL }));
    expect(u.updateDate).toBeInstanceOf(Date);
    expect(u.revisionId).not.toBe(d.revisionId);
    const d2 = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn }));
    expect(d2.definition).toBe(FAIL);

    const list = await sfn.send(new ListStateMachinesCommand({}));
    expect(list.stateMachines!.map((m) => m.name)).toContain('sm-crud');

    await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: created.stateMachineArn }));
    await rejects(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn })),
      'StateMachineDoesNotExist', /State Machine Does Not Exist/);
    // Deleting again is not an error.
    await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: created.stateMachineArn }));
  });

  it('rejects bad input with AWS errors', async () => {
    await machine('sm-dup');
    await rejects(machine('sm-dup', FAIL), 'StateMachineAlreadyExists', /State Machine Already Exists/);
    await rejects(machine('bad name'), 'InvalidName', /Invalid Name/);
    await rejects(machine('sm-bad-def', '{"StartAt":"X","States":{}}'), 'InvalidDefinition', /Invalid State Machine Definition/);
    await rejects(machine('sm-bad-json', '{not json'), 'InvalidDefinition');
    await rejects(sfn.send(new CreateStateMachineCommand({ name: 'sm-role', definition: PASS, roleArn: 'nope' })), 'InvalidArn');
    await rejects(machine('sm-log', PASS, { loggingConfiguration: { level: 'ALL' } }), 'InvalidLoggingConfiguration');
    await rejects(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: 'garbage' })), 'InvalidArn', /Invalid ARN prefix/);
    await rejects(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${ARN_PREFIX}:activity:x` })), 'InvalidArn');
    await rejects(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${ARN_PREFIX}:stateMachine:missing` })),
      'StateMachineDoesNotExist');
    await rejects(sfn.send(new UpdateStateMachineCommand({ stateMachineArn: `${ARN_PREFIX}:stateMachine:sm-dup` })),
      'MissingRequiredParameter');
    await rejects(sfn.send(new UpdateStateMachineCommand({ stateMachineArn: `${ARN_PREFIX}:stateMachine:sm-dup`, definition: '{}' })),
      'InvalidDefinition');
    await rejects(sfn.send(new ListStateMachinesCommand({ nextToken: '!!!' })), 'InvalidToken');
  });

  it('paginates ListStateMachines', async () => {
    for (let i = 0; i < 5; i++) await machine(`page-${i}`);
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(new ListStateMachinesCommand({ maxResults: 2, nextToken }));
      expect(page.stateMachines!.length).toBeLessThanOrEqual(2);
      seen.push(...page.stateMachines!.map((m) => m.name!));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(seen.filter((n) => n.startsWith('page-'))).toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4']);
  });

  it('validates definitions', async () => {
    const ok = await sfn.send(new ValidateStateMachineDefinitionCommand({ definition: PASS }));
    expect(ok.result).toBe('OK');
    expect(ok.diagnostics).toEqual([]);
    const bad = await sfn.send(new ValidateStateMachineDefinitionCommand({ definition: '{"StartAt":"X","States":{}}' }));
    expect(bad.result).toBe('FAIL');
    expect(bad.diagnostics!.length).toBeGreaterThan(0);
    expect(bad.diagnostics![0]).toMatchObject({ severity: 'ERROR' });
  });
});

describe('versions and aliases', () => {
  it('publishes versions, routes aliases, and protects referenced versions', async () => {
    const m = await machine('versioned', PASS, { publish: true, versionDescription: 'first' });
    expect(m.stateMachineVersionArn).toBe(`${m.stateMachineArn}:1`);
    await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: m.stateMachineArn, definition: FAIL }));
    const rev = (await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: m.stateMachineArn }))).revisionId;
    await rejects(sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: m.stateMachineArn, revisionId: 'other' })), 'ConflictException');
    const v2 = await sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: m.stateMachineArn, revisionId: rev, description: 'two' }));
    expect(v2.stateMachineVersionArn).toBe(`${m.stateMachineArn}:2`);
    // Same revision again: the existing version comes back.
    const same = await sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: m.stateMachineArn }));
    expect(same.stateMachineVersionArn).toBe(v2.stateMachineVersionArn);

    const versions = await sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: m.stateMachineArn }));
    expect(versions.stateMachineVersions!.map((v) => v.stateMachineVersionArn)).toEqual([`${m.stateMachineArn}:2`, `${m.stateMachineArn}:1`]);
    const dv = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${m.stateMachineArn}:1` }));
    expect(dv).toMatchObject({ definition: PASS, description: 'first', stateMachineArn: `${m.stateMachineArn}:1` });

    const alias = await sfn.send(new CreateStateMachineAliasCommand({
      name: 'live', description: 'prod', routingConfiguration: [{ stateMachineVersionArn: `${m.stateMachineArn}:1`, weight: 100 }],
    }));
    expect(alias.stateMachineAliasArn).toBe(`${m.stateMachineArn}:live`);
    const da = await sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: alias.stateMachineAliasArn }));
    expect(da).toMatchObject({ name: 'live', description: 'prod', routingConfiguration: [{ stateMachineVersionArn: `${m.stateMachineArn}:1`, weight: 100 }] });
    const aliases = await sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: m.stateMachineArn }));
    expect(aliases.stateMachineAliases!.map((a) => a.stateMachineAliasArn)).toEqual([alias.stateMachineAliasArn]);

    // Executions through the alias run version 1 (Pass) and record the alias and version.
    const e = await sfn.send(new StartExecutionCommand({ stateMachineArn: alias.stateMachineAliasArn }));
    const d = await finish(e.executionArn!);
    expect(d.status).toBe('SUCCEEDED');
    expect(d.stateMachineAliasArn).toBe(alias.stateMachineAliasArn);
    expect(d.stateMachineVersionArn).toBe(`${m.stateMachineArn}:1`);
    const byVersion = await sfn.send(new ListExecutionsCommand({ stateMachineArn: `${m.stateMachineArn}:1` }));
    expect(byVersion.executions!.map((x) => x.executionArn)).toEqual([e.executionArn]);

    await rejects(sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${m.stateMachineArn}:1` })),
      'ConflictException', /referenced by an alias/);
    await sfn.send(new UpdateStateMachineAliasCommand({
      stateMachineAliasArn: alias.stateMachineAliasArn,
      routingConfiguration: [{ stateMachineVersionArn: `${m.stateMachineArn}:1`, weight: 50 }, { stateMachineVersionArn: `${m.stateMachineArn}:2`, weight: 50 }],
    }));
    await rejects(sfn.send(new UpdateStateMachineAliasCommand({
      stateMachineAliasArn: alias.stateMachineAliasArn,
      routingConfiguration: [{ stateMachineVersionArn: `${m.stateMachineArn}:1`, weight: 60 }, { stateMachineVersionArn: `${m.stateMachineArn}:2`, weight: 50 }],
    })), 'ValidationException');
    await rejects(sfn.send(new CreateStateMachineAliasCommand({
      name: 'ghost', routingConfiguration: [{ stateMachineVersionArn: `${m.stateMachineArn}:9`, weight: 100 }],
    })), 'ResourceNotFound');
    await sfn.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn: alias.stateMachineAliasArn }));
    await rejects(sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: alias.stateMachineAliasArn })), 'ResourceNotFound');
    await sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${m.stateMachineArn}:1` }));
    const after = await sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: m.stateMachineArn }));
    expect(after.stateMachineVersions!.map((v) => v.stateMachineVersionArn)).toEqual([`${m.stateMachineArn}:2`]);
  });
});

describe('executions', () => {
  it('starts idempotently by name, describes, lists with filters and pages history', async () => {
    const m = await machine('exec-sm');
    const a = await sfn.send(new StartExecutionCommand({ stateMachineArn: m.stateMachineArn, name: 'one', input: '{"k":1}' }));
    expect(a.executionArn).toBe(`${ARN_PREFIX}:execution:exec-sm:one`);
    const d = await finish(a.executionArn!);
    expect(d).toMatchObject({ status: 'SUCCEEDED', name: 'one', input: '{"k":1}', output: '{"k":1}', stateMachineArn: m.stateMachineArn });
    // Same name after it finished: ExecutionAlreadyExists.
    await rejects(sfn.send(new StartExecutionCommand({ stateMachineArn: m.stateMachineArn, name: 'one', input: '{"k":1}' })),
      'ExecutionAlreadyExists', /Execution Already Exists/);

    const w = await machine('exec-wait', WAIT);
    const r1 = await sfn.send(new StartExecutionCommand({ stateMachineArn: w.stateMachineArn, name: 'same', input: '{}' }));
    const r2 = await sfn.send(new StartExecutionCommand({ stateMachineArn: w.stateMachineArn, name: 'same', input: '{}' }));
    expect(r2.executionArn).toBe(r1.executionArn);
    expect(r2.startDate!.getTime()).toBe(r1.startDate!.getTime());
    await rejects(sfn.send(new StartExecutionCommand({ stateMachineArn: w.stateMachineArn, name: 'same', input: '{"x":1}' })),
      'ExecutionAlreadyExists');

    const running = await sfn.send(new ListExecutionsCommand({ stateMachineArn: w.stateMachineArn, statusFilter: 'RUNNING' }));
    expect(running.executions!.map((x) => x.name)).toEqual(['same']);
    const succeeded = await sfn.send(new ListExecutionsCommand({ stateMachineArn: w.stateMachineArn, statusFilter: 'SUCCEEDED' }));
    expect(succeeded.executions).toEqual([]);

    const stop = await sfn.send(new StopExecutionCommand({ executionArn: r1.executionArn, error: 'Manual', cause: 'test' }));
    expect(stop.stopDate).toBeInstanceOf(Date);
    const stopped = await sfn.send(new DescribeExecutionCommand({ executionArn: r1.executionArn }));
    expect(stopped).toMatchObject({ status: 'ABORTED', error: 'Manual', cause: 'test' });
    const hist = await sfn.send(new GetExecutionHistoryCommand({ executionArn: r1.executionArn, reverseOrder: true }));
    expect(hist.events![0]).toMatchObject({ type: 'ExecutionAborted', executionAbortedEventDetails: { error: 'Manual', cause: 'test' } });

    // History paging, order and data exclusion.
    const page1 = await sfn.send(new GetExecutionHistoryCommand({ executionArn: a.executionArn, maxResults: 2 }));
    expect(page1.events!.map((e) => e.id)).toEqual([1, 2]);
    const page2 = await sfn.send(new GetExecutionHistoryCommand({ executionArn: a.executionArn, maxResults: 2, nextToken: page1.nextToken }));
    expect(page2.events!.map((e) => e.id)).toEqual([3, 4]);
    expect(page2.nextToken).toBeUndefined();
    expect(page1.events![0]).toMatchObject({
      type: 'ExecutionStarted', previousEventId: 0,
      executionStartedEventDetails: { input: '{"k":1}', inputDetails: { truncated: false }, roleArn: ROLE },
    });
    expect(page1.events![0]!.timestamp).toBeInstanceOf(Date);
    const noData = await sfn.send(new GetExecutionHistoryCommand({ executionArn: a.executionArn, includeExecutionData: false }));
    expect(noData.events![0]!.executionStartedEventDetails!.input).toBeUndefined();
    const reversed = await sfn.send(new GetExecutionHistoryCommand({ executionArn: a.executionArn, reverseOrder: true }));
    expect(reversed.events!.map((e) => e.type)).toEqual(['ExecutionSucceeded', 'PassStateExited', 'PassStateEntered', 'ExecutionStarted']);

    const forExec = await sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn: a.executionArn }));
    expect(forExec).toMatchObject({ stateMachineArn: m.stateMachineArn, name: 'exec-sm', definition: PASS, roleArn: ROLE });
  });

  it('answers execution errors as AWS does', async () => {
    const m = await machine('exec-errors');
    await rejects(sfn.send(new StartExecutionCommand({ stateMachineArn: m.stateMachineArn, input: '{bad' })),
      'InvalidExecutionInput', /Invalid State Machine Execution Input/);
    await rejects(sfn.send(new StartExecutionCommand({ stateMachineArn: m.stateMachineArn, name: 'a b' })), 'InvalidName');
    await rejects(sfn.send(new StartExecutionCommand({ stateMachineArn: m.stateMachineArn, input: JSON.stringify({ s: 'x'.repeat(262144) }) })),
      'ValidationException');
    await rejects(sfn.send(new StartExecutionCommand({ stateMachineArn: `${ARN_PREFIX}:stateMachine:nope` })), 'StateMachineDoesNotExist');
    await rejects(sfn.send(new DescribeExecutionCommand({ executionArn: `${ARN_PREFIX}:execution:exec-errors:nope` })),
      'ExecutionDoesNotExist', /Execution Does Not Exist/);
    await rejects(sfn.send(new DescribeExecutionCommand({ executionArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:x' })), 'InvalidArn');
    await rejects(sfn.send(new GetExecutionHistoryCommand({ executionArn: `${ARN_PREFIX}:execution:exec-errors:nope` })), 'ExecutionDoesNotExist');
    await rejects(sfn.send(new StartSyncExecutionCommand({ stateMachineArn: m.stateMachineArn })), 'StateMachineTypeNotSupported');
    await rejects(sfn.send(new ListExecutionsCommand({ stateMachineArn: `${ARN_PREFIX}:stateMachine:nope` })), 'StateMachineDoesNotExist');
  });

  it('fails, redrives and records ExecutionRedriven', async () => {
    const m = await machine('redrive', FAIL);
    const e = await sfn.send(new StartExecutionCommand({ stateMachineArn: m.stateMachineArn }));
    const d = await finish(e.executionArn!);
    expect(d).toMatchObject({ status: 'FAILED', error: 'Boom', cause: 'bad', redriveStatus: 'REDRIVABLE' });
    const ok = await machine('redrive-ok');
    const okExec = await sfn.send(new StartExecutionCommand({ stateMachineArn: ok.stateMachineArn }));
    await finish(okExec.executionArn!);
    await rejects(sfn.send(new RedriveExecutionCommand({ executionArn: okExec.executionArn })), 'ExecutionNotRedrivable');
    const r = await sfn.send(new RedriveExecutionCommand({ executionArn: e.executionArn }));
    expect(r.redriveDate).toBeInstanceOf(Date);
    const d2 = await finish(e.executionArn!);
    expect(d2).toMatchObject({ status: 'FAILED', redriveCount: 1 });
    const h = await sfn.send(new GetExecutionHistoryCommand({ executionArn: e.executionArn }));
    expect(h.events!.map((x) => x.type)).toEqual([
      'ExecutionStarted', 'FailStateEntered', 'ExecutionFailed', 'ExecutionRedriven', 'FailStateEntered', 'ExecutionFailed',
    ]);
  });

  it('runs Express machines synchronously', async () => {
    const def = JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Parameters: { 'v.$': '$.n' }, End: true } } });
    const m = await machine('express', def, { type: 'EXPRESS' });
    const r = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn: m.stateMachineArn, input: '{"n":7}', name: 'sync1' }));
    expect(r).toMatchObject({ status: 'SUCCEEDED', output: '{"v":7}', name: 'sync1' });
    expect(r.executionArn).toMatch(new RegExp(`^${ARN_PREFIX}:express:express:sync1:`));
    const failing = await machine('express-fail', FAIL, { type: 'EXPRESS' });
    const f = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn: failing.stateMachineArn }));
    expect(f).toMatchObject({ status: 'FAILED', error: 'Boom', cause: 'bad' });
    const async = await sfn.send(new StartExecutionCommand({ stateMachineArn: m.stateMachineArn }));
    expect(async.executionArn).toMatch(/:express:express:/);
    await rejects(sfn.send(new ListExecutionsCommand({ stateMachineArn: m.stateMachineArn })), 'StateMachineTypeNotSupported');
  });
});

describe('activities and callbacks', () => {
  it('hands activity tasks to workers and completes them', async () => {
    const act = await sfn.send(new CreateActivityCommand({ name: 'worker-act', tags: [{ key: 'k', value: 'v' }] }));
    expect(act.activityArn).toBe(`${ARN_PREFIX}:activity:worker-act`);
    const again = await sfn.send(new CreateActivityCommand({ name: 'worker-act' }));
    expect(again.activityArn).toBe(act.activityArn);
    const da = await sfn.send(new DescribeActivityCommand({ activityArn: act.activityArn }));
    expect(da).toMatchObject({ name: 'worker-act', activityArn: act.activityArn });
    const list = await sfn.send(new ListActivitiesCommand({}));
    expect(list.activities!.map((a) => a.name)).toContain('worker-act');

    const def = JSON.stringify({ StartAt: 'T', States: { T: { Type: 'Task', Resource: act.activityArn, End: true } } });
    const m = await machine('activity-sm', def);
    const e = await sfn.send(new StartExecutionCommand({ stateMachineArn: m.stateMachineArn, input: '{"job":1}' }));
    const task = await sfn.send(new GetActivityTaskCommand({ activityArn: act.activityArn, workerName: 'w1' }));
    expect(task.input).toBe('{"job":1}');
    await sfn.send(new SendTaskHeartbeatCommand({ taskToken: task.taskToken }));
    await sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{"done":true}' }));
    const d = await finish(e.executionArn!);
    expect(d).toMatchObject({ status: 'SUCCEEDED', output: '{"done":true}' });
    const h = await sfn.send(new GetExecutionHistoryCommand({ executionArn: e.executionArn }));
    expect(h.events!.map((x) => x.type)).toEqual([
      'ExecutionStarted', 'TaskStateEntered', 'ActivityScheduled', 'ActivityStarted', 'ActivitySucceeded', 'TaskStateExited', 'ExecutionSucceeded',
    ]);
    expect(h.events![3]!.activityStartedEventDetails).toEqual({ workerName: 'w1' });
    await rejects(sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{}' })), 'TaskTimedOut');

    await rejects(sfn.send(new SendTaskSuccessCommand({ taskToken: 'x', output: '{}' })), 'InvalidToken');
    await rejects(sfn.send(new SendTaskFailureCommand({ taskToken: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })), 'InvalidToken');
    await rejects(sfn.send(new SendTaskHeartbeatCommand({ taskToken: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })), 'InvalidToken');
    await rejects(sfn.send(new DescribeActivityCommand({ activityArn: `${ARN_PREFIX}:activity:none` })), 'ActivityDoesNotExist');
    await rejects(sfn.send(new GetActivityTaskCommand({ activityArn: `${ARN_PREFIX}:activity:none` })), 'ActivityDoesNotExist');
    await sfn.send(new DeleteActivityCommand({ activityArn: act.activityArn }));
    await rejects(sfn.send(new DescribeActivityCommand({ activityArn: act.activityArn })), 'ActivityDoesNotExist');
  });

  it('fails an activity task with SendTaskFailure', async () => {
    const act = await sfn.send(new CreateActivityCommand({ name: 'failing-act' }));
    const def = JSON.stringify({ StartAt: 'T', States: { T: { Type: 'Task', Resource: act.activityArn, End: true } } });
    const m = await machine('activity-fail', def);
    const e = await sfn.send(new StartExecutionCommand({ stateMachineArn: m.stateMachineArn }));
    const task = await sfn.send(new GetActivityTaskCommand({ activityArn: act.activityArn }));
    await sfn.send(new SendTaskFailureCommand({ taskToken: task.taskToken, error: 'WorkerError', cause: 'disk full' }));
    const d = await finish(e.executionArn!);
    expect(d).toMatchObject({ status: 'FAILED', error: 'WorkerError', cause: 'disk full' });
  });
});

describe('TestState', () => {
  it('tests one state in isolation', async () => {
    const r = await sfn.send(new TestStateCommand({
      definition: JSON.stringify({ Type: 'Pass', Parameters: { 'x.$': '$.a' }, Next: 'Later' }), roleArn: ROLE, input: '{"a":5}',
    }));
    expect(r).toMatchObject({ status: 'SUCCEEDED', output: '{"x":5}', nextState: 'Later' });
    expect(r.inspectionData).toBeUndefined();
    const debug = await sfn.send(new TestStateCommand({
      definition: JSON.stringify({ Type: 'Pass', End: true }), roleArn: ROLE, input: '{"a":1}', inspectionLevel: 'DEBUG',
    }));
    expect(debug.inspectionData).toMatchObject({ input: '{"a":1}' });
    const f = await sfn.send(new TestStateCommand({ definition: JSON.stringify({ Type: 'Fail', Error: 'E', Cause: 'C' }), roleArn: ROLE }));
    expect(f).toMatchObject({ status: 'FAILED', error: 'E', cause: 'C' });
    const c = await sfn.send(new TestStateCommand({
      definition: JSON.stringify({ Type: 'Choice', Choices: [{ Variable: '$.v', NumericGreaterThan: 1, Next: 'Big' }], Default: 'Small' }),
      roleArn: ROLE, input: '{"v":3}',
    }));
    expect(c).toMatchObject({ status: 'SUCCEEDED', nextState: 'Big' });
    await rejects(sfn.send(new TestStateCommand({ definition: 'nope', roleArn: ROLE })), 'InvalidDefinition');
  });
});

describe('tags', () => {
  it('tags, lists and untags state machines and activities', async () => {
    const m = await machine('tagged', PASS, { tags: [{ key: 'a', value: '1' }] });
    await sfn.send(new TagResourceCommand({ resourceArn: m.stateMachineArn, tags: [{ key: 'b', value: '2' }, { key: 'a', value: '3' }] }));
    const t = await sfn.send(new ListTagsForResourceCommand({ resourceArn: m.stateMachineArn }));
    expect(t.tags).toEqual([{ key: 'a', value: '3' }, { key: 'b', value: '2' }]);
    await sfn.send(new UntagResourceCommand({ resourceArn: m.stateMachineArn, tagKeys: ['a'] }));
    const t2 = await sfn.send(new ListTagsForResourceCommand({ resourceArn: m.stateMachineArn }));
    expect(t2.tags).toEqual([{ key: 'b', value: '2' }]);
    const act = await sfn.send(new CreateActivityCommand({ name: 'tagged-act', tags: [{ key: 'x', value: 'y' }] }));
    expect((await sfn.send(new ListTagsForResourceCommand({ resourceArn: act.activityArn }))).tags).toEqual([{ key: 'x', value: 'y' }]);
    await rejects(sfn.send(new TagResourceCommand({ resourceArn: `${ARN_PREFIX}:stateMachine:none`, tags: [] })), 'ResourceNotFound');
    await rejects(sfn.send(new ListTagsForResourceCommand({ resourceArn: 'bad' })), 'InvalidArn');
  });
});

describe('wire protocol', () => {
  it('answers unknown operations and malformed bodies', async () => {
    const res = await fetch(nimbus.endpoint, {
      method: 'POST', body: '{', headers: { 'X-Amz-Target': 'AWSStepFunctions.ListStateMachines', 'Content-Type': 'application/x-amz-json-1.0' },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { __type: string }).__type).toBe('SerializationException');
    const unknown = await fetch(nimbus.endpoint, {
      method: 'POST', body: '{}', headers: { 'X-Amz-Target': 'AWSStepFunctions.Nope', 'Content-Type': 'application/x-amz-json-1.0' },
    });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { __type: string }).__type).toBe('UnknownOperationException');
    const missing = await fetch(nimbus.endpoint, {
      method: 'POST', body: '{}', headers: { 'X-Amz-Target': 'AWSStepFunctions.DescribeStateMachine', 'Content-Type': 'application/x-amz-json-1.0' },
    });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ __type: 'ValidationException', message: expect.stringMatching(/stateMachineArn/) });
  });
});
