// One Lambda execution environment: a runtime process, its private Runtime API listener, /tmp,
// limits and log stream. It runs one invocation at a time and turns every way a function can end
// (response, error, init error, timeout, crash, OOM, /tmp overflow) into an InvokeResult.
//
// An environment is born either for a function (cold start: spawned with the full environment) or
// as a *spare*: a runtime process started ahead of need with only the generic variables, which a
// function later claims; the claim hands over the function's variables through the Runtime API.
import { randomBytes, randomFillSync } from 'node:crypto';
import { existsSync, promises as fsp, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { baseEnvironment, functionEnvironment, spawnEnvironment, type Credentials } from './env-vars.js';
import {
  ephemeralStorageFault,
  exitFault,
  responseTooLargeFault,
  runtimeErrorPayload,
  timeoutFault,
  timeoutMessage,
} from './faults.js';
import type { LayerMerger } from './layers.js';
import type { Limiter, LimitCell } from './limits.js';
import { LogWriter, logStreamName } from './log-writer.js';
import { ACCEPTED, INVALID_REQUEST_ID, INVALID_STATE, MAX_RESPONSE_BYTES, RuntimeApiServer, type ApiAnswer, type PendingPoll, type RuntimeApiHandler } from './runtime-api.js';
import { CHANNEL_FD, RuntimeChannel } from './runtime-channel.js';
import { killGroup, type LaunchedProcess, type Launcher } from './launcher.js';
import type { RuntimeSpec } from './runtimes.js';
import type { Sandbox, SandboxMounts } from './sandbox.js';
import type { FunctionImage, InvokeRequest, InvokeResult, LogSink } from './types.js';
import { linkTree } from './tree.js';
import { connectionOwnedBy, processTree } from './peer-check.js';
import { platformLog, type InvocationStatus, type PlatformLog } from './platform-log.js';

/**
 * Functions run at a lower CPU priority than Nimbus: a CPU-bound function cannot starve the API,
 * and a runtime Nimbus wakes with an event does not preempt Nimbus before it has finished its
 * turn (measured: +10–15% Lambda-proxy throughput at saturation, warm latency no worse).
 */
const NICE = ['/usr/bin/nice', '/bin/nice'].find((file) => existsSync(file));
export const RUNTIME_NICENESS = NICE ? 10 : 0;
const LOWER_PRIORITY: readonly string[] = NICE ? [NICE, '-n', String(RUNTIME_NICENESS)] : [];

/** AWS gives the init phase 10 s (then retries it under the function timeout, which we fold in). */
const INIT_LIMIT_MS = 10_000;
/** How often the environment's processes' VmHWM is walked for Max Memory Used (see maxMemoryUsedMb). */
const PROCESS_WALK_MS = 1_000;
/** How often a running invocation's /tmp usage is checked against its ephemeral storage. */
export const STORAGE_CHECK_MS = 1_000;

export interface EnvironmentDeps {
  readonly envsDir: string;
  readonly sandbox: Sandbox;
  readonly limiter: Limiter;
  readonly sink: LogSink;
  readonly credentials: Credentials;
  /** Nimbus's endpoint, read when an environment starts (known only once Nimbus listens). */
  readonly endpointUrl?: () => string | undefined;
  readonly log: (msg: string) => void;
  /** Accept Runtime API connections only from the environment's own processes. */
  readonly checkPeers: boolean;
  /** Merges a function's layers into the folder that is its /opt. */
  readonly layers: LayerMerger;
  /** Starts the runtime processes (off Nimbus's event loop). */
  readonly launcher: Launcher;
}

export type EnvironmentState = 'starting' | 'spare' | 'idle' | 'busy' | 'dead';

/** What `invoke` resolves with when the environment died before its runtime took the event. */
export const RETRY_ELSEWHERE = Symbol('retry-elsewhere');

interface Invocation {
  readonly request: InvokeRequest;
  readonly resolve: (result: InvokeResult | typeof RETRY_ELSEWHERE) => void;
  readonly startedAt: number;
  readonly cold: boolean;
  deliveredAt?: number;
  /** When the invocation times out (see `armDeadline`). */
  deadlineAt?: number;
  settled: boolean;
  /** The runtime answered; only the log drain is pending. */
  answered?: boolean;
  startLogged?: boolean;
  /** A streaming function's response so far: its content type, and the chunks no `onChunk` took. */
  stream?: { contentType: string; parts: Buffer[]; bytes: number };
}

interface Outcome {
  readonly payload: Buffer;
  readonly functionError?: 'Unhandled';
  /** Line logged before END (e.g. the timeout notice). */
  readonly logLine?: string;
  /** The environment cannot serve another invocation. */
  readonly fatal?: boolean;
}

function now(): number {
  return performance.now();
}

export class Environment implements RuntimeApiHandler {
  readonly id = randomBytes(16).toString('hex');
  state: EnvironmentState = 'starting';
  image?: FunctionImage;
  /** START/END/REPORT in the function's log format (a spare has no function yet: Text). */
  private platform = platformLog('Text', undefined);
  /** Last time it finished an invocation (or was created), for idle reaping. */
  lastUsed = Date.now();
  /** Set by `retire`: stop after the running invocation instead of going back to the pool. */
  retired = false;
  /** Made for provisioned concurrency: initialized ahead of need, never reaped for idleness. */
  provisioned = false;
  /** Called once the environment can take another invocation, or when it died. */
  onIdle?: (env: Environment) => void;
  onDead?: (env: Environment) => void;
  /** Whether the function's runtime has initialized (made its first poll for an event). */
  get initialized(): boolean {
    return this.initDoneAt !== undefined;
  }
  /** Called once, when the function's runtime has initialized (its first poll for an event). */
  onInitialized?: (env: Environment) => void;

  private readonly dir: string;
  private readonly tmpDir: string;
  private readonly taskSlot: string;
  /** bwrap only: the folder mounted at /opt (empty, or filled with a claiming function's layers). */
  private readonly optSlot: string;
  private readonly api: RuntimeApiServer;
  private readonly logs: LogWriter;
  private cell?: LimitCell;
  private child?: LaunchedProcess;
  private exited?: Promise<void>;
  private channel?: RuntimeChannel;
  private parkedNext?: PendingPoll;
  private parkedClaim?: PendingPoll;
  private claimConfig?: string;
  private current?: Invocation;
  private initStartedAt = now();
  private initDoneAt?: number;
  private initTimer?: NodeJS.Timeout;
  private initFailure?: Buffer;
  private stopping?: Promise<void>;
  private lastStorageCheck = 0;
  private deadlineTimer?: NodeJS.Timeout;
  private memoryPeakMb = 0;
  private processesReadAt = 0;

  constructor(
    private readonly deps: EnvironmentDeps,
    readonly spec: RuntimeSpec,
    /** Pool key of the spare class this environment belongs to while it is a spare. */
    readonly classKey: string,
  ) {
    this.dir = join(deps.envsDir, this.id);
    this.tmpDir = join(this.dir, 'tmp');
    this.taskSlot = join(this.dir, 'task');
    this.optSlot = join(this.dir, 'opt');
    this.api = new RuntimeApiServer(this, deps.checkPeers ? (client, server) => this.isOwnConnection(client, server) : undefined);
    this.logs = new LogWriter(deps.sink);
  }

  /**
   * Starts the process: for `image` directly, or as a spare when `image` is undefined. A spare's
   * `spareMemoryMb` matters only where limits are fixed at start (rlimits, V8 heap flag).
   */
  async start(image: FunctionImage | undefined, spareMemoryMb = 128): Promise<void> {
    await fsp.mkdir(this.tmpDir, { recursive: true, mode: 0o777 });
    const bwrap = this.deps.sandbox.name === 'bwrap';
    if (!image || bwrap) await fsp.mkdir(this.taskSlot, { recursive: true });
    const layers = this.deps.layers.directory(image?.layerDirs);
    if (bwrap && !layers) await fsp.mkdir(this.optSlot, { recursive: true });
    const port = await this.api.listen();
    this.cell = this.deps.limiter.createCell(this.id);

    // A spare's /var/task (and, in bwrap, /opt) is its own slot, filled on claim; a direct start
    // binds the code and the merged layers themselves.
    const mounts = this.mounts(image?.codeDir ?? this.taskSlot, layers ?? (bwrap ? this.optSlot : undefined));
    const sandbox = this.deps.sandbox;
    const insideTaskRoot = sandbox.taskRoot(mounts);
    const insideRuntimeDir = sandbox.runtimeDir(mounts);
    const insideOpt = sandbox.optDir(mounts);
    const base = baseEnvironment({
      runtimeApi: `127.0.0.1:${port}`,
      runtimeDir: insideRuntimeDir,
      tmpDir: sandbox.tmpDir(mounts),
      family: this.spec.family,
      taskRoot: insideTaskRoot,
      optDir: insideOpt,
    });
    let env = base;
    if (image) {
      this.assign(image);
      this.cell.setMemoryLimit(image.memorySizeMb);
      env = spawnEnvironment(base, this.functionEnv(image, insideTaskRoot, insideRuntimeDir, insideOpt));
    }

    const memoryMb = image?.memorySizeMb ?? spareMemoryMb;
    const argv = this.runtimeArgv(image, layers, insideTaskRoot, insideOpt, insideRuntimeDir, sandbox.binary(mounts), memoryMb);
    const wrapped = [...LOWER_PRIORITY, ...sandbox.wrap(argv, mounts)];
    const prefix = this.cell.joinScript + this.deps.limiter.rlimitScript(memoryMb, this.spec.family);
    const [command, args] = prefix
      ? ['/bin/sh', ['-c', `${prefix}exec "$@"`, 'nimbus-env', ...wrapped]]
      : [wrapped[0]!, wrapped.slice(1)];

    this.initStartedAt = now();
    const child = await this.deps.launcher.spawn(command, args, {
      env,
      cwd: sandbox.name === 'bwrap' || !image ? this.dir : insideTaskRoot,
      // Nimbus's own bootstraps get the Runtime API channel as fd 3 (see runtime-channel.ts).
      channel: this.spec.family !== 'provided',
    });
    if (this.stopping) {
      // Stopped while its process was being started: that process is not wanted any more. One that
      // could not start (its folder went with the pool, the launcher was closed) still emits its
      // 'error': nobody else listens, and an unheard 'error' would be thrown.
      child.on('error', () => {});
      if (child.pid !== undefined) killGroup(child.pid);
      return;
    }
    this.child = child;
    if (child.channel) this.channel = new RuntimeChannel(child.channel, this);
    this.logs.attach(child.stdout);
    this.logs.attach(child.stderr);
    this.exited = new Promise((resolve) => {
      let done = false;
      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        if (done) return;
        done = true;
        this.onExit(code, signal);
        resolve();
      };
      child.once('exit', finish);
      child.once('error', (err) => {
        this.logs.line(`Nimbus could not start the runtime: ${err.message}\n`);
        finish(127, null);
      });
    });
    this.state = image ? 'idle' : 'spare';
    if (image) this.armInitTimer(image);
  }

  /** Gives a spare to a function: its variables, limits, code and log stream. */
  claim(image: FunctionImage): boolean {
    if (this.state !== 'spare') return false;
    const bwrap = this.deps.sandbox.name === 'bwrap';
    let insideOpt: string;
    let mounts: SandboxMounts;
    try {
      const layers = this.deps.layers.directory(image.layerDirs);
      mounts = this.mounts(this.taskSlot, bwrap ? this.optSlot : layers);
      insideOpt = this.deps.sandbox.optDir(mounts);
      if (bwrap) {
        linkTree(image.codeDir, this.taskSlot);
        if (layers) linkTree(layers, this.optSlot);
      }
      this.cell?.setMemoryLimit(image.memorySizeMb);
    } catch (err) {
      this.deps.log(`lambda: could not claim spare environment ${this.id}: ${(err as Error).message}`);
      return false;
    }
    const insideTaskRoot = bwrap ? this.deps.sandbox.taskRoot(mounts) : image.codeDir;
    this.assign(image);
    // Module search paths come with these variables: the bootstraps re-read them when claimed.
    const environment = this.functionEnv(image, insideTaskRoot, this.deps.sandbox.runtimeDir(mounts), insideOpt);
    this.claimConfig = JSON.stringify({ environment, cwd: insideTaskRoot });
    this.initStartedAt = now();
    this.state = 'idle';
    this.armInitTimer(image);
    if (this.parkedClaim) {
      const poll = this.parkedClaim;
      this.parkedClaim = undefined;
      this.answerClaim(poll);
    }
    return true;
  }

  /** Runs one invocation. The environment must be idle and belong to the request's image. */
  invoke(request: InvokeRequest): Promise<InvokeResult | typeof RETRY_ELSEWHERE> {
    this.state = 'busy';
    return new Promise((resolve) => {
      const cold = this.initDoneAt === undefined;
      const inv: Invocation = { request, resolve, startedAt: now(), cold, settled: false };
      this.current = inv;
      if (request.tailLogs) {
        // After the previous invocation's closing lines, which may still wait for the drain.
        if (this.logs.draining) this.logs.afterDrain(() => this.logs.beginTail());
        else this.logs.beginTail();
      }
      if (this.initFailure) {
        this.finish(inv, { payload: this.initFailure, functionError: 'Unhandled', fatal: true });
        return;
      }
      if (!cold && !this.parkedNext) {
        // A warm runtime that never asks for its next event must not hold the caller forever.
        this.armDeadline(inv);
      }
      // A runtime still starting (or finishing its previous answer) gets the event with its /next.
      this.pump();
    });
  }

  /** Stops the process and removes everything the environment owned. Idempotent. */
  stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    this.state = 'dead';
    this.stopping = (async () => {
      this.kill();
      clearTimeout(this.deadlineTimer);
      if (this.current && !this.current.settled && !this.current.answered) {
        this.finish(this.current, {
          payload: exitFault(this.current.request.requestId, null, 'SIGKILL', false),
          functionError: 'Unhandled',
          fatal: true,
        });
      }
      if (this.exited) {
        // A process stuck in uninterruptible sleep must not hang close(): give up after 5 s.
        await Promise.race([this.exited, new Promise((r) => setTimeout(r, 5_000).unref())]);
      }
      this.api.close();
      this.logs.close();
      this.channel?.close();
      this.parkedNext?.abandon();
      this.parkedClaim?.abandon();
      this.cell?.killAll();
      this.cell?.destroy();
      await fsp.rm(this.dir, { recursive: true, force: true }).catch(() => {});
    })();
    return this.stopping;
  }

  // ---- Runtime API events ------------------------------------------------------------------

  next(poll: PendingPoll): void {
    if (this.state === 'dead') {
      poll.abandon();
      return;
    }
    if (this.initDoneAt === undefined && this.image) {
      this.initDoneAt = now();
      clearTimeout(this.initTimer);
      this.onInitialized?.(this);
    }
    this.parkedNext?.abandon(); // a runtime polls once at a time; an older poll is abandoned
    this.parkedNext = poll;
    this.pump();
  }

  response(requestId: string, body: Buffer): ApiAnswer {
    const inv = this.delivered(requestId);
    if (!inv) return INVALID_REQUEST_ID;
    const stream = inv.stream;
    if (!stream) this.answer(inv, { payload: body });
    else if (stream.bytes > MAX_RESPONSE_BYTES && !inv.request.onChunk) this.responseTooLarge(requestId);
    else this.answer(inv, { payload: Buffer.concat(stream.parts) });
    return ACCEPTED;
  }

  chunk(requestId: string, body: Buffer, contentType: string | undefined): ApiAnswer {
    const inv = this.delivered(requestId);
    if (!inv) return INVALID_REQUEST_ID;
    const stream = (inv.stream ??= { contentType: contentType ?? 'application/octet-stream', parts: [], bytes: 0 });
    stream.bytes += body.length;
    const onChunk = inv.request.onChunk;
    if (onChunk) onChunk(body, stream.contentType);
    // Collected for a caller that wants the whole answer, up to what it can take.
    else if (stream.bytes <= MAX_RESPONSE_BYTES) stream.parts.push(body);
    return ACCEPTED;
  }

  responseTooLarge(requestId: string): ApiAnswer {
    const inv = this.delivered(requestId);
    if (inv) this.answer(inv, { payload: responseTooLargeFault(MAX_RESPONSE_BYTES), functionError: 'Unhandled' });
    return ACCEPTED;
  }

  error(requestId: string, body: Buffer, errorType: string | undefined): ApiAnswer {
    const inv = this.delivered(requestId);
    if (!inv) return INVALID_REQUEST_ID;
    this.answer(inv, { payload: runtimeErrorPayload(body, errorType), functionError: 'Unhandled' });
    return ACCEPTED;
  }

  initError(body: Buffer, errorType: string | undefined): ApiAnswer {
    // Only while initializing: afterwards an init error would poison the next invocation.
    if (this.initDoneAt !== undefined || !this.image) return INVALID_STATE;
    // The environment is unusable: every invocation routed to it gets this error, then it stops.
    this.initFailure = runtimeErrorPayload(body, errorType);
    clearTimeout(this.initTimer);
    if (this.platform) this.logs.line(this.platform.initError(now() - this.initStartedAt, errorType ?? 'Unknown'));
    const inv = this.current;
    if (inv && !inv.settled) this.finish(inv, { payload: this.initFailure, functionError: 'Unhandled', fatal: true });
    return ACCEPTED;
  }

  /** A spare whose runtime has started and waits for its function (claiming it costs no start-up). */
  get ready(): boolean {
    return this.parkedClaim !== undefined;
  }

  claimRequest(poll: PendingPoll): void {
    if (this.state === 'dead') poll.abandon();
    else if (this.claimConfig) this.answerClaim(poll);
    else this.parkedClaim = poll;
  }

  private answerClaim(poll: PendingPoll): void {
    const body = this.claimConfig!;
    poll.answer([['content-type', 'application/json'], ['content-length', String(Buffer.byteLength(body))]], body);
  }

  // ---- internals -----------------------------------------------------------------------------

  private async isOwnConnection(clientPort: number, serverPort: number): Promise<boolean> {
    const pid = this.child?.pid;
    const pids = this.cell?.pids() ?? (pid ? processTree(pid) : []);
    const own = await connectionOwnedBy(clientPort, serverPort, pids);
    if (!own) this.deps.log(`lambda: refused a Runtime API connection to environment ${this.id} from a process outside it`);
    return own;
  }

  private mounts(codeDir: string, optDir: string | undefined): SandboxMounts {
    return { codeDir, runtimeDir: this.spec.runtimeDir, tmpDir: this.tmpDir, binary: this.spec.binary, ...(optDir ? { optDir } : {}) };
  }

  private assign(image: FunctionImage): void {
    this.image = image;
    this.platform = platformLog(image.logFormat, image.systemLogLevel);
    this.logs.setTarget({
      accountId: image.accountId,
      region: image.region,
      group: image.logGroupName,
      stream: logStreamName(new Date(), image.version, this.id),
    });
  }

  private functionEnv(image: FunctionImage, taskRoot: string, runtimeDir: string | undefined, optDir: string): Record<string, string> {
    return functionEnvironment({
      optDir,
      runtime: image.runtime,
      handler: image.handler,
      taskRoot,
      functionName: image.functionName,
      memorySizeMb: image.memorySizeMb,
      version: image.version,
      logGroupName: image.logGroupName,
      logStreamName: logStreamName(new Date(), image.version, this.id),
      ...(image.logFormat === 'JSON' ? { jsonLogLevel: image.applicationLogLevel ?? 'INFO' } : {}),
      region: image.region,
      executionEnv: this.spec.executionEnv,
      credentials: this.deps.credentials,
      endpointUrl: this.deps.endpointUrl?.(),
      customer: image.environment,
      family: this.spec.family,
      runtimeDir,
      ...(this.provisioned ? { initializationType: 'provisioned-concurrency' as const } : {}),
    });
  }

  private runtimeArgv(
    image: FunctionImage | undefined,
    layers: string | undefined,
    taskRoot: string,
    optDir: string,
    runtimeDir: string | undefined,
    binary: string | undefined,
    memoryMb: number,
  ): string[] {
    switch (this.spec.family) {
      case 'node':
        return [binary!, ...this.deps.limiter.nodeFlags(memoryMb), join(runtimeDir!, this.spec.bootstrapFile!), `--channel-fd=${CHANNEL_FD}`];
      case 'python':
        // -u: unbuffered, lines reach the log as they are printed; -B: never write .pyc into the code.
        return [binary!, '-u', '-B', join(runtimeDir!, this.spec.bootstrapFile!), `--channel-fd=${CHANNEL_FD}`];
      case 'provided':
        // As on AWS, a layer may bring the bootstrap when the function's package has none.
        return [image && layers && !existsSync(join(image.codeDir, 'bootstrap')) && existsSync(join(layers, 'bootstrap')) ? join(optDir, 'bootstrap') : join(taskRoot, 'bootstrap')];
    }
  }

  private armInitTimer(image: FunctionImage): void {
    clearTimeout(this.initTimer);
    const limitMs = Math.max(INIT_LIMIT_MS, image.timeoutSeconds * 1000);
    this.initTimer = setTimeout(() => {
      const inv = this.current;
      if (inv && !inv.settled) {
        this.finish(inv, {
          payload: timeoutFault(inv.request.requestId, image.timeoutSeconds),
          functionError: 'Unhandled',
          logLine: this.timeoutLine(inv),
          fatal: true,
        });
      }
      void this.stop();
    }, limitMs);
    this.initTimer.unref();
  }

  /**
   * Hands the current invocation to the runtime's waiting poll, once the previous invocation's
   * closing log lines are written (its START must not overtake them).
   */
  private pump(): void {
    const inv = this.current;
    const poll = this.parkedNext;
    if (!inv || !poll || inv.settled || inv.deliveredAt !== undefined) return;
    if (this.logs.draining) {
      this.logs.afterDrain(() => this.pump());
      return;
    }
    this.parkedNext = undefined;
    this.deliver(inv, poll);
  }

  private deliver(inv: Invocation, poll: PendingPoll): void {
    const req = inv.request;
    const image = req.image;
    const timeoutMs = image.timeoutSeconds * 1000;
    const headers: [string, string][] = [
      ['content-type', 'application/json'],
      ['content-length', String(req.payload.length)],
      ['lambda-runtime-aws-request-id', req.requestId],
      ['lambda-runtime-deadline-ms', String(Date.now() + timeoutMs)],
      ['lambda-runtime-invoked-function-arn', req.invokedFunctionArn],
      ['lambda-runtime-trace-id', traceId()],
    ];
    if (req.clientContext) {
      const decoded = Buffer.from(req.clientContext, 'base64').toString('utf8');
      if (!/[\r\n\0]/.test(decoded)) headers.push(['lambda-runtime-client-context', decoded]);
    }
    inv.deliveredAt = now();
    poll.answer(headers, req.payload);
    // After the event left, in the same turn: the runtime's first line is read later, after START.
    this.logStart(inv);
    this.armDeadline(inv);
  }

  private delivered(requestId: string): Invocation | undefined {
    const inv = this.current;
    return inv && !inv.settled && !inv.answered && inv.deliveredAt !== undefined && inv.request.requestId === requestId ? inv : undefined;
  }

  /** The runtime answered: the caller gets the result now; the log lines close after the drain. */
  private answer(inv: Invocation, outcome: Outcome): void {
    inv.answered = true;
    // A log tail must include what the runtime printed before answering.
    if (inv.request.tailLogs) this.logs.afterDrain(() => this.finish(inv, outcome));
    else this.finish(inv, outcome);
  }

  private timeoutLine(inv: Invocation): string {
    return `${new Date().toISOString()} ${inv.request.requestId} ${timeoutMessage(inv.request.image.timeoutSeconds)}\n`;
  }

  private logStart(inv: Invocation): void {
    if (inv.startLogged) return;
    inv.startLogged = true;
    if (this.platform) this.logs.line(this.platform.start(inv.request.requestId, inv.request.image.version));
  }

  private onTimeout(inv: Invocation): void {
    if (inv.settled || inv.answered) return;
    this.finish(inv, {
      payload: timeoutFault(inv.request.requestId, inv.request.image.timeoutSeconds),
      functionError: 'Unhandled',
      logLine: this.timeoutLine(inv),
      fatal: true,
    });
  }

  /**
   * Times the invocation out after the function's timeout. One timer per environment, re-armed
   * (not re-created) per invocation: it is left running when an invocation ends early and finds
   * nothing to do when it fires.
   */
  private armDeadline(inv: Invocation): void {
    const timeoutMs = inv.request.image.timeoutSeconds * 1000;
    inv.deadlineAt = now() + timeoutMs;
    if (this.deadlineTimer) this.deadlineTimer.refresh();
    else this.deadlineTimer = setTimeout(() => this.onDeadline(), timeoutMs).unref();
  }

  private onDeadline(): void {
    const inv = this.current;
    if (!inv || inv.settled || inv.answered || inv.deadlineAt === undefined) return;
    const left = inv.deadlineAt - now();
    if (left > 1) setTimeout(() => this.onDeadline(), left).unref();
    else this.onTimeout(inv);
  }

  /** Called every STORAGE_CHECK_MS by the pool: an invocation running that long has its /tmp measured. */
  checkRunningStorage(): void {
    const inv = this.current;
    if (inv?.deliveredAt !== undefined && now() - inv.deliveredAt >= STORAGE_CHECK_MS) void this.checkStorage(inv);
  }

  private async checkStorage(inv: Invocation): Promise<void> {
    if (inv.settled || inv.answered) return;
    const limit = inv.request.image.ephemeralStorageMb * 1024 * 1024;
    const used = await diskUsage(this.tmpDir, limit);
    if (used > limit && !inv.settled && !inv.answered) {
      this.finish(inv, {
        payload: ephemeralStorageFault(inv.request.requestId, inv.request.image.ephemeralStorageMb),
        functionError: 'Unhandled',
        fatal: true,
      });
    }
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    const inv = this.current;
    const wasAlive = this.state !== 'dead';
    // bwrap reports a signalled child as 128+N; translate the usual fatal signals back.
    if (this.deps.sandbox.name === 'bwrap' && code !== null && BWRAP_SIGNAL_CODES[code]) {
      signal = BWRAP_SIGNAL_CODES[code]!;
      code = null;
    }
    if (inv && !inv.settled && !inv.answered && inv.deliveredAt === undefined && !inv.cold) {
      // A warm runtime that died between invocations (e.g. it exited after an uncaught
      // exception) never saw this event: run it in another environment, as AWS would.
      inv.settled = true;
      this.current = undefined;
      inv.resolve(RETRY_ELSEWHERE);
    } else if (inv && !inv.settled && !inv.answered) {
      const oom = (this.cell?.oomKilled() ?? false) || this.logs.heapExhausted;
      const payload = exitFault(inv.request.requestId, code, signal, oom);
      const fault = JSON.parse(payload.toString('utf8')) as { errorType: string; errorMessage: string };
      this.finish(inv, {
        payload,
        functionError: 'Unhandled',
        // AWS logs the platform's error message and type as the invocation's last lines.
        logLine: `${fault.errorMessage}\n${fault.errorType}\n`,
        fatal: true,
      });
    }
    this.state = 'dead';
    if (wasAlive) void this.stop();
    this.onDead?.(this);
  }

  private finish(inv: Invocation, outcome: Outcome): void {
    if (inv.settled) return;
    inv.settled = true;
    const end = now();
    const req = inv.request;
    const durationMs = end - (inv.deliveredAt ?? inv.startedAt);
    const initDurationMs = inv.cold ? (this.initDoneAt ?? end) - this.initStartedAt : undefined;
    // Since August 2025 AWS bills the init phase of on-demand cold starts too.
    const billedDurationMs = Math.max(1, Math.ceil(durationMs + (initDurationMs ?? 0)));
    const stopping = outcome.fatal || this.retired || this.state === 'dead';
    const status: InvocationStatus = outcome.fatal
      ? outcome.logLine?.includes('timed out') === true ? 'timeout' : 'failure'
      : outcome.functionError ? 'error' : 'success';
    const platform = this.platform;
    const endLine = platform?.end(req.requestId, status, durationMs, outcome.payload.length);
    const report = platform && this.reportLine(platform, req.requestId, durationMs, billedDurationMs, req.image.memorySizeMb, initDurationMs, status, stopping);
    const closeLog = () => {
      this.logStart(inv);
      if (outcome.logLine) this.logs.line(outcome.logLine);
      if (endLine) this.logs.line(endLine);
      if (report) this.logs.platformLine(report);
      this.logs.flush();
    };
    // Lines the runtime printed before answering may still sit in its stdout pipe; they go first.
    // (A tail, or an end the platform decided, is written at once: it comes after the drain.)
    if (inv.answered && !req.tailLogs) this.logs.afterDrain(closeLog);
    else closeLog();
    const logTail = req.tailLogs ? this.logs.endTail() : undefined;
    this.current = undefined;
    const result: InvokeResult = {
      payload: outcome.payload,
      ...(outcome.functionError ? { functionError: outcome.functionError } : {}),
      ...(inv.stream ? { streamContentType: inv.stream.contentType } : {}),
      ...(logTail !== undefined ? { logTail } : {}),
      durationMs,
      billedDurationMs,
      ...(initDurationMs !== undefined ? { initDurationMs } : {}),
    };
    if (stopping) {
      void this.stop();
    } else {
      this.state = 'idle';
      this.lastUsed = Date.now();
    }
    inv.resolve(result);
    if (this.state === 'idle') {
      // /tmp that outgrew its limit between checks: do not reuse this environment. At most once a
      // second: a /tmp full of cache files makes each walk cost something.
      const at = Date.now();
      if (at - this.lastStorageCheck >= STORAGE_CHECK_MS) {
        this.lastStorageCheck = at;
        const limit = req.image.ephemeralStorageMb * 1024 * 1024;
        void diskUsage(this.tmpDir, limit).then((used) => {
          if (used > limit && this.state === 'idle') void this.stop();
        });
      }
      this.onIdle?.(this);
    }
  }

  /**
   * The invocation's REPORT line, formatted when the logs are stored, off the caller's path. It
   * reads the memory peak then: that is the environment's high-water mark, as on AWS, so reading
   * it milliseconds later changes nothing of substance (an environment about to stop is read now).
   * Only numbers and strings are kept until then, not the invocation's payloads.
   */
  private reportLine(
    platform: PlatformLog,
    requestId: string,
    durationMs: number,
    billedDurationMs: number,
    memorySizeMb: number,
    initDurationMs: number | undefined,
    status: InvocationStatus,
    stopping: boolean,
  ): () => string {
    const memoryAtEnd = stopping ? this.maxMemoryUsedMb(true) : undefined;
    const at = Date.now();
    return () =>
      platform.report({
        at,
        requestId,
        durationMs,
        billedDurationMs,
        memorySizeMb,
        maxMemoryUsedMb: memoryAtEnd ?? this.maxMemoryUsedMb(),
        initDurationMs,
        status,
      });
  }

  /**
   * The environment's memory high-water mark: the larger of its cgroup's peak and its processes'
   * VmHWM. A cgroup is charged only for the pages its processes fault in first, so the runtime's
   * binary and libraries, already in the page cache, are missing from its peak (a trivial Node
   * function: 8 MB by the cgroup, 45 MB by VmHWM; AWS reports ~65 MB). The process walk, which
   * mostly sees the runtime's steady size, is redone at most every second. The last value stays
   * once the environment is gone.
   */
  private maxMemoryUsedMb(fresh = false): number {
    const at = Date.now();
    const peak = this.cell?.peakBytes();
    if (peak !== undefined) this.memoryPeakMb = Math.max(this.memoryPeakMb, Math.ceil(peak / (1024 * 1024)));
    const pid = this.child?.pid;
    if (pid && (fresh || peak === undefined || at - this.processesReadAt >= PROCESS_WALK_MS)) {
      this.processesReadAt = at;
      this.memoryPeakMb = Math.max(this.memoryPeakMb, Math.ceil(treeHighWaterKb(pid) / 1024));
    }
    return this.memoryPeakMb;
  }

  private kill(): void {
    clearTimeout(this.initTimer);
    const child = this.child;
    if (child?.running) killGroup(child.pid!);
    this.cell?.killAll();
  }
}

/** Random bytes for trace ids, drawn 20 at a time from a buffer refilled when used up. */
const traceEntropy = Buffer.alloc(20 * 256);
let traceOffset = traceEntropy.length;

function traceId(): string {
  if (traceOffset === traceEntropy.length) {
    randomFillSync(traceEntropy);
    traceOffset = 0;
  }
  const at = traceOffset;
  traceOffset += 20;
  const root = traceEntropy.toString('hex', at, at + 12);
  const parent = traceEntropy.toString('hex', at + 12, at + 20);
  return `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${root};Parent=${parent};Sampled=0`;
}

/** bwrap's exit codes for a child killed by a signal (128+N), for the signals that end runtimes. */
const BWRAP_SIGNAL_CODES: Record<number, NodeJS.Signals> = { 134: 'SIGABRT', 135: 'SIGBUS', 137: 'SIGKILL', 139: 'SIGSEGV', 143: 'SIGTERM' };

/** Sum of VmHWM over a process and its descendants (used when no cgroup reports a peak). */
function treeHighWaterKb(pid: number, depth = 0): number {
  let total = 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmHWM:\s+(\d+)/.exec(status);
    if (m) total += Number(m[1]);
    if (depth < 4) {
      const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
      for (const child of children ? children.split(' ') : []) total += treeHighWaterKb(Number(child), depth + 1);
    }
  } catch {
    /* gone */
  }
  return total;
}

/** Bytes of disk used under `dir` (allocated blocks, like du); stops counting past `stopAbove`. */
export async function diskUsage(dir: string, stopAbove: number): Promise<number> {
  let total = 0;
  let visited = 0;
  const stack = [dir];
  while (stack.length > 0 && total <= stopAbove && visited < 100_000) {
    const current = stack.pop()!;
    let entries;
    try {
      entries = await fsp.readdir(current, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      visited++;
      const path = join(current, entry.name);
      if (entry.isDirectory()) stack.push(path);
      try {
        const st = await fsp.lstat(path);
        total += st.blocks * 512;
      } catch {
        /* removed meanwhile */
      }
    }
  }
  return total;
}

export function removeDirSync(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
