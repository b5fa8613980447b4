// HTTP APIs in SQLite: one row per API and one per child (route, integration, authorizer, stage, deployment),
// each a JSON document of the wire shape. Every mutation is one transaction; a revision counter per
// API (in memory: one process owns the store) lets the data plane cache compiled route tables.
import type { Store } from '../../store/database.js';
import type { Authorizer, DeploymentRecord, HttpApi, Integration, Route, RouteResponseRecord, Scope, Stage } from './model.js';

const MIGRATIONS = [
  {
    version: 1,
    sql: `CREATE TABLE apigwv2_apis (
            api_id TEXT PRIMARY KEY,
            account_id TEXT NOT NULL,
            region TEXT NOT NULL,
            doc TEXT NOT NULL
          );
          CREATE INDEX apigwv2_apis_scope ON apigwv2_apis (account_id, region);
          CREATE TABLE apigwv2_children (
            api_id TEXT NOT NULL REFERENCES apigwv2_apis (api_id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            id TEXT NOT NULL,
            doc TEXT NOT NULL,
            PRIMARY KEY (api_id, kind, id)
          ) WITHOUT ROWID;`,
  },
];

/** The document stored for each kind of child. */
export interface Kinds {
  route: Route;
  integration: Integration;
  authorizer: Authorizer;
  stage: Stage;
  deployment: DeploymentRecord;
  /** WebSocket route responses, keyed by routeResponseId. */
  routeResponse: RouteResponseRecord;
}
export type Kind = keyof Kinds;

export class HttpApiRepository {
  private readonly revisions = new Map<string, number>();
  private readonly q;

  constructor(private readonly store: Store) {
    store.migrate('apigatewayv2', MIGRATIONS);
    const db = store.db;
    this.q = {
      api: db.prepare<[string], { account_id: string; region: string; doc: string }>('SELECT account_id, region, doc FROM apigwv2_apis WHERE api_id = ?'),
      apis: db.prepare<[string, string], { doc: string }>('SELECT doc FROM apigwv2_apis WHERE account_id = ? AND region = ? ORDER BY api_id'),
      // An upsert, not INSERT OR REPLACE: REPLACE deletes the row first, and the children's ON DELETE
      // CASCADE would take every route, integration, stage and deployment of the API with it.
      putApi: db.prepare(
        'INSERT INTO apigwv2_apis (api_id, account_id, region, doc) VALUES (?, ?, ?, ?) ON CONFLICT (api_id) DO UPDATE SET account_id = excluded.account_id, region = excluded.region, doc = excluded.doc',
      ),
      deleteApi: db.prepare('DELETE FROM apigwv2_apis WHERE api_id = ?'),
      child: db.prepare<[string, string, string], { doc: string }>('SELECT doc FROM apigwv2_children WHERE api_id = ? AND kind = ? AND id = ?'),
      children: db.prepare<[string, string], { doc: string }>('SELECT doc FROM apigwv2_children WHERE api_id = ? AND kind = ? ORDER BY id'),
      putChild: db.prepare('INSERT OR REPLACE INTO apigwv2_children (api_id, kind, id, doc) VALUES (?, ?, ?, ?)'),
      deleteChild: db.prepare('DELETE FROM apigwv2_children WHERE api_id = ? AND kind = ? AND id = ?'),
    };
  }

  /** Runs `fn` in one SQLite transaction and bumps the API's revision once it committed. */
  mutate<T>(apiId: string, fn: () => T): T {
    const out = this.store.transaction(fn);
    this.revisions.set(apiId, (this.revisions.get(apiId) ?? 0) + 1);
    return out;
  }

  revision(apiId: string): number {
    return this.revisions.get(apiId) ?? 0;
  }

  findApi(apiId: string): { scope: Scope; api: HttpApi } | undefined {
    const row = this.q.api.get(apiId);
    if (!row) return undefined;
    return { scope: { accountId: row.account_id, region: row.region }, api: JSON.parse(row.doc) as HttpApi };
  }

  listApis(scope: Scope): HttpApi[] {
    return this.q.apis.all(scope.accountId, scope.region).map((r) => JSON.parse(r.doc) as HttpApi);
  }

  putApi(scope: Scope, api: HttpApi): void {
    this.q.putApi.run(api.apiId, scope.accountId, scope.region, JSON.stringify(api));
  }

  deleteApi(apiId: string): void {
    this.q.deleteApi.run(apiId);
  }

  get<K extends Kind>(apiId: string, kind: K, id: string): Kinds[K] | undefined {
    const row = this.q.child.get(apiId, kind, id);
    return row ? (JSON.parse(row.doc) as Kinds[K]) : undefined;
  }

  list<K extends Kind>(apiId: string, kind: K): Kinds[K][] {
    return this.q.children.all(apiId, kind).map((r) => JSON.parse(r.doc) as Kinds[K]);
  }

  put<K extends Kind>(apiId: string, kind: K, id: string, doc: Kinds[K]): void {
    this.q.putChild.run(apiId, kind, id, JSON.stringify(doc));
  }

  delete(apiId: string, kind: Kind, id: string): boolean {
    return this.q.deleteChild.run(apiId, kind, id).changes > 0;
  }
}
