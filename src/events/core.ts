// EventBridge rules and targets on the default and custom event buses (validation, storage, the
// schedule arithmetic), PutEvents routing and matching, target input. Never sees HTTP; buses live in
// buses.ts, the scheduler (scheduler.ts) fires scheduled rules and delivers to targets.
import { randomUUID } from 'node:crypto';
import { JSONPath } from 'jsonpath-plus';
import { EventsRepository, type RuleKey, type RuleRow, type TargetRow } from './repository.js';
import { DEFAULT_BUS, EventBuses, ruleArn, tagList } from './buses.js';
import { EventTags } from './tags.js';
import { parseSchedule, nextFire, ScheduleError, type Schedule } from './schedule.js';
import { InvalidEventPattern, LimitExceeded, ResourceNotFound, Validation } from './errors.js';
import { matches, parsePattern, PatternError } from './pattern.js';
import { transformInput, transformerProblem, type InputTransformer } from './transformer.js';
import type { Store } from '../store/database.js';

export interface Scope {
  accountId: string;
  region: string;
}

type Input = Record<string, unknown>;

const NAME = /^[.\-_A-Za-z0-9]{1,64}$/;
const TARGET_ID = /^[.\-_A-Za-z0-9]{1,64}$/;
const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9-_]{1,64}(:[A-Za-z0-9$_-]+)?$/;
/** Step Functions targets: a state machine (started with StartExecution, the target's input as input). */
export const STATES_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9-_]{1,80}$/;
/** AWS: at most 5 targets per rule. */
const MAX_TARGETS = 5;

export { ruleArn };

/** The key of a bus's rules in the store. */
function keyOf(s: Scope, bus: string): RuleKey {
  return { account: s.accountId, region: s.region, bus };
}

export class EventsCore {
  readonly repo: EventsRepository;
  readonly buses: EventBuses;
  readonly tags: EventTags;
  /** Nimbus's log (an event put on a bus that does not exist is dropped, as on AWS, and said here). */
  log: (msg: string) => void = () => {};
  /** Called whenever a rule's next fire time may have moved earlier (the scheduler re-arms). */
  onChange: () => void = () => {};
  /** Sends an event to a matched rule's targets (the scheduler's delivery). */
  deliver: (rule: RuleRow, event: Record<string, unknown>) => void = () => {};

  /**
   * @param clockScale compresses `rate()` intervals (600 turns `rate(1 minute)` into 100 ms) for tests
   *   and demos; cron expressions stay on the wall clock.
   */
  constructor(
    store: Store,
    private readonly clockScale = 1,
    private readonly now: () => number = Date.now,
  ) {
    this.repo = new EventsRepository(store);
    this.buses = new EventBuses(this.repo, now);
    this.tags = new EventTags(this.repo, this.buses);
  }

  // ---- events ----

  /**
   * PutEvents: each valid entry becomes an event on its entry's bus (`EventBusName`, default when
   * absent), is delivered to the targets of every enabled rule of that bus whose pattern it matches,
   * and gets an EventId; an invalid one gets its error. An entry naming a bus that does not exist
   * gets an EventId and goes nowhere: AWS accepts it the same way (FailedEntryCount stays 0).
   */
  putEvents(s: Scope, i: Input): { FailedEntryCount: number; Entries: Array<{ EventId: string } | { ErrorCode: string; ErrorMessage: string }> } {
    const entries = i.Entries;
    if (!Array.isArray(entries) || entries.length === 0 || entries.length > 10) {
      throw Validation(`1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length ${Array.isArray(entries) && entries.length > 10 ? 'less than or equal to 10' : 'greater than or equal to 1'}`);
    }
    // Malformed bus names refuse the whole call, before any entry is delivered.
    const buses = entries.map((entry: unknown, n) => this.buses.lookup(s, ((entry ?? {}) as Input).EventBusName, `entries.${n + 1}.member.eventBusName`));
    const rulesOf = new Map<string, RuleRow[]>();
    let failed = 0;
    const results = entries.map((entry: unknown, n): { EventId: string } | { ErrorCode: string; ErrorMessage: string } => {
      const built = this.eventOf(s, entry);
      if (built.error) {
        failed++;
        return built.error;
      }
      const event = built.event;
      const bus = buses[n];
      if (bus === undefined) {
        this.log(`events: event ${event.id} put on event bus ${String((entry as Input).EventBusName)}, which does not exist in ${s.region}; dropped (AWS accepts it the same way)`);
        return { EventId: event.id };
      }
      let rules = rulesOf.get(bus);
      if (!rules) rulesOf.set(bus, (rules = this.repo.patternRules(keyOf(s, bus))));
      for (const rule of rules) {
        const pattern = patternOf(rule.event_pattern!);
        if (pattern && matches(pattern, event)) this.deliver(rule, event);
      }
      return { EventId: event.id };
    });
    return { FailedEntryCount: failed, Entries: results };
  }

  /** TestEventPattern: whether an event (JSON text) matches a pattern. */
  testEventPattern(_s: Scope, i: Input): unknown {
    const pattern = optString(i.EventPattern, 'EventPattern', 4096);
    const eventText = optString(i.Event, 'Event', 262144);
    if (pattern === undefined || eventText === undefined) throw Validation('Parameter(s) EventPattern and Event must be specified.');
    let event: unknown;
    try {
      event = JSON.parse(eventText);
    } catch {
      throw Validation('Parameter Event is not valid.');
    }
    const required = ['id', 'account', 'source', 'time', 'region', 'detail-type'];
    if (event === null || typeof event !== 'object' || required.some((k) => (event as Input)[k] === undefined)) {
      throw Validation('Parameter Event is not valid.');
    }
    return { Result: matches(checkPattern(pattern), event) };
  }

  /** The event EventBridge makes of one PutEvents entry, or the entry's error. */
  private eventOf(s: Scope, entry: unknown): { event: Input & { id: string }; error?: undefined } | { error: { ErrorCode: string; ErrorMessage: string } } {
    const e = (entry ?? {}) as Input;
    const fail = (ErrorCode: string, ErrorMessage: string) => ({ error: { ErrorCode, ErrorMessage } });
    const invalid = (field: string, reason: string) => fail('InvalidArgument', `Parameter ${field} is not valid. Reason: ${reason}`);
    for (const field of ['Source', 'DetailType', 'Detail'] as const) {
      if (typeof e[field] !== 'string' || e[field] === '') return invalid(field, `${field} is a required argument.`);
    }
    let detail: unknown;
    try {
      detail = JSON.parse(e.Detail as string);
    } catch {
      detail = undefined;
    }
    if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) return fail('MalformedDetail', 'Detail is malformed.');
    const resources = e.Resources === undefined ? [] : e.Resources;
    if (!Array.isArray(resources) || resources.some((r) => typeof r !== 'string')) return invalid('Resources', 'Resources must be a list of strings.');
    const time = eventTime(e.Time, this.now());
    const event = {
      version: '0',
      id: randomUUID(),
      'detail-type': e.DetailType,
      source: e.Source,
      account: s.accountId,
      time,
      region: s.region,
      resources,
      detail,
    };
    return { event };
  }

  // ---- rules ----

  putRule(s: Scope, i: Input): unknown {
    const name = ruleName(i.Name);
    const bus = this.buses.resolve(s, i.EventBusName);
    const expr = optString(i.ScheduleExpression, 'ScheduleExpression', 256);
    const pattern = optString(i.EventPattern, 'EventPattern', 4096);
    const description = optString(i.Description, 'Description', 512);
    const roleArn = optString(i.RoleArn, 'RoleArn', 1600);
    if (expr === undefined && pattern === undefined) {
      throw Validation('Parameter(s) EventPattern or ScheduleExpression must be specified.');
    }
    const state = i.State === undefined ? 'ENABLED' : i.State;
    if (state !== 'ENABLED' && state !== 'DISABLED') {
      throw Validation(`1 validation error detected: Value '${String(state)}' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]`);
    }
    // Scheduled events exist only on the default bus.
    if (expr !== undefined && bus !== DEFAULT_BUS) throw Validation('ScheduleExpression is supported only on the default event bus.');
    if (expr !== undefined) scheduleOf(expr);
    if (pattern !== undefined) checkPattern(pattern);
    const tags = tagList(i.Tags);
    const existing = this.repo.getRule(keyOf(s, bus), name);
    const now = this.now();
    // Keep the running schedule when neither the expression nor the state changed (a redeploy
    // must not reset a rate()'s phase); otherwise start a fresh period from now.
    const keep = existing && existing.schedule_expression === (expr ?? null) && existing.state === state;
    const row: RuleRow = {
      account: s.accountId,
      region: s.region,
      bus,
      name,
      schedule_expression: expr ?? null,
      event_pattern: pattern ?? null,
      state,
      description: description ?? null,
      role_arn: roleArn ?? null,
      created_ms: existing?.created_ms ?? now,
      next_fire_ms: keep ? existing.next_fire_ms : this.firstFire(expr, state, now),
    };
    this.repo.transaction(() => {
      this.repo.putRule(row);
      // Tags given to PutRule label a rule it creates; an existing rule's are TagResource's to change.
      if (!existing && tags) this.repo.putTags(s.accountId, s.region, ruleArn(s, bus, name), tags);
    });
    this.onChange();
    return { RuleArn: ruleArn(s, bus, name) };
  }

  describeRule(s: Scope, i: Input): unknown {
    const name = ruleName(i.Name);
    return describe(s, this.mustGet(s, this.buses.resolve(s, i.EventBusName), name));
  }

  listRules(s: Scope, i: Input): unknown {
    const bus = this.buses.resolve(s, i.EventBusName);
    const prefix = i.NamePrefix === undefined ? '' : ruleName(i.NamePrefix, 'NamePrefix');
    const limit = pageLimit(i.Limit);
    const after = pageToken(i.NextToken);
    const rows = this.repo.listRules(keyOf(s, bus), prefix, after, limit + 1);
    const page = rows.slice(0, limit);
    const out: Input = { Rules: page.map((r) => describe(s, r, false)) };
    if (rows.length > limit) out.NextToken = Buffer.from(page[page.length - 1]!.name).toString('base64');
    return out;
  }

  deleteRule(s: Scope, i: Input): unknown {
    const name = ruleName(i.Name);
    const key = keyOf(s, this.buses.resolve(s, i.EventBusName));
    // AWS answers success for a rule that does not exist.
    if (!this.repo.getRule(key, name)) return {};
    if (this.repo.countTargets(key, name) > 0) throw Validation("Rule can't be deleted since it has targets.");
    this.repo.transaction(() => {
      this.repo.deleteRule(key, name);
      this.repo.dropTags(s.accountId, s.region, ruleArn(s, key.bus, name));
    });
    return {};
  }

  setEnabled(s: Scope, i: Input, enabled: boolean): unknown {
    const name = ruleName(i.Name);
    const rule = this.mustGet(s, this.buses.resolve(s, i.EventBusName), name);
    const state = enabled ? 'ENABLED' : 'DISABLED';
    if (rule.state === state) return {};
    this.repo.setState(keyOf(s, rule.bus), rule.name, state, this.firstFire(rule.schedule_expression ?? undefined, state, this.now()));
    this.onChange();
    return {};
  }

  // ---- targets ----

  putTargets(s: Scope, i: Input): unknown {
    const name = ruleName(i.Rule, 'Rule');
    const rule = this.mustGet(s, this.buses.resolve(s, i.EventBusName), name);
    if (!Array.isArray(i.Targets) || i.Targets.length < 1 || i.Targets.length > 10) {
      throw Validation("1 validation error detected: Value at 'targets' failed to satisfy constraint: Member must have length less than or equal to 10 and greater than or equal to 1");
    }
    const failed: { TargetId: string; ErrorCode: string; ErrorMessage: string }[] = [];
    const ok: TargetRow[] = [];
    for (const raw of i.Targets as unknown[]) {
      const t = (raw && typeof raw === 'object' ? raw : {}) as Input;
      if (typeof t.Id !== 'string' || !TARGET_ID.test(t.Id)) {
        throw Validation(`1 validation error detected: Value '${String(t.Id)}' at 'targets.id' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+`);
      }
      if (typeof t.Arn !== 'string' || t.Arn.length < 1 || t.Arn.length > 1600) {
        throw Validation("1 validation error detected: Value at 'targets.arn' failed to satisfy constraint: Member must not be null");
      }
      const fail = (ErrorCode: string, ErrorMessage: string) => failed.push({ TargetId: t.Id as string, ErrorCode, ErrorMessage });
      if (!LAMBDA_ARN.test(t.Arn) && !STATES_ARN.test(t.Arn)) {
        fail('ValidationException', `Target ${t.Id}: Nimbus delivers only to Lambda functions and Step Functions state machines; ${t.Arn} is neither.`);
        continue;
      }
      const input = optString(t.Input, 'Input', 8192);
      const inputPath = optString(t.InputPath, 'InputPath', 256);
      const transformer = t.InputTransformer ?? undefined;
      if ([input, inputPath, transformer].filter((x) => x !== undefined).length > 1) {
        fail('ValidationException', 'Only one of Input, InputPath, or InputTransformer can be provided.');
        continue;
      }
      const problem = transformer === undefined ? undefined : transformerProblem(transformer);
      if (problem) {
        fail('ValidationException', problem);
        continue;
      }
      if (input !== undefined && !isJson(input)) {
        fail('ValidationException', 'Input is not valid JSON text.');
        continue;
      }
      if (inputPath !== undefined && !/^\$(\.[A-Za-z0-9_-]+|\[\d+\])*$/.test(inputPath)) {
        fail('ValidationException', `InputPath ${inputPath} is not a valid JsonPath.`);
        continue;
      }
      ok.push({
        account: s.accountId, region: s.region, bus: rule.bus, rule: rule.name, id: t.Id, arn: t.Arn, input: input ?? null, input_path: inputPath ?? null,
        input_transformer: transformer === undefined ? null : JSON.stringify(transformer),
      });
    }
    const existing = new Set(this.repo.targets(keyOf(s, rule.bus), rule.name).map((t) => t.id));
    const fresh = new Set(ok.filter((t) => !existing.has(t.id)).map((t) => t.id));
    if (existing.size + fresh.size > MAX_TARGETS) throw LimitExceeded(`The requested resource exceeds the maximum number allowed.`);
    if (ok.length) this.repo.putTargets(ok);
    return { FailedEntryCount: failed.length, FailedEntries: failed };
  }

  removeTargets(s: Scope, i: Input): unknown {
    const name = ruleName(i.Rule, 'Rule');
    const rule = this.mustGet(s, this.buses.resolve(s, i.EventBusName), name);
    if (!Array.isArray(i.Ids) || i.Ids.length < 1 || i.Ids.length > 100 || !i.Ids.every((x) => typeof x === 'string' && TARGET_ID.test(x))) {
      throw Validation("1 validation error detected: Value at 'ids' failed to satisfy constraint: Member must have length less than or equal to 100 and greater than or equal to 1");
    }
    this.repo.removeTargets(keyOf(s, rule.bus), rule.name, i.Ids as string[]);
    return { FailedEntryCount: 0, FailedEntries: [] };
  }

  listTargetsByRule(s: Scope, i: Input): unknown {
    const name = ruleName(i.Rule, 'Rule');
    const rule = this.mustGet(s, this.buses.resolve(s, i.EventBusName), name);
    const limit = pageLimit(i.Limit);
    const start = i.NextToken === undefined ? 0 : Number(pageToken(i.NextToken));
    if (!Number.isInteger(start) || start < 0) throw Validation('The NextToken provided is not valid.');
    const all = this.repo.targets(keyOf(s, rule.bus), rule.name);
    const page = all.slice(start, start + limit);
    const out: Input = {
      Targets: page.map((t) => ({
        Id: t.id,
        Arn: t.arn,
        ...(t.input !== null ? { Input: t.input } : {}),
        ...(t.input_path !== null ? { InputPath: t.input_path } : {}),
        ...(t.input_transformer !== null ? { InputTransformer: JSON.parse(t.input_transformer) as unknown } : {}),
      })),
    };
    if (start + limit < all.length) out.NextToken = Buffer.from(String(start + limit)).toString('base64');
    return out;
  }

  /** ListRuleNamesByTarget: the rules of one bus that have a target with this ARN. */
  listRuleNamesByTarget(s: Scope, i: Input): unknown {
    const arn = i.TargetArn;
    if (typeof arn !== 'string' || arn.length < 1 || arn.length > 1600) {
      throw Validation(`1 validation error detected: Value ${arn === undefined ? 'null' : `'${String(arn)}'`} at 'targetArn' failed to satisfy constraint: Member must ${arn === undefined ? 'not be null' : 'have length less than or equal to 1600'}`);
    }
    const bus = this.buses.resolve(s, i.EventBusName);
    const limit = pageLimit(i.Limit);
    const after = pageToken(i.NextToken);
    const names = this.repo.ruleNamesByTarget(keyOf(s, bus), arn, after, limit + 1);
    const page = names.slice(0, limit);
    const out: Input = { RuleNames: page };
    if (names.length > limit) out.NextToken = Buffer.from(page[page.length - 1]!).toString('base64');
    return out;
  }

  // ---- scheduling arithmetic (used by the scheduler) ----

  /** The fire after `due` that lies in the future: missed fires collapse into the one just made. */
  followingFire(rule: RuleRow, due: number, now: number): number | null {
    if (!rule.schedule_expression) return null;
    const schedule = scheduleOf(rule.schedule_expression);
    if (schedule.kind === 'rate') {
      const every = this.rateMs(schedule);
      const skipped = Math.max(0, Math.floor((now - due) / every));
      return due + (skipped + 1) * every;
    }
    return nextFire(schedule, Math.max(due, now)) ?? null;
  }

  private firstFire(expr: string | undefined, state: string, now: number): number | null {
    if (!expr || state !== 'ENABLED') return null;
    const schedule = scheduleOf(expr);
    // rate(): the first fire is one period after the rule is created or enabled, as on AWS.
    if (schedule.kind === 'rate') return now + this.rateMs(schedule);
    return nextFire(schedule, now) ?? null;
  }

  private rateMs(schedule: Extract<Schedule, { kind: 'rate' }>): number {
    return Math.max(1, Math.round(schedule.everyMs / this.clockScale));
  }

  private mustGet(s: Scope, bus: string, name: string): RuleRow {
    const rule = this.repo.getRule(keyOf(s, bus), name);
    if (!rule) throw ResourceNotFound(`Rule ${name} does not exist on EventBus ${bus}.`);
    return rule;
  }
}

/**
 * The input a target receives: its constant Input, a piece of the event (InputPath), the event
 * transformed (InputTransformer), or the event.
 */
export function targetPayload(target: TargetRow, event: Input, now = Date.now()): string {
  if (target.input !== null) return target.input;
  if (target.input_transformer !== null) {
    const rule = { arn: ruleArn({ accountId: target.account, region: target.region }, target.bus, target.rule), name: target.rule };
    return transformInput(JSON.parse(target.input_transformer) as InputTransformer, event, rule, now);
  }
  if (target.input_path !== null) {
    const found = JSONPath({ path: target.input_path, json: event, wrap: false }) as unknown;
    return JSON.stringify(found ?? null);
  }
  return JSON.stringify(event);
}

function describe(s: Scope, r: RuleRow, full = true): Input {
  return {
    Name: r.name,
    Arn: ruleArn(s, r.bus, r.name),
    ...(r.event_pattern !== null ? { EventPattern: r.event_pattern } : {}),
    ...(r.schedule_expression !== null ? { ScheduleExpression: r.schedule_expression } : {}),
    State: r.state,
    ...(r.description !== null ? { Description: r.description } : {}),
    ...(r.role_arn !== null ? { RoleArn: r.role_arn } : {}),
    EventBusName: r.bus,
    ...(full ? { CreatedBy: s.accountId } : {}),
  };
}

function scheduleOf(expr: string): Schedule {
  try {
    return parseSchedule(expr);
  } catch (err) {
    if (err instanceof ScheduleError) throw Validation('Parameter ScheduleExpression is not valid.');
    throw err;
  }
}

function checkPattern(pattern: string): ReturnType<typeof parsePattern> {
  try {
    return parsePattern(pattern);
  } catch (err) {
    if (err instanceof PatternError) throw InvalidEventPattern(`Event pattern is not valid. Reason: ${err.message}`);
    throw err;
  }
}

/**
 * A stored rule's pattern, parsed once per text; null for one PutRule would refuse today (stored by
 * an older Nimbus that only checked for a JSON object): it matches nothing.
 */
const parsedPatterns = new Map<string, ReturnType<typeof parsePattern> | null>();
function patternOf(text: string): ReturnType<typeof parsePattern> | null {
  let p = parsedPatterns.get(text);
  if (p === undefined) {
    try {
      p = parsePattern(text);
    } catch {
      p = null;
    }
    if (parsedPatterns.size > 1000) parsedPatterns.clear();
    parsedPatterns.set(text, p);
  }
  return p;
}

/** An event's `time`: ISO 8601 to the second, as EventBridge writes it. */
export function eventTimestamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** An entry's Time (the SDK sends epoch seconds), else now. */
function eventTime(time: unknown, now: number): string {
  const ms = typeof time === 'number' && Number.isFinite(time) ? time * 1000 : typeof time === 'string' && !Number.isNaN(Date.parse(time)) ? Date.parse(time) : now;
  return eventTimestamp(ms);
}

function ruleName(v: unknown, field = 'Name'): string {
  if (typeof v !== 'string' || !NAME.test(v)) {
    const lower = field[0]!.toLowerCase() + field.slice(1);
    throw Validation(`1 validation error detected: Value '${String(v)}' at '${lower}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+`);
  }
  return v;
}

function optString(v: unknown, field: string, max: number): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length > max) {
    throw Validation(`1 validation error detected: Value at '${field[0]!.toLowerCase()}${field.slice(1)}' failed to satisfy constraint: Member must have length less than or equal to ${max}`);
  }
  return v;
}

function pageLimit(v: unknown): number {
  if (v === undefined) return 100;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 100) {
    throw Validation("1 validation error detected: Value at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100 and greater than or equal to 1");
  }
  return v;
}

function pageToken(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v !== 'string' || v.length === 0) throw Validation('The NextToken provided is not valid.');
  return Buffer.from(v, 'base64').toString('utf8');
}

function isJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}
