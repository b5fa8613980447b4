// Runs an alarm's actions after a state change, as CloudWatch does for Lambda function actions:
// the function (`arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`) is invoked
// asynchronously with CloudWatch's alarm event, and the outcome is written to the alarm history
// as an `Action` item. Other action types (SNS, Auto Scaling, EC2, SSM) are stored but not run.
import type { LambdaInvoker } from '../../lambda/invoker.js';
import { dataDate } from './evaluate.js';
import type { AlarmConfig, AlarmState } from './model.js';

export interface StateChange {
  readonly accountId: string;
  readonly region: string;
  readonly config: AlarmConfig;
  readonly oldState: AlarmState;
  readonly newState: AlarmState;
}

const LAMBDA_ACTION = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\d{12}):function:[A-Za-z0-9_-]+(:[A-Za-z0-9$_-]+)?$/;

/** The actions a change runs: those of the new state, when actions are enabled. */
export function actionsFor(change: StateChange): string[] {
  const c = change.config;
  if (!c.ActionsEnabled) return [];
  switch (change.newState.value) {
    case 'ALARM': return c.AlarmActions;
    case 'OK': return c.OKActions;
    case 'INSUFFICIENT_DATA': return c.InsufficientDataActions;
  }
}

export function isLambdaAction(arn: string): boolean {
  return LAMBDA_ACTION.test(arn);
}

/** CloudWatch's Lambda action payload for a metric alarm. */
export function alarmEvent(change: StateChange): Record<string, unknown> {
  const c = change.config;
  const state = (s: AlarmState) => ({
    value: s.value,
    reason: s.reason,
    ...(s.reasonData !== undefined ? { reasonData: s.reasonData } : {}),
    timestamp: dataDate(s.updated),
  });
  const metrics = c.Metrics
    ? c.Metrics.map((q) => ({
      id: q.Id,
      ...(q.MetricStat
        ? {
          metricStat: {
            metric: { namespace: q.MetricStat.Metric.Namespace, name: q.MetricStat.Metric.MetricName, dimensions: dimensionMap(q.MetricStat.Metric.Dimensions) },
            period: q.MetricStat.Period,
            stat: q.MetricStat.Stat,
            ...(q.MetricStat.Unit ? { unit: q.MetricStat.Unit } : {}),
          },
        }
        : { expression: q.Expression }),
      ...(q.Label !== undefined ? { label: q.Label } : {}),
      returnData: q.ReturnData !== false,
    }))
    : [{
      id: 'm1',
      metricStat: {
        metric: { namespace: c.Namespace, name: c.MetricName, dimensions: dimensionMap(c.Dimensions ?? []) },
        period: c.Period,
        stat: c.Statistic ?? c.ExtendedStatistic,
        ...(c.Unit ? { unit: c.Unit } : {}),
      },
      returnData: true,
    }];
  return {
    source: 'aws.cloudwatch',
    alarmArn: `arn:aws:cloudwatch:${change.region}:${change.accountId}:alarm:${c.AlarmName}`,
    accountId: change.accountId,
    time: dataDate(change.newState.updated),
    region: change.region,
    alarmData: {
      alarmName: c.AlarmName,
      state: state(change.newState),
      previousState: state(change.oldState),
      configuration: { ...(c.AlarmDescription !== undefined ? { description: c.AlarmDescription } : {}), metrics },
    },
  };
}

function dimensionMap(dims: readonly { Name: string; Value: string }[]): Record<string, string> {
  return Object.fromEntries(dims.map((d) => [d.Name, d.Value]));
}

export type ActionOutcome = { readonly action: string; readonly ok: true } | { readonly action: string; readonly ok: false; readonly error: string };

/**
 * Invokes the Lambda actions of a change (asynchronous invocations: the outcome is whether Lambda
 * accepted the event). Never rejects.
 */
export async function runActions(invoker: LambdaInvoker | undefined, change: StateChange): Promise<ActionOutcome[]> {
  const lambdaActions = actionsFor(change).filter(isLambdaAction);
  if (!invoker || lambdaActions.length === 0) return [];
  const payload = Buffer.from(JSON.stringify(alarmEvent(change)));
  return Promise.all(
    lambdaActions.map(async (action): Promise<ActionOutcome> => {
      const [, region, account] = LAMBDA_ACTION.exec(action)!;
      if (region !== change.region || account !== change.accountId) {
        return { action, ok: false, error: 'the function must be in the alarm\'s account and region' };
      }
      try {
        await invoker.invoke({ accountId: change.accountId, region: change.region, functionName: action, payload, invocationType: 'Event' });
        return { action, ok: true };
      } catch (err) {
        return { action, ok: false, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
      }
    }),
  );
}
