// Lambda on-demand pricing as AWS bills it (us-east-1 list prices): $0.20 per million requests and
// a per-GB-second price that falls in monthly tiers, cheaper on arm64. The always-free tier covers
// 1M requests and 400,000 GB-seconds per account per month, shared by all functions and both
// architectures. Since 1 August 2025 the INIT phase of a cold start is billed as duration too,
// so a REPORT line's billed time is its invoke time plus its init time, rounded up to 1 ms.

export type Architecture = 'x86_64' | 'arm64';

export const REQUEST_PRICE_PER_MILLION = 0.2;
export const FREE_REQUESTS = 1_000_000;
export const FREE_GB_SECONDS = 400_000;

/** [tier size in GB-seconds, price per GB-second]; the last tier is unbounded. */
export const DURATION_TIERS: Readonly<Record<Architecture, ReadonlyArray<readonly [number, number]>>> = {
  x86_64: [
    [6_000_000_000, 0.0000166667],
    [9_000_000_000, 0.000015],
    [Infinity, 0.0000133334],
  ],
  arm64: [
    [7_500_000_000, 0.0000133334],
    [11_250_000_000, 0.0000120001],
    [Infinity, 0.0000106667],
  ],
};

export interface ReportLine {
  readonly durationMs: number;
  readonly initDurationMs?: number;
  readonly billedMs: number;
  readonly memoryMb: number;
}

const REPORT = /^REPORT RequestId: \S+\tDuration: ([\d.]+) ms\tBilled Duration: (\d+) ms\tMemory Size: (\d+) MB(?:\tMax Memory Used: \d+ MB)?(?:\tInit Duration: ([\d.]+) ms)?/;

/** Matches the report line of both log formats (a CloudWatch Logs filter pattern). */
export const REPORT_FILTER = '?"REPORT RequestId" ?"platform.report"';

/** Parses a Lambda REPORT line, or its JSON log format twin `platform.report`; undefined for any other line. */
export function parseReport(message: string): ReportLine | undefined {
  const m = REPORT.exec(message);
  if (m) return reportOf(Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? undefined : Number(m[4]));
  if (!message.startsWith('{') || !message.includes('"platform.report"')) return undefined;
  try {
    const { type, record } = JSON.parse(message) as { type?: string; record?: { metrics?: Record<string, number> } };
    const metrics = record?.metrics;
    if (type !== 'platform.report' || !metrics) return undefined;
    return reportOf(metrics.durationMs!, metrics.billedDurationMs!, metrics.memorySizeMB!, metrics.initDurationMs);
  } catch {
    return undefined;
  }
}

function reportOf(durationMs: number, reported: number, memoryMb: number, initDurationMs: number | undefined): ReportLine {
  if (initDurationMs === undefined) return { durationMs, billedMs: reported, memoryMb };
  return { durationMs, initDurationMs, billedMs: Math.max(reported, Math.ceil(durationMs + initDurationMs)), memoryMb };
}

export interface Usage {
  requests: number;
  /** Per architecture, as duration price tiers differ. */
  gbSeconds: Record<Architecture, number>;
}

export function emptyUsage(): Usage {
  return { requests: 0, gbSeconds: { x86_64: 0, arm64: 0 } };
}

export function addReport(usage: Usage, report: ReportLine, arch: Architecture): void {
  usage.requests += 1;
  usage.gbSeconds[arch] += (report.billedMs / 1000) * (report.memoryMb / 1024);
}

export interface Bill {
  requests: number;
  gbSeconds: number;
  freeRequests: number;
  freeGbSeconds: number;
  requestCost: number;
  durationCost: number;
  total: number;
}

function tiered(gbs: number, tiers: ReadonlyArray<readonly [number, number]>): number {
  let left = gbs;
  let cost = 0;
  for (const [size, price] of tiers) {
    const used = Math.min(left, size);
    cost += used * price;
    left -= used;
    if (left <= 0) break;
  }
  return cost;
}

/**
 * One account's monthly bill. The free GB-seconds are taken from x86_64 first (its price is
 * higher; AWS does not document the split, and this is the reading that bills the least).
 */
export function monthlyBill(usage: Usage): Bill {
  const freeRequests = Math.min(usage.requests, FREE_REQUESTS);
  const billableRequests = usage.requests - freeRequests;
  let free = FREE_GB_SECONDS;
  const x86Free = Math.min(free, usage.gbSeconds.x86_64);
  free -= x86Free;
  const armFree = Math.min(free, usage.gbSeconds.arm64);
  const requestCost = (billableRequests / 1_000_000) * REQUEST_PRICE_PER_MILLION;
  const durationCost =
    tiered(usage.gbSeconds.x86_64 - x86Free, DURATION_TIERS.x86_64) + tiered(usage.gbSeconds.arm64 - armFree, DURATION_TIERS.arm64);
  return {
    requests: usage.requests,
    gbSeconds: usage.gbSeconds.x86_64 + usage.gbSeconds.arm64,
    freeRequests,
    freeGbSeconds: x86Free + armFree,
    requestCost,
    durationCost,
    total: requestCost + durationCost,
  };
}

/** Gross cost of one function's usage, before the account-wide free tier. */
export function grossCost(usage: Usage): number {
  return (
    (usage.requests / 1_000_000) * REQUEST_PRICE_PER_MILLION +
    tiered(usage.gbSeconds.x86_64, DURATION_TIERS.x86_64) +
    tiered(usage.gbSeconds.arm64, DURATION_TIERS.arm64)
  );
}
