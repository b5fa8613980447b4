// The interpreter: runs a parsed state machine for one execution, state by state, recording AWS's
// history events and a checkpoint per step in the journal. All data handling (paths, templates,
// JSONata, Choice rules, Retry/Catch matching) is the ASL library's; this module owns control flow,
// concurrency (Parallel branches, Map iterations), time (Wait, retries, timeouts, heartbeats),
// task invocation and durability.
//
// Durability by replay: every step has a deterministic key (`<scope path><sequence number>`;
// Parallel branches and Map iterations get their own scope paths, per attempt). A step whose
// checkpoint is `done` is skipped on replay and its recorded result applied, so a state whose
// completion was recorded never runs again; a `started` checkpoint resumes a Wait at its recorded
// deadline, a retry at its recorded backoff, a task with its recorded token. A task in flight at a
// crash is invoked again (at-least-once, as AWS documents for tasks).
import {
  StatesError, StatesErrors, statePrefix, TaskTimeoutError, CallbackFailure, VariableScope, errorOutputOf, matchName, buildContext, catchResult, checkPayloadSize,
  findCatcher, findRetrier, mapInput, mapItemInput, mapTolerance, parallelInput, retryDelay, runChoice, runFail, runPass,
  runSucceed, runWait, stateResult, taskInput, taskResult, taskLimitName, MAX_PAYLOAD_BYTES,
  type EvalEnv, type Json, type JsonObject, type MapState, type ParallelState, type State, type StateGraph,
  type StateMachine, type StateOutcome, type TaskState, type Catcher, type Retrier,
} from '../asl/index.js';
import type { Journal, StepData } from './journal.js';
import type { EngineHost, ExecutionInfo } from './types.js';
import { resolveIntegration, type Integration } from './integrations.js';
import { Cancel, type CancelSignal } from './cancel.js';

/** AWS's cap on history events per execution. */
export const MAX_HISTORY_EVENTS = 25_000;
/** Inline Map and Parallel run at most this many children at once (AWS: 40 for inline Map). */
const INLINE_CONCURRENCY = 40;

export type ExecutionResult =
  | { status: 'SUCCEEDED'; output: Json }
  | { status: 'FAILED' | 'TIMED_OUT'; error?: string; cause?: string }
  | { status: 'ABORTED' };

/** Thrown into a branch that must stop because a sibling failed (never reaches the history). */
class BranchCancelled extends Error {
  constructor() {
    super('branch cancelled');
  }
}

/** Where a sequence of states runs: its key prefix, variables, event thread, and cancellation. */
interface Scope {
  readonly path: string;
  seq: number;
  readonly vars: VariableScope;
  /** Id of the last event of this thread (previousEventId of the next one). */
  prev: number;
  readonly signal: CancelSignal;
  /** Distributed Map children record checkpoints but no events in the parent's history. */
  readonly silent: boolean;
  /** The current state's Entered event and the event before it (see evaluationFailed). */
  entered?: { id: number; prev: number };
  /**
   * Type of the Task/Wait/Map/Parallel state this thread entered and has not exited. When a branch
   * or iteration ends in failure or is cancelled, AWS records `<Type>StateAborted` for it (recorded:
   * TaskFailed → TaskStateAborted → ParallelStateFailed in test_callback's SQS_PARALLEL case;
   * MapIteration{Failed,Aborted} → TaskStateAborted per iteration in test_service_lambda_map_timeout).
   */
  active?: string;
}

interface Done extends StepData {
  next: string | null;
  output: Json;
  prev: number;
}

const str = (v: Json): string => JSON.stringify(v);

/**
 * Children of a Map or Parallel whose own failure comes within this long of the first one's record
 * it, instead of being aborted (see runChildren). Real time: the gap comes from a busy event loop.
 */
const SIMULTANEOUS_FAILURE_MS = 25;

/**
 * ISO timestamps for the context object, on every state: Date#toISOString is costly, so the
 * `YYYY-MM-DDTHH:MM:SS.` prefix is cached per second and only the milliseconds are appended.
 */
let isoSecond = NaN;
let isoPrefix = '';
const iso = (ms: number): string => {
  const second = Math.floor(ms / 1000);
  if (second !== isoSecond) {
    isoSecond = second;
    isoPrefix = new Date(second * 1000).toISOString().slice(0, 20);
  }
  const frac = ms - second * 1000;
  return `${isoPrefix}${frac < 10 ? '00' : frac < 100 ? '0' : ''}${frac}Z`;
};

export class Interpreter {
  private readonly integrations = new Map<string, Integration>();
  private readonly reported = new WeakSet<StatesError>();
  /** Errors a Map/Parallel rethrows from one of its branches or iterations (see handleError). */
  private readonly fromChild = new WeakSet<StatesError>();

  constructor(
    private readonly exec: ExecutionInfo,
    private readonly machine: StateMachine,
    private readonly journal: Journal,
    private readonly host: EngineHost,
    private readonly signal: AbortSignal,
    /** Initial variables (TestState's `variables`). */
    private readonly variables?: JsonObject,
  ) {}

  /** Runs (or resumes) the execution to its end. The caller records the terminal event. */
  async run(): Promise<ExecutionResult> {
    const root: Scope = {
      path: '', seq: 0, vars: new VariableScope(undefined, this.variables), prev: this.rootPrev(), signal: this.signal, silent: false,
    };
    try {
      const output = await this.runGraph(this.machine, this.exec.input, root);
      return { status: 'SUCCEEDED', output };
    } catch (err) {
      if (this.signal.aborted) return this.signal.reason === 'timeout'
        ? { status: 'TIMED_OUT' } // AWS reports an execution timeout without error or cause
        : { status: 'ABORTED' };
      if (err instanceof StatesError) return { status: 'FAILED', error: err.error, cause: err.cause };
      throw err;
    }
  }

  /**
   * previousEventId for the first state: 0 on a fresh start (AWS's histories show the first
   * StateEntered with previousEventId 0, not ExecutionStarted's id), the redrive event after a redrive.
   */
  private rootPrev(): number {
    return this.journal.step('$root')?.data.prev ?? 0;
  }

  // ── graphs ──────────────────────────────────────────────────────────────────────────────

  private async runGraph(graph: StateGraph, input: Json, sc: Scope): Promise<Json> {
    let name = graph.StartAt;
    let current = input;
    for (;;) {
      if (sc.signal.aborted) throw sc.signal.reason instanceof Error ? sc.signal.reason : new BranchCancelled();
      const state = graph.States.get(name);
      if (!state) throw new StatesError(StatesErrors.Runtime, `State '${name}' does not exist.`);
      const key = sc.path + sc.seq++;
      const rec = this.journal.step(key);
      let done: Done;
      if (rec?.done) {
        done = rec.data as Done;
      } else {
        if (this.journal.eventCount >= MAX_HISTORY_EVENTS) {
          throw new StatesError(StatesErrors.Runtime,
            `The execution reached the maximum number of history events (${MAX_HISTORY_EVENTS}).`);
        }
        // Simple states enter and exit at once; the others stay active until they exit.
        const lasting = state.Type === 'Task' || state.Type === 'Wait' || state.Type === 'Map' || state.Type === 'Parallel';
        if (lasting) sc.active = state.Type;
        done = await this.runState(state, current, sc, key, rec?.data);
        if (lasting) sc.active = undefined;
      }
      sc.vars.assign(done.assigned);
      sc.prev = done.prev;
      if (done.next === null) return done.output;
      name = done.next;
      current = done.output;
    }
  }

  /** `retryCount` only for states that can retry (Task, Parallel, Map): AWS's `$$.State` has no RetryCount otherwise. */
  private env(state: State, entered: number, enteredTime: string, sc: Scope, retryCount?: number, token?: string): EvalEnv {
    const e = this.exec;
    return {
      stateName: state.name,
      enteredEventId: entered,
      context: buildContext({
        execution: {
          id: e.arn, name: e.name, input: e.input, roleArn: e.roleArn, startTime: iso(e.startMs),
          redriveCount: e.redriveCount, withoutRedriveCount: e.redriveCount === undefined,
        },
        stateMachine: { id: e.machineArn, name: e.machineName },
        state: { name: state.name, enteredTime, retryCount },
        task: token === undefined ? undefined : { token },
      }),
      variables: sc.vars,
      randomness: this.host.randomness,
    };
  }

  private emit(sc: Scope, type: string, detailsKey?: string, details?: Record<string, unknown>): number {
    if (sc.silent) return sc.prev;
    const id = this.journal.emit(type, sc.prev, detailsKey, details);
    sc.prev = id;
    return id;
  }

  private exited(sc: Scope, state: State, outcome: StateOutcome, outputText: string): void {
    if (sc.silent) return;
    if (!this.journal.detailed) {
      this.emit(sc, `${state.Type}StateExited`);
      return;
    }
    const details: Record<string, unknown> = { name: state.name, output: outputText, outputDetails: { truncated: false } };
    if (outcome.assigned && Object.keys(outcome.assigned).length > 0) {
      details.assignedVariables = Object.fromEntries(Object.entries(outcome.assigned).map(([k, v]) => [k, str(v)]));
      details.assignedVariablesDetails = { truncated: false };
    }
    this.emit(sc, `${state.Type}StateExited`, 'stateExitedEventDetails', details);
  }

  /** Records the step as done (with the events so far) and waits until it is durable. */
  private async finishStep(sc: Scope, key: string, state: State, outcome: StateOutcome, next: string | null, extra?: StepData): Promise<Done> {
    // One serialization serves the 256 KB check and the history event.
    const text = str(outcome.output);
    if (text.length * 3 > MAX_PAYLOAD_BYTES && Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) {
      checkPayloadSize(outcome.output, 'output', state.name);
    }
    this.exited(sc, state, outcome, text);
    const done: Done = { next, output: outcome.output, prev: sc.prev, ...(outcome.assigned ? { assigned: outcome.assigned } : {}), ...extra };
    this.journal.putStep(key, true, done);
    const pending = this.journal.commit();
    if (pending) await pending; // memory journals return nothing: no extra tick
    return done;
  }

  /** A failure nobody caught: record QueryEvaluationError as AWS does, persist, rethrow. */
  private async fail(sc: Scope, state: State, err: unknown): Promise<never> {
    this.evaluationFailed(sc, state, err);
    const pending = this.journal.commit();
    if (pending) await pending; // memory journals return nothing: no extra tick
    throw err;
  }

  /** AWS records an EvaluationFailed event for query evaluation errors (once per error). */
  private evaluationFailed(sc: Scope, state: State, err: unknown): void {
    if (!(err instanceof StatesError) || err.error !== StatesErrors.QueryEvaluationError || this.reported.has(err)) return;
    this.reported.add(err);
    const details: Record<string, unknown> = { error: err.error, cause: err.cause, state: state.name };
    const location = (err as StatesError & { location?: string }).location;
    if (location) details.location = location;
    // When the state's input processing fails right after it was entered, AWS chains EvaluationFailed
    // to the event before the Entered event (e.g. previousEventId 0 for the first state); a Wait
    // state's timestamp/seconds evaluation chains to its Entered event.
    if (state.Type !== 'Wait' && !sc.silent && sc.entered?.id === sc.prev) sc.prev = sc.entered.prev;
    this.emit(sc, 'EvaluationFailed', 'evaluationFailedEventDetails', details);
  }

  private entered(sc: Scope, state: State, input: Json, id?: number): number {
    if (sc.silent) return sc.prev;
    const entered = id ?? this.journal.reserve();
    if (this.journal.detailed) {
      const details = { name: state.name, input: str(input), inputDetails: { truncated: false } };
      this.journal.write(entered, `${state.Type}StateEntered`, sc.prev, 'stateEnteredEventDetails', details);
    } else {
      this.journal.write(entered, `${state.Type}StateEntered`, sc.prev);
    }
    sc.entered = { id: entered, prev: sc.prev };
    sc.prev = entered;
    return entered;
  }

  // ── states ──────────────────────────────────────────────────────────────────────────────

  private async runState(state: State, input: Json, sc: Scope, key: string, started: StepData | undefined): Promise<Done> {
    switch (state.Type) {
      case 'Pass':
      case 'Choice':
      case 'Succeed':
      case 'Fail':
        return this.runSimple(state, input, sc, key);
      case 'Wait':
        return this.runWaitState(state, input, sc, key, started);
      case 'Task':
      case 'Parallel':
      case 'Map':
        return this.runWithRetry(state, input, sc, key, started);
    }
  }

  /** Pass, Choice, Succeed, Fail: no waiting, so entry and exit are recorded together. */
  private async runSimple(state: State, input: Json, sc: Scope, key: string): Promise<Done> {
    const enteredTime = iso(this.host.clock.now());
    // The id is taken now (error causes name it) but the event is written with the exit, so a
    // concurrent branch's commit never makes an entry durable whose state will run again.
    const enteredId = sc.silent ? sc.prev : this.journal.reserve();
    let written = false;
    const enter = () => {
      if (written) return;
      written = true;
      this.entered(sc, state, input, enteredId);
    };
    const env = this.env(state, enteredId, enteredTime, sc);
    try {
      let o: StateOutcome;
      let next: string | null;
      switch (state.Type) {
        case 'Pass':
          o = await runPass(state, input, env);
          next = state.End ? null : state.Next!;
          break;
        case 'Choice': {
          const c = await runChoice(state, input, env);
          o = c;
          next = c.next;
          break;
        }
        case 'Succeed':
          o = await runSucceed(state, input, env);
          next = null;
          break;
        case 'Fail': {
          const f = await runFail(state, input, env);
          throw new StatesError(f.error ?? '', f.cause);
        }
        default:
          throw new Error('unreachable');
      }
      enter();
      return await this.finishStep(sc, key, state, o, next);
    } catch (err) {
      enter();
      return this.fail(sc, state, err);
    }
  }

  private async runWaitState(state: State & { Type: 'Wait' }, input: Json, sc: Scope, key: string, started: StepData | undefined): Promise<Done> {
    let data = started;
    if (data?.untilMs === undefined) {
      const now = this.host.clock.now();
      const enteredTime = iso(now);
      const enteredId = this.entered(sc, state, input);
      const env = this.env(state, enteredId, enteredTime, sc);
      let o;
      try {
        o = await runWait(state, input, env, now);
      } catch (err) {
        return this.fail(sc, state, err);
      }
      data = {
        entered: enteredId, enteredTime, untilMs: o.untilMs, pendingOutput: o.output, prev: sc.prev,
        ...(o.assigned ? { pendingAssigned: o.assigned } : {}),
      };
      // The deadline is durable before we sleep: this row is the Wait's timer.
      this.journal.putStep(key, false, data);
      const pending = this.journal.commit();
      if (pending) await pending; // memory journals return nothing: no extra tick
    } else {
      sc.prev = data.prev ?? sc.prev;
    }
    await this.host.clock.sleep(data.untilMs! - this.host.clock.now(), sc.signal);
    const outcome: StateOutcome = { output: data.pendingOutput ?? null, ...(data.pendingAssigned ? { assigned: data.pendingAssigned } : {}) };
    return this.finishStep(sc, key, state, outcome, state.End ? null : state.Next!);
  }

  /** Task, Parallel and Map: attempts with Retry, then Catch. */
  private async runWithRetry(
    state: TaskState | ParallelState | MapState, input: Json, sc: Scope, key: string, started: StepData | undefined,
  ): Promise<Done> {
    let data: StepData;
    if (started?.entered !== undefined) {
      data = started;
      sc.prev = data.prev ?? sc.prev;
    } else {
      const enteredTime = iso(this.host.clock.now());
      const entered = this.entered(sc, state, input);
      data = { entered, enteredTime, retries: [], attempt: 0, prev: sc.prev };
      this.journal.putStep(key, false, data);
      const pending = this.journal.commit();
      if (pending) await pending; // memory journals return nothing: no extra tick
    }
    const enteredId = data.entered!;
    for (;;) {
      if (data.retryAtMs !== undefined) {
        await this.host.clock.sleep(data.retryAtMs - this.host.clock.now(), sc.signal);
        data = { ...data, retryAtMs: undefined };
      }
      const attempt = data.attempt ?? 0;
      const retryCount = attempt;
      let env = this.env(state, enteredId, data.enteredTime!, sc, retryCount, data.token);
      try {
        let outcome: StateOutcome;
        if (state.Type === 'Task') {
          const result = await this.runTask(state, input, sc, key, data, env, (d) => { data = d; env = this.env(state, enteredId, data.enteredTime!, sc, retryCount, data.token); return env; });
          outcome = await taskResult(state, input, result, env);
        } else if (state.Type === 'Parallel') {
          const result = await this.runParallel(state, input, sc, `${key}.${attempt}`, env);
          outcome = await stateResult(state, input, result, env);
        } else {
          const result = await this.runMap(state, input, sc, `${key}.${attempt}`, env);
          outcome = await stateResult(state, input, result, env);
        }
        return await this.finishStep(sc, key, state, outcome, state.End ? null : state.Next!);
      } catch (err) {
        if (!(err instanceof StatesError) || sc.signal.aborted) throw err;
        const handled = await this.handleError(state, input, sc, key, data, env, err);
        if (handled.retry) {
          data = handled.data;
          continue;
        }
        return handled.done;
      }
    }
  }

  private async handleError(
    state: TaskState | ParallelState | MapState, input: Json, sc: Scope, key: string, data: StepData, env: EvalEnv, err: StatesError,
  ): Promise<{ retry: true; data: StepData } | { retry: false; done: Done }> {
    const retriers: readonly Retrier[] = state.Retry;
    const r = findRetrier(retriers, matchName(err));
    if (r >= 0) {
      const retries = [...(data.retries ?? [])];
      const count = retries[r] ?? 0;
      const retrier = retriers[r]!;
      if (count < retrier.MaxAttempts) {
        retries[r] = count + 1;
        const delay = retryDelay(retrier, count + 1, () => this.host.randomness.random());
        const next: StepData = {
          ...data, retries, attempt: (data.attempt ?? 0) + 1, retryAtMs: this.host.clock.now() + delay * 1000,
          token: undefined, scheduledAtMs: undefined, submitted: undefined, submittedOutput: undefined, prev: sc.prev,
        };
        this.journal.putStep(key, false, next);
        const pending = this.journal.commit();
        if (pending) await pending; // memory journals return nothing: no extra tick
        return { retry: true, data: next };
      }
    }
    // Map and Parallel record their failure once no retry follows (AWS's order). A States.Runtime
    // raised by the state itself (its …Path limits, paths, selectors) ends the execution at once:
    // AWS records no MapStateFailed/ParallelStateFailed for it. One coming up from a branch or
    // iteration keeps the event (no recording says otherwise).
    if (state.Type !== 'Task' && (err.catchable || this.fromChild.has(err))) this.emit(sc, `${state.Type}StateFailed`);
    const catchers: readonly Catcher[] = state.Catch;
    const catcher = findCatcher(catchers, matchName(err));
    if (catcher) {
      let outcome: StateOutcome;
      try {
        outcome = await catchResult(state, catcher, input, errorOutputOf(err), env);
      } catch (e) {
        return this.fail(sc, state, e);
      }
      return { retry: false, done: await this.finishStep(sc, key, state, outcome, catcher.Next) };
    }
    return this.fail(sc, state, err);
  }

  // ── Task ────────────────────────────────────────────────────────────────────────────────

  private integration(resource: string): Integration {
    let i = this.integrations.get(resource);
    if (!i) {
      i = resolveIntegration(resource);
      this.integrations.set(resource, i);
    }
    return i;
  }

  private async runTask(
    state: TaskState, input: Json, sc: Scope, key: string, data: StepData, env: EvalEnv, update: (d: StepData) => EvalEnv,
  ): Promise<Json> {
    const integ = this.integration(state.Resource);
    const callback = integ.pattern === 'waitForTaskToken';
    let d = data;
    const resumed = d.scheduledAtMs !== undefined;
    if (callback && !d.token) {
      d = { ...d, token: this.host.tokens.newToken() };
      env = update(d);
    }
    const inv = await taskInput(state, input, env);
    const timeoutSeconds = inv.timeoutSeconds;
    const heartbeatSeconds = inv.heartbeatSeconds;
    const base = integ.family === 'Task' ? { resourceType: integ.resourceType, resource: integ.resource } : {};
    // AWS fails the execution without an ActivityScheduled event when the activity is gone
    // (recorded: activities/test_activities::test_activity_task_on_deleted).
    if (!resumed && integ.family === 'Activity' && this.host.tokens.activityExists?.(integ.resource) === false) {
      throw new StatesError(StatesErrors.Runtime,
        `${statePrefix(env.stateName, env.enteredEventId)}The activity ${integ.resource} does not exist.`);
    }
    if (!resumed) {
      d = { ...d, scheduledAtMs: this.host.clock.now(), prev: sc.prev };
      if (integ.family === 'LambdaFunction') {
        this.emit(sc, 'LambdaFunctionScheduled', 'lambdaFunctionScheduledEventDetails', {
          resource: integ.resource, input: str(inv.payload), inputDetails: { truncated: false },
          ...(timeoutSeconds !== undefined ? { timeoutInSeconds: timeoutSeconds } : {}),
        });
      } else if (integ.family === 'Activity') {
        this.emit(sc, 'ActivityScheduled', 'activityScheduledEventDetails', {
          resource: integ.resource, input: str(inv.payload), inputDetails: { truncated: false },
          ...(timeoutSeconds !== undefined ? { timeoutInSeconds: timeoutSeconds } : {}),
          ...(heartbeatSeconds !== undefined ? { heartbeatInSeconds: heartbeatSeconds } : {}),
        });
      } else {
        this.emit(sc, 'TaskScheduled', 'taskScheduledEventDetails', {
          ...base, region: this.exec.region, parameters: str(inv.payload),
          ...(timeoutSeconds !== undefined ? { timeoutInSeconds: timeoutSeconds } : {}),
          ...(heartbeatSeconds !== undefined ? { heartbeatInSeconds: heartbeatSeconds } : {}),
        });
      }
      d = { ...d, prev: sc.prev };
      this.journal.putStep(key, false, d);
      const pending = this.journal.commit();
      if (pending) await pending; // memory journals return nothing: no extra tick
    } else {
      sc.prev = d.prev ?? sc.prev;
    }
    // The token becomes visible (activities: to GetActivityTask) only once the step that holds it is
    // durable; registering is idempotent, so a restart registers again in case the crash fell between.
    if (d.token) {
      await this.host.tokens.register(d.token, this.exec.arn, key, integ.activityArn, integ.activityArn ? str(inv.payload) : undefined);
    }
    update(d);

    // The attempt runs under its own signal so a timeout can stop it.
    const ac = new AbortController();
    const onParent = () => ac.abort(sc.signal.reason);
    sc.signal.addEventListener('abort', onParent, { once: true });
    if (sc.signal.aborted) ac.abort(sc.signal.reason);
    // Stopping must not wait for work that cannot be interrupted (a Lambda call in flight).
    const stopped = new Promise<never>((_, reject) => {
      if (ac.signal.aborted) reject(ac.signal.reason);
      else ac.signal.addEventListener('abort', () => reject(ac.signal.reason), { once: true });
    });
    stopped.catch(() => undefined);
    const timeoutMs = timeoutSeconds !== undefined ? d.scheduledAtMs! + timeoutSeconds * 1000 - this.host.clock.now() : undefined;
    let timer: Promise<never> | undefined;
    if (timeoutMs !== undefined) {
      timer = this.host.clock.sleep(timeoutMs, ac.signal).then(() => {
        throw new TaskTimeoutError(false);
      });
      timer.catch(() => undefined);
    }
    const call = { payload: inv.payload, exec: this.exec, token: d.token, signal: ac.signal, host: this.host };
    try {
      const work = (async (): Promise<Json> => {
        // After a restart, a callback or job already submitted (or an activity already picked up) is
        // awaited again, not submitted a second time.
        if (integ.family === 'Activity') {
          if (!d.submitted) {
            const worker = await this.host.tokens.started(d.token!, ac.signal);
            this.emit(sc, 'ActivityStarted', 'activityStartedEventDetails', worker ? { workerName: worker } : {});
            d = { ...d, submitted: true, prev: sc.prev };
            this.journal.putStep(key, false, d);
            const pending = this.journal.commit();
            if (pending) await pending; // memory journals return nothing: no extra tick
          }
          return this.awaitToken(d.token!, heartbeatSeconds, ac.signal);
        }
        let submitted: Json;
        if (d.submitted) {
          submitted = d.submittedOutput ?? null;
        } else {
          if (integ.family === 'LambdaFunction') this.emit(sc, 'LambdaFunctionStarted');
          else this.emit(sc, 'TaskStarted', 'taskStartedEventDetails', { ...base });
          const started = this.journal.commit();
          if (started) await started;
          submitted = await integ.invoke(call);
          if (integ.pattern === 'request') return submitted;
          this.emit(sc, 'TaskSubmitted', 'taskSubmittedEventDetails', { ...base, output: str(submitted), outputDetails: { truncated: false } });
          d = { ...d, submitted: true, submittedOutput: submitted, prev: sc.prev };
          this.journal.putStep(key, false, d);
          const recorded = this.journal.commit();
          if (recorded) await recorded;
        }
        if (callback) return this.awaitToken(d.token!, heartbeatSeconds, ac.signal);
        return integ.complete!(call, submitted);
      })();
      work.catch(() => undefined);
      const result = await Promise.race(timer ? [work, timer, stopped] : [work, stopped]);
      checkPayloadSize(result, 'result', taskLimitName(state.Resource));
      if (integ.family === 'LambdaFunction') {
        this.emit(sc, 'LambdaFunctionSucceeded', 'lambdaFunctionSucceededEventDetails', { output: str(result), outputDetails: { truncated: false } });
      } else if (integ.family === 'Activity') {
        this.emit(sc, 'ActivitySucceeded', 'activitySucceededEventDetails', { output: str(result), outputDetails: { truncated: false } });
      } else {
        this.emit(sc, 'TaskSucceeded', 'taskSucceededEventDetails', { ...base, output: str(result), outputDetails: { truncated: false } });
      }
      return result;
    } catch (err) {
      if (!(err instanceof StatesError) || sc.signal.aborted) throw err;
      const timedOut = err instanceof TaskTimeoutError;
      // An error without a name (SendTaskFailure without `error`) is left out, as AWS does.
      const details: Record<string, unknown> = {
        ...base, ...(err.error !== '' ? { error: err.error } : {}), ...(err.cause !== undefined ? { cause: err.cause } : {}),
      };
      const kind = timedOut ? 'TimedOut' : 'Failed';
      const detailsKey = `${integ.family[0]!.toLowerCase()}${integ.family.slice(1)}${kind}EventDetails`;
      this.emit(sc, `${integ.family}${kind}`, detailsKey, details);
      throw err;
    } finally {
      ac.abort('done');
      sc.signal.removeEventListener('abort', onParent);
      if (d.token) this.host.tokens.close(d.token);
    }
  }

  private async awaitToken(token: string, heartbeatSeconds: number | undefined, signal: AbortSignal): Promise<Json> {
    const outcome = await this.host.tokens.wait(token, heartbeatSeconds, signal);
    if (outcome.ok) return outcome.output;
    throw new CallbackFailure(outcome.error, outcome.cause);
  }

  // ── Parallel ────────────────────────────────────────────────────────────────────────────

  private async runParallel(state: ParallelState, input: Json, sc: Scope, path: string, env: EvalEnv): Promise<Json> {
    const branchInput = await parallelInput(state, input, env);
    this.once(sc, `${path}:started`, () => this.emit(sc, 'ParallelStateStarted'));
    const results = await this.runChildren(state.Branches.length, INLINE_CONCURRENCY, sc, path, 'b', (i, child) =>
      this.runGraph(state.Branches[i]!, branchInput, child));
    if (!results.ok) throw results.error;
    return results.values;
  }

  /**
   * Runs `count` children with at most `limit` at once. The first failure cancels the others and is
   * returned; `tolerate` decides whether a failure (given failures so far) is tolerated instead.
   */
  private async runChildren(
    count: number, limit: number, sc: Scope, path: string, tag: string,
    body: (i: number, child: Scope) => Promise<Json>,
    hooks: {
      started?: (i: number, child: Scope) => void;
      succeeded?: (i: number, child: Scope) => void;
      failed?: (i: number, child: Scope, err: StatesError) => boolean;
      aborted?: (i: number, child: Scope) => void;
      silent?: boolean;
      vars?: () => VariableScope;
    } = {},
  ): Promise<{ ok: true; values: Json[] } | { ok: false; error: StatesError }> {
    const values: Json[] = new Array<Json>(count).fill(null);
    const cancel = new Cancel();
    const onParent = () => cancel.abort(sc.signal.reason);
    sc.signal.addEventListener('abort', onParent, { once: true });
    if (sc.signal.aborted) cancel.abort(sc.signal.reason);
    let firstError: StatesError | undefined;
    let nextIndex = 0;
    const lastPrev: number[] = [];
    const worker = async (): Promise<void> => {
      // Each worker is one thread of events: AWS chains a worker's next child from the last event
      // inside its previous child (not from that child's Succeeded event), e.g. MapIterationStarted
      // of item 1 points at item 0's last state event.
      let threadPrev = sc.prev;
      while (nextIndex < count && !cancel.signal.aborted) {
        const i = nextIndex++;
        const child: Scope = {
          path: `${path}/${tag}${i}:`, seq: 0, vars: hooks.vars ? hooks.vars() : sc.vars.child(), prev: threadPrev,
          signal: cancel.signal, silent: sc.silent || hooks.silent === true,
        };
        hooks.started?.(i, child);
        try {
          values[i] = await body(i, child);
          threadPrev = child.prev;
          hooks.succeeded?.(i, child);
        } catch (err) {
          // A failure is acted on SIMULTANEOUS_FAILURE_MS later, so siblings failing at about the
          // same moment (tasks started together timing out together, a few ms apart on a busy
          // machine) record their own failure events first, as AWS does; then the first failure
          // fails the Map/Parallel and every other child is aborted, not failed
          // (test_service_lambda_map_timeout: four TaskTimedOut, one MapIterationFailed, three
          // MapIterationAborted).
          if (err instanceof StatesError) await new Promise<void>((r) => setTimeout(r, SIMULTANEOUS_FAILURE_MS));
          if (err instanceof BranchCancelled || (cancel.signal.aborted && !(err instanceof StatesError)) || (err instanceof StatesError && firstError)) {
            hooks.aborted?.(i, child);
            this.abortActive(child);
          } else if (err instanceof StatesError) {
            const tolerated = hooks.failed?.(i, child, err) ?? false;
            if (!tolerated) this.abortActive(child);
            if (!tolerated && !firstError) {
              firstError = err;
              this.fromChild.add(err);
              cancel.abort(new BranchCancelled());
            }
          } else {
            cancel.abort(err);
            throw err;
          }
        }
        lastPrev.push(child.prev);
      }
    };
    try {
      const n = Math.max(1, Math.min(limit <= 0 ? count : limit, count));
      await Promise.all(Array.from({ length: n }, worker));
    } finally {
      sc.signal.removeEventListener('abort', onParent);
    }
    if (sc.signal.aborted) throw sc.signal.reason instanceof Error ? sc.signal.reason : new BranchCancelled();
    if (lastPrev.length > 0) sc.prev = Math.max(sc.prev, ...lastPrev.filter((p) => p > 0));
    if (firstError) return { ok: false, error: firstError };
    return { ok: true, values };
  }

  // ── Map ─────────────────────────────────────────────────────────────────────────────────

  private async runMap(state: MapState, input: Json, sc: Scope, path: string, env: EvalEnv): Promise<Json> {
    const distributed = state.ItemProcessor.ProcessorConfig.Mode === 'DISTRIBUTED';
    let plan;
    try {
      plan = await mapInput(state, input, env);
    } catch (err) {
      this.evaluationFailed(sc, state, err);
      throw err;
    }
    const items = plan.items;
    this.once(sc, `${path}:started`, () => this.emit(sc, 'MapStateStarted', 'mapStateStartedEventDetails', { length: items.length }));
    try {
      plan = { ...plan, ...mapTolerance(state, input, env) };
    } catch (err) {
      this.evaluationFailed(sc, state, err);
      throw err;
    }

    let inputs: Json[];
    try {
      inputs = [];
      for (let i = 0; i < items.length; i++) inputs.push(await mapItemInput(state, input, items[i]!, i, env));
      inputs = batchItems(state, inputs);
    } catch (err) {
      this.evaluationFailed(sc, state, err);
      throw err;
    }

    const limit = plan.maxConcurrency > 0 ? plan.maxConcurrency : distributed ? 1000 : INLINE_CONCURRENCY;
    let failures = 0;
    const total = inputs.length;
    const tolerate = (): boolean => {
      if (!distributed) return false;
      const count = plan.toleratedFailureCount;
      const pct = plan.toleratedFailurePercentage;
      if (count === undefined && pct === undefined) return false;
      if (count !== undefined && failures <= count) return true;
      if (pct !== undefined && total > 0 && (failures / total) * 100 <= pct) return true;
      return false;
    };
    const failedOutputs = new Map<number, Json>();
    let mapRunArn: string | undefined;
    if (distributed) {
      const label = state.Label ?? state.name;
      mapRunArn = `arn:aws:states:${this.exec.region}:${this.exec.accountId}:mapRun:${this.exec.machineName}/${label}:${path.replace(/[^A-Za-z0-9]/g, '')}-${this.exec.name}`.slice(0, 2048);
      this.once(sc, `${path}:run`, () => this.emit(sc, 'MapRunStarted', 'mapRunStartedEventDetails', { mapRunArn }));
    }
    const results = await this.runChildren(total, limit, sc, path, 'i',
      (i, child) => this.runGraph(state.ItemProcessor, inputs[i]!, child),
      {
        silent: distributed,
        // A distributed Map's children are separate executions: they do not see the parent's variables.
        vars: distributed ? () => new VariableScope() : undefined,
        started: (i, child) => {
          if (!distributed) {
            this.once(child, `${child.path}started`, () =>
              this.emitChild(child, 'MapIterationStarted', 'mapIterationStartedEventDetails', { index: i, name: state.name }));
          }
        },
        succeeded: (i, child) => {
          // Replayed iterations (all steps done before a restart) must not record success twice.
          if (!distributed) {
            this.once(child, `${child.path}succeeded`, () =>
              this.emitChild(child, 'MapIterationSucceeded', 'mapIterationSucceededEventDetails', { index: i, name: state.name }));
          }
        },
        failed: (i, child, err) => {
          failures++;
          if (!distributed) this.emitChild(child, 'MapIterationFailed', 'mapIterationFailedEventDetails', { index: i, name: state.name });
          const ok = tolerate();
          if (ok) failedOutputs.set(i, errorOutputOf(err));
          return ok;
        },
        aborted: (i, child) => {
          if (!distributed) this.emitChild(child, 'MapIterationAborted', 'mapIterationAbortedEventDetails', { index: i, name: state.name });
        },
      });
    if (!results.ok) {
      let error = results.error;
      if (distributed) {
        if (plan.toleratedFailureCount !== undefined || plan.toleratedFailurePercentage !== undefined) {
          error = new StatesError(StatesErrors.ExceedToleratedFailureThreshold, 'The specified tolerated failure threshold was exceeded');
        }
        this.emit(sc, 'MapRunFailed', 'mapRunFailedEventDetails', { error: error.error, ...(error.cause !== undefined ? { cause: error.cause } : {}) });
      }
      throw error;
    }
    const values = results.values.map((v, i) => (failedOutputs.has(i) ? failedOutputs.get(i)! : v));
    if (distributed) this.emit(sc, 'MapRunSucceeded');
    // AWS chains MapStateExited to the event before MapStateSucceeded (the last MapIterationSucceeded,
    // or MapRunSucceeded), not to MapStateSucceeded itself.
    const exitPrev = sc.prev;
    this.emit(sc, 'MapStateSucceeded');
    if (!sc.silent) sc.prev = exitPrev;
    return values;
  }

  /** Runs `emit` unless the marker `key` says it was recorded before a restart; records the marker. */
  private once(sc: Scope, key: string, emit: () => void): void {
    if (sc.silent || this.journal.step(key)) return;
    emit();
    this.journal.putStep(key, true, {});
  }

  /** `<Type>StateAborted` for the state a failed or cancelled branch/iteration was still in (see Scope.active). */
  private abortActive(child: Scope): void {
    if (!child.active || child.silent) return;
    child.prev = this.journal.emit(`${child.active}StateAborted`, child.prev);
    child.active = undefined;
  }

  private emitChild(child: Scope, type: string, detailsKey: string, details: Record<string, unknown>): void {
    if (child.silent) return;
    child.prev = this.journal.emit(type, child.prev, detailsKey, details);
  }
}

/** ItemBatcher: groups item inputs into `{Items: [...], ...BatchInput}` batches. */
function batchItems(state: MapState, inputs: Json[]): Json[] {
  const b = state.ItemBatcher as JsonObject | undefined;
  if (!b) return inputs;
  const maxItems = typeof b.MaxItemsPerBatch === 'number' ? b.MaxItemsPerBatch : undefined;
  const maxBytes = typeof b.MaxInputBytesPerBatch === 'number' ? b.MaxInputBytesPerBatch : 262144;
  const batchInput = (b.BatchInput ?? {}) as JsonObject;
  const out: Json[] = [];
  let current: Json[] = [];
  let bytes = 0;
  for (const item of inputs) {
    const size = Buffer.byteLength(JSON.stringify(item));
    if (current.length > 0 && ((maxItems !== undefined && current.length >= maxItems) || bytes + size > maxBytes)) {
      out.push({ ...batchInput, Items: current });
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) out.push({ ...batchInput, Items: current });
  return out;
}
