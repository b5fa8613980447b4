// CloudWatch metric alarm operations (PutMetricAlarm, DescribeAlarms, DescribeAlarmsForMetric,
// DeleteAlarms, SetAlarmState, Enable/DisableAlarmActions, DescribeAlarmHistory, alarm tagging) and the
// evaluation of one alarm over the metrics store. Inputs arrive decoded by ../metrics/api.ts;
// timestamps are epoch ms here. Every acknowledged change is in SQLite before the reply.
import type { MetricsCore, Scope } from '../metrics/core.js';
import type { MetricsStore } from '../metrics/store.js';
import { isServiceError, ServiceError } from '../../protocol/errors.js';
import { breaches, evaluate, type Evaluation, type PeriodValue } from './evaluate.js';
import {
  InvalidFormatFault,
  InvalidNextToken,
  InvalidParameterCombination,
  InvalidParameterValue,
  LimitExceededFault,
  MissingParameter,
  ResourceNotFound,
  ResourceNotFoundException,
} from './errors.js';
import { STATE_VALUES, type AlarmConfig, type AlarmState, type HistoryItemType, type StateValue, type StoredAlarm } from './model.js';
import type { AlarmsRepository } from './repository.js';
import type { LambdaInvoker } from '../../lambda/invoker.js';
import { runActions, type StateChange } from './actions.js';
import { checkAlarmName, checkLength, required, toAlarmConfig, type DimensionIn, type PutMetricAlarmIn } from './validate.js';

/** Alarms per account and region. AWS has no fixed quota any more; this bounds one machine's work. */
export const MAX_ALARMS = 10_000;
const HISTORY_RETENTION_MS = 30 * 86_400_000;
const INITIAL_REASON = 'Unchecked: Initial alarm creation';

/** Tells the scheduler which alarms exist and how often each wants evaluating. */
export interface AlarmSchedule {
  upsert(accountId: string, region: string, name: string, periodSeconds: number): void;
  remove(accountId: string, region: string, name: string): void;
}

export class AlarmsCore {
  private invoker: LambdaInvoker | undefined;

  constructor(
    private readonly repo: AlarmsRepository,
    private readonly store: MetricsStore,
    private readonly metrics: MetricsCore,
    private readonly schedule: AlarmSchedule,
    private readonly now: () => number = Date.now,
    private readonly maxAlarms: number = MAX_ALARMS,
  ) {}

  /** Lambda function actions run once an invoker is attached (the composition root does it). */
  attachInvoker(invoker: LambdaInvoker): void {
    this.invoker = invoker;
  }

  // ---------------------------------------------------------------- operations

  putMetricAlarm(scope: Scope, input: PutMetricAlarmIn): Record<string, never> {
    const { config, period } = toAlarmConfig(input);
    if (config.Metrics) this.checkMath(scope, config, period);
    const now = this.now();
    this.repo.transaction(() => {
      const existing = this.repo.get(scope.accountId, scope.region, config.AlarmName);
      if (existing) {
        // AWS: an update overwrites the configuration and leaves the state as it is; its Tags are
        // ignored (TagResource/UntagResource change them).
        if (existing.config.Tags) config.Tags = existing.config.Tags;
        else delete config.Tags;
        this.repo.updateConfig(scope.accountId, scope.region, config, now);
        this.history(scope, config.AlarmName, now, 'ConfigurationUpdate', `Alarm "${config.AlarmName}" updated`, {
          version: '1.0', type: 'Update', updatedAlarm: this.describe(scope, config, existing.state, now), originalAlarm: this.describe(scope, existing.config, existing.state, existing.configUpdated),
        });
        return;
      }
      if (this.repo.count(scope.accountId, scope.region) >= this.maxAlarms) {
        throw LimitExceededFault(`The maximum number of alarms (${this.maxAlarms}) for this account and region has been reached.`);
      }
      const state: AlarmState = { value: 'INSUFFICIENT_DATA', reason: INITIAL_REASON, updated: now, transitioned: now };
      this.repo.insert(scope.accountId, scope.region, config, state, now);
      this.history(scope, config.AlarmName, now, 'ConfigurationUpdate', `Alarm "${config.AlarmName}" created`, {
        version: '1.0', type: 'Create', createdAlarm: this.describe(scope, config, state, now),
      });
    });
    this.schedule.upsert(scope.accountId, scope.region, config.AlarmName, period);
    return {};
  }

  describeAlarms(
    scope: Scope,
    input: {
      AlarmNames?: string[];
      AlarmNamePrefix?: string;
      AlarmTypes?: string[];
      ChildrenOfAlarmName?: string;
      ParentsOfAlarmName?: string;
      StateValue?: string;
      ActionPrefix?: string;
      MaxRecords?: number;
      NextToken?: string;
    },
  ): { MetricAlarms: Record<string, unknown>[]; CompositeAlarms: never[]; NextToken?: string } {
    const limit = input.MaxRecords ?? 50;
    if (limit < 1 || limit > 100) throw InvalidParameterValue('The parameter MaxRecords must be between 1 and 100.');
    if (input.AlarmNames !== undefined && input.AlarmNamePrefix !== undefined) {
      throw InvalidParameterCombination('AlarmNames and AlarmNamePrefix cannot be specified together.');
    }
    if (input.AlarmNames && input.AlarmNames.length > 100) {
      throw InvalidParameterValue('The collection AlarmNames must not have a size greater than 100.');
    }
    if (input.AlarmNamePrefix !== undefined) checkLength(input.AlarmNamePrefix, 'AlarmNamePrefix', 1, 255);
    if (input.ActionPrefix !== undefined) checkLength(input.ActionPrefix, 'ActionPrefix', 1, 1024);
    const state = this.stateValue(input.StateValue, 'StateValue', true);
    for (const [i, t] of (input.AlarmTypes ?? []).entries()) {
      if (t !== 'MetricAlarm' && t !== 'CompositeAlarm') throw InvalidParameterValue(`The value ${t} for parameter AlarmTypes.member.${i + 1} is invalid.`);
    }
    const after = input.NextToken === undefined ? '' : decodeToken(input.NextToken);
    // Nimbus has no composite alarms: their filters (and a request for composite alarms only)
    // match nothing.
    const wantsMetric = input.AlarmTypes === undefined || input.AlarmTypes.length === 0 || input.AlarmTypes.includes('MetricAlarm');
    if (!wantsMetric || input.ChildrenOfAlarmName !== undefined || input.ParentsOfAlarmName !== undefined) {
      return { MetricAlarms: [], CompositeAlarms: [] };
    }
    const matches = (a: StoredAlarm) => {
      if (state !== undefined && a.state.value !== state) return false;
      if (input.ActionPrefix !== undefined) {
        const p = input.ActionPrefix;
        const all = [...a.config.OKActions, ...a.config.AlarmActions, ...a.config.InsufficientDataActions];
        if (!all.some((x) => x.startsWith(p))) return false;
      }
      return true;
    };
    let found: StoredAlarm[];
    if (input.AlarmNames !== undefined) {
      found = [...new Set(input.AlarmNames)]
        .filter((n) => n > after)
        .sort()
        .map((n) => this.repo.get(scope.accountId, scope.region, n))
        .filter((a): a is StoredAlarm => a !== undefined && matches(a))
        .slice(0, limit + 1);
    } else {
      found = [];
      let cursor = after;
      for (;;) {
        const page = this.repo.page(scope.accountId, scope.region, {
          after: cursor, ...(input.AlarmNamePrefix !== undefined ? { prefix: input.AlarmNamePrefix } : {}), ...(state ? { state } : {}), limit: 200,
        });
        for (const a of page) if (matches(a)) found.push(a);
        if (page.length < 200 || found.length > limit) break;
        cursor = page[page.length - 1]!.config.AlarmName;
      }
    }
    const out: { MetricAlarms: Record<string, unknown>[]; CompositeAlarms: never[]; NextToken?: string } = {
      MetricAlarms: found.slice(0, limit).map((a) => this.describe(scope, a.config, a.state, a.configUpdated)),
      CompositeAlarms: [],
    };
    if (found.length > limit) out.NextToken = encodeToken(found[limit - 1]!.config.AlarmName);
    return out;
  }

  describeAlarmsForMetric(
    scope: Scope,
    input: { MetricName?: string; Namespace?: string; Statistic?: string; ExtendedStatistic?: string; Dimensions?: DimensionIn[]; Period?: number; Unit?: string },
  ): { MetricAlarms: Record<string, unknown>[] } {
    const name = required(input.MetricName, 'MetricName');
    const ns = required(input.Namespace, 'Namespace');
    checkLength(name, 'MetricName', 1, 255);
    checkLength(ns, 'Namespace', 1, 255);
    if (input.Statistic !== undefined && input.ExtendedStatistic !== undefined) {
      throw InvalidParameterCombination('Statistic and ExtendedStatistic cannot be specified together.');
    }
    const dims = input.Dimensions === undefined ? undefined : dimKey(input.Dimensions.map((d, i) => ({
      Name: required(d.Name, `Dimensions.member.${i + 1}.Name`), Value: required(d.Value, `Dimensions.member.${i + 1}.Value`),
    })));
    const out: Record<string, unknown>[] = [];
    let cursor = '';
    for (;;) {
      const page = this.repo.page(scope.accountId, scope.region, { after: cursor, limit: 500 });
      for (const a of page) {
        const c = a.config;
        // A math alarm matches through any of its metric queries.
        const metrics = c.Metrics
          ? c.Metrics.filter((q) => q.MetricStat).map((q) => ({
            ns: q.MetricStat!.Metric.Namespace, name: q.MetricStat!.Metric.MetricName, dims: q.MetricStat!.Metric.Dimensions,
            stat: q.MetricStat!.Stat, period: q.MetricStat!.Period, unit: q.MetricStat!.Unit,
          }))
          : [{ ns: c.Namespace!, name: c.MetricName!, dims: c.Dimensions ?? [], stat: c.Statistic ?? c.ExtendedStatistic!, period: c.Period!, unit: c.Unit }];
        const hit = metrics.some((m) =>
          m.ns === ns && m.name === name &&
          (dims === undefined || dimKey(m.dims) === dims) &&
          (input.Statistic === undefined || m.stat === input.Statistic) &&
          (input.ExtendedStatistic === undefined || m.stat === input.ExtendedStatistic) &&
          (input.Period === undefined || m.period === input.Period) &&
          (input.Unit === undefined || m.unit === input.Unit));
        if (hit) out.push(this.describe(scope, c, a.state, a.configUpdated));
      }
      if (page.length < 500) break;
      cursor = page[page.length - 1]!.config.AlarmName;
    }
    return { MetricAlarms: out };
  }

  deleteAlarms(scope: Scope, input: { AlarmNames?: string[] }): Record<string, never> {
    const names = required(input.AlarmNames, 'AlarmNames');
    if (names.length > 100) throw InvalidParameterValue('The collection AlarmNames must not have a size greater than 100.');
    // AWS: if any alarm does not exist, nothing is deleted.
    this.repo.transaction(() => {
      const missing = names.filter((n) => !this.repo.get(scope.accountId, scope.region, n));
      if (missing.length > 0) throw ResourceNotFound(`${missing.length === 1 ? 'Alarm' : 'Alarms'} ${missing.join(', ')} not found`);
      for (const n of names) this.repo.delete(scope.accountId, scope.region, n);
    });
    for (const n of names) this.schedule.remove(scope.accountId, scope.region, n);
    return {};
  }

  setAlarmState(scope: Scope, input: { AlarmName?: string; StateValue?: string; StateReason?: string; StateReasonData?: string }): Record<string, never> {
    const name = required(input.AlarmName, 'AlarmName');
    checkAlarmName(name, 'AlarmName');
    const value = this.stateValue(required(input.StateValue, 'StateValue'), 'StateValue', false)!;
    const reason = required(input.StateReason, 'StateReason');
    checkLength(reason, 'StateReason', 0, 1023);
    if (input.StateReasonData !== undefined) {
      checkLength(input.StateReasonData, 'StateReasonData', 0, 4000);
      try {
        JSON.parse(input.StateReasonData);
      } catch {
        throw InvalidFormatFault('The StateReasonData is not valid JSON.');
      }
    }
    const change = this.repo.transaction(() => {
      const alarm = this.repo.get(scope.accountId, scope.region, name);
      if (!alarm) throw ResourceNotFound(`Alarm ${name} not found`);
      return this.transition(scope, alarm, { state: value, reason, reasonData: input.StateReasonData ?? '' }, this.now());
    });
    if (change) this.dispatch(change);
    return {};
  }

  setActionsEnabled(scope: Scope, input: { AlarmNames?: string[] }, enabled: boolean): Record<string, never> {
    const names = required(input.AlarmNames, 'AlarmNames');
    if (names.length > 100) throw InvalidParameterValue('The collection AlarmNames must not have a size greater than 100.');
    const now = this.now();
    // Unknown names are skipped, as AWS does for these two operations.
    this.repo.transaction(() => {
      for (const n of names) {
        const a = this.repo.get(scope.accountId, scope.region, n);
        if (!a || a.config.ActionsEnabled === enabled) continue;
        this.repo.updateConfig(scope.accountId, scope.region, { ...a.config, ActionsEnabled: enabled }, now);
        this.history(scope, n, now, 'ConfigurationUpdate', `Alarm "${n}" updated`, {
          version: '1.0', type: 'Update', updatedAlarm: { actionsEnabled: enabled }, originalAlarm: { actionsEnabled: a.config.ActionsEnabled },
        });
      }
    });
    return {};
  }

  describeAlarmHistory(
    scope: Scope,
    input: { AlarmName?: string; AlarmTypes?: string[]; HistoryItemType?: string; StartDate?: number; EndDate?: number; MaxRecords?: number; NextToken?: string; ScanBy?: string },
  ): { AlarmHistoryItems: Record<string, unknown>[]; NextToken?: string } {
    if (input.AlarmName !== undefined) checkAlarmName(input.AlarmName, 'AlarmName');
    const limit = input.MaxRecords ?? 100;
    if (limit < 1 || limit > 100) throw InvalidParameterValue('The parameter MaxRecords must be between 1 and 100.');
    const type = input.HistoryItemType;
    const TYPES = ['ConfigurationUpdate', 'StateUpdate', 'Action', 'AlarmContributorStateUpdate', 'AlarmContributorAction'];
    if (type !== undefined && !TYPES.includes(type)) throw InvalidParameterValue(`The value ${type} for parameter HistoryItemType is invalid.`);
    const scanBy = input.ScanBy ?? 'TimestampDescending';
    if (scanBy !== 'TimestampDescending' && scanBy !== 'TimestampAscending') throw InvalidParameterValue(`The value ${scanBy} for parameter ScanBy is invalid.`);
    if (input.StartDate !== undefined && input.EndDate !== undefined && input.StartDate > input.EndDate) {
      throw InvalidParameterValue('The parameter StartDate must be less than or equal to the parameter EndDate.');
    }
    for (const [i, t] of (input.AlarmTypes ?? []).entries()) {
      if (t !== 'MetricAlarm' && t !== 'CompositeAlarm') throw InvalidParameterValue(`The value ${t} for parameter AlarmTypes.member.${i + 1} is invalid.`);
    }
    if (input.AlarmTypes && input.AlarmTypes.length > 0 && !input.AlarmTypes.includes('MetricAlarm')) return { AlarmHistoryItems: [] };
    let after: number | undefined;
    if (input.NextToken !== undefined) {
      const m = /^h(\d{1,15})$/.exec(Buffer.from(input.NextToken, 'base64url').toString('utf8'));
      if (!m) throw InvalidNextToken('The service returned an invalid NextToken.');
      after = Number(m[1]);
    }
    const rows = this.repo.history(scope.accountId, scope.region, {
      ...(input.AlarmName !== undefined ? { name: input.AlarmName } : {}),
      ...(type !== undefined ? { type: type as HistoryItemType } : {}),
      ...(input.StartDate !== undefined ? { start: input.StartDate } : {}),
      ...(input.EndDate !== undefined ? { end: input.EndDate } : {}),
      ascending: scanBy === 'TimestampAscending',
      ...(after !== undefined ? { after } : {}),
      limit: limit + 1,
    });
    const out: { AlarmHistoryItems: Record<string, unknown>[]; NextToken?: string } = {
      AlarmHistoryItems: rows.slice(0, limit).map((r) => ({
        AlarmName: r.alarmName,
        AlarmType: 'MetricAlarm',
        Timestamp: new Date(r.timestamp),
        HistoryItemType: r.type,
        HistorySummary: r.summary,
        HistoryData: r.data,
      })),
    };
    if (rows.length > limit) out.NextToken = Buffer.from(`h${rows[limit - 1]!.id}`, 'utf8').toString('base64url');
    return out;
  }

  listTagsForResource(scope: Scope, input: { ResourceARN?: string }): { Tags: { Key: string; Value: string }[] } {
    return { Tags: this.tagged(scope, input.ResourceARN).config.Tags ?? [] };
  }

  tagResource(scope: Scope, input: { ResourceARN?: string; Tags?: { Key?: string; Value?: string }[] }): Record<string, never> {
    const tags = required(input.Tags, 'Tags').map((t, i) => {
      const Key = required(t.Key, `Tags.member.${i + 1}.Key`);
      const Value = required(t.Value, `Tags.member.${i + 1}.Value`);
      checkLength(Key, `Tags.member.${i + 1}.Key`, 1, 128);
      checkLength(Value, `Tags.member.${i + 1}.Value`, 0, 256);
      return { Key, Value };
    });
    this.repo.transaction(() => {
      const a = this.tagged(scope, input.ResourceARN);
      const merged = new Map((a.config.Tags ?? []).map((t) => [t.Key, t.Value]));
      for (const t of tags) merged.set(t.Key, t.Value);
      if (merged.size > 50) throw InvalidParameterValue('A resource can have at most 50 tags.');
      const Tags = [...merged].map(([Key, Value]) => ({ Key, Value }));
      this.repo.updateConfig(scope.accountId, scope.region, { ...a.config, Tags }, a.configUpdated);
    });
    return {};
  }

  untagResource(scope: Scope, input: { ResourceARN?: string; TagKeys?: string[] }): Record<string, never> {
    const keys = new Set(required(input.TagKeys, 'TagKeys'));
    this.repo.transaction(() => {
      const a = this.tagged(scope, input.ResourceARN);
      const Tags = (a.config.Tags ?? []).filter((t) => !keys.has(t.Key));
      const config: AlarmConfig = { ...a.config };
      if (Tags.length > 0) config.Tags = Tags;
      else delete config.Tags;
      this.repo.updateConfig(scope.accountId, scope.region, config, a.configUpdated);
    });
    return {};
  }

  /** The alarm an ARN of this account and region names; tagging answers ResourceNotFoundException. */
  private tagged(scope: Scope, arn: string | undefined): StoredAlarm {
    const value = required(arn, 'ResourceARN');
    checkLength(value, 'ResourceARN', 1, 1024);
    const m = /^arn:aws[a-z-]*:cloudwatch:([a-z0-9-]+):(\d{12}):alarm:(.+)$/.exec(value);
    if (!m) throw InvalidParameterValue(`The value ${value} for parameter ResourceARN is invalid.`);
    const alarm = m[1] === scope.region && m[2] === scope.accountId ? this.repo.get(scope.accountId, scope.region, m[3]!) : undefined;
    if (!alarm) throw ResourceNotFoundException(`The specified resource ${value} does not exist.`);
    return alarm;
  }

  // ---------------------------------------------------------------- evaluation

  /**
   * Re-evaluates one alarm against the metrics store and records a state change, if any.
   * Returns the alarm's period (seconds) so the scheduler can pace it, or undefined when gone.
   */
  evaluateAlarm(accountId: string, region: string, name: string): number | undefined {
    const alarm = this.repo.get(accountId, region, name);
    if (!alarm) return undefined;
    const now = this.now();
    const { period, points } = this.periodValues(alarm, now);
    const next = evaluate(alarm.config, points, now);
    if (next && next.state !== alarm.state.value) {
      const change = this.repo.transaction(() => {
        const fresh = this.repo.get(accountId, region, name);
        // A SetAlarmState or PutMetricAlarm may have raced with this evaluation; the next one
        // sees their result.
        return fresh && fresh.state.updated === alarm.state.updated ? this.transition({ accountId, region }, fresh, next, now) : undefined;
      });
      if (change) this.dispatch(change);
    }
    return period;
  }

  /** Drops history older than AWS's 30-day retention. */
  pruneHistory(): number {
    return this.repo.pruneHistory(this.now() - HISTORY_RETENTION_MS);
  }

  /** Every stored alarm's key and period, for the scheduler at start-up. */
  scheduled(): { accountId: string; region: string; name: string; period: number }[] {
    return this.repo.all().map((a) => ({ accountId: a.accountId, region: a.region, name: a.config.AlarmName, period: alarmPeriod(a.config) }));
  }

  /**
   * The values of the last EvaluationPeriods periods, newest first. Periods are aligned on
   * multiples of the period. The window ends with the last full period, or with the period in
   * progress once its datapoint already breaches in a way more data cannot undo (see
   * partialIsFinal), so a burst of Lambda errors alarms within one evaluation, not one period.
   */
  private periodValues(alarm: StoredAlarm, now: number): { period: number; points: PeriodValue[] } {
    const c = alarm.config;
    const period = alarmPeriod(c);
    const p = period * 1000;
    const current = Math.floor(now / p) * p;
    const start = current - c.EvaluationPeriods * p;
    const end = current + p;
    const values = new Map<number, { value: number; sampleCount?: number }>();
    if (c.Metrics) {
      try {
        const res = this.metrics.getMetricData(alarm, { MetricDataQueries: c.Metrics, StartTime: start, EndTime: end, MaxDatapoints: 100_800 });
        const id = c.Metrics.find((q) => q.ReturnData !== false)!.Id;
        const r = res.MetricDataResults.find((x) => x.Id === id);
        r?.Timestamps.forEach((t, i) => values.set(Math.floor(t.getTime() / p) * p, { value: r.Values[i]! }));
      } catch (err) {
        if (!isServiceError(err)) throw err; // an expression that stopped evaluating leaves no data
      }
    } else {
      const pct = c.ExtendedStatistic ? Number(c.ExtendedStatistic.slice(1)) : undefined;
      const points = this.store.statistics(alarm.accountId, alarm.region, {
        namespace: c.Namespace!, name: c.MetricName!, dimensions: c.Dimensions ?? [], start, end, period,
        ...(c.Unit !== undefined ? { unit: c.Unit } : {}),
        ...(pct !== undefined ? { percentiles: [pct] } : {}),
      });
      for (const d of points) {
        const v = pct !== undefined ? d.percentiles.get(pct) : statistic(d, c.Statistic!);
        if (v !== undefined) values.set(d.timestamp, { value: v, sampleCount: d.sampleCount });
      }
    }
    const partial = values.get(current);
    const newest = partial !== undefined && partialIsFinal(c, partial.value) ? current : current - p;
    const points: PeriodValue[] = [];
    for (let i = 0; i < c.EvaluationPeriods; i++) {
      const t = newest - i * p;
      const v = values.get(t);
      points.push({ timestamp: t, value: v?.value, ...(v?.sampleCount !== undefined ? { sampleCount: v.sampleCount } : {}) });
    }
    return { period, points };
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Records a state change (state columns + a StateUpdate history item) and returns it when the
   * state value changed, for dispatch after commit. Caller holds a transaction.
   */
  private transition(scope: Scope, alarm: StoredAlarm, next: Evaluation, now: number): StateChange | undefined {
    const old = alarm.state;
    const changed = old.value !== next.state;
    const state: AlarmState = { value: next.state, reason: next.reason, updated: now, transitioned: changed ? now : old.transitioned };
    if (next.reasonData !== '') state.reasonData = next.reasonData;
    this.repo.updateState(scope.accountId, scope.region, alarm.config.AlarmName, state);
    if (!changed) return undefined; // SetAlarmState to the same state only refreshes the reason
    let reasonData: unknown;
    if (state.reasonData !== undefined) {
      try {
        reasonData = JSON.parse(state.reasonData);
      } catch {
        reasonData = undefined;
      }
    }
    this.history(scope, alarm.config.AlarmName, now, 'StateUpdate', `Alarm updated from ${old.value} to ${next.state}`, {
      version: '1.0',
      oldState: { stateValue: old.value, stateReason: old.reason, ...(old.reasonData ? { stateReasonData: safeParse(old.reasonData) } : {}) },
      newState: { stateValue: next.state, stateReason: next.reason, ...(reasonData !== undefined ? { stateReasonData: reasonData } : {}) },
    });
    return { accountId: scope.accountId, region: scope.region, config: alarm.config, oldState: old, newState: state };
  }

  /** Runs the change's actions in the background and records each outcome as an Action item. */
  private dispatch(change: StateChange): void {
    const scope = { accountId: change.accountId, region: change.region };
    const name = change.config.AlarmName;
    void runActions(this.invoker, change).then((outcomes) => {
      if (outcomes.length === 0) return;
      try {
        if (!this.repo.get(scope.accountId, scope.region, name)) return; // deleted meanwhile
        const now = this.now();
        for (const o of outcomes) {
          this.history(scope, name, now, 'Action',
            o.ok ? `Successfully executed action ${o.action}` : `Failed to execute action ${o.action}. Received error: "${o.error}"`, {
              actionState: o.ok ? 'Succeeded' : 'Failed',
              stateUpdateTimestamp: change.newState.updated,
              notificationResource: o.action,
              ...(o.ok ? {} : { error: o.error }),
            });
        }
      } catch {
        // The store closed during shutdown: the outcome is lost, the invocation itself is queued.
      }
    });
  }

  private history(scope: Scope, name: string, ts: number, type: HistoryItemType, summary: string, data: unknown): void {
    this.repo.addHistory(scope.accountId, scope.region, { alarmName: name, timestamp: ts, type, summary, data: JSON.stringify(data) });
  }

  /** The MetricAlarm shape of the API. */
  private describe(scope: Scope, c: AlarmConfig, s: AlarmState, configUpdated: number): Record<string, unknown> {
    return {
      AlarmName: c.AlarmName,
      AlarmArn: `arn:aws:cloudwatch:${scope.region}:${scope.accountId}:alarm:${c.AlarmName}`,
      AlarmDescription: c.AlarmDescription,
      AlarmConfigurationUpdatedTimestamp: new Date(configUpdated),
      ActionsEnabled: c.ActionsEnabled,
      OKActions: c.OKActions,
      AlarmActions: c.AlarmActions,
      InsufficientDataActions: c.InsufficientDataActions,
      StateValue: s.value,
      StateReason: s.reason,
      StateReasonData: s.reasonData,
      StateUpdatedTimestamp: new Date(s.updated),
      MetricName: c.MetricName,
      Namespace: c.Namespace,
      Statistic: c.Statistic,
      ExtendedStatistic: c.ExtendedStatistic,
      Dimensions: c.Dimensions,
      Period: c.Period,
      Unit: c.Unit,
      EvaluationPeriods: c.EvaluationPeriods,
      DatapointsToAlarm: c.DatapointsToAlarm,
      Threshold: c.Threshold,
      ComparisonOperator: c.ComparisonOperator,
      TreatMissingData: c.TreatMissingData,
      EvaluateLowSampleCountPercentile: c.EvaluateLowSampleCountPercentile,
      Metrics: c.Metrics,
      ThresholdMetricId: c.ThresholdMetricId,
      StateTransitionedTimestamp: new Date(s.transitioned),
    };
  }

  /** Metric math is checked by running it once through GetMetricData's validation and evaluator. */
  private checkMath(scope: Scope, c: AlarmConfig, period: number): void {
    const end = Math.floor(this.now() / 60_000) * 60_000;
    try {
      this.metrics.getMetricData(scope, { MetricDataQueries: c.Metrics!, StartTime: end - period * 1000, EndTime: end, MaxDatapoints: 1 });
    } catch (err) {
      if (!isServiceError(err)) throw err;
      throw new ServiceError(err.name, err.status, err.message.replaceAll('MetricDataQueries', 'Metrics'), { headers: err.headers });
    }
  }

  private stateValue(v: string | undefined, at: string, optional: boolean): StateValue | undefined {
    if (v === undefined) {
      if (optional) return undefined;
      throw MissingParameter(`The parameter ${at} is required.`);
    }
    if (!(STATE_VALUES as readonly string[]).includes(v)) throw InvalidParameterValue(`The value ${v} for parameter ${at} is invalid.`);
    return v as StateValue;
  }
}

export function alarmPeriod(c: AlarmConfig): number {
  if (c.Period !== undefined) return c.Period;
  const ret = c.Metrics?.find((q) => q.ReturnData !== false);
  if (ret?.Period !== undefined) return ret.Period;
  if (ret?.MetricStat) return ret.MetricStat.Period;
  // An expression's period is that of the metrics it combines (validate.ts takes the largest).
  const largest = Math.max(0, ...(c.Metrics ?? []).map((q) => q.MetricStat?.Period ?? 0));
  return largest > 0 ? largest : 60;
}

/**
 * Whether a partial period's value that breaches stays breaching however the period ends: Sum,
 * SampleCount and Maximum only grow (for non-negative data), Minimum only falls. Averages,
 * percentiles and math may move either way, so those alarms wait for the period to end.
 */
function partialIsFinal(c: AlarmConfig, value: number): boolean {
  if (c.Metrics || c.Statistic === undefined || c.Threshold === undefined) return false;
  const rising = c.Statistic === 'Sum' || c.Statistic === 'SampleCount' || c.Statistic === 'Maximum';
  if (c.ComparisonOperator.startsWith('Greater') && rising) return breaches(c.ComparisonOperator, value, c.Threshold);
  if (c.ComparisonOperator.startsWith('Less') && c.Statistic === 'Minimum') return breaches(c.ComparisonOperator, value, c.Threshold);
  return false;
}

function statistic(d: { sampleCount: number; sum: number; average: number; minimum: number; maximum: number }, s: string): number | undefined {
  switch (s) {
    case 'SampleCount': return d.sampleCount;
    case 'Sum': return d.sum;
    case 'Average': return d.average;
    case 'Minimum': return d.minimum;
    case 'Maximum': return d.maximum;
    default: return undefined;
  }
}

function dimKey(dims: readonly { Name: string; Value: string }[]): string {
  return JSON.stringify([...dims].map((d) => [d.Name, d.Value]).sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0)));
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

function encodeToken(name: string): string {
  return Buffer.from(`a${name}`, 'utf8').toString('base64url');
}

function decodeToken(token: string): string {
  const raw = Buffer.from(token, 'base64url').toString('utf8');
  if (!raw.startsWith('a') || raw.length < 2) throw InvalidNextToken('The service returned an invalid NextToken.');
  return raw.slice(1);
}
