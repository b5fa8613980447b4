// CloudWatch metrics operations (PutMetricData, GetMetricStatistics, ListMetrics, GetMetricData):
// validation with CloudWatch's query-style messages, then the MetricsStore. Inputs arrive already
// decoded by ./api.ts (from JSON 1.0 or the query protocol) into the shapes below; timestamps are
// epoch milliseconds here and become protocol timestamps again on the way out.
import { evaluateExpression, expressionIds } from './expression.js';
import {
  InvalidNextToken,
  InvalidParameterCombination,
  InvalidParameterValue,
  MissingParameter,
} from './errors.js';
import type { Datapoint, Dimension, MetricsStore, Sample } from './store.js';

export interface Scope {
  readonly accountId: string;
  readonly region: string;
}

export const UNITS = [
  'Seconds', 'Microseconds', 'Milliseconds', 'Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes', 'Terabytes',
  'Bits', 'Kilobits', 'Megabits', 'Gigabits', 'Terabits', 'Percent', 'Count', 'Bytes/Second',
  'Kilobytes/Second', 'Megabytes/Second', 'Gigabytes/Second', 'Terabytes/Second', 'Bits/Second',
  'Kilobits/Second', 'Megabits/Second', 'Gigabits/Second', 'Terabits/Second', 'Count/Second', 'None',
] as const;

const STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'] as const;
type Statistic = (typeof STATISTICS)[number];
const PERCENTILE = /^p(\d{1,2}(\.\d{1,10})?|100(\.0{1,10})?)$/;
const QUERY_ID = /^[a-z][a-zA-Z0-9_]*$/;
const TWO_WEEKS = 14 * 86_400_000;
const TWO_HOURS = 2 * 3_600_000;
const MAX_DATAPOINTS = 1440;

export interface DimensionIn {
  Name?: string;
  Value?: string;
}

export interface MetricDatumIn {
  MetricName?: string;
  Dimensions?: DimensionIn[];
  Timestamp?: number;
  Value?: number;
  StatisticValues?: { SampleCount?: number; Sum?: number; Minimum?: number; Maximum?: number };
  Values?: number[];
  Counts?: number[];
  Unit?: string;
  StorageResolution?: number;
}

export interface MetricIn {
  Namespace?: string;
  MetricName?: string;
  Dimensions?: DimensionIn[];
}

export interface MetricDataQueryIn {
  Id?: string;
  MetricStat?: { Metric?: MetricIn; Period?: number; Stat?: string; Unit?: string };
  Expression?: string;
  Label?: string;
  ReturnData?: boolean;
  Period?: number;
}

export interface DatapointOut {
  Timestamp: Date;
  SampleCount?: number;
  Average?: number;
  Sum?: number;
  Minimum?: number;
  Maximum?: number;
  Unit: string;
  ExtendedStatistics?: Map<string, number>;
}

export interface MetricDataResultOut {
  Id: string;
  Label: string;
  Timestamps: Date[];
  Values: number[];
  StatusCode: 'Complete' | 'PartialData';
  Messages: never[];
}

export class MetricsCore {
  constructor(
    private readonly store: MetricsStore,
    private readonly now: () => number = Date.now,
  ) {}

  putMetricData(scope: Scope, input: { Namespace?: string; MetricData?: MetricDatumIn[] }): Record<string, never> {
    const ns = required(input.Namespace, 'Namespace');
    checkNamespace(ns, 'Namespace');
    if (ns.startsWith('AWS/')) throw InvalidParameterValue(`The value ${ns} for parameter Namespace is invalid.`);
    const data = required(input.MetricData, 'MetricData');
    if (data.length === 0) throw MissingParameter('The parameter MetricData is required.');
    if (data.length > 1000) throw InvalidParameterValue('The collection MetricData must not have a size greater than 1000.');
    const now = this.now();
    const samples: Sample[] = data.map((d, i) => {
      const at = `MetricData.member.${i + 1}`;
      const name = required(d.MetricName, `${at}.MetricName`);
      checkLength(name, `${at}.MetricName`, 1, 255);
      const dimensions = this.dimensions(d.Dimensions, `${at}.Dimensions`);
      if (d.Unit !== undefined && !(UNITS as readonly string[]).includes(d.Unit)) {
        throw InvalidParameterValue(`The value ${d.Unit} for parameter ${at}.Unit is invalid.`);
      }
      if (d.StorageResolution !== undefined && d.StorageResolution !== 1 && d.StorageResolution !== 60) {
        throw InvalidParameterValue(`The value ${d.StorageResolution} for parameter ${at}.StorageResolution is invalid.`);
      }
      const timestamp = d.Timestamp ?? now;
      if (timestamp < now - TWO_WEEKS) {
        throw InvalidParameterValue(`The parameter ${at}.Timestamp must specify a time within the past two weeks.`);
      }
      if (timestamp > now + TWO_HOURS) {
        throw InvalidParameterValue(`The parameter ${at}.Timestamp must specify a time no more than two hours in the future.`);
      }
      // Standard resolution data is stored per minute on AWS; high resolution per second.
      const ts = d.StorageResolution === 1 ? Math.floor(timestamp / 1000) * 1000 : Math.floor(timestamp / 60_000) * 60_000;
      const unit = d.Unit ?? 'None';
      const resolution = d.StorageResolution === 1 ? 1 : 60;
      const given = [d.Value !== undefined, d.StatisticValues !== undefined, d.Values !== undefined].filter(Boolean).length;
      if (given > 1) {
        throw InvalidParameterCombination(
          `The parameters ${at}.Value, ${at}.StatisticValues and ${at}.Values are mutually exclusive and you have specified more than one.`,
        );
      }
      if (d.Value !== undefined) {
        checkValue(d.Value, `${at}.Value`);
        return { namespace: ns, name, dimensions, timestamp: ts, resolution, unit, count: 1, sum: d.Value, min: d.Value, max: d.Value, pairs: [d.Value, 1] };
      }
      if (d.StatisticValues !== undefined) {
        const sv = d.StatisticValues;
        const count = required(sv.SampleCount, `${at}.StatisticValues.SampleCount`);
        const sum = required(sv.Sum, `${at}.StatisticValues.Sum`);
        const min = required(sv.Minimum, `${at}.StatisticValues.Minimum`);
        const max = required(sv.Maximum, `${at}.StatisticValues.Maximum`);
        for (const [v, n] of [[count, 'SampleCount'], [sum, 'Sum'], [min, 'Minimum'], [max, 'Maximum']] as const) {
          checkValue(v, `${at}.StatisticValues.${n}`);
        }
        if (count <= 0) throw InvalidParameterValue(`The parameter ${at}.StatisticValues.SampleCount must be greater than 0.`);
        if (min > max) {
          throw InvalidParameterValue(`The parameter ${at}.StatisticValues.Maximum must be greater than or equal to ${at}.StatisticValues.Minimum.`);
        }
        return { namespace: ns, name, dimensions, timestamp: ts, resolution, unit, count, sum, min, max };
      }
      if (d.Values !== undefined) {
        if (d.Values.length === 0) throw MissingParameter(`The parameter ${at}.Values is required.`);
        if (d.Values.length > 150) throw InvalidParameterValue(`The collection ${at}.Values must not have a size greater than 150.`);
        if (d.Counts !== undefined && d.Counts.length !== d.Values.length) {
          throw InvalidParameterValue(`The parameters ${at}.Values and ${at}.Counts must be of the same size.`);
        }
        const pairs: number[] = [];
        let count = 0;
        let sum = 0;
        let min = Infinity;
        let max = -Infinity;
        d.Values.forEach((v, k) => {
          checkValue(v, `${at}.Values.member.${k + 1}`);
          const c = d.Counts?.[k] ?? 1;
          checkValue(c, `${at}.Counts.member.${k + 1}`);
          if (c < 0) throw InvalidParameterValue(`The parameter ${at}.Counts.member.${k + 1} must not be negative.`);
          pairs.push(v, c);
          count += c;
          sum += v * c;
          if (v < min) min = v;
          if (v > max) max = v;
        });
        return { namespace: ns, name, dimensions, timestamp: ts, resolution, unit, count, sum, min, max, pairs };
      }
      throw MissingParameter(`The parameter ${at}.Value is required.`);
    });
    this.store.putSamples(scope.accountId, scope.region, samples);
    return {};
  }

  getMetricStatistics(
    scope: Scope,
    input: MetricIn & {
      StartTime?: number;
      EndTime?: number;
      Period?: number;
      Statistics?: string[];
      ExtendedStatistics?: string[];
      Unit?: string;
    },
  ): { Label: string; Datapoints: DatapointOut[] } {
    const ns = required(input.Namespace, 'Namespace');
    checkNamespace(ns, 'Namespace');
    const name = required(input.MetricName, 'MetricName');
    checkLength(name, 'MetricName', 1, 255);
    const dimensions = this.dimensions(input.Dimensions, 'Dimensions');
    const start = required(input.StartTime, 'StartTime');
    const end = required(input.EndTime, 'EndTime');
    const period = required(input.Period, 'Period');
    checkPeriod(period, 'Period');
    if (start >= end) throw InvalidParameterValue('The parameter StartTime must be less than the parameter EndTime.');
    if (input.Unit !== undefined && !(UNITS as readonly string[]).includes(input.Unit)) {
      throw InvalidParameterValue(`The value ${input.Unit} for parameter Unit is invalid.`);
    }
    const stats = input.Statistics ?? [];
    const ext = input.ExtendedStatistics ?? [];
    if (stats.length === 0 && ext.length === 0) {
      throw InvalidParameterCombination('At least one of the parameters Statistics and ExtendedStatistics must be specified.');
    }
    if (stats.length > 5) throw InvalidParameterValue('The collection Statistics must not have a size greater than 5.');
    if (ext.length > 10) throw InvalidParameterValue('The collection ExtendedStatistics must not have a size greater than 10.');
    stats.forEach((s, i) => {
      if (!(STATISTICS as readonly string[]).includes(s)) {
        throw InvalidParameterValue(
          `The parameter Statistics.member.${i + 1} must be a value in the set [ Maximum, Minimum, Average, SampleCount, Sum ].`,
        );
      }
    });
    const percentiles = ext.map((e, i) => {
      if (!PERCENTILE.test(e)) throw InvalidParameterValue(`The value ${e} for parameter ExtendedStatistics.member.${i + 1} is invalid.`);
      return Number(e.slice(1));
    });
    const alignedStart = alignStart(start, period);
    const count = Math.ceil((end - alignedStart) / (period * 1000));
    if (count > MAX_DATAPOINTS) {
      throw InvalidParameterCombination(
        `You have requested up to ${count.toLocaleString('en-US')} datapoints, which exceeds the limit of 1,440. You may reduce the datapoints requested by increasing Period, or decreasing the time range.`,
      );
    }
    const points = this.store.statistics(scope.accountId, scope.region, {
      namespace: ns,
      name,
      dimensions,
      start: alignedStart,
      end,
      period,
      unit: input.Unit,
      percentiles,
    });
    return {
      Label: name,
      Datapoints: points.map((p) => {
        const out: DatapointOut = { Timestamp: new Date(p.timestamp), Unit: p.unit };
        for (const s of stats as Statistic[]) out[s] = statValue(p, s);
        if (ext.length > 0) {
          const m = new Map<string, number>();
          ext.forEach((e, i) => {
            const v = p.percentiles.get(percentiles[i]!);
            if (v !== undefined) m.set(e, v);
          });
          out.ExtendedStatistics = m;
        }
        return out;
      }),
    };
  }

  listMetrics(
    scope: Scope,
    input: {
      Namespace?: string;
      MetricName?: string;
      Dimensions?: { Name?: string; Value?: string }[];
      NextToken?: string;
      RecentlyActive?: string;
    },
  ): { Metrics: { Namespace: string; MetricName: string; Dimensions: Dimension[] }[]; NextToken?: string } {
    if (input.Namespace !== undefined) checkNamespace(input.Namespace, 'Namespace');
    if (input.MetricName !== undefined) checkLength(input.MetricName, 'MetricName', 1, 255);
    if (input.RecentlyActive !== undefined && input.RecentlyActive !== 'PT3H') {
      throw InvalidParameterValue(`The value ${input.RecentlyActive} for parameter RecentlyActive is invalid.`);
    }
    const filters = (input.Dimensions ?? []).map((d, i) => {
      const Name = required(d.Name, `Dimensions.member.${i + 1}.Name`);
      return d.Value === undefined ? { Name } : { Name, Value: d.Value };
    });
    if (filters.length > 10) throw InvalidParameterValue('The collection Dimensions must not have a size greater than 10.');
    let afterId = 0;
    if (input.NextToken !== undefined) {
      const m = /^m(\d{1,15})$/.exec(Buffer.from(input.NextToken, 'base64url').toString('utf8'));
      if (!m) throw InvalidNextToken('The service returned an invalid NextToken.');
      afterId = Number(m[1]);
    }
    const page = this.store.listMetrics(scope.accountId, scope.region, {
      namespace: input.Namespace,
      name: input.MetricName,
      dimensions: filters,
      activeSince: input.RecentlyActive ? this.now() - 3 * 3_600_000 : undefined,
      afterId,
      limit: 500,
    });
    const out: ReturnType<MetricsCore['listMetrics']> = {
      Metrics: page.metrics.map((m) => ({ Namespace: m.namespace, MetricName: m.name, Dimensions: m.dimensions })),
    };
    if (page.lastId !== undefined) out.NextToken = Buffer.from(`m${page.lastId}`, 'utf8').toString('base64url');
    return out;
  }

  getMetricData(
    scope: Scope,
    input: {
      MetricDataQueries?: MetricDataQueryIn[];
      StartTime?: number;
      EndTime?: number;
      NextToken?: string;
      ScanBy?: string;
      MaxDatapoints?: number;
    },
  ): { MetricDataResults: MetricDataResultOut[]; Messages: never[]; NextToken?: string } {
    const queries = required(input.MetricDataQueries, 'MetricDataQueries');
    if (queries.length === 0) throw MissingParameter('The parameter MetricDataQueries is required.');
    if (queries.length > 500) throw InvalidParameterValue('The collection MetricDataQueries must not have a size greater than 500.');
    const start = required(input.StartTime, 'StartTime');
    const end = required(input.EndTime, 'EndTime');
    if (start >= end) throw InvalidParameterValue('The parameter StartTime must be less than the parameter EndTime.');
    const scanBy = input.ScanBy ?? 'TimestampDescending';
    if (scanBy !== 'TimestampDescending' && scanBy !== 'TimestampAscending') {
      throw InvalidParameterValue(`The value ${scanBy} for parameter ScanBy is invalid.`);
    }
    let offset = 0;
    if (input.NextToken !== undefined) {
      const m = /^d(\d{1,15})$/.exec(Buffer.from(input.NextToken, 'base64url').toString('utf8'));
      if (!m) throw InvalidNextToken('The service returned an invalid NextToken.');
      offset = Number(m[1]);
    }
    const maxPoints = input.MaxDatapoints ?? 100_800;
    if (maxPoints < 1) throw InvalidParameterValue('The parameter MaxDatapoints must be greater than 0.');

    const ids = new Set<string>();
    queries.forEach((q, i) => {
      const at = `MetricDataQueries.member.${i + 1}`;
      const id = required(q.Id, `${at}.Id`);
      if (!QUERY_ID.test(id) || id.length > 255) throw InvalidParameterValue(`The value ${id} for parameter ${at}.Id is invalid.`);
      if (ids.has(id)) throw InvalidParameterValue(`The values for parameter id in MetricDataQueries are not unique.`);
      ids.add(id);
      if ((q.MetricStat === undefined) === (q.Expression === undefined)) {
        throw InvalidParameterCombination(`Exactly one element of the ${at}.MetricStat or ${at}.Expression parameters must be specified.`);
      }
    });

    // Metric queries first, then expressions in dependency order (they may reference each other).
    const series = new Map<string, Map<number, number>>();
    const labels = new Map<string, string>();
    for (const [i, q] of queries.entries()) {
      if (!q.MetricStat) continue;
      const at = `MetricDataQueries.member.${i + 1}.MetricStat`;
      const ms = q.MetricStat;
      const metric = required(ms.Metric, `${at}.Metric`);
      const stat = required(ms.Stat, `${at}.Stat`);
      const period = required(ms.Period, `${at}.Period`);
      checkPeriod(period, `${at}.Period`);
      const isStat = (STATISTICS as readonly string[]).includes(stat);
      if (!isStat && !PERCENTILE.test(stat)) throw InvalidParameterValue(`The value ${stat} for parameter ${at}.Stat is invalid.`);
      const name = required(metric.MetricName, `${at}.Metric.MetricName`);
      const ns = required(metric.Namespace, `${at}.Metric.Namespace`);
      const pct = isStat ? undefined : Number(stat.slice(1));
      const points = this.store.statistics(scope.accountId, scope.region, {
        namespace: ns,
        name,
        dimensions: this.dimensions(metric.Dimensions, `${at}.Metric.Dimensions`),
        start: alignStart(start, period),
        end,
        period,
        unit: ms.Unit,
        percentiles: pct === undefined ? [] : [pct],
      });
      const values = new Map<number, number>();
      for (const p of points) {
        const v = pct === undefined ? statValue(p, stat as Statistic) : p.percentiles.get(pct);
        if (v !== undefined) values.set(p.timestamp, v);
      }
      series.set(q.Id!, values);
      labels.set(q.Id!, q.Label ?? name);
    }
    const pending = queries.filter((q) => q.Expression !== undefined);
    while (pending.length > 0) {
      const ready = pending.findIndex((q) => expressionIds(q.Expression!).every((id) => series.has(id)));
      if (ready === -1) {
        const q = pending[0]!;
        const missing = expressionIds(q.Expression!).find((id) => !ids.has(id));
        throw InvalidParameterValue(
          missing
            ? `Error in expression '${q.Id}': Unrecognized metric '${missing}'`
            : `Error in expression '${q.Id}': Circular dependency between expressions`,
        );
      }
      const q = pending.splice(ready, 1)[0]!;
      series.set(q.Id!, evaluateExpression(q.Expression!, series, q.Id!));
      labels.set(q.Id!, q.Label ?? q.Id!);
    }

    // Pages cut the concatenation of all returned series (in query order) into MaxDatapoints
    // slices; a NextToken is the number of datapoints already returned.
    let skip = offset;
    let budget = maxPoints;
    let more = false;
    const results: MetricDataResultOut[] = [];
    for (const q of queries) {
      if (q.ReturnData === false) continue;
      const points = [...series.get(q.Id!)!].sort((a, b) => (scanBy === 'TimestampAscending' ? a[0] - b[0] : b[0] - a[0]));
      const from = Math.min(skip, points.length);
      skip -= from;
      const kept = points.slice(from, from + budget);
      budget -= kept.length;
      const partial = from + kept.length < points.length;
      if (partial) more = true;
      results.push({
        Id: q.Id!,
        Label: labels.get(q.Id!)!,
        Timestamps: kept.map(([t]) => new Date(t)),
        Values: kept.map(([, v]) => v),
        StatusCode: partial ? 'PartialData' : 'Complete',
        Messages: [],
      });
    }
    const out: { MetricDataResults: MetricDataResultOut[]; Messages: never[]; NextToken?: string } = { MetricDataResults: results, Messages: [] };
    if (more) out.NextToken = Buffer.from(`d${offset + maxPoints}`, 'utf8').toString('base64url');
    return out;
  }

  private dimensions(dims: DimensionIn[] | undefined, at: string): Dimension[] {
    if (!dims) return [];
    if (dims.length > 30) throw InvalidParameterValue(`The collection ${at} must not have a size greater than 30.`);
    const seen = new Set<string>();
    return dims.map((d, i) => {
      const Name = required(d.Name, `${at}.member.${i + 1}.Name`);
      const Value = required(d.Value, `${at}.member.${i + 1}.Value`);
      checkLength(Name, `${at}.member.${i + 1}.Name`, 1, 255);
      checkLength(Value, `${at}.member.${i + 1}.Value`, 1, 1024);
      if (seen.has(Name)) throw InvalidParameterValue(`No metric may have duplicate dimension names.`);
      seen.add(Name);
      return { Name, Value };
    });
  }
}

function required<T>(v: T | undefined | null, name: string): T {
  if (v === undefined || v === null) throw MissingParameter(`The parameter ${name} is required.`);
  return v;
}

function checkLength(v: string, name: string, min: number, max: number): void {
  if (v.length < min || v.length > max) {
    throw InvalidParameterValue(`The parameter ${name} must be between ${min} and ${max} characters long.`);
  }
}

function checkNamespace(ns: string, name: string): void {
  checkLength(ns, name, 1, 255);
  if (ns.startsWith(':') || /[^\x20-\x7e]/.test(ns)) throw InvalidParameterValue(`The value ${ns} for parameter ${name} is invalid.`);
}

function checkValue(v: number, name: string): void {
  // CloudWatch rejects values that are too large or too small in magnitude (beyond ~2^360).
  if (!Number.isFinite(v) || Math.abs(v) > 2 ** 360 || (v !== 0 && Math.abs(v) < 2 ** -260)) {
    throw InvalidParameterValue(`The value ${v} for parameter ${name} is invalid.`);
  }
}

function checkPeriod(period: number, name: string): void {
  if (!Number.isInteger(period) || period < 1) throw InvalidParameterValue(`The parameter ${name} must be greater than 0.`);
  if (period % 60 !== 0 && ![1, 5, 10, 30].includes(period)) {
    throw InvalidParameterValue(`The parameter ${name} must be a multiple of 60.`);
  }
}

/** Periods start on whole minutes (or seconds, for high-resolution periods) from StartTime. */
function alignStart(start: number, period: number): number {
  const unit = period >= 60 ? 60_000 : 1000;
  return Math.floor(start / unit) * unit;
}

function statValue(p: Datapoint, s: Statistic): number {
  switch (s) {
    case 'SampleCount': return p.sampleCount;
    case 'Average': return p.average;
    case 'Sum': return p.sum;
    case 'Minimum': return p.minimum;
    case 'Maximum': return p.maximum;
  }
}
