// The Step Functions operation table: `Operation → {parse, handle}`. `parse` turns the JSON body
// into typed domain input (type and shape checks only); `handle` calls the core and returns the
// reply body. No business rules here.
import { validateDefinition } from '../asl/index.js';
import type { Executions } from '../executions/executions.js';
import type { LoggingConfiguration, RoutingEntry, StateMachines, TracingConfiguration } from '../executions/machines.js';
import type { Tokens } from '../executions/tokens.js';
import { SfnErrors } from '../executions/errors.js';
import { Input } from './input.js';

export interface SfnCore {
  readonly machines: StateMachines;
  readonly executions: Executions;
  readonly tokens: Tokens;
}

export interface OpContext {
  readonly accountId: string;
  readonly region: string;
  /** Aborted when the client disconnects (long polls stop waiting). */
  readonly gone: AbortSignal;
}

export interface Operation<I = unknown> {
  parse(input: Input, ctx: OpContext): I;
  handle(input: I, core: SfnCore, ctx: OpContext): unknown;
}

const op = <I>(o: Operation<I>): Operation<unknown> => o as Operation<unknown>;
const ARN = { min: 1, max: 2048 };
const MAX_DEFINITION = 1_048_576;
const TYPES = ['STANDARD', 'EXPRESS'] as const;
// In the order AWS lists them when rejecting a statusFilter.
const STATUSES = ['SUCCEEDED', 'TIMED_OUT', 'PENDING_REDRIVE', 'ABORTED', 'FAILED', 'RUNNING'] as const;

function routing(list: Array<Record<string, unknown>> | undefined): RoutingEntry[] | undefined {
  if (!list) return undefined;
  return list.map((r) => {
    if (typeof r?.stateMachineVersionArn !== 'string' || typeof r.weight !== 'number') {
      throw SfnErrors.ValidationException(
        "1 validation error detected: Value null at 'routingConfiguration.member.stateMachineVersionArn' failed to satisfy constraint: Member must not be null");
    }
    return { stateMachineVersionArn: r.stateMachineVersionArn, weight: r.weight };
  });
}

export const OPERATIONS: Record<string, Operation> = {
  // ── state machines ──
  CreateStateMachine: op({
    parse: (i, ctx) => ({
      accountId: ctx.accountId, region: ctx.region,
      name: i.str('name', true), definition: i.str('definition', true, { min: 1, max: MAX_DEFINITION }),
      roleArn: i.str('roleArn', true, ARN), type: i.enumOf('type', TYPES),
      loggingConfiguration: i.obj<LoggingConfiguration>('loggingConfiguration'),
      tracingConfiguration: i.obj<TracingConfiguration>('tracingConfiguration'),
      tags: i.tags(), publish: i.bool('publish'), versionDescription: i.str('versionDescription', false, { max: 256 }),
    }),
    handle: (input, core) => core.machines.create(input),
  }),
  DescribeStateMachine: op({
    parse: (i) => ({ arn: i.str('stateMachineArn', true, ARN) }),
    handle: (input, core) => core.machines.describe(input.arn),
  }),
  UpdateStateMachine: op({
    parse: (i) => ({
      stateMachineArn: i.str('stateMachineArn', true, ARN), definition: i.str('definition', false, { min: 1, max: MAX_DEFINITION }),
      roleArn: i.str('roleArn', false, ARN), loggingConfiguration: i.obj<LoggingConfiguration>('loggingConfiguration'),
      tracingConfiguration: i.obj<TracingConfiguration>('tracingConfiguration'), publish: i.bool('publish'),
      versionDescription: i.str('versionDescription', false, { max: 256 }),
    }),
    handle: (input, core) => core.machines.update(input),
  }),
  DeleteStateMachine: op({
    parse: (i) => ({ arn: i.str('stateMachineArn', true, ARN) }),
    handle: (input, core) => { core.machines.delete(input.arn); return {}; },
  }),
  ListStateMachines: op({
    parse: (i, ctx) => ({ accountId: ctx.accountId, region: ctx.region, maxResults: i.int('maxResults', { min: 0, max: 1000 }), nextToken: i.str('nextToken', false, { min: 1, max: 1024 }) }),
    handle: (input, core) => core.machines.list(input.accountId, input.region, input.maxResults, input.nextToken),
  }),
  ValidateStateMachineDefinition: op({
    parse: (i) => ({
      definition: i.str('definition', true, { min: 1, max: MAX_DEFINITION }), type: i.enumOf('type', TYPES),
      severity: i.enumOf('severity', ['ERROR', 'WARNING'] as const), maxResults: i.int('maxResults', { min: 0, max: 100 }),
    }),
    handle: (input) => {
      const r = validateDefinition(input.definition, {
        ...(input.maxResults ? { maxResults: input.maxResults } : {}), ...(input.severity ? { severity: input.severity } : {}),
        ...(input.type ? { type: input.type } : {}),
      });
      return { result: r.result, diagnostics: r.diagnostics, truncated: r.truncated };
    },
  }),

  // ── versions and aliases ──
  PublishStateMachineVersion: op({
    parse: (i) => ({ arn: i.str('stateMachineArn', true, ARN), revisionId: i.str('revisionId'), description: i.str('description', false, { max: 256 }) }),
    handle: (input, core) => core.machines.publish(input.arn, input.revisionId, input.description),
  }),
  ListStateMachineVersions: op({
    parse: (i) => ({ arn: i.str('stateMachineArn', true, ARN), maxResults: i.int('maxResults', { min: 0, max: 1000 }), nextToken: i.str('nextToken') }),
    handle: (input, core) => core.machines.listVersions(input.arn, input.maxResults, input.nextToken),
  }),
  DeleteStateMachineVersion: op({
    parse: (i) => ({ arn: i.str('stateMachineVersionArn', true, ARN) }),
    handle: (input, core) => { core.machines.deleteVersion(input.arn); return {}; },
  }),
  CreateStateMachineAlias: op({
    parse: (i) => ({
      name: i.str('name', true), description: i.str('description', false, { max: 256 }),
      routingConfiguration: routing(i.arr<Record<string, unknown>>('routingConfiguration', true))!,
    }),
    handle: (input, core) => core.machines.createAlias(input),
  }),
  DescribeStateMachineAlias: op({
    parse: (i) => ({ arn: i.str('stateMachineAliasArn', true, ARN) }),
    handle: (input, core) => core.machines.describeAlias(input.arn),
  }),
  UpdateStateMachineAlias: op({
    parse: (i) => ({
      stateMachineAliasArn: i.str('stateMachineAliasArn', true, ARN), description: i.str('description', false, { max: 256 }),
      routingConfiguration: routing(i.arr<Record<string, unknown>>('routingConfiguration')),
    }),
    handle: (input, core) => core.machines.updateAlias(input),
  }),
  DeleteStateMachineAlias: op({
    parse: (i) => ({ arn: i.str('stateMachineAliasArn', true, ARN) }),
    handle: (input, core) => { core.machines.deleteAlias(input.arn); return {}; },
  }),
  ListStateMachineAliases: op({
    parse: (i) => ({ arn: i.str('stateMachineArn', true, ARN), maxResults: i.int('maxResults', { min: 0, max: 1000 }), nextToken: i.str('nextToken') }),
    handle: (input, core) => core.machines.listAliases(input.arn, input.maxResults, input.nextToken),
  }),

  // ── executions ──
  StartExecution: op({
    parse: (i, ctx) => ({
      accountId: ctx.accountId, region: ctx.region, stateMachineArn: i.str('stateMachineArn', true, ARN), name: i.str('name'), input: i.str('input'),
      traceHeader: i.str('traceHeader', false, { max: 256 }),
    }),
    handle: (input, core) => core.executions.start(input),
  }),
  StartSyncExecution: op({
    parse: (i) => ({
      stateMachineArn: i.str('stateMachineArn', true, ARN), name: i.str('name'), input: i.str('input'),
      traceHeader: i.str('traceHeader', false, { max: 256 }),
    }),
    handle: (input, core) => core.executions.startSync(input),
  }),
  DescribeExecution: op({
    parse: (i) => ({ arn: i.str('executionArn', true, ARN) }),
    handle: (input, core) => core.executions.describe(input.arn),
  }),
  DescribeStateMachineForExecution: op({
    parse: (i) => ({ arn: i.str('executionArn', true, ARN) }),
    handle: (input, core) => core.executions.describeMachineFor(input.arn),
  }),
  ListExecutions: op({
    parse: (i) => ({
      stateMachineArn: i.str('stateMachineArn', false, ARN), mapRunArn: i.str('mapRunArn', false, ARN),
      statusFilter: i.enumOf('statusFilter', STATUSES), maxResults: i.int('maxResults', { min: 0, max: 1000 }),
      nextToken: i.str('nextToken', false, { min: 1, max: 3096 }),
    }),
    handle: (input, core) => core.executions.list(input),
  }),
  GetExecutionHistory: op({
    parse: (i) => ({
      executionArn: i.str('executionArn', true, ARN), maxResults: i.int('maxResults', { min: 0, max: 1000 }),
      reverseOrder: i.bool('reverseOrder'), nextToken: i.str('nextToken', false, { min: 1, max: 3096 }),
      includeExecutionData: i.bool('includeExecutionData'),
    }),
    handle: (input, core) => core.executions.history(input),
  }),
  StopExecution: op({
    parse: (i) => ({ arn: i.str('executionArn', true, ARN), error: i.str('error', false, { max: 256 }), cause: i.str('cause', false, { max: 32768 }) }),
    handle: (input, core) => core.executions.stopExecution(input.arn, input.error, input.cause),
  }),
  RedriveExecution: op({
    parse: (i) => ({ arn: i.str('executionArn', true, ARN), clientToken: i.str('clientToken', false, { min: 1, max: 64 }) }),
    handle: (input, core) => core.executions.redrive(input.arn),
  }),

  // ── callbacks ──
  SendTaskSuccess: op({
    parse: (i) => ({ token: i.str('taskToken', true, { min: 1, max: 2048 }), output: i.str('output', true, { max: 262144 }) }),
    handle: async (input, core) => { await core.tokens.sendSuccess(input.token, input.output); return {}; },
  }),
  SendTaskFailure: op({
    parse: (i) => ({ token: i.str('taskToken', true, { min: 1, max: 2048 }), error: i.str('error', false, { max: 256 }), cause: i.str('cause', false, { max: 32768 }) }),
    handle: async (input, core) => { await core.tokens.sendFailure(input.token, input.error, input.cause); return {}; },
  }),
  SendTaskHeartbeat: op({
    parse: (i) => ({ token: i.str('taskToken', true, { min: 1, max: 2048 }) }),
    handle: (input, core) => { core.tokens.heartbeat(input.token); return {}; },
  }),

  // ── activities ──
  CreateActivity: op({
    parse: (i, ctx) => ({ accountId: ctx.accountId, region: ctx.region, name: i.str('name', true), tags: i.tags() }),
    handle: (input, core) => core.tokens.createActivity(input.accountId, input.region, input.name, input.tags),
  }),
  DescribeActivity: op({
    parse: (i) => ({ arn: i.str('activityArn', true, ARN) }),
    handle: (input, core) => core.tokens.describeActivity(input.arn),
  }),
  DeleteActivity: op({
    parse: (i) => ({ arn: i.str('activityArn', true, ARN) }),
    handle: (input, core) => { core.tokens.deleteActivity(input.arn); return {}; },
  }),
  ListActivities: op({
    parse: (i, ctx) => ({ accountId: ctx.accountId, region: ctx.region, maxResults: i.int('maxResults', { min: 0, max: 1000 }), nextToken: i.str('nextToken') }),
    handle: (input, core) => core.tokens.listActivities(input.accountId, input.region, input.maxResults, input.nextToken),
  }),
  GetActivityTask: op({
    parse: (i, ctx) => ({ arn: i.str('activityArn', true, ARN), workerName: i.str('workerName', false, { min: 1, max: 80 }), gone: ctx.gone }),
    handle: (input, core) => core.tokens.getActivityTask(input.arn, input.workerName, input.gone),
  }),

  // ── TestState ──
  TestState: op({
    parse: (i, ctx) => ({
      accountId: ctx.accountId, region: ctx.region, definition: i.str('definition', true, { min: 1, max: MAX_DEFINITION }), roleArn: i.str('roleArn', false, ARN),
      input: i.str('input'), variables: i.str('variables'),
      inspectionLevel: i.enumOf('inspectionLevel', ['INFO', 'DEBUG', 'TRACE'] as const), revealSecrets: i.bool('revealSecrets'),
    }),
    handle: (input, core) => core.executions.testState(input),
  }),

  // ── tags ──
  TagResource: op({
    parse: (i) => ({ arn: i.str('resourceArn', true, ARN), tags: i.tags() ?? [] }),
    handle: (input, core) => { core.machines.tag(input.arn, input.tags); return {}; },
  }),
  UntagResource: op({
    parse: (i) => ({
      arn: i.str('resourceArn', true, ARN),
      keys: (i.arr<unknown>('tagKeys', true) ?? []).map((k) => {
        if (typeof k !== 'string') throw SfnErrors.SerializationException("Expected a string for member 'tagKeys'");
        return k;
      }),
    }),
    handle: (input, core) => { core.machines.untag(input.arn, input.keys); return {}; },
  }),
  ListTagsForResource: op({
    parse: (i) => ({ arn: i.str('resourceArn', true, ARN) }),
    handle: (input, core) => ({ tags: core.machines.tags(input.arn) }),
  }),
};
