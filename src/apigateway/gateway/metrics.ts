// API Gateway's CloudWatch metrics (namespace AWS/ApiGateway) for each answered request, with the
// dimension sets AWS publishes by default: ApiName, and ApiName+Stage.
// Each request records up to ten values, so the series handles of one (API name, stage) are
// resolved once and kept: the hot path is one Map lookup and arithmetic.
import type { MetricSeries, MetricsStore } from '../../cloudwatch/index.js';
import type { Call } from './call.js';

export type MetricSink = Pick<MetricsStore, 'series'>;

const NAMESPACE = 'AWS/ApiGateway';
const NAMES = ['Count', '4XXError', '5XXError', 'Latency', 'IntegrationLatency'] as const;
type Name = (typeof NAMES)[number];
/** Entries are never wrong (the key holds every dimension value); past this many, start over. */
const MAX_CACHED = 10_000;

type StageSeries = Record<Name, [MetricSeries, MetricSeries]>;

export type RequestMetrics = (call: Call, status: number, now: number) => void;

export function requestMetrics(sink: MetricSink): RequestMetrics {
  const cache = new Map<string, StageSeries>();
  const seriesOf = (accountId: string, region: string, apiName: string, stageName: string): StageSeries => {
    const key = `${accountId}\u0000${region}\u0000${apiName}\u0000${stageName}`;
    let s = cache.get(key);
    if (!s) {
      if (cache.size >= MAX_CACHED) cache.clear();
      const apiOnly = { ApiName: apiName };
      const withStage = { ApiName: apiName, Stage: stageName };
      s = {} as StageSeries;
      for (const name of NAMES) {
        s[name] = [sink.series(accountId, region, NAMESPACE, name, apiOnly), sink.series(accountId, region, NAMESPACE, name, withStage)];
      }
      cache.set(key, s);
    }
    return s;
  };
  return (call, status, now) => {
    const resolved = call.resolved;
    if (!resolved) return; // not an API of this account: AWS publishes nothing either
    const s = seriesOf(resolved.scope.accountId, resolved.scope.region, resolved.api.name, resolved.stage.stageName);
    const put = (name: Name, value: number, unit: string) => {
      // Timestamped by the store's clock, as putMetric did.
      s[name][0].put(value, unit);
      s[name][1].put(value, unit);
    };
    put('Count', 1, 'Count');
    put('4XXError', status >= 400 && status < 500 ? 1 : 0, 'Count');
    put('5XXError', status >= 500 ? 1 : 0, 'Count');
    put('Latency', now - call.receivedAt, 'Milliseconds');
    if (call.integrationLatency !== undefined) put('IntegrationLatency', call.integrationLatency, 'Milliseconds');
  };
}
