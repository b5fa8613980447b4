// The data plane's read side: answers from memory and memoises derived views until the next
// committed write (state.version), so a request never queries SQLite or rebuilds indexes.
import type { Account, ApiGatewayCatalog, ApiKey, CatalogEvent, ResolvedStage, Scope, StagePlanBinding, UsagePlan } from './model.js';
import type { ApiGatewayState } from './state.js';

const NO_PLANS: readonly StagePlanBinding[] = Object.freeze([]);

export class StateCatalog implements ApiGatewayCatalog {
  private version = -1;
  /** Only stages that exist are memoised: unknown names from requests must not grow memory. */
  private readonly stages = new Map<string, Map<string, ResolvedStage>>();
  private readonly keysByValue = new Map<string, Map<string, Map<string, ApiKey>>>();
  private readonly plans = new Map<string, readonly StagePlanBinding[]>();

  constructor(private readonly state: ApiGatewayState) {}

  /** Drops every memoised view when a write was committed since they were built. */
  private fresh(): void {
    if (this.version === this.state.version) return;
    this.version = this.state.version;
    this.stages.clear();
    this.keysByValue.clear();
    this.plans.clear();
  }

  locateApi(apiId: string): Scope | undefined {
    return this.state.locateApi(apiId);
  }

  resolveStage(accountId: string, region: string, apiId: string, stageName: string): ResolvedStage | undefined {
    this.fresh();
    // Keyed by API id (unique across scopes) then stage: no string building on the hot path.
    const cached = this.stages.get(apiId)?.get(stageName);
    if (cached) return cached.scope.accountId === accountId && cached.scope.region === region ? cached : undefined;
    const api = this.state.scopeState({ accountId, region }).apis.get(apiId);
    const stage = api?.stages.get(stageName);
    const record = stage ? api?.deployments.get(stage.deploymentId) : undefined;
    if (!api || !stage || !record) return undefined;
    const canaryRecord = stage.canarySettings?.deploymentId ? api.deployments.get(stage.canarySettings.deploymentId) : undefined;
    const resolved: ResolvedStage = Object.freeze({
      scope: api.scope,
      api: api.api,
      stage,
      deployment: record.snapshot,
      ...(canaryRecord && stage.canarySettings
        ? {
            canary: Object.freeze({
              deployment: canaryRecord.snapshot,
              percentTraffic: stage.canarySettings.percentTraffic,
              stageVariableOverrides: stage.canarySettings.stageVariableOverrides,
              useStageCache: stage.canarySettings.useStageCache,
            }),
          }
        : {}),
    });
    let byStage = this.stages.get(apiId);
    if (!byStage) {
      byStage = new Map();
      this.stages.set(apiId, byStage);
    }
    byStage.set(stageName, resolved);
    return resolved;
  }

  findApiKeyByValue(accountId: string, region: string, value: string): ApiKey | undefined {
    this.fresh();
    // account → region → value: nested maps so the hot path builds no strings.
    let index = this.keysByValue.get(accountId)?.get(region);
    if (!index) {
      const keys = this.state.scopeState({ accountId, region }).apiKeys;
      // Scopes without keys answer without building (and keeping) an index.
      if (keys.size === 0) return undefined;
      index = new Map();
      for (const k of keys.values()) index.set(k.value, k);
      let byRegion = this.keysByValue.get(accountId);
      if (!byRegion) {
        byRegion = new Map();
        this.keysByValue.set(accountId, byRegion);
      }
      byRegion.set(region, index);
    }
    return index.get(value);
  }

  usagePlansForStage(accountId: string, region: string, apiId: string, stageName: string): readonly StagePlanBinding[] {
    this.fresh();
    const key = `${accountId}/${region}/${apiId}/${stageName}`;
    const cached = this.plans.get(key);
    if (cached) return cached;
    const s = this.state.scopeState({ accountId, region });
    if (s.usagePlans.size === 0) return NO_PLANS;
    const out: StagePlanBinding[] = [];
    for (const plan of s.usagePlans.values()) {
      const apiStage = plan.apiStages.find((a) => a.apiId === apiId && a.stage === stageName);
      if (!apiStage) continue;
      const keys = new Map<string, ApiKey>();
      for (const link of s.planKeys.values()) {
        if (link.usagePlanId !== plan.id) continue;
        const k = s.apiKeys.get(link.keyId);
        if (k) keys.set(k.id, k);
      }
      out.push(Object.freeze({ plan, ...(apiStage.throttle ? { methodThrottle: apiStage.throttle } : {}), keys }));
    }
    const frozen = Object.freeze(out);
    this.plans.set(key, frozen);
    return frozen;
  }

  findUsagePlan(usagePlanId: string): UsagePlan | undefined {
    return this.state.findUsagePlan(usagePlanId);
  }

  account(accountId: string, region: string): Account {
    return this.state.scopeState({ accountId, region }).account ?? this.state.defaultAccount;
  }

  subscribe(listener: (event: CatalogEvent) => void): () => void {
    return this.state.subscribe(listener);
  }
}
