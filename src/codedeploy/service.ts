// CodeDeploy wire layer: awsJson1.1, `X-Amz-Target: CodeDeploy_20141006.<Operation>`.
import type { RequestContext, Service } from '../server/context.js';
import type { Platform } from '../server/compose.js';
import { handleJsonTarget, type JsonOperation } from '../protocol/json-target.js';
import { CodeDeployCore } from './core.js';
import { UnknownOperation } from './errors.js';

const PREFIX = 'CodeDeploy_20141006.';
type Op = JsonOperation<CodeDeployCore>;

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
    handle: (ctx: RequestContext) => handleJsonTarget(ctx, PREFIX, OPERATIONS, core, UnknownOperation),
  };
  return { service, core };
}
