// The execution-environment pool: finds a warm environment for an invocation (same image key),
// or makes one — by claiming a pre-started spare runtime when possible, else by spawning — and
// reaps environments that stay idle. Spares are kept for runtime classes in recent use, so the
// Node/Python start-up cost is paid before the invocation that needs it arrives; a class whose
// cold starts find no spare ready keeps more (up to 4) until the burst is over.
import { existsSync, accessSync, constants, mkdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Credentials } from './env-vars.js';
import { needsFreshProcess } from './env-vars.js';
import { Launcher } from './launcher.js';
import { Environment, RETRY_ELSEWHERE, RUNTIME_NICENESS, STORAGE_CHECK_MS, type EnvironmentDeps } from './environment.js';
import { invalidEntrypointFault, unavailableRuntimeFault } from './faults.js';
import { LayerMerger } from './layers.js';
import type { Limiter } from './limits.js';
import { peerCheckAvailable } from './peer-check.js';
import type { RuntimeCatalog, RuntimeSpec } from './runtimes.js';
import type { Sandbox } from './sandbox.js';
import type { EnvironmentPool, FunctionImage, InvokeRequest, InvokeResult, LogSink, ProvisionState } from './types.js';

export interface PoolSettings {
  readonly envsDir: string;
  /** Where functions' merged layers (their /opt) are kept; kept across restarts. */
  readonly layersDir: string;
  readonly sink: LogSink;
  readonly log: (msg: string) => void;
  readonly sandbox: Sandbox;
  readonly limiter: Limiter;
  readonly catalog: RuntimeCatalog;
  readonly credentials: Credentials;
  readonly endpointUrl?: () => string | undefined;
  readonly idleTimeoutMs: number;
  /** Spares kept per runtime class in recent use (0 disables pre-starting). */
  readonly sparesPerClass: number;
  /** Runtimes to pre-start one spare for right away. */
  readonly prewarm: readonly string[];
  /** Environments initializing at once, at most (default: the machine's CPUs, at least 2). */
  readonly maxColdStarts?: number;
}

/** Delay before replacing a claimed spare (a typical trivial cold start completes within it). */
const REPLENISH_DELAY_MS = 150;
/** Most spares kept for one class while cold starts come faster than one spare can cover. */
const MAX_SPARES_PER_CLASS = 4;
/** A class gives back one extra spare after this long without a miss. */
const SPARE_DECAY_MS = 60_000;

/** Provisioned concurrency of one configuration (a version or alias): its environments and how they fare. */
interface Provision {
  /** The configuration it serves (the key of `provisions`). */
  readonly owner: string;
  readonly image: FunctionImage;
  count: number;
  readonly envs: Set<Environment>;
  /** Why it stopped trying (an environment died before its runtime initialized). */
  failure?: string;
}

interface SpareClass {
  readonly spec: RuntimeSpec;
  readonly memoryMb: number;
  lastWanted: number;
  /** Spares to keep: the pool's setting, raised by cold starts that found none ready. */
  wanted: number;
  lastMiss: number;
}

export class Pool implements EnvironmentPool {
  private readonly idle = new Map<string, Environment[]>();
  private readonly all = new Set<Environment>();
  private readonly spares = new Map<string, Environment[]>();
  /** Provisioned concurrency, by its owner's key (see `provision`). */
  private readonly provisions = new Map<string, Provision>();
  private readonly classes = new Map<string, SpareClass>();
  private readonly reaper: NodeJS.Timeout;
  private readonly storageChecks: NodeJS.Timeout;
  private readonly deps: EnvironmentDeps;
  private closed = false;
  /** Environments started for a function whose runtime has not initialized yet. */
  private initializing = 0;
  private readonly maxColdStarts: number;
  /** Requests waiting for an idle environment of their image (`key`) or a cold-start slot. */
  private readonly waiters: { key: string; resolve: (granted: Environment | 'slot') => void; reject: (err: Error) => void }[] = [];

  constructor(private readonly settings: PoolSettings) {
    // Leftovers of a Nimbus that was killed: its environments are gone, their files are ours.
    rmSync(settings.envsDir, { recursive: true, force: true });
    mkdirSync(settings.envsDir, { recursive: true });
    this.deps = {
      envsDir: settings.envsDir,
      sandbox: settings.sandbox,
      limiter: settings.limiter,
      sink: settings.sink,
      credentials: settings.credentials,
      endpointUrl: settings.endpointUrl,
      log: settings.log,
      checkPeers: peerCheckAvailable(),
      layers: new LayerMerger(settings.layersDir),
      launcher: new Launcher(),
    };
    this.maxColdStarts = settings.maxColdStarts ?? Math.max(2, availableParallelism());
    const every = Math.max(250, Math.min(30_000, Math.floor(settings.idleTimeoutMs / 2)));
    this.reaper = setInterval(() => this.reap(), every);
    this.reaper.unref();
    this.storageChecks = setInterval(() => {
      for (const env of this.all) if (env.state === 'busy') env.checkRunningStorage();
    }, STORAGE_CHECK_MS);
    this.storageChecks.unref();
    if (settings.sparesPerClass > 0) {
      for (const runtime of settings.prewarm) {
        const spec = settings.catalog.resolve(runtime);
        if ('reason' in spec) continue;
        const cls = this.classFor(spec, 128);
        if (cls) this.replenish(cls);
      }
    }
  }

  describeLimits(): string {
    const cpu = RUNTIME_NICENESS ? `; CPU: functions at nice ${RUNTIME_NICENESS}, below Nimbus` : '';
    return `${this.settings.limiter.describe()}; ${this.settings.sandbox.describe()}; /tmp: private per environment, usage checked against EphemeralStorage${cpu}`;
  }

  async invoke(request: InvokeRequest): Promise<InvokeResult> {
    if (this.closed) throw new Error('the Lambda environment pool is closed');
    const image = request.image;
    // A warm environment that died before taking the event hands it back; then try a fresh one.
    for (let attempt = 0; ; attempt++) {
      const env = (attempt === 0 ? this.takeIdle(image.key) : undefined) ?? (await this.coldStart(image, request));
      if (!(env instanceof Environment)) return env;
      const result = await env.invoke(request);
      if (result !== RETRY_ELSEWHERE) return result;
    }
  }

  /**
   * A new environment for `image`, at most `maxColdStarts` initializing at once: each start costs
   * Nimbus a spawn and the machine a runtime start-up, and a burst that started one per waiting
   * request would stall everything (a hiccup at 1,000 req/s once started 48). Past the limit the
   * request waits for whichever comes first: an environment of its function going idle, or a slot.
   */
  private async coldStart(image: FunctionImage, request: InvokeRequest): Promise<Environment | InvokeResult> {
    while (this.initializing >= this.maxColdStarts) {
      const granted = await new Promise<Environment | 'slot'>((resolve, reject) => this.waiters.push({ key: image.key, resolve, reject }));
      if (granted !== 'slot') return granted;
    }
    this.initializing++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.initializing--;
      const next = this.waiters.shift();
      next?.resolve('slot');
    };
    const env = await this.create(image, request).catch((err: unknown) => {
      release();
      throw err;
    });
    if (!(env instanceof Environment) || env.state === 'dead') {
      release();
      return env;
    }
    env.onInitialized = release;
    const onDead = env.onDead;
    env.onDead = (e) => {
      release();
      onDead?.(e);
    };
    return env;
  }

  async retire(accountId: string, region: string, functionName: string): Promise<void> {
    const stops: Promise<void>[] = [];
    for (const env of this.all) {
      const image = env.image;
      if (!image || image.accountId !== accountId || image.region !== region || image.functionName !== functionName) continue;
      env.retired = true;
      if (env.state !== 'busy') stops.push(this.drop(env));
    }
    await Promise.all(stops);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('the Lambda environment pool is closed'));
    clearInterval(this.reaper);
    clearInterval(this.storageChecks);
    await Promise.all([...this.all].map((env) => env.stop()));
    this.deps.launcher.close();
    this.all.clear();
    this.idle.clear();
    this.spares.clear();
    this.settings.limiter.close();
    rmSync(this.settings.envsDir, { recursive: true, force: true });
  }

  /** Environments alive right now (for tests and diagnostics). */
  stats(): { total: number; idle: number; spares: number; readySpares: number; busy: number } {
    let idle = 0;
    let spares = 0;
    let readySpares = 0;
    let busy = 0;
    for (const env of this.all) {
      if (env.state === 'idle') idle++;
      else if (env.state === 'spare') {
        spares++;
        if (env.ready) readySpares++;
      } else if (env.state === 'busy') busy++;
    }
    return { total: this.all.size, idle, spares, readySpares, busy };
  }

  /**
   * Provisioned concurrency: keeps `count` environments of `image` started and initialized ahead of
   * invocations, and never reaps them for idleness; an environment that dies is replaced. `owner`
   * names the configuration; a new image (an alias moved) or a count of 0 releases the old ones,
   * which then age out like any idle environment. A runtime that dies before initializing stops
   * the attempt (AWS's FAILED status) until the configuration is put again (`retry`).
   */
  provision(owner: string, image: FunctionImage | undefined, count: number, retry = false): ProvisionState {
    let p = this.provisions.get(owner);
    if (p && (!image || count <= 0 || p.image.key !== image.key)) {
      for (const env of p.envs) env.provisioned = false;
      this.provisions.delete(owner);
      p = undefined;
    }
    if (!image || count <= 0) return { allocated: 0, available: 0 };
    if (!p) this.provisions.set(owner, (p = { owner, image, count, envs: new Set() }));
    p.count = count;
    if (retry) delete p.failure;
    for (const env of p.envs) {
      if (env.state === 'dead') p.envs.delete(env);
    }
    for (const env of [...p.envs].slice(count)) {
      env.provisioned = false;
      p.envs.delete(env);
    }
    while (!this.closed && !p.failure && p.envs.size < count) {
      if (!this.startProvisioned(p)) break;
    }
    return this.provisioned(owner);
  }

  provisioned(owner: string): ProvisionState {
    const p = this.provisions.get(owner);
    if (!p) return { allocated: 0, available: 0 };
    let available = 0;
    for (const env of p.envs) if (env.initialized && env.state !== 'dead') available++;
    return { allocated: p.envs.size, available, ...(p.failure ? { failure: p.failure } : {}) };
  }

  private startProvisioned(p: Provision): boolean {
    const spec = this.settings.catalog.resolve(p.image.runtime);
    if ('reason' in spec) {
      p.failure = spec.reason;
      return false;
    }
    const env = new Environment(this.deps, spec, '');
    env.provisioned = true;
    this.all.add(env);
    this.adopt(env);
    p.envs.add(env);
    // Once its runtime has initialized it waits with the warm environments.
    env.onInitialized = (e) => {
      e.lastUsed = Date.now();
      if (e.state === 'idle') e.onIdle?.(e);
    };
    const onDead = env.onDead;
    env.onDead = (e) => {
      onDead?.(e);
      p.envs.delete(e);
      if (!e.initialized) p.failure = 'FUNCTION_ERROR_INIT_FAILURE';
      else if (e.provisioned && this.provisions.get(p.owner) === p) this.provision(p.owner, p.image, p.count);
    };
    env.start(p.image).catch((err: Error) => {
      p.failure = `could not start the execution environment: ${err.message}`;
      void this.drop(env);
    });
    return true;
  }


  // ---- internals -----------------------------------------------------------------------------

  private takeIdle(key: string): Environment | undefined {
    const list = this.idle.get(key);
    while (list && list.length > 0) {
      const env = list.pop()!; // most recently used first: its caches are warmest
      if (env.state === 'idle' && !env.retired) return env;
    }
    return undefined;
  }

  private async create(image: FunctionImage, request: InvokeRequest): Promise<Environment | InvokeResult> {
    const spec = this.settings.catalog.resolve(image.runtime);
    if ('reason' in spec) return faultResult(unavailableRuntimeFault(request.requestId, spec.reason));
    let layers: string | undefined;
    try {
      layers = this.deps.layers.directory(image.layerDirs);
    } catch (err) {
      return faultResult(startFailure(request.requestId, `could not prepare the function's layers: ${(err as Error).message}`));
    }
    if (spec.family === 'provided') {
      const sandbox = this.settings.sandbox;
      const problem = entrypointProblem(
        image.codeDir,
        sandbox.taskRoot({ codeDir: image.codeDir, tmpDir: '' }),
        layers,
        sandbox.optDir({ codeDir: image.codeDir, tmpDir: '', ...(layers ? { optDir: layers } : {}) }),
      );
      if (problem) return faultResult(invalidEntrypointFault(request.requestId, problem));
    }

    const cls = this.classFor(spec, image.memorySizeMb);
    // Shared libraries of a layer (/opt/lib) are looked up by the dynamic loader of a process that
    // started with /opt empty: such a function needs a process of its own.
    const freshForLayers = layers !== undefined && existsSync(join(layers, 'lib'));
    if (cls && !needsFreshProcess(image.environment) && !freshForLayers) {
      cls.entry.lastWanted = Date.now();
      const spares = this.spares.get(cls.key) ?? [];
      // Prefer a spare that finished starting; one still starting is still ahead of a new spawn.
      spares.sort((a, b) => Number(b.ready) - Number(a.ready));
      if (!spares[0]?.ready && this.spares.has(cls.key)) this.missed(cls.entry);
      while (spares.length > 0) {
        const spare = spares.shift()!;
        if (spare.state !== 'spare') continue;
        if (spare.claim(image)) {
          this.adopt(spare);
          this.replenishSoon(cls.key);
          return spare;
        }
        void this.drop(spare); // half-claimed (e.g. a package too large to link): not reusable
        break;
      }
      this.replenishSoon(cls.key);
    }

    const env = new Environment(this.deps, spec, '');
    this.all.add(env);
    this.adopt(env);
    try {
      await env.start(image);
    } catch (err) {
      await this.drop(env);
      this.settings.log(`lambda: could not start an environment for ${image.functionName}: ${(err as Error).message}`);
      return faultResult(startFailure(request.requestId, `could not start the execution environment: ${(err as Error).message}`));
    }
    return env;
  }

  /** Hooks an environment that now belongs to a function into the idle lists. */
  private adopt(env: Environment): void {
    env.onIdle = (e) => {
      if (this.closed || e.retired || !e.image) {
        void this.drop(e);
        return;
      }
      const waiting = this.waiters.findIndex((w) => w.key === e.image!.key);
      if (waiting >= 0) {
        this.waiters.splice(waiting, 1)[0]!.resolve(e);
        return;
      }
      let list = this.idle.get(e.image.key);
      if (!list) this.idle.set(e.image.key, (list = []));
      list.push(e);
    };
    env.onDead = (e) => this.forget(e);
  }

  /**
   * The spare class of a runtime: spares are interchangeable when they run the same binary (and,
   * without cgroups, the same heap limit, which Node only takes at start-up).
   */
  private classFor(spec: RuntimeSpec, memoryMb: number): { key: string; entry: SpareClass } | undefined {
    if (this.settings.sparesPerClass <= 0 || spec.family === 'provided') return undefined;
    const memoryKey = this.settings.limiter.mode === 'rlimit' ? memoryMb : 0;
    const key = `${spec.family}:${spec.binary}:${memoryKey}`;
    let entry = this.classes.get(key);
    if (!entry) this.classes.set(key, (entry = { spec, memoryMb, lastWanted: Date.now(), wanted: this.settings.sparesPerClass, lastMiss: 0 }));
    return { key, entry };
  }

  private replenish(cls: string | { key: string }): void {
    const key = typeof cls === 'string' ? cls : cls.key;
    if (this.closed) return;
    const entry = this.classes.get(key);
    if (!entry) return;
    const list = this.spares.get(key) ?? [];
    this.spares.set(key, list);
    const missing = entry.wanted - list.filter((e) => e.state === 'spare' || e.state === 'starting').length;
    for (let i = 0; i < missing; i++) {
      const env = new Environment(this.deps, entry.spec, key);
      this.all.add(env);
      list.push(env);
      env.onDead = (e) => this.forget(e);
      env.start(undefined, entry.memoryMb).catch((err: Error) => {
        this.settings.log(`lambda: could not pre-start a ${entry.spec.runtime} runtime: ${err.message}`);
        void this.drop(env);
      });
    }
  }

  /**
   * Starts the next spare shortly, not right away: on a small machine a runtime starting in
   * parallel would slow down the cold start that is using the claimed spare right now.
   */
  private replenishSoon(key: string): void {
    setTimeout(() => this.replenish(key), REPLENISH_DELAY_MS).unref();
  }

  /** A cold start found no ready spare: cold starts come in a burst, keep one more ready. */
  private missed(entry: SpareClass): void {
    entry.lastMiss = Date.now();
    entry.wanted = Math.min(entry.wanted + 1, MAX_SPARES_PER_CLASS);
  }

  private reap(): void {
    const now = Date.now();
    const cutoff = now - this.settings.idleTimeoutMs;
    for (const env of this.all) {
      if (env.state === 'idle' && !env.provisioned && env.lastUsed < cutoff) void this.drop(env);
    }
    // A burst that is over gives its extra spares back, one per quiet minute.
    for (const [key, entry] of this.classes) {
      if (entry.wanted <= this.settings.sparesPerClass || now - entry.lastMiss < SPARE_DECAY_MS) continue;
      entry.wanted--;
      entry.lastMiss = now;
      const extra = (this.spares.get(key) ?? []).find((e) => e.state === 'spare');
      if (extra) void this.drop(extra);
    }
    // Spares of a class nobody asked for lately are not worth their memory.
    for (const [key, entry] of this.classes) {
      if (entry.lastWanted >= cutoff) continue;
      for (const env of this.spares.get(key) ?? []) void this.drop(env);
      this.spares.delete(key);
      this.classes.delete(key);
    }
  }

  private drop(env: Environment): Promise<void> {
    this.forget(env);
    return env.stop();
  }

  private forget(env: Environment): void {
    this.all.delete(env);
    if (env.image) {
      const list = this.idle.get(env.image.key);
      const i = list?.indexOf(env) ?? -1;
      if (list && i >= 0) list.splice(i, 1);
      if (list && list.length === 0) this.idle.delete(env.image.key);
    }
    if (env.classKey) {
      const spares = this.spares.get(env.classKey);
      const i = spares?.indexOf(env) ?? -1;
      if (spares && i >= 0) spares.splice(i, 1);
    }
  }
}

function faultResult(payload: Buffer): InvokeResult {
  return { payload, functionError: 'Unhandled', durationMs: 0, billedDurationMs: 0 };
}

function startFailure(requestId: string, message: string): Buffer {
  return Buffer.from(JSON.stringify({ errorType: 'Runtime.Unknown', errorMessage: `RequestId: ${requestId} Error: ${message}` }));
}

/**
 * Why a custom runtime cannot start, in AWS's words, or undefined when its bootstrap is fine. The
 * function's own bootstrap comes first; without one, a layer's (/opt/bootstrap) runs.
 */
function entrypointProblem(codeDir: string, insideTaskRoot: string, layersDir: string | undefined, insideOpt: string): string | undefined {
  const candidates: [string, string][] = [[join(codeDir, 'bootstrap'), `${insideTaskRoot}/bootstrap`]];
  if (layersDir) candidates.push([join(layersDir, 'bootstrap'), `${insideOpt}/bootstrap`]);
  const found = candidates.find(([host]) => existsSync(host));
  if (!found) return `Couldn't find valid bootstrap(s): [${insideTaskRoot}/bootstrap ${insideOpt}/bootstrap]`;
  try {
    accessSync(found[0], constants.X_OK);
  } catch {
    return `fork/exec ${found[1]}: permission denied`;
  }
  return undefined;
}
