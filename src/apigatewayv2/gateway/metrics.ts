// CloudWatch metrics of HTTP APIs (namespace AWS/ApiGateway) with the dimensions AWS publishes for
// them: ApiId, and ApiId + Stage. Series handles are resolved once per deployed stage object.
import type { MetricSeries, MetricsStore } from '../../cloudwatch/index.js';
import type { DeployedStage, Scope } from '../core/model.js';

export type MetricSink = Pick<MetricsStore, 'series'>;

const NAMES = ['Count', '4xx', '5xx', 'Latency', 'IntegrationLatency', 'DataProcessed'] as const;
type Name = (typeof NAMES)[number];
type StageSeries = Record<Name, [MetricSeries, MetricSeries]>;

export interface Measured {
  readonly scope: Scope;
  readonly apiId: string;
  readonly stage: DeployedStage;
  readonly status: number;
  readonly latencyMs: number;
  readonly integrationLatencyMs: number | undefined;
  readonly bytes: number;
  readonly at: number;
}

export function httpApiMetrics(sink: MetricSink): (m: Measured) => void {
  const cache = new WeakMap<DeployedStage, StageSeries>();
  const seriesOf = (m: Measured): StageSeries => {
    let s = cache.get(m.stage);
    if (!s) {
      const api = { ApiId: m.apiId };
      const stage = { ApiId: m.apiId, Stage: m.stage.stage.stageName };
      s = {} as StageSeries;
      for (const name of NAMES) {
        s[name] = [sink.series(m.scope.accountId, m.scope.region, 'AWS/ApiGateway', name, api), sink.series(m.scope.accountId, m.scope.region, 'AWS/ApiGateway', name, stage)];
      }
      cache.set(m.stage, s);
    }
    return s;
  };
  return (m) => {
    const s = seriesOf(m);
    const put = (name: Name, value: number, unit: string) => {
      s[name][0].put(value, unit, m.at);
      s[name][1].put(value, unit, m.at);
    };
    put('Count', 1, 'Count');
    put('4xx', m.status >= 400 && m.status < 500 ? 1 : 0, 'Count');
    put('5xx', m.status >= 500 ? 1 : 0, 'Count');
    put('Latency', m.latencyMs, 'Milliseconds');
    if (m.integrationLatencyMs !== undefined) put('IntegrationLatency', m.integrationLatencyMs, 'Milliseconds');
    put('DataProcessed', m.bytes, 'Bytes');
  };
}
