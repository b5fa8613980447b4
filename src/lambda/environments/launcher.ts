// Starts execution environments' processes from a small helper process (launcher-process.cjs)
// instead of from Nimbus itself. A spawn blocks the spawning event loop for as long as the fork
// takes, which grows with the process's memory (measured here: 1.5 ms at 45 MB, 13 ms at 255 MB,
// 32 ms at 680 MB): from Nimbus, every cold start and every spare started stalled all requests in
// flight. The launcher starts each process and hands its pipes over to Nimbus; Nimbus reads,
// writes and kills the process as its own (it runs in its own process group).
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { packageRoot } from '../../paths.js';

const LAUNCHER_SCRIPT = join(packageRoot, 'src', 'lambda', 'environments', 'launcher-process.cjs');

export interface LaunchOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Whether the process gets a socket pair as file descriptor 3 (Nimbus's runtime channel). */
  readonly channel: boolean;
}

/**
 * A process the launcher started: what Environment needs of a ChildProcess. Emits 'exit'
 * (code, signal) once, and 'error' (err) when the process could not be started.
 */
export class LaunchedProcess extends EventEmitter {
  pid: number | undefined;
  stdout: Readable = ended();
  stderr: Readable = ended();
  channel: Socket | undefined;
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;

  get running(): boolean {
    return this.pid !== undefined && this.exitCode === null && this.signalCode === null;
  }

  exited(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.exitCode !== null || this.signalCode !== null) return;
    this.exitCode = code;
    this.signalCode = signal;
    this.emit('exit', code, signal);
  }
}

interface Starting {
  readonly proc: LaunchedProcess;
  /** Handles still to arrive before the process is handed to its caller. */
  missing: number;
  readonly resolve: (proc: LaunchedProcess) => void;
}

type LauncherMessage =
  | { op: 'started'; id: number; pid: number }
  | { op: 'stderr' | 'channel'; id: number }
  | { op: 'exit'; id: number; code: number | null; signal: NodeJS.Signals | null }
  | { op: 'error'; id: number; message: string };

export class Launcher {
  private helper: ChildProcess | undefined;
  private nextId = 1;
  private readonly starting = new Map<number, Starting>();
  private readonly running = new Map<number, LaunchedProcess>();
  private closed = false;

  /**
   * Starts `command` as Node's spawn would (detached, stdin ignored, stdout and stderr piped).
   * Resolves once its pipes are Nimbus's; a process that could not be started resolves too and
   * then emits 'error', as a ChildProcess does.
   */
  spawn(command: string, args: readonly string[], options: LaunchOptions): Promise<LaunchedProcess> {
    const proc = new LaunchedProcess();
    if (this.closed) return Promise.resolve(failed(proc, 'the environment launcher is closed'));
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.starting.set(id, { proc, missing: options.channel ? 3 : 2, resolve });
      this.ensureHelper().send({ op: 'spawn', id, command, args, env: options.env, cwd: options.cwd, channel: options.channel });
    });
  }

  close(): void {
    this.closed = true;
    this.helper?.kill();
    this.helper = undefined;
  }

  private ensureHelper(): ChildProcess {
    if (this.helper) return this.helper;
    // No NODE_OPTIONS or flags of Nimbus's own (a profiler, a heap size): the helper stays small.
    const helper = fork(LAUNCHER_SCRIPT, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [], env: {} });
    helper.on('message', (msg: LauncherMessage, handle?: Socket) => this.onMessage(msg, handle));
    helper.once('exit', () => this.helperGone(helper));
    helper.on('error', () => {}); // a failed send ends in 'exit' as well
    // Neither the helper nor its channel keeps Nimbus alive; environments have handles of their own.
    helper.unref();
    (helper.channel as { unref?: () => void } | undefined)?.unref?.();
    this.helper = helper;
    return helper;
  }

  private onMessage(msg: LauncherMessage, handle: Socket | undefined): void {
    if (msg.op === 'exit') {
      const proc = this.running.get(msg.id);
      this.running.delete(msg.id);
      proc?.exited(msg.code, msg.signal);
      return;
    }
    const start = this.starting.get(msg.id);
    if (!start) {
      handle?.destroy();
      return;
    }
    const proc = start.proc;
    switch (msg.op) {
      case 'error':
        this.starting.delete(msg.id);
        start.resolve(failed(proc, msg.message));
        return;
      case 'started':
        proc.pid = msg.pid;
        this.running.set(msg.id, proc);
        if (handle) proc.stdout = handle;
        break;
      case 'stderr':
        if (handle) proc.stderr = handle;
        break;
      case 'channel':
        proc.channel = handle;
        break;
    }
    if (--start.missing === 0) {
      this.starting.delete(msg.id);
      start.resolve(proc);
    }
  }

  /** Without its launcher nobody would learn when a process exits: they are ended now. */
  private helperGone(helper: ChildProcess): void {
    if (this.helper === helper) this.helper = undefined;
    for (const [id, start] of this.starting) {
      this.starting.delete(id);
      if (start.proc.pid !== undefined) killGroup(start.proc.pid);
      start.resolve(failed(start.proc, 'the environment launcher exited'));
    }
    for (const [id, proc] of this.running) {
      this.running.delete(id);
      if (proc.pid !== undefined) killGroup(proc.pid);
      proc.exited(null, 'SIGKILL');
    }
  }
}

/** Kills a process started by the launcher and everything it started (its process group). */
export function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

function ended(): Readable {
  const stream = new PassThrough();
  stream.end();
  return stream;
}

/** A process that never started: its 'error' comes once the caller has its listeners on. */
function failed(proc: LaunchedProcess, message: string): LaunchedProcess {
  proc.pid = undefined;
  setImmediate(() => proc.emit('error', new Error(message)));
  return proc;
}
