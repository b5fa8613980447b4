// The in-process, durable metrics store. Two ways in:
//  - `putMetric(...)` / `series(...).put(...)`: the hot path for platform metrics (Lambda
//    Invocations, Duration, Errors…). Values are aggregated in memory per (series, unit, second)
//    and written in one transaction about once a second; every read flushes first, so queries
//    always see what was put. A `MetricSeries` handle canonicalises its dimensions once, so a
//    caller that keeps it pays a few comparisons per value instead of a sort and a JSON string.
//  - `putSamples(...)`: PutMetricData, written before the API acknowledges it.
// Queries bucket points by period and compute SampleCount, Sum, Average, Minimum, Maximum and
// exact percentiles (pNN) from the stored (value, count) distributions.
import type { MetricsRepository, PointRow, SeriesRow } from './repository.js';

export interface Dimension {
  readonly Name: string;
  readonly Value: string;
}

export type DimensionsInput = ReadonlyArray<Dimension> | Readonly<Record<string, string>>;

export interface Sample {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: ReadonlyArray<Dimension>;
  /** Epoch milliseconds. */
  readonly timestamp: number;
  readonly unit: string;
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  /** Raw values as (value, count) pairs when known (enables percentiles). */
  readonly pairs?: ReadonlyArray<number>;
  /** 1 for high-resolution (per-second) data, 60 for standard (per-minute) data. */
  readonly resolution: 1 | 60;
}

export interface StatisticsQuery {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: ReadonlyArray<Dimension>;
  /** Epoch ms, inclusive. */
  readonly start: number;
  /** Epoch ms, exclusive. */
  readonly end: number;
  /** Seconds. */
  readonly period: number;
  readonly unit?: string;
  /** Percentiles wanted, e.g. [50, 99, 99.9]. */
  readonly percentiles?: readonly number[];
}

export interface Datapoint {
  /** Start of the period, epoch ms. */
  readonly timestamp: number;
  readonly unit: string;
  readonly sampleCount: number;
  readonly sum: number;
  readonly average: number;
  readonly minimum: number;
  readonly maximum: number;
  /** percentile → value; a percentile is missing when a statistic set hid the raw values. */
  readonly percentiles: Map<number, number>;
}

export interface MetricIdentity {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Dimension[];
}

const FLUSH_DELAY_MS = 1000;
/** Like AWS: per-second data is kept 3 hours, then per minute; nothing is kept past 455 days. */
const SECOND_DATA_MS = 3 * 3_600_000;
const MAX_AGE_MS = 455 * 86_400_000;
const ROLLUP_BATCH = 10_000;
const FLUSH_ENTRIES = 5000;

/** One series, resolved once; `put` is the cheapest way to record a value. */
export interface MetricSeries {
  /** Records one value (memory only until the next flush). Never throws. */
  put(value: number, unit?: string, timestamp?: number): void;
}

interface Agg {
  account: string;
  region: string;
  namespace: string;
  name: string;
  dims: string;
  unit: string;
  ts: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  /** (value, count) pairs; a value equal to the previous one bumps its count (Count metrics are all 1s). */
  pairs: number[];
}

/** Canonical dimension key: sorted by name, so {a,b} and {b,a} are one series, as on AWS. */
export function canonicalDimensions(dims: DimensionsInput): string {
  const list: [string, string][] = Array.isArray(dims)
    ? (dims as ReadonlyArray<Dimension>).map((d) => [d.Name, d.Value])
    : Object.entries(dims as Record<string, string>);
  list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return JSON.stringify(list);
}

function seriesPrefix(account: string, region: string, namespace: string, name: string, dims: string): string {
  return `${account}\u0000${region}\u0000${namespace}\u0000${name}\u0000${dims}\u0000`;
}

function secondOf(timestamp: number): number {
  return Math.floor(timestamp / 1000) * 1000;
}

export function parseDimensions(canonical: string): Dimension[] {
  return (JSON.parse(canonical) as [string, string][]).map(([Name, Value]) => ({ Name, Value }));
}

export class MetricsStore {
  private buffer = new Map<string, Agg>();
  /** Bumped by every flush that swaps buffers: a series handle's remembered aggregate is stale after it. */
  private generation = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly repo: MetricsRepository,
    private readonly log: (msg: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records one value (hot path: memory only until the next flush). Never throws. */
  putMetric(
    accountId: string,
    region: string,
    namespace: string,
    name: string,
    dimensions: DimensionsInput,
    value: number,
    unit = 'None',
    timestamp: number = this.now(),
  ): void {
    if (!Number.isFinite(value)) return;
    const dims = canonicalDimensions(dimensions);
    const prefix = seriesPrefix(accountId, region, namespace, name, dims);
    this.add(this.aggregate(prefix, accountId, region, namespace, name, dims, unit, secondOf(timestamp)), value);
  }

  /**
   * A handle on one series for callers that record it often (platform metrics): the dimensions
   * are canonicalised here, once, and the handle remembers the aggregate it last added to.
   */
  series(accountId: string, region: string, namespace: string, name: string, dimensions: DimensionsInput): MetricSeries {
    const dims = canonicalDimensions(dimensions);
    const prefix = seriesPrefix(accountId, region, namespace, name, dims);
    let last: Agg | undefined;
    /** The generation `last` belongs to: once flushed, `last` is written and must not grow. */
    let lastGeneration = -1;
    return {
      put: (value, unit = 'None', timestamp = this.now()) => {
        if (!Number.isFinite(value)) return;
        const ts = secondOf(timestamp);
        if (!last || lastGeneration !== this.generation || last.ts !== ts || last.unit !== unit) {
          last = this.aggregate(prefix, accountId, region, namespace, name, dims, unit, ts);
          lastGeneration = this.generation;
        }
        this.add(last, value);
      },
    };
  }

  /** The buffered aggregate of (series, unit, second), created empty on first use. */
  private aggregate(prefix: string, account: string, region: string, namespace: string, name: string, dims: string, unit: string, ts: number): Agg {
    const key = `${prefix}${unit}\u0000${ts}`;
    let agg = this.buffer.get(key);
    if (!agg) {
      agg = { account, region, namespace, name, dims, unit, ts, count: 0, sum: 0, min: Infinity, max: -Infinity, pairs: [] };
      this.buffer.set(key, agg);
    }
    return agg;
  }

  private add(agg: Agg, value: number): void {
    agg.count++;
    agg.sum += value;
    if (value < agg.min) agg.min = value;
    if (value > agg.max) agg.max = value;
    const pairs = agg.pairs;
    const n = pairs.length;
    if (n > 0 && pairs[n - 2] === value) pairs[n - 1] = pairs[n - 1]! + 1;
    else pairs.push(value, 1);
    if (this.closed || this.buffer.size >= FLUSH_ENTRIES) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), FLUSH_DELAY_MS);
      // Platform metrics must not keep a finished process alive; close() flushes on shutdown.
      this.timer.unref();
    }
  }

  /** Writes samples durably, now, in one transaction (PutMetricData). */
  putSamples(accountId: string, region: string, samples: ReadonlyArray<Sample>): void {
    this.flush();
    const now = this.now();
    this.repo.transaction(() => {
      for (const s of samples) {
        const id = this.repo.series(accountId, region, s.namespace, s.name, canonicalDimensions(s.dimensions), now);
        this.repo.insertPoint(id, {
          ts: s.timestamp,
          res: s.resolution,
          unit: s.unit,
          count: s.count,
          sum: s.sum,
          min: s.min,
          max: s.max,
          dist: s.pairs ? Float64Array.from(s.pairs) : null,
        });
      }
    });
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.buffer.size === 0) return;
    const batch = this.buffer;
    this.buffer = new Map();
    this.generation++;
    try {
      const now = this.now();
      const ids = new Map<string, number>();
      this.repo.transaction(() => {
        for (const a of batch.values()) {
          const seriesKey = `${a.account}\u0000${a.region}\u0000${a.namespace}\u0000${a.name}\u0000${a.dims}`;
          let id = ids.get(seriesKey);
          if (id === undefined) {
            id = this.repo.series(a.account, a.region, a.namespace, a.name, a.dims, now);
            ids.set(seriesKey, id);
          }
          this.repo.insertPoint(id, {
            ts: a.ts, res: 1, unit: a.unit, count: a.count, sum: a.sum, min: a.min, max: a.max, dist: Float64Array.from(a.pairs),
          });
        }
      });
    } catch (err) {
      this.log(`metrics: could not write ${batch.size} aggregate(s): ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  close(): void {
    this.flush();
    this.closed = true;
  }

  /**
   * Rolls per-second rows older than 3 hours up into per-minute rows (distributions merged, so
   * percentiles stay exact) and deletes data older than 455 days. Keeps a busy function's
   * metrics to ~1 row per minute instead of ~1 per second.
   */
  maintain(): { rolledUp: number; deleted: number } {
    this.flush();
    const now = this.now();
    const cutoff = Math.floor((now - SECOND_DATA_MS) / 60_000) * 60_000;
    let rolledUp = 0;
    let deleted = 0;
    for (const id of this.repo.seriesIds()) {
      deleted += this.repo.transaction(() => this.repo.deleteBefore(id, now - MAX_AGE_MS));
      for (;;) {
        const rows = this.repo.secondRows(id, cutoff, ROLLUP_BATCH);
        if (rows.length === 0) break;
        this.repo.transaction(() => {
          const minutes = new Map<string, typeof rows>();
          for (const r of rows) {
            const key = `${r.unit}\u0000${Math.floor(r.ts / 60_000) * 60_000}`;
            let list = minutes.get(key);
            if (!list) minutes.set(key, (list = []));
            list.push(r);
          }
          for (const list of minutes.values()) {
            const merged = mergeRows(list);
            this.repo.insertPoint(id, { ...merged, ts: Math.floor(list[0]!.ts / 60_000) * 60_000, res: 60, unit: list[0]!.unit });
            for (const r of list) this.repo.deleteRow(r.rowid);
          }
        });
        rolledUp += rows.length;
        if (rows.length < ROLLUP_BATCH) break;
      }
    }
    return { rolledUp, deleted };
  }

  /** Datapoints of one series, one per period that has data, oldest first. */
  statistics(accountId: string, region: string, q: StatisticsQuery): Datapoint[] {
    this.flush();
    const series = this.repo.findSeries(accountId, region, q.namespace, q.name, canonicalDimensions(q.dimensions));
    if (!series) return [];
    const periodMs = q.period * 1000;
    const buckets = new Map<number, PointRow[]>();
    for (const p of this.repo.points(series.id, q.start, q.end)) {
      if (q.unit !== undefined && p.unit !== q.unit) continue;
      const b = q.start + Math.floor((p.ts - q.start) / periodMs) * periodMs;
      let list = buckets.get(b);
      if (!list) buckets.set(b, (list = []));
      list.push(p);
    }
    const out: Datapoint[] = [];
    for (const [timestamp, rows] of [...buckets].sort((a, b) => a[0] - b[0])) {
      out.push(aggregate(timestamp, rows, q.percentiles ?? []));
    }
    return out;
  }

  /** Metrics (series) of an account/region, in creation order, after `afterId`. */
  listMetrics(
    accountId: string,
    region: string,
    q: {
      namespace?: string;
      name?: string;
      dimensions?: ReadonlyArray<{ Name: string; Value?: string }>;
      activeSince?: number;
      afterId: number;
      limit: number;
    },
  ): { metrics: MetricIdentity[]; lastId?: number } {
    this.flush();
    const metrics: MetricIdentity[] = [];
    let after = q.afterId;
    // Dimension filters run in memory, so read in chunks until the page is full.
    for (;;) {
      const rows: SeriesRow[] = this.repo.listSeries(accountId, region, {
        namespace: q.namespace, name: q.name, activeSince: q.activeSince, afterId: after, limit: 1000,
      });
      for (const r of rows) {
        after = r.id;
        const dims = parseDimensions(r.dims);
        if (q.dimensions && !q.dimensions.every((f) => dims.some((d) => d.Name === f.Name && (f.Value === undefined || d.Value === f.Value)))) {
          continue;
        }
        metrics.push({ namespace: r.namespace, name: r.name, dimensions: dims });
        if (metrics.length === q.limit) return { metrics, lastId: r.id };
      }
      if (rows.length < 1000) return { metrics };
    }
  }
}

function decodeDist(dist: Buffer): Float64Array {
  // Copy: a Buffer from SQLite need not be 8-byte aligned for a Float64Array view.
  return new Float64Array(dist.buffer.slice(dist.byteOffset, dist.byteOffset + dist.byteLength));
}

function mergeRows(rows: readonly PointRow[]): { count: number; sum: number; min: number; max: number; dist: Float64Array | null } {
  let count = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  let complete = true;
  const weights = new Map<number, number>();
  for (const r of rows) {
    count += r.count;
    sum += r.sum;
    if (r.min < min) min = r.min;
    if (r.max > max) max = r.max;
    if (!r.dist) {
      complete = false;
      continue;
    }
    const f = decodeDist(r.dist);
    for (let i = 0; i + 1 < f.length; i += 2) weights.set(f[i]!, (weights.get(f[i]!) ?? 0) + f[i + 1]!);
  }
  let dist: Float64Array | null = null;
  if (complete) {
    dist = new Float64Array(weights.size * 2);
    let i = 0;
    for (const [v, c] of weights) {
      dist[i++] = v;
      dist[i++] = c;
    }
  }
  return { count, sum, min, max, dist };
}

function aggregate(timestamp: number, rows: PointRow[], percentiles: readonly number[]): Datapoint {
  let count = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  let complete = true;
  const pairs: number[] = [];
  for (const r of rows) {
    count += r.count;
    sum += r.sum;
    if (r.min < min) min = r.min;
    if (r.max > max) max = r.max;
    if (percentiles.length === 0) continue;
    if (!r.dist) {
      complete = false;
      continue;
    }
    const f = decodeDist(r.dist);
    for (let i = 0; i < f.length; i++) pairs.push(f[i]!);
  }
  const result = new Map<number, number>();
  if (complete && pairs.length > 0) {
    const sorted: [number, number][] = [];
    for (let i = 0; i + 1 < pairs.length; i += 2) if (pairs[i + 1]! > 0) sorted.push([pairs[i]!, pairs[i + 1]!]);
    sorted.sort((a, b) => a[0] - b[0]);
    const total = sorted.reduce((n, p) => n + p[1], 0);
    for (const p of percentiles) result.set(p, percentile(sorted, total, p));
  }
  return {
    timestamp,
    unit: rows[0]?.unit ?? 'None',
    sampleCount: count,
    sum,
    average: count > 0 ? sum / count : 0,
    minimum: min,
    maximum: max,
    percentiles: result,
  };
}

/** Nearest-rank percentile over weighted, sorted values: the smallest value with ≥ p% at or below it. */
function percentile(sorted: ReadonlyArray<[number, number]>, total: number, p: number): number {
  // The epsilon keeps 99.9% of 1000 at rank 999 despite binary floating point.
  const rank = Math.max(1, Math.ceil((p * total) / 100 - 1e-9));
  let seen = 0;
  for (const [v, c] of sorted) {
    seen += c;
    if (seen >= rank) return v;
  }
  return sorted[sorted.length - 1]![0];
}
