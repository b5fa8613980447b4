// Lambda's tables. Environment variables are sealed (AES-GCM) before they reach the database.
import type { Store } from '../../store/database.js';
import type { SecretBox } from '../../store/secrets.js';
import type { Alias, EventInvokeConfig, FunctionMeta, FunctionVersion, RecursiveLoop } from './model.js';

const MIGRATIONS = [
  {
    version: 1,
    sql: `
      CREATE TABLE lambda_functions (
        account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL,
        reserved_concurrency INTEGER, tags TEXT NOT NULL, last_version INTEGER NOT NULL,
        policy TEXT NOT NULL, created_at INTEGER NOT NULL,
        PRIMARY KEY (account, region, name));
      CREATE TABLE lambda_versions (
        account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, version TEXT NOT NULL,
        config TEXT NOT NULL, environment TEXT,
        PRIMARY KEY (account, region, name, version),
        FOREIGN KEY (account, region, name) REFERENCES lambda_functions ON DELETE CASCADE);
      CREATE TABLE lambda_aliases (
        account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, alias TEXT NOT NULL,
        config TEXT NOT NULL,
        PRIMARY KEY (account, region, name, alias),
        FOREIGN KEY (account, region, name) REFERENCES lambda_functions ON DELETE CASCADE);
      CREATE TABLE lambda_event_invoke_configs (
        account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, qualifier TEXT NOT NULL,
        config TEXT NOT NULL,
        PRIMARY KEY (account, region, name, qualifier),
        FOREIGN KEY (account, region, name) REFERENCES lambda_functions ON DELETE CASCADE);
      CREATE TABLE lambda_async_events (
        id TEXT PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL, function_name TEXT NOT NULL,
        qualifier TEXT, payload BLOB NOT NULL, attempts INTEGER NOT NULL, enqueued_at INTEGER NOT NULL,
        next_attempt_at INTEGER NOT NULL);
      CREATE INDEX lambda_async_events_due ON lambda_async_events (next_attempt_at);`,
  },
  {
    version: 2,
    sql: `ALTER TABLE lambda_functions ADD COLUMN recursive_loop TEXT NOT NULL DEFAULT 'Terminate';`,
  },
];

type Key = { accountId: string; region: string; functionName: string };

export interface FunctionRecord {
  meta: FunctionMeta;
  versions: Map<string, FunctionVersion>;
  aliases: Map<string, Alias>;
  eventInvokeConfigs: Map<string, EventInvokeConfig>;
}

export interface AsyncEvent {
  id: string;
  accountId: string;
  region: string;
  functionName: string;
  qualifier: string | undefined;
  payload: Buffer;
  attempts: number;
  enqueuedAt: number;
  nextAttemptAt: number;
}

export class LambdaRepository {
  constructor(
    private readonly store: Store,
    private readonly secrets: SecretBox,
  ) {
    store.migrate('lambda', MIGRATIONS);
  }

  listFunctionKeys(): Key[] {
    return (this.store.db.prepare('SELECT account, region, name FROM lambda_functions ORDER BY name').all() as {
      account: string;
      region: string;
      name: string;
    }[]).map((r) => ({ accountId: r.account, region: r.region, functionName: r.name }));
  }

  load(key: Key): FunctionRecord | undefined {
    const db = this.store.db;
    const k = [key.accountId, key.region, key.functionName];
    const row = db
      .prepare('SELECT reserved_concurrency, tags, last_version, policy, recursive_loop FROM lambda_functions WHERE account=? AND region=? AND name=?')
      .get(...k) as { reserved_concurrency: number | null; tags: string; last_version: number; policy: string; recursive_loop: RecursiveLoop } | undefined;
    if (!row) return undefined;
    const meta: FunctionMeta = {
      ...key,
      reservedConcurrency: row.reserved_concurrency ?? undefined,
      tags: JSON.parse(row.tags) as Record<string, string>,
      lastVersion: row.last_version,
      policy: JSON.parse(row.policy) as Record<string, unknown>[],
      recursiveLoop: row.recursive_loop,
    };
    const versions = new Map<string, FunctionVersion>();
    for (const v of db
      .prepare('SELECT version, config, environment FROM lambda_versions WHERE account=? AND region=? AND name=?')
      .all(...k) as { version: string; config: string; environment: string | null }[]) {
      const environment = v.environment ? (JSON.parse(this.secrets.open(v.environment)) as Record<string, string>) : {};
      versions.set(v.version, { ...(JSON.parse(v.config) as FunctionVersion), environment });
    }
    const aliases = new Map<string, Alias>();
    for (const a of db
      .prepare('SELECT alias, config FROM lambda_aliases WHERE account=? AND region=? AND name=?')
      .all(...k) as { alias: string; config: string }[]) {
      aliases.set(a.alias, JSON.parse(a.config) as Alias);
    }
    const eventInvokeConfigs = new Map<string, EventInvokeConfig>();
    for (const c of db
      .prepare('SELECT qualifier, config FROM lambda_event_invoke_configs WHERE account=? AND region=? AND name=?')
      .all(...k) as { qualifier: string; config: string }[]) {
      eventInvokeConfigs.set(c.qualifier, JSON.parse(c.config) as EventInvokeConfig);
    }
    return { meta, versions, aliases, eventInvokeConfigs };
  }

  transaction<T>(fn: () => T): T {
    return this.store.transaction(fn);
  }

  saveMeta(meta: FunctionMeta): void {
    this.store.db
      .prepare(
        `INSERT INTO lambda_functions (account, region, name, reserved_concurrency, tags, last_version, policy, recursive_loop, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (account, region, name) DO UPDATE SET reserved_concurrency=excluded.reserved_concurrency,
           tags=excluded.tags, last_version=excluded.last_version, policy=excluded.policy, recursive_loop=excluded.recursive_loop`,
      )
      .run(
        meta.accountId,
        meta.region,
        meta.functionName,
        meta.reservedConcurrency ?? null,
        JSON.stringify(meta.tags),
        meta.lastVersion,
        JSON.stringify(meta.policy),
        meta.recursiveLoop,
        Date.now(),
      );
  }

  saveVersion(v: FunctionVersion): void {
    const { environment, ...config } = v;
    const sealed = Object.keys(environment).length > 0 ? this.secrets.seal(JSON.stringify(environment)) : null;
    this.store.db
      .prepare(
        `INSERT INTO lambda_versions (account, region, name, version, config, environment) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (account, region, name, version) DO UPDATE SET config=excluded.config, environment=excluded.environment`,
      )
      .run(v.accountId, v.region, v.functionName, v.version, JSON.stringify(config), sealed);
  }

  deleteVersion(key: Key, version: string): void {
    this.store.db
      .prepare('DELETE FROM lambda_versions WHERE account=? AND region=? AND name=? AND version=?')
      .run(key.accountId, key.region, key.functionName, version);
    this.store.db
      .prepare('DELETE FROM lambda_event_invoke_configs WHERE account=? AND region=? AND name=? AND qualifier=?')
      .run(key.accountId, key.region, key.functionName, version);
  }

  deleteFunction(key: Key): void {
    this.store.db
      .prepare('DELETE FROM lambda_functions WHERE account=? AND region=? AND name=?')
      .run(key.accountId, key.region, key.functionName);
  }

  saveAlias(a: Alias): void {
    this.store.db
      .prepare(
        `INSERT INTO lambda_aliases (account, region, name, alias, config) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (account, region, name, alias) DO UPDATE SET config=excluded.config`,
      )
      .run(a.accountId, a.region, a.functionName, a.name, JSON.stringify(a));
  }

  deleteAlias(key: Key, alias: string): void {
    this.store.db
      .prepare('DELETE FROM lambda_aliases WHERE account=? AND region=? AND name=? AND alias=?')
      .run(key.accountId, key.region, key.functionName, alias);
    this.store.db
      .prepare('DELETE FROM lambda_event_invoke_configs WHERE account=? AND region=? AND name=? AND qualifier=?')
      .run(key.accountId, key.region, key.functionName, alias);
  }

  saveEventInvokeConfig(key: Key, c: EventInvokeConfig): void {
    this.store.db
      .prepare(
        `INSERT INTO lambda_event_invoke_configs (account, region, name, qualifier, config) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (account, region, name, qualifier) DO UPDATE SET config=excluded.config`,
      )
      .run(key.accountId, key.region, key.functionName, c.qualifier, JSON.stringify(c));
  }

  deleteEventInvokeConfig(key: Key, qualifier: string): void {
    this.store.db
      .prepare('DELETE FROM lambda_event_invoke_configs WHERE account=? AND region=? AND name=? AND qualifier=?')
      .run(key.accountId, key.region, key.functionName, qualifier);
  }

  // --- asynchronous invocation queue -------------------------------------------------------

  enqueue(e: AsyncEvent): void {
    this.store.db
      .prepare(
        `INSERT INTO lambda_async_events (id, account, region, function_name, qualifier, payload, attempts, enqueued_at, next_attempt_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(e.id, e.accountId, e.region, e.functionName, e.qualifier ?? null, e.payload, e.attempts, e.enqueuedAt, e.nextAttemptAt);
  }

  /** Events due at `now`, oldest first, excluding those already being worked on. */
  dueEvents(now: number, limit: number): AsyncEvent[] {
    return (
      this.store.db
        .prepare('SELECT * FROM lambda_async_events WHERE next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?')
        .all(now, limit) as {
        id: string;
        account: string;
        region: string;
        function_name: string;
        qualifier: string | null;
        payload: Buffer;
        attempts: number;
        enqueued_at: number;
        next_attempt_at: number;
      }[]
    ).map((r) => ({
      id: r.id,
      accountId: r.account,
      region: r.region,
      functionName: r.function_name,
      qualifier: r.qualifier ?? undefined,
      payload: r.payload,
      attempts: r.attempts,
      enqueuedAt: r.enqueued_at,
      nextAttemptAt: r.next_attempt_at,
    }));
  }

  nextDueAt(): number | undefined {
    const row = this.store.db.prepare('SELECT MIN(next_attempt_at) AS t FROM lambda_async_events').get() as { t: number | null };
    return row.t ?? undefined;
  }

  reschedule(id: string, attempts: number, nextAttemptAt: number): void {
    this.store.db
      .prepare('UPDATE lambda_async_events SET attempts=?, next_attempt_at=? WHERE id=?')
      .run(attempts, nextAttemptAt, id);
  }

  removeEvent(id: string): void {
    this.store.db.prepare('DELETE FROM lambda_async_events WHERE id=?').run(id);
  }
}
