// Pure alarm evaluation: given the values of the last EvaluationPeriods periods (newest first,
// `undefined` where the period has no datapoint), decide the next state and explain it the way
// CloudWatch does in StateReason ("Threshold Crossed: 1 datapoint [5.0 (27/11/26 06:40:00)] was
// greater than the threshold (1.0).") and StateReasonData (JSON). No I/O, no clock.
import type { AlarmConfig, StateValue } from './model.js';

export interface PeriodValue {
  /** Start of the period, epoch ms. */
  readonly timestamp: number;
  readonly value: number | undefined;
  readonly sampleCount?: number;
}

export interface Evaluation {
  readonly state: StateValue;
  readonly reason: string;
  readonly reasonData: string;
}

const WORDS: Record<string, string> = {
  GreaterThanThreshold: 'greater than',
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to',
};

export function breaches(op: string, value: number, threshold: number): boolean {
  switch (op) {
    case 'GreaterThanThreshold': return value > threshold;
    case 'GreaterThanOrEqualToThreshold': return value >= threshold;
    case 'LessThanThreshold': return value < threshold;
    case 'LessThanOrEqualToThreshold': return value <= threshold;
    default: return false;
  }
}

/** Java's Double.toString for the values AWS prints: integers keep a ".0". */
export function formatNumber(v: number): string {
  return Number.isInteger(v) && Math.abs(v) < 1e7 ? v.toFixed(1) : String(v);
}

/** dd/MM/yy HH:mm:ss in UTC, as in StateReason. */
export function reasonDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCFullYear() % 100)} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** ISO 8601 with AWS's "+0000" zone, as in StateReasonData. */
export function dataDate(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);
const list = (points: readonly PeriodValue[]) =>
  points.map((p) => `${formatNumber(p.value!)} (${reasonDate(p.timestamp)})`).join(', ');

/**
 * The next state of an alarm, or `undefined` to keep the current one (TreatMissingData `ignore`
 * with no data at all). `points` has exactly EvaluationPeriods entries, newest first.
 */
export function evaluate(
  alarm: AlarmConfig,
  points: readonly PeriodValue[],
  queryDate: number,
): Evaluation | undefined {
  const n = points.length;
  const m = alarm.DatapointsToAlarm ?? n;
  const threshold = alarm.Threshold ?? 0;
  const words = WORDS[alarm.ComparisonOperator] ?? alarm.ComparisonOperator;
  const present = points.filter((p) => p.value !== undefined);
  const breaching = present.filter((p) => breaches(alarm.ComparisonOperator, p.value!, threshold));
  const missing = n - present.length;
  const treat = alarm.TreatMissingData ?? 'missing';

  const data = JSON.stringify({
    version: '1.0',
    queryDate: dataDate(queryDate),
    ...(points.length > 0 ? { startDate: dataDate(points[points.length - 1]!.timestamp) } : {}),
    ...(alarm.Statistic ? { statistic: alarm.Statistic } : {}),
    ...(alarm.ExtendedStatistic ? { statistic: alarm.ExtendedStatistic } : {}),
    ...(alarm.Period !== undefined ? { period: alarm.Period } : {}),
    recentDatapoints: [...present].reverse().map((p) => p.value),
    threshold,
    evaluatedDatapoints: present.map((p) => ({
      timestamp: dataDate(p.timestamp),
      ...(p.sampleCount !== undefined ? { sampleCount: p.sampleCount } : {}),
      value: p.value,
    })),
  });

  if (missing === n) {
    if (treat === 'ignore') return undefined;
    if (treat === 'missing') {
      return { state: 'INSUFFICIENT_DATA', reason: `Insufficient Data: ${n} ${plural(n, 'datapoint was', 'datapoints were')} unknown.`, reasonData: data };
    }
    const as = treat === 'breaching' ? 'Breaching' : 'NonBreaching';
    const reason =
      `Threshold Crossed: no datapoints were received for ${n} ${plural(n, 'period', 'periods')} and ` +
      `${n} missing ${plural(n, 'datapoint was', 'datapoints were')} treated as [${as}].`;
    return { state: treat === 'breaching' && n >= m ? 'ALARM' : 'OK', reason, reasonData: data };
  }

  // How many periods count as breaching: missing ones count when treated as breaching; with
  // missing/ignore and fewer datapoints than DatapointsToAlarm, the datapoints present decide alone.
  let alarmed: boolean;
  if (treat === 'breaching') alarmed = breaching.length + missing >= m;
  else if (treat === 'notBreaching') alarmed = breaching.length >= m;
  else alarmed = breaching.length >= m || (present.length < m && breaching.length === present.length);

  const t = formatNumber(threshold);
  let reason: string;
  if (m === n) {
    const shown = alarmed ? breaching : present;
    reason =
      `Threshold Crossed: ${shown.length} ${plural(shown.length, 'datapoint', 'datapoints')} [${list(shown)}] ` +
      `${plural(shown.length, 'was', 'were')} ${alarmed ? '' : 'not '}${words} the threshold (${t}).`;
  } else if (breaching.length === 0) {
    reason = `Threshold Crossed: no datapoints were ${words} the threshold (${t}).`;
  } else {
    const transition = alarmed ? 'OK -> ALARM' : 'ALARM -> OK';
    reason =
      `Threshold Crossed: ${breaching.length} out of the last ${n} datapoints [${list(breaching)}] ` +
      `${plural(breaching.length, 'was', 'were')} ${words} the threshold (${t}) ` +
      `(minimum ${m} ${plural(m, 'datapoint', 'datapoints')} for ${transition} transition).`;
  }
  return { state: alarmed ? 'ALARM' : 'OK', reason, reasonData: data };
}
