// All SQL of CloudWatch metrics. A series is (account, region, namespace, metric name, dimension
// set); its points are pre-aggregated buckets of at most one second: count, sum, min, max and, when
// the raw values are known, the distribution as (value, count) pairs so percentiles stay exact.
import type { Statement } from 'better-sqlite3';
import type { Sqlite, Store } from '../../store/database.js';

const MIGRATIONS = [
  {
    version: 1,
    sql: `
      CREATE TABLE metrics_series (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        namespace TEXT NOT NULL,
        name TEXT NOT NULL,
        dims TEXT NOT NULL,
        last_put INTEGER NOT NULL,
        UNIQUE (account, region, namespace, name, dims)
      );
      CREATE TABLE metrics_points (
        series_id INTEGER NOT NULL REFERENCES metrics_series(id) ON DELETE CASCADE,
        ts INTEGER NOT NULL,
        unit TEXT NOT NULL,
        count REAL NOT NULL,
        sum REAL NOT NULL,
        min REAL NOT NULL,
        max REAL NOT NULL,
        dist BLOB
      );
      CREATE INDEX metrics_points_by_series ON metrics_points (series_id, ts);
    `,
  },
  {
    // Resolution of a point row: 1 (a second, high resolution or platform data) or 60 (a minute).
    version: 2,
    sql: `ALTER TABLE metrics_points ADD COLUMN res INTEGER NOT NULL DEFAULT 1;`,
  },
];

export interface SeriesRow {
  id: number;
  namespace: string;
  name: string;
  /** Canonical JSON: [[name, value], …] sorted by name. */
  dims: string;
  last_put: number;
}

export interface PointRow {
  ts: number;
  unit: string;
  count: number;
  sum: number;
  min: number;
  max: number;
  dist: Buffer | null;
}

export interface PointWrite {
  ts: number;
  /** 1 (per-second bucket) or 60 (per-minute bucket). */
  res: 1 | 60;
  unit: string;
  count: number;
  sum: number;
  min: number;
  max: number;
  /** (value, count) pairs, or null for a statistic set. */
  dist: Float64Array | null;
}

export class MetricsRepository {
  private readonly db: Sqlite;
  private readonly s: Record<string, Statement>;

  constructor(store: Store) {
    store.migrate('metrics', MIGRATIONS);
    this.db = store.db;
    this.s = {
      upsertSeries: this.db.prepare(
        `INSERT INTO metrics_series (account, region, namespace, name, dims, last_put) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (account, region, namespace, name, dims) DO UPDATE SET last_put = max(last_put, excluded.last_put)
         RETURNING id`,
      ),
      findSeries: this.db.prepare(
        'SELECT * FROM metrics_series WHERE account = ? AND region = ? AND namespace = ? AND name = ? AND dims = ?',
      ),
      insertPoint: this.db.prepare(
        'INSERT INTO metrics_points (series_id, ts, res, unit, count, sum, min, max, dist) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      allSeries: this.db.prepare('SELECT id FROM metrics_series'),
      secondRows: this.db.prepare(
        'SELECT rowid, ts, unit, count, sum, min, max, dist FROM metrics_points WHERE series_id = ? AND ts < ? AND res = 1 ORDER BY ts LIMIT ?',
      ),
      deleteRow: this.db.prepare('DELETE FROM metrics_points WHERE rowid = ?'),
      deleteBefore: this.db.prepare('DELETE FROM metrics_points WHERE series_id = ? AND ts < ?'),
      points: this.db.prepare(
        'SELECT ts, unit, count, sum, min, max, dist FROM metrics_points WHERE series_id = ? AND ts >= ? AND ts < ? ORDER BY ts',
      ),
    };
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** Creates the series if needed, marks it recently active and returns its id. */
  series(account: string, region: string, namespace: string, name: string, dims: string, now: number): number {
    return (this.s.upsertSeries!.get(account, region, namespace, name, dims, now) as { id: number }).id;
  }

  findSeries(account: string, region: string, namespace: string, name: string, dims: string): SeriesRow | undefined {
    return this.s.findSeries!.get(account, region, namespace, name, dims) as SeriesRow | undefined;
  }

  insertPoint(seriesId: number, p: PointWrite): void {
    const dist = p.dist ? Buffer.from(p.dist.buffer, p.dist.byteOffset, p.dist.byteLength) : null;
    this.s.insertPoint!.run(seriesId, p.ts, p.res, p.unit, p.count, p.sum, p.min, p.max, dist);
  }

  points(seriesId: number, start: number, end: number): PointRow[] {
    return this.s.points!.all(seriesId, start, end) as PointRow[];
  }

  seriesIds(): number[] {
    return (this.s.allSeries!.all() as { id: number }[]).map((r) => r.id);
  }

  /** Per-second rows of a series older than `before`, oldest first (for roll-up). */
  secondRows(seriesId: number, before: number, limit: number): (PointRow & { rowid: number })[] {
    return this.s.secondRows!.all(seriesId, before, limit) as (PointRow & { rowid: number })[];
  }

  deleteRow(rowid: number): void {
    this.s.deleteRow!.run(rowid);
  }

  deleteBefore(seriesId: number, before: number): number {
    return this.s.deleteBefore!.run(seriesId, before).changes;
  }

  /** Series of an account/region, optionally narrowed, in id order after `afterId`. */
  listSeries(
    account: string,
    region: string,
    q: { namespace?: string; name?: string; activeSince?: number; afterId: number; limit: number },
  ): SeriesRow[] {
    const where = ['account = ?', 'region = ?', 'id > ?'];
    const args: unknown[] = [account, region, q.afterId];
    if (q.namespace !== undefined) {
      where.push('namespace = ?');
      args.push(q.namespace);
    }
    if (q.name !== undefined) {
      where.push('name = ?');
      args.push(q.name);
    }
    if (q.activeSince !== undefined) {
      where.push('last_put >= ?');
      args.push(q.activeSince);
    }
    args.push(q.limit);
    return this.db
      .prepare(`SELECT * FROM metrics_series WHERE ${where.join(' AND ')} ORDER BY id LIMIT ?`)
      .all(...args) as SeriesRow[];
  }
}
