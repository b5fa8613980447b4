// Executions: start (Standard durable, Express in memory), run, resume after a restart, stop,
// redrive, describe, list, history, StartSyncExecution and TestState. The interpreter does the
// work; this module owns the execution rows, the terminal events and the CloudWatch Logs output.
import { randomUUID } from 'node:crypto';
import {
  findJsonFault, findRetrier, parseDefinition,
  type Json, type JsonObject, type StateMachine, type Randomness,
} from '../asl/index.js';
import type { LambdaInvoker } from '../../lambda/invoker.js';
import type { LogSink } from '../../lambda/environments/types.js';
import type { Sqlite } from '../../store/database.js';
import type { Clock } from '../engine/clock.js';
import { Interpreter, type ExecutionResult } from '../engine/interpreter.js';
import { MemoryJournal, type HistoryEvent, type Journal } from '../engine/journal.js';
import type { EngineHost, EventPublisher, ExecutionInfo, ExecutionStarter } from '../engine/types.js';
import { SfnErrors } from './errors.js';
import { executionArn, expectArn, expressExecutionArn, parseArn, validateName } from './arns.js';
import { DurableJournal } from './durable-journal.js';
import { ExecutionLogs } from './execution-logs.js';
import type { GroupCommit } from './group-commit.js';
import type { LoggingConfiguration, ResolvedMachine, StateMachines } from './machines.js';
import { pageSize, referencesOf, revisionOf } from './machines.js';
import type { ExecutionRow, SfnRepository } from './repository.js';
import { decodeToken, encodeToken } from './paging.js';
import type { Tokens } from './tokens.js';

const MAX_INPUT_BYTES = 262144;
const REDRIVE_WINDOW_MS = 14 * 24 * 3600 * 1000;
/** Express results kept for `.sync` parents (Express executions are not stored, as on AWS). */
const EXPRESS_RESULTS_KEPT = 10_000;

export interface ExecutionsDeps {
  repo: SfnRepository;
  db: Sqlite;
  gc: GroupCommit;
  machines: StateMachines;
  tokens: Tokens;
  clock: Clock;
  randomness: Randomness;
  lambda?: () => LambdaInvoker | undefined;
  events?: () => EventPublisher | undefined;
  /** Nimbus's own endpoint, for AWS SDK integrations. */
  endpoint?: () => string;
  logSink?: () => LogSink | undefined;
  log: (msg: string) => void;
}

interface Running {
  readonly ac: AbortController;
  readonly journal: Journal;
  readonly done: Promise<void>;
}

type Terminal = { status: string; output?: string; error?: string; cause?: string; stopDate: number };

export class Executions implements ExecutionStarter {
  private readonly running = new Map<string, Running>();
  private readonly finishedWaiters = new Map<string, Array<(d: JsonObject) => void>>();
  private readonly expressResults = new Map<string, JsonObject>();
  private closed = false;
  readonly host: EngineHost;
  private readonly logs: ExecutionLogs;

  constructor(private readonly d: ExecutionsDeps) {
    const self = this;
    this.logs = new ExecutionLogs(() => d.logSink?.(), () => d.clock.now(), d.log);
    this.host = {
      clock: d.clock,
      randomness: d.randomness,
      get lambda() {
        return d.lambda?.();
      },
      get events() {
        return d.events?.();
      },
      get endpoint() {
        return d.endpoint?.();
      },
      tokens: d.tokens,
      executions: self,
    };
  }

  // ── start ─────────────────────────────────────────────────────────────────────────────────

  async start(req: {
    stateMachineArn: string; name?: string; input?: string; traceHeader?: string; region: string; accountId: string; parentArn?: string;
  }): Promise<{ executionArn: string; startDate: number }> {
    const machine = this.d.machines.resolve(req.stateMachineArn, Math.random);
    const name = req.name ?? randomUUID();
    validateName(name);
    const inputText = req.input ?? '{}';
    const input = parseInput(inputText);
    const p = parseArn(machine.machineArn);
    if (machine.type === 'EXPRESS') {
      const arn = expressExecutionArn(p.region, p.accountId, machine.name, name, randomUUID());
      const startDate = this.d.clock.now();
      this.runExpress(arn, name, machine, input, inputText, startDate, undefined, false, req.parentArn !== undefined)
        .catch((err) => this.d.log(`express ${arn}: ${String(err)}`));
      return { executionArn: arn, startDate };
    }
    const arn = executionArn(p.region, p.accountId, machine.name, name);
    const now = this.d.clock.now();
    const row: ExecutionRow = {
      arn, machine_arn: machine.machineArn, name, account: p.accountId, region: p.region,
      version_arn: machine.versionArn ?? null, alias_arn: machine.aliasArn ?? null, type: 'STANDARD',
      definition: machine.definition, role_arn: machine.roleArn, status: 'RUNNING', input: inputText, output: null,
      error: null, cause: null, start_date: now, stop_date: null, trace_header: req.traceHeader ?? null,
      redrive_count: 0, redrive_date: null, parent_arn: req.parentArn ?? null, map_run_arn: null,
    };
    const started: HistoryEvent = {
      id: 1, type: 'ExecutionStarted', timestamp: now, previousEventId: 0, detailsKey: 'executionStartedEventDetails',
      details: {
        input: inputText, inputDetails: { truncated: false }, roleArn: machine.roleArn,
        ...(machine.versionArn ? { stateMachineVersionArn: machine.versionArn } : {}),
        ...(machine.aliasArn ? { stateMachineAliasArn: machine.aliasArn } : {}),
      },
    };
    const startedDetails = JSON.stringify({ executionStartedEventDetails: started.details });
    // The execution row and its ExecutionStarted event are durable before StartExecution answers.
    const existing = await this.d.gc.write(() => {
      const prior = this.d.repo.execution(arn);
      if (prior) return prior;
      this.d.repo.insertExecution(row);
      this.d.repo.insertEvent(arn, 1, 'ExecutionStarted', now, 0, startedDetails);
      return undefined;
    });
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === inputText && existing.machine_arn === machine.machineArn) {
        return { executionArn: arn, startDate: existing.start_date };
      }
      throw SfnErrors.ExecutionAlreadyExists(`Execution Already Exists: '${arn}'`);
    }
    this.launch(row, machine.parsed, machine.logging, false, started);
    return { executionArn: arn, startDate: now };
  }

  /** Starts the interpreter for a stored Standard execution (new, resumed or redriven). */
  private launch(row: ExecutionRow, parsed: StateMachine, logging: LoggingConfiguration, resume: boolean, started?: HistoryEvent): void {
    if (this.closed || this.running.has(row.arn)) return;
    const journal = new DurableJournal(row.arn, this.d.repo, this.d.gc, () => this.d.clock.now(), resume);
    const logger = this.logger(row.arn, row.machine_arn, logging, row.redrive_count);
    if (logger) journal.onEvent = logger;
    // ExecutionStarted was committed by StartExecution before the journal existed: log it here.
    if (logger && started) logger(started);
    const ac = new AbortController();
    const info: ExecutionInfo = {
      arn: row.arn, name: row.name, machineArn: row.version_arn ?? row.machine_arn, machineName: parseArn(row.machine_arn).parts[0]!,
      roleArn: row.role_arn, input: JSON.parse(row.input) as Json, startMs: row.start_date, redriveCount: row.redrive_count,
      region: row.region, accountId: row.account, type: 'STANDARD',
    };
    const done = (async () => {
      const stopTimer = this.armTimeout(parsed, row.redrive_date ?? row.start_date, ac);
      let result: ExecutionResult;
      try {
        result = await new Interpreter(info, parsed, journal, this.host, ac.signal).run();
      } catch (err) {
        if (this.closed) return;
        this.d.log(`execution ${row.arn} crashed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
        result = { status: 'FAILED', error: 'States.Runtime', cause: err instanceof Error ? err.message : String(err) };
      } finally {
        stopTimer();
      }
      if (result.status === 'ABORTED' || this.closed) return; // StopExecution recorded it (or we are shutting down)
      const terminal = terminalEvent(result);
      const stopDate = this.d.clock.now();
      journal.emit(terminal.type, lastPrev(journal), terminal.key, terminal.details);
      await journal.commitWith(() => {
        const cur = this.d.repo.execution(row.arn);
        if (cur?.status !== 'RUNNING') return;
        this.d.repo.finishExecution(row.arn, result.status, result.status === 'SUCCEEDED' ? JSON.stringify(result.output) : null,
          'error' in result ? result.error || null : null, 'cause' in result ? result.cause ?? null : null, stopDate);
      });
      this.notifyFinished(row.arn);
    })().catch((err) => {
      if (!this.closed) this.d.log(`execution ${row.arn}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    }).finally(() => {
      // A redrive may already have registered the next run of this execution: remove only our own entry.
      if (this.running.get(row.arn) === entry) this.running.delete(row.arn);
    });
    const entry: Running = { ac, journal, done };
    this.running.set(row.arn, entry);
  }

  private armTimeout(parsed: StateMachine, fromMs: number, ac: AbortController): () => void {
    if (parsed.TimeoutSeconds === undefined) return () => undefined;
    const ctl = new AbortController();
    this.d.clock.sleep(fromMs + parsed.TimeoutSeconds * 1000 - this.d.clock.now(), ctl.signal)
      .then(() => ac.abort('timeout'), () => undefined);
    return () => ctl.abort('done');
  }

  /** Resumes every Standard execution that was running when Nimbus stopped. */
  resumeAll(): number {
    const rows = this.d.repo.runningExecutions();
    for (const row of rows) {
      let parsed: StateMachine;
      try {
        parsed = this.d.machines.parse(row.definition);
      } catch (err) {
        this.d.log(`cannot resume ${row.arn}: ${String(err)}`);
        continue;
      }
      const machine = this.d.repo.machine(row.machine_arn);
      const logging = machine?.logging ? (JSON.parse(machine.logging) as LoggingConfiguration) : {};
      this.launch(row, parsed, logging, true);
    }
    return rows.length;
  }

  private async runExpress(
    arn: string, name: string, machine: ResolvedMachine, input: Json, inputText: string, startDate: number,
    variables?: JsonObject, detailed = false, keepResult = false, sync = false,
  ): Promise<{ result: ExecutionResult; stopDate: number; journal: MemoryJournal }> {
    const logger = this.logger(arn, machine.machineArn, machine.logging);
    const journal = new MemoryJournal(() => this.d.clock.now(), logger, detailed);
    journal.emit('ExecutionStarted', 0, 'executionStartedEventDetails', {
      input: inputText, inputDetails: { truncated: false }, roleArn: machine.roleArn,
    });
    const info: ExecutionInfo = {
      arn, name, machineArn: machine.versionArn ?? machine.machineArn, machineName: machine.name, roleArn: machine.roleArn, input,
      startMs: startDate, redriveCount: sync ? undefined : 0, region: parseArn(machine.machineArn).region, accountId: parseArn(machine.machineArn).accountId,
      type: 'EXPRESS',
    };
    const ac = new AbortController();
    const stopTimer = this.armTimeout(machine.parsed, startDate, ac);
    const running: Running = { ac, journal, done: Promise.resolve() };
    this.running.set(arn, running);
    let result: ExecutionResult;
    try {
      result = await new Interpreter(info, machine.parsed, journal, this.host, ac.signal, variables).run();
    } catch (err) {
      result = { status: 'FAILED', error: 'States.Runtime', cause: err instanceof Error ? err.message : String(err) };
    } finally {
      stopTimer();
      this.running.delete(arn);
    }
    if (journal.detailed) {
      const terminal = terminalEvent(result);
      journal.emit(terminal.type, journal.eventCount, terminal.key, terminal.details);
    }
    const stopDate = this.d.clock.now();
    const waiters = this.finishedWaiters.get(arn);
    // Express results are kept only for a parent's `.sync` (Express executions are not stored).
    if (!keepResult && !waiters) return { result, stopDate, journal };
    const described: JsonObject = {
      ExecutionArn: arn, StateMachineArn: machine.machineArn, Name: name, Status: result.status, StartDate: startDate,
      StopDate: stopDate, Input: inputText,
      ...(result.status === 'SUCCEEDED' ? { Output: JSON.stringify(result.output) } : {}),
      ...('error' in result && result.error ? { Error: result.error } : {}),
      ...('cause' in result && result.cause !== undefined ? { Cause: result.cause } : {}),
    };
    this.expressResults.set(arn, described);
    if (this.expressResults.size > EXPRESS_RESULTS_KEPT) this.expressResults.delete(this.expressResults.keys().next().value!);
    for (const w of waiters ?? []) w(described);
    this.finishedWaiters.delete(arn);
    return { result, stopDate, journal };
  }

  /** StartSyncExecution: Express only; runs to the end and answers with the result. */
  async startSync(req: { stateMachineArn: string; name?: string; input?: string; traceHeader?: string }): Promise<Record<string, unknown>> {
    const machine = this.d.machines.resolve(req.stateMachineArn, Math.random);
    if (machine.type !== 'EXPRESS') {
      throw SfnErrors.StateMachineTypeNotSupported('This operation is not supported by this type of state machine');
    }
    const name = req.name ?? randomUUID();
    validateName(name);
    const inputText = req.input ?? '{}';
    const input = parseInput(inputText);
    const p = parseArn(machine.machineArn);
    const arn = expressExecutionArn(p.region, p.accountId, machine.name, name, randomUUID());
    const startDate = this.d.clock.now();
    const { result, stopDate } = await this.runExpress(arn, name, machine, input, inputText, startDate, undefined, false, false, true);
    return {
      executionArn: arn, stateMachineArn: req.stateMachineArn, name, startDate, stopDate,
      status: result.status === 'ABORTED' ? 'FAILED' : result.status,
      ...('error' in result && result.error ? { error: result.error } : {}),
      ...('cause' in result && result.cause !== undefined ? { cause: result.cause } : {}),
      input: inputText, inputDetails: { included: true },
      // AWS sends outputDetails on a failed sync execution too, without output (test_express_sync recordings).
      ...(result.status === 'SUCCEEDED' ? { output: JSON.stringify(result.output) } : {}),
      outputDetails: { included: true },
      ...(req.traceHeader ? { traceHeader: req.traceHeader } : {}),
      billingDetails: { billedMemoryUsedInMB: 64, billedDurationInMilliseconds: Math.max(100, Math.ceil((stopDate - startDate) / 100) * 100) },
    };
  }

  // ── stop / redrive ────────────────────────────────────────────────────────────────────────

  /**
   * The stored row of a Standard execution. Express executions are never stored; AWS answers InvalidArn
   * ("Resource type not valid in this context: express") for their ARNs in DescribeExecution,
   * GetExecutionHistory and StopExecution (recorded: test_sfn_api_express), which `kinds` lets callers ask for.
   */
  private row(arn: string, kinds: Array<'execution' | 'express'> = ['execution', 'express']): ExecutionRow {
    const p = expectArn(arn, ...kinds);
    const row = p.kind === 'execution' ? this.d.repo.execution(arn) : undefined;
    if (!row) throw SfnErrors.ExecutionDoesNotExist(`Execution Does Not Exist: '${arn}'`);
    return row;
  }

  /** StopExecution (API): Standard executions only, as on AWS (see `row`). */
  async stopExecution(arn: string, error?: string, cause?: string): Promise<{ stopDate: number }> {
    expectArn(arn, 'execution');
    return this.stopAny(arn, error, cause);
  }

  /** Stops a Standard or a running Express execution (a `.sync` parent stopping its child). */
  private async stopAny(arn: string, error?: string, cause?: string): Promise<{ stopDate: number }> {
    const p = expectArn(arn, 'execution', 'express');
    if (p.kind === 'express') {
      const r = this.running.get(arn);
      if (!r) throw SfnErrors.ExecutionDoesNotExist(`Execution Does Not Exist: '${arn}'`);
      r.ac.abort('stopped');
      return { stopDate: this.d.clock.now() };
    }
    const row = this.row(arn);
    if (row.status !== 'RUNNING') return { stopDate: row.stop_date ?? this.d.clock.now() };
    const stopDate = this.d.clock.now();
    const running = this.running.get(arn);
    const details = { ...(error !== undefined ? { error } : {}), ...(cause !== undefined ? { cause } : {}) };
    const apply = () => {
      const cur = this.d.repo.execution(arn);
      if (cur?.status !== 'RUNNING') return;
      this.d.repo.finishExecution(arn, 'ABORTED', null, error ?? null, cause ?? null, stopDate);
    };
    // StopExecution comes from outside the run, so no earlier event caused it: AWS records the
    // ExecutionAborted event with previousEventId 0.
    if (running && running.journal instanceof DurableJournal) {
      running.journal.emit('ExecutionAborted', 0, 'executionAbortedEventDetails', details);
      await running.journal.commitWith(apply);
      running.ac.abort('stopped');
    } else {
      await this.d.gc.write(() => {
        const id = this.d.repo.maxEventId(arn) + 1;
        this.d.repo.insertEvent(arn, id, 'ExecutionAborted', stopDate, 0, JSON.stringify({ executionAbortedEventDetails: details }));
        apply();
      });
    }
    this.notifyFinished(arn);
    return { stopDate };
  }

  /** `.sync` child stop and StopExecution of children share this. */
  async stop(arn: string, error?: string, cause?: string): Promise<void> {
    await this.stopAny(arn, error, cause);
  }

  async redrive(arn: string): Promise<{ redriveDate: number }> {
    const row = this.row(arn);
    const now = this.d.clock.now();
    if (row.type !== 'STANDARD') throw SfnErrors.ExecutionNotRedrivable(`Execution cannot be redriven: '${arn}' is an Express execution`);
    if (!['FAILED', 'TIMED_OUT', 'ABORTED'].includes(row.status)) {
      throw SfnErrors.ExecutionNotRedrivable(`Execution is ${row.status} and cannot be redriven`);
    }
    if (now - row.start_date > REDRIVE_WINDOW_MS) {
      throw SfnErrors.ExecutionNotRedrivable('Execution cannot be redriven: it ended more than 14 days ago');
    }
    if (row.redrive_count >= 1000) throw SfnErrors.ExecutionNotRedrivable('Execution has reached the maximum number of redrives (1000)');
    const parsed = this.d.machines.parse(row.definition);
    // The stopped or failed run may still be unwinding: let it finish before the next one starts.
    await this.running.get(arn)?.done;
    await this.d.gc.write(() => {
      this.d.repo.redriveExecution(arn, now);
      const id = this.d.repo.maxEventId(arn) + 1;
      this.d.repo.insertEvent(arn, id, 'ExecutionRedriven', now, id - 1,
        JSON.stringify({ executionRedrivenEventDetails: { redriveCount: row.redrive_count + 1 } }));
      // Unfinished steps start over (fresh retry counts, as AWS redrives the failed state).
      for (const s of this.d.repo.steps(arn)) if (!s.done) this.d.repo.deleteStep(arn, s.key);
      this.d.repo.putStep(arn, '$root', false, JSON.stringify({ prev: id }));
    });
    const fresh = this.d.repo.execution(arn)!;
    const machine = this.d.repo.machine(row.machine_arn);
    this.launch(fresh, parsed, machine?.logging ? (JSON.parse(machine.logging) as LoggingConfiguration) : {}, true);
    return { redriveDate: now };
  }

  // ── reads ─────────────────────────────────────────────────────────────────────────────────

  describe(arn: string): Record<string, unknown> {
    const r = this.row(arn, ['execution']);
    const redrivable = ['FAILED', 'TIMED_OUT', 'ABORTED'].includes(r.status);
    return {
      executionArn: r.arn, stateMachineArn: r.machine_arn, name: r.name, status: r.status, startDate: r.start_date,
      ...(r.stop_date !== null ? { stopDate: r.stop_date } : {}),
      input: r.input, inputDetails: { included: true },
      ...(r.output !== null ? { output: r.output, outputDetails: { included: true } } : {}),
      ...(r.error !== null ? { error: r.error } : {}),
      ...(r.cause !== null ? { cause: r.cause } : {}),
      ...(r.trace_header ? { traceHeader: r.trace_header } : {}),
      ...(r.version_arn ? { stateMachineVersionArn: r.version_arn } : {}),
      ...(r.alias_arn ? { stateMachineAliasArn: r.alias_arn } : {}),
      ...(r.map_run_arn ? { mapRunArn: r.map_run_arn } : {}),
      redriveCount: r.redrive_count,
      ...(r.redrive_date !== null ? { redriveDate: r.redrive_date } : {}),
      redriveStatus: redrivable ? 'REDRIVABLE' : 'NOT_REDRIVABLE',
      ...(!redrivable ? { redriveStatusReason: r.status === 'RUNNING' ? 'Execution is RUNNING and cannot be redriven' : `Execution is ${r.status} and cannot be redriven` } : {}),
    };
  }

  describeMachineFor(arn: string): Record<string, unknown> {
    const r = this.row(arn);
    const m = this.d.repo.machine(r.machine_arn);
    const v = r.version_arn ? this.d.repo.version(r.version_arn) : undefined;
    return {
      // The machine's own ARN even for an execution of a version (recorded by AWS).
      stateMachineArn: r.machine_arn, name: parseArn(r.machine_arn).parts[0], definition: r.definition,
      roleArn: r.role_arn, updateDate: m?.updated_at ?? m?.created_at ?? r.start_date,
      loggingConfiguration: m?.logging ? JSON.parse(m.logging) : { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: m?.tracing ? JSON.parse(m.tracing) : { enabled: false },
      encryptionConfiguration: { type: 'AWS_OWNED_KEY' }, // as DescribeStateMachine (customer keys are not modelled)
      ...(v ? revisionOf(v.revision_id) : m && m.definition === r.definition ? revisionOf(m.revision_id) : {}),
      ...(r.map_run_arn ? { mapRunArn: r.map_run_arn } : {}),
      ...referencesOf(r.definition),
    };
  }

  list(req: {
    stateMachineArn?: string; mapRunArn?: string; statusFilter?: string; maxResults?: number; nextToken?: string;
  }): Record<string, unknown> {
    if (!req.stateMachineArn && !req.mapRunArn) {
      throw SfnErrors.ValidationException('Must provide a StateMachine ARN or MapRun ARN');
    }
    const cursor = req.nextToken ? decodeToken<{ s: number; a: string }>(req.nextToken) : { s: Number.MAX_SAFE_INTEGER, a: '' };
    const limit = pageSize(req.maxResults);
    let rows: ExecutionRow[];
    if (req.stateMachineArn) {
      const p = expectArn(req.stateMachineArn, 'stateMachine');
      const base = p.parts.length === 1 ? req.stateMachineArn : req.stateMachineArn.slice(0, req.stateMachineArn.lastIndexOf(':'));
      const m = this.d.repo.machine(base);
      if (!m) throw SfnErrors.StateMachineDoesNotExist(`State Machine Does Not Exist: '${req.stateMachineArn}'`);
      if (m.type === 'EXPRESS') throw SfnErrors.StateMachineTypeNotSupported('This operation is not supported by this type of state machine');
      rows = this.d.repo.listExecutions(base, req.statusFilter ?? null, p.parts.length === 1 ? null : req.stateMachineArn,
        { start: cursor.s, arn: cursor.a }, limit + 1);
    } else {
      expectArn(req.mapRunArn!, 'mapRun');
      rows = this.d.repo.listMapRunExecutions(req.mapRunArn!, req.statusFilter ?? null, { start: cursor.s, arn: cursor.a }, limit + 1);
    }
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      executions: page.map((r) => ({
        executionArn: r.arn, stateMachineArn: r.machine_arn, name: r.name, status: r.status, startDate: r.start_date,
        ...(r.stop_date !== null ? { stopDate: r.stop_date } : {}),
        ...(r.version_arn ? { stateMachineVersionArn: r.version_arn } : {}),
        ...(r.alias_arn ? { stateMachineAliasArn: r.alias_arn } : {}),
        ...(r.map_run_arn ? { mapRunArn: r.map_run_arn } : {}),
        redriveCount: r.redrive_count,
        ...(r.redrive_date !== null ? { redriveDate: r.redrive_date } : {}),
      })),
      ...(rows.length > limit && last ? { nextToken: encodeToken({ s: last.start_date, a: last.arn }) } : {}),
    };
  }

  history(req: { executionArn: string; maxResults?: number; reverseOrder?: boolean; nextToken?: string; includeExecutionData?: boolean }) {
    const r = this.row(req.executionArn, ['execution']);
    const reverse = req.reverseOrder === true;
    const limit = pageSize(req.maxResults);
    const from = req.nextToken ? decodeToken<{ i: number }>(req.nextToken).i : reverse ? Number.MAX_SAFE_INTEGER : 0;
    const rows = this.d.repo.events(r.arn, from, limit + 1, reverse);
    const page = rows.slice(0, limit);
    const include = req.includeExecutionData !== false;
    return {
      events: page.map((e) => {
        const out: Record<string, unknown> = { timestamp: e.timestamp, type: e.type, id: e.id, previousEventId: e.previous_id };
        if (e.details) {
          const parsed = JSON.parse(e.details) as Record<string, Record<string, unknown>>;
          for (const [k, v] of Object.entries(parsed)) out[k] = include ? v : stripData(v);
        }
        return out;
      }),
      ...(rows.length > limit ? { nextToken: encodeToken({ i: page[page.length - 1]!.id }) } : {}),
    };
  }

  /** `.sync` parents: resolves with DescribeExecution's fields (PascalCase, as the integration returns them). */
  waitFor(arn: string, signal: AbortSignal): Promise<JsonObject> {
    const p = parseArn(arn);
    const now = (): JsonObject | undefined => {
      if (p.kind === 'express') return this.expressResults.get(arn);
      const r = this.d.repo.execution(arn);
      if (!r || r.status === 'RUNNING') return undefined;
      return {
        ExecutionArn: r.arn, StateMachineArn: r.machine_arn, Name: r.name, Status: r.status, StartDate: r.start_date,
        StopDate: r.stop_date ?? 0, Input: r.input, InputDetails: { Included: true },
        ...(r.output !== null ? { Output: r.output, OutputDetails: { Included: true } } : {}),
        ...(r.error !== null ? { Error: r.error } : {}),
        ...(r.cause !== null ? { Cause: r.cause } : {}),
        RedriveCount: r.redrive_count,
      };
    };
    const ready = now();
    if (ready) return Promise.resolve(ready);
    return new Promise<JsonObject>((resolve, reject) => {
      const list = this.finishedWaiters.get(arn) ?? [];
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      list.push((d) => {
        signal.removeEventListener('abort', onAbort);
        resolve(now() ?? d);
      });
      this.finishedWaiters.set(arn, list);
    });
  }

  private notifyFinished(arn: string): void {
    const list = this.finishedWaiters.get(arn);
    if (!list) return;
    this.finishedWaiters.delete(arn);
    for (const w of list) w({});
  }

  // ── TestState ─────────────────────────────────────────────────────────────────────────────

  async testState(req: {
    definition: string; roleArn?: string; input?: string; variables?: string; accountId: string; region: string;
    inspectionLevel?: 'INFO' | 'DEBUG' | 'TRACE';
  }) {
    let stateDef: Record<string, unknown>;
    try {
      const v = JSON.parse(req.definition) as unknown;
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
      stateDef = v as Record<string, unknown>;
    } catch {
      throw SfnErrors.InvalidDefinition(`Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: ${req.definition.slice(0, 100)}'`);
    }
    // Wrap the state in a machine whose other states (its transition targets) simply succeed.
    const name = 'TestState';
    const targets = new Set<string>();
    const add = (t: unknown) => { if (typeof t === 'string' && t !== name) targets.add(t); };
    add(stateDef.Next);
    add(stateDef.Default);
    for (const c of (Array.isArray(stateDef.Choices) ? stateDef.Choices : []) as Array<Record<string, unknown>>) add(c.Next);
    for (const c of (Array.isArray(stateDef.Catch) ? stateDef.Catch : []) as Array<Record<string, unknown>>) add(c.Next);
    const states: Record<string, unknown> = { [name]: { ...stateDef, Retry: undefined } };
    for (const t of targets) states[t] = { Type: 'Succeed' };
    const text = JSON.stringify({ StartAt: name, States: states, ...(stateDef.QueryLanguage ? { QueryLanguage: stateDef.QueryLanguage } : {}) });
    const parsed = parseDefinition(text);
    const original = Array.isArray(stateDef.Retry) ? parseDefinition(JSON.stringify({ StartAt: name, States: { [name]: stateDef, ...Object.fromEntries([...targets].map((t) => [t, { Type: 'Succeed' }])) } })) : undefined;
    const inputText = req.input ?? '{}';
    const input = parseInput(inputText);
    let variables: JsonObject | undefined;
    if (req.variables !== undefined) {
      try {
        variables = JSON.parse(req.variables) as JsonObject;
      } catch {
        throw SfnErrors.ValidationException('Variables must be a JSON object');
      }
    }
    const machine: ResolvedMachine = {
      machineArn: `arn:aws:states:${req.region}:${req.accountId}:stateMachine:TestStateMachine`, name: 'TestStateMachine',
      type: 'EXPRESS', definition: text, roleArn: req.roleArn ?? '', logging: {}, parsed,
    };
    const arn = expressExecutionArn(req.region, req.accountId, 'TestStateMachine', randomUUID(), randomUUID());
    const { result, journal } = await this.runExpress(arn, 'TestState', machine, input, inputText, this.d.clock.now(), variables, true);
    const first = journal.step('0');
    // inspectionData is only part of the answer at DEBUG and TRACE levels (INFO is the default).
    const out: Record<string, unknown> = req.inspectionLevel === 'DEBUG' || req.inspectionLevel === 'TRACE'
      ? { inspectionData: { input: inputText, ...(req.variables ? { variables: req.variables } : {}) } }
      : {};
    if (first?.done) {
      const next = first.data.next ?? undefined;
      out.output = JSON.stringify(first.data.output ?? null);
      const caught = journal.events.some((e) => /(TaskFailed|LambdaFunctionFailed|StateFailed|TimedOut)$/.test(e.type));
      out.status = caught ? 'CAUGHT_ERROR' : 'SUCCEEDED';
      if (next && next !== name) out.nextState = next;
      if (caught) {
        const failed = journal.events.find((e) => /(Failed|TimedOut)$/.test(e.type) && e.details && 'error' in e.details);
        if (failed?.details) {
          out.error = failed.details.error;
          if (failed.details.cause !== undefined) out.cause = failed.details.cause;
        }
      }
    } else if (result.status === 'FAILED' || result.status === 'TIMED_OUT') {
      out.status = 'FAILED';
      if (result.error) out.error = result.error;
      if (result.cause !== undefined) out.cause = result.cause;
      const st = original?.States.get(name);
      if (st && 'Retry' in st && result.error && findRetrier(st.Retry, result.error) >= 0) out.status = 'RETRIABLE';
    } else {
      out.status = 'SUCCEEDED';
      if (result.status === 'SUCCEEDED') out.output = JSON.stringify(result.output);
    }
    return out;
  }

  // ── logging ───────────────────────────────────────────────────────────────────────────────

  private logger(arn: string, machineArn: string, logging: LoggingConfiguration, redriveCount = 0): ((e: HistoryEvent) => void) | undefined {
    const target = { executionArn: arn, machineArn, machineName: parseArn(machineArn).parts[0]!, redriveCount };
    return this.logs.writer(target, logging);
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.running.values()];
    for (const r of all) r.ac.abort(new Error('shutdown'));
    await Promise.allSettled(all.map((r) => r.done));
  }
}

function parseInput(text: string): Json {
  if (Buffer.byteLength(text) > MAX_INPUT_BYTES) {
    throw SfnErrors.ValidationException(
      `1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to ${MAX_INPUT_BYTES}`);
  }
  // No value at all is AWS's own complaint; a malformed value gets Jackson's wording, no location.
  if (text.trim() === '') throw SfnErrors.InvalidExecutionInput(`Invalid State Machine Execution Input: 'Invalid execution input.'`);
  try {
    return JSON.parse(text) as Json;
  } catch (err) {
    const reason = findJsonFault(text)?.message ?? (err instanceof Error ? err.message : 'not JSON');
    throw SfnErrors.InvalidExecutionInput(`Invalid State Machine Execution Input: '${reason}'`);
  }
}

function terminalEvent(result: ExecutionResult): { type: string; key: string; details: Record<string, unknown> } {
  switch (result.status) {
    case 'SUCCEEDED':
      return { type: 'ExecutionSucceeded', key: 'executionSucceededEventDetails', details: { output: JSON.stringify(result.output), outputDetails: { truncated: false } } };
    case 'FAILED':
      return { type: 'ExecutionFailed', key: 'executionFailedEventDetails', details: errDetails(result.error, result.cause) };
    case 'TIMED_OUT':
      return { type: 'ExecutionTimedOut', key: 'executionTimedOutEventDetails', details: errDetails(result.error, result.cause) };
    case 'ABORTED':
      return { type: 'ExecutionAborted', key: 'executionAbortedEventDetails', details: {} };
  }
}

function errDetails(error: string | undefined, cause: string | undefined): Record<string, unknown> {
  return { ...(error ? { error } : {}), ...(cause !== undefined ? { cause } : {}) };
}

function lastPrev(journal: Journal): number {
  return journal.eventCount;
}

/** includeExecutionData=false: the events keep their shape without input/output payloads. */
function stripData(details: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(details)) {
    if (k === 'input' || k === 'output' || k === 'parameters') continue;
    out[k] = v;
  }
  return out;
}

