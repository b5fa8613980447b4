// Runtime catalog: which Lambda runtime names Nimbus can run on this machine and how to start
// each (interpreter binary, bootstrap file). Binary discovery is done once per binary and cached,
// so `runtimeAvailability` is cheap enough to call on every CreateFunction.
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { runtimesDir } from '../../paths.js';
import { installCommand, installNodeBinary, NODE_BINARY_PACKAGE } from './node-install.js';

export type RuntimeFamily = 'node' | 'python' | 'provided';

export interface RuntimeSpec {
  readonly runtime: string;
  readonly family: RuntimeFamily;
  /** Interpreter binary (absolute path); undefined for custom runtimes. */
  readonly binary?: string;
  /** Directory holding the bootstrap, exposed as LAMBDA_RUNTIME_DIR. */
  readonly runtimeDir?: string;
  /** Bootstrap file inside runtimeDir. */
  readonly bootstrapFile?: string;
  /** Value of AWS_EXECUTION_ENV (AWS sets none for OS-only runtimes). */
  readonly executionEnv?: string;
}

export type Availability = { ok: true } | { ok: false; reason: string };

export interface RuntimeCatalogOptions {
  readonly dataDir: string;
  /** Explicit Node binaries by major version, e.g. `{ 22: '/opt/node22/bin/node' }`. */
  readonly nodeBinaries?: Readonly<Record<number, string>>;
  /** Explicit python3 binary. */
  readonly pythonBinary?: string;
  /** PATH to search (defaults to Nimbus's own PATH). */
  readonly searchPath?: string;
  /**
   * Where Node binaries fetched from npm go, shared by every Nimbus of the user (a local command's
   * throwaway data dir too): `$NIMBUS_CACHE_DIR`, else `$XDG_CACHE_HOME/nimbus`, else `~/.cache/nimbus`.
   */
  readonly cacheDir?: string;
}

function defaultCacheDir(): string {
  return process.env.NIMBUS_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'nimbus');
}

const NODE_RUNTIME = /^nodejs(\d+)\.x$/;
const PYTHON_RUNTIME = /^python3\.(\d+)$/;
const PROVIDED_RUNTIMES = new Set(['provided', 'provided.al2', 'provided.al2023']);

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export class RuntimeCatalog {
  private readonly nodeByMajor = new Map<number, { binary?: string; looked: string[] }>();
  private python?: { binary?: string; looked: string[] };
  /** Node binaries being fetched from npm, by major. */
  private readonly installs = new Map<number, Promise<void>>();

  constructor(private readonly options: RuntimeCatalogOptions) {}

  /** Where `npm install --prefix <dir> node-<platform>-<arch>@N` puts a Node N for Nimbus to find. */
  nodeInstallDir(major: number): string {
    return join(this.options.dataDir, 'runtimes', `node${major}`);
  }

  /** Where a Node N that Nimbus fetches goes: the user's cache, else (not writable) the data dir. */
  private nodeCacheDir(major: number): string {
    const cache = this.options.cacheDir ?? defaultCacheDir();
    try {
      mkdirSync(cache, { recursive: true });
      accessSync(cache, constants.W_OK);
      return join(cache, 'runtimes', `node${major}`);
    } catch {
      return this.nodeInstallDir(major);
    }
  }

  /**
   * For a nodejs*.x runtime whose binary this machine lacks: fetches it (once per major, however
   * many functions ask) and resolves when it runs. Undefined when there is nothing to install.
   */
  install(runtime: string): Promise<void> | undefined {
    const node = NODE_RUNTIME.exec(runtime);
    if (!node) return undefined;
    const major = Number(node[1]);
    if (this.findNode(major).binary) return undefined;
    let pending = this.installs.get(major);
    if (!pending) {
      const dir = this.nodeCacheDir(major);
      pending = installNodeBinary(major, dir)
        .then(() => {
          this.nodeByMajor.delete(major);
          if (!this.findNode(major).binary) throw new Error(`the installed package has no Node.js ${major} binary`);
        })
        .catch((err: Error) => {
          throw new Error(`Nimbus could not install Node.js ${major} (${err.message}). Install it with \`${installCommand(major, dir)}\` or put node${major} on PATH.`);
        })
        .finally(() => this.installs.delete(major));
      pending.catch(() => {}); // a caller that stopped waiting (its request failed) must not crash Nimbus
      this.installs.set(major, pending);
    }
    return pending;
  }

  availability(runtime: string): Availability {
    const resolved = this.resolve(runtime);
    return 'reason' in resolved ? { ok: false, reason: resolved.reason } : { ok: true };
  }

  resolve(runtime: string): RuntimeSpec | { reason: string } {
    const node = NODE_RUNTIME.exec(runtime);
    if (node) {
      const major = Number(node[1]);
      const found = this.findNode(major);
      if (!found.binary) {
        return {
          reason:
            `Runtime ${runtime} needs a Node.js ${major} binary and none was found ` +
            `(looked at: ${found.looked.join(', ')}). Install one with ` +
            `\`${installCommand(major, this.nodeInstallDir(major))}\` or put node${major} on PATH.`,
        };
      }
      return {
        runtime,
        family: 'node',
        binary: found.binary,
        runtimeDir: join(runtimesDir, 'node'),
        bootstrapFile: 'bootstrap.mjs',
        executionEnv: `AWS_Lambda_${runtime}`,
      };
    }
    if (PYTHON_RUNTIME.test(runtime)) {
      const found = this.findPython();
      if (!found.binary) {
        return { reason: `Runtime ${runtime} needs python3 and none was found (looked at: ${found.looked.join(', ')}).` };
      }
      return {
        runtime,
        family: 'python',
        binary: found.binary,
        runtimeDir: join(runtimesDir, 'python'),
        bootstrapFile: 'bootstrap.py',
        executionEnv: `AWS_Lambda_${runtime}`,
      };
    }
    if (PROVIDED_RUNTIMES.has(runtime)) return { runtime, family: 'provided' };
    return { reason: `Runtime ${runtime} is not supported by Nimbus (supported: nodejs*.x, python3.x, provided.al2023, provided.al2).` };
  }

  private pathDirs(): string[] {
    return (this.options.searchPath ?? process.env.PATH ?? '').split(delimiter).filter(Boolean);
  }

  private findNode(major: number): { binary?: string; looked: string[] } {
    const cached = this.nodeByMajor.get(major);
    if (cached) return cached;
    const looked: string[] = [];
    const candidates: string[] = [];
    const explicit = this.options.nodeBinaries?.[major];
    if (explicit) candidates.push(explicit);
    // Nimbus's own node first: it is already known to work and costs no probe.
    if (Number(process.versions.node.split('.')[0]) === major) candidates.push(process.execPath);
    for (const installDir of [this.nodeInstallDir(major), join(this.options.cacheDir ?? defaultCacheDir(), 'runtimes', `node${major}`)]) {
      candidates.push(join(installDir, 'node_modules', NODE_BINARY_PACKAGE, 'bin', 'node'));
      candidates.push(join(installDir, 'node_modules', 'node', 'bin', 'node'));
    }
    for (const dir of this.pathDirs()) {
      candidates.push(join(dir, `node${major}`), join(dir, `node-${major}`), join(dir, 'node'));
    }
    let binary: string | undefined;
    for (const candidate of candidates) {
      if (looked.includes(candidate)) continue;
      looked.push(candidate);
      if (!existsSync(candidate) || !isExecutable(candidate)) continue;
      if (candidate === process.execPath ? Number(process.versions.node.split('.')[0]) === major : nodeMajor(candidate) === major) {
        binary = candidate;
        break;
      }
    }
    const result = binary ? { binary, looked } : { looked };
    this.nodeByMajor.set(major, result);
    return result;
  }

  private findPython(): { binary?: string; looked: string[] } {
    if (this.python) return this.python;
    const looked: string[] = [];
    const candidates = [this.options.pythonBinary, ...this.pathDirs().map((d) => join(d, 'python3'))].filter(
      (c): c is string => Boolean(c),
    );
    let binary: string | undefined;
    for (const candidate of candidates) {
      if (looked.includes(candidate)) continue;
      looked.push(candidate);
      if (!existsSync(candidate) || !isExecutable(candidate)) continue;
      // Resolve shims (pyenv, asdf) to the real interpreter once: a shim costs a shell per start.
      const probe = spawnSync(candidate, ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8', timeout: 10_000 });
      const real = probe.status === 0 ? probe.stdout.trim() : '';
      if (real && existsSync(real)) {
        binary = real;
        break;
      }
    }
    this.python = binary ? { binary, looked } : { looked };
    return this.python;
  }
}

function nodeMajor(binary: string): number | undefined {
  const probe = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000, env: {} });
  const match = /^v(\d+)\./.exec(probe.stdout ?? '');
  return match ? Number(match[1]) : undefined;
}
