// API Gateway's CloudWatch metrics (namespace AWS/ApiGateway) for each answered request, with the
// dimension sets AWS publishes by default: ApiName, and ApiName+Stage. CacheHitCount and
// CacheMissCount are recorded only for requests to a cached method (AWS: "when API caching is
// enabled"), both values each time so that their Average is the hit (or miss) rate.
// Each request records up to fourteen values, so the series handles of one resolved stage are
// resolved once and kept: the hot path is one WeakMap lookup and arithmetic.
import type { MetricSeries, MetricsStore } from '../../cloudwatch/index.js';
import type { Call } from './call.js';
import type { ResolvedStage } from '../core/model.js';

export type MetricSink = Pick<MetricsStore, 'series'>;

const NAMESPACE = 'AWS/ApiGateway';
const NAMES = ['Count', '4XXError', '5XXError', 'Latency', 'IntegrationLatency', 'CacheHitCount', 'CacheMissCount'] as const;
type Name = (typeof NAMES)[number];
type StageSeries = Record<Name, [MetricSeries, MetricSeries]>;

export type RequestMetrics = (call: Call, status: number, now: number) => void;

export function requestMetrics(sink: MetricSink): RequestMetrics {
  // Keyed by the catalog's resolved stage (one frozen object per API stage until the API
  // changes): the API name and stage name it carries are the dimensions, so an entry can never
  // be wrong, and it goes away with its object.
  const cache = new WeakMap<ResolvedStage, StageSeries>();
  const seriesOf = (resolved: ResolvedStage): StageSeries => {
    let s = cache.get(resolved);
    if (!s) {
      const { accountId, region } = resolved.scope;
      const apiOnly = { ApiName: resolved.api.name };
      const withStage = { ApiName: resolved.api.name, Stage: resolved.stage.stageName };
      s = {} as StageSeries;
      for (const name of NAMES) {
        s[name] = [sink.series(accountId, region, NAMESPACE, name, apiOnly), sink.series(accountId, region, NAMESPACE, name, withStage)];
      }
      cache.set(resolved, s);
    }
    return s;
  };
  return (call, status, now) => {
    const resolved = call.resolved;
    if (!resolved) return; // not an API of this account: AWS publishes nothing either
    const s = seriesOf(resolved);
    // Every value of one request carries its answer's time (one clock read, not ten).
    const put = (name: Name, value: number, unit: string) => {
      s[name][0].put(value, unit, now);
      s[name][1].put(value, unit, now);
    };
    put('Count', 1, 'Count');
    put('4XXError', status >= 400 && status < 500 ? 1 : 0, 'Count');
    put('5XXError', status >= 500 ? 1 : 0, 'Count');
    put('Latency', now - call.receivedAt, 'Milliseconds');
    if (call.integrationLatency !== undefined) put('IntegrationLatency', call.integrationLatency, 'Milliseconds');
    if (call.cacheResult !== undefined) {
      put('CacheHitCount', call.cacheResult === 'hit' ? 1 : 0, 'Count');
      put('CacheMissCount', call.cacheResult === 'miss' ? 1 : 0, 'Count');
    }
  };
}
