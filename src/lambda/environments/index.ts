// Lambda execution environments: the pool that runs invocations in runtime processes (see
// types.ts for the contract). Everything outside this folder uses only what is exported here.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Credentials } from './env-vars.js';
import { createLimiter } from './limits.js';
import { Pool } from './pool.js';
import { RuntimeCatalog, type Availability } from './runtimes.js';
import { installedSdkModules, linkSdkForProcesses } from './runtime-sdk.js';
import { BwrapSandbox, ProcessSandbox, probeBwrap, type Sandbox } from './sandbox.js';
import type { EnvironmentPool, LogSink } from './types.js';

export type { EnvironmentPool, FunctionImage, InvokeRequest, InvokeResult, LogSink } from './types.js';
export { RESERVED_ENVIRONMENT_KEYS } from './env-vars.js';
export type { Availability } from './runtimes.js';

export interface EnvironmentPoolOptions {
  /** Nimbus's data dir: environments live under `<dataDir>/lambda/environments`; hidden from functions. */
  readonly dataDir: string;
  readonly logSink: LogSink;
  readonly log?: (msg: string) => void;
  /**
   * Nimbus's endpoint, exported to functions as AWS_ENDPOINT_URL so SDK calls reach Nimbus. A
   * function is read each time an environment starts (pass `() => platform.endpoint`: the pool is
   * created before the server listens).
   */
  readonly endpointUrl?: string | (() => string | undefined);
  /** Idle environments are stopped after this long (default 5 minutes). */
  readonly idleTimeoutMs?: number;
  /** `auto` (default) uses bubblewrap when it works here. */
  readonly isolation?: 'auto' | 'bwrap' | 'process';
  /** `auto` (default) uses cgroups when writable here. */
  readonly memoryLimits?: 'auto' | 'rlimit';
  /** Pre-started runtime processes kept per runtime class in use (default 1; 0 disables). */
  readonly sparesPerClass?: number;
  /** Runtimes to pre-start a spare for at once (default `['nodejs20.x']`). */
  readonly prewarm?: readonly string[];
  /** Environments initializing at once, at most (default: the machine's CPUs, at least 2). */
  readonly maxColdStarts?: number;
  /** Credentials exported to functions (default: test values). */
  readonly credentials?: Credentials;
  /** More host directories no function may see (bwrap only). */
  readonly hiddenPaths?: readonly string[];
  readonly nodeBinaries?: Readonly<Record<number, string>>;
  readonly pythonBinary?: string;
}

const TEST_CREDENTIALS: Credentials = { accessKeyId: 'test', secretAccessKey: 'test', sessionToken: 'test' };

let defaultCatalog: RuntimeCatalog | undefined;
let catalogDataDir: string | undefined;

/** The runtime catalog for a data dir (shared so binary probes happen once per process). */
function catalogFor(options: { dataDir: string; nodeBinaries?: Readonly<Record<number, string>>; pythonBinary?: string }): RuntimeCatalog {
  const dataDir = resolve(options.dataDir);
  if (!defaultCatalog || catalogDataDir !== dataDir || options.nodeBinaries || options.pythonBinary) {
    const catalog = new RuntimeCatalog({ dataDir, nodeBinaries: options.nodeBinaries, pythonBinary: options.pythonBinary });
    if (options.nodeBinaries || options.pythonBinary) return catalog;
    defaultCatalog = catalog;
    catalogDataDir = dataDir;
  }
  return defaultCatalog;
}

/**
 * Whether `runtime` can run on this machine (for CreateFunction/UpdateFunctionConfiguration).
 * `dataDir` is where Node binaries installed with npm are looked for (`<dataDir>/runtimes/nodeN`).
 */
export function runtimeAvailability(runtime: string, dataDir = catalogDataDir ?? '.nimbus'): Availability {
  return catalogFor({ dataDir }).availability(runtime);
}

/** Fetches what `runtime` lacks on this machine (see RuntimeCatalog.install); undefined when nothing can be. */
export function installRuntime(runtime: string, dataDir = catalogDataDir ?? '.nimbus'): Promise<void> | undefined {
  return catalogFor({ dataDir }).install(runtime);
}

export function createEnvironmentPool(options: EnvironmentPoolOptions): EnvironmentPool & { stats(): ReturnType<Pool['stats']> } {
  const dataDir = resolve(options.dataDir);
  const log = options.log ?? (() => {});
  const catalog = catalogFor({ dataDir, nodeBinaries: options.nodeBinaries, pythonBinary: options.pythonBinary });
  const sdkModules = installedSdkModules();
  let sandbox: Sandbox = new ProcessSandbox();
  if (options.isolation !== 'process') {
    const bwrap = probeBwrap();
    if (bwrap) {
      sandbox = new BwrapSandbox(bwrap, [dataDir, ...(options.hiddenPaths ?? [])], sdkModules);
    } else if (options.isolation === 'bwrap') {
      throw new Error('bubblewrap isolation was requested but bwrap is not installed or does not work here');
    }
  }
  if (sandbox.name === 'process') {
    shieldFromHostPackage(dataDir);
    if (sdkModules) linkSdkForProcesses(dataDir, sdkModules);
  }
  const limiter = createLimiter({ disableCgroups: options.memoryLimits === 'rlimit' });
  return new Pool({
    envsDir: join(dataDir, 'lambda', 'environments'),
    layersDir: join(dataDir, 'lambda', 'opt'),
    sink: options.logSink,
    log,
    sandbox,
    limiter,
    catalog,
    credentials: options.credentials ?? TEST_CREDENTIALS,
    endpointUrl: typeof options.endpointUrl === 'string' ? constant(options.endpointUrl) : options.endpointUrl,
    idleTimeoutMs: options.idleTimeoutMs ?? 5 * 60_000,
    sparesPerClass: options.sparesPerClass ?? 1,
    prewarm: options.prewarm ?? ['nodejs20.x'],
    ...(options.maxColdStarts !== undefined ? { maxColdStarts: options.maxColdStarts } : {}),
  });
}

/**
 * Without a sandbox, Node resolves a function's module type from the nearest package.json above
 * its code, which may be a host project's `"type": "module"` (e.g. a data dir inside a checkout).
 * On AWS nothing above /var/task has one: a neutral package.json at the data dir restores that.
 */
function shieldFromHostPackage(dataDir: string): void {
  const file = join(dataDir, 'package.json');
  try {
    mkdirSync(dataDir, { recursive: true });
    if (!existsSync(file)) writeFileSync(file, '{"private":true,"type":"commonjs"}\n');
  } catch {
    /* read-only data dir: functions then see the host's package scope */
  }
}

function constant(value: string): () => string {
  return () => value;
}
