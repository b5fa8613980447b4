// The control plane's state: every API Gateway entity lives in memory (frozen objects) and in
// SQLite (table `apigw_entities`, one JSON document per entity). Reads never touch SQLite.
//
// A mutation works on a *draft*: shallow copies of the maps it touches. When the mutation's
// function returns, the draft is diffed against the committed state by object identity, the
// changed documents are written in one SQLite transaction, and only then is the draft swapped
// in. A mutation that throws (bad input found half-way) or whose write fails leaves both memory
// and disk untouched: nothing is ever half-written.
import type { Store } from '../../store/database.js';
import { DEFAULT_ACCOUNT } from './keys.js';
import type {
  Account,
  ApiKey,
  Authorizer,
  CatalogEvent,
  Deployment,
  DeploymentSnapshot,
  GatewayResponse,
  Model,
  RequestValidator,
  Resource,
  RestApi,
  Scope,
  Stage,
  UsagePlan,
} from './model.js';

export interface DeploymentRecord {
  readonly deployment: Deployment;
  readonly snapshot: DeploymentSnapshot;
}

export interface PlanKeyLink {
  readonly usagePlanId: string;
  readonly keyId: string;
}

/** One REST API and everything under it. Maps are keyed by id (models by name, stages by name). */
export interface ApiState {
  readonly scope: Scope;
  api: RestApi;
  readonly resources: Map<string, Resource>;
  readonly models: Map<string, Model>;
  readonly validators: Map<string, RequestValidator>;
  readonly authorizers: Map<string, Authorizer>;
  /** Only responses the user Put; defaults come from ./gateway-responses.ts. */
  readonly gatewayResponses: Map<string, GatewayResponse>;
  readonly deployments: Map<string, DeploymentRecord>;
  readonly stages: Map<string, Stage>;
}

const API_KINDS = ['resources', 'models', 'validators', 'authorizers', 'gatewayResponses', 'deployments', 'stages'] as const;
type ApiKind = (typeof API_KINDS)[number];

/** Everything of one (account, region). */
export interface ScopeState {
  readonly scope: Scope;
  readonly apis: Map<string, ApiState>;
  readonly apiKeys: Map<string, ApiKey>;
  readonly usagePlans: Map<string, UsagePlan>;
  /** `${usagePlanId}/${keyId}` → link. */
  readonly planKeys: Map<string, PlanKeyLink>;
  /** Undefined until UpdateAccount; readers apply the defaults. */
  account: Account | undefined;
}

const SCOPE_KINDS = ['apiKeys', 'usagePlans', 'planKeys'] as const;

const MIGRATIONS = [
  {
    version: 1,
    sql: `CREATE TABLE apigw_entities (
            scope TEXT NOT NULL,
            api_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            id TEXT NOT NULL,
            doc TEXT NOT NULL,
            PRIMARY KEY (scope, api_id, kind, id)
          ) WITHOUT ROWID;`,
  },
];

export const scopeKey = (scope: Scope) => `${scope.accountId}/${scope.region}`;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}

function emptyApi(scope: Scope, api: RestApi): ApiState {
  return {
    scope,
    api,
    resources: new Map(),
    models: new Map(),
    validators: new Map(),
    authorizers: new Map(),
    gatewayResponses: new Map(),
    deployments: new Map(),
    stages: new Map(),
  };
}

function cloneApi(s: ApiState): ApiState {
  return {
    scope: s.scope,
    api: s.api,
    resources: new Map(s.resources),
    models: new Map(s.models),
    validators: new Map(s.validators),
    authorizers: new Map(s.authorizers),
    gatewayResponses: new Map(s.gatewayResponses),
    deployments: new Map(s.deployments),
    stages: new Map(s.stages),
  };
}

/** The mutable view a mutation works on. */
export class Draft {
  readonly scope: Scope;
  readonly apis: Map<string, ApiState>;
  readonly apiKeys: Map<string, ApiKey>;
  readonly usagePlans: Map<string, UsagePlan>;
  readonly planKeys: Map<string, PlanKeyLink>;
  account: Account | undefined;
  readonly events: CatalogEvent[] = [];
  /** APIs whose maps were copied (safe to mutate). */
  readonly touched = new Set<string>();

  constructor(readonly base: ScopeState) {
    this.scope = base.scope;
    this.apis = new Map(base.apis);
    this.apiKeys = new Map(base.apiKeys);
    this.usagePlans = new Map(base.usagePlans);
    this.planKeys = new Map(base.planKeys);
    this.account = base.account;
  }

  /** The API, ready to be changed; undefined if it does not exist (in this draft). */
  api(apiId: string): ApiState | undefined {
    const current = this.apis.get(apiId);
    if (!current) return undefined;
    if (this.touched.has(apiId)) return current;
    const copy = cloneApi(current);
    this.apis.set(apiId, copy);
    this.touched.add(apiId);
    return copy;
  }

  addApi(api: RestApi): ApiState {
    const state = emptyApi(this.scope, api);
    this.apis.set(api.id, state);
    this.touched.add(api.id);
    return state;
  }

  emit(event: CatalogEvent): void {
    this.events.push(event);
  }
}

type Write = { op: 'put'; apiId: string; kind: string; id: string; doc: unknown } | { op: 'del'; apiId: string; kind: string; id: string } | { op: 'dropApi'; apiId: string };

function diffMap(writes: Write[], apiId: string, kind: string, before: Map<string, unknown> | undefined, after: Map<string, unknown>): void {
  for (const [id, doc] of after) {
    if (before?.get(id) !== doc) writes.push({ op: 'put', apiId, kind, id, doc });
  }
  if (before) for (const id of before.keys()) if (!after.has(id)) writes.push({ op: 'del', apiId, kind, id });
}

export class ApiGatewayState {
  private readonly scopes = new Map<string, ScopeState>();
  /** apiId → scope key: data-plane URLs carry only the id. */
  private readonly apiIndex = new Map<string, string>();
  private readonly listeners = new Set<(e: CatalogEvent) => void>();
  /** Bumped on every commit; derived caches compare it. */
  version = 0;

  constructor(
    private readonly store: Store,
    /** What GetAccount reports, and the account throttle applied, until UpdateAccount. */
    readonly defaultAccount: Account = DEFAULT_ACCOUNT,
  ) {
    store.migrate('apigateway', MIGRATIONS);
    this.load();
  }

  private load(): void {
    const rows = this.store.db
      .prepare('SELECT scope, api_id, kind, id, doc FROM apigw_entities ORDER BY scope, api_id, kind')
      .all() as { scope: string; api_id: string; kind: string; id: string; doc: string }[];
    for (const row of rows) {
      const [accountId = '', region = ''] = row.scope.split('/');
      const state = this.ensureScope({ accountId, region });
      const doc = deepFreeze(JSON.parse(row.doc) as unknown);
      if (row.api_id === '') {
        if (row.kind === 'account') state.account = doc as Account;
        else if ((SCOPE_KINDS as readonly string[]).includes(row.kind)) {
          (state[row.kind as (typeof SCOPE_KINDS)[number]] as Map<string, unknown>).set(row.id, doc);
        }
        continue;
      }
      let api = state.apis.get(row.api_id);
      if (row.kind === 'api') {
        if (api) api.api = doc as RestApi;
        else {
          api = emptyApi(state.scope, doc as RestApi);
          state.apis.set(row.api_id, api);
        }
        this.apiIndex.set(row.api_id, row.scope);
        continue;
      }
      if (!api) {
        // Children sort after 'api' only alphabetically by kind; create the holder, fill api later.
        api = emptyApi(state.scope, undefined as unknown as RestApi);
        state.apis.set(row.api_id, api);
      }
      if ((API_KINDS as readonly string[]).includes(row.kind)) (api[row.kind as ApiKind] as Map<string, unknown>).set(row.id, doc);
    }
    // Drop holders whose API row is missing (cannot happen with transactional writes; be safe).
    for (const state of this.scopes.values()) for (const [id, api] of state.apis) if (!api.api) state.apis.delete(id);
  }

  /**
   * The committed state of a scope. Reads of a scope nothing was written to get a fresh empty
   * state that is not kept, so requests naming arbitrary regions cannot grow memory.
   */
  scopeState(scope: Scope): ScopeState {
    return this.scopes.get(scopeKey(scope)) ?? this.emptyScope(scope);
  }

  private emptyScope(scope: Scope): ScopeState {
    return { scope: { accountId: scope.accountId, region: scope.region }, apis: new Map(), apiKeys: new Map(), usagePlans: new Map(), planKeys: new Map(), account: undefined };
  }

  /** Like scopeState, but registers the scope (loading from disk). */
  private ensureScope(scope: Scope): ScopeState {
    const key = scopeKey(scope);
    let state = this.scopes.get(key);
    if (!state) {
      state = this.emptyScope(scope);
      this.scopes.set(key, state);
    }
    return state;
  }

  locateApi(apiId: string): Scope | undefined {
    const key = this.apiIndex.get(apiId);
    return key ? this.scopes.get(key)?.scope : undefined;
  }

  findUsagePlan(usagePlanId: string): UsagePlan | undefined {
    for (const s of this.scopes.values()) {
      const plan = s.usagePlans.get(usagePlanId);
      if (plan) return plan;
    }
    return undefined;
  }

  isApiIdTaken(apiId: string): boolean {
    return this.apiIndex.has(apiId);
  }

  subscribe(listener: (e: CatalogEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs `fn` on a draft of the scope and commits it atomically (see the module header). */
  mutate<T>(scope: Scope, fn: (draft: Draft) => T): T {
    const base = this.scopeState(scope);
    const draft = new Draft(base);
    const result = fn(draft);
    const writes: Write[] = [];
    for (const kind of SCOPE_KINDS) diffMap(writes, '', kind, base[kind] as Map<string, unknown>, draft[kind] as Map<string, unknown>);
    if (draft.account !== base.account && draft.account) writes.push({ op: 'put', apiId: '', kind: 'account', id: 'account', doc: draft.account });
    for (const apiId of base.apis.keys()) if (!draft.apis.has(apiId)) writes.push({ op: 'dropApi', apiId });
    for (const apiId of draft.touched) {
      const after = draft.apis.get(apiId);
      if (!after) continue;
      const before = base.apis.get(apiId);
      if (before?.api !== after.api) writes.push({ op: 'put', apiId, kind: 'api', id: apiId, doc: after.api });
      for (const kind of API_KINDS) diffMap(writes, apiId, kind, before?.[kind] as Map<string, unknown> | undefined, after[kind] as Map<string, unknown>);
    }
    if (writes.length > 0) this.write(scopeKey(scope), writes);

    // Committed on disk: publish in memory.
    for (const w of writes) if (w.op === 'put') deepFreeze(w.doc);
    const next: ScopeState = {
      scope: base.scope,
      apis: draft.apis,
      apiKeys: draft.apiKeys,
      usagePlans: draft.usagePlans,
      planKeys: draft.planKeys,
      account: draft.account,
    };
    const key = scopeKey(scope);
    this.scopes.set(key, next);
    for (const apiId of base.apis.keys()) if (!draft.apis.has(apiId)) this.apiIndex.delete(apiId);
    for (const apiId of draft.touched) if (draft.apis.has(apiId)) this.apiIndex.set(apiId, key);
    if (writes.length > 0) this.version++;
    for (const e of draft.events) for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // A listener's failure must not undo or fail an acknowledged write.
      }
    }
    return result;
  }

  private write(scope: string, writes: Write[]): void {
    const db = this.store.db;
    const put = db.prepare('INSERT OR REPLACE INTO apigw_entities (scope, api_id, kind, id, doc) VALUES (?, ?, ?, ?, ?)');
    const del = db.prepare('DELETE FROM apigw_entities WHERE scope = ? AND api_id = ? AND kind = ? AND id = ?');
    const drop = db.prepare('DELETE FROM apigw_entities WHERE scope = ? AND api_id = ?');
    db.transaction(() => {
      for (const w of writes) {
        if (w.op === 'put') put.run(scope, w.apiId, w.kind, w.id, JSON.stringify(w.doc));
        else if (w.op === 'del') del.run(scope, w.apiId, w.kind, w.id);
        else drop.run(scope, w.apiId);
      }
    })();
  }
}
