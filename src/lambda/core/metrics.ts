// Lambda's CloudWatch metrics (namespace AWS/Lambda), emitted per invocation with the dimension
// sets AWS publishes: none (account), FunctionName, FunctionName+Resource (a qualified invoke) and
// FunctionName+ExecutedVersion (an alias's traffic split).
import type { InvokeObserver } from './invoke.js';

/** Where metrics go (CloudWatch's in-process store, wired in the composition root). */
export interface MetricSink {
  putMetric(accountId: string, region: string, namespace: string, name: string, dimensions: Readonly<Record<string, string>>, value: number, unit: string): void;
}

const NAMESPACE = 'AWS/Lambda';

export function lambdaMetrics(sink: MetricSink): InvokeObserver {
  const emit = (
    accountId: string,
    region: string,
    functionName: string,
    qualifier: string | undefined,
    executedVersion: string | undefined,
    name: string,
    value: number,
    unit: string,
  ) => {
    sink.putMetric(accountId, region, NAMESPACE, name, {}, value, unit);
    sink.putMetric(accountId, region, NAMESPACE, name, { FunctionName: functionName }, value, unit);
    if (qualifier) sink.putMetric(accountId, region, NAMESPACE, name, { FunctionName: functionName, Resource: `${functionName}:${qualifier}` }, value, unit);
    if (executedVersion) sink.putMetric(accountId, region, NAMESPACE, name, { FunctionName: functionName, ExecutedVersion: executedVersion }, value, unit);
  };
  return {
    invoked(record) {
      const v = record.version;
      const executed = record.viaAlias ? v.version : undefined;
      emit(v.accountId, v.region, v.functionName, record.qualifier, executed, 'Invocations', 1, 'Count');
      emit(v.accountId, v.region, v.functionName, record.qualifier, executed, 'Errors', record.result.functionError ? 1 : 0, 'Count');
      emit(v.accountId, v.region, v.functionName, record.qualifier, executed, 'Duration', record.result.durationMs, 'Milliseconds');
    },
    throttled(v, qualifier) {
      emit(v.accountId, v.region, v.functionName, qualifier, undefined, 'Throttles', 1, 'Count');
    },
    concurrency(v, inFlight) {
      emit(v.accountId, v.region, v.functionName, undefined, undefined, 'ConcurrentExecutions', inFlight, 'Count');
    },
  };
}
