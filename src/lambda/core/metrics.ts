// Lambda's CloudWatch metrics (namespace AWS/Lambda), emitted per invocation with the dimension
// sets AWS publishes: none (account), FunctionName, FunctionName+Resource (a qualified invoke) and
// FunctionName+ExecutedVersion (an alias's traffic split).
// Every invocation records a dozen values, so the series handles of one (function, qualifier,
// executed version) are resolved once and kept: the hot path is one Map lookup and arithmetic.
import type { InvokeObserver } from './invoke.js';

/** A series handle (see CloudWatch's MetricsStore.series). */
export interface MetricSeries {
  put(value: number, unit?: string, timestamp?: number): void;
}

/** Where metrics go (CloudWatch's in-process store, wired in the composition root). */
export interface MetricSink {
  series(accountId: string, region: string, namespace: string, name: string, dimensions: Readonly<Record<string, string>>): MetricSeries;
}

const NAMESPACE = 'AWS/Lambda';
/**
 * Entries are never wrong (the key holds every dimension value), only possibly unused (a deleted
 * function): past this many, the cache starts over rather than grow without bound.
 */
const MAX_CACHED = 10_000;

/** The series of one (account, region, function, qualifier, executed version), per metric name. */
class FunctionSeries {
  private readonly byName = new Map<string, MetricSeries[]>();
  private readonly dimensionSets: Record<string, string>[];

  constructor(
    private readonly sink: MetricSink,
    private readonly accountId: string,
    private readonly region: string,
    functionName: string,
    qualifier: string | undefined,
    executedVersion: string | undefined,
  ) {
    this.dimensionSets = [{}, { FunctionName: functionName }];
    if (qualifier) this.dimensionSets.push({ FunctionName: functionName, Resource: `${functionName}:${qualifier}` });
    if (executedVersion) this.dimensionSets.push({ FunctionName: functionName, ExecutedVersion: executedVersion });
  }

  put(name: string, value: number, unit: string, timestamp: number): void {
    let series = this.byName.get(name);
    if (!series) {
      series = this.dimensionSets.map((d) => this.sink.series(this.accountId, this.region, NAMESPACE, name, d));
      this.byName.set(name, series);
    }
    for (const s of series) s.put(value, unit, timestamp);
  }
}

export function lambdaMetrics(sink: MetricSink, now: () => number = Date.now): InvokeObserver {
  const cache = new Map<string, FunctionSeries>();
  const seriesOf = (accountId: string, region: string, functionName: string, qualifier?: string, executedVersion?: string) => {
    const key = `${accountId}\u0000${region}\u0000${functionName}\u0000${qualifier ?? ''}\u0000${executedVersion ?? ''}`;
    let s = cache.get(key);
    if (!s) {
      if (cache.size >= MAX_CACHED) cache.clear();
      s = new FunctionSeries(sink, accountId, region, functionName, qualifier, executedVersion);
      cache.set(key, s);
    }
    return s;
  };
  return {
    invoked(record) {
      const v = record.version;
      const s = seriesOf(v.accountId, v.region, v.functionName, record.qualifier, record.viaAlias ? v.version : undefined);
      const t = now();
      s.put('Invocations', 1, 'Count', t);
      s.put('Errors', record.result.functionError ? 1 : 0, 'Count', t);
      s.put('Duration', record.result.durationMs, 'Milliseconds', t);
    },
    throttled(v, qualifier) {
      seriesOf(v.accountId, v.region, v.functionName, qualifier).put('Throttles', 1, 'Count', now());
    },
    concurrency(v, inFlight) {
      seriesOf(v.accountId, v.region, v.functionName).put('ConcurrentExecutions', inFlight, 'Count', now());
    },
  };
}
