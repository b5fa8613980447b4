// EventBridge rules and targets in SQLite (`events_*` tables). SQL only; no business rules.
import type { Store } from '../store/database.js';

export interface RuleRow {
  account: string;
  region: string;
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
  rule: string;
  id: string;
  arn: string;
  input: string | null;
  input_path: string | null;
  /** JSON of the target's InputTransformer. */
  input_transformer: string | null;
}

export class EventsRepository {
  constructor(private readonly store: Store) {
    store.migrate('events', [
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
    ]);
  }

  private get db() {
    return this.store.db;
  }

  getRule(account: string, region: string, name: string): RuleRow | undefined {
    return this.db
      .prepare('SELECT * FROM events_rules WHERE account = ? AND region = ? AND name = ?')
      .get(account, region, name) as RuleRow | undefined;
  }

  putRule(r: RuleRow): void {
    this.db
      .prepare(
        `INSERT INTO events_rules (account, region, name, schedule_expression, event_pattern, state, description, role_arn, created_ms, next_fire_ms)
         VALUES (@account, @region, @name, @schedule_expression, @event_pattern, @state, @description, @role_arn, @created_ms, @next_fire_ms)
         ON CONFLICT (account, region, name) DO UPDATE SET schedule_expression = excluded.schedule_expression,
           event_pattern = excluded.event_pattern, state = excluded.state, description = excluded.description,
           role_arn = excluded.role_arn, next_fire_ms = excluded.next_fire_ms`,
      )
      .run(r);
  }

  setState(account: string, region: string, name: string, state: string, nextFireMs: number | null): void {
    this.db
      .prepare('UPDATE events_rules SET state = ?, next_fire_ms = ? WHERE account = ? AND region = ? AND name = ?')
      .run(state, nextFireMs, account, region, name);
  }

  setNextFire(account: string, region: string, name: string, nextFireMs: number | null): void {
    this.db
      .prepare('UPDATE events_rules SET next_fire_ms = ? WHERE account = ? AND region = ? AND name = ?')
      .run(nextFireMs, account, region, name);
  }

  deleteRule(account: string, region: string, name: string): void {
    this.db.prepare('DELETE FROM events_rules WHERE account = ? AND region = ? AND name = ?').run(account, region, name);
  }

  /** Rules in name order after `after`, at most `limit`. */
  listRules(account: string, region: string, prefix: string, after: string, limit: number): RuleRow[] {
    return this.db
      .prepare(
        `SELECT * FROM events_rules WHERE account = ? AND region = ? AND substr(name, 1, ?) = ? AND name > ?
         ORDER BY name LIMIT ?`,
      )
      .all(account, region, prefix.length, prefix, after, limit) as RuleRow[];
  }

  /** Enabled rules of one account and region that match events (have an EventPattern). */
  patternRules(account: string, region: string): RuleRow[] {
    return this.db
      .prepare(`SELECT * FROM events_rules WHERE account = ? AND region = ? AND event_pattern IS NOT NULL AND state = 'ENABLED'`)
      .all(account, region) as RuleRow[];
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

  targets(account: string, region: string, rule: string): TargetRow[] {
    return this.db
      .prepare('SELECT * FROM events_targets WHERE account = ? AND region = ? AND rule = ? ORDER BY seq, id')
      .all(account, region, rule) as TargetRow[];
  }

  countTargets(account: string, region: string, rule: string): number {
    const row = this.db
      .prepare('SELECT COUNT(*) AS n FROM events_targets WHERE account = ? AND region = ? AND rule = ?')
      .get(account, region, rule) as { n: number };
    return row.n;
  }

  /** Upserts targets in one transaction (all acknowledged targets are written together). */
  putTargets(rows: TargetRow[]): void {
    const seq = Date.now();
    const stmt = this.db.prepare(
      `INSERT INTO events_targets (account, region, rule, id, arn, input, input_path, input_transformer, seq)
       VALUES (@account, @region, @rule, @id, @arn, @input, @input_path, @input_transformer, @seq)
       ON CONFLICT (account, region, rule, id) DO UPDATE SET arn = excluded.arn, input = excluded.input,
         input_path = excluded.input_path, input_transformer = excluded.input_transformer`,
    );
    this.db.transaction(() => {
      rows.forEach((r, i) => stmt.run({ ...r, seq: seq + i }));
    })();
  }

  removeTargets(account: string, region: string, rule: string, ids: string[]): void {
    const stmt = this.db.prepare('DELETE FROM events_targets WHERE account = ? AND region = ? AND rule = ? AND id = ?');
    this.db.transaction(() => {
      for (const id of ids) stmt.run(account, region, rule, id);
    })();
  }
}
