// Isolation strategies for execution environments, behind one interface: a plain child process,
// or bubblewrap (read-only root, private /tmp, no capabilities, own user/PID/IPC/UTS namespaces,
// Nimbus's data dir hidden). The pool asks the sandbox where things appear inside the
// environment (task root, runtime dir, /tmp) and how to wrap the command line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { SANDBOX_SDK_MODULES } from './runtime-sdk.js';

/** bwrap can mount over /opt only where the read-only root has one. */
const HOST_HAS_OPT = existsSync('/opt');

/**
 * `[bash, what /bin/sh really is]` when the host's /bin/sh is another shell (Debian's dash).
 * Every Lambda runtime runs on Amazon Linux, whose /bin/sh is bash: scripts written for Lambda
 * (the custom runtime tutorial's `#!/bin/sh` bootstrap with `set -o pipefail` and `function f ()`,
 * `child_process.exec`, `os.system`) fail under dash. The sandbox mounts bash over it.
 */
export function shellSwap(sh = '/bin/sh', bashCandidates = ['/bin/bash', '/usr/bin/bash']): [string, string] | undefined {
  try {
    const real = realpathSync(sh);
    if (basename(real) === 'bash') return undefined;
    const bash = bashCandidates.find((b) => existsSync(b));
    return bash ? [realpathSync(bash), real] : undefined;
  } catch {
    return undefined;
  }
}
const SHELL_SWAP = shellSwap();

/** Host paths of one environment. */
export interface SandboxMounts {
  /** Directory whose contents are the function's code (read-only inside). */
  readonly codeDir: string;
  /** Runtime bootstrap directory (read-only inside); undefined for custom runtimes. */
  readonly runtimeDir?: string;
  /** Private, writable directory that is the environment's /tmp. */
  readonly tmpDir: string;
  /** Interpreter binary (host path), when the runtime has one. */
  readonly binary?: string;
  /** The function's merged layers (read-only inside, at /opt where the sandbox can mount it). */
  readonly optDir?: string;
}

export interface Sandbox {
  readonly name: 'bwrap' | 'process';
  describe(): string;
  /** Paths as the function sees them. */
  taskRoot(mounts: SandboxMounts): string;
  runtimeDir(mounts: SandboxMounts): string | undefined;
  tmpDir(mounts: SandboxMounts): string;
  /** Where the layers appear inside the environment. */
  optDir(mounts: SandboxMounts): string;
  /** The interpreter's path inside the environment. */
  binary(mounts: SandboxMounts): string | undefined;
  /** Wraps `argv` (already using inside paths) into the command to spawn. */
  wrap(argv: readonly string[], mounts: SandboxMounts): string[];
}

export class ProcessSandbox implements Sandbox {
  readonly name = 'process' as const;
  describe(): string {
    return 'isolation: plain child processes, no sandbox: functions share the host filesystem view';
  }
  taskRoot(m: SandboxMounts): string {
    return m.codeDir;
  }
  runtimeDir(m: SandboxMounts): string | undefined {
    return m.runtimeDir;
  }
  tmpDir(m: SandboxMounts): string {
    return m.tmpDir;
  }
  /** No mount namespace, so no /opt of its own: the merged folder is named where /opt would be. */
  optDir(m: SandboxMounts): string {
    return m.optDir ?? '/opt';
  }
  binary(m: SandboxMounts): string | undefined {
    return m.binary;
  }
  wrap(argv: readonly string[]): string[] {
    return [...argv];
  }
}

export class BwrapSandbox implements Sandbox {
  readonly name = 'bwrap' as const;
  constructor(
    private readonly bwrap: string,
    /** Host directories no function may see (Nimbus's data dir, the code store…). */
    private readonly hidden: readonly string[],
    /** Host node_modules holding the runtime's AWS SDK (see runtime-sdk.ts). */
    private readonly sdkModules?: string,
  ) {}

  describe(): string {
    return 'isolation: bubblewrap (read-only root, private /tmp, no capabilities, user/PID/IPC/UTS namespaces, data dir hidden)';
  }
  taskRoot(): string {
    return '/var/task';
  }
  runtimeDir(m: SandboxMounts): string | undefined {
    return m.runtimeDir ? '/var/runtime' : undefined;
  }
  tmpDir(): string {
    return '/tmp';
  }
  optDir(): string {
    return '/opt';
  }
  binary(m: SandboxMounts): string | undefined {
    // An interpreter the sandbox would not show (a Node from npm under the data dir or a cache in
    // /tmp) is mounted at /var/lang, where AWS keeps its runtimes' interpreters.
    const lang = this.langDir(m);
    return lang && m.binary ? `/var/lang/bin/${basename(m.binary)}` : m.binary;
  }

  private langDir(m: SandboxMounts): string | undefined {
    if (!m.binary) return undefined;
    const unseen = [...this.hidden, '/tmp', '/var'].some((dir) => m.binary!.startsWith(dir.endsWith('/') ? dir : dir + '/'));
    return unseen ? dirname(dirname(m.binary)) : undefined;
  }

  wrap(argv: readonly string[], m: SandboxMounts): string[] {
    const args = [
      this.bwrap,
      '--unshare-user',
      '--unshare-pid',
      '--unshare-ipc',
      '--unshare-uts',
      '--unshare-cgroup-try',
      '--die-with-parent',
      '--new-session',
      '--cap-drop',
      'ALL',
      '--ro-bind',
      '/',
      '/',
    ];
    // Hide first: later binds take their sources from the host, so they still work.
    for (const dir of this.hidden) args.push('--tmpfs', dir);
    args.push('--dev', '/dev', '--proc', '/proc', '--tmpfs', '/var');
    if (SHELL_SWAP) args.push('--ro-bind', SHELL_SWAP[0], SHELL_SWAP[1]);
    args.push('--ro-bind', m.codeDir, '/var/task');
    // /opt holds the layers and nothing else, as on AWS; the host's /opt stays only when the
    // interpreter itself lives there.
    if (m.optDir && HOST_HAS_OPT && !(m.binary?.startsWith('/opt/') ?? false)) args.push('--ro-bind', m.optDir, '/opt');
    if (m.runtimeDir) args.push('--ro-bind', m.runtimeDir, '/var/runtime');
    const lang = this.langDir(m);
    if (lang) args.push('--ro-bind', lang, '/var/lang');
    if (this.sdkModules) {
      // `@aws-sdk` in /var/node_modules: found from /var/task after the function's own modules.
      args.push('--ro-bind', this.sdkModules, SANDBOX_SDK_MODULES, '--dir', '/var/node_modules');
      args.push('--symlink', `${SANDBOX_SDK_MODULES}/@aws-sdk`, '/var/node_modules/@aws-sdk');
    }
    args.push('--bind', m.tmpDir, '/tmp', '--chdir', '/var/task', '--');
    args.push(...argv);
    return args;
  }
}

/** Finds bwrap and checks it really works here (user namespaces may be disabled). */
export function probeBwrap(): string | undefined {
  for (const candidate of ['/usr/bin/bwrap', '/usr/local/bin/bwrap', '/bin/bwrap']) {
    if (!existsSync(candidate)) continue;
    const scratch = mkdtempSync(join(tmpdir(), 'nimbus-bwrap-probe-'));
    try {
      const sandbox = new BwrapSandbox(candidate, []);
      const argv = sandbox.wrap(['/bin/sh', '-c', 'test -d /var/task && echo ok > /tmp/probe && cat /tmp/probe'], {
        codeDir: scratch,
        tmpDir: scratch,
      });
      const result = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 10_000, env: {} });
      if (result.status === 0 && result.stdout.trim() === 'ok') return candidate;
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  return undefined;
}
