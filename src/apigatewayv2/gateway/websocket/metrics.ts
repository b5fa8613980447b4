// CloudWatch metrics of WebSocket APIs (namespace AWS/ApiGateway), the ones AWS documents for them:
// ConnectCount, MessageCount (to or from the client), IntegrationError (a 4xx/5xx answer of the
// integration), ClientError (a 4xx from API Gateway before any integration), ExecutionError (the
// integration could not be called or failed), IntegrationLatency; dimensions ApiId and ApiId + Stage.
import type { MetricSeries } from '../../../cloudwatch/index.js';
import type { DeployedStage, Scope } from '../../core/model.js';
import type { MetricSink } from '../metrics.js';

export const WEBSOCKET_METRICS = ['ConnectCount', 'MessageCount', 'IntegrationError', 'ClientError', 'ExecutionError', 'IntegrationLatency'] as const;
export type WebSocketMetric = (typeof WEBSOCKET_METRICS)[number];

/** Records one data point of a stage's metric (Count, or Milliseconds for IntegrationLatency). */
export type WebSocketMeter = (scope: Scope, apiId: string, stage: DeployedStage, name: WebSocketMetric, value?: number) => void;

export function websocketMetrics(sink: MetricSink): WebSocketMeter {
  const cache = new WeakMap<DeployedStage, Map<WebSocketMetric, [MetricSeries, MetricSeries]>>();
  return (scope, apiId, stage, name, value = 1) => {
    let series = cache.get(stage);
    if (!series) cache.set(stage, (series = new Map()));
    let pair = series.get(name);
    if (!pair) {
      const dims = [{ ApiId: apiId }, { ApiId: apiId, Stage: stage.stage.stageName }] as const;
      pair = [sink.series(scope.accountId, scope.region, 'AWS/ApiGateway', name, dims[0]), sink.series(scope.accountId, scope.region, 'AWS/ApiGateway', name, dims[1])];
      series.set(name, pair);
    }
    const unit = name === 'IntegrationLatency' ? 'Milliseconds' : 'Count';
    const at = Date.now();
    pair[0].put(value, unit, at);
    pair[1].put(value, unit, at);
  };
}
