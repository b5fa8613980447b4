// Lambda's CloudWatch metrics (namespace AWS/Lambda), emitted per invocation with the dimension
// sets AWS publishes: none (account), FunctionName, FunctionName+Resource (a qualified invoke) and
// FunctionName+ExecutedVersion (an alias's traffic split).
// Every invocation records a dozen values, so the series handles of one (function version,
// qualifier, executed version) are resolved once and kept: the hot path is two lookups and arithmetic.
import type { InvocationRecord, InvokeObserver } from './invoke.js';
import type { FunctionVersion } from './model.js';

/** A series handle (see CloudWatch's MetricsStore.series). */
export interface MetricSeries {
  put(value: number, unit?: string, timestamp?: number): void;
}

/** Where metrics go (CloudWatch's in-process store, wired in the composition root). */
export interface MetricSink {
  series(accountId: string, region: string, namespace: string, name: string, dimensions: Readonly<Record<string, string>>): MetricSeries;
}

const NAMESPACE = 'AWS/Lambda';

/** The series of one (function, qualifier, executed version), per metric name. */
class FunctionSeries {
  private readonly byName = new Map<string, MetricSeries[]>();
  private readonly dimensionSets: Record<string, string>[];

  constructor(
    private readonly sink: MetricSink,
    private readonly v: FunctionVersion,
    qualifier: string | undefined,
    executedVersion: string | undefined,
  ) {
    const fn = v.functionName;
    this.dimensionSets = [{}, { FunctionName: fn }];
    if (qualifier) this.dimensionSets.push({ FunctionName: fn, Resource: `${fn}:${qualifier}` });
    if (executedVersion) this.dimensionSets.push({ FunctionName: fn, ExecutedVersion: executedVersion });
  }

  put(name: string, value: number, unit: string): void {
    let series = this.byName.get(name);
    if (!series) {
      series = this.dimensionSets.map((d) => this.sink.series(this.v.accountId, this.v.region, NAMESPACE, name, d));
      this.byName.set(name, series);
    }
    for (const s of series) s.put(value, unit);
  }
}

export function lambdaMetrics(sink: MetricSink): InvokeObserver {
  // Keyed by the registry's (immutable, cached) version object, then qualifier and executed
  // version: entries go away with the version object, so nothing needs evicting.
  const cache = new WeakMap<FunctionVersion, Map<string, FunctionSeries>>();
  const seriesOf = (v: FunctionVersion, qualifier?: string, executedVersion?: string) => {
    let byQualifier = cache.get(v);
    if (!byQualifier) cache.set(v, (byQualifier = new Map()));
    const key = qualifier || executedVersion ? `${qualifier ?? ''}\u0000${executedVersion ?? ''}` : '';
    let s = byQualifier.get(key);
    if (!s) byQualifier.set(key, (s = new FunctionSeries(sink, v, qualifier, executedVersion)));
    return s;
  };
  const publish = (record: InvocationRecord) => {
    const v = record.version;
    const s = seriesOf(v, record.qualifier, record.viaAlias ? v.version : undefined);
    s.put('Invocations', 1, 'Count');
    s.put('Errors', record.result.functionError ? 1 : 0, 'Count');
    s.put('Duration', record.result.durationMs, 'Milliseconds');
  };
  // Figures are put off the invocation's path, in one batch per loop turn: an invocation's once
  // its caller has been answered (the answer is written in the microtasks that follow `invoked`;
  // immediates run after them), a start's once the event is on its way to the runtime.
  let pending: (() => void)[] = [];
  const publishPending = () => {
    const puts = pending;
    pending = [];
    for (const put of puts) put();
  };
  const later = (put: () => void) => {
    if (pending.push(put) === 1) setImmediate(publishPending);
  };
  return {
    invoked(record) {
      later(() => publish(record));
    },
    throttled(v, qualifier) {
      seriesOf(v, qualifier).put('Throttles', 1, 'Count');
    },
    concurrency(v, inFlight) {
      later(() => seriesOf(v).put('ConcurrentExecutions', inFlight, 'Count'));
    },
  };
}
