// Memory and process-count limits for execution environments. Prefers a cgroup per environment
// (v2 `memory.max`, or v1 `memory.limit_in_bytes` + `pids.max`), probed once at start-up; falls back
// to rlimits (`ulimit -v` for non-Node runtimes) plus V8's heap limit for Node when no cgroup
// hierarchy is writable. The cgroup is joined by a tiny /bin/sh prefix before the runtime execs,
// so every byte the function allocates is charged from its first instruction.
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type MemoryMode = 'cgroup-v2' | 'cgroup-v1' | 'rlimit';

/** Per-environment handle on its limits. */
export interface LimitCell {
  /** Shell snippet (run by /bin/sh before exec) that joins the cgroups; '' when none. */
  readonly joinScript: string;
  setMemoryLimit(mb: number): void;
  /** Peak memory charged to the environment, in bytes, when the mechanism can tell. */
  peakBytes(): number | undefined;
  /** True when the kernel OOM-killed something in this environment. */
  oomKilled(): boolean;
  /** Processes in the environment, when the mechanism tracks them. */
  pids(): number[] | undefined;
  /** Sends SIGKILL to every process charged to the environment (catches escaped forks). */
  killAll(): void;
  destroy(): void;
}

export interface Limiter {
  readonly mode: MemoryMode;
  describe(): string;
  createCell(envId: string): LimitCell;
  /** Node flags to pass when memory cannot be enforced by a cgroup. */
  nodeFlags(memoryMb: number): string[];
  /** Shell snippet applying rlimits for non-Node runtimes when no cgroup applies. */
  rlimitScript(memoryMb: number, family: string): string;
  close(): void;
}

const PIDS_MAX = 1024; // AWS's documented limit on processes/threads per environment

function tryWrite(file: string, value: string): boolean {
  try {
    writeFileSync(file, value);
    return true;
  } catch {
    return false;
  }
}

/**
 * A counter file read on every invocation (the memory peak): kept open and re-read with pread,
 * which regenerates cgroup files, saving an open/close pair on the warm path.
 */
class CounterFile {
  private fd?: number;
  private readonly buf = Buffer.alloc(32);
  constructor(private readonly file: string) {}
  read(): number | undefined {
    try {
      this.fd ??= openSync(this.file, 'r');
      const n = readSync(this.fd, this.buf, 0, this.buf.length, 0);
      const value = Number(this.buf.toString('latin1', 0, n).trim());
      return Number.isFinite(value) ? value : undefined;
    } catch {
      return undefined;
    }
  }
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

function readNumber(file: string): number | undefined {
  try {
    const n = Number(readFileSync(file, 'utf8').trim());
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

function procsIn(dir: string): number[] {
  try {
    return readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function killProcsIn(dir: string): void {
  let text: string;
  try {
    text = readFileSync(join(dir, 'cgroup.procs'), 'utf8');
  } catch {
    return;
  }
  for (const line of text.split('\n')) {
    const pid = Number(line);
    if (pid > 0 && pid !== process.pid) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
}

function removeCgroup(dir: string): void {
  // rmdir fails while processes remain; the caller kills them first, retry briefly.
  for (let i = 0; i < 3; i++) {
    try {
      rmdirSync(dir);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      killProcsIn(dir);
    }
  }
}

/** Own cgroup path for a v1 controller (or v2 when controller is ''), from /proc/self/cgroup. */
function ownCgroupPath(controller: string): string | undefined {
  try {
    for (const line of readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
      const [, controllers, path] = line.split(':');
      if (controllers === undefined || path === undefined) continue;
      if (controller === '' ? line.startsWith('0::') : controllers.split(',').includes(controller)) return path;
    }
  } catch {
    /* not Linux */
  }
  return undefined;
}

/** Removes `nimbus-<pid>` cgroups left by Nimbus processes that no longer exist (after kill -9). */
function removeStaleParents(base: string): void {
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = /^nimbus-(\d+)(?:-\d+)?$/.exec(name)?.[1];
    if (!pid || Number(pid) === process.pid || existsSync(`/proc/${pid}`)) continue;
    const dir = join(base, name);
    try {
      for (const child of readdirSync(dir, { withFileTypes: true })) if (child.isDirectory()) removeCgroup(join(dir, child.name));
    } catch {
      /* raced */
    }
    removeCgroup(dir);
  }
}

let parentSequence = 0;

/**
 * Creates `nimbus-<pid>-<n>` under the first writable candidate; returns it or undefined. One per
 * pool, so several pools in one process (tests, embedders) never remove each other's cgroups.
 */
function makeParent(candidates: string[], probeFile: string): string | undefined {
  const name = `nimbus-${process.pid}-${++parentSequence}`;
  for (const base of candidates) {
    removeStaleParents(base);
    const dir = join(base, name);
    try {
      mkdirSync(dir, { recursive: true });
      if (existsSync(join(dir, probeFile))) return dir;
      rmdirSync(dir);
    } catch {
      /* not writable here */
    }
  }
  return undefined;
}

class CgroupV1Limiter implements Limiter {
  readonly mode = 'cgroup-v1' as const;
  constructor(
    private readonly memoryParent: string,
    private readonly pidsParent: string | undefined,
  ) {}

  describe(): string {
    return (
      `memory: cgroup v1 memory.limit_in_bytes per environment (${this.memoryParent})` +
      (this.pidsParent ? `; processes: cgroup v1 pids.max ${PIDS_MAX}` : '')
    );
  }

  createCell(envId: string): LimitCell {
    const mem = join(this.memoryParent, envId);
    mkdirSync(mem);
    let pids: string | undefined;
    if (this.pidsParent) {
      pids = join(this.pidsParent, envId);
      try {
        mkdirSync(pids);
        tryWrite(join(pids, 'pids.max'), String(PIDS_MAX));
      } catch {
        pids = undefined;
      }
    }
    const hasMemsw = existsSync(join(mem, 'memory.memsw.limit_in_bytes'));
    const peak = new CounterFile(join(mem, 'memory.max_usage_in_bytes'));
    const dirs = pids ? [mem, pids] : [mem];
    const baseOom = 0;
    return {
      joinScript: dirs.map((d) => `echo $$ > '${d}/cgroup.procs' || exit 125; `).join(''),
      setMemoryLimit: (mb) => {
        const bytes = String(mb * 1024 * 1024);
        // memsw must stay >= limit: raise memsw first when growing, lower limit first when shrinking.
        if (hasMemsw) tryWrite(join(mem, 'memory.memsw.limit_in_bytes'), '-1');
        if (!tryWrite(join(mem, 'memory.limit_in_bytes'), bytes)) throw new Error(`cannot set memory limit on ${mem}`);
        if (hasMemsw) tryWrite(join(mem, 'memory.memsw.limit_in_bytes'), bytes);
      },
      peakBytes: () => peak.read(),
      pids: () => procsIn(mem),
      oomKilled: () => {
        try {
          const text = readFileSync(join(mem, 'memory.oom_control'), 'utf8');
          const m = /oom_kill (\d+)/.exec(text);
          if (m) return Number(m[1]) > baseOom;
        } catch {
          /* fall through */
        }
        return (readNumber(join(mem, 'memory.failcnt')) ?? 0) > 0;
      },
      killAll: () => {
        for (const d of dirs) killProcsIn(d);
      },
      destroy: () => {
        peak.close();
        for (const d of dirs) removeCgroup(d);
      },
    };
  }

  nodeFlags(): string[] {
    return [];
  }

  rlimitScript(): string {
    return '';
  }

  close(): void {
    removeCgroup(this.memoryParent);
    if (this.pidsParent) removeCgroup(this.pidsParent);
  }
}

class CgroupV2Limiter implements Limiter {
  readonly mode = 'cgroup-v2' as const;
  constructor(private readonly parent: string) {}

  describe(): string {
    return `memory: cgroup v2 memory.max per environment (${this.parent}); processes: pids.max ${PIDS_MAX}`;
  }

  createCell(envId: string): LimitCell {
    const dir = join(this.parent, envId);
    mkdirSync(dir);
    tryWrite(join(dir, 'pids.max'), String(PIDS_MAX));
    tryWrite(join(dir, 'memory.swap.max'), '0');
    const peak = new CounterFile(join(dir, 'memory.peak'));
    return {
      joinScript: `echo $$ > '${dir}/cgroup.procs' || exit 125; `,
      setMemoryLimit: (mb) => {
        if (!tryWrite(join(dir, 'memory.max'), String(mb * 1024 * 1024))) throw new Error(`cannot set memory.max on ${dir}`);
      },
      peakBytes: () => peak.read(),
      pids: () => procsIn(dir),
      oomKilled: () => {
        try {
          const m = /oom_kill (\d+)/.exec(readFileSync(join(dir, 'memory.events'), 'utf8'));
          return m !== null && Number(m[1]) > 0;
        } catch {
          return false;
        }
      },
      killAll: () => {
        if (!tryWrite(join(dir, 'cgroup.kill'), '1')) killProcsIn(dir);
      },
      destroy: () => {
        peak.close();
        removeCgroup(dir);
      },
    };
  }

  nodeFlags(): string[] {
    return [];
  }

  rlimitScript(): string {
    return '';
  }

  close(): void {
    removeCgroup(this.parent);
  }
}

class RlimitLimiter implements Limiter {
  readonly mode = 'rlimit' as const;

  describe(): string {
    return 'memory: no writable cgroup; Node heap capped with --max-old-space-size, other runtimes with ulimit -v (address space)';
  }

  createCell(): LimitCell {
    return {
      joinScript: '',
      setMemoryLimit: () => {},
      peakBytes: () => undefined,
      pids: () => undefined,
      oomKilled: () => false,
      killAll: () => {},
      destroy: () => {},
    };
  }

  nodeFlags(memoryMb: number): string[] {
    // V8's old space at ~90% of the function's memory, leaving room for code and buffers.
    return [`--max-old-space-size=${Math.max(16, Math.floor(memoryMb * 0.9))}`];
  }

  rlimitScript(memoryMb: number, family: string): string {
    if (family === 'node') return ''; // V8 reserves far more address space than it uses
    // Address-space limits count reservations, not use: give headroom so runtimes start.
    return `ulimit -v ${(memoryMb + 256) * 1024} 2>/dev/null; `;
  }

  close(): void {}
}

/** Probes the machine once and returns the strongest limiter that actually works. */
export function createLimiter(options: { disableCgroups?: boolean } = {}): Limiter {
  if (!options.disableCgroups && process.platform === 'linux') {
    const v2 = probeV2();
    if (v2) return v2;
    const v1 = probeV1();
    if (v1) return v1;
  }
  return new RlimitLimiter();
}

function probeV1(): Limiter | undefined {
  const root = '/sys/fs/cgroup/memory';
  if (!existsSync(join(root, 'memory.limit_in_bytes')) && !existsSync(join(root, 'cgroup.procs'))) return undefined;
  const own = ownCgroupPath('memory');
  const candidates = [own ? join(root, own) : undefined, root].filter((c): c is string => Boolean(c));
  const parent = makeParent(candidates, 'memory.limit_in_bytes');
  if (!parent) return undefined;
  // Probe: a child cgroup must accept a limit.
  const probe = join(parent, 'probe');
  try {
    mkdirSync(probe);
    const ok = tryWrite(join(probe, 'memory.limit_in_bytes'), String(64 * 1024 * 1024));
    rmdirSync(probe);
    if (!ok) throw new Error('not writable');
  } catch {
    removeCgroup(parent);
    return undefined;
  }
  const pidsRoot = '/sys/fs/cgroup/pids';
  let pidsParent: string | undefined;
  if (existsSync(join(pidsRoot, 'cgroup.procs'))) {
    const ownPids = ownCgroupPath('pids');
    pidsParent = makeParent([ownPids ? join(pidsRoot, ownPids) : undefined, pidsRoot].filter((c): c is string => Boolean(c)), 'pids.max');
  }
  return new CgroupV1Limiter(parent, pidsParent);
}

function probeV2(): Limiter | undefined {
  const root = '/sys/fs/cgroup';
  let controllers: string;
  try {
    controllers = readFileSync(join(root, 'cgroup.controllers'), 'utf8');
  } catch {
    return undefined;
  }
  if (!controllers.split(/\s+/).includes('memory')) return undefined;
  const own = ownCgroupPath('');
  // A v2 cgroup with processes cannot delegate controllers to children ("no internal processes"),
  // so try our parent's level too; in containers the root is often ours to use.
  const candidates = [own ? join(root, own, '..') : undefined, root].filter((c): c is string => Boolean(c));
  for (const base of candidates) {
    tryWrite(join(base, 'cgroup.subtree_control'), '+memory +pids');
    const parent = makeParent([base], 'cgroup.procs');
    if (!parent) continue;
    tryWrite(join(parent, 'cgroup.subtree_control'), '+memory +pids');
    const probe = join(parent, 'probe');
    try {
      mkdirSync(probe);
      const ok = tryWrite(join(probe, 'memory.max'), String(64 * 1024 * 1024));
      rmdirSync(probe);
      if (ok) return new CgroupV2Limiter(parent);
    } catch {
      /* try next */
    }
    removeCgroup(parent);
  }
  return undefined;
}
