// Reads back what Nimbus recorded in CloudWatch metrics: one statistic of one metric over the last
// ten minutes, summed over its datapoints.
import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { clientConfig } from './nimbus.js';

export type Statistic = 'Sum' | 'SampleCount';

export function metricReader(endpoint: string, namespace: string, dimensions: Record<string, string>) {
  const cw = new CloudWatchClient(clientConfig(endpoint));
  return async (MetricName: string, statistic: Statistic): Promise<number> => {
    const out = await cw.send(
      new GetMetricStatisticsCommand({
        Namespace: namespace,
        MetricName,
        Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })),
        StartTime: new Date(Date.now() - 600_000),
        EndTime: new Date(Date.now() + 60_000),
        Period: 3600,
        Statistics: [statistic],
      }),
    );
    return out.Datapoints!.reduce((n, d) => n + (d[statistic] ?? 0), 0);
  };
}
