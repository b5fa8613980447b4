// All Step Functions SQL lives here: typed rows in, typed rows out. Callers decide transactions.
import type { Sqlite } from '../../store/database.js';
import type { Statement } from 'better-sqlite3';

export interface MachineRow {
  arn: string; account: string; region: string; name: string; type: 'STANDARD' | 'EXPRESS';
  definition: string; role_arn: string; logging: string | null; tracing: string | null;
  encryption: string | null; description: string | null; status: string;
  created_at: number; updated_at: number | null; revision_id: string; next_version: number;
}
export interface VersionRow {
  arn: string; machine_arn: string; version: number; definition: string; role_arn: string;
  type: 'STANDARD' | 'EXPRESS'; logging: string | null; tracing: string | null;
  description: string | null; revision_id: string; created_at: number;
}
export interface AliasRow {
  arn: string; machine_arn: string; name: string; description: string | null; routing: string;
  created_at: number; updated_at: number;
}
export interface ActivityRow { arn: string; account: string; region: string; name: string; created_at: number }
export interface ExecutionRow {
  arn: string; machine_arn: string; name: string; account: string; region: string;
  version_arn: string | null; alias_arn: string | null; type: 'STANDARD' | 'EXPRESS';
  definition: string; role_arn: string; status: string; input: string; output: string | null;
  error: string | null; cause: string | null; start_date: number; stop_date: number | null;
  trace_header: string | null; redrive_count: number; redrive_date: number | null;
  parent_arn: string | null; map_run_arn: string | null;
}
export interface EventRow { id: number; type: string; timestamp: number; previous_id: number; details: string | null }
export interface StepRow { key: string; done: number; data: string }
export interface TokenRow {
  token: string; execution_arn: string; step_key: string; activity_arn: string | null; input: string | null;
  status: string; outcome: string | null; created_at: number; worker: string | null;
}

export class SfnRepository {
  private readonly s: Record<string, Statement>;

  constructor(readonly db: Sqlite) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      machineGet: p('SELECT * FROM sfn_state_machines WHERE arn = ?'),
      machineInsert: p(`INSERT INTO sfn_state_machines (arn, account, region, name, type, definition, role_arn, logging,
        tracing, encryption, description, status, created_at, updated_at, revision_id, next_version)
        VALUES (@arn, @account, @region, @name, @type, @definition, @role_arn, @logging, @tracing, @encryption,
        @description, @status, @created_at, @updated_at, @revision_id, @next_version)`),
      machineUpdate: p(`UPDATE sfn_state_machines SET definition = @definition, role_arn = @role_arn, logging = @logging,
        tracing = @tracing, updated_at = @updated_at, revision_id = @revision_id, next_version = @next_version WHERE arn = @arn`),
      machineDelete: p('DELETE FROM sfn_state_machines WHERE arn = ?'),
      machineList: p(`SELECT * FROM sfn_state_machines WHERE account = ? AND region = ? AND arn > ? ORDER BY arn LIMIT ?`),
      versionGet: p('SELECT * FROM sfn_versions WHERE arn = ?'),
      versionInsert: p(`INSERT INTO sfn_versions (arn, machine_arn, version, definition, role_arn, type, logging, tracing,
        description, revision_id, created_at) VALUES (@arn, @machine_arn, @version, @definition, @role_arn, @type,
        @logging, @tracing, @description, @revision_id, @created_at)`),
      versionLatest: p('SELECT * FROM sfn_versions WHERE machine_arn = ? ORDER BY version DESC LIMIT 1'),
      versionList: p('SELECT * FROM sfn_versions WHERE machine_arn = ? AND version < ? ORDER BY version DESC LIMIT ?'),
      versionCount: p('SELECT COUNT(*) AS n FROM sfn_versions WHERE machine_arn = ?'),
      versionDelete: p('DELETE FROM sfn_versions WHERE arn = ?'),
      versionDeleteAll: p('DELETE FROM sfn_versions WHERE machine_arn = ?'),
      aliasGet: p('SELECT * FROM sfn_aliases WHERE arn = ?'),
      aliasInsert: p(`INSERT INTO sfn_aliases (arn, machine_arn, name, description, routing, created_at, updated_at)
        VALUES (@arn, @machine_arn, @name, @description, @routing, @created_at, @updated_at)`),
      aliasUpdate: p('UPDATE sfn_aliases SET description = @description, routing = @routing, updated_at = @updated_at WHERE arn = @arn'),
      aliasDelete: p('DELETE FROM sfn_aliases WHERE arn = ?'),
      aliasDeleteAll: p('DELETE FROM sfn_aliases WHERE machine_arn = ?'),
      aliasList: p('SELECT * FROM sfn_aliases WHERE machine_arn = ? AND arn > ? ORDER BY arn LIMIT ?'),
      aliasAll: p('SELECT * FROM sfn_aliases WHERE machine_arn = ?'),
      activityGet: p('SELECT * FROM sfn_activities WHERE arn = ?'),
      activityInsert: p('INSERT INTO sfn_activities (arn, account, region, name, created_at) VALUES (?, ?, ?, ?, ?)'),
      activityDelete: p('DELETE FROM sfn_activities WHERE arn = ?'),
      activityList: p('SELECT * FROM sfn_activities WHERE account = ? AND region = ? AND arn > ? ORDER BY arn LIMIT ?'),
      tagsGet: p('SELECT key, value FROM sfn_tags WHERE resource_arn = ? ORDER BY key'),
      tagPut: p('INSERT INTO sfn_tags (resource_arn, key, value) VALUES (?, ?, ?) ON CONFLICT(resource_arn, key) DO UPDATE SET value = excluded.value'),
      tagDelete: p('DELETE FROM sfn_tags WHERE resource_arn = ? AND key = ?'),
      tagsDeleteAll: p('DELETE FROM sfn_tags WHERE resource_arn = ?'),
      execGet: p('SELECT * FROM sfn_executions WHERE arn = ?'),
      execInsert: p(`INSERT INTO sfn_executions (arn, machine_arn, name, account, region, version_arn, alias_arn, type,
        definition, role_arn, status, input, output, error, cause, start_date, stop_date, trace_header, redrive_count,
        redrive_date, parent_arn, map_run_arn) VALUES (@arn, @machine_arn, @name, @account, @region, @version_arn,
        @alias_arn, @type, @definition, @role_arn, @status, @input, @output, @error, @cause, @start_date, @stop_date,
        @trace_header, @redrive_count, @redrive_date, @parent_arn, @map_run_arn)`),
      execFinish: p('UPDATE sfn_executions SET status = ?, output = ?, error = ?, cause = ?, stop_date = ? WHERE arn = ?'),
      execRedrive: p(`UPDATE sfn_executions SET status = 'RUNNING', output = NULL, error = NULL, cause = NULL, stop_date = NULL,
        redrive_count = redrive_count + 1, redrive_date = ? WHERE arn = ?`),
      execRunning: p(`SELECT * FROM sfn_executions WHERE status = 'RUNNING' AND type = 'STANDARD'`),
      execList: p(`SELECT * FROM sfn_executions WHERE machine_arn = ? AND (? IS NULL OR status = ?)
        AND (? IS NULL OR version_arn = ? OR alias_arn = ?) AND (start_date < ? OR (start_date = ? AND arn > ?))
        ORDER BY start_date DESC, arn ASC LIMIT ?`),
      execListMapRun: p(`SELECT * FROM sfn_executions WHERE map_run_arn = ? AND (? IS NULL OR status = ?)
        AND (start_date < ? OR (start_date = ? AND arn > ?)) ORDER BY start_date DESC, arn ASC LIMIT ?`),
      eventInsert: p('INSERT INTO sfn_events (execution_arn, id, type, timestamp, previous_id, details) VALUES (?, ?, ?, ?, ?, ?)'),
      eventsAsc: p('SELECT id, type, timestamp, previous_id, details FROM sfn_events WHERE execution_arn = ? AND id > ? ORDER BY id ASC LIMIT ?'),
      eventsDesc: p('SELECT id, type, timestamp, previous_id, details FROM sfn_events WHERE execution_arn = ? AND id < ? ORDER BY id DESC LIMIT ?'),
      eventMax: p('SELECT MAX(id) AS n FROM sfn_events WHERE execution_arn = ?'),
      stepsAll: p('SELECT key, done, data FROM sfn_steps WHERE execution_arn = ?'),
      stepPut: p(`INSERT INTO sfn_steps (execution_arn, key, done, data) VALUES (?, ?, ?, ?)
        ON CONFLICT(execution_arn, key) DO UPDATE SET done = excluded.done, data = excluded.data`),
      stepDelete: p('DELETE FROM sfn_steps WHERE execution_arn = ? AND key = ?'),
      tokenGet: p('SELECT * FROM sfn_task_tokens WHERE token = ?'),
      tokenInsert: p(`INSERT INTO sfn_task_tokens (token, execution_arn, step_key, activity_arn, input, status, outcome, created_at)
        VALUES (?, ?, ?, ?, ?, ?, NULL, ?) ON CONFLICT(token) DO NOTHING`),
      tokenOutcome: p(`UPDATE sfn_task_tokens SET status = ?, outcome = ? WHERE token = ?`),
      tokenClaim: p(`UPDATE sfn_task_tokens SET status = 'STARTED', worker = ? WHERE token = ? AND status = 'SCHEDULED'`),
      tokenNextForActivity: p(`SELECT * FROM sfn_task_tokens WHERE activity_arn = ? AND status = 'SCHEDULED' ORDER BY created_at LIMIT 1`),
      tokensForExecution: p('DELETE FROM sfn_task_tokens WHERE execution_arn = ?'),
    };
  }

  private st(name: string): Statement {
    return this.s[name]!;
  }

  // --- state machines ---
  machine(arn: string): MachineRow | undefined { return this.st('machineGet').get(arn) as MachineRow | undefined; }
  insertMachine(row: MachineRow): void { this.st('machineInsert').run(row); }
  updateMachine(row: MachineRow): void { this.st('machineUpdate').run(row); }
  deleteMachine(arn: string): void {
    this.st('machineDelete').run(arn);
    this.st('versionDeleteAll').run(arn);
    this.st('aliasDeleteAll').run(arn);
    this.st('tagsDeleteAll').run(arn);
  }
  listMachines(account: string, region: string, after: string, limit: number): MachineRow[] {
    return this.st('machineList').all(account, region, after, limit) as MachineRow[];
  }

  // --- versions ---
  version(arn: string): VersionRow | undefined { return this.st('versionGet').get(arn) as VersionRow | undefined; }
  insertVersion(row: VersionRow): void { this.st('versionInsert').run(row); }
  latestVersion(machineArn: string): VersionRow | undefined {
    return this.st('versionLatest').get(machineArn) as VersionRow | undefined;
  }
  listVersions(machineArn: string, below: number, limit: number): VersionRow[] {
    return this.st('versionList').all(machineArn, below, limit) as VersionRow[];
  }
  countVersions(machineArn: string): number { return (this.st('versionCount').get(machineArn) as { n: number }).n; }
  deleteVersion(arn: string): void { this.st('versionDelete').run(arn); }

  // --- aliases ---
  alias(arn: string): AliasRow | undefined { return this.st('aliasGet').get(arn) as AliasRow | undefined; }
  insertAlias(row: AliasRow): void { this.st('aliasInsert').run(row); }
  updateAlias(row: Pick<AliasRow, 'arn' | 'description' | 'routing' | 'updated_at'>): void { this.st('aliasUpdate').run(row); }
  deleteAlias(arn: string): void { this.st('aliasDelete').run(arn); }
  listAliases(machineArn: string, after: string, limit: number): AliasRow[] {
    return this.st('aliasList').all(machineArn, after, limit) as AliasRow[];
  }
  allAliases(machineArn: string): AliasRow[] { return this.st('aliasAll').all(machineArn) as AliasRow[]; }

  // --- activities ---
  activity(arn: string): ActivityRow | undefined { return this.st('activityGet').get(arn) as ActivityRow | undefined; }
  insertActivity(row: ActivityRow): void {
    this.st('activityInsert').run(row.arn, row.account, row.region, row.name, row.created_at);
  }
  deleteActivity(arn: string): void { this.st('activityDelete').run(arn); this.st('tagsDeleteAll').run(arn); }
  listActivities(account: string, region: string, after: string, limit: number): ActivityRow[] {
    return this.st('activityList').all(account, region, after, limit) as ActivityRow[];
  }

  // --- tags ---
  tags(arn: string): Array<{ key: string; value: string }> {
    return this.st('tagsGet').all(arn) as Array<{ key: string; value: string }>;
  }
  putTag(arn: string, key: string, value: string): void { this.st('tagPut').run(arn, key, value); }
  deleteTag(arn: string, key: string): void { this.st('tagDelete').run(arn, key); }

  // --- executions ---
  execution(arn: string): ExecutionRow | undefined { return this.st('execGet').get(arn) as ExecutionRow | undefined; }
  insertExecution(row: ExecutionRow): void { this.st('execInsert').run(row); }
  finishExecution(arn: string, status: string, output: string | null, error: string | null, cause: string | null, stop: number): void {
    this.st('execFinish').run(status, output, error, cause, stop, arn);
  }
  redriveExecution(arn: string, date: number): void { this.st('execRedrive').run(date, arn); }
  runningExecutions(): ExecutionRow[] { return this.st('execRunning').all() as ExecutionRow[]; }
  listExecutions(
    machineArn: string, status: string | null, qualifier: string | null,
    cursor: { start: number; arn: string }, limit: number,
  ): ExecutionRow[] {
    return this.st('execList').all(machineArn, status, status, qualifier, qualifier, qualifier,
      cursor.start, cursor.start, cursor.arn, limit) as ExecutionRow[];
  }
  listMapRunExecutions(mapRunArn: string, status: string | null, cursor: { start: number; arn: string }, limit: number): ExecutionRow[] {
    return this.st('execListMapRun').all(mapRunArn, status, status, cursor.start, cursor.start, cursor.arn, limit) as ExecutionRow[];
  }

  // --- history ---
  insertEvent(execArn: string, id: number, type: string, ts: number, prev: number, details: string | null): void {
    this.st('eventInsert').run(execArn, id, type, ts, prev, details);
  }
  events(execArn: string, after: number, limit: number, reverse: boolean): EventRow[] {
    return (reverse ? this.st('eventsDesc') : this.st('eventsAsc')).all(execArn, after, limit) as EventRow[];
  }
  maxEventId(execArn: string): number { return (this.st('eventMax').get(execArn) as { n: number | null }).n ?? 0; }

  // --- step checkpoints (replay memo and durable timers) ---
  steps(execArn: string): StepRow[] { return this.st('stepsAll').all(execArn) as StepRow[]; }
  putStep(execArn: string, key: string, done: boolean, data: string): void { this.st('stepPut').run(execArn, key, done ? 1 : 0, data); }
  deleteStep(execArn: string, key: string): void { this.st('stepDelete').run(execArn, key); }

  // --- task tokens ---
  token(token: string): TokenRow | undefined { return this.st('tokenGet').get(token) as TokenRow | undefined; }
  insertToken(token: string, execArn: string, stepKey: string, activityArn: string | null, input: string | null, status: string, ts: number): void {
    this.st('tokenInsert').run(token, execArn, stepKey, activityArn, input, status, ts);
  }
  setTokenOutcome(token: string, status: string, outcome: string | null): void { this.st('tokenOutcome').run(status, outcome, token); }
  claimToken(token: string, worker: string | null): boolean { return this.st('tokenClaim').run(worker, token).changes === 1; }
  nextActivityTask(activityArn: string): TokenRow | undefined {
    return this.st('tokenNextForActivity').get(activityArn) as TokenRow | undefined;
  }
}
