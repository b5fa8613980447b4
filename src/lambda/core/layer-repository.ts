// Lambda layers' tables. A layer row outlives its versions: it keeps the highest version number
// published, because Lambda never reuses a layer version number, even after every version is gone.
import type { Store } from '../../store/database.js';
import type { LayerPolicy, LayerVersion } from './model.js';

const MIGRATIONS = [
  {
    version: 1,
    sql: `
      CREATE TABLE lambda_layers (
        account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, last_version INTEGER NOT NULL,
        PRIMARY KEY (account, region, name));
      CREATE TABLE lambda_layer_versions (
        account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, version INTEGER NOT NULL,
        config TEXT NOT NULL, policy TEXT,
        PRIMARY KEY (account, region, name, version),
        FOREIGN KEY (account, region, name) REFERENCES lambda_layers ON DELETE CASCADE);`,
  },
];

export interface LayerScope {
  readonly accountId: string;
  readonly region: string;
}

export interface StoredLayerVersion {
  readonly version: LayerVersion;
  readonly policy: LayerPolicy | undefined;
}

export class LayerRepository {
  constructor(private readonly store: Store) {
    store.migrate('lambda-layers', MIGRATIONS);
  }

  transaction<T>(fn: () => T): T {
    return this.store.transaction(fn);
  }

  /** Reserves the next version number of a layer (creating the layer on its first version). */
  nextVersion(scope: LayerScope, name: string): number {
    const row = this.store.db
      .prepare(
        `INSERT INTO lambda_layers (account, region, name, last_version) VALUES (?, ?, ?, 1)
         ON CONFLICT (account, region, name) DO UPDATE SET last_version = last_version + 1
         RETURNING last_version`,
      )
      .get(scope.accountId, scope.region, name) as { last_version: number };
    return row.last_version;
  }

  saveVersion(v: LayerVersion, policy: LayerPolicy | undefined): void {
    this.store.db
      .prepare(
        `INSERT INTO lambda_layer_versions (account, region, name, version, config, policy) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (account, region, name, version) DO UPDATE SET config=excluded.config, policy=excluded.policy`,
      )
      .run(v.accountId, v.region, v.layerName, v.version, JSON.stringify(v), policy ? JSON.stringify(policy) : null);
  }

  version(scope: LayerScope, name: string, version: number): StoredLayerVersion | undefined {
    const row = this.store.db
      .prepare('SELECT config, policy FROM lambda_layer_versions WHERE account=? AND region=? AND name=? AND version=?')
      .get(scope.accountId, scope.region, name, version) as { config: string; policy: string | null } | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** Versions of one layer, newest first. */
  versions(scope: LayerScope, name: string): LayerVersion[] {
    return (
      this.store.db
        .prepare('SELECT config, policy FROM lambda_layer_versions WHERE account=? AND region=? AND name=? ORDER BY version DESC')
        .all(scope.accountId, scope.region, name) as { config: string; policy: string | null }[]
    ).map((row) => fromRow(row).version);
  }

  /** Every version of every layer in the scope, by layer name, then newest first. */
  allVersions(scope: LayerScope): LayerVersion[] {
    return (
      this.store.db
        .prepare('SELECT config, policy FROM lambda_layer_versions WHERE account=? AND region=? ORDER BY name, version DESC')
        .all(scope.accountId, scope.region) as { config: string; policy: string | null }[]
    ).map((row) => fromRow(row).version);
  }

  deleteVersion(scope: LayerScope, name: string, version: number): void {
    this.store.db
      .prepare('DELETE FROM lambda_layer_versions WHERE account=? AND region=? AND name=? AND version=?')
      .run(scope.accountId, scope.region, name, version);
  }
}

function fromRow(row: { config: string; policy: string | null }): StoredLayerVersion {
  return {
    version: JSON.parse(row.config) as LayerVersion,
    policy: row.policy ? (JSON.parse(row.policy) as LayerPolicy) : undefined,
  };
}
