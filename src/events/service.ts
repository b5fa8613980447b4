// EventBridge wire layer: awsJson1.1, `X-Amz-Target: AWSEvents.<Operation>`. Scheduled rules fire
// from the service's start hook until close.
import type { RequestContext, Service } from '../server/context.js';
import type { Platform } from '../server/compose.js';
import type { LambdaInvoker } from '../lambda/invoker.js';
import { parseJsonBody, sendJson } from '../protocol/http.js';
import { EventsCore, type Scope } from './core.js';
import { RuleScheduler } from './scheduler.js';
import { UnknownOperation } from './errors.js';

const PREFIX = 'AWSEvents.';
type Op = (core: EventsCore, scope: Scope, input: Record<string, unknown>) => unknown;

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
};

export interface EventsOptions {
  lambda: LambdaInvoker;
  /** Compresses rate() intervals by this factor (tests, demos). Default 1. */
  clockScale?: number;
}

export function createEventsService(platform: Platform, options: EventsOptions): { service: Service; core: EventsCore } {
  const scale = options.clockScale ?? 1;
  if (!(scale > 0) || !Number.isFinite(scale)) throw new Error(`events.clockScale must be a positive number, got ${scale}`);
  const core = new EventsCore(platform.store, scale);
  const scheduler = new RuleScheduler(core, options.lambda, platform.log);
  const service: Service = {
    name: 'events',
    protocol: 'json',
    async handle(ctx: RequestContext) {
      const target = String(ctx.req.headers['x-amz-target'] ?? '');
      const op = target.startsWith(PREFIX) ? OPERATIONS[target.slice(PREFIX.length)] : undefined;
      if (!op) throw UnknownOperation(`Unknown operation ${target || `${ctx.method} ${ctx.path}`}`);
      const input = parseJsonBody(await ctx.body(1024 * 1024));
      const out = op(core, { accountId: ctx.accountId, region: ctx.region }, input);
      sendJson(ctx.res, 200, out, { 'Content-Type': 'application/x-amz-json-1.1' });
    },
    start: () => scheduler.start(),
    close: () => scheduler.close(),
  };
  return { service, core };
}
