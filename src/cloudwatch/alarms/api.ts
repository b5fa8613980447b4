// The alarm operations as entries of the `monitoring` operation table (../metrics/api.ts serves
// them over JSON 1.0 and the query protocol): an input schema that fixes JSON types, and a call
// into AlarmsCore. No business rules here.
import type { Struct, Shape } from '../metrics/wire.js';
import type { Scope } from '../metrics/core.js';
import type { AlarmsCore } from './core.js';

export interface ExtraOperation {
  readonly input: Struct;
  run(scope: Scope, input: Record<string, unknown>): Record<string, unknown>;
}

const Dimensions: Shape = { list: { struct: { Name: 'string', Value: 'string' } } };
const Names: Shape = { list: 'string' };
const Metrics: Shape = {
  list: {
    struct: {
      Id: 'string',
      MetricStat: {
        struct: {
          Metric: { struct: { Namespace: 'string', MetricName: 'string', Dimensions } },
          Period: 'integer',
          Stat: 'string',
          Unit: 'string',
        },
      },
      Expression: 'string',
      Label: 'string',
      ReturnData: 'boolean',
      Period: 'integer',
      AccountId: 'string',
    },
  },
};

/* eslint-disable @typescript-eslint/no-explicit-any */
export function alarmOperations(core: AlarmsCore): Record<string, ExtraOperation> {
  return {
    PutMetricAlarm: {
      input: {
        AlarmName: 'string',
        AlarmDescription: 'string',
        ActionsEnabled: 'boolean',
        OKActions: Names,
        AlarmActions: Names,
        InsufficientDataActions: Names,
        MetricName: 'string',
        Namespace: 'string',
        Statistic: 'string',
        ExtendedStatistic: 'string',
        Dimensions,
        Period: 'integer',
        Unit: 'string',
        EvaluationPeriods: 'integer',
        DatapointsToAlarm: 'integer',
        Threshold: 'number',
        ComparisonOperator: 'string',
        TreatMissingData: 'string',
        EvaluateLowSampleCountPercentile: 'string',
        Metrics,
        Tags: { list: { struct: { Key: 'string', Value: 'string' } } },
        ThresholdMetricId: 'string',
      },
      run: (s, i) => core.putMetricAlarm(s, i as any),
    },
    DescribeAlarms: {
      input: {
        AlarmNames: Names,
        AlarmNamePrefix: 'string',
        AlarmTypes: Names,
        ChildrenOfAlarmName: 'string',
        ParentsOfAlarmName: 'string',
        StateValue: 'string',
        ActionPrefix: 'string',
        MaxRecords: 'integer',
        NextToken: 'string',
      },
      run: (s, i) => core.describeAlarms(s, i as any),
    },
    DescribeAlarmsForMetric: {
      input: {
        MetricName: 'string',
        Namespace: 'string',
        Statistic: 'string',
        ExtendedStatistic: 'string',
        Dimensions,
        Period: 'integer',
        Unit: 'string',
      },
      run: (s, i) => core.describeAlarmsForMetric(s, i as any),
    },
    DeleteAlarms: { input: { AlarmNames: Names }, run: (s, i) => core.deleteAlarms(s, i as any) },
    SetAlarmState: {
      input: { AlarmName: 'string', StateValue: 'string', StateReason: 'string', StateReasonData: 'string' },
      run: (s, i) => core.setAlarmState(s, i as any),
    },
    EnableAlarmActions: { input: { AlarmNames: Names }, run: (s, i) => core.setActionsEnabled(s, i as any, true) },
    DisableAlarmActions: { input: { AlarmNames: Names }, run: (s, i) => core.setActionsEnabled(s, i as any, false) },
    DescribeAlarmHistory: {
      input: {
        AlarmName: 'string',
        AlarmContributorId: 'string',
        AlarmTypes: Names,
        HistoryItemType: 'string',
        StartDate: 'timestamp',
        EndDate: 'timestamp',
        MaxRecords: 'integer',
        NextToken: 'string',
        ScanBy: 'string',
      },
      run: (s, i) => core.describeAlarmHistory(s, i as any),
    },
    ListTagsForResource: { input: { ResourceARN: 'string' }, run: (s, i) => core.listTagsForResource(s, i as any) },
    TagResource: {
      input: { ResourceARN: 'string', Tags: { list: { struct: { Key: 'string', Value: 'string' } } } },
      run: (s, i) => core.tagResource(s, i as any),
    },
    UntagResource: { input: { ResourceARN: 'string', TagKeys: Names }, run: (s, i) => core.untagResource(s, i as any) },
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any */
