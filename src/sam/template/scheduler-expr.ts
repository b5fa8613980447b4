// EventBridge Scheduler expressions (AWS::Scheduler::Schedule, SAM's ScheduleV2) carried out by an
// EventBridge rule, which fires recurring UTC schedules the same way. Scheduler is laxer than rules
// about rate units — its API reference lists `minute | minutes | hour | hours | day | days` for any
// value, so `rate(5 minute)` (serverless-patterns' eventbridge-schedule-to-lambda) is valid there —
// while PutRule wants the singular for 1 and the plural otherwise: the unit is rewritten to suit.

/** The rule expression for a Scheduler one (rate units made singular/plural by value; cron unchanged). */
export function schedulerExpressionForRule(expr: string): string {
  const m = /^\s*rate\(\s*(\d+)\s+(minute|hour|day)s?\s*\)\s*$/.exec(expr);
  if (!m) return expr;
  const value = Number(m[1]);
  return `rate(${value} ${m[2]}${value === 1 ? '' : 's'})`;
}

/**
 * Why a Scheduler schedule cannot be a rule, as `[property, reason]` pairs: one-time `at()`
 * schedules, time zones other than UTC, start and end dates.
 */
export function schedulerLimits(props: Record<string, unknown>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (typeof props.ScheduleExpression === 'string' && props.ScheduleExpression.trim().startsWith('at(')) {
    out.push(['ScheduleExpression', 'one-time at() schedules are not supported by Nimbus (rate() and cron() are)']);
  }
  const zone = props.ScheduleExpressionTimezone;
  if (zone !== undefined && zone !== 'UTC' && zone !== 'Etc/UTC') out.push(['ScheduleExpressionTimezone', 'only UTC is supported by Nimbus']);
  for (const k of ['StartDate', 'EndDate']) if (props[k] !== undefined) out.push([k, 'is not supported by Nimbus']);
  return out;
}
