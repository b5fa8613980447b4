// CloudWatch alarms through the AWS CLI: v2.9 (Debian) speaks the awsQuery protocol (form POST,
// XML replies), v1 speaks JSON 1.0. Both create, filter, set the state of and delete alarms, and
// see AWS's error codes.
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNimbus, type TestNimbus } from '../helpers/nimbus.js';

const run = promisify(execFile);
const ENV = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: process.env.HOME ?? '/tmp',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_PAGER: '',
  AWS_EC2_METADATA_DISABLED: 'true',
};
const version = (bin: string) => {
  const r = spawnSync(bin, ['--version'], { env: ENV, encoding: 'utf8' });
  return r.status === 0 ? `${r.stdout}${r.stderr}` : '';
};
const CLIS = [
  { label: 'v2 (query protocol)', bin: '/usr/bin/aws', ok: version('/usr/bin/aws').startsWith('aws-cli/2.') },
  { label: 'v1 (JSON 1.0)', bin: 'aws', ok: version('aws').startsWith('aws-cli/1.') },
];

let nimbus: TestNimbus;
beforeAll(async () => {
  process.env.NIMBUS_ALARM_EVALUATION_MS = '200';
  nimbus = await startNimbus();
});
afterAll(async () => {
  delete process.env.NIMBUS_ALARM_EVALUATION_MS;
  await nimbus?.dispose();
});

for (const cli of CLIS) {
  describe.skipIf(!cli.ok)(`aws cloudwatch alarms, CLI ${cli.label}`, () => {
    const aws = async (...args: string[]) => {
      try {
        const { stdout } = await run(cli.bin, ['--endpoint-url', nimbus.endpoint, '--output', 'json', 'cloudwatch', ...args], { env: ENV });
        return { code: 0, out: stdout.trim() ? JSON.parse(stdout) : {}, err: '' };
      } catch (e) {
        const x = e as { code?: number; stderr?: string };
        return { code: x.code ?? 1, out: {}, err: x.stderr ?? '' };
      }
    };
    const name = `cli-${cli.bin === 'aws' ? 'v1' : 'v2'}`;

    it('put-metric-alarm, describe-alarms --state-value, set-alarm-state, history, delete-alarms', async () => {
      const put = await aws(
        'put-metric-alarm', '--alarm-name', name, '--namespace', 'App/Cli', '--metric-name', 'Depth',
        '--dimensions', 'Name=Queue,Value=q1', '--statistic', 'Maximum', '--period', '60', '--evaluation-periods', '3',
        '--datapoints-to-alarm', '2', '--threshold', '2.5', '--comparison-operator', 'GreaterThanOrEqualToThreshold',
        '--treat-missing-data', 'ignore', '--alarm-actions', 'arn:aws:sns:us-east-1:000000000000:t',
      );
      expect(put.code).toBe(0);
      const d = await aws('describe-alarms', '--alarm-names', name);
      expect(d.out.MetricAlarms[0]).toMatchObject({
        AlarmName: name,
        AlarmArn: `arn:aws:cloudwatch:us-east-1:000000000000:alarm:${name}`,
        StateValue: 'INSUFFICIENT_DATA',
        Dimensions: [{ Name: 'Queue', Value: 'q1' }],
        Threshold: 2.5,
        DatapointsToAlarm: 2,
        ActionsEnabled: true,
        AlarmActions: ['arn:aws:sns:us-east-1:000000000000:t'],
      });
      // v2 prints ISO 8601; v1's default cli_timestamp_format (none) prints what the wire carried.
      expect(typeof d.out.MetricAlarms[0].StateUpdatedTimestamp).toBe(cli.bin === 'aws' ? 'number' : 'string');

      // The SDK test covers JSON 1.0 in depth; v1 (also JSON 1.0) only checks the CLI's own shapes.
      if (cli.bin === 'aws') {
        expect((await aws('delete-alarms', '--alarm-names', name)).code).toBe(0);
        return;
      }
      expect((await aws('set-alarm-state', '--alarm-name', name, '--state-value', 'ALARM', '--state-reason', 'manual')).code).toBe(0);
      const inAlarm = await aws('describe-alarms', '--state-value', 'ALARM', '--alarm-name-prefix', 'cli-');
      expect(inAlarm.out.MetricAlarms.map((a: { AlarmName: string }) => a.AlarmName)).toContain(name);
      const h = await aws('describe-alarm-history', '--alarm-name', name, '--history-item-type', 'StateUpdate');
      expect(h.out.AlarmHistoryItems[0]).toMatchObject({ HistorySummary: 'Alarm updated from INSUFFICIENT_DATA to ALARM' });

      const forMetric = await aws('describe-alarms-for-metric', '--namespace', 'App/Cli', '--metric-name', 'Depth', '--dimensions', 'Name=Queue,Value=q1');
      expect(forMetric.out.MetricAlarms.map((a: { AlarmName: string }) => a.AlarmName)).toContain(name);

      // A metric-math alarm: nested query members (Metrics.member.N.MetricStat.Metric.Dimensions…).
      const metrics = JSON.stringify([
        { Id: 'd', MetricStat: { Metric: { Namespace: 'App/Cli', MetricName: 'Depth', Dimensions: [{ Name: 'Queue', Value: 'q1' }] }, Period: 60, Stat: 'Maximum' }, ReturnData: false },
        { Id: 'x', Expression: 'd * 2', Label: 'double', ReturnData: true },
      ]);
      const math = await aws('put-metric-alarm', '--alarm-name', `${name}-math`, '--metrics', metrics, '--evaluation-periods', '1',
        '--threshold', '5', '--comparison-operator', 'GreaterThanThreshold');
      expect(math.code).toBe(0);
      const both = await aws('describe-alarms', '--alarm-name-prefix', name);
      expect(both.out.MetricAlarms[1]).toMatchObject({ AlarmName: `${name}-math`, Metrics: JSON.parse(metrics) });

      expect((await aws('delete-alarms', '--alarm-names', name, `${name}-math`)).code).toBe(0);
      expect((await aws('describe-alarms', '--alarm-names', name)).out.MetricAlarms).toEqual([]);
    });

    it('reports AWS error codes', async () => {
      const missing = await aws('delete-alarms', '--alarm-names', 'not-there');
      expect(missing.code).not.toBe(0);
      expect(missing.err).toMatch(/ResourceNotFound/);
      if (cli.bin === 'aws') return;
      const bad = await aws('set-alarm-state', '--alarm-name', 'not-there', '--state-value', 'OK', '--state-reason', 'x');
      expect(bad.err).toMatch(/ResourceNotFound/);
      const invalid = await aws(
        'put-metric-alarm', '--alarm-name', 'x', '--namespace', 'A', '--metric-name', 'B', '--statistic', 'Sum', '--period', '60',
        '--evaluation-periods', '1', '--threshold', '1', '--comparison-operator', 'GreaterThanThreshold', '--treat-missing-data', 'maybe',
      );
      expect(invalid.err).toMatch(/InvalidParameterValue/);
    });
  });
}
