// EventBridge wire layer (event buses, rules, targets, PutEvents): awsJson1.1, `X-Amz-Target: AWSEvents.<Operation>`. Scheduled rules fire
// from the service's start hook until close.
import type { RequestContext, Service } from '../server/context.js';
import type { Platform } from '../server/compose.js';
import type { LambdaInvoker } from '../lambda/invoker.js';
import { handleJsonTarget, type JsonOperation } from '../protocol/json-target.js';
import { EventsCore } from './core.js';
import { RuleScheduler, type StartExecution } from './scheduler.js';
import { UnknownOperation } from './errors.js';

const PREFIX = 'AWSEvents.';
type Op = JsonOperation<EventsCore>;

const OPERATIONS: Record<string, Op> = {
  PutRule: (c, s, i) => c.putRule(s, i),
  DescribeRule: (c, s, i) => c.describeRule(s, i),
  ListRules: (c, s, i) => c.listRules(s, i),
  DeleteRule: (c, s, i) => c.deleteRule(s, i),
  EnableRule: (c, s, i) => c.setEnabled(s, i, true),
  DisableRule: (c, s, i) => c.setEnabled(s, i, false),
  PutTargets: (c, s, i) => c.putTargets(s, i),
  RemoveTargets: (c, s, i) => c.removeTargets(s, i),
  ListTargetsByRule: (c, s, i) => c.listTargetsByRule(s, i),
  ListRuleNamesByTarget: (c, s, i) => c.listRuleNamesByTarget(s, i),
  PutEvents: (c, s, i) => c.putEvents(s, i),
  CreateEventBus: (c, s, i) => c.buses.create(s, i),
  DescribeEventBus: (c, s, i) => c.buses.describe(s, i),
  ListEventBuses: (c, s, i) => c.buses.list(s, i),
  UpdateEventBus: (c, s, i) => c.buses.update(s, i),
  DeleteEventBus: (c, s, i) => c.buses.delete(s, i),
  ListTagsForResource: (c, s, i) => c.tags.list(s, i),
  TagResource: (c, s, i) => c.tags.tag(s, i),
  UntagResource: (c, s, i) => c.tags.untag(s, i),
  TestEventPattern: (c, s, i) => c.testEventPattern(s, i),
};

export interface EventsOptions {
  lambda: LambdaInvoker;
  /** Starts executions for state-machine targets (Step Functions' StartExecution, in-process). */
  startExecution?: StartExecution;
  /** Compresses rate() intervals by this factor (tests, demos). Default 1. */
  clockScale?: number;
}

export function createEventsService(platform: Platform, options: EventsOptions): { service: Service; core: EventsCore } {
  const scale = options.clockScale ?? 1;
  if (!(scale > 0) || !Number.isFinite(scale)) throw new Error(`events.clockScale must be a positive number, got ${scale}`);
  const core = new EventsCore(platform.store, scale);
  const scheduler = new RuleScheduler(core, options.lambda, platform.log, Date.now, options.startExecution);
  core.deliver = (rule, event) => scheduler.deliver(rule, event);
  core.log = platform.log;
  const service: Service = {
    name: 'events',
    protocol: 'json',
    handle: (ctx: RequestContext) => handleJsonTarget(ctx, PREFIX, OPERATIONS, core, UnknownOperation),
    start: () => scheduler.start(),
    close: () => scheduler.close(),
  };
  return { service, core };
}
