// CodeDeploy wire layer: awsJson1.1, `X-Amz-Target: CodeDeploy_20141006.<Operation>`.
import type { RequestContext, Service } from '../server/context.js';
import type { Platform } from '../server/compose.js';
import { parseJsonBody, sendJson } from '../protocol/http.js';
import { CodeDeployCore, type Scope } from './core.js';
import { UnknownOperation } from './errors.js';

const PREFIX = 'CodeDeploy_20141006.';
type Op = (core: CodeDeployCore, scope: Scope, input: Record<string, unknown>) => unknown;

const OPERATIONS: Record<string, Op> = {
  CreateDeployment: (c, s, i) => c.createDeployment(s, i),
  GetDeployment: (c, s, i) => c.getDeployment(s, i),
  PutLifecycleEventHookExecutionStatus: (c, s, i) => c.putLifecycleEventHookExecutionStatus(s, i),
  StopDeployment: (c, s, i) => c.stopDeployment(s, i),
  // Nimbus extensions for the deployment driver (`nimbus deploy`); not AWS operations.
  NimbusCompleteDeployment: (c, s, i) => c.completeDeployment(s, i),
  NimbusStartLifecycleHook: (c, s, i) => c.startHook(s, i),
};

export function createCodeDeployService(platform: Platform): { service: Service; core: CodeDeployCore } {
  const core = new CodeDeployCore(platform.store);
  const service: Service = {
    name: 'codedeploy',
    protocol: 'json',
    async handle(ctx: RequestContext) {
      const target = String(ctx.req.headers['x-amz-target'] ?? '');
      const op = target.startsWith(PREFIX) ? OPERATIONS[target.slice(PREFIX.length)] : undefined;
      if (!op) throw UnknownOperation(`Unknown operation ${target || `${ctx.method} ${ctx.path}`}`);
      const input = parseJsonBody(await ctx.body(1024 * 1024));
      const out = op(core, { accountId: ctx.accountId, region: ctx.region }, input);
      sendJson(ctx.res, 200, out, { 'Content-Type': 'application/x-amz-json-1.1' });
    },
  };
  return { service, core };
}
