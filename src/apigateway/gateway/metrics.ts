// API Gateway's CloudWatch metrics (namespace AWS/ApiGateway) for each answered request, with the
// dimension sets AWS publishes by default: ApiName, and ApiName+Stage.
import type { MetricsStore } from '../../cloudwatch/index.js';
import type { Call } from './call.js';

export type MetricSink = Pick<MetricsStore, 'putMetric'>;

const NAMESPACE = 'AWS/ApiGateway';

export function recordRequestMetrics(sink: MetricSink, call: Call, status: number, now: number): void {
  const resolved = call.resolved;
  if (!resolved) return; // not an API of this account: AWS publishes nothing either
  const { accountId, region } = resolved.scope;
  const apiOnly = { ApiName: resolved.api.name };
  const withStage = { ApiName: resolved.api.name, Stage: resolved.stage.stageName };
  const put = (name: string, value: number, unit: string) => {
    sink.putMetric(accountId, region, NAMESPACE, name, apiOnly, value, unit);
    sink.putMetric(accountId, region, NAMESPACE, name, withStage, value, unit);
  };
  put('Count', 1, 'Count');
  put('4XXError', status >= 400 && status < 500 ? 1 : 0, 'Count');
  put('5XXError', status >= 500 ? 1 : 0, 'Count');
  put('Latency', now - call.receivedAt, 'Milliseconds');
  if (call.integrationLatency !== undefined) put('IntegrationLatency', call.integrationLatency, 'Milliseconds');
}
