// State machines, their published versions and aliases, and tags: the control plane. Definitions
// are validated by the ASL library (InvalidDefinition with AWS's message) before anything is
// written; every mutation is committed before it is acknowledged.
import { randomUUID } from 'node:crypto';
import { parseDefinition, variableReferences, type StateMachine } from '../asl/index.js';
import type { Sqlite } from '../../store/database.js';
import { SfnErrors } from './errors.js';
import type { LogSink } from '../../lambda/environments/types.js';
import { expectArn, stateMachineArn, validateAliasName, validateName } from './arns.js';
import type { AliasRow, MachineRow, SfnRepository, VersionRow } from './repository.js';
import { decodeToken, encodeToken } from './paging.js';

export type MachineType = 'STANDARD' | 'EXPRESS';

export interface LoggingConfiguration {
  level?: 'ALL' | 'ERROR' | 'FATAL' | 'OFF';
  includeExecutionData?: boolean;
  destinations?: Array<{ cloudWatchLogsLogGroup?: { logGroupArn?: string } }>;
}
export interface TracingConfiguration { enabled?: boolean }
export interface Tag { key: string; value: string }
export interface RoutingEntry { stateMachineVersionArn: string; weight: number }

export interface CreateMachineInput {
  accountId: string; region: string; name: string; definition: string; roleArn: string;
  type?: MachineType; loggingConfiguration?: LoggingConfiguration; tracingConfiguration?: TracingConfiguration;
  tags?: Tag[]; publish?: boolean; versionDescription?: string;
}

/** What an execution needs from the machine (or version) it runs. */
export interface ResolvedMachine {
  machineArn: string; name: string; type: MachineType; definition: string; roleArn: string;
  versionArn?: string; aliasArn?: string; logging: LoggingConfiguration; parsed: StateMachine;
}

const MAX_VERSIONS = 1000;
const MAX_TAGS = 50;

export class StateMachines {
  /** Parsed definitions by text (definitions are immutable strings; parsing is the costly part). */
  private readonly parsed = new Map<string, StateMachine>();
  /** resolve() results for unqualified and version ARNs; cleared by every control-plane write. */
  private readonly resolved = new Map<string, ResolvedMachine>();

  constructor(
    private readonly repo: SfnRepository, private readonly db: Sqlite, private readonly now: () => number,
    /** CloudWatch Logs, to check that a logging destination exists (absent: not checked). */
    private readonly logSink: () => LogSink | undefined = () => undefined,
  ) {}

  /** Parses (cached) as the machine's type: Express machines reject `.sync` and `.waitForTaskToken`. */
  parse(definition: string, type: MachineType = 'STANDARD'): StateMachine {
    const key = `${type}\n${definition}`;
    let m = this.parsed.get(key);
    if (!m) {
      m = parseDefinition(definition, { type });
      if (this.parsed.size > 500) this.parsed.clear();
      this.parsed.set(key, m);
    }
    return m;
  }

  create(input: CreateMachineInput): { stateMachineArn: string; creationDate: number; stateMachineVersionArn?: string } {
    this.resolved.clear();
    validateName(input.name);
    validateRoleArn(input.roleArn);
    const type = input.type ?? 'STANDARD';
    const logging = normalizeLogging(input.loggingConfiguration, type, this.logSink());
    this.parse(input.definition, type);
    checkTags(input.tags);
    if (input.versionDescription !== undefined && !input.publish) {
      throw SfnErrors.ValidationException('Version description can only be set when publish is true');
    }
    const arn = stateMachineArn(input.region, input.accountId, input.name);
    return this.db.transaction(() => {
      const existing = this.repo.machine(arn);
      if (existing) {
        // Idempotent when identical (role and tags differences are ignored, as AWS documents).
        const same = existing.definition === input.definition && existing.type === type &&
          existing.logging === JSON.stringify(logging) &&
          existing.tracing === JSON.stringify(input.tracingConfiguration ?? { enabled: false });
        if (!same) throw SfnErrors.StateMachineAlreadyExists(`State Machine Already Exists: '${arn}'`);
        const latest = input.publish ? this.repo.latestVersion(arn) : undefined;
        return { stateMachineArn: arn, creationDate: existing.created_at, ...(latest ? { stateMachineVersionArn: latest.arn } : {}) };
      }
      const created = this.now();
      const row: MachineRow = {
        arn, account: input.accountId, region: input.region, name: input.name, type, definition: input.definition,
        role_arn: input.roleArn, logging: JSON.stringify(logging),
        tracing: JSON.stringify(input.tracingConfiguration ?? { enabled: false }), encryption: null,
        // No revision yet: AWS assigns the first revisionId on UpdateStateMachine, so a machine that
        // was never updated (and a version published from it) reports none.
        description: null, status: 'ACTIVE', created_at: created, updated_at: null, revision_id: NO_REVISION, next_version: 1,
      };
      this.repo.insertMachine(row);
      for (const t of input.tags ?? []) this.repo.putTag(arn, t.key, t.value);
      let versionArn: string | undefined;
      if (input.publish) versionArn = this.publishRow(row, input.versionDescription).arn;
      return { stateMachineArn: arn, creationDate: created, ...(versionArn ? { stateMachineVersionArn: versionArn } : {}) };
    })();
  }

  /** The machine row for an unqualified ARN, or StateMachineDoesNotExist. */
  machine(arn: string): MachineRow {
    const p = expectArn(arn, 'stateMachine');
    if (p.parts.length !== 1) throw SfnErrors.InvalidArn(`Invalid Arn: 'Resource type not valid in this context: stateMachine'`);
    const row = this.repo.machine(arn);
    if (!row) throw SfnErrors.StateMachineDoesNotExist(`State Machine Does Not Exist: '${arn}'`);
    return row;
  }

  describe(arn: string): Record<string, unknown> {
    const p = expectArn(arn, 'stateMachine');
    if (p.parts.length === 2 && /^\d+$/.test(p.parts[1]!)) {
      const v = this.repo.version(arn);
      if (!v) throw SfnErrors.StateMachineDoesNotExist(`State Machine Does Not Exist: '${arn}'`);
      const m = this.repo.machine(v.machine_arn);
      return {
        stateMachineArn: arn, name: m?.name ?? p.parts[0], status: 'ACTIVE', definition: v.definition, roleArn: v.role_arn,
        type: v.type, creationDate: v.created_at, loggingConfiguration: parseJson(v.logging, { level: 'OFF', includeExecutionData: false }),
        tracingConfiguration: parseJson(v.tracing, { enabled: false }), ...revisionOf(v.revision_id),
        ...(v.description ? { description: v.description } : {}),
        encryptionConfiguration: { type: 'AWS_OWNED_KEY' }, ...referencesOf(v.definition),
      };
    }
    const m = this.machine(arn);
    return {
      stateMachineArn: m.arn, name: m.name, status: m.status, definition: m.definition, roleArn: m.role_arn, type: m.type,
      creationDate: m.created_at, loggingConfiguration: parseJson(m.logging, { level: 'OFF', includeExecutionData: false }),
      tracingConfiguration: parseJson(m.tracing, { enabled: false }), ...revisionOf(m.revision_id),
      encryptionConfiguration: { type: 'AWS_OWNED_KEY' }, ...referencesOf(m.definition),
    };
  }

  update(input: {
    stateMachineArn: string; definition?: string; roleArn?: string; loggingConfiguration?: LoggingConfiguration;
    tracingConfiguration?: TracingConfiguration; publish?: boolean; versionDescription?: string;
  }): { updateDate: number; revisionId?: string; stateMachineVersionArn?: string } {
    this.resolved.clear();
    if (input.definition === undefined && input.roleArn === undefined && input.loggingConfiguration === undefined &&
      input.tracingConfiguration === undefined && !input.publish) {
      throw SfnErrors.MissingRequiredParameter(
        'Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified');
    }
    if (input.versionDescription !== undefined && !input.publish) {
      throw SfnErrors.ValidationException('Version description can only be set when publish is true');
    }
    if (input.roleArn !== undefined) validateRoleArn(input.roleArn);
    return this.db.transaction(() => {
      // A version (or alias) ARN names no updatable machine: AWS answers StateMachineDoesNotExist.
      if (expectArn(input.stateMachineArn, 'stateMachine').parts.length === 2) {
        throw SfnErrors.StateMachineDoesNotExist(`State Machine Does Not Exist: '${input.stateMachineArn}'`);
      }
      const m = this.machine(input.stateMachineArn);
      if (input.definition !== undefined) this.parse(input.definition, m.type);
      const logging = input.loggingConfiguration !== undefined ? JSON.stringify(normalizeLogging(input.loggingConfiguration, m.type, this.logSink())) : m.logging;
      const tracing = input.tracingConfiguration !== undefined ? JSON.stringify(input.tracingConfiguration) : m.tracing;
      const changed = (input.definition !== undefined && input.definition !== m.definition) ||
        (input.roleArn !== undefined && input.roleArn !== m.role_arn) || logging !== m.logging || tracing !== m.tracing;
      const updated: MachineRow = {
        ...m, definition: input.definition ?? m.definition, role_arn: input.roleArn ?? m.role_arn, logging, tracing,
        // An update that changes nothing keeps the revision, including "none yet": AWS then
        // answers without a revisionId, and publishing returns the version of that revision.
        updated_at: this.now(), revision_id: changed ? randomUUID() : m.revision_id,
      };
      this.repo.updateMachine(updated);
      let versionArn: string | undefined;
      if (input.publish) versionArn = this.publishRow(updated, input.versionDescription).arn;
      return { updateDate: updated.updated_at!, ...revisionOf(updated.revision_id), ...(versionArn ? { stateMachineVersionArn: versionArn } : {}) };
    })();
  }

  delete(arn: string): void {
    this.resolved.clear();
    const p = expectArn(arn, 'stateMachine');
    if (p.parts.length === 2) {
      // AWS: DeleteStateMachine with a version or alias ARN deletes that version or alias.
      if (/^\d+$/.test(p.parts[1]!)) return this.deleteVersion(arn);
      return this.deleteAlias(arn);
    }
    this.db.transaction(() => this.repo.deleteMachine(arn))();
  }

  list(accountId: string, region: string, maxResults: number | undefined, nextToken: string | undefined) {
    const after = nextToken ? decodeToken<{ a: string }>(nextToken).a : '';
    const limit = pageSize(maxResults);
    const rows = this.repo.listMachines(accountId, region, after, limit + 1);
    const page = rows.slice(0, limit);
    return {
      stateMachines: page.map((m) => ({ stateMachineArn: m.arn, name: m.name, type: m.type, creationDate: m.created_at })),
      ...(rows.length > limit ? { nextToken: encodeToken({ a: page[page.length - 1]!.arn }) } : {}),
    };
  }

  // ── versions ──────────────────────────────────────────────────────────────────────────────

  private publishRow(m: MachineRow, description: string | undefined): VersionRow {
    const latest = this.repo.latestVersion(m.arn);
    // Publishing an unchanged revision returns the existing version (AWS is idempotent here).
    if (latest && latest.revision_id === m.revision_id) return latest;
    if (this.repo.countVersions(m.arn) >= MAX_VERSIONS) {
      throw SfnErrors.ServiceQuotaExceededException(
        `Maximum number of versions (${MAX_VERSIONS}) reached for state machine '${m.arn}'`);
    }
    const version = m.next_version;
    const row: VersionRow = {
      arn: `${m.arn}:${version}`, machine_arn: m.arn, version, definition: m.definition, role_arn: m.role_arn, type: m.type,
      logging: m.logging, tracing: m.tracing, description: description ?? null, revision_id: m.revision_id, created_at: this.now(),
    };
    this.repo.insertVersion(row);
    this.repo.updateMachine({ ...m, next_version: version + 1 });
    return row;
  }

  publish(arn: string, revisionId: string | undefined, description: string | undefined): { creationDate: number; stateMachineVersionArn: string } {
    this.resolved.clear();
    return this.db.transaction(() => {
      const m = this.machine(arn);
      if (revisionId !== undefined && revisionId !== m.revision_id) {
        throw SfnErrors.ConflictException(
          `Failed to publish the State Machine version for revision ${revisionId}. The current State Machine revision is ${m.revision_id}.`);
      }
      const v = this.publishRow(m, description);
      return { creationDate: v.created_at, stateMachineVersionArn: v.arn };
    })();
  }

  listVersions(arn: string, maxResults: number | undefined, nextToken: string | undefined) {
    this.machine(arn);
    const below = nextToken ? decodeToken<{ v: number }>(nextToken).v : Number.MAX_SAFE_INTEGER;
    const limit = pageSize(maxResults);
    const rows = this.repo.listVersions(arn, below, limit + 1);
    const page = rows.slice(0, limit);
    return {
      stateMachineVersions: page.map((v) => ({ stateMachineVersionArn: v.arn, creationDate: v.created_at })),
      ...(rows.length > limit ? { nextToken: encodeToken({ v: page[page.length - 1]!.version }) } : {}),
    };
  }

  deleteVersion(arn: string): void {
    this.resolved.clear();
    const p = expectArn(arn, 'stateMachine');
    if (p.parts.length !== 2 || !/^\d+$/.test(p.parts[1]!)) {
      throw SfnErrors.ValidationException(`Invalid version ARN: '${arn}'`);
    }
    this.db.transaction(() => {
      const v = this.repo.version(arn);
      if (!v) return; // deleting a missing version succeeds, as on AWS
      const users = this.repo.allAliases(v.machine_arn).filter((a) =>
        (JSON.parse(a.routing) as RoutingEntry[]).some((r) => r.stateMachineVersionArn === arn));
      if (users.length > 0) {
        throw SfnErrors.ConflictException(
          `Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [${users.map((a) => a.name).join(', ')}]`);
      }
      this.repo.deleteVersion(arn);
    })();
  }

  // ── aliases ───────────────────────────────────────────────────────────────────────────────

  /**
   * AWS's checks on a routing configuration, in its order: the model's constraints (list length,
   * each weight's range) and then the semantic ones, each quoting what it received.
   */
  private checkRouting(routing: RoutingEntry[]): string {
    if (routing.length < 1 || routing.length > 2) {
      const shown = routing.map((r) => `RoutingConfigurationListItem(stateMachineVersionArn=${r.stateMachineVersionArn}, weight=${r.weight})`);
      throw SfnErrors.ValidationException(
        `1 validation error detected: Value '[${shown.join(', ')}]' at 'routingConfiguration' failed to satisfy constraint: ` +
        `Member must have length ${routing.length < 1 ? 'greater than or equal to 1' : 'less than or equal to 2'}`);
    }
    routing.forEach((r, i) => {
      if (!Number.isInteger(r.weight) || r.weight < 0 || r.weight > 100) {
        throw SfnErrors.ValidationException(
          `1 validation error detected: Value '${r.weight}' at 'routingConfiguration.${i + 1}.member.weight' failed to satisfy constraint: ` +
          `Member must have value ${r.weight < 0 ? 'greater than or equal to 0' : 'less than or equal to 100'}`);
      }
    });
    const arns = routing.map((r) => r.stateMachineVersionArn);
    const isVersion = (arn: string) => { const p = expectArn(arn, 'stateMachine'); return p.parts.length === 2 && /^\d+$/.test(p.parts[1]!); };
    if (!arns.every(isVersion)) {
      throw SfnErrors.ValidationException(`Routing configuration must contain state machine version ARNs. Received: [${arns.join(', ')}]`);
    }
    if (new Set(arns).size !== arns.length) {
      throw SfnErrors.ValidationException(`Routing configuration must contain distinct state machine version ARNs. Received: [${arns.join(', ')}]`);
    }
    const weights = routing.map((r) => r.weight);
    if (weights.reduce((a, b) => a + b, 0) !== 100) {
      throw SfnErrors.ValidationException(`Sum of routing configuration weights must equal 100. Received: [${weights.join(', ')}]`);
    }
    let machine: string | undefined;
    for (const arn of arns) {
      const v = this.repo.version(arn);
      if (!v) throw SfnErrors.ResourceNotFound(`Resource not found: '${arn}'`);
      if (machine && machine !== v.machine_arn) {
        throw SfnErrors.ValidationException('Routing configuration must contain versions of the same state machine');
      }
      machine = v.machine_arn;
    }
    return machine!;
  }

  createAlias(input: { name: string; description?: string; routingConfiguration: RoutingEntry[] }): { stateMachineAliasArn: string; creationDate: number } {
    this.resolved.clear();
    validateAliasName(input.name);
    return this.db.transaction(() => {
      const machineArn = this.checkRouting(input.routingConfiguration);
      const arn = `${machineArn}:${input.name}`;
      const routing = JSON.stringify(input.routingConfiguration.map((r) => ({ stateMachineVersionArn: r.stateMachineVersionArn, weight: r.weight })));
      const existing = this.repo.alias(arn);
      if (existing) {
        if (existing.routing === routing && (existing.description ?? undefined) === input.description) {
          return { stateMachineAliasArn: arn, creationDate: existing.created_at };
        }
        // AWS words a differing description the same way as differing routing.
        throw SfnErrors.ConflictException(
          'Failed to create alias because an alias with the same name and a different routing configuration already exists.');
      }
      const now = this.now();
      const row: AliasRow = { arn, machine_arn: machineArn, name: input.name, description: input.description ?? null, routing, created_at: now, updated_at: now };
      this.repo.insertAlias(row);
      return { stateMachineAliasArn: arn, creationDate: now };
    })();
  }

  private alias(arn: string): AliasRow {
    const p = expectArn(arn, 'stateMachine');
    if (p.parts.length !== 2 || /^\d+$/.test(p.parts[1]!)) throw SfnErrors.InvalidArn(`Invalid Arn: 'Invalid alias ARN: ${arn}'`);
    const a = this.repo.alias(arn);
    if (!a) throw SfnErrors.ResourceNotFound(`Resource not found: '${arn}'`);
    return a;
  }

  describeAlias(arn: string): Record<string, unknown> {
    const a = this.alias(arn);
    return {
      stateMachineAliasArn: a.arn, name: a.name, ...(a.description ? { description: a.description } : {}),
      routingConfiguration: JSON.parse(a.routing) as RoutingEntry[], creationDate: a.created_at, updateDate: a.updated_at,
    };
  }

  updateAlias(input: { stateMachineAliasArn: string; description?: string; routingConfiguration?: RoutingEntry[] }): { updateDate: number } {
    this.resolved.clear();
    if (input.description === undefined && input.routingConfiguration === undefined) {
      throw SfnErrors.ValidationException('Either the description or the RoutingConfiguration must be specified');
    }
    return this.db.transaction(() => {
      const p = expectArn(input.stateMachineAliasArn, 'stateMachine');
      // UpdateStateMachineAlias words a missing alias generically (recorded by AWS).
      if (p.parts.length === 2 && !/^\d+$/.test(p.parts[1]!) && !this.repo.alias(input.stateMachineAliasArn)) {
        throw SfnErrors.ResourceNotFound('Request references a resource that does not exist.');
      }
      const a = this.alias(input.stateMachineAliasArn);
      let routing = a.routing;
      if (input.routingConfiguration) {
        const machine = this.checkRouting(input.routingConfiguration);
        if (machine !== a.machine_arn) throw SfnErrors.ValidationException('Routing configuration must contain versions of the aliased state machine');
        routing = JSON.stringify(input.routingConfiguration.map((r) => ({ stateMachineVersionArn: r.stateMachineVersionArn, weight: r.weight })));
      }
      const now = this.now();
      this.repo.updateAlias({ arn: a.arn, description: input.description ?? a.description, routing, updated_at: now });
      return { updateDate: now };
    })();
  }

  deleteAlias(arn: string): void {
    this.resolved.clear();
    const p = expectArn(arn, 'stateMachine');
    if (p.parts.length !== 2) throw SfnErrors.InvalidArn(`Invalid Arn: 'Invalid alias ARN: ${arn}'`);
    this.db.transaction(() => this.repo.deleteAlias(arn))();
  }

  listAliases(arn: string, maxResults: number | undefined, nextToken: string | undefined) {
    this.machine(arn);
    const after = nextToken ? decodeToken<{ a: string }>(nextToken).a : '';
    const limit = pageSize(maxResults);
    const rows = this.repo.listAliases(arn, after, limit + 1);
    const page = rows.slice(0, limit);
    return {
      stateMachineAliases: page.map((a) => ({ stateMachineAliasArn: a.arn, creationDate: a.created_at })),
      ...(rows.length > limit ? { nextToken: encodeToken({ a: page[page.length - 1]!.arn }) } : {}),
    };
  }

  // ── resolution for StartExecution ─────────────────────────────────────────────────────────

  /** Resolves an unqualified, version or alias ARN to what an execution runs (alias: weighted pick). */
  resolve(arn: string, random: () => number): ResolvedMachine {
    const hit = this.resolved.get(arn);
    if (hit) return hit;
    const p = expectArn(arn, 'stateMachine');
    if (p.parts.length === 1) {
      const m = this.repo.machine(arn);
      if (!m) throw SfnErrors.StateMachineDoesNotExist(`State Machine Does Not Exist: '${arn}'`);
      const r: ResolvedMachine = {
        machineArn: m.arn, name: m.name, type: m.type, definition: m.definition, roleArn: m.role_arn,
        logging: parseJson(m.logging, {}), parsed: this.parse(m.definition, m.type),
      };
      if (this.resolved.size > 1000) this.resolved.clear();
      this.resolved.set(arn, r);
      return r;
    }
    let versionArn = arn;
    let aliasArn: string | undefined;
    if (!/^\d+$/.test(p.parts[1]!)) {
      const a = this.repo.alias(arn);
      if (!a) throw SfnErrors.StateMachineDoesNotExist(`State Machine Does Not Exist: '${arn}'`);
      aliasArn = a.arn;
      const routing = JSON.parse(a.routing) as RoutingEntry[];
      let pick = random() * 100;
      versionArn = routing[routing.length - 1]!.stateMachineVersionArn;
      for (const r of routing) {
        if (pick < r.weight) {
          versionArn = r.stateMachineVersionArn;
          break;
        }
        pick -= r.weight;
      }
    }
    const v = this.repo.version(versionArn);
    if (!v) throw SfnErrors.StateMachineDoesNotExist(`State Machine Does Not Exist: '${versionArn}'`);
    const m = this.repo.machine(v.machine_arn);
    return {
      machineArn: v.machine_arn, name: m?.name ?? p.parts[0]!, type: v.type, definition: v.definition, roleArn: v.role_arn,
      versionArn: v.arn, ...(aliasArn ? { aliasArn } : {}), logging: parseJson(v.logging, {}), parsed: this.parse(v.definition, v.type),
    };
  }

  // ── tags ──────────────────────────────────────────────────────────────────────────────────

  private taggable(arn: string): void {
    const p = expectArn(arn, 'stateMachine', 'activity');
    const exists = p.kind === 'activity' ? this.repo.activity(arn) : p.parts.length === 1 ? this.repo.machine(arn) : undefined;
    if (!exists) throw SfnErrors.ResourceNotFound(`Resource not found: '${arn}'`);
  }

  tag(arn: string, tags: Tag[]): void {
    checkTags(tags);
    this.db.transaction(() => {
      this.taggable(arn);
      const keys = new Set(this.repo.tags(arn).map((t) => t.key));
      for (const t of tags) keys.add(t.key);
      if (keys.size > MAX_TAGS) throw SfnErrors.TooManyTags(`Too many tags: the resource '${arn}' can have at most ${MAX_TAGS} tags`, { fields: { resourceName: arn } });
      for (const t of tags) this.repo.putTag(arn, t.key, t.value);
    })();
  }

  untag(arn: string, keys: string[]): void {
    this.db.transaction(() => {
      this.taggable(arn);
      for (const k of keys) this.repo.deleteTag(arn, k);
    })();
  }

  tags(arn: string): Tag[] {
    this.taggable(arn);
    return this.repo.tags(arn);
  }
}

export function pageSize(maxResults: number | undefined): number {
  return maxResults && maxResults > 0 ? Math.min(maxResults, 1000) : 100;
}

function parseJson<T>(text: string | null, fallback: T): T {
  return text ? (JSON.parse(text) as T) : fallback;
}

function validateRoleArn(arn: string): void {
  if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(arn)) {
    throw SfnErrors.InvalidArn(`Invalid Arn: 'Invalid ARN prefix: ${arn}'`);
  }
}

function checkTags(tags: Tag[] | undefined): void {
  if (!tags) return;
  if (tags.length > MAX_TAGS) throw SfnErrors.TooManyTags(`Too many tags: at most ${MAX_TAGS} tags are allowed`);
  for (const t of tags) {
    if (t.key.length < 1 || t.key.length > 128 || t.value.length > 256 || t.key.startsWith('aws:')) {
      throw SfnErrors.ValidationException(`Invalid tag: '${t.key}'`);
    }
  }
}

function normalizeLogging(cfg: LoggingConfiguration | undefined, type: MachineType, sink?: LogSink): Required<Pick<LoggingConfiguration, 'level' | 'includeExecutionData'>> & LoggingConfiguration {
  const level = cfg?.level ?? 'OFF';
  if (!['ALL', 'ERROR', 'FATAL', 'OFF'].includes(level)) {
    throw SfnErrors.ValidationException(
      `1 validation error detected: Value '${level}' at 'loggingConfiguration.level' failed to satisfy constraint: Member must satisfy enum value set: [ALL, ERROR, FATAL, OFF]`);
  }
  const destinations = cfg?.destinations ?? [];
  if (level !== 'OFF' && destinations.length === 0) {
    throw SfnErrors.InvalidLoggingConfiguration('Invalid Logging Configuration: Must specify exactly one Log Destination.');
  }
  if (destinations.length > 1) {
    throw SfnErrors.InvalidLoggingConfiguration('Invalid Logging Configuration: Must specify exactly one Log Destination.');
  }
  for (const d of destinations) {
    const arn = d.cloudWatchLogsLogGroup?.logGroupArn;
    if (!arn || !/^arn:aws[a-z-]*:logs:[a-z0-9-]+:\d{12}:log-group:.+$/.test(arn)) {
      throw SfnErrors.InvalidLoggingConfiguration(`Invalid Logging Configuration: Log Destination not in the expected format: ${arn ?? ''}`);
    }
    // AWS refuses a log group that does not exist (recorded: test_sfn_api_logs::test_deleted_log_group).
    const m = /^arn:aws[a-z-]*:logs:([a-z0-9-]+):(\d{12}):log-group:(.+?)(?::\*)?$/.exec(arn);
    if (m && sink?.hasGroup && !sink.hasGroup(m[2]!, m[1]!, m[3]!)) {
      throw SfnErrors.InvalidLoggingConfiguration('Invalid Logging Configuration: Log Destination not found.');
    }
  }
  void type;
  // An explicit empty list is kept (AWS describes `destinations: []`, test_incomplete_logging_configuration).
  return { level, includeExecutionData: cfg?.includeExecutionData ?? false, ...(cfg?.destinations ? { destinations } : {}) };
}

/** `variableReferences` is present only when some state reads a workflow variable (as on AWS). */
export function referencesOf(definition: string): { variableReferences?: Record<string, string[]> } {
  const refs = variableReferences(definition);
  return refs ? { variableReferences: refs } : {};
}

/** Stored revision of a machine that has never been updated: AWS has no revisionId for it yet. */
export const NO_REVISION = '';

/** `revisionId` is reported only once the machine has one (after its first update). */
export function revisionOf(revisionId: string): { revisionId?: string } {
  return revisionId !== NO_REVISION ? { revisionId } : {};
}
