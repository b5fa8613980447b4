// Usage-plan quotas and usage records. Counting happens in memory on the hot path; increments are
// written to SQLite (`apigw_usage_quota`, `apigw_usage_daily`) in batches every second and on
// close, so a request never waits for the disk. UpdateUsage (setRemaining) writes through at once.
// Quota periods follow AWS: DAY, WEEK (offset 0 = Sunday), MONTH (offset = day of month - 1), UTC.
import type { Store } from '../../store/database.js';
import type { QuotaSettings, UsageMeter, UsagePlan } from '../core/model.js';

const MIGRATIONS = [
  {
    version: 1,
    sql: `
      CREATE TABLE apigw_usage_quota (
        plan_id TEXT NOT NULL, key_id TEXT NOT NULL, period_start TEXT NOT NULL, used INTEGER NOT NULL,
        PRIMARY KEY (plan_id, key_id));
      CREATE TABLE apigw_usage_daily (
        plan_id TEXT NOT NULL, key_id TEXT NOT NULL, day TEXT NOT NULL,
        used INTEGER NOT NULL, remaining INTEGER NOT NULL,
        PRIMARY KEY (plan_id, key_id, day));`,
  },
];

const DAY_MS = 86_400_000;

export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** First day (YYYY-MM-DD) of the quota period containing `ms`. */
export function periodStart(quota: QuotaSettings, ms: number): string {
  const d = new Date(ms);
  const offset = quota.offset || 0;
  if (quota.period === 'WEEK') {
    const back = (d.getUTCDay() - offset + 7) % 7;
    return utcDay(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - back * DAY_MS);
  }
  if (quota.period === 'MONTH') {
    const startDay = offset + 1;
    let y = d.getUTCFullYear();
    let m = d.getUTCMonth();
    if (d.getUTCDate() < startDay) {
      m -= 1;
      if (m < 0) {
        m = 11;
        y -= 1;
      }
    }
    return utcDay(Date.UTC(y, m, startDay));
  }
  return utcDay(ms);
}

interface Counter {
  periodStart: string;
  used: number;
  /** day → requests not yet written; `remaining` as of the last request that day. */
  pending: Map<string, { used: number; remaining: number }>;
  dirty: boolean;
}

export class SqliteUsageMeter implements UsageMeter {
  private readonly counters = new Map<string, Counter>();
  /** Plans seen on the hot path, so `remaining` knows their quota. */
  private readonly plans = new Map<string, UsagePlan>();
  private timer: NodeJS.Timeout | undefined;
  private readonly stmts;

  constructor(
    private readonly store: Store,
    private readonly clock: () => number = Date.now,
    /** Finds a plan by id when the meter has not seen it yet (for GetUsage before any traffic). */
    private readonly findPlan: (planId: string) => UsagePlan | undefined = () => undefined,
  ) {
    store.migrate('apigw_usage', MIGRATIONS);
    const db = store.db;
    this.stmts = {
      loadQuota: db.prepare('SELECT period_start, used FROM apigw_usage_quota WHERE plan_id = ? AND key_id = ?'),
      saveQuota: db.prepare(
        `INSERT INTO apigw_usage_quota (plan_id, key_id, period_start, used) VALUES (?, ?, ?, ?)
         ON CONFLICT (plan_id, key_id) DO UPDATE SET period_start = excluded.period_start, used = excluded.used`,
      ),
      addDaily: db.prepare(
        `INSERT INTO apigw_usage_daily (plan_id, key_id, day, used, remaining) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (plan_id, key_id, day) DO UPDATE SET used = used + excluded.used, remaining = excluded.remaining`,
      ),
      readDaily: db.prepare(
        `SELECT key_id, day, used, remaining FROM apigw_usage_daily
         WHERE plan_id = ? AND day >= ? AND day <= ? ORDER BY day`,
      ),
    };
  }

  start(intervalMs = 1000): void {
    this.timer ??= setInterval(() => this.flush(), intervalMs);
    this.timer.unref();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.flush();
  }

  private counter(plan: UsagePlan, keyId: string, now: number): Counter {
    const id = `${plan.id}\u0000${keyId}`;
    let c = this.counters.get(id);
    if (!c) {
      const row = this.stmts.loadQuota.get(plan.id, keyId) as { period_start: string; used: number } | undefined;
      c = { periodStart: row?.period_start ?? '', used: row?.used ?? 0, pending: new Map(), dirty: false };
      this.counters.set(id, c);
    }
    if (plan.quota) {
      const start = periodStart(plan.quota, now);
      if (c.periodStart !== start) {
        c.periodStart = start;
        c.used = 0;
        c.dirty = true;
      }
    }
    return c;
  }

  /**
   * Counts one request of `keyId` under `plan`. False (and nothing counted) when the plan's quota
   * for the current period is used up.
   */
  consume(plan: UsagePlan, keyId: string): boolean {
    this.plans.set(plan.id, plan);
    const now = this.clock();
    const c = this.counter(plan, keyId, now);
    const limit = plan.quota?.limit;
    if (limit !== undefined && c.used >= limit) return false;
    c.used += 1;
    c.dirty = true;
    const day = utcDay(now);
    const remaining = limit === undefined ? 0 : limit - c.used;
    const p = c.pending.get(day);
    if (p) {
      p.used += 1;
      p.remaining = remaining;
    } else {
      c.pending.set(day, { used: 1, remaining });
    }
    return true;
  }

  /** Writes pending counts in one transaction. */
  flush(): void {
    if (!this.store.db.open) return;
    const dirty: Array<[string, Counter]> = [];
    for (const entry of this.counters) if (entry[1].dirty) dirty.push(entry);
    if (dirty.length === 0) return;
    this.store.transaction(() => {
      for (const [id, c] of dirty) {
        const [planId, keyId] = id.split('\u0000') as [string, string];
        this.stmts.saveQuota.run(planId, keyId, c.periodStart, c.used);
        for (const [day, p] of c.pending) this.stmts.addDaily.run(planId, keyId, day, p.used, p.remaining);
      }
    });
    for (const [, c] of dirty) {
      c.pending.clear();
      c.dirty = false;
    }
  }

  private plan(planId: string): UsagePlan | undefined {
    return this.plans.get(planId) ?? this.findPlan(planId);
  }

  getUsage(
    usagePlanId: string,
    keyIds: readonly string[],
    startDate: string,
    endDate: string,
  ): Readonly<Record<string, ReadonlyArray<readonly [number, number]>>> {
    this.flush();
    const plan = this.plan(usagePlanId);
    const limit = plan?.quota?.limit ?? 0;
    const rows = this.stmts.readDaily.all(usagePlanId, startDate, endDate) as Array<{
      key_id: string;
      day: string;
      used: number;
      remaining: number;
    }>;
    const wanted = keyIds.length > 0 ? new Set(keyIds) : undefined;
    const byKey = new Map<string, Map<string, [number, number]>>();
    for (const r of rows) {
      if (wanted && !wanted.has(r.key_id)) continue;
      let days = byKey.get(r.key_id);
      if (!days) byKey.set(r.key_id, (days = new Map()));
      days.set(r.day, [r.used, r.remaining]);
    }
    const out: Record<string, Array<[number, number]>> = {};
    const first = Date.parse(`${startDate}T00:00:00Z`);
    const last = Date.parse(`${endDate}T00:00:00Z`);
    for (const [keyId, days] of byKey) {
      const series: Array<[number, number]> = [];
      let remaining = limit;
      for (let t = first; t <= last && series.length < 400; t += DAY_MS) {
        const row = days.get(utcDay(t));
        if (row) remaining = row[1];
        series.push(row ? [row[0], row[1]] : [0, remaining]);
      }
      out[keyId] = series;
    }
    return out;
  }

  remaining(usagePlanId: string, keyId: string): number {
    const plan = this.plan(usagePlanId);
    if (!plan?.quota) return 0;
    const c = this.counter(plan, keyId, this.clock());
    return Math.max(0, plan.quota.limit - c.used);
  }

  setRemaining(usagePlanId: string, keyId: string, remaining: number): void {
    const plan = this.plan(usagePlanId);
    if (!plan?.quota) return;
    const c = this.counter(plan, keyId, this.clock());
    c.used = Math.max(0, plan.quota.limit - remaining);
    c.dirty = true;
    this.flush(); // acknowledged by UpdateUsage: durable before the reply
  }

  /** Forgets in-memory counters of a plan (after its quota changed); durable rows stay. */
  forgetPlan(planId: string): void {
    this.flush();
    this.plans.delete(planId);
    for (const id of this.counters.keys()) if (id.startsWith(`${planId}\u0000`)) this.counters.delete(id);
  }
}
