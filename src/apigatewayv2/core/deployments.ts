// Deployments freeze an API's routes, integrations, authorizers and CORS rules; stages point at one. A stage
// with AutoDeploy gets a fresh deployment after every change, as AWS does.
import { newId } from '../../apigateway/index.js';
import { type CoreContext, now, paginate, requireApi } from './context.js';
import { BadRequest, notFound } from './errors.js';
import type { Deployment, DeploymentRecord, Snapshot, Stage } from './model.js';
import type { Kinds } from './repository.js';

function snapshotOf(ctx: CoreContext, apiId: string): Snapshot {
  const api = requireApi(ctx, apiId);
  return {
    routes: ctx.repo.list(apiId, 'route'),
    integrations: ctx.repo.list(apiId, 'integration'),
    authorizers: ctx.repo.list(apiId, 'authorizer'),
    ...(api.corsConfiguration ? { cors: api.corsConfiguration } : {}),
    ...(api.protocolType === 'WEBSOCKET' ? { routeResponses: ctx.repo.list(apiId, 'routeResponse') } : {}),
  };
}

/** Writes a new deployment (inside the caller's transaction) and returns it. */
function deploy(ctx: CoreContext, apiId: string, description: string | undefined, autoDeployed: boolean): Deployment {
  const deployment: Deployment = {
    deploymentId: newId(6),
    deploymentStatus: 'DEPLOYED',
    createdDate: now(),
    autoDeployed,
    ...(description !== undefined ? { description } : {}),
  };
  const record: DeploymentRecord = { deployment, snapshot: snapshotOf(ctx, apiId) };
  ctx.repo.put(apiId, 'deployment', deployment.deploymentId, record);
  return deployment;
}

export function pointStage(ctx: CoreContext, apiId: string, stage: Stage, deploymentId: string): Stage {
  const updated: Stage = {
    ...stage,
    deploymentId,
    lastUpdatedDate: now(),
    lastDeploymentStatusMessage: `Successfully deployed stage with deployment ID '${deploymentId}'`,
  };
  ctx.repo.put(apiId, 'stage', stage.stageName, updated);
  return updated;
}

/** Called inside every mutation of routes, integrations or the API's CORS rules. */
export function autoDeploy(ctx: CoreContext, apiId: string): void {
  const stages = ctx.repo.list(apiId, 'stage').filter((s) => s.autoDeploy);
  if (stages.length === 0) return;
  const deployment = deploy(ctx, apiId, 'Automatic deployment triggered by changes to the Api configuration', true);
  for (const stage of stages) pointStage(ctx, apiId, stage, deployment.deploymentId);
}

/**
 * Writes a route, integration or authorizer, after `check` (run inside the transaction, so it sees what it
 * writes against), and redeploys the auto-deploying stages: one transaction for all of it.
 */
export function saveAndDeploy<K extends 'route' | 'integration' | 'authorizer' | 'routeResponse'>(
  ctx: CoreContext,
  apiId: string,
  kind: K,
  id: string,
  doc: Kinds[K],
  check: () => void = () => undefined,
): Kinds[K] {
  return ctx.repo.mutate(apiId, () => {
    check();
    ctx.repo.put(apiId, kind, id, doc);
    autoDeploy(ctx, apiId);
    return doc;
  });
}

/** Deploys now for one auto-deploying stage (created or switched to AutoDeploy). */
export function deployStageNow(ctx: CoreContext, apiId: string, stage: Stage): Stage {
  const deployment = deploy(ctx, apiId, 'Automatic deployment triggered by changes to the Api configuration', true);
  return pointStage(ctx, apiId, stage, deployment.deploymentId);
}

export function createDeployment(ctx: CoreContext, apiId: string, input: { description?: string; stageName?: string }): Deployment {
  const api = requireApi(ctx, apiId);
  return ctx.repo.mutate(apiId, () => {
    // A WebSocket API with nothing to route has nothing to deploy, AWS says so.
    if (api.protocolType === 'WEBSOCKET' && ctx.repo.list(apiId, 'route').length === 0) {
      throw BadRequest('At least one route is required before deploying the Api.');
    }
    let stage: Stage | undefined;
    if (input.stageName !== undefined) {
      stage = ctx.repo.get(apiId, 'stage', input.stageName);
      if (!stage) throw notFound('Stage', ctx.scope.accountId, input.stageName);
      if (stage.autoDeploy) {
        throw BadRequest(`Stage '${input.stageName}' has AutoDeploy enabled: it is deployed on every change and takes no manual deployment`);
      }
    }
    const deployment = deploy(ctx, apiId, input.description, false);
    if (stage) pointStage(ctx, apiId, stage, deployment.deploymentId);
    return deployment;
  });
}

export function getDeployment(ctx: CoreContext, apiId: string, deploymentId: string): Deployment {
  requireApi(ctx, apiId);
  const record = ctx.repo.get(apiId, 'deployment', deploymentId);
  if (!record) throw notFound('Deployment', ctx.scope.accountId, deploymentId);
  return record.deployment;
}

export function getDeployments(ctx: CoreContext, apiId: string, maxResults?: number, nextToken?: string) {
  requireApi(ctx, apiId);
  const all = ctx.repo.list(apiId, 'deployment').map((r) => r.deployment);
  return paginate(all, (d) => d.deploymentId, maxResults, nextToken);
}

export function deleteDeployment(ctx: CoreContext, apiId: string, deploymentId: string): void {
  requireApi(ctx, apiId);
  ctx.repo.mutate(apiId, () => {
    if (!ctx.repo.get(apiId, 'deployment', deploymentId)) throw notFound('Deployment', ctx.scope.accountId, deploymentId);
    const user = ctx.repo.list(apiId, 'stage').find((s) => s.deploymentId === deploymentId);
    if (user) throw BadRequest(`Deployment '${deploymentId}' is in use by stage '${user.stageName}' and cannot be deleted`);
    ctx.repo.delete(apiId, 'deployment', deploymentId);
  });
}
