// EventBridge event buses, rules and targets in SQLite (`events_*` tables). SQL only; no business rules.
// A rule belongs to one bus of its account and region: (account, region, bus, name) is its key, so
// rules of the same name on two buses are two rules.
import type { Migration, Store } from '../store/database.js';

export interface BusRow {
  account: string;
  region: string;
  name: string;
  description: string | null;
  kms_key_identifier: string | null;
  /** JSON of the bus's DeadLetterConfig. */
  dead_letter_config: string | null;
  created_ms: number;
  modified_ms: number;
}

export interface RuleRow {
  account: string;
  region: string;
  bus: string;
  name: string;
  schedule_expression: string | null;
  event_pattern: string | null;
  state: string;
  description: string | null;
  role_arn: string | null;
  created_ms: number;
  /** Real (wall-clock) ms of the next scheduled fire; null when not scheduled. */
  next_fire_ms: number | null;
}

export interface TargetRow {
  account: string;
  region: string;
  bus: string;
  rule: string;
  id: string;
  arn: string;
  input: string | null;
  input_path: string | null;
  /** JSON of the target's InputTransformer. */
  input_transformer: string | null;
}

/** A rule's identity: the bus is part of it. */
export interface RuleKey {
  account: string;
  region: string;
  bus: string;
}

/** The `events` schema, oldest first (exported so a test can build an older store and upgrade it). */
export const EVENTS_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `CREATE TABLE events_rules (
     account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL,
     schedule_expression TEXT, event_pattern TEXT, state TEXT NOT NULL,
     description TEXT, role_arn TEXT, created_ms INTEGER NOT NULL, next_fire_ms INTEGER,
     PRIMARY KEY (account, region, name));
   CREATE INDEX events_rules_due ON events_rules(next_fire_ms) WHERE next_fire_ms IS NOT NULL;
   CREATE TABLE events_targets (
     account TEXT NOT NULL, region TEXT NOT NULL, rule TEXT NOT NULL, id TEXT NOT NULL,
     arn TEXT NOT NULL, input TEXT, input_path TEXT, seq INTEGER NOT NULL,
     PRIMARY KEY (account, region, rule, id));`,
  },
  { version: 2, sql: 'ALTER TABLE events_targets ADD COLUMN input_transformer TEXT;' },
  {
    // Custom event buses: rules and targets gain their bus (existing ones were on `default`).
    // SQLite cannot change a primary key in place, so both tables are rebuilt and copied.
    version: 3,
    sql: `CREATE TABLE events_buses (
     account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL,
     description TEXT, kms_key_identifier TEXT, dead_letter_config TEXT,
     created_ms INTEGER NOT NULL, modified_ms INTEGER NOT NULL,
     PRIMARY KEY (account, region, name));
   CREATE TABLE events_tags (
     account TEXT NOT NULL, region TEXT NOT NULL, arn TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
     PRIMARY KEY (account, region, arn, key));
   CREATE TABLE events_rules_v3 (
     account TEXT NOT NULL, region TEXT NOT NULL, bus TEXT NOT NULL, name TEXT NOT NULL,
     schedule_expression TEXT, event_pattern TEXT, state TEXT NOT NULL,
     description TEXT, role_arn TEXT, created_ms INTEGER NOT NULL, next_fire_ms INTEGER,
     PRIMARY KEY (account, region, bus, name));
   INSERT INTO events_rules_v3 (account, region, bus, name, schedule_expression, event_pattern, state, description, role_arn, created_ms, next_fire_ms)
     SELECT account, region, 'default', name, schedule_expression, event_pattern, state, description, role_arn, created_ms, next_fire_ms FROM events_rules;
   DROP TABLE events_rules;
   ALTER TABLE events_rules_v3 RENAME TO events_rules;
   CREATE INDEX events_rules_due ON events_rules(next_fire_ms) WHERE next_fire_ms IS NOT NULL;
   CREATE TABLE events_targets_v3 (
     account TEXT NOT NULL, region TEXT NOT NULL, bus TEXT NOT NULL, rule TEXT NOT NULL, id TEXT NOT NULL,
     arn TEXT NOT NULL, input TEXT, input_path TEXT, input_transformer TEXT, seq INTEGER NOT NULL,
     PRIMARY KEY (account, region, bus, rule, id));
   INSERT INTO events_targets_v3 (account, region, bus, rule, id, arn, input, input_path, input_transformer, seq)
     SELECT account, region, 'default', rule, id, arn, input, input_path, input_transformer, seq FROM events_targets;
   DROP TABLE events_targets;
   ALTER TABLE events_targets_v3 RENAME TO events_targets;`,
  },
];

export class EventsRepository {
  constructor(private readonly store: Store) {
    store.migrate('events', EVENTS_MIGRATIONS);
  }

  private get db() {
    return this.store.db;
  }

  transaction<T>(fn: () => T): T {
    return this.store.transaction(fn);
  }

  // ---- buses ----

  getBus(account: string, region: string, name: string): BusRow | undefined {
    return this.db
      .prepare('SELECT * FROM events_buses WHERE account = ? AND region = ? AND name = ?')
      .get(account, region, name) as BusRow | undefined;
  }

  /** Inserts a bus; false when one of that name already exists (nothing changed). */
  insertBus(b: BusRow): boolean {
    const r = this.db
      .prepare(
        `INSERT OR IGNORE INTO events_buses (account, region, name, description, kms_key_identifier, dead_letter_config, created_ms, modified_ms)
         VALUES (@account, @region, @name, @description, @kms_key_identifier, @dead_letter_config, @created_ms, @modified_ms)`,
      )
      .run(b);
    return r.changes > 0;
  }

  updateBus(b: BusRow): void {
    this.db
      .prepare(
        `UPDATE events_buses SET description = @description, kms_key_identifier = @kms_key_identifier,
           dead_letter_config = @dead_letter_config, modified_ms = @modified_ms
         WHERE account = @account AND region = @region AND name = @name`,
      )
      .run(b);
  }

  deleteBus(account: string, region: string, name: string): void {
    this.db.prepare('DELETE FROM events_buses WHERE account = ? AND region = ? AND name = ?').run(account, region, name);
  }

  /** Buses in name order after `after`, at most `limit`. */
  listBuses(account: string, region: string, prefix: string, after: string, limit: number): BusRow[] {
    return this.db
      .prepare(
        `SELECT * FROM events_buses WHERE account = ? AND region = ? AND substr(name, 1, ?) = ? AND name > ?
         ORDER BY name LIMIT ?`,
      )
      .all(account, region, prefix.length, prefix, after, limit) as BusRow[];
  }

  countRulesOnBus(account: string, region: string, bus: string): number {
    const row = this.db
      .prepare('SELECT COUNT(*) AS n FROM events_rules WHERE account = ? AND region = ? AND bus = ?')
      .get(account, region, bus) as { n: number };
    return row.n;
  }

  // ---- tags (of buses and rules, by ARN) ----

  tags(account: string, region: string, arn: string): Array<{ Key: string; Value: string }> {
    return this.db
      .prepare('SELECT key AS Key, value AS Value FROM events_tags WHERE account = ? AND region = ? AND arn = ? ORDER BY key')
      .all(account, region, arn) as Array<{ Key: string; Value: string }>;
  }

  /** Adds or overwrites tags (one transaction with the caller's, when it has one). */
  putTags(account: string, region: string, arn: string, tags: ReadonlyArray<{ Key: string; Value: string }>): void {
    const stmt = this.db.prepare(
      `INSERT INTO events_tags (account, region, arn, key, value) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (account, region, arn, key) DO UPDATE SET value = excluded.value`,
    );
    this.db.transaction(() => {
      for (const t of tags) stmt.run(account, region, arn, t.Key, t.Value);
    })();
  }

  removeTags(account: string, region: string, arn: string, keys: readonly string[]): void {
    const stmt = this.db.prepare('DELETE FROM events_tags WHERE account = ? AND region = ? AND arn = ? AND key = ?');
    this.db.transaction(() => {
      for (const k of keys) stmt.run(account, region, arn, k);
    })();
  }

  dropTags(account: string, region: string, arn: string): void {
    this.db.prepare('DELETE FROM events_tags WHERE account = ? AND region = ? AND arn = ?').run(account, region, arn);
  }

  // ---- rules ----

  getRule(k: RuleKey, name: string): RuleRow | undefined {
    return this.db
      .prepare('SELECT * FROM events_rules WHERE account = ? AND region = ? AND bus = ? AND name = ?')
      .get(k.account, k.region, k.bus, name) as RuleRow | undefined;
  }

  putRule(r: RuleRow): void {
    this.db
      .prepare(
        `INSERT INTO events_rules (account, region, bus, name, schedule_expression, event_pattern, state, description, role_arn, created_ms, next_fire_ms)
         VALUES (@account, @region, @bus, @name, @schedule_expression, @event_pattern, @state, @description, @role_arn, @created_ms, @next_fire_ms)
         ON CONFLICT (account, region, bus, name) DO UPDATE SET schedule_expression = excluded.schedule_expression,
           event_pattern = excluded.event_pattern, state = excluded.state, description = excluded.description,
           role_arn = excluded.role_arn, next_fire_ms = excluded.next_fire_ms`,
      )
      .run(r);
  }

  setState(k: RuleKey, name: string, state: string, nextFireMs: number | null): void {
    this.db
      .prepare('UPDATE events_rules SET state = ?, next_fire_ms = ? WHERE account = ? AND region = ? AND bus = ? AND name = ?')
      .run(state, nextFireMs, k.account, k.region, k.bus, name);
  }

  setNextFire(k: RuleKey, name: string, nextFireMs: number | null): void {
    this.db
      .prepare('UPDATE events_rules SET next_fire_ms = ? WHERE account = ? AND region = ? AND bus = ? AND name = ?')
      .run(nextFireMs, k.account, k.region, k.bus, name);
  }

  deleteRule(k: RuleKey, name: string): void {
    this.db.prepare('DELETE FROM events_rules WHERE account = ? AND region = ? AND bus = ? AND name = ?').run(k.account, k.region, k.bus, name);
  }

  /** Rules of one bus in name order after `after`, at most `limit`. */
  listRules(k: RuleKey, prefix: string, after: string, limit: number): RuleRow[] {
    return this.db
      .prepare(
        `SELECT * FROM events_rules WHERE account = ? AND region = ? AND bus = ? AND substr(name, 1, ?) = ? AND name > ?
         ORDER BY name LIMIT ?`,
      )
      .all(k.account, k.region, k.bus, prefix.length, prefix, after, limit) as RuleRow[];
  }

  /** Enabled rules of one bus that match events (have an EventPattern). */
  patternRules(k: RuleKey): RuleRow[] {
    return this.db
      .prepare(`SELECT * FROM events_rules WHERE account = ? AND region = ? AND bus = ? AND event_pattern IS NOT NULL AND state = 'ENABLED'`)
      .all(k.account, k.region, k.bus) as RuleRow[];
  }

  /** Enabled scheduled rules due at or before `now`. */
  dueRules(now: number): RuleRow[] {
    return this.db
      .prepare(`SELECT * FROM events_rules WHERE next_fire_ms IS NOT NULL AND next_fire_ms <= ? AND state = 'ENABLED'`)
      .all(now) as RuleRow[];
  }

  earliestFire(): number | undefined {
    const row = this.db
      .prepare(`SELECT MIN(next_fire_ms) AS t FROM events_rules WHERE next_fire_ms IS NOT NULL AND state = 'ENABLED'`)
      .get() as { t: number | null };
    return row.t ?? undefined;
  }

  // ---- targets ----

  targets(k: RuleKey, rule: string): TargetRow[] {
    return this.db
      .prepare('SELECT * FROM events_targets WHERE account = ? AND region = ? AND bus = ? AND rule = ? ORDER BY seq, id')
      .all(k.account, k.region, k.bus, rule) as TargetRow[];
  }

  countTargets(k: RuleKey, rule: string): number {
    const row = this.db
      .prepare('SELECT COUNT(*) AS n FROM events_targets WHERE account = ? AND region = ? AND bus = ? AND rule = ?')
      .get(k.account, k.region, k.bus, rule) as { n: number };
    return row.n;
  }

  /** Upserts targets in one transaction (all acknowledged targets are written together). */
  putTargets(rows: TargetRow[]): void {
    const seq = Date.now();
    const stmt = this.db.prepare(
      `INSERT INTO events_targets (account, region, bus, rule, id, arn, input, input_path, input_transformer, seq)
       VALUES (@account, @region, @bus, @rule, @id, @arn, @input, @input_path, @input_transformer, @seq)
       ON CONFLICT (account, region, bus, rule, id) DO UPDATE SET arn = excluded.arn, input = excluded.input,
         input_path = excluded.input_path, input_transformer = excluded.input_transformer`,
    );
    this.db.transaction(() => {
      rows.forEach((r, i) => stmt.run({ ...r, seq: seq + i }));
    })();
  }

  /** Names of a bus's rules with a target of this ARN, in name order after `after`, at most `limit`. */
  ruleNamesByTarget(k: RuleKey, arn: string, after: string, limit: number): string[] {
    return (this.db
      .prepare(
        `SELECT DISTINCT rule FROM events_targets WHERE account = ? AND region = ? AND bus = ? AND arn = ? AND rule > ?
         ORDER BY rule LIMIT ?`,
      )
      .all(k.account, k.region, k.bus, arn, after, limit) as { rule: string }[]).map((r) => r.rule);
  }

  removeTargets(k: RuleKey, rule: string, ids: string[]): void {
    const stmt = this.db.prepare('DELETE FROM events_targets WHERE account = ? AND region = ? AND bus = ? AND rule = ? AND id = ?');
    this.db.transaction(() => {
      for (const id of ids) stmt.run(k.account, k.region, k.bus, rule, id);
    })();
  }
}
