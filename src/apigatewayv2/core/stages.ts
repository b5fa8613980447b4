// Stages of HTTP APIs: `$default` (served at the root of the invoke URL) or a named stage (served
// under `/{stageName}`), pointing at a deployment, or auto-deployed on every change.
import type { Input } from '../../apigateway/index.js';
import { type CoreContext, now, paginate, requireApi } from './context.js';
import { deployStageNow, pointStage } from './deployments.js';
import { BadRequest, Conflict, notFound } from './errors.js';
import type { RouteSettings, Stage } from './model.js';

export const DEFAULT_STAGE = '$default';
const STAGE_NAME = /^[A-Za-z0-9_-]{1,128}$/;
const VARIABLE_NAME = /^[A-Za-z0-9_]{1,64}$/;
const VARIABLE_VALUE = /^[A-Za-z0-9\-._~:/?#&=,]{0,2048}$/;

function stageVariables(input: Input): Record<string, string> | undefined {
  const vars = input.strMap('stageVariables');
  if (!vars) return undefined;
  for (const [k, v] of Object.entries(vars)) {
    if (!VARIABLE_NAME.test(k)) throw BadRequest(`Stage variable name '${k}' must be alphanumeric or underscores, at most 64 characters`);
    if (!VARIABLE_VALUE.test(v)) throw BadRequest(`Stage variable value '${v}' for '${k}' has characters AWS does not allow`);
  }
  return vars;
}

function readRouteSettings(s: Input): RouteSettings {
  const burst = s.int('throttlingBurstLimit');
  const rate = s.num('throttlingRateLimit');
  if ((burst !== undefined && burst < 0) || (rate !== undefined && rate < 0)) {
    throw BadRequest('Throttling limits must not be negative');
  }
  return {
    detailedMetricsEnabled: s.bool('detailedMetricsEnabled') ?? false,
    ...(burst !== undefined ? { throttlingBurstLimit: burst } : {}),
    ...(rate !== undefined ? { throttlingRateLimit: rate } : {}),
  };
}

function routeDefaults(input: Input): RouteSettings | undefined {
  const s = input.obj('defaultRouteSettings');
  return s ? readRouteSettings(s) : undefined;
}

/** `routeSettings`, keyed by route key (`GET /pets`, `$default`). */
function perRoute(input: Input): Record<string, RouteSettings> | undefined {
  const map = input.obj('routeSettings');
  if (!map) return undefined;
  const out: Record<string, RouteSettings> = {};
  for (const key of Object.keys(map.raw)) {
    const s = map.obj(key);
    if (s) out[key] = readRouteSettings(s);
  }
  return out;
}

/**
 * `accessLogSettings`: a CloudWatch Logs group ARN and a one-line format that must name
 * `$context.requestId` or `$context.extendedRequestId` (AWS refuses it otherwise).
 */
function accessLogSettings(input: Input): { destinationArn?: string; format?: string } | undefined {
  const s = input.obj('accessLogSettings');
  if (!s) return undefined;
  const destinationArn = s.str('destinationArn');
  const format = s.str('format');
  if (destinationArn !== undefined && !/^arn:[^:]+:logs:[^:]+:\d{12}:log-group:[^:]+(:\*)?$/.test(destinationArn)) {
    throw BadRequest(`Invalid destination ARN: ${destinationArn}. Only CloudWatch Logs log group ARNs are supported`);
  }
  if (format !== undefined && !/\$context\.(requestId|extendedRequestId)\b/.test(format)) {
    throw BadRequest('Access log format must contain $context.requestId or $context.extendedRequestId');
  }
  return { ...(destinationArn !== undefined ? { destinationArn } : {}), ...(format !== undefined ? { format } : {}) };
}

function checkDeployment(ctx: CoreContext, apiId: string, deploymentId: string | undefined): void {
  if (deploymentId !== undefined && !ctx.repo.get(apiId, 'deployment', deploymentId)) {
    throw notFound('Deployment', ctx.scope.accountId, deploymentId);
  }
}

/** Builds and stores a stage inside the caller's mutation (also used by quick create). */
export function addStage(ctx: CoreContext, apiId: string, input: Input, managed = false): Stage {
  const stageName = input.reqStr('stageName');
  // WebSocket URLs always carry the stage: AWS keeps `$default` stages for HTTP APIs.
  if (stageName === DEFAULT_STAGE && requireApi(ctx, apiId).protocolType === 'WEBSOCKET') {
    throw BadRequest(`Stage name '${stageName}' is invalid for WebSocket APIs: use letters, digits, '-' and '_' (at most 128)`);
  }
  if (stageName !== DEFAULT_STAGE && !STAGE_NAME.test(stageName)) {
    throw BadRequest(`Stage name '${stageName}' is invalid: use $default or letters, digits, '-' and '_' (at most 128)`);
  }
  if (ctx.repo.get(apiId, 'stage', stageName)) throw Conflict(`Stage already exists: ${stageName}`);
  const deploymentId = input.str('deploymentId');
  checkDeployment(ctx, apiId, deploymentId);
  const autoDeploy = input.bool('autoDeploy') ?? false;
  if (autoDeploy && deploymentId !== undefined) throw BadRequest('A stage with AutoDeploy enabled cannot name a deployment');
  const at = now();
  const description = input.str('description');
  const variables = stageVariables(input);
  const accessLogs = accessLogSettings(input);
  const stage: Stage = {
    stageName,
    autoDeploy,
    createdDate: at,
    lastUpdatedDate: at,
    defaultRouteSettings: routeDefaults(input) ?? { detailedMetricsEnabled: false },
    routeSettings: perRoute(input) ?? {},
    tags: input.strMap('tags') ?? {},
    ...(deploymentId !== undefined ? { deploymentId } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(variables !== undefined ? { stageVariables: variables } : {}),
    ...(accessLogs !== undefined ? { accessLogSettings: accessLogs } : {}),
    ...(managed ? { apiGatewayManaged: true } : {}),
  };
  ctx.repo.put(apiId, 'stage', stageName, stage);
  return autoDeploy ? deployStageNow(ctx, apiId, stage) : stage;
}

export function createStage(ctx: CoreContext, apiId: string, input: Input): Stage {
  requireApi(ctx, apiId);
  return ctx.repo.mutate(apiId, () => addStage(ctx, apiId, input));
}

export function getStage(ctx: CoreContext, apiId: string, stageName: string): Stage {
  requireApi(ctx, apiId);
  const found = ctx.repo.get(apiId, 'stage', stageName);
  if (!found) throw notFound('Stage', ctx.scope.accountId, stageName);
  return found;
}

export function getStages(ctx: CoreContext, apiId: string, maxResults?: number, nextToken?: string) {
  requireApi(ctx, apiId);
  return paginate(ctx.repo.list(apiId, 'stage'), (s) => s.stageName, maxResults, nextToken);
}

export function updateStage(ctx: CoreContext, apiId: string, stageName: string, input: Input): Stage {
  const current = getStage(ctx, apiId, stageName);
  const deploymentId = input.str('deploymentId');
  const autoDeploy = input.bool('autoDeploy') ?? current.autoDeploy;
  if (autoDeploy && deploymentId !== undefined) throw BadRequest('A stage with AutoDeploy enabled cannot name a deployment');
  const description = input.str('description') ?? current.description;
  const variables = stageVariables(input) ?? current.stageVariables;
  const accessLogs = accessLogSettings(input) ?? current.accessLogSettings;
  const updated: Stage = {
    ...current,
    autoDeploy,
    lastUpdatedDate: now(),
    defaultRouteSettings: routeDefaults(input) ?? current.defaultRouteSettings,
    routeSettings: perRoute(input) ?? current.routeSettings,
    ...(description !== undefined ? { description } : {}),
    ...(variables !== undefined ? { stageVariables: variables } : {}),
    ...(accessLogs !== undefined ? { accessLogSettings: accessLogs } : {}),
  };
  return ctx.repo.mutate(apiId, () => {
    checkDeployment(ctx, apiId, deploymentId);
    ctx.repo.put(apiId, 'stage', stageName, updated);
    if (deploymentId !== undefined) return pointStage(ctx, apiId, updated, deploymentId);
    // Switching AutoDeploy on deploys the current configuration at once, as AWS does.
    if (autoDeploy && !current.autoDeploy) return deployStageNow(ctx, apiId, updated);
    return updated;
  });
}

export function deleteStage(ctx: CoreContext, apiId: string, stageName: string): void {
  getStage(ctx, apiId, stageName);
  ctx.repo.mutate(apiId, () => ctx.repo.delete(apiId, 'stage', stageName));
}
