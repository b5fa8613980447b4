// Domain types of CloudWatch metric alarms, shared by the repository, the evaluator and the core.
// Field names follow the API's MetricAlarm shape so a stored configuration is returned as is.

export type StateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
export const STATE_VALUES: readonly StateValue[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];

export const COMPARISON_OPERATORS = [
  'GreaterThanOrEqualToThreshold',
  'GreaterThanThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
  'LessThanLowerOrGreaterThanUpperThreshold',
  'LessThanLowerThreshold',
  'GreaterThanUpperThreshold',
] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

export const TREAT_MISSING = ['breaching', 'notBreaching', 'ignore', 'missing'] as const;
export type TreatMissingData = (typeof TREAT_MISSING)[number];

export interface AlarmDimension {
  Name: string;
  Value: string;
}

export interface AlarmQuery {
  Id: string;
  MetricStat?: {
    Metric: { Namespace: string; MetricName: string; Dimensions: AlarmDimension[] };
    Period: number;
    Stat: string;
    Unit?: string;
  };
  Expression?: string;
  Label?: string;
  ReturnData?: boolean;
  Period?: number;
}

/** What PutMetricAlarm stored (plus ActionsEnabled, which Enable/DisableAlarmActions change). */
export interface AlarmConfig {
  AlarmName: string;
  AlarmDescription?: string;
  ActionsEnabled: boolean;
  OKActions: string[];
  AlarmActions: string[];
  InsufficientDataActions: string[];
  MetricName?: string;
  Namespace?: string;
  Statistic?: string;
  ExtendedStatistic?: string;
  Dimensions?: AlarmDimension[];
  Period?: number;
  Unit?: string;
  EvaluationPeriods: number;
  DatapointsToAlarm?: number;
  Threshold?: number;
  ComparisonOperator: ComparisonOperator;
  TreatMissingData?: TreatMissingData;
  EvaluateLowSampleCountPercentile?: string;
  Metrics?: AlarmQuery[];
  ThresholdMetricId?: string;
  Tags?: { Key: string; Value: string }[];
}

export interface AlarmState {
  value: StateValue;
  reason: string;
  /** JSON text, as AWS returns it. */
  reasonData?: string;
  /** Epoch ms of the last state update (also set when only the reason changes). */
  updated: number;
  /** Epoch ms of the last change of state value. */
  transitioned: number;
}

export interface StoredAlarm {
  readonly accountId: string;
  readonly region: string;
  readonly config: AlarmConfig;
  readonly state: AlarmState;
  /** Epoch ms of the last PutMetricAlarm or Enable/DisableAlarmActions. */
  readonly configUpdated: number;
}

export type HistoryItemType = 'ConfigurationUpdate' | 'StateUpdate' | 'Action';

export interface HistoryItem {
  readonly alarmName: string;
  readonly timestamp: number;
  readonly type: HistoryItemType;
  readonly summary: string;
  readonly data: string;
}
