// API keys, usage plans, usage-plan keys, usage reports and the account settings.
import { BadRequest, Conflict, NotFound, apiKeyNotFound, usagePlanKeyNotFound, usagePlanNotFound } from './errors.js';
import { newApiKeyValue, newId, nowSeconds } from './ids.js';
import { LIMITS, checkAccountCount } from './limits.js';
import type { Input } from './input.js';
import { paginate } from './lookup.js';
import type { Account, ApiKey, ApiStage, QuotaPeriod, QuotaSettings, Scope, ThrottleSettings, UsageMeter, UsagePlan, UsagePlanKey } from './model.js';
import { boolValue, enumValue, intValue, invalidPath, numValue, pointer, requireValue, type PatchOp } from './patch.js';
import { checkTags } from './restapis.js';
import type { ApiGatewayState, Draft } from './state.js';

export const DEFAULT_ACCOUNT: Account = {
  throttleSettings: { burstLimit: 5000, rateLimit: 10000 },
  features: ['UsagePlans'],
  apiKeyVersion: '4',
};

// ---------------------------------------------------------------------------------------------
// API keys

function checkKeyValue(value: string): void {
  if (value.length < 20 || value.length > 128) throw BadRequest('API Key value should be at least 20 characters');
  if (!/^[\x21-\x7e]+$/.test(value)) throw BadRequest('API Key value contains invalid characters');
}

function checkStageKeys(draft: Draft, stageKeys: readonly string[]): void {
  for (const sk of stageKeys) {
    const [apiId = '', stage = ''] = sk.split('/');
    if (!draft.apis.get(apiId)?.stages.has(stage)) throw BadRequest(`Invalid stage key specified: ${sk}`);
  }
}

export function createApiKey(state: ApiGatewayState, scope: Scope, input: Input): ApiKey {
  const value = input.str('value');
  if (value !== undefined) checkKeyValue(value);
  const name = input.str('name');
  const description = input.str('description');
  const customerId = input.str('customerId');
  const stageKeys = (input.list('stageKeys') ?? []).map((sk) => `${sk.reqStr('restApiId')}/${sk.reqStr('stageName')}`);
  const tags = checkTags(input.strMap('tags'));
  return state.mutate(scope, (draft) => {
    const keyValue = value ?? newApiKeyValue();
    for (const k of draft.apiKeys.values()) if (k.value === keyValue) throw Conflict('API Key already exists');
    checkStageKeys(draft, stageKeys);
    checkAccountCount(draft.apiKeys.size, LIMITS.apiKeys, 'ApiKeys');
    const now = nowSeconds();
    const id = newId();
    const key: ApiKey = {
      id,
      value: keyValue,
      // AWS names an unnamed key after its id.
      name: name ?? id,
      ...(customerId !== undefined ? { customerId } : {}),
      ...(description !== undefined ? { description } : {}),
      enabled: input.bool('enabled') ?? false,
      createdDate: now,
      lastUpdatedDate: now,
      stageKeys,
      tags,
    };
    draft.apiKeys.set(id, key);
    draft.emit({ type: 'apiKeysChanged', scope });
    return key;
  });
}

/** Hides the value unless asked for it (`includeValue(s)`), as AWS does. */
export function presentKey(key: ApiKey, includeValue: boolean): Omit<ApiKey, 'value'> & { value?: string } {
  if (includeValue) return key;
  const { value: _hidden, ...rest } = key;
  return rest;
}

export function getApiKey(state: ApiGatewayState, scope: Scope, id: string): ApiKey {
  const k = state.scopeState(scope).apiKeys.get(id);
  if (!k) throw apiKeyNotFound();
  return k;
}

export function listApiKeys(state: ApiGatewayState, scope: Scope, opts: { nameQuery?: string; customerId?: string; position?: string; limit?: number }) {
  const all = [...state.scopeState(scope).apiKeys.values()]
    .filter((k) => !opts.nameQuery || k.name.startsWith(opts.nameQuery))
    .filter((k) => !opts.customerId || k.customerId === opts.customerId)
    .sort((a, b) => a.createdDate - b.createdDate || a.id.localeCompare(b.id));
  return paginate(all, opts.position, opts.limit);
}

const KEY_PATHS = ['/name', '/description', '/enabled', '/customerId', '/stages'];

export function updateApiKey(state: ApiGatewayState, scope: Scope, id: string, ops: readonly PatchOp[]): ApiKey {
  return state.mutate(scope, (draft) => {
    let k = draft.apiKeys.get(id);
    if (!k) throw apiKeyNotFound();
    for (const op of ops) {
      const [head = ''] = pointer(op.path);
      switch (head) {
        case 'name':
          if (op.op !== 'replace') throw invalidPath(op, KEY_PATHS);
          k = { ...k, name: requireValue(op) };
          break;
        case 'description':
        case 'customerId':
          if (op.op !== 'replace') throw invalidPath(op, KEY_PATHS);
          k = { ...k, [head]: op.value ?? '' };
          break;
        case 'enabled':
          if (op.op !== 'replace') throw invalidPath(op, KEY_PATHS);
          k = { ...k, enabled: boolValue(op) };
          break;
        case 'stages': {
          const sk = requireValue(op);
          if (op.op === 'add') {
            checkStageKeys(draft, [sk]);
            k = { ...k, stageKeys: [...new Set([...k.stageKeys, sk])] };
          } else if (op.op === 'remove') k = { ...k, stageKeys: k.stageKeys.filter((s) => s !== sk) };
          else throw invalidPath(op, KEY_PATHS);
          break;
        }
        default:
          throw invalidPath(op, KEY_PATHS);
      }
    }
    k = { ...k, lastUpdatedDate: nowSeconds() };
    draft.apiKeys.set(id, k);
    draft.emit({ type: 'apiKeysChanged', scope });
    return k;
  });
}

export function deleteApiKey(state: ApiGatewayState, scope: Scope, id: string): void {
  state.mutate(scope, (draft) => {
    if (!draft.apiKeys.has(id)) throw apiKeyNotFound();
    draft.apiKeys.delete(id);
    for (const [linkId, link] of draft.planKeys) if (link.keyId === id) draft.planKeys.delete(linkId);
    draft.emit({ type: 'apiKeysChanged', scope });
    draft.emit({ type: 'usagePlansChanged', scope });
  });
}

// ---------------------------------------------------------------------------------------------
// Usage plans

const QUOTA_PERIODS: readonly QuotaPeriod[] = ['DAY', 'WEEK', 'MONTH'];

function readThrottle(input: Input | undefined): ThrottleSettings | undefined {
  if (!input) return undefined;
  const burstLimit = input.int('burstLimit');
  const rateLimit = input.num('rateLimit');
  if (burstLimit !== undefined && burstLimit < 0) throw BadRequest('Burst limit must be a non-negative integer');
  if (rateLimit !== undefined && rateLimit < 0) throw BadRequest('Rate limit must be a non-negative number');
  return { ...(burstLimit !== undefined ? { burstLimit } : {}), ...(rateLimit !== undefined ? { rateLimit } : {}) };
}

function readQuota(input: Input | undefined): QuotaSettings | undefined {
  if (!input) return undefined;
  const limit = input.int('limit');
  const period = input.enumOf('period', QUOTA_PERIODS);
  if (limit === undefined || limit < 0) throw BadRequest('Quota limit must be a non-negative integer');
  if (period === undefined) throw BadRequest('Quota period must be specified: DAY, WEEK or MONTH');
  const offset = input.int('offset') ?? 0;
  checkOffset(period, offset);
  return { limit, offset, period };
}

function checkOffset(period: QuotaPeriod, offset: number): void {
  const max = period === 'DAY' ? 0 : period === 'WEEK' ? 6 : 27;
  if (offset < 0 || offset > max) throw BadRequest(`Quota offset must be between 0 and ${max} for period ${period}`);
}

/** A plan's stages must exist; a stage may belong to one plan only per API key, checked on keys. */
function checkApiStages(draft: Draft, scope: Scope, apiStages: readonly ApiStage[]): void {
  for (const s of apiStages) {
    const api = draft.apis.get(s.apiId);
    if (!api) throw NotFound(`Invalid API identifier specified ${scope.accountId}:${s.apiId}`);
    if (!api.stages.has(s.stage)) throw NotFound(`Invalid stage identifier specified`);
    for (const key of Object.keys(s.throttle ?? {})) {
      // `/pets/GET`; the root resource's methods are `/GET`.
      const m = /^(\/.*)?\/([A-Z*]+)$/.exec(key);
      const path = m ? m[1] || '/' : undefined;
      const resource = path ? [...api.resources.values()].find((r) => r.path === path) : undefined;
      if (!m || !resource || (m[2] !== '*' && !resource.resourceMethods[m[2]!])) {
        throw BadRequest(`Invalid method throttle key specified: ${key}. Use {resourcePath}/{httpMethod}`);
      }
    }
  }
}

function readApiStages(input: Input): ApiStage[] {
  return (input.list('apiStages') ?? []).map((s) => {
    const throttleIn = s.obj('throttle');
    let throttle: Record<string, ThrottleSettings> | undefined;
    if (throttleIn) {
      throttle = {};
      for (const k of Object.keys(throttleIn.raw)) throttle[k] = readThrottle(throttleIn.obj(k)) ?? {};
    }
    return { apiId: s.reqStr('apiId'), stage: s.reqStr('stage'), ...(throttle ? { throttle } : {}) };
  });
}

export function createUsagePlan(state: ApiGatewayState, scope: Scope, input: Input): UsagePlan {
  const name = input.reqStr('name');
  const description = input.str('description');
  const apiStages = readApiStages(input);
  const throttle = readThrottle(input.obj('throttle'));
  const quota = readQuota(input.obj('quota'));
  const productCode = input.str('productCode');
  const tags = checkTags(input.strMap('tags'));
  return state.mutate(scope, (draft) => {
    checkApiStages(draft, scope, apiStages);
    checkAccountCount(draft.usagePlans.size, LIMITS.usagePlans, 'UsagePlans');
    const plan: UsagePlan = {
      id: newId(6),
      name,
      ...(description !== undefined ? { description } : {}),
      apiStages,
      ...(throttle ? { throttle } : {}),
      ...(quota ? { quota } : {}),
      ...(productCode !== undefined ? { productCode } : {}),
      tags,
    };
    draft.usagePlans.set(plan.id, plan);
    draft.emit({ type: 'usagePlansChanged', scope });
    return plan;
  });
}

export function getUsagePlan(state: ApiGatewayState, scope: Scope, id: string): UsagePlan {
  const p = state.scopeState(scope).usagePlans.get(id);
  if (!p) throw usagePlanNotFound(id);
  return p;
}

export function listUsagePlans(state: ApiGatewayState, scope: Scope, opts: { keyId?: string; position?: string; limit?: number }) {
  const s = state.scopeState(scope);
  if (opts.keyId !== undefined && !s.apiKeys.has(opts.keyId)) throw apiKeyNotFound();
  const all = [...s.usagePlans.values()].filter((p) => opts.keyId === undefined || s.planKeys.has(`${p.id}/${opts.keyId}`));
  return paginate(all, opts.position, opts.limit);
}

const PLAN_PATHS = ['/name', '/description', '/productCode', '/apiStages', '/apiStages/{apiId}:{stage}/throttle/{resourcePath}/{httpMethod}/rateLimit', '/throttle/rateLimit', '/throttle/burstLimit', '/quota/limit', '/quota/period', '/quota/offset'];

function applyPlanPatch(draft: Draft, scope: Scope, plan: UsagePlan, op: PatchOp): UsagePlan {
  const segs = pointer(op.path);
  const [head = '', second, ...rest] = segs;
  switch (head) {
    case 'name':
      if (op.op !== 'replace') throw invalidPath(op, PLAN_PATHS);
      return { ...plan, name: requireValue(op) };
    case 'description':
    case 'productCode':
      if (op.op !== 'replace') throw invalidPath(op, PLAN_PATHS);
      return { ...plan, [head]: op.value ?? '' };
    case 'throttle': {
      if (second === undefined && op.op === 'remove') {
        const { throttle: _drop, ...r } = plan;
        return r;
      }
      if ((second !== 'rateLimit' && second !== 'burstLimit') || !['replace', 'add', 'remove'].includes(op.op)) throw invalidPath(op, PLAN_PATHS);
      const t = { ...(plan.throttle ?? {}) };
      if (op.op === 'remove') delete t[second];
      else t[second] = second === 'burstLimit' ? intValue(op, 0) : numValue(op);
      return { ...plan, throttle: t };
    }
    case 'quota': {
      if (second === undefined && op.op === 'remove') {
        const { quota: _drop, ...r } = plan;
        return r;
      }
      if (op.op !== 'replace' && op.op !== 'add') throw invalidPath(op, PLAN_PATHS);
      const q: QuotaSettings = { limit: plan.quota?.limit ?? 0, offset: plan.quota?.offset ?? 0, period: plan.quota?.period ?? 'DAY' };
      let next: QuotaSettings;
      if (second === 'limit') next = { ...q, limit: intValue(op, 0) };
      else if (second === 'offset') next = { ...q, offset: intValue(op, 0) };
      else if (second === 'period') next = { ...q, period: enumValue(op, QUOTA_PERIODS) };
      else throw invalidPath(op, PLAN_PATHS);
      checkOffset(next.period, next.offset);
      return { ...plan, quota: next };
    }
    case 'apiStages': {
      if (second === undefined) {
        // add/remove take the stage as value `{apiId}:{stage}`.
        const [apiId = '', stage = ''] = requireValue(op).split(':');
        if (op.op === 'add') {
          if (plan.apiStages.some((s) => s.apiId === apiId && s.stage === stage)) throw Conflict(`Stage ${stage} of API ${apiId} is already in the usage plan`);
          const added = { apiId, stage };
          checkApiStages(draft, scope, [added]);
          return { ...plan, apiStages: [...plan.apiStages, added] };
        }
        if (op.op === 'remove') {
          if (!plan.apiStages.some((s) => s.apiId === apiId && s.stage === stage)) throw BadRequest('Invalid API Stage specified');
          return { ...plan, apiStages: plan.apiStages.filter((s) => !(s.apiId === apiId && s.stage === stage)) };
        }
        throw invalidPath(op, PLAN_PATHS);
      }
      // /apiStages/{apiId}:{stage}/throttle/{~1path}/{VERB}/(rateLimit|burstLimit)  or  …/throttle (remove)
      const [apiId = '', stage = ''] = second.split(':');
      const index = plan.apiStages.findIndex((s) => s.apiId === apiId && s.stage === stage);
      if (index < 0) throw NotFound('Invalid stage identifier specified');
      if (rest[0] !== 'throttle') throw invalidPath(op, PLAN_PATHS);
      const current = plan.apiStages[index]!;
      const throttle = { ...(current.throttle ?? {}) };
      if (rest.length === 1) {
        if (op.op !== 'remove') throw invalidPath(op, PLAN_PATHS);
        for (const k of Object.keys(throttle)) delete throttle[k];
      } else {
        const [, path = '', verb = '', field] = rest;
        const resourcePath = path.startsWith('/') ? path : '/' + path;
        const key = resourcePath === '/' ? `/${verb}` : `${resourcePath}/${verb}`;
        if (field === undefined) {
          if (op.op !== 'remove') throw invalidPath(op, PLAN_PATHS);
          delete throttle[key];
        } else if (field === 'rateLimit' || field === 'burstLimit') {
          const t = { ...(throttle[key] ?? {}) };
          if (op.op === 'remove') delete t[field];
          else t[field] = field === 'burstLimit' ? intValue(op, 0) : numValue(op);
          throttle[key] = t;
        } else throw invalidPath(op, PLAN_PATHS);
      }
      const updated: ApiStage = { apiId, stage, ...(Object.keys(throttle).length ? { throttle } : {}) };
      checkApiStages(draft, scope, [updated]);
      const apiStages = [...plan.apiStages];
      apiStages[index] = updated;
      return { ...plan, apiStages };
    }
    default:
      throw invalidPath(op, PLAN_PATHS);
  }
}

export function updateUsagePlan(state: ApiGatewayState, scope: Scope, id: string, ops: readonly PatchOp[]): UsagePlan {
  return state.mutate(scope, (draft) => {
    let plan = draft.usagePlans.get(id);
    if (!plan) throw usagePlanNotFound(id);
    for (const op of ops) plan = applyPlanPatch(draft, scope, plan, op);
    draft.usagePlans.set(id, plan);
    draft.emit({ type: 'usagePlansChanged', scope });
    return plan;
  });
}

export function deleteUsagePlan(state: ApiGatewayState, scope: Scope, id: string): void {
  state.mutate(scope, (draft) => {
    const plan = draft.usagePlans.get(id);
    if (!plan) throw usagePlanNotFound(id);
    const attached = plan.apiStages[0];
    if (attached) {
      throw BadRequest(`Cannot delete Usage Plan ${id} because there are API Stages associated with it, including ${attached.apiId}:${attached.stage}`);
    }
    draft.usagePlans.delete(id);
    for (const [linkId, link] of draft.planKeys) if (link.usagePlanId === id) draft.planKeys.delete(linkId);
    draft.emit({ type: 'usagePlansChanged', scope });
  });
}

// ---------------------------------------------------------------------------------------------
// Usage plan keys

const planKey = (k: ApiKey): UsagePlanKey => ({ id: k.id, type: 'API_KEY', value: k.value, name: k.name });

export function createUsagePlanKey(state: ApiGatewayState, scope: Scope, planId: string, input: Input): UsagePlanKey {
  const keyId = input.reqStr('keyId');
  const keyType = input.reqStr('keyType');
  if (keyType !== 'API_KEY') throw BadRequest(`Invalid key type specified: ${keyType}. Must be API_KEY`);
  return state.mutate(scope, (draft) => {
    const plan = draft.usagePlans.get(planId);
    if (!plan) throw usagePlanNotFound(planId);
    const key = draft.apiKeys.get(keyId);
    if (!key) throw apiKeyNotFound();
    if (draft.planKeys.has(`${planId}/${keyId}`)) throw Conflict(`Usage Plan ${planId} cannot be added because API Key ${keyId} is already in it`);
    // A key may not reach the same stage through two plans: the throttle and quota would be ambiguous.
    for (const link of draft.planKeys.values()) {
      if (link.keyId !== keyId) continue;
      const other = draft.usagePlans.get(link.usagePlanId);
      const shared = other?.apiStages.find((s) => plan.apiStages.some((p) => p.apiId === s.apiId && p.stage === s.stage));
      if (shared) {
        throw Conflict(`Usage Plan ${planId} cannot be added because API Key ${keyId} cannot reference multiple Usage Plans with the same API Stage: ${shared.apiId}:${shared.stage}`);
      }
    }
    draft.planKeys.set(`${planId}/${keyId}`, { usagePlanId: planId, keyId });
    draft.emit({ type: 'usagePlansChanged', scope });
    return planKey(key);
  });
}

export function getUsagePlanKey(state: ApiGatewayState, scope: Scope, planId: string, keyId: string): UsagePlanKey {
  const s = state.scopeState(scope);
  if (!s.usagePlans.has(planId)) throw usagePlanNotFound(planId);
  const key = s.apiKeys.get(keyId);
  if (!key || !s.planKeys.has(`${planId}/${keyId}`)) throw usagePlanKeyNotFound();
  return planKey(key);
}

export function listUsagePlanKeys(state: ApiGatewayState, scope: Scope, planId: string, opts: { nameQuery?: string; position?: string; limit?: number }) {
  const s = state.scopeState(scope);
  if (!s.usagePlans.has(planId)) throw usagePlanNotFound(planId);
  const keys = [...s.planKeys.values()]
    .filter((l) => l.usagePlanId === planId)
    .map((l) => s.apiKeys.get(l.keyId))
    .filter((k): k is ApiKey => k !== undefined && (!opts.nameQuery || k.name.startsWith(opts.nameQuery)))
    .map(planKey);
  return paginate(keys, opts.position, opts.limit);
}

export function deleteUsagePlanKey(state: ApiGatewayState, scope: Scope, planId: string, keyId: string): void {
  state.mutate(scope, (draft) => {
    if (!draft.usagePlans.has(planId)) throw usagePlanNotFound(planId);
    if (!draft.planKeys.delete(`${planId}/${keyId}`)) throw usagePlanKeyNotFound();
    draft.emit({ type: 'usagePlansChanged', scope });
  });
}

// ---------------------------------------------------------------------------------------------
// Usage (counters live in the data plane's UsageMeter)

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function checkDay(field: string, value: string): number {
  const t = Date.parse(`${value}T00:00:00Z`);
  if (!DAY.test(value) || Number.isNaN(t)) throw BadRequest(`Invalid ${field} specified: ${value}. Must be yyyy-MM-dd`);
  return t;
}

export function getUsage(
  state: ApiGatewayState,
  scope: Scope,
  meter: UsageMeter | undefined,
  planId: string,
  opts: { startDate: string; endDate: string; keyId?: string; position?: string; limit?: number },
) {
  const s = state.scopeState(scope);
  const plan = s.usagePlans.get(planId);
  if (!plan) throw usagePlanNotFound(planId);
  const start = checkDay('startDate', opts.startDate);
  const end = checkDay('endDate', opts.endDate);
  if (end < start) throw BadRequest('The end date must be on or after the start date');
  const days = Math.round((end - start) / 86_400_000) + 1;
  if (days > 90) throw BadRequest('The usage data period cannot exceed 90 days');
  let keyIds = [...s.planKeys.values()].filter((l) => l.usagePlanId === planId).map((l) => l.keyId);
  if (opts.keyId !== undefined) {
    if (!keyIds.includes(opts.keyId)) throw usagePlanKeyNotFound();
    keyIds = [opts.keyId];
  }
  const recorded = meter?.getUsage(planId, keyIds, opts.startDate, opts.endDate) ?? {};
  const items: Record<string, (readonly [number, number])[]> = {};
  for (const keyId of keyIds) {
    const series = recorded[keyId];
    items[keyId] = series ? [...series] : Array.from({ length: days }, () => [0, plan.quota?.limit ?? 0] as const);
  }
  return { usagePlanId: planId, startDate: opts.startDate, endDate: opts.endDate, values: items };
}

export function updateUsage(state: ApiGatewayState, scope: Scope, meter: UsageMeter | undefined, planId: string, keyId: string, ops: readonly PatchOp[]) {
  const s = state.scopeState(scope);
  const plan = s.usagePlans.get(planId);
  if (!plan) throw usagePlanNotFound(planId);
  if (!s.planKeys.has(`${planId}/${keyId}`)) throw usagePlanKeyNotFound();
  for (const op of ops) {
    if (op.op !== 'replace' || op.path !== '/remaining') throw invalidPath(op, op.op === 'replace' ? ['/remaining'] : []);
    const n = intValue(op, 0);
    if (!meter) throw BadRequest('Usage metering is not enabled on this server');
    meter.setRemaining(planId, keyId, n);
  }
  const today = new Date().toISOString().slice(0, 10);
  return getUsage(state, scope, meter, planId, { startDate: today, endDate: today, keyId });
}

// ---------------------------------------------------------------------------------------------
// Account

export function getAccount(state: ApiGatewayState, scope: Scope): Account {
  return state.scopeState(scope).account ?? state.defaultAccount;
}

export function updateAccount(state: ApiGatewayState, scope: Scope, ops: readonly PatchOp[]): Account {
  const allowed = ['/cloudwatchRoleArn', '/features'];
  return state.mutate(scope, (draft) => {
    let account = draft.account ?? state.defaultAccount;
    for (const op of ops) {
      if (op.path === '/cloudwatchRoleArn') {
        if (op.op === 'remove' || (op.op === 'replace' && !op.value)) {
          const { cloudwatchRoleArn: _drop, ...r } = account;
          account = r;
        } else if (op.op === 'replace' || op.op === 'add') {
          const arn = requireValue(op);
          if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(arn)) throw BadRequest(`The role ARN is not well formed: ${arn}`);
          account = { ...account, cloudwatchRoleArn: arn };
        } else throw invalidPath(op, allowed);
      } else if (op.path === '/features') {
        const f = requireValue(op);
        if (op.op === 'add') account = { ...account, features: [...new Set([...account.features, f])] };
        else if (op.op === 'remove') account = { ...account, features: account.features.filter((x) => x !== f) };
        else throw invalidPath(op, allowed);
      } else throw invalidPath(op, allowed);
    }
    draft.account = account;
    draft.emit({ type: 'accountChanged', scope });
    return account;
  });
}
