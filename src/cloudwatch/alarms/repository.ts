// All SQL of CloudWatch alarms: one row per alarm (configuration as JSON, state as columns, so
// state updates do not rewrite the configuration) and an append-only history table that
// DescribeAlarmHistory pages through. Keys are (account, region, alarm name), as on AWS.
import type { Statement } from 'better-sqlite3';
import type { Sqlite, Store } from '../../store/database.js';
import type { AlarmConfig, AlarmState, HistoryItem, HistoryItemType, StateValue, StoredAlarm } from './model.js';

const MIGRATIONS = [
  {
    version: 1,
    sql: `
      CREATE TABLE cloudwatch_alarms (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        config TEXT NOT NULL,
        state_value TEXT NOT NULL,
        state_reason TEXT NOT NULL,
        state_reason_data TEXT,
        state_updated INTEGER NOT NULL,
        state_transitioned INTEGER NOT NULL,
        config_updated INTEGER NOT NULL,
        PRIMARY KEY (account, region, name)
      );
      CREATE TABLE cloudwatch_alarm_history (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        ts INTEGER NOT NULL,
        type TEXT NOT NULL,
        summary TEXT NOT NULL,
        data TEXT NOT NULL
      );
      CREATE INDEX cloudwatch_alarm_history_by_alarm ON cloudwatch_alarm_history (account, region, name, ts);
      CREATE INDEX cloudwatch_alarm_history_by_time ON cloudwatch_alarm_history (account, region, ts);
    `,
  },
];

interface AlarmRow {
  account: string;
  region: string;
  name: string;
  config: string;
  state_value: string;
  state_reason: string;
  state_reason_data: string | null;
  state_updated: number;
  state_transitioned: number;
  config_updated: number;
}

interface HistoryRow {
  id: number;
  name: string;
  ts: number;
  type: string;
  summary: string;
  data: string;
}

export interface HistoryQuery {
  name?: string;
  type?: HistoryItemType;
  start?: number;
  end?: number;
  ascending: boolean;
  /** History row id to continue after (exclusive), in the scan direction. */
  after?: number;
  limit: number;
}

function toAlarm(r: AlarmRow): StoredAlarm {
  const state: AlarmState = {
    value: r.state_value as StateValue,
    reason: r.state_reason,
    updated: r.state_updated,
    transitioned: r.state_transitioned,
  };
  if (r.state_reason_data !== null) state.reasonData = r.state_reason_data;
  return { accountId: r.account, region: r.region, config: JSON.parse(r.config) as AlarmConfig, state, configUpdated: r.config_updated };
}

export class AlarmsRepository {
  private readonly db: Sqlite;
  private readonly s: Record<string, Statement>;

  constructor(store: Store) {
    store.migrate('cloudwatch_alarms', MIGRATIONS);
    this.db = store.db;
    this.s = {
      get: this.db.prepare('SELECT * FROM cloudwatch_alarms WHERE account = ? AND region = ? AND name = ?'),
      page: this.db.prepare(
        `SELECT * FROM cloudwatch_alarms WHERE account = ? AND region = ? AND name > ? AND name >= ?
           AND (? IS NULL OR substr(name, 1, length(?)) = ?) AND (? IS NULL OR state_value = ?)
         ORDER BY name LIMIT ?`,
      ),
      all: this.db.prepare('SELECT * FROM cloudwatch_alarms'),
      count: this.db.prepare('SELECT count(*) AS n FROM cloudwatch_alarms WHERE account = ? AND region = ?'),
      insert: this.db.prepare(
        `INSERT INTO cloudwatch_alarms (account, region, name, config, state_value, state_reason, state_reason_data,
           state_updated, state_transitioned, config_updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      updateConfig: this.db.prepare('UPDATE cloudwatch_alarms SET config = ?, config_updated = ? WHERE account = ? AND region = ? AND name = ?'),
      updateState: this.db.prepare(
        `UPDATE cloudwatch_alarms SET state_value = ?, state_reason = ?, state_reason_data = ?, state_updated = ?, state_transitioned = ?
         WHERE account = ? AND region = ? AND name = ?`,
      ),
      delete: this.db.prepare('DELETE FROM cloudwatch_alarms WHERE account = ? AND region = ? AND name = ?'),
      deleteHistory: this.db.prepare('DELETE FROM cloudwatch_alarm_history WHERE account = ? AND region = ? AND name = ?'),
      addHistory: this.db.prepare(
        'INSERT INTO cloudwatch_alarm_history (account, region, name, ts, type, summary, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      historyAsc: this.db.prepare(
        `SELECT id, name, ts, type, summary, data FROM cloudwatch_alarm_history
         WHERE account = ? AND region = ? AND (? IS NULL OR name = ?) AND (? IS NULL OR type = ?) AND ts >= ? AND ts <= ? AND id > ?
         ORDER BY id LIMIT ?`,
      ),
      historyDesc: this.db.prepare(
        `SELECT id, name, ts, type, summary, data FROM cloudwatch_alarm_history
         WHERE account = ? AND region = ? AND (? IS NULL OR name = ?) AND (? IS NULL OR type = ?) AND ts >= ? AND ts <= ? AND id < ?
         ORDER BY id DESC LIMIT ?`,
      ),
      pruneHistory: this.db.prepare('DELETE FROM cloudwatch_alarm_history WHERE ts < ?'),
    };
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  get(account: string, region: string, name: string): StoredAlarm | undefined {
    const r = this.s.get!.get(account, region, name) as AlarmRow | undefined;
    return r && toAlarm(r);
  }

  /** Alarms in name order after `after`, optionally by name prefix and state value. */
  page(account: string, region: string, q: { after: string; prefix?: string; state?: StateValue; limit: number }): StoredAlarm[] {
    const prefix = q.prefix ?? null;
    const state = q.state ?? null;
    return (this.s.page!.all(account, region, q.after, prefix ?? '', prefix, prefix, prefix, state, state, q.limit) as AlarmRow[]).map(toAlarm);
  }

  all(): StoredAlarm[] {
    return (this.s.all!.all() as AlarmRow[]).map(toAlarm);
  }

  count(account: string, region: string): number {
    return (this.s.count!.get(account, region) as { n: number }).n;
  }

  insert(account: string, region: string, config: AlarmConfig, state: AlarmState, now: number): void {
    this.s.insert!.run(account, region, config.AlarmName, JSON.stringify(config), state.value, state.reason, state.reasonData ?? null,
      state.updated, state.transitioned, now);
  }

  updateConfig(account: string, region: string, config: AlarmConfig, now: number): void {
    this.s.updateConfig!.run(JSON.stringify(config), now, account, region, config.AlarmName);
  }

  updateState(account: string, region: string, name: string, state: AlarmState): void {
    this.s.updateState!.run(state.value, state.reason, state.reasonData ?? null, state.updated, state.transitioned, account, region, name);
  }

  /** Deletes an alarm and its history (a later alarm of the same name starts afresh, as on AWS). */
  delete(account: string, region: string, name: string): void {
    this.s.delete!.run(account, region, name);
    this.s.deleteHistory!.run(account, region, name);
  }

  addHistory(account: string, region: string, item: HistoryItem): void {
    this.s.addHistory!.run(account, region, item.alarmName, item.timestamp, item.type, item.summary, item.data);
  }

  history(account: string, region: string, q: HistoryQuery): (HistoryItem & { id: number })[] {
    const name = q.name ?? null;
    const type = q.type ?? null;
    const stmt = q.ascending ? this.s.historyAsc! : this.s.historyDesc!;
    const after = q.after ?? (q.ascending ? 0 : Number.MAX_SAFE_INTEGER);
    const rows = stmt.all(account, region, name, name, type, type, q.start ?? 0, q.end ?? Number.MAX_SAFE_INTEGER, after, q.limit) as HistoryRow[];
    return rows.map((r) => ({ id: r.id, alarmName: r.name, timestamp: r.ts, type: r.type as HistoryItemType, summary: r.summary, data: r.data }));
  }

  pruneHistory(before: number): number {
    return this.s.pruneHistory!.run(before).changes;
  }
}
