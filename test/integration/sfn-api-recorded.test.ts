// Step Functions API answers checked against responses AWS recorded (LocalStack's snapshot
// tests of the SFN API, validation, versioning, aliasing and tagging): error names, HTTP
// statuses, exact messages and response shapes, through @aws-sdk/client-sfn against a real Nimbus.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SFNClient, CreateStateMachineCommand, UpdateStateMachineCommand, ValidateStateMachineDefinitionCommand,
  StartExecutionCommand, DescribeExecutionCommand, StopExecutionCommand, GetExecutionHistoryCommand,
  ListExecutionsCommand, ListStateMachinesCommand, DescribeStateMachineForExecutionCommand,
  PublishStateMachineVersionCommand, DeleteStateMachineVersionCommand, CreateStateMachineAliasCommand,
  UpdateStateMachineAliasCommand, TagResourceCommand, ListTagsForResourceCommand, UntagResourceCommand,
  type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { startNimbus, clientConfig, type TestNimbus } from '../helpers/nimbus.js';

const ROLE = 'arn:aws:iam::000000000000:role/sfn';
const PASS = JSON.stringify({ Comment: 'BASE_PASS_RESULT', StartAt: 'State_1', States: { State_1: { Type: 'Pass', Result: { Arg1: 'argument1' }, End: true } } });
const def = (comment: string) => PASS.replace('BASE_PASS_RESULT', comment);
const VALUES = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

let nimbus: TestNimbus;
let sfn: SFNClient;

beforeAll(async () => {
  nimbus = await startNimbus();
  sfn = new SFNClient({ ...clientConfig(nimbus.endpoint), disableHostPrefix: true });
});
afterAll(async () => {
  sfn?.destroy();
  await nimbus?.dispose();
});

async function rejects(p: Promise<unknown>, name: string, message: string): Promise<void> {
  const err = await p.then(() => undefined, (e: unknown) => e as { name: string; message: string; $metadata: { httpStatusCode?: number } });
  expect(err, `expected ${name}`).toBeDefined();
  expect(err!.name).toBe(name);
  expect(err!.$metadata.httpStatusCode).toBe(400);
  expect(err!.message).toBe(message);
}

const machine = (name: string, extra: Record<string, unknown> = {}) =>
  sfn.send(new CreateStateMachineCommand({ name, definition: PASS, roleArn: ROLE, ...extra }));

async function finish(executionArn: string): Promise<DescribeExecutionCommandOutput> {
  for (;;) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return d;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('ValidateStateMachineDefinition (recorded)', () => {
  const validate = (definition: string, type: 'STANDARD' | 'EXPRESS' = 'STANDARD') =>
    sfn.send(new ValidateStateMachineDefinitionCommand({ definition, type }));

  it('whitespace, non-JSON and empty-object definitions', async () => {
    expect(await validate(' ')).toMatchObject({ result: 'FAIL', truncated: false,
      diagnostics: [{ code: 'SCHEMA_VALIDATION_FAILED', message: 'Definition must be a valid JSON object', severity: 'ERROR' }] });
    const loc = '[Source: (String)"not a definition"; line: 1, column: 4]';
    expect((await validate('not a definition')).diagnostics).toEqual([{ code: 'INVALID_JSON_DESCRIPTION', severity: 'ERROR', location: loc,
      message: `Unrecognized token 'not': was expecting ${VALUES}\n at ${loc}` }]);
    expect((await validate('{}')).diagnostics).toEqual([
      { code: 'SCHEMA_VALIDATION_FAILED', location: '/', message: 'These fields are required: [States, StartAt]', severity: 'ERROR' }]);
  });

  it('EXPRESS rejects .waitForTaskToken with the recorded message (trailing space)', async () => {
    const d = JSON.stringify({ StartAt: 'SendMessageWithWait', States: { SendMessageWithWait: { Type: 'Task',
      Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', Parameters: { QueueUrl: 'q', MessageBody: { 'Token.$': '$$.Task.Token' } }, End: true } } });
    expect((await validate(d, 'EXPRESS')).diagnostics).toEqual([{ code: 'SCHEMA_VALIDATION_FAILED', severity: 'ERROR',
      location: '/States/SendMessageWithWait/Resource', message: "Express state machine does not support '.waitForTaskToken' service integration " }]);
  });
});

describe('StartExecution input (recorded)', () => {
  it('words malformed input as Jackson does, and empty input as AWS does', async () => {
    const { stateMachineArn } = await machine('rec-input');
    const start = (input: string) => sfn.send(new StartExecutionCommand({ stateMachineArn, input }));
    await rejects(start('not a json'), 'InvalidExecutionInput',
      `Invalid State Machine Execution Input: 'Unrecognized token 'not': was expecting ${VALUES}'`);
    await rejects(start("{'not': 'json'}"), 'InvalidExecutionInput',
      "Invalid State Machine Execution Input: 'Unexpected character (''' (code 39)): was expecting double-quote to start field name'");
    await rejects(start(''), 'InvalidExecutionInput', "Invalid State Machine Execution Input: 'Invalid execution input.'");
    for (const ok of ['1', '"string"', 'null']) expect((await start(ok)).executionArn).toBeTruthy();
  });
});

describe('executions and lists (recorded)', () => {
  it('StopExecution: ExecutionAborted has previousEventId 0 and empty details', async () => {
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'rec-stop', roleArn: ROLE,
      definition: JSON.stringify({ StartAt: 'State_1', States: { State_1: { Type: 'Wait', Seconds: 3600, End: true } } }) }));
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn }));
    for (;;) {
      const h = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
      if (h.events!.some((e) => e.type === 'WaitStateEntered')) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await sfn.send(new StopExecutionCommand({ executionArn }));
    const h = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(h.events!.map((e) => [e.id, e.previousEventId, e.type])).toEqual([
      [1, 0, 'ExecutionStarted'], [2, 0, 'WaitStateEntered'], [3, 0, 'ExecutionAborted']]);
    expect(h.events![2]!.executionAbortedEventDetails).toEqual({});
  });

  it('list parameter checks quote the offending value', async () => {
    const { stateMachineArn } = await machine('rec-lists');
    const long = 'x'.repeat(1025);
    await rejects(sfn.send(new ListStateMachinesCommand({ nextToken: long })), 'ValidationException',
      `1 validation error detected: Value '${long}' at 'nextToken' failed to satisfy constraint: Member must have length less than or equal to 1024`);
    const longer = 'x'.repeat(3097);
    await rejects(sfn.send(new ListExecutionsCommand({ stateMachineArn, nextToken: longer })), 'ValidationException',
      `1 validation error detected: Value '${longer}' at 'nextToken' failed to satisfy constraint: Member must have length less than or equal to 3096`);
    await rejects(sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'succeeded' as never })), 'ValidationException',
      "1 validation error detected: Value 'succeeded' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [SUCCEEDED, TIMED_OUT, PENDING_REDRIVE, ABORTED, FAILED, RUNNING]");
    await rejects(sfn.send(new ListStateMachinesCommand({ maxResults: 1001 })), 'ValidationException',
      "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000");
  });
});

describe('versions (recorded)', () => {
  it('versionDescription needs publish on create', async () => {
    await rejects(machine('rec-vdesc', { versionDescription: 'x' }), 'ValidationException',
      'Version description can only be set when publish is true');
  });

  it('an update that changes nothing keeps "no revision" and republishes nothing', async () => {
    const a = await machine('rec-empty-rev-pub', { publish: true });
    for (let i = 0; i < 2; i++) {
      const u = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: a.stateMachineArn, definition: PASS, publish: true }));
      expect(u.revisionId).toBeUndefined();
      expect(u.stateMachineVersionArn).toBe(`${a.stateMachineArn}:1`);
    }
    const b = await machine('rec-empty-rev');
    for (let i = 0; i < 2; i++) {
      const u = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: b.stateMachineArn, definition: PASS, publish: true }));
      expect(u.revisionId).toBeUndefined();
      expect(u.stateMachineVersionArn).toBe(`${b.stateMachineArn}:1`);
    }
  });

  it('version ARNs are not updatable machines; deleted version numbers are not reused', async () => {
    const sm = await machine('rec-upd-ver', { publish: true });
    const u = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: sm.stateMachineArn, definition: def('R2'), publish: true }));
    expect(u.stateMachineVersionArn).toBe(`${sm.stateMachineArn}:2`);
    for (const publish of [false, true]) {
      await rejects(sfn.send(new UpdateStateMachineCommand({ stateMachineArn: u.stateMachineVersionArn, definition: def('R3'), publish })),
        'StateMachineDoesNotExist', `State Machine Does Not Exist: '${u.stateMachineVersionArn}'`);
    }
    await sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: u.stateMachineVersionArn }));
    const p = await sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: sm.stateMachineArn }));
    expect(p.stateMachineVersionArn).toBe(`${sm.stateMachineArn}:3`);
  });

  it('DescribeStateMachineForExecution of a version execution names the machine', async () => {
    const sm = await machine('rec-dsmfe', { publish: true });
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: sm.stateMachineVersionArn }));
    await finish(executionArn!);
    const d = await sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn }));
    expect(d.stateMachineArn).toBe(sm.stateMachineArn);
    expect(d.revisionId).toBeUndefined();
    expect(d.updateDate).toBeInstanceOf(Date);
  });
});

describe('aliases (recorded)', () => {
  it('routing configuration and name checks', async () => {
    const sm = await machine('rec-alias', { publish: true });
    const arn = sm.stateMachineArn!;
    await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: arn, definition: def('R2'), publish: true }));
    await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: arn, definition: def('R3'), publish: true }));
    const v = (n: number) => `${arn}:${n}`;
    const create = (name: string, routing: Array<[string, number]>, description?: string) => sfn.send(new CreateStateMachineAliasCommand({
      name, description, routingConfiguration: routing.map(([stateMachineVersionArn, weight]) => ({ stateMachineVersionArn, weight })) }));
    const bad = (p: Promise<unknown>, message: string) => rejects(p, 'ValidationException', message);

    await bad(create('a', [[arn, 100]]), `Routing configuration must contain state machine version ARNs. Received: [${arn}]`);
    await bad(create('a', [[v(1), 50], [v(2), 30], [v(3), 20]]),
      `1 validation error detected: Value '[RoutingConfigurationListItem(stateMachineVersionArn=${v(1)}, weight=50), ` +
      `RoutingConfigurationListItem(stateMachineVersionArn=${v(2)}, weight=30), RoutingConfigurationListItem(stateMachineVersionArn=${v(3)}, weight=20)]' ` +
      "at 'routingConfiguration' failed to satisfy constraint: Member must have length less than or equal to 2");
    await bad(create('a', [[v(1), 50], [v(1), 50]]),
      `Routing configuration must contain distinct state machine version ARNs. Received: [${v(1)}, ${v(1)}]`);
    await bad(create('a', [[arn, 50], [v(2), 50]]), `Routing configuration must contain state machine version ARNs. Received: [${arn}, ${v(2)}]`);
    await bad(create('a', [[v(1), 101]]),
      "1 validation error detected: Value '101' at 'routingConfiguration.1.member.weight' failed to satisfy constraint: Member must have value less than or equal to 100");
    await bad(create('a', [[v(1), 70], [v(2), 29]]), 'Sum of routing configuration weights must equal 100. Received: [70, 29]');
    await bad(create('a', [[v(1), 70], [v(2), 31]]), 'Sum of routing configuration weights must equal 100. Received: [70, 31]');
    const long = 'A'.repeat(81);
    await bad(create(long, [[v(1), 100]]),
      `1 validation error detected: Value '${long}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 80`);

    await create('a', [[v(1), 100]], 'd');
    await create('a', [[v(1), 100]], 'd'); // identical: idempotent
    const conflict = 'Failed to create alias because an alias with the same name and a different routing configuration already exists.';
    await rejects(create('a', [[v(1), 100]], 'other'), 'ConflictException', conflict);
    await rejects(create('a', [[v(2), 100]], 'd'), 'ConflictException', conflict);

    await rejects(sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: `${arn}:nope`, description: 'x' })),
      'ResourceNotFound', 'Request references a resource that does not exist.');
  });
});

describe('tags (recorded)', () => {
  it('duplicate keys collapse, untag of absent keys is fine, versions are not taggable', async () => {
    const sm = await machine('rec-tags', { publish: true });
    const resourceArn = sm.stateMachineArn!;
    await sfn.send(new TagResourceCommand({ resourceArn, tags: [{ key: 'key1', value: 'value1' }, { key: 'key1', value: 'value1' }] }));
    expect((await sfn.send(new ListTagsForResourceCommand({ resourceArn }))).tags).toEqual([{ key: 'key1', value: 'value1' }]);
    await sfn.send(new UntagResourceCommand({ resourceArn, tagKeys: ['key1', 'key1', 'key2'] }));
    expect((await sfn.send(new ListTagsForResourceCommand({ resourceArn }))).tags).toEqual([]);
    await rejects(sfn.send(new TagResourceCommand({ resourceArn: sm.stateMachineVersionArn, tags: [{ key: 'key1', value: 'value1' }] })),
      'ResourceNotFound', `Resource not found: '${sm.stateMachineVersionArn}'`);
  });
});
