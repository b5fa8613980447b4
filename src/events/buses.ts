// EventBridge event buses: the `default` bus every account and region has, and custom buses
// (CreateEventBus, DescribeEventBus, ListEventBuses, UpdateEventBus, DeleteEventBus). Also the one
// place that turns an `EventBusName` (a name or a bus ARN) into a bus of the caller's scope, so every
// rule operation and PutEvents resolve buses the same way. Never sees HTTP.
import type { BusRow, EventsRepository } from './repository.js';
import { ResourceAlreadyExists, ResourceNotFound, Validation } from './errors.js';

export interface Scope {
  accountId: string;
  region: string;
}

type Input = Record<string, unknown>;

export const DEFAULT_BUS = 'default';

/** EventBusName of the rule operations and PutEvents entries: a bus name or a bus ARN (AWS's pattern). */
const NAME_OR_ARN = /^(arn:aws[\w-]*:events:[a-z]{2}-[a-z]+-[\w-]+:[0-9]{12}:event-bus\/)?[/.\-_A-Za-z0-9]+$/;
const NAME_OR_ARN_TEXT = '(arn:aws[\\w-]*:events:[a-z]{2}-[a-z]+-[\\w-]+:[0-9]{12}:event-bus\\/)?[/\\.\\-_A-Za-z0-9]+';
/** Name of CreateEventBus / DeleteEventBus / UpdateEventBus. */
const BUS_NAME = /^[/.\-_A-Za-z0-9]+$/;
const BUS_NAME_TEXT = '[/\\.\\-_A-Za-z0-9]+';
/** ListEventBuses' NamePrefix. */
const PREFIX = /^[.\-_A-Za-z0-9]+$/;
const PREFIX_TEXT = '[\\.\\-_A-Za-z0-9]+';
const BUS_ARN = /^arn:aws[\w-]*:events:([^:]+):(\d{12}):event-bus\/(.+)$/;
/** Partner event sources (aws.partner/…); Nimbus has none, so a partner bus can never be created. */
const EVENT_SOURCE = /^aws\.partner(\/[.\-_A-Za-z0-9]+){2,}$/;

export function busArn(s: Scope, name: string): string {
  return `arn:aws:events:${s.region}:${s.accountId}:event-bus/${name}`;
}

/** A rule's ARN: `rule/{name}` on the default bus, `rule/{bus}/{name}` on any other, as AWS names them. */
export function ruleArn(s: Scope, bus: string, name: string): string {
  return `arn:aws:events:${s.region}:${s.accountId}:rule/${bus === DEFAULT_BUS ? '' : `${bus}/`}${name}`;
}

/** AWS's wording for a constraint a member fails (awsJson1.1 validation). */
function constraint(value: unknown, member: string, what: string): Error {
  return Validation(`1 validation error detected: Value '${String(value)}' at '${member}' failed to satisfy constraint: ${what}`);
}

function text(v: unknown, member: string, min: number, max: number, pattern?: RegExp, patternText?: string): string {
  if (typeof v !== 'string') throw Validation(`1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
  if (v.length < min) throw constraint(v, member, `Member must have length greater than or equal to ${min}`);
  if (v.length > max) throw constraint(v, member, `Member must have length less than or equal to ${max}`);
  if (pattern && !pattern.test(v)) throw constraint(v, member, `Member must satisfy regular expression pattern: ${patternText}`);
  return v;
}

function optText(v: unknown, member: string, min: number, max: number): string | undefined {
  return v === undefined || v === null ? undefined : text(v, member, min, max);
}

/** The bus an `EventBusName` names (checked against AWS's pattern): the name itself, or the name in a bus ARN. */
export function parseBusName(v: unknown, member = 'eventBusName'): string {
  if (v === undefined || v === null) return DEFAULT_BUS;
  const given = text(v, member, 1, 1600, NAME_OR_ARN, NAME_OR_ARN_TEXT);
  return BUS_ARN.exec(given)?.[3] ?? given;
}

/** An event bus as DescribeEventBus / ListEventBuses show it (times are epoch seconds on the wire). */
function view(s: Scope, b: BusRow): Input {
  return {
    Name: b.name,
    Arn: busArn(s, b.name),
    ...(b.description !== null ? { Description: b.description } : {}),
    CreationTime: b.created_ms / 1000,
    LastModifiedTime: b.modified_ms / 1000,
  };
}

export class EventBuses {
  constructor(
    private readonly repo: EventsRepository,
    private readonly now: () => number,
  ) {}

  /**
   * The bus an operation's `EventBusName` names, which must exist in the caller's scope; AWS answers
   * `Event bus X does not exist.` (X as given) otherwise.
   */
  resolve(s: Scope, v: unknown, member = 'eventBusName'): string {
    const found = this.lookup(s, v, member);
    if (found === undefined) throw ResourceNotFound(`Event bus ${String(v)} does not exist.`);
    return found;
  }

  /** Like resolve, but undefined for a bus that does not exist (PutEvents entries). */
  lookup(s: Scope, v: unknown, member = 'eventBusName'): string | undefined {
    const name = parseBusName(v, member);
    const given = typeof v === 'string' ? BUS_ARN.exec(v) : null;
    // A bus ARN of another account or region names no bus here.
    if (given && (given[1] !== s.region || given[2] !== s.accountId)) return undefined;
    if (name === DEFAULT_BUS) return name;
    return this.repo.getBus(s.accountId, s.region, name) ? name : undefined;
  }

  create(s: Scope, i: Input): Input {
    const name = text(i.Name, 'name', 1, 256, BUS_NAME, BUS_NAME_TEXT);
    const description = optText(i.Description, 'description', 0, 512);
    const kms = optText(i.KmsKeyIdentifier, 'kmsKeyIdentifier', 0, 2048);
    const dlc = deadLetterConfig(i.DeadLetterConfig);
    const tags = tagList(i.Tags);
    if (i.EventSourceName !== undefined && i.EventSourceName !== null) {
      const source = text(i.EventSourceName, 'eventSourceName', 1, 256, EVENT_SOURCE, 'aws\\.partner(/[\\.\\-_A-Za-z0-9]+){2,}');
      throw ResourceNotFound(`Event source ${source} does not exist.`);
    }
    if (name.startsWith('aws.')) throw Validation("EventBus name starting with 'aws.' is not valid.");
    // Only partner buses may have a '/' in their name.
    if (name.includes('/')) throw Validation("EventBus name containing '/' is not valid.");
    if (name === DEFAULT_BUS) throw ResourceAlreadyExists(`Event bus ${name} already exists.`);
    const now = this.now();
    const row: BusRow = {
      account: s.accountId, region: s.region, name,
      description: description ?? null, kms_key_identifier: kms ?? null,
      dead_letter_config: dlc === undefined ? null : JSON.stringify(dlc),
      created_ms: now, modified_ms: now,
    };
    this.repo.transaction(() => {
      if (!this.repo.insertBus(row)) throw ResourceAlreadyExists(`Event bus ${name} already exists.`);
      if (tags) this.repo.putTags(s.accountId, s.region, busArn(s, name), tags);
    });
    return {
      EventBusArn: busArn(s, name),
      ...(description !== undefined ? { Description: description } : {}),
      ...(kms !== undefined ? { KmsKeyIdentifier: kms } : {}),
      ...(dlc !== undefined ? { DeadLetterConfig: dlc } : {}),
    };
  }

  describe(s: Scope, i: Input): Input {
    const name = this.resolve(s, i.Name, 'name');
    const b = this.row(s, name);
    return {
      ...view(s, b),
      ...(b.kms_key_identifier !== null ? { KmsKeyIdentifier: b.kms_key_identifier } : {}),
      ...(b.dead_letter_config !== null ? { DeadLetterConfig: JSON.parse(b.dead_letter_config) as unknown } : {}),
    };
  }

  list(s: Scope, i: Input): Input {
    const prefix = i.NamePrefix === undefined || i.NamePrefix === null ? '' : text(i.NamePrefix, 'namePrefix', 1, 256, PREFIX, PREFIX_TEXT);
    const limit = i.Limit === undefined || i.Limit === null ? 100 : i.Limit;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 100) {
      throw constraint(limit, 'limit', 'Member must have value less than or equal to 100 and greater than or equal to 1');
    }
    let after = '';
    if (i.NextToken !== undefined && i.NextToken !== null) {
      if (typeof i.NextToken !== 'string' || i.NextToken === '') throw Validation('The NextToken provided is not valid.');
      after = Buffer.from(i.NextToken, 'base64').toString('utf8');
    }
    this.ensureDefault(s);
    const rows = this.repo.listBuses(s.accountId, s.region, prefix, after, limit + 1);
    const page = rows.slice(0, limit);
    const out: Input = { EventBuses: page.map((b) => view(s, b)) };
    if (rows.length > limit) out.NextToken = Buffer.from(page[page.length - 1]!.name).toString('base64');
    return out;
  }

  update(s: Scope, i: Input): Input {
    const given = i.Name === undefined || i.Name === null ? DEFAULT_BUS : text(i.Name, 'name', 1, 256, BUS_NAME, BUS_NAME_TEXT);
    const name = this.resolve(s, given, 'name');
    const description = optText(i.Description, 'description', 0, 512);
    const kms = optText(i.KmsKeyIdentifier, 'kmsKeyIdentifier', 0, 2048);
    const dlc = deadLetterConfig(i.DeadLetterConfig);
    const b = this.row(s, name);
    const next: BusRow = {
      ...b,
      description: description ?? b.description,
      kms_key_identifier: kms ?? b.kms_key_identifier,
      dead_letter_config: dlc === undefined ? b.dead_letter_config : JSON.stringify(dlc),
      modified_ms: this.now(),
    };
    this.repo.updateBus(next);
    return {
      Arn: busArn(s, name),
      Name: name,
      ...(next.kms_key_identifier !== null ? { KmsKeyIdentifier: next.kms_key_identifier } : {}),
      ...(next.description !== null ? { Description: next.description } : {}),
      ...(next.dead_letter_config !== null ? { DeadLetterConfig: JSON.parse(next.dead_letter_config) as unknown } : {}),
    };
  }

  /** DeleteEventBus: the default bus stays; a bus with rules stays (AWS refuses); an unknown name is a success. */
  delete(s: Scope, i: Input): Input {
    const name = text(i.Name, 'name', 1, 256, BUS_NAME, BUS_NAME_TEXT);
    if (name === DEFAULT_BUS) throw Validation('Cannot delete event bus default.');
    this.repo.transaction(() => {
      if (!this.repo.getBus(s.accountId, s.region, name)) return;
      if (this.repo.countRulesOnBus(s.accountId, s.region, name) > 0) throw Validation("EventBus can't be deleted since it has rules.");
      this.repo.deleteBus(s.accountId, s.region, name);
      this.repo.dropTags(s.accountId, s.region, busArn(s, name));
    });
    return {};
  }

  /** The stored bus; the default bus is recorded the first time it is asked for (its CreationTime). */
  private row(s: Scope, name: string): BusRow {
    if (name === DEFAULT_BUS) this.ensureDefault(s);
    const b = this.repo.getBus(s.accountId, s.region, name);
    if (!b) throw ResourceNotFound(`Event bus ${name} does not exist.`);
    return b;
  }

  private ensureDefault(s: Scope): void {
    if (this.repo.getBus(s.accountId, s.region, DEFAULT_BUS)) return;
    const now = this.now();
    this.repo.insertBus({
      account: s.accountId, region: s.region, name: DEFAULT_BUS, description: null, kms_key_identifier: null,
      dead_letter_config: null, created_ms: now, modified_ms: now,
    });
  }
}

/** A DeadLetterConfig as given ({Arn?}): kept and shown; Nimbus sends nothing to it. */
function deadLetterConfig(v: unknown): { Arn?: string } | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw Validation("1 validation error detected: Value at 'deadLetterConfig' failed to satisfy constraint: Member must be a structure");
  const arn = (v as Input).Arn;
  return arn === undefined || arn === null ? {} : { Arn: text(arn, 'deadLetterConfig.arn', 1, 1600) };
}

/** A Tags list ([{Key, Value}]) checked as AWS constrains it. */
export function tagList(v: unknown): Array<{ Key: string; Value: string }> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw Validation("1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must be a list");
  return v.map((t: unknown, n) => {
    const tag = (t && typeof t === 'object' ? t : {}) as Input;
    return { Key: text(tag.Key, `tags.${n + 1}.member.key`, 1, 128), Value: text(tag.Value, `tags.${n + 1}.member.value`, 0, 256) };
  });
}
