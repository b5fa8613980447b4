// Deployments (immutable snapshots of an API, history kept) and stages (which deployment is
// live, stage variables, per-method settings, canary). The data plane serves snapshots only.
import { BadRequest, Conflict, deploymentNotFound } from './errors.js';
import { effectiveGatewayResponses } from './gateway-responses.js';
import { newId, nowSeconds } from './ids.js';
import { LIMITS, checkCount } from './limits.js';
import type { Input } from './input.js';
import { apiIn, paginate, stageIn } from './lookup.js';
import type { ApiSummaryEntry, CanarySettings, Deployment, DeploymentSnapshot, MethodSetting, Scope, Stage } from './model.js';
import { boolValue, enumValue, intValue, invalidPath, numValue, pointer, requireValue, type PatchOp } from './patch.js';
import type { ApiGatewayState, ApiState, DeploymentRecord } from './state.js';

export const CACHE_SIZES = ['0.5', '1.6', '6.1', '13.5', '28.4', '58.2', '118', '237'] as const;
const STAGE_NAME = /^[a-zA-Z0-9_-]{1,128}$/;
const VARIABLE_NAME = /^[a-zA-Z0-9_]{1,64}$/;
const VARIABLE_VALUE = /^[A-Za-z0-9\-._~:/?#&=,]{1,512}$/;

// ---------------------------------------------------------------------------------------------
// Snapshots

function snapshotOf(api: ApiState, deploymentId: string, createdDate: number): DeploymentSnapshot {
  const resources = [...api.resources.values()].sort((a, b) => (a.parentId === undefined ? -1 : b.parentId === undefined ? 1 : a.path.localeCompare(b.path)));
  return {
    apiId: api.api.id,
    deploymentId,
    createdDate,
    api: {
      binaryMediaTypes: api.api.binaryMediaTypes,
      ...(api.api.minimumCompressionSize !== undefined ? { minimumCompressionSize: api.api.minimumCompressionSize } : {}),
      apiKeySource: api.api.apiKeySource,
      disableExecuteApiEndpoint: api.api.disableExecuteApiEndpoint,
      endpointConfiguration: api.api.endpointConfiguration,
      ...(api.api.policy !== undefined ? { policy: api.api.policy } : {}),
    },
    // Stored objects are frozen, so the snapshot can share them safely.
    resources,
    models: Object.fromEntries(api.models),
    requestValidators: Object.fromEntries(api.validators),
    authorizers: Object.fromEntries(api.authorizers),
    gatewayResponses: effectiveGatewayResponses(api.gatewayResponses),
  };
}

function apiSummaryOf(api: ApiState): Record<string, Record<string, ApiSummaryEntry>> {
  const out: Record<string, Record<string, ApiSummaryEntry>> = {};
  for (const r of api.resources.values()) {
    for (const [verb, m] of Object.entries(r.resourceMethods)) {
      (out[r.path] ??= {})[verb] = { authorizationType: m.authorizationType, apiKeyRequired: m.apiKeyRequired };
    }
  }
  return out;
}

function checkDeployable(api: ApiState): void {
  let methods = 0;
  for (const r of api.resources.values()) {
    for (const m of Object.values(r.resourceMethods)) {
      methods++;
      if (!m.methodIntegration) throw BadRequest('No integration defined for method');
    }
  }
  if (methods === 0) throw BadRequest("The REST API doesn't contain any methods");
}

// ---------------------------------------------------------------------------------------------
// Stage input checks

function checkStageName(name: string): void {
  if (!STAGE_NAME.test(name)) throw BadRequest('Stage name only allows a-zA-Z0-9_-');
}

function checkVariables(vars: Record<string, string>): void {
  for (const [k, v] of Object.entries(vars)) {
    if (!VARIABLE_NAME.test(k)) throw BadRequest(`Stage variable name '${k}' is invalid. Please use names matching [A-Za-z0-9_]+.`);
    if (!VARIABLE_VALUE.test(v)) throw BadRequest(`Stage variable value '${v}' is invalid. Please use values matching [A-Za-z0-9-._~:/?#&=,]+.`);
  }
}

function readCacheSize(input: Input): string | undefined {
  return input.enumOf('cacheClusterSize', CACHE_SIZES);
}

function checkPercent(p: number): void {
  if (!(p >= 0 && p <= 100)) throw BadRequest('Canary traffic percentage must be between 0.0 and 100.0');
}

function readCanary(input: Input | undefined, deploymentId: string | undefined): CanarySettings | undefined {
  if (!input) return undefined;
  const percentTraffic = input.num('percentTraffic') ?? 0;
  checkPercent(percentTraffic);
  const overrides = input.strMap('stageVariableOverrides') ?? {};
  checkVariables(overrides);
  const id = deploymentId ?? input.str('deploymentId');
  return { percentTraffic, ...(id ? { deploymentId: id } : {}), stageVariableOverrides: overrides, useStageCache: input.bool('useStageCache') ?? false };
}

function newStage(stageName: string, deploymentId: string, fields: Partial<Stage>): Stage {
  const now = nowSeconds();
  return {
    stageName,
    deploymentId,
    cacheClusterEnabled: false,
    cacheClusterStatus: 'NOT_AVAILABLE',
    methodSettings: {},
    variables: {},
    tracingEnabled: false,
    tags: {},
    ...fields,
    createdDate: now,
    lastUpdatedDate: now,
  };
}

function withCache(stage: Stage): Stage {
  return { ...stage, cacheClusterStatus: stage.cacheClusterEnabled ? 'AVAILABLE' : 'NOT_AVAILABLE', ...(stage.cacheClusterEnabled && !stage.cacheClusterSize ? { cacheClusterSize: '0.5' } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Deployments

const withoutSummary = (d: Deployment, embed: boolean): Deployment => {
  if (embed) return d;
  const { apiSummary: _drop, ...rest } = d;
  return rest;
};

export function createDeployment(state: ApiGatewayState, scope: Scope, apiId: string, input: Input): Deployment {
  const stageName = input.str('stageName');
  if (stageName !== undefined) checkStageName(stageName);
  const description = input.str('description');
  const stageDescription = input.str('stageDescription');
  const variables = input.strMap('variables');
  if (variables) checkVariables(variables);
  const cacheClusterEnabled = input.bool('cacheClusterEnabled');
  const cacheClusterSize = readCacheSize(input);
  const tracingEnabled = input.bool('tracingEnabled');
  const canaryInput = input.obj('canarySettings');
  return state.mutate(scope, (draft) => {
    apiIn(draft.apis, scope, apiId);
    const api = draft.api(apiId)!;
    checkDeployable(api);
    const id = newId();
    const createdDate = nowSeconds();
    const deployment: Deployment = { id, ...(description !== undefined ? { description } : {}), createdDate, apiSummary: apiSummaryOf(api) };
    api.deployments.set(id, { deployment, snapshot: snapshotOf(api, id, createdDate) });
    if (stageName === undefined || (stageName === '' && canaryInput)) {
      if (canaryInput) {
        throw BadRequest(
          `Invalid deployment content specified.Non null and non empty stageName must be provided for canary deployment. Provided value is ${stageName === undefined ? 'null' : ''}`,
        );
      }
      return withoutSummary(deployment, false);
    }
    const existing = api.stages.get(stageName);
    if (canaryInput) {
      if (!existing) throw BadRequest(`Invalid deployment content specified.Stage ${stageName} must already be created before making a canary release deployment`);
      const canarySettings = readCanary(canaryInput, id)!;
      api.stages.set(stageName, { ...existing, canarySettings, lastUpdatedDate: nowSeconds() });
    } else if (existing) {
      api.stages.set(
        stageName,
        withCache({
          ...existing,
          deploymentId: id,
          ...(stageDescription !== undefined ? { description: stageDescription } : {}),
          ...(variables ? { variables: { ...existing.variables, ...variables } } : {}),
          ...(cacheClusterEnabled !== undefined ? { cacheClusterEnabled } : {}),
          ...(cacheClusterSize !== undefined ? { cacheClusterSize } : {}),
          ...(tracingEnabled !== undefined ? { tracingEnabled } : {}),
          lastUpdatedDate: nowSeconds(),
        }),
      );
    } else {
      checkCount(api.stages.size, LIMITS.stagesPerApi, 'Stages');
      api.stages.set(
        stageName,
        withCache(
          newStage(stageName, id, {
            ...(stageDescription !== undefined ? { description: stageDescription } : {}),
            variables: variables ?? {},
            cacheClusterEnabled: cacheClusterEnabled ?? false,
            ...(cacheClusterSize !== undefined ? { cacheClusterSize } : {}),
            tracingEnabled: tracingEnabled ?? false,
          }),
        ),
      );
    }
    draft.emit({ type: 'stageChanged', scope, apiId, stageName });
    return withoutSummary(deployment, false);
  });
}

function deploymentIn(api: ApiState, id: string): DeploymentRecord {
  const d = api.deployments.get(id);
  if (!d) throw deploymentNotFound();
  return d;
}

export function getDeployment(state: ApiGatewayState, scope: Scope, apiId: string, id: string, embedSummary = false): Deployment {
  return withoutSummary(deploymentIn(apiIn(state.scopeState(scope).apis, scope, apiId), id).deployment, embedSummary);
}

export function listDeployments(state: ApiGatewayState, scope: Scope, apiId: string, position?: string, limit?: number) {
  const api = apiIn(state.scopeState(scope).apis, scope, apiId);
  const all = [...api.deployments.values()].map((d) => withoutSummary(d.deployment, false)).sort((a, b) => b.createdDate - a.createdDate);
  return paginate(all, position, limit);
}

/** The snapshot a deployment froze (used by GetExport). */
export function deploymentSnapshot(api: ApiState, id: string): DeploymentSnapshot {
  return deploymentIn(api, id).snapshot;
}

export function updateDeployment(state: ApiGatewayState, scope: Scope, apiId: string, id: string, ops: readonly PatchOp[]): Deployment {
  return state.mutate(scope, (draft) => {
    apiIn(draft.apis, scope, apiId);
    const api = draft.api(apiId)!;
    const record = deploymentIn(api, id);
    let d = record.deployment;
    for (const op of ops) {
      if (op.path !== '/description' || op.op !== 'replace') throw invalidPath(op, ['/description']);
      d = { ...d, description: op.value ?? '' };
    }
    api.deployments.set(id, { ...record, deployment: d });
    return withoutSummary(d, false);
  });
}

export function deleteDeployment(state: ApiGatewayState, scope: Scope, apiId: string, id: string): void {
  state.mutate(scope, (draft) => {
    apiIn(draft.apis, scope, apiId);
    const api = draft.api(apiId)!;
    deploymentIn(api, id);
    for (const s of api.stages.values()) {
      if (s.deploymentId === id || s.canarySettings?.deploymentId === id) {
        throw BadRequest('Active stages pointing to this deployment must be moved or deleted');
      }
    }
    api.deployments.delete(id);
  });
}

// ---------------------------------------------------------------------------------------------
// Stages

export function createStage(state: ApiGatewayState, scope: Scope, apiId: string, input: Input): Stage {
  const stageName = input.reqStr('stageName');
  checkStageName(stageName);
  const deploymentId = input.reqStr('deploymentId');
  const variables = input.strMap('variables') ?? {};
  checkVariables(variables);
  const description = input.str('description');
  const cacheClusterSize = readCacheSize(input);
  const documentationVersion = input.str('documentationVersion');
  const canary = readCanary(input.obj('canarySettings'), undefined);
  return state.mutate(scope, (draft) => {
    apiIn(draft.apis, scope, apiId);
    const api = draft.api(apiId)!;
    if (api.stages.has(stageName)) throw Conflict('Stage already exists');
    checkCount(api.stages.size, LIMITS.stagesPerApi, 'Stages');
    deploymentIn(api, deploymentId);
    if (canary?.deploymentId) deploymentIn(api, canary.deploymentId);
    const stage = withCache(
      newStage(stageName, deploymentId, {
        ...(description !== undefined ? { description } : {}),
        variables,
        cacheClusterEnabled: input.bool('cacheClusterEnabled') ?? false,
        ...(cacheClusterSize !== undefined ? { cacheClusterSize } : {}),
        tracingEnabled: input.bool('tracingEnabled') ?? false,
        ...(documentationVersion !== undefined ? { documentationVersion } : {}),
        ...(canary ? { canarySettings: { ...canary, deploymentId: canary.deploymentId ?? deploymentId } } : {}),
        tags: input.strMap('tags') ?? {},
      }),
    );
    api.stages.set(stageName, stage);
    draft.emit({ type: 'stageChanged', scope, apiId, stageName });
    return stage;
  });
}

export function getStage(state: ApiGatewayState, scope: Scope, apiId: string, stageName: string): Stage {
  return stageIn(apiIn(state.scopeState(scope).apis, scope, apiId), stageName);
}

export function listStages(state: ApiGatewayState, scope: Scope, apiId: string, deploymentId?: string): { item: Stage[] } {
  const api = apiIn(state.scopeState(scope).apis, scope, apiId);
  const all = [...api.stages.values()].filter((s) => !deploymentId || s.deploymentId === deploymentId);
  return { item: all.sort((a, b) => a.stageName.localeCompare(b.stageName)) };
}

export function deleteStage(state: ApiGatewayState, scope: Scope, apiId: string, stageName: string): void {
  state.mutate(scope, (draft) => {
    apiIn(draft.apis, scope, apiId);
    const api = draft.api(apiId)!;
    stageIn(api, stageName);
    api.stages.delete(stageName);
    draft.emit({ type: 'stageDeleted', scope, apiId, stageName });
  });
}

export function flushStageCache(state: ApiGatewayState, scope: Scope, apiId: string, stageName: string, what: 'data' | 'authorizers'): void {
  state.mutate(scope, (draft) => {
    stageIn(apiIn(draft.apis, scope, apiId), stageName);
    draft.emit({ type: what === 'data' ? 'flushStageCache' : 'flushStageAuthorizersCache', scope, apiId, stageName });
  });
}

/** AWS fills a new method-settings entry with these (throttles from the account defaults). */
const DEFAULT_METHOD_SETTING: MethodSetting = {
  metricsEnabled: false,
  loggingLevel: 'OFF',
  dataTraceEnabled: false,
  throttlingBurstLimit: 5000,
  throttlingRateLimit: 10000,
  cachingEnabled: false,
  cacheTtlInSeconds: 300,
  cacheDataEncrypted: false,
  requireAuthorizationForCacheControl: true,
  unauthorizedCacheControlHeaderStrategy: 'SUCCEED_WITH_RESPONSE_HEADER',
};

const METHOD_SETTING_PATHS: Record<string, (op: PatchOp) => Partial<MethodSetting>> = {
  'metrics/enabled': (op) => ({ metricsEnabled: boolValue(op) }),
  'logging/loglevel': (op) => ({ loggingLevel: enumValue(op, ['OFF', 'ERROR', 'INFO'] as const) }),
  'logging/dataTrace': (op) => ({ dataTraceEnabled: boolValue(op) }),
  'throttling/burstLimit': (op) => ({ throttlingBurstLimit: intValue(op, 0) }),
  'throttling/rateLimit': (op) => {
    const n = numValue(op);
    if (n < 0) throw BadRequest('Rate limit must be a non-negative number');
    return { throttlingRateLimit: n };
  },
  'caching/enabled': (op) => ({ cachingEnabled: boolValue(op) }),
  'caching/ttlInSeconds': (op) => ({ cacheTtlInSeconds: intValue(op, 0, 3600) }),
  'caching/dataEncrypted': (op) => ({ cacheDataEncrypted: boolValue(op) }),
  'caching/requireAuthorizationForCacheControl': (op) => ({ requireAuthorizationForCacheControl: boolValue(op) }),
  'caching/unauthorizedCacheControlHeaderStrategy': (op) => ({
    unauthorizedCacheControlHeaderStrategy: enumValue(op, ['FAIL_WITH_403', 'SUCCEED_WITH_RESPONSE_HEADER', 'SUCCEED_WITHOUT_RESPONSE_HEADER'] as const),
  }),
};

/** AWS's list in its "Invalid method setting path" message, verbatim (recorded, its typos included). */
const METHOD_SETTING_PATHS_AS_LISTED =
  '/deploymentId, /description, /cacheClusterEnabled, /cacheClusterSize, /clientCertificateId, /accessLogSettings, /accessLogSettings/destinationArn, /accessLogSettings/format, ' +
  '/{resourcePath}/{httpMethod}/metrics/enabled, /{resourcePath}/{httpMethod}/logging/dataTrace, /{resourcePath}/{httpMethod}/logging/loglevel, ' +
  '/{resourcePath}/{httpMethod}/throttling/burstLimit/{resourcePath}/{httpMethod}/throttling/rateLimit/{resourcePath}/{httpMethod}/caching/ttlInSeconds, ' +
  '/{resourcePath}/{httpMethod}/caching/enabled, /{resourcePath}/{httpMethod}/caching/dataEncrypted, /{resourcePath}/{httpMethod}/caching/requireAuthorizationForCacheControl, ' +
  '/{resourcePath}/{httpMethod}/caching/unauthorizedCacheControlHeaderStrategy, /*/*/metrics/enabled, /*/*/logging/dataTrace, /*/*/logging/loglevel, ' +
  '/*/*/throttling/burstLimit /*/*/throttling/rateLimit /*/*/caching/ttlInSeconds, /*/*/caching/enabled, /*/*/caching/dataEncrypted, ' +
  '/*/*/caching/requireAuthorizationForCacheControl, /*/*/caching/unauthorizedCacheControlHeaderStrategy, /variables/{variable_name}, /tracingEnabled';

/**
 * A path UpdateStage cannot apply. AWS answers a `replace` with its "method setting path" list
 * (recorded for /documentation_version, /tags/x, /canarySettings/x); other verbs keep the generic form.
 */
function badStagePath(op: PatchOp): Error {
  if (op.op === 'replace') return BadRequest(`Invalid method setting path: ${op.path}. Must be one of: [${METHOD_SETTING_PATHS_AS_LISTED}]`);
  return invalidPath(op, STAGE_PATHS);
}

const STAGE_PATHS = [
  '/description',
  '/deploymentId',
  '/variables/{name}',
  '/cacheClusterEnabled',
  '/cacheClusterSize',
  '/tracingEnabled',
  '/clientCertificateId',
  '/documentationVersion',
  '/webAclArn',
  '/accessLogSettings/format',
  '/accessLogSettings/destinationArn',
  '/canarySettings/percentTraffic',
  '/canarySettings/deploymentId',
  '/canarySettings/stageVariableOverrides/{name}',
  '/canarySettings/useStageCache',
  '/{resourcePath}/{httpMethod}/metrics/enabled',
  '/{resourcePath}/{httpMethod}/logging/loglevel',
  '/{resourcePath}/{httpMethod}/logging/dataTrace',
  '/{resourcePath}/{httpMethod}/throttling/burstLimit',
  '/{resourcePath}/{httpMethod}/throttling/rateLimit',
  '/{resourcePath}/{httpMethod}/caching/enabled',
  '/{resourcePath}/{httpMethod}/caching/ttlInSeconds',
  '/{resourcePath}/{httpMethod}/caching/dataEncrypted',
  '/{resourcePath}/{httpMethod}/caching/requireAuthorizationForCacheControl',
  '/{resourcePath}/{httpMethod}/caching/unauthorizedCacheControlHeaderStrategy',
];

/**
 * Method-settings key as AWS stores it: the resource path without its leading slash, then the
 * verb (`pets/GET`, `pets/{id}/GET`), or `*\/*` for every method.
 */
function methodSettingKey(api: ApiState, op: PatchOp, resourcePath: string, verb: string): string {
  if (resourcePath === '*' && verb === '*') return '*/*';
  const path = resourcePath.startsWith('/') ? resourcePath : `/${resourcePath}`;
  const resource = [...api.resources.values()].find((r) => r.path === path);
  const v = verb.toUpperCase();
  if (!resource || (v !== '*' && !resource.resourceMethods[v] && !resource.resourceMethods.ANY)) {
    throw BadRequest(`Cannot find method for path ${op.path}`);
  }
  return `${path.slice(1)}/${v}`;
}

function applyStagePatch(api: ApiState, stage: Stage, op: PatchOp): Stage {
  const segs = pointer(op.path);
  const [head = '', second, ...rest] = segs;
  const dropField = <K extends keyof Stage>(s: Stage, k: K): Stage => {
    const { [k]: _drop, ...r } = s;
    return r as Stage;
  };
  // `copy` promotes a canary: /canarySettings/deploymentId → /deploymentId, overrides → /variables.
  if (op.op === 'copy') {
    if (op.from === '/canarySettings/deploymentId' && op.path === '/deploymentId') {
      if (!stage.canarySettings?.deploymentId) throw BadRequest('Stage has no canary deployment to promote');
      return { ...stage, deploymentId: stage.canarySettings.deploymentId };
    }
    if (op.from === '/canarySettings/stageVariableOverrides' && op.path === '/variables') {
      return { ...stage, variables: { ...stage.variables, ...(stage.canarySettings?.stageVariableOverrides ?? {}) } };
    }
    throw invalidPath(op, ['/deploymentId', '/variables']);
  }
  switch (head) {
    case 'description':
    case 'clientCertificateId':
    case 'documentationVersion':
    case 'webAclArn':
      if (second !== undefined) throw badStagePath(op);
      if (op.op === 'remove' || (op.op === 'replace' && !op.value)) return dropField(stage, head);
      if (op.op === 'replace' || op.op === 'add') return { ...stage, [head]: op.value };
      throw badStagePath(op);
    case 'deploymentId':
      if (op.op !== 'replace' || second !== undefined) throw badStagePath(op);
      deploymentIn(api, requireValue(op));
      return { ...stage, deploymentId: op.value! };
    case 'variables': {
      if (second === undefined || rest.length || !['add', 'replace', 'remove'].includes(op.op)) throw badStagePath(op);
      const variables = { ...stage.variables };
      if (op.op === 'remove') delete variables[second];
      else variables[second] = requireValue(op);
      checkVariables(variables);
      return { ...stage, variables };
    }
    case 'cacheClusterEnabled':
      if (op.op !== 'replace') throw badStagePath(op);
      return withCache({ ...stage, cacheClusterEnabled: boolValue(op) });
    case 'cacheClusterSize':
      if (op.op !== 'replace') throw badStagePath(op);
      return { ...stage, cacheClusterSize: enumValue(op, CACHE_SIZES) };
    case 'tracingEnabled':
      if (op.op !== 'replace') throw badStagePath(op);
      return { ...stage, tracingEnabled: boolValue(op) };
    case 'accessLogSettings': {
      if (op.op === 'remove' && second === undefined) return dropField(stage, 'accessLogSettings');
      if ((second !== 'format' && second !== 'destinationArn') || rest.length) throw badStagePath(op);
      const current = { ...(stage.accessLogSettings ?? {}) };
      if (op.op === 'remove') delete current[second];
      else if (op.op === 'replace' || op.op === 'add') current[second] = requireValue(op);
      else throw badStagePath(op);
      return { ...stage, accessLogSettings: current };
    }
    case 'canarySettings': {
      if (second === undefined) {
        if (op.op === 'remove') return dropField(stage, 'canarySettings');
        throw badStagePath(op);
      }
      // AWS's wording for canary members it cannot add to or remove (recorded).
      if (op.op === 'add' && second !== 'stageVariableOverrides') throw BadRequest(`Invalid add operation with path: ${op.path}`);
      if (op.op === 'remove' && (second !== 'stageVariableOverrides' || rest[0] === undefined)) {
        throw BadRequest(`Cannot remove method setting ${op.path.slice(1)} because there is no method setting for this method `);
      }
      // A canary started by a patch serves the stage's own deployment until told otherwise (recorded).
      const canary: CanarySettings = stage.canarySettings ?? { deploymentId: stage.deploymentId, percentTraffic: 0, stageVariableOverrides: {}, useStageCache: false };
      switch (second) {
        case 'percentTraffic': {
          if (op.op !== 'replace') throw badStagePath(op);
          const p = numValue(op);
          checkPercent(p);
          return { ...stage, canarySettings: { ...canary, percentTraffic: p } };
        }
        case 'deploymentId':
          if (op.op !== 'replace') throw badStagePath(op);
          deploymentIn(api, requireValue(op));
          return { ...stage, canarySettings: { ...canary, deploymentId: op.value! } };
        case 'useStageCache':
          if (op.op !== 'replace') throw badStagePath(op);
          return { ...stage, canarySettings: { ...canary, useStageCache: boolValue(op) } };
        case 'stageVariableOverrides': {
          const name = rest[0];
          if (name === undefined || rest.length > 1 || !['add', 'replace', 'remove'].includes(op.op)) throw badStagePath(op);
          const overrides = { ...canary.stageVariableOverrides };
          if (op.op === 'remove') delete overrides[name];
          else overrides[name] = requireValue(op);
          checkVariables(overrides);
          return { ...stage, canarySettings: { ...canary, stageVariableOverrides: overrides } };
        }
        default:
          throw badStagePath(op);
      }
    }
    default: {
      // /{resourcePath}/{httpMethod}/{area}/{setting}, the resource path escaped with ~1.
      if (segs.length !== 4 || second === undefined) throw badStagePath(op);
      const key = methodSettingKey(api, op, head, second);
      if (op.op === 'remove') {
        const { [key]: _drop, ...restSettings } = stage.methodSettings;
        return { ...stage, methodSettings: restSettings };
      }
      const setter = METHOD_SETTING_PATHS[rest.join('/')];
      if (!setter || op.op !== 'replace') throw badStagePath(op);
      const base = stage.methodSettings[key] ?? stage.methodSettings['*/*'] ?? DEFAULT_METHOD_SETTING;
      return { ...stage, methodSettings: { ...stage.methodSettings, [key]: { ...base, ...setter(op) } } };
    }
  }
}

export function updateStage(state: ApiGatewayState, scope: Scope, apiId: string, stageName: string, ops: readonly PatchOp[]): Stage {
  return state.mutate(scope, (draft) => {
    apiIn(draft.apis, scope, apiId);
    const api = draft.api(apiId)!;
    let stage = stageIn(api, stageName);
    for (const op of ops) stage = applyStagePatch(api, stage, op);
    stage = { ...stage, lastUpdatedDate: nowSeconds() };
    api.stages.set(stageName, stage);
    draft.emit({ type: 'stageChanged', scope, apiId, stageName });
    return stage;
  });
}
