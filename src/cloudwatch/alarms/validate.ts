// PutMetricAlarm input checks with CloudWatch's query-style messages. Turns the decoded request
// into an AlarmConfig or throws the AWS error a client expects; nothing here touches the store.
import {
  InvalidParameterCombination,
  InvalidParameterValue,
  MissingParameter,
} from './errors.js';
import {
  COMPARISON_OPERATORS,
  TREAT_MISSING,
  type AlarmConfig,
  type AlarmDimension,
  type AlarmQuery,
  type ComparisonOperator,
  type TreatMissingData,
} from './model.js';

export interface DimensionIn {
  Name?: string;
  Value?: string;
}

export interface MetricDataQueryIn {
  Id?: string;
  MetricStat?: { Metric?: { Namespace?: string; MetricName?: string; Dimensions?: DimensionIn[] }; Period?: number; Stat?: string; Unit?: string };
  Expression?: string;
  Label?: string;
  ReturnData?: boolean;
  Period?: number;
  AccountId?: string;
}

export interface PutMetricAlarmIn {
  AlarmName?: string;
  AlarmDescription?: string;
  ActionsEnabled?: boolean;
  OKActions?: string[];
  AlarmActions?: string[];
  InsufficientDataActions?: string[];
  MetricName?: string;
  Namespace?: string;
  Statistic?: string;
  ExtendedStatistic?: string;
  Dimensions?: DimensionIn[];
  Period?: number;
  Unit?: string;
  EvaluationPeriods?: number;
  DatapointsToAlarm?: number;
  Threshold?: number;
  ComparisonOperator?: string;
  TreatMissingData?: string;
  EvaluateLowSampleCountPercentile?: string;
  Metrics?: MetricDataQueryIn[];
  Tags?: { Key?: string; Value?: string }[];
  ThresholdMetricId?: string;
}

export const STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'] as const;
export const PERCENTILE = /^p(\d{1,2}(\.\d{1,10})?|100(\.0{1,10})?)$/;
const UNITS = new Set([
  'Seconds', 'Microseconds', 'Milliseconds', 'Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes', 'Terabytes',
  'Bits', 'Kilobits', 'Megabits', 'Gigabits', 'Terabits', 'Percent', 'Count', 'Bytes/Second',
  'Kilobytes/Second', 'Megabytes/Second', 'Gigabytes/Second', 'Terabytes/Second', 'Bits/Second',
  'Kilobits/Second', 'Megabits/Second', 'Gigabits/Second', 'Terabits/Second', 'Count/Second', 'None',
]);
const ACTION_ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:.+$/;
const DAY_SECONDS = 86_400;

export function required<T>(v: T | undefined | null, name: string): T {
  if (v === undefined || v === null) throw MissingParameter(`The parameter ${name} is required.`);
  return v;
}

export function checkLength(v: string, name: string, min: number, max: number): void {
  if (v.length < min || v.length > max) {
    throw InvalidParameterValue(`The parameter ${name} must be between ${min} and ${max} characters long.`);
  }
}

export function checkAlarmName(name: string, at: string): void {
  checkLength(name, at, 1, 255);
  if (/[\x00-\x1f\x7f]/.test(name)) throw InvalidParameterValue(`The value ${name} for parameter ${at} is invalid.`);
}

function checkPeriod(period: number, at: string): void {
  if (!Number.isInteger(period) || period < 1) throw InvalidParameterValue(`The parameter ${at} must be greater than 0.`);
  if (period % 60 !== 0 && ![10, 30].includes(period)) {
    throw InvalidParameterValue(`The parameter ${at} must be 10, 30 or a multiple of 60.`);
  }
}

function dimensions(dims: DimensionIn[] | undefined, at: string): AlarmDimension[] {
  if (!dims) return [];
  if (dims.length > 30) throw InvalidParameterValue(`The collection ${at} must not have a size greater than 30.`);
  const seen = new Set<string>();
  return dims.map((d, i) => {
    const Name = required(d.Name, `${at}.member.${i + 1}.Name`);
    const Value = required(d.Value, `${at}.member.${i + 1}.Value`);
    checkLength(Name, `${at}.member.${i + 1}.Name`, 1, 255);
    checkLength(Value, `${at}.member.${i + 1}.Value`, 1, 1024);
    if (seen.has(Name)) throw InvalidParameterValue('No metric may have duplicate dimension names.');
    seen.add(Name);
    return { Name, Value };
  });
}

function actions(list: string[] | undefined, at: string): string[] {
  const out = list ?? [];
  if (out.length > 5) throw InvalidParameterValue(`The collection ${at} must not have a size greater than 5.`);
  out.forEach((a, i) => {
    if (a.length < 1 || a.length > 1024 || !ACTION_ARN.test(a)) {
      throw InvalidParameterValue(`The value ${a} for parameter ${at}.member.${i + 1} is invalid.`);
    }
  });
  return [...new Set(out)];
}

function unit(u: string | undefined, at: string): string | undefined {
  if (u !== undefined && !UNITS.has(u)) throw InvalidParameterValue(`The value ${u} for parameter ${at} is invalid.`);
  return u;
}

function queries(list: MetricDataQueryIn[]): { queries: AlarmQuery[]; period: number } {
  if (list.length === 0) throw MissingParameter('The parameter Metrics is required.');
  if (list.length > 10) throw InvalidParameterValue('The collection Metrics must not have a size greater than 10.');
  let period = 0;
  const ids = new Set<string>();
  const out = list.map((q, i) => {
    const at = `Metrics.member.${i + 1}`;
    const Id = required(q.Id, `${at}.Id`);
    if (!/^[a-z][a-zA-Z0-9_]*$/.test(Id) || Id.length > 255) throw InvalidParameterValue(`The value ${Id} for parameter ${at}.Id is invalid.`);
    if (ids.has(Id)) throw InvalidParameterValue('The values for parameter id in Metrics are not unique.');
    ids.add(Id);
    if (q.AccountId !== undefined) throw InvalidParameterValue(`Cross-account alarms are not supported by Nimbus (${at}.AccountId).`);
    if ((q.MetricStat === undefined) === (q.Expression === undefined)) {
      throw InvalidParameterCombination(`Exactly one element of the ${at}.MetricStat or ${at}.Expression parameters must be specified.`);
    }
    const out: AlarmQuery = { Id };
    if (q.MetricStat) {
      const ms = q.MetricStat;
      const metric = required(ms.Metric, `${at}.MetricStat.Metric`);
      const p = required(ms.Period, `${at}.MetricStat.Period`);
      checkPeriod(p, `${at}.MetricStat.Period`);
      const stat = required(ms.Stat, `${at}.MetricStat.Stat`);
      if (!(STATISTICS as readonly string[]).includes(stat) && !PERCENTILE.test(stat)) {
        throw InvalidParameterValue(`The value ${stat} for parameter ${at}.MetricStat.Stat is invalid.`);
      }
      const Namespace = required(metric.Namespace, `${at}.MetricStat.Metric.Namespace`);
      const MetricName = required(metric.MetricName, `${at}.MetricStat.Metric.MetricName`);
      checkLength(Namespace, `${at}.MetricStat.Metric.Namespace`, 1, 255);
      checkLength(MetricName, `${at}.MetricStat.Metric.MetricName`, 1, 255);
      out.MetricStat = {
        Metric: { Namespace, MetricName, Dimensions: dimensions(metric.Dimensions, `${at}.MetricStat.Metric.Dimensions`) },
        Period: p,
        Stat: stat,
      };
      const u = unit(ms.Unit, `${at}.MetricStat.Unit`);
      if (u !== undefined) out.MetricStat.Unit = u;
      period = Math.max(period, p);
    } else {
      checkLength(q.Expression!, `${at}.Expression`, 1, 2048);
      out.Expression = q.Expression!;
    }
    if (q.Period !== undefined) {
      checkPeriod(q.Period, `${at}.Period`);
      out.Period = q.Period;
    }
    if (q.Label !== undefined) out.Label = q.Label;
    if (q.ReturnData !== undefined) out.ReturnData = q.ReturnData;
    return out;
  });
  const returned = out.filter((q) => q.ReturnData !== false);
  if (returned.length !== 1) {
    throw InvalidParameterValue('Exactly one element of the metrics list should return data.');
  }
  const own = returned[0]!.Period;
  if (own !== undefined) period = own;
  if (period === 0) throw MissingParameter(`The parameter Metrics.member.${out.indexOf(returned[0]!) + 1}.Period is required.`);
  return { queries: out, period };
}

/** A validated configuration, ready to store (ActionsEnabled defaults to true, as on AWS). */
export function toAlarmConfig(input: PutMetricAlarmIn): { config: AlarmConfig; period: number } {
  const AlarmName = required(input.AlarmName, 'AlarmName');
  checkAlarmName(AlarmName, 'AlarmName');
  if (input.AlarmDescription !== undefined) checkLength(input.AlarmDescription, 'AlarmDescription', 0, 1024);
  const EvaluationPeriods = required(input.EvaluationPeriods, 'EvaluationPeriods');
  if (EvaluationPeriods < 1) throw InvalidParameterValue('The parameter EvaluationPeriods must be greater than or equal to 1.');
  const op = required(input.ComparisonOperator, 'ComparisonOperator');
  if (!(COMPARISON_OPERATORS as readonly string[]).includes(op)) {
    throw InvalidParameterValue(`The value ${op} for parameter ComparisonOperator is invalid.`);
  }
  if (op === 'LessThanLowerOrGreaterThanUpperThreshold' || op === 'LessThanLowerThreshold' || op === 'GreaterThanUpperThreshold') {
    // Band operators compare against an ANOMALY_DETECTION_BAND, which Nimbus does not compute.
    throw InvalidParameterValue(`The value ${op} for parameter ComparisonOperator is not supported by Nimbus: anomaly detection bands are not implemented.`);
  }
  if (input.ThresholdMetricId !== undefined) {
    throw InvalidParameterCombination('ThresholdMetricId is only valid with anomaly detection band comparison operators.');
  }
  const Threshold = required(input.Threshold, 'Threshold');
  const treat = input.TreatMissingData;
  if (treat !== undefined && !(TREAT_MISSING as readonly string[]).includes(treat)) {
    throw InvalidParameterValue(`The value ${treat} for parameter TreatMissingData is invalid.`);
  }
  if (input.DatapointsToAlarm !== undefined) {
    if (input.DatapointsToAlarm < 1) throw InvalidParameterValue('The parameter DatapointsToAlarm must be greater than or equal to 1.');
    if (input.DatapointsToAlarm > EvaluationPeriods) {
      throw InvalidParameterValue('DatapointsToAlarm must be less than or equal to EvaluationPeriods.');
    }
  }
  const low = input.EvaluateLowSampleCountPercentile;
  if (low !== undefined && low !== 'evaluate' && low !== 'ignore') {
    throw InvalidParameterValue(`The value ${low} for parameter EvaluateLowSampleCountPercentile is invalid.`);
  }
  const tags = (input.Tags ?? []).map((t, i) => ({
    Key: required(t.Key, `Tags.member.${i + 1}.Key`),
    Value: required(t.Value, `Tags.member.${i + 1}.Value`),
  }));

  const config: AlarmConfig = {
    AlarmName,
    ActionsEnabled: input.ActionsEnabled ?? true,
    OKActions: actions(input.OKActions, 'OKActions'),
    AlarmActions: actions(input.AlarmActions, 'AlarmActions'),
    InsufficientDataActions: actions(input.InsufficientDataActions, 'InsufficientDataActions'),
    EvaluationPeriods,
    Threshold,
    ComparisonOperator: op as ComparisonOperator,
  };
  if (input.AlarmDescription !== undefined) config.AlarmDescription = input.AlarmDescription;
  if (input.DatapointsToAlarm !== undefined) config.DatapointsToAlarm = input.DatapointsToAlarm;
  if (treat !== undefined) config.TreatMissingData = treat as TreatMissingData;
  if (tags.length > 0) config.Tags = tags;

  const single = input.MetricName !== undefined || input.Namespace !== undefined || input.Statistic !== undefined ||
    input.ExtendedStatistic !== undefined || input.Dimensions !== undefined || input.Period !== undefined || input.Unit !== undefined;
  let period: number;
  if (input.Metrics !== undefined) {
    if (single) {
      throw InvalidParameterCombination('The parameters MetricName, Namespace, Statistic, ExtendedStatistic, Dimensions, Period and Unit must not be used with Metrics.');
    }
    if (low !== undefined) throw InvalidParameterCombination('EvaluateLowSampleCountPercentile is only valid with a percentile ExtendedStatistic.');
    const q = queries(input.Metrics);
    config.Metrics = q.queries;
    period = q.period;
  } else {
    const ns = required(input.Namespace, 'Namespace');
    checkLength(ns, 'Namespace', 1, 255);
    const name = required(input.MetricName, 'MetricName');
    checkLength(name, 'MetricName', 1, 255);
    period = required(input.Period, 'Period');
    checkPeriod(period, 'Period');
    if ((input.Statistic === undefined) === (input.ExtendedStatistic === undefined)) {
      throw InvalidParameterCombination('Exactly one of the parameters Statistic and ExtendedStatistic must be specified.');
    }
    if (input.Statistic !== undefined && !(STATISTICS as readonly string[]).includes(input.Statistic)) {
      throw InvalidParameterValue(`The value ${input.Statistic} for parameter Statistic is invalid.`);
    }
    if (input.ExtendedStatistic !== undefined && !PERCENTILE.test(input.ExtendedStatistic)) {
      throw InvalidParameterValue(`The value ${input.ExtendedStatistic} for parameter ExtendedStatistic is invalid.`);
    }
    if (low !== undefined && input.ExtendedStatistic === undefined) {
      throw InvalidParameterCombination('EvaluateLowSampleCountPercentile is only valid with a percentile ExtendedStatistic.');
    }
    config.Namespace = ns;
    config.MetricName = name;
    if (input.Statistic !== undefined) config.Statistic = input.Statistic;
    if (input.ExtendedStatistic !== undefined) config.ExtendedStatistic = input.ExtendedStatistic;
    config.Dimensions = dimensions(input.Dimensions, 'Dimensions');
    config.Period = period;
    const u = unit(input.Unit, 'Unit');
    if (u !== undefined) config.Unit = u;
    if (low !== undefined) config.EvaluateLowSampleCountPercentile = low;
  }
  // AWS: the evaluation range is at most one day, or seven days for periods of an hour or more.
  const maxRange = period >= 3600 ? 7 * DAY_SECONDS : DAY_SECONDS;
  if (period * EvaluationPeriods > maxRange) {
    throw InvalidParameterValue(
      `The product of EvaluationPeriods and Period must not exceed ${maxRange} seconds.`,
    );
  }
  return { config, period };
}
