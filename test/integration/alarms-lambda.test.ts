// CloudWatch metric alarms through @aws-sdk/client-cloudwatch against a real Nimbus: an alarm on
// AWS/Lambda Errors of a real function goes OK → ALARM when the function fails and back to OK,
// a metric-math alarm (error rate) follows; StateValue filters, SetAlarmState, history, paging,
// DescribeAlarmsForMetric, deletion, restart durability and the error paths.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Lambda from '@aws-sdk/client-lambda';
import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  DescribeAlarmsForMetricCommand,
  DisableAlarmActionsCommand,
  EnableAlarmActionsCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  PutMetricAlarmCommand,
  SetAlarmStateCommand,
  type MetricAlarm,
  type PutMetricAlarmCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { startNimbus as startRaw } from '../../src/server/nimbus.js';
import { zip } from '../helpers/zip.js';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { failure } from '../helpers/failure.js';

let nimbus: TestNimbus;
let cw: CloudWatchClient;
let lambda: Lambda.LambdaClient;
const FN = 'alarm-target';
const HANDLER = 'alarm-handler';
const HANDLER_ARN = `arn:aws:lambda:us-east-1:000000000000:function:${HANDLER}`;

beforeAll(async () => {
  process.env.NIMBUS_ALARM_EVALUATION_MS = '200';
  nimbus = await startNimbus();
  cw = new CloudWatchClient(clientConfig(nimbus.endpoint));
  lambda = new Lambda.LambdaClient(clientConfig(nimbus.endpoint));
  await lambda.send(
    new Lambda.CreateFunctionCommand({
      FunctionName: FN,
      Runtime: 'nodejs20.x',
      Role: 'arn:aws:iam::000000000000:role/lambda-role',
      Handler: 'index.handler',
      Code: {
        ZipFile: zip({
          'index.mjs': `export const handler = async (event) => {
            if (event.fail) throw new Error('boom');
            return { ok: true };
          };`,
        }),
      },
    }),
  );
  await Lambda.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 30 }, { FunctionName: FN });
  await lambda.send(
    new Lambda.CreateFunctionCommand({
      FunctionName: HANDLER,
      Runtime: 'nodejs20.x',
      Role: 'arn:aws:iam::000000000000:role/lambda-role',
      Handler: 'index.handler',
      Code: { ZipFile: zip({ 'index.mjs': `export const handler = async (event) => { console.log('ALARM-EVENT ' + JSON.stringify(event)); };` }) },
    }),
  );
  await Lambda.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 30 }, { FunctionName: HANDLER });
});

afterAll(async () => {
  delete process.env.NIMBUS_ALARM_EVALUATION_MS;
  cw?.destroy();
  lambda?.destroy();
  await nimbus?.dispose();
});


async function alarm(name: string): Promise<MetricAlarm> {
  const out = await cw.send(new DescribeAlarmsCommand({ AlarmNames: [name] }));
  expect(out.MetricAlarms).toHaveLength(1);
  return out.MetricAlarms![0]!;
}

/** Polls DescribeAlarms with the StateValue filter until the alarm shows up in that state. */
async function waitForState(name: string, state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA', timeoutMs = 45_000): Promise<MetricAlarm> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const out = await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: name, StateValue: state }));
    const hit = out.MetricAlarms?.find((a) => a.AlarmName === name);
    if (hit) return hit;
    if (Date.now() > deadline) throw new Error(`alarm ${name} did not reach ${state}; it is ${(await alarm(name)).StateValue}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const errorsAlarm = (name: string, extra: Partial<PutMetricAlarmCommandInput> = {}): PutMetricAlarmCommandInput => ({
  AlarmName: name,
  AlarmDescription: 'function errors',
  Namespace: 'AWS/Lambda',
  MetricName: 'Errors',
  Dimensions: [{ Name: 'FunctionName', Value: FN }],
  Statistic: 'Sum',
  Period: 10,
  EvaluationPeriods: 1,
  Threshold: 0,
  ComparisonOperator: 'GreaterThanThreshold',
  TreatMissingData: 'notBreaching',
  AlarmActions: ['arn:aws:sns:us-east-1:000000000000:oncall'],
  OKActions: ['arn:aws:sns:us-east-1:000000000000:oncall'],
  ...extra,
});

describe('an alarm on a Lambda function\'s Errors', () => {
  it('starts in INSUFFICIENT_DATA, goes OK, ALARM when the function fails, then OK again', async () => {
    await cw.send(new PutMetricAlarmCommand(errorsAlarm('fn-errors')));
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: 'fn-error-rate',
        Metrics: [
          { Id: 'errors', MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: FN }] }, Period: 10, Stat: 'Sum' }, ReturnData: false },
          { Id: 'calls', MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: 'Invocations', Dimensions: [{ Name: 'FunctionName', Value: FN }] }, Period: 10, Stat: 'Sum' }, ReturnData: false },
          { Id: 'rate', Expression: '100 * errors / calls', Label: 'Error rate', ReturnData: true },
        ],
        EvaluationPeriods: 1,
        Threshold: 50,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      }),
    );

    const created = await alarm('fn-errors');
    expect(created).toMatchObject({
      AlarmArn: 'arn:aws:cloudwatch:us-east-1:000000000000:alarm:fn-errors',
      AlarmDescription: 'function errors',
      ActionsEnabled: true,
      AlarmActions: ['arn:aws:sns:us-east-1:000000000000:oncall'],
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: FN }],
      Statistic: 'Sum',
      Period: 10,
      EvaluationPeriods: 1,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(created.AlarmConfigurationUpdatedTimestamp).toBeInstanceOf(Date);
    expect(created.StateUpdatedTimestamp).toBeInstanceOf(Date);

    // No data yet, missing data is not breaching: OK. The first transition leaves INSUFFICIENT_DATA.
    const ok = await waitForState('fn-errors', 'OK');
    expect(ok.StateReason).toBe('Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [NonBreaching].');
    const first = await cw.send(new DescribeAlarmHistoryCommand({ AlarmName: 'fn-errors', HistoryItemType: 'StateUpdate', ScanBy: 'TimestampAscending' }));
    expect(first.AlarmHistoryItems![0]).toMatchObject({ AlarmName: 'fn-errors', AlarmType: 'MetricAlarm', HistorySummary: 'Alarm updated from INSUFFICIENT_DATA to OK' });
    expect(JSON.parse(first.AlarmHistoryItems![0]!.HistoryData!).oldState).toEqual({
      stateValue: 'INSUFFICIENT_DATA',
      stateReason: 'Unchecked: Initial alarm creation',
    });

    // The function succeeds: Errors is 0, still OK. Then it fails.
    expect((await lambda.send(new Lambda.InvokeCommand({ FunctionName: FN, Payload: Buffer.from('{}') }))).FunctionError).toBeUndefined();
    const failed = await lambda.send(new Lambda.InvokeCommand({ FunctionName: FN, Payload: Buffer.from('{"fail":true}') }));
    expect(failed.FunctionError).toBe('Unhandled');

    const alarmed = await waitForState('fn-errors', 'ALARM');
    expect(alarmed.StateReason).toMatch(
      /^Threshold Crossed: 1 datapoint \[1\.0 \(\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d\)\] was greater than the threshold \(0\.0\)\.$/,
    );
    const data = JSON.parse(alarmed.StateReasonData!);
    expect(data).toMatchObject({ version: '1.0', statistic: 'Sum', period: 10, recentDatapoints: [1], threshold: 0 });
    expect(alarmed.StateTransitionedTimestamp!.getTime()).toBeGreaterThanOrEqual(ok.StateTransitionedTimestamp!.getTime());

    // Only ALARM alarms with the StateValue filter.
    const inAlarm = await cw.send(new DescribeAlarmsCommand({ StateValue: 'ALARM' }));
    expect(inAlarm.MetricAlarms!.map((a) => a.AlarmName)).toContain('fn-errors');
    expect(inAlarm.CompositeAlarms).toEqual([]);

    // The error-rate math alarm sees 1 error of 2 calls (or 1 of 1) once that period has ended: ≥ 50 %.
    const rate = await waitForState('fn-error-rate', 'ALARM');
    expect(rate.Metrics!.map((m) => m.Id)).toEqual(['errors', 'calls', 'rate']);
    expect(rate.StateReason).toMatch(/^Threshold Crossed: 1 datapoint \[(50|100)\.0 .*\] was greater than or equal to the threshold \(50\.0\)\.$/);

    // The period passes without errors: back to OK.
    await waitForState('fn-errors', 'OK');
    const history = await cw.send(new DescribeAlarmHistoryCommand({ AlarmName: 'fn-errors', HistoryItemType: 'StateUpdate' }));
    expect(history.AlarmHistoryItems!.map((h) => h.HistorySummary)).toEqual([
      'Alarm updated from ALARM to OK',
      'Alarm updated from OK to ALARM',
      'Alarm updated from INSUFFICIENT_DATA to OK',
    ]);
    const change = JSON.parse(history.AlarmHistoryItems![1]!.HistoryData!);
    expect(change.newState.stateValue).toBe('ALARM');
    expect(change.newState.stateReasonData.recentDatapoints).toEqual([1]);
    const config = await cw.send(new DescribeAlarmHistoryCommand({ AlarmName: 'fn-errors', HistoryItemType: 'ConfigurationUpdate' }));
    expect(config.AlarmHistoryItems!.map((h) => h.HistorySummary)).toEqual(['Alarm "fn-errors" created']);
  });

  it('DescribeAlarmsForMetric finds single-metric and math alarms on the metric', async () => {
    const out = await cw.send(
      new DescribeAlarmsForMetricCommand({ Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: FN }] }),
    );
    expect(out.MetricAlarms!.map((a) => a.AlarmName).sort()).toEqual(['fn-error-rate', 'fn-errors']);
    const none = await cw.send(new DescribeAlarmsForMetricCommand({ Namespace: 'AWS/Lambda', MetricName: 'Errors', Statistic: 'Average' }));
    expect(none.MetricAlarms).toEqual([]);
  });
});

describe('SetAlarmState, actions, paging', () => {
  it('SetAlarmState changes the state until the next evaluation changes it back', async () => {
    // TreatMissingData ignore on a metric without data: evaluation keeps whatever state is set.
    await cw.send(new PutMetricAlarmCommand(errorsAlarm('quiet', { MetricName: 'NeverEmitted', TreatMissingData: 'ignore' })));
    await cw.send(new SetAlarmStateCommand({ AlarmName: 'quiet', StateValue: 'ALARM', StateReason: 'testing the pager', StateReasonData: '{"by":"test"}' }));
    const a = await waitForState('quiet', 'ALARM', 2000);
    expect(a).toMatchObject({ StateReason: 'testing the pager', StateReasonData: '{"by":"test"}' });
    const h = await cw.send(new DescribeAlarmHistoryCommand({ AlarmName: 'quiet', HistoryItemType: 'StateUpdate' }));
    expect(h.AlarmHistoryItems![0]!.HistorySummary).toBe('Alarm updated from INSUFFICIENT_DATA to ALARM');

    await cw.send(new DisableAlarmActionsCommand({ AlarmNames: ['quiet', 'no-such-alarm'] }));
    expect((await alarm('quiet')).ActionsEnabled).toBe(false);
    await cw.send(new EnableAlarmActionsCommand({ AlarmNames: ['quiet'] }));
    expect((await alarm('quiet')).ActionsEnabled).toBe(true);

    // An update keeps the state and overwrites the configuration.
    await cw.send(new PutMetricAlarmCommand(errorsAlarm('quiet', { MetricName: 'NeverEmitted', TreatMissingData: 'ignore', Threshold: 7 })));
    expect(await alarm('quiet')).toMatchObject({ StateValue: 'ALARM', Threshold: 7 });
  });

  it('Lambda function actions receive CloudWatch\'s alarm event; outcomes land in the history', async () => {
    const logs = new CloudWatchLogsClient(clientConfig(nimbus.endpoint));
    try {
      await cw.send(new PutMetricAlarmCommand(errorsAlarm('paging', {
        MetricName: 'NeverEmitted', TreatMissingData: 'ignore', AlarmDescription: 'wake someone',
        AlarmActions: [HANDLER_ARN, 'arn:aws:lambda:us-east-1:000000000000:function:no-such-fn'],
      })));
      await cw.send(new SetAlarmStateCommand({ AlarmName: 'paging', StateValue: 'ALARM', StateReason: 'drill' }));
      let event: Record<string, any> | undefined;
      const deadline = Date.now() + 30_000;
      while (!event) {
        const out = await logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${HANDLER}`, filterPattern: '"ALARM-EVENT"' })).catch(() => undefined);
        const line = out?.events?.find((e) => e.message?.includes('"paging"'))?.message;
        if (line) event = JSON.parse(line.slice(line.indexOf('ALARM-EVENT ') + 12));
        else if (Date.now() > deadline) throw new Error('the alarm action never ran');
        else await new Promise((r) => setTimeout(r, 200));
      }
      expect(event).toMatchObject({
        source: 'aws.cloudwatch',
        alarmArn: 'arn:aws:cloudwatch:us-east-1:000000000000:alarm:paging',
        accountId: '000000000000',
        region: 'us-east-1',
        alarmData: {
          alarmName: 'paging',
          state: { value: 'ALARM', reason: 'drill' },
          previousState: { value: 'INSUFFICIENT_DATA', reason: 'Unchecked: Initial alarm creation' },
          configuration: {
            description: 'wake someone',
            metrics: [{ metricStat: { metric: { namespace: 'AWS/Lambda', name: 'NeverEmitted', dimensions: { FunctionName: FN } }, period: 10, stat: 'Sum' }, returnData: true }],
          },
        },
      });
      let actions = await cw.send(new DescribeAlarmHistoryCommand({ AlarmName: 'paging', HistoryItemType: 'Action' }));
      while (actions.AlarmHistoryItems!.length < 2 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        actions = await cw.send(new DescribeAlarmHistoryCommand({ AlarmName: 'paging', HistoryItemType: 'Action' }));
      }
      const summaries = actions.AlarmHistoryItems!.map((h) => h.HistorySummary).sort();
      expect(summaries[0]).toMatch(/^Failed to execute action arn:aws:lambda:us-east-1:000000000000:function:no-such-fn\. Received error: "ResourceNotFoundException/);
      expect(summaries[1]).toBe(`Successfully executed action ${HANDLER_ARN}`);
      // Disabled actions do not run.
      await cw.send(new DisableAlarmActionsCommand({ AlarmNames: ['paging'] }));
      await cw.send(new SetAlarmStateCommand({ AlarmName: 'paging', StateValue: 'OK', StateReason: 'quiet' }));
      await cw.send(new SetAlarmStateCommand({ AlarmName: 'paging', StateValue: 'ALARM', StateReason: 'again' }));
      const after = await cw.send(new DescribeAlarmHistoryCommand({ AlarmName: 'paging', HistoryItemType: 'Action' }));
      expect(after.AlarmHistoryItems).toHaveLength(2);
      await cw.send(new DeleteAlarmsCommand({ AlarmNames: ['paging'] }));
    } finally {
      logs.destroy();
    }
  });

  it('pages DescribeAlarms by name with MaxRecords and NextToken', async () => {
    for (const n of ['page-c', 'page-a', 'page-e', 'page-b', 'page-d']) {
      await cw.send(new PutMetricAlarmCommand(errorsAlarm(n, { MetricName: 'NeverEmitted', TreatMissingData: 'ignore' })));
    }
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const out = await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'page-', MaxRecords: 2, NextToken: token }));
      names.push(...out.MetricAlarms!.map((a) => a.AlarmName!));
      token = out.NextToken;
      pages++;
    } while (token);
    expect(names).toEqual(['page-a', 'page-b', 'page-c', 'page-d', 'page-e']);
    expect(pages).toBe(3);
    const byAction = await cw.send(new DescribeAlarmsCommand({ ActionPrefix: 'arn:aws:sns:us-east-1:000000000000:onc' }));
    expect(byAction.MetricAlarms!.length).toBeGreaterThanOrEqual(6);
    const composite = await cw.send(new DescribeAlarmsCommand({ AlarmTypes: ['CompositeAlarm'] }));
    expect(composite.MetricAlarms).toEqual([]);
  });

  it('tags: PutMetricAlarm creates them, updates ignore them, Tag/UntagResource change them', async () => {
    const arn = 'arn:aws:cloudwatch:us-east-1:000000000000:alarm:tagged';
    await cw.send(new PutMetricAlarmCommand(errorsAlarm('tagged', { MetricName: 'NeverEmitted', Tags: [{ Key: 'team', Value: 'a' }] })));
    await cw.send(new PutMetricAlarmCommand(errorsAlarm('tagged', { MetricName: 'NeverEmitted', Tags: [{ Key: 'other', Value: 'x' }] })));
    expect((await cw.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags).toEqual([{ Key: 'team', Value: 'a' }]);
    await cw.send(new TagResourceCommand({ ResourceARN: arn, Tags: [{ Key: 'team', Value: 'b' }, { Key: 'env', Value: 'dev' }] }));
    await cw.send(new UntagResourceCommand({ ResourceARN: arn, TagKeys: ['env'] }));
    expect((await cw.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags).toEqual([{ Key: 'team', Value: 'b' }]);
    expect(await failure(cw.send(new ListTagsForResourceCommand({ ResourceARN: `${arn}-nope` })))).toMatchObject({
      name: 'ResourceNotFoundException', status: 404,
    });
    expect(await failure(cw.send(new ListTagsForResourceCommand({ ResourceARN: 'arn:aws:s3:::bucket' })))).toMatchObject({
      name: 'InvalidParameterValueException', status: 400,
    });
    await cw.send(new DeleteAlarmsCommand({ AlarmNames: ['tagged'] }));
  });

  it('DeleteAlarms deletes nothing when one name is unknown, then deletes', async () => {
    const bad = await failure(cw.send(new DeleteAlarmsCommand({ AlarmNames: ['page-a', 'nope'] })));
    expect(bad).toMatchObject({ name: 'ResourceNotFound', status: 404 });
    expect((await cw.send(new DescribeAlarmsCommand({ AlarmNames: ['page-a'] }))).MetricAlarms).toHaveLength(1);
    await cw.send(new DeleteAlarmsCommand({ AlarmNames: ['page-a', 'page-b', 'page-c', 'page-d', 'page-e'] }));
    expect((await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'page-' }))).MetricAlarms).toEqual([]);
    expect((await cw.send(new DescribeAlarmHistoryCommand({ AlarmName: 'page-a' }))).AlarmHistoryItems).toEqual([]);
  });
});

describe('error paths', () => {
  const cases: [string, Partial<PutMetricAlarmCommandInput>, string, RegExp][] = [
    ['missing AlarmName', { AlarmName: undefined }, 'MissingRequiredParameterException', /AlarmName is required/],
    ['unknown operator', { ComparisonOperator: 'Bigger' as never }, 'InvalidParameterValueException', /ComparisonOperator/],
    ['DatapointsToAlarm > EvaluationPeriods', { DatapointsToAlarm: 3, EvaluationPeriods: 2 }, 'InvalidParameterValueException', /DatapointsToAlarm/],
    ['Statistic and ExtendedStatistic', { ExtendedStatistic: 'p99' }, 'InvalidParameterCombinationException', /Statistic and ExtendedStatistic/],
    ['bad period', { Period: 45 }, 'InvalidParameterValueException', /Period/],
    ['bad TreatMissingData', { TreatMissingData: 'sometimes' }, 'InvalidParameterValueException', /TreatMissingData/],
    ['bad action ARN', { AlarmActions: ['not-an-arn'] }, 'InvalidParameterValueException', /AlarmActions/],
    ['too long a range', { Period: 60, EvaluationPeriods: 1441 }, 'InvalidParameterValueException', /EvaluationPeriods and Period/],
    ['metric and Metrics', { Metrics: [{ Id: 'm', Expression: '1' }] }, 'InvalidParameterCombinationException', /Metrics/],
  ];
  for (const [title, extra, name, message] of cases) {
    it(`PutMetricAlarm: ${title}`, async () => {
      const err = await failure(cw.send(new PutMetricAlarmCommand(errorsAlarm('bad', extra))));
      expect(err).toMatchObject({ name, status: 400 });
      expect(err.message).toMatch(message);
    });
  }

  it('PutMetricAlarm: a math expression that does not parse', async () => {
    const err = await failure(
      cw.send(new PutMetricAlarmCommand({
        AlarmName: 'bad-math', EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanThreshold',
        Metrics: [
          { Id: 'm', MetricStat: { Metric: { Namespace: 'A', MetricName: 'B' }, Period: 60, Stat: 'Sum' }, ReturnData: false },
          { Id: 'e', Expression: 'm + unknown', ReturnData: true },
        ],
      })),
    );
    expect(err).toMatchObject({ name: 'InvalidParameterValueException', status: 400 });
    expect(err.message).toMatch(/unknown/);
    expect((await cw.send(new DescribeAlarmsCommand({ AlarmNames: ['bad-math', 'bad'] }))).MetricAlarms).toEqual([]);
  });

  it('SetAlarmState: unknown alarm, bad state, bad JSON', async () => {
    expect(await failure(cw.send(new SetAlarmStateCommand({ AlarmName: 'ghost', StateValue: 'OK', StateReason: 'x' })))).toMatchObject({
      name: 'ResourceNotFound', status: 404, message: 'Alarm ghost not found',
    });
    expect(await failure(cw.send(new SetAlarmStateCommand({ AlarmName: 'quiet', StateValue: 'RED' as never, StateReason: 'x' })))).toMatchObject({
      name: 'InvalidParameterValueException', status: 400,
    });
    expect(await failure(cw.send(new SetAlarmStateCommand({ AlarmName: 'quiet', StateValue: 'OK', StateReason: 'x', StateReasonData: '{nope' })))).toMatchObject({
      name: 'InvalidFormatFault', status: 400,
    });
  });

  it('DescribeAlarms: bad MaxRecords, bad NextToken, names with prefix', async () => {
    expect(await failure(cw.send(new DescribeAlarmsCommand({ MaxRecords: 0 })))).toMatchObject({ name: 'InvalidParameterValueException', status: 400 });
    expect(await failure(cw.send(new DescribeAlarmsCommand({ NextToken: 'garbage!' })))).toMatchObject({ name: 'InvalidNextToken', status: 400 });
    expect(await failure(cw.send(new DescribeAlarmsCommand({ AlarmNames: ['a'], AlarmNamePrefix: 'a' })))).toMatchObject({
      name: 'InvalidParameterCombinationException', status: 400,
    });
    expect(await failure(cw.send(new DescribeAlarmsCommand({ StateValue: 'RED' as never })))).toMatchObject({ name: 'InvalidParameterValueException', status: 400 });
    expect(await failure(cw.send(new DeleteAlarmsCommand({} as never)))).toMatchObject({ name: 'MissingRequiredParameterException', status: 400 });
  });
});

describe('durability', () => {
  it('alarms, their state and history survive a restart', async () => {
    const before = await alarm('quiet');
    const { dataDir } = nimbus;
    await nimbus.stop();
    const again = await startRaw({ port: 0, host: '127.0.0.1', dataDir, log: () => {} });
    const cw2 = new CloudWatchClient(clientConfig(again.endpoint));
    try {
      const after = (await cw2.send(new DescribeAlarmsCommand({ AlarmNames: ['quiet'] }))).MetricAlarms![0]!;
      expect(after).toMatchObject({ StateValue: 'ALARM', StateReason: 'testing the pager', Threshold: 7 });
      expect(after.StateUpdatedTimestamp).toEqual(before.StateUpdatedTimestamp);
      const h = await cw2.send(new DescribeAlarmHistoryCommand({ AlarmName: 'quiet' }));
      expect(h.AlarmHistoryItems!.length).toBeGreaterThanOrEqual(3);
    } finally {
      cw2.destroy();
      await again.stop();
    }
    // Hand the data dir back to the fixture's dispose().
    nimbus = Object.assign(nimbus, { stop: async () => {} });
  });
});
