// CloudWatch metrics through the real AWS SDK v3 client (JSON 1.0, query-compatible) and the AWS
// CLI (v1: JSON 1.0 via botocore; v2 from Debian: the older awsQuery protocol), against Nimbus.
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CloudWatchClient,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  ListMetricsCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { failure } from '../helpers/failure.js';

const run = promisify(execFile);

let nimbus: TestNimbus;
let cw: CloudWatchClient;

beforeAll(async () => {
  nimbus = await startNimbus();
  cw = new CloudWatchClient(clientConfig(nimbus.endpoint));
});

afterAll(async () => {
  cw?.destroy();
  await nimbus?.dispose();
});


/** A minute boundary a few minutes ago, so all test data sits in whole periods. */
function baseMinute(): number {
  return Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;
}

describe('PutMetricData + GetMetricStatistics', () => {
  it('aggregates values per period with every statistic and percentiles', async () => {
    const t = baseMinute();
    const dims = [{ Name: 'FunctionName', Value: 'fn-a' }];
    // Minute 1: values 1..100; minute 2: 500 (twice, via Values/Counts) and a statistic set.
    await cw.send(
      new PutMetricDataCommand({
        Namespace: 'Test/App',
        MetricData: Array.from({ length: 100 }, (_, i) => ({
          MetricName: 'Latency',
          Dimensions: dims,
          Timestamp: new Date(t + i * 100),
          Value: i + 1,
          Unit: 'Milliseconds',
        })),
      }),
    );
    await cw.send(
      new PutMetricDataCommand({
        Namespace: 'Test/App',
        MetricData: [
          { MetricName: 'Latency', Dimensions: dims, Timestamp: new Date(t + 60_000), Values: [500], Counts: [2], Unit: 'Milliseconds' },
          {
            MetricName: 'Latency',
            Dimensions: dims,
            Timestamp: new Date(t + 61_000),
            StatisticValues: { SampleCount: 2, Sum: 30, Minimum: 10, Maximum: 20 },
            Unit: 'Milliseconds',
          },
        ],
      }),
    );
    const out = await cw.send(
      new GetMetricStatisticsCommand({
        Namespace: 'Test/App',
        MetricName: 'Latency',
        Dimensions: dims,
        StartTime: new Date(t),
        EndTime: new Date(t + 120_000),
        Period: 60,
        Statistics: ['SampleCount', 'Sum', 'Average', 'Minimum', 'Maximum'],
        ExtendedStatistics: ['p50', 'p99'],
      }),
    );
    expect(out.Label).toBe('Latency');
    const points = [...out.Datapoints!].sort((a, b) => a.Timestamp!.getTime() - b.Timestamp!.getTime());
    expect(points).toHaveLength(2);
    expect(points[0]).toMatchObject({
      SampleCount: 100,
      Sum: 5050,
      Average: 50.5,
      Minimum: 1,
      Maximum: 100,
      Unit: 'Milliseconds',
      ExtendedStatistics: { p50: 50, p99: 99 },
    });
    expect(points[0]!.Timestamp!.getTime()).toBe(t);
    // The statistic set hides raw values: no percentiles for that period, but the other statistics add up.
    expect(points[1]).toMatchObject({ SampleCount: 4, Sum: 1030, Minimum: 10, Maximum: 500 });
    expect(points[1]!.ExtendedStatistics).toEqual({});

    // One five-minute period covers both; dimensions must match exactly; unit filters.
    const wide = await cw.send(
      new GetMetricStatisticsCommand({
        Namespace: 'Test/App', MetricName: 'Latency', Dimensions: dims,
        StartTime: new Date(t), EndTime: new Date(t + 300_000), Period: 300, Statistics: ['SampleCount'],
      }),
    );
    expect(wide.Datapoints!.map((d) => d.SampleCount)).toEqual([104]);
    const noDims = await cw.send(
      new GetMetricStatisticsCommand({
        Namespace: 'Test/App', MetricName: 'Latency', StartTime: new Date(t), EndTime: new Date(t + 300_000), Period: 300, Statistics: ['Sum'],
      }),
    );
    expect(noDims.Datapoints).toEqual([]);
    const otherUnit = await cw.send(
      new GetMetricStatisticsCommand({
        Namespace: 'Test/App', MetricName: 'Latency', Dimensions: dims, Unit: 'Seconds',
        StartTime: new Date(t), EndTime: new Date(t + 300_000), Period: 300, Statistics: ['Sum'],
      }),
    );
    expect(otherUnit.Datapoints).toEqual([]);
  });

  it('answers validation errors with CloudWatch names, codes and statuses', async () => {
    const now = new Date();
    const reserved = await failure(
      cw.send(new PutMetricDataCommand({ Namespace: 'AWS/Lambda', MetricData: [{ MetricName: 'x', Value: 1 }] })),
    );
    expect(reserved).toMatchObject({ name: 'InvalidParameterValueException', status: 400, code: 'InvalidParameterValue' });
    const both = await failure(
      cw.send(
        new PutMetricDataCommand({
          Namespace: 'Test/Err',
          MetricData: [{ MetricName: 'x', Value: 1, StatisticValues: { SampleCount: 1, Sum: 1, Minimum: 1, Maximum: 1 } }],
        }),
      ),
    );
    expect(both).toMatchObject({ name: 'InvalidParameterCombinationException', status: 400 });
    const noName = await failure(cw.send(new PutMetricDataCommand({ Namespace: 'Test/Err', MetricData: [{ Value: 1 } as never] })));
    expect(noName).toMatchObject({ name: 'MissingRequiredParameterException', status: 400, message: 'The parameter MetricData.member.1.MetricName is required.' });
    const unit = await failure(
      cw.send(new PutMetricDataCommand({ Namespace: 'Test/Err', MetricData: [{ MetricName: 'x', Value: 1, Unit: 'Parsecs' as never }] })),
    );
    expect(unit).toMatchObject({ name: 'InvalidParameterValueException', status: 400 });
    const old = await failure(
      cw.send(
        new PutMetricDataCommand({
          Namespace: 'Test/Err',
          MetricData: [{ MetricName: 'x', Value: 1, Timestamp: new Date(Date.now() - 15 * 86_400_000) }],
        }),
      ),
    );
    expect(old).toMatchObject({ name: 'InvalidParameterValueException', status: 400 });

    const stats = (extra: Partial<ConstructorParameters<typeof GetMetricStatisticsCommand>[0]>) =>
      failure(
        cw.send(
          new GetMetricStatisticsCommand({
            Namespace: 'Test/Err', MetricName: 'x', StartTime: new Date(now.getTime() - 3_600_000), EndTime: now, Period: 60,
            Statistics: ['Sum'], ...extra,
          }),
        ),
      );
    expect(await stats({ Period: 45 })).toMatchObject({ name: 'InvalidParameterValueException', status: 400, message: 'The parameter Period must be a multiple of 60.' });
    expect(await stats({ Statistics: [], ExtendedStatistics: [] })).toMatchObject({ name: 'InvalidParameterCombinationException', status: 400 });
    expect(await stats({ Statistics: ['Median' as never] })).toMatchObject({ name: 'InvalidParameterValueException', status: 400 });
    expect(await stats({ ExtendedStatistics: ['p101'] })).toMatchObject({ name: 'InvalidParameterValueException', status: 400 });
    expect(await stats({ Period: 1, StartTime: new Date(now.getTime() - 86_400_000) })).toMatchObject({
      name: 'InvalidParameterCombinationException',
      status: 400,
    });
    expect(await stats({ StartTime: now, EndTime: new Date(now.getTime() - 1000) })).toMatchObject({
      name: 'InvalidParameterValueException',
      status: 400,
    });
  });
});

describe('ListMetrics', () => {
  it('lists series with namespace, name and dimension filters', async () => {
    const put = (name: string, dims: { Name: string; Value: string }[]) =>
      cw.send(new PutMetricDataCommand({ Namespace: 'Test/List', MetricData: [{ MetricName: name, Dimensions: dims, Value: 1 }] }));
    await put('Requests', [{ Name: 'Api', Value: 'a' }]);
    await put('Requests', [{ Name: 'Api', Value: 'b' }, { Name: 'Stage', Value: 'prod' }]);
    await put('Errors', [{ Name: 'Api', Value: 'a' }]);
    const all = await cw.send(new ListMetricsCommand({ Namespace: 'Test/List' }));
    expect(all.Metrics).toHaveLength(3);
    expect(all.Metrics![1]).toEqual({
      Namespace: 'Test/List',
      MetricName: 'Requests',
      Dimensions: [{ Name: 'Api', Value: 'b' }, { Name: 'Stage', Value: 'prod' }],
    });
    const byName = await cw.send(new ListMetricsCommand({ Namespace: 'Test/List', MetricName: 'Requests' }));
    expect(byName.Metrics).toHaveLength(2);
    const byDim = await cw.send(new ListMetricsCommand({ Namespace: 'Test/List', Dimensions: [{ Name: 'Stage' }] }));
    expect(byDim.Metrics!.map((m) => m.Dimensions![0]!.Value)).toEqual(['b']);
    const byDimValue = await cw.send(new ListMetricsCommand({ Namespace: 'Test/List', Dimensions: [{ Name: 'Api', Value: 'a' }] }));
    expect(byDimValue.Metrics!.map((m) => m.MetricName).sort()).toEqual(['Errors', 'Requests']);
    const recent = await cw.send(new ListMetricsCommand({ Namespace: 'Test/List', RecentlyActive: 'PT3H' }));
    expect(recent.Metrics).toHaveLength(3);
    const bad = await failure(cw.send(new ListMetricsCommand({ NextToken: '!!!' })));
    expect(bad).toMatchObject({ name: 'InvalidNextToken', status: 400 });
  });
});

describe('GetMetricData', () => {
  it('returns metric stats and math expressions, newest first by default', async () => {
    const t = baseMinute();
    const put = (name: string, values: number[]) =>
      cw.send(
        new PutMetricDataCommand({
          Namespace: 'Test/Data',
          MetricData: values.map((v, i) => ({ MetricName: name, Value: v, Timestamp: new Date(t + i * 60_000) })),
        }),
      );
    await put('Errors', [1, 2, 0]);
    await put('Invocations', [10, 20, 40]);
    const metric = (name: string) => ({ Namespace: 'Test/Data', MetricName: name });
    const out = await cw.send(
      new GetMetricDataCommand({
        StartTime: new Date(t),
        EndTime: new Date(t + 180_000),
        MetricDataQueries: [
          { Id: 'e', MetricStat: { Metric: metric('Errors'), Period: 60, Stat: 'Sum' }, ReturnData: false },
          { Id: 'i', MetricStat: { Metric: metric('Invocations'), Period: 60, Stat: 'Sum' } },
          { Id: 'rate', Expression: '100 * e / i', Label: 'Error rate' },
        ],
      }),
    );
    expect(out.MetricDataResults!.map((r) => r.Id)).toEqual(['i', 'rate']);
    const [inv, rate] = out.MetricDataResults!;
    expect(inv!.Label).toBe('Invocations');
    expect(inv!.Values).toEqual([40, 20, 10]);
    expect(inv!.Timestamps!.map((d) => d.getTime())).toEqual([t + 120_000, t + 60_000, t]);
    expect(inv!.StatusCode).toBe('Complete');
    expect(rate!.Label).toBe('Error rate');
    expect(rate!.Values).toEqual([0, 10, 10]);

    const asc = await cw.send(
      new GetMetricDataCommand({
        StartTime: new Date(t), EndTime: new Date(t + 180_000), ScanBy: 'TimestampAscending',
        MetricDataQueries: [
          { Id: 'a', MetricStat: { Metric: metric('Invocations'), Period: 60, Stat: 'Maximum' } },
          { Id: 'b', MetricStat: { Metric: metric('Errors'), Period: 60, Stat: 'Sum' } },
          { Id: 's', Expression: 'SUM([a, b])' },
        ],
      }),
    );
    expect(asc.MetricDataResults![0]!.Values).toEqual([10, 20, 40]);
    expect(asc.MetricDataResults![2]!.Values).toEqual([11, 22, 40]);

    // Paging: MaxDatapoints cuts the concatenated series; NextToken continues.
    const pages: number[][] = [];
    let token: string | undefined;
    do {
      const page = await cw.send(
        new GetMetricDataCommand({
          StartTime: new Date(t), EndTime: new Date(t + 180_000), ScanBy: 'TimestampAscending', MaxDatapoints: 2, NextToken: token,
          MetricDataQueries: [
            { Id: 'a', MetricStat: { Metric: metric('Invocations'), Period: 60, Stat: 'Sum' } },
            { Id: 'b', MetricStat: { Metric: metric('Errors'), Period: 60, Stat: 'Sum' } },
          ],
        }),
      );
      pages.push(page.MetricDataResults!.flatMap((r) => r.Values!));
      token = page.NextToken;
    } while (token && pages.length < 10);
    expect(pages).toEqual([[10, 20], [40, 1], [2, 0]]);

    const badId = await failure(
      cw.send(
        new GetMetricDataCommand({
          StartTime: new Date(t), EndTime: new Date(t + 60_000),
          MetricDataQueries: [{ Id: 'Upper', MetricStat: { Metric: metric('Errors'), Period: 60, Stat: 'Sum' } }],
        }),
      ),
    );
    expect(badId).toMatchObject({ name: 'InvalidParameterValueException', status: 400 });
    const unknownRef = await failure(
      cw.send(
        new GetMetricDataCommand({ StartTime: new Date(t), EndTime: new Date(t + 60_000), MetricDataQueries: [{ Id: 'x', Expression: 'y * 2' }] }),
      ),
    );
    expect(unknownRef).toMatchObject({ name: 'InvalidParameterValueException', status: 400 });
    const neither = await failure(
      cw.send(new GetMetricDataCommand({ StartTime: new Date(t), EndTime: new Date(t + 60_000), MetricDataQueries: [{ Id: 'x' }] })),
    );
    expect(neither).toMatchObject({ name: 'InvalidParameterCombinationException', status: 400 });
  });
});

const CLI_ENV = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: process.env.HOME ?? '/tmp',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_PAGER: '',
  AWS_EC2_METADATA_DISABLED: 'true',
};
const cliVersion = (bin: string) => {
  const r = spawnSync(bin, ['--version'], { env: CLI_ENV, encoding: 'utf8' });
  return r.status === 0 ? `${r.stdout}${r.stderr}` : '';
};

describe.each([
  ['aws', 'aws-cli/1.'],
  ['/usr/bin/aws', 'aws-cli/2.'],
])('AWS CLI %s', (bin, prefix) => {
  it.skipIf(!cliVersion(bin).startsWith(prefix))('put-metric-data, get-metric-statistics, list-metrics and an error', async () => {
    const cli = async (...args: string[]) =>
      (await run(bin, ['--endpoint-url', nimbus.endpoint, 'cloudwatch', ...args], { env: CLI_ENV, timeout: 90_000 })).stdout;
    const ns = `Cli/${prefix.replace(/\W/g, '')}`;
    const t = new Date(baseMinute()).toISOString();
    const datum = (v: number) => ({ MetricName: 'Hits', Value: v, Unit: 'Count', Timestamp: t, Dimensions: [{ Name: 'Page', Value: 'home' }] });
    await cli('put-metric-data', '--namespace', ns, '--metric-data', JSON.stringify([datum(3), datum(5)]));
    const stats = JSON.parse(
      await cli('get-metric-statistics', '--namespace', ns, '--metric-name', 'Hits', '--dimensions', 'Name=Page,Value=home',
        '--start-time', t, '--end-time', new Date(baseMinute() + 60_000).toISOString(), '--period', '60',
        '--statistics', 'Sum', 'Maximum', '--extended-statistics', 'p50'),
    );
    expect(stats.Label).toBe('Hits');
    expect(stats.Datapoints).toHaveLength(1);
    expect(stats.Datapoints[0]).toMatchObject({ Sum: 8, Maximum: 5, Unit: 'Count', ExtendedStatistics: { p50: 3 } });
    const list = JSON.parse(await cli('list-metrics', '--namespace', ns));
    expect(list.Metrics).toEqual([{ Namespace: ns, MetricName: 'Hits', Dimensions: [{ Name: 'Page', Value: 'home' }] }]);
    let stderr = '';
    try {
      await cli('put-metric-data', '--namespace', 'AWS/EC2', '--metric-name', 'x', '--value', '1');
    } catch (err) {
      stderr = String((err as { stderr?: string }).stderr);
    }
    expect(stderr).toContain('InvalidParameterValue');
  }, 180_000); // each CLI start is a Python start-up: slow on a busy 2-core machine
});
