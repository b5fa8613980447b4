// All SQL of CloudWatch Logs: log groups, log streams, events and tags in tables `logs_*`, scoped by
// (account, region) through the group row. Events are ordered by (timestamp, id): `id` is an
// AUTOINCREMENT key, so it never repeats and doubles as the ingestion order within one millisecond.
import type { Statement } from 'better-sqlite3';
import type { Sqlite, Store } from '../../store/database.js';
import type { PlannedWrite } from '../../store/write-behind.js';

const MIGRATIONS = [
  {
    version: 1,
    sql: `
      CREATE TABLE logs_groups (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        created INTEGER NOT NULL,
        retention_days INTEGER,
        kms_key_id TEXT,
        log_group_class TEXT NOT NULL DEFAULT 'STANDARD',
        stored_bytes INTEGER NOT NULL DEFAULT 0,
        UNIQUE (account, region, name)
      );
      CREATE TABLE logs_streams (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        group_id INTEGER NOT NULL REFERENCES logs_groups(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        created INTEGER NOT NULL,
        first_event INTEGER,
        last_event INTEGER,
        last_ingestion INTEGER,
        last_event_id INTEGER,
        stored_bytes INTEGER NOT NULL DEFAULT 0,
        UNIQUE (group_id, name)
      );
      CREATE INDEX logs_streams_by_last_event ON logs_streams (group_id, last_event, name);
      CREATE TABLE logs_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        group_id INTEGER NOT NULL,
        stream_id INTEGER NOT NULL,
        ts INTEGER NOT NULL,
        ingested INTEGER NOT NULL,
        message TEXT NOT NULL
      );
      CREATE INDEX logs_events_by_stream ON logs_events (stream_id, ts);
      CREATE INDEX logs_events_by_group ON logs_events (group_id, ts);
      CREATE TABLE logs_tags (
        group_id INTEGER NOT NULL REFERENCES logs_groups(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (group_id, key)
      ) WITHOUT ROWID;
    `,
  },
];

export interface GroupRow {
  id: number;
  account: string;
  region: string;
  name: string;
  created: number;
  retention_days: number | null;
  kms_key_id: string | null;
  log_group_class: string;
  stored_bytes: number;
}

export interface StreamRow {
  id: number;
  group_id: number;
  name: string;
  created: number;
  first_event: number | null;
  last_event: number | null;
  last_ingestion: number | null;
  last_event_id: number | null;
  stored_bytes: number;
}

export interface EventRow {
  id: number;
  stream_id: number;
  ts: number;
  ingested: number;
  message: string;
}

/** Position between events: strictly after/before the event (ts, id). */
export interface EventKey {
  ts: number;
  id: number;
}

export interface NewEvent {
  readonly timestamp: number;
  readonly message: string;
}

/** Events inserted per multi-row statement. */
const EVENT_BATCH = 8;

/** Beyond any real timestamp, so open-ended ranges need no special SQL. */
export const MAX_TS = Number.MAX_SAFE_INTEGER;
export const MIN_TS = -Number.MAX_SAFE_INTEGER;

/** INSERTs of 1..EVENT_BATCH events (index = row count). */
const INSERT_EVENTS = Array.from({ length: EVENT_BATCH + 1 }, (_, rows) =>
  `INSERT INTO logs_events (group_id, stream_id, ts, ingested, message) VALUES ${Array(rows).fill('(?, ?, ?, ?, ?)').join(', ')}`,
);
const UPDATE_STREAM_STATS = `UPDATE logs_streams SET
  first_event = min(coalesce(first_event, @min), @min),
  last_event = max(coalesce(last_event, @max), @max),
  last_ingestion = @now,
  last_event_id = last_insert_rowid(),
  stored_bytes = stored_bytes + @bytes
WHERE id = @id`;
const ADD_GROUP_BYTES = 'UPDATE logs_groups SET stored_bytes = stored_bytes + ? WHERE id = ?';

/**
 * The statements that append events (any order) to a stream and update the stream's and group's
 * statistics, to run in order in one transaction: by LogsRepository.appendEvents, or by a
 * WriteBehind thread. Rows go in up to EVENT_BATCH per statement (the per-statement overhead, not
 * the row, dominates small log lines); ids are assigned in VALUES order, so the last insert's rowid
 * is the last event's id.
 */
export function appendPlan(groupId: number, streamId: number, events: ReadonlyArray<NewEvent>, ingested: number): PlannedWrite[] {
  if (events.length === 0) return [];
  const plan: PlannedWrite[] = [];
  let min = MAX_TS;
  let max = MIN_TS;
  let bytes = 0;
  for (let i = 0; i < events.length; i += EVENT_BATCH) {
    const n = Math.min(EVENT_BATCH, events.length - i);
    const params: unknown[] = [];
    for (let j = i; j < i + n; j++) {
      const e = events[j]!;
      params.push(groupId, streamId, e.timestamp, ingested, e.message);
      if (e.timestamp < min) min = e.timestamp;
      if (e.timestamp > max) max = e.timestamp;
      bytes += Buffer.byteLength(e.message, 'utf8');
    }
    plan.push({ sql: INSERT_EVENTS[n]!, params });
  }
  plan.push({ sql: UPDATE_STREAM_STATS, params: { id: streamId, min, max, now: ingested, bytes } });
  plan.push({ sql: ADD_GROUP_BYTES, params: [bytes, groupId] });
  return plan;
}

export class LogsRepository {
  private readonly db: Sqlite;
  private readonly s;

  constructor(store: Store) {
    store.migrate('logs', MIGRATIONS);
    this.db = store.db;
    const db = this.db;
    this.s = {
      findGroup: db.prepare('SELECT * FROM logs_groups WHERE account = ? AND region = ? AND name = ?'),
      insertGroup: db.prepare(
        `INSERT INTO logs_groups (account, region, name, created, kms_key_id, log_group_class)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      ),
      deleteGroupEvents: db.prepare('DELETE FROM logs_events WHERE group_id = ?'),
      deleteGroup: db.prepare('DELETE FROM logs_groups WHERE id = ?'),
      setRetention: db.prepare('UPDATE logs_groups SET retention_days = ? WHERE id = ?'),
      findStream: db.prepare('SELECT * FROM logs_streams WHERE group_id = ? AND name = ?'),
      insertStream: db.prepare(
        'INSERT INTO logs_streams (group_id, name, created) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      deleteStreamEvents: db.prepare('DELETE FROM logs_events WHERE stream_id = ?'),
      deleteStream: db.prepare('DELETE FROM logs_streams WHERE id = ?'),
      subtractGroupBytes: db.prepare('UPDATE logs_groups SET stored_bytes = max(0, stored_bytes - ?) WHERE id = ?'),
      streamNames: db.prepare('SELECT id, name FROM logs_streams WHERE group_id = ?'),
      tags: db.prepare('SELECT key, value FROM logs_tags WHERE group_id = ? ORDER BY key'),
      tagCount: db.prepare('SELECT count(*) AS n FROM logs_tags WHERE group_id = ?'),
      putTag: db.prepare(
        'INSERT INTO logs_tags (group_id, key, value) VALUES (?, ?, ?) ON CONFLICT (group_id, key) DO UPDATE SET value = excluded.value',
      ),
      deleteTag: db.prepare('DELETE FROM logs_tags WHERE group_id = ? AND key = ?'),
      retainedGroups: db.prepare('SELECT id, retention_days FROM logs_groups WHERE retention_days IS NOT NULL'),
      expiredBytes: db.prepare(
        'SELECT stream_id, sum(length(CAST(message AS BLOB))) AS bytes FROM logs_events WHERE group_id = ? AND ts < ? GROUP BY stream_id',
      ),
      deleteExpired: db.prepare('DELETE FROM logs_events WHERE group_id = ? AND ts < ?'),
      subtractStreamBytes: db.prepare('UPDATE logs_streams SET stored_bytes = max(0, stored_bytes - ?) WHERE id = ?'),
    };
  }

  /** Statements built from a few fixed SQL shapes are prepared once and reused. */
  private readonly cache = new Map<string, Statement>();
  private stmt(sql: string): Statement {
    let st = this.cache.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.cache.set(sql, st);
    }
    return st;
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  // ---- groups ----

  findGroup(account: string, region: string, name: string): GroupRow | undefined {
    return this.s.findGroup.get(account, region, name) as GroupRow | undefined;
  }

  /** Inserts the group; false when it already existed. */
  insertGroup(account: string, region: string, name: string, created: number, kmsKeyId: string | null, cls: string): boolean {
    return this.s.insertGroup.run(account, region, name, created, kmsKeyId, cls).changes === 1;
  }

  deleteGroup(groupId: number): void {
    this.s.deleteGroupEvents.run(groupId);
    this.s.deleteGroup.run(groupId); // streams and tags cascade
  }

  setRetention(groupId: number, days: number | null): void {
    this.s.setRetention.run(days, groupId);
  }

  /** Groups ordered by name, after `afterName`, at most `limit`. */
  listGroups(
    account: string,
    region: string,
    q: { prefix?: string; contains?: string; names?: readonly string[]; cls?: string; afterName?: string; limit: number },
  ): GroupRow[] {
    const where = ['account = ?', 'region = ?'];
    const args: unknown[] = [account, region];
    if (q.prefix !== undefined) {
      where.push('name >= ?', 'substr(name, 1, length(?)) = ?');
      args.push(q.prefix, q.prefix, q.prefix);
    }
    if (q.contains !== undefined) {
      // logGroupNamePattern is a case-insensitive substring match on AWS.
      where.push("instr(lower(name), lower(?)) > 0");
      args.push(q.contains);
    }
    if (q.names !== undefined) {
      where.push('name IN (SELECT value FROM json_each(?))');
      args.push(JSON.stringify(q.names));
    }
    if (q.cls !== undefined) {
      where.push('log_group_class = ?');
      args.push(q.cls);
    }
    if (q.afterName !== undefined) {
      where.push('name > ?');
      args.push(q.afterName);
    }
    args.push(q.limit);
    return this.stmt(`SELECT * FROM logs_groups WHERE ${where.join(' AND ')} ORDER BY name LIMIT ?`)
      .all(...args) as GroupRow[];
  }

  // ---- streams ----

  findStream(groupId: number, name: string): StreamRow | undefined {
    return this.s.findStream.get(groupId, name) as StreamRow | undefined;
  }

  insertStream(groupId: number, name: string, created: number): boolean {
    return this.s.insertStream.run(groupId, name, created).changes === 1;
  }

  deleteStream(stream: StreamRow): void {
    this.s.deleteStreamEvents.run(stream.id);
    this.s.deleteStream.run(stream.id);
    this.s.subtractGroupBytes.run(stream.stored_bytes, stream.group_id);
  }

  /**
   * Streams of a group in the requested order. `after` is the last row of the previous page:
   * by name it is the name; by last event time it is (last_event, name), with no event sorting as 0.
   */
  listStreams(
    groupId: number,
    q: {
      prefix?: string;
      orderBy: 'LogStreamName' | 'LastEventTime';
      descending: boolean;
      after?: { name: string; lastEvent: number };
      limit: number;
    },
  ): StreamRow[] {
    const where = ['group_id = ?'];
    const args: unknown[] = [groupId];
    if (q.prefix !== undefined) {
      where.push('name >= ?', 'substr(name, 1, length(?)) = ?');
      args.push(q.prefix, q.prefix, q.prefix);
    }
    const dir = q.descending ? 'DESC' : 'ASC';
    const cmp = q.descending ? '<' : '>';
    let order: string;
    if (q.orderBy === 'LogStreamName') {
      if (q.after) {
        where.push(`name ${cmp} ?`);
        args.push(q.after.name);
      }
      order = `name ${dir}`;
    } else {
      if (q.after) {
        where.push(`(coalesce(last_event, 0), name) ${cmp} (?, ?)`);
        args.push(q.after.lastEvent, q.after.name);
      }
      order = `coalesce(last_event, 0) ${dir}, name ${dir}`;
    }
    args.push(q.limit);
    return this.stmt(`SELECT * FROM logs_streams WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ?`)
      .all(...args) as StreamRow[];
  }

  /** id → name of every stream of a group (to label FilterLogEvents results). */
  streamNames(groupId: number): Map<number, string> {
    const rows = this.s.streamNames.all(groupId) as { id: number; name: string }[];
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  // ---- events ----

  /**
   * Appends events (any order) to a stream and updates the stream's and group's statistics.
   * Call inside a transaction. Returns the id of the last inserted event.
   */
  appendEvents(groupId: number, streamId: number, events: ReadonlyArray<NewEvent>, ingested: number): number {
    let lastId = 0;
    // An UPDATE leaves the connection's last insert rowid as the last INSERT set it.
    for (const w of appendPlan(groupId, streamId, events, ingested)) lastId = Number(this.stmt(w.sql).run(w.params).lastInsertRowid);
    return lastId;
  }

  /**
   * Events of one stream in [start, end) strictly after (forward) or before (backward) `cursor`,
   * nearest to the cursor first, at most `limit`.
   */
  readStream(
    streamId: number,
    q: { cursor: EventKey; forward: boolean; start: number; end: number; limit: number },
  ): EventRow[] {
    const sql = q.forward
      ? `SELECT id, stream_id, ts, ingested, message FROM logs_events
         WHERE stream_id = ? AND ts >= ? AND ts < ? AND (ts, id) > (?, ?) ORDER BY ts, id LIMIT ?`
      : `SELECT id, stream_id, ts, ingested, message FROM logs_events
         WHERE stream_id = ? AND ts >= ? AND ts < ? AND (ts, id) < (?, ?) ORDER BY ts DESC, id DESC LIMIT ?`;
    return this.stmt(sql).all(streamId, q.start, q.end, q.cursor.ts, q.cursor.id, q.limit) as EventRow[];
  }

  /**
   * Events of a group in [start, end] after `cursor`, interleaved across streams by time.
   * `streamIds` restricts the scan to those streams when given.
   */
  scanGroup(
    groupId: number,
    q: { cursor: EventKey; start: number; end: number; streamIds?: readonly number[]; limit: number },
  ): EventRow[] {
    const streams = q.streamIds ? 'AND stream_id IN (SELECT value FROM json_each(?))' : '';
    const sql = `SELECT id, stream_id, ts, ingested, message FROM logs_events
      WHERE group_id = ? AND ts >= ? AND ts <= ? AND (ts, id) > (?, ?) ${streams}
      ORDER BY ts, id LIMIT ?`;
    const args: unknown[] = [groupId, q.start, q.end, q.cursor.ts, q.cursor.id];
    if (q.streamIds) args.push(JSON.stringify(q.streamIds));
    args.push(q.limit);
    return this.stmt(sql).all(...args) as EventRow[];
  }

  /** Deletes events older than each group's retention; returns how many were deleted. */
  purgeExpired(now: number): number {
    let deleted = 0;
    const groups = this.s.retainedGroups.all() as { id: number; retention_days: number }[];
    for (const g of groups) {
      const cutoff = now - g.retention_days * 86_400_000;
      this.transaction(() => {
        const perStream = this.s.expiredBytes.all(g.id, cutoff) as { stream_id: number; bytes: number }[];
        if (perStream.length === 0) return;
        let total = 0;
        for (const s of perStream) {
          this.s.subtractStreamBytes.run(s.bytes, s.stream_id);
          total += s.bytes;
        }
        this.s.subtractGroupBytes.run(total, g.id);
        deleted += this.s.deleteExpired.run(g.id, cutoff).changes;
      });
    }
    return deleted;
  }

  // ---- tags ----

  tags(groupId: number): Record<string, string> {
    const out: Record<string, string> = {};
    for (const r of this.s.tags.all(groupId) as { key: string; value: string }[]) out[r.key] = r.value;
    return out;
  }

  tagCount(groupId: number): number {
    return (this.s.tagCount.get(groupId) as { n: number }).n;
  }

  putTags(groupId: number, tags: Record<string, string>): void {
    for (const [k, v] of Object.entries(tags)) this.s.putTag.run(groupId, k, v);
  }

  deleteTags(groupId: number, keys: readonly string[]): void {
    for (const k of keys) this.s.deleteTag.run(groupId, k);
  }
}
