import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Launcher, type LaunchedProcess } from './launcher.js';

const launchers: Launcher[] = [];
afterEach(() => {
  for (const l of launchers.splice(0)) l.close();
});

function launcher(): Launcher {
  const l = new Launcher();
  launchers.push(l);
  return l;
}

function text(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    stream.setEncoding('utf8');
    stream.on('data', (c: string) => (out += c));
    stream.on('end', () => resolve(out));
  });
}

/** Whether a process is gone or a zombie (its parent, the launcher, died: init reaps it) within 2 s. */
async function ended(pid: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      return true;
    }
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

const exit = (p: LaunchedProcess) => once(p, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;

describe('Launcher', () => {
  it('hands over a process with its pipes and channel, and reports its exit', async () => {
    const script = `const s = new (require('node:net').Socket)({ fd: 3 });
      s.on('data', (d) => { s.write('pong ' + d); console.log('out ' + process.cwd()); console.error('err ' + process.env.ONLY); setTimeout(() => process.exit(3), 20); });`;
    const p = await launcher().spawn(process.execPath, ['-e', script], { env: { ONLY: 'this' }, cwd: '/tmp', channel: true });
    expect(p.pid).toBeGreaterThan(0);
    const [out, err, exited] = [text(p.stdout), text(p.stderr), exit(p)];
    const pong = once(p.channel!, 'data');
    p.channel!.write('ping');
    expect(String((await pong)[0])).toBe('pong ping');
    expect(await exited).toEqual([3, null]);
    expect(await out).toBe('out /tmp\n');
    expect(await err).toBe('err this\n');
    expect(p.running).toBe(false);
  });

  it('loses nothing a process writes before Nimbus has its pipes', async () => {
    const l = launcher();
    const procs = await Promise.all(
      Array.from({ length: 8 }, () => l.spawn('/bin/sh', ['-c', 'printf first >&3; echo out; echo err >&2; sleep 0.3'], { env: {}, cwd: '/', channel: true })),
    );
    for (const p of procs) {
      const first = once(p.channel!, 'data');
      const [out, err] = [text(p.stdout), text(p.stderr)];
      expect(String((await first)[0])).toBe('first');
      expect(await out).toBe('out\n');
      expect(await err).toBe('err\n');
    }
  }, 10_000);

  it('starts the process in a process group of its own and reports the signal that ended it', async () => {
    const p = await launcher().spawn('/bin/sh', ['-c', 'sleep 30 & wait'], { env: {}, cwd: '/', channel: false });
    expect(p.channel).toBeUndefined();
    const exited = exit(p);
    process.kill(-p.pid!, 'SIGTERM');
    expect(await exited).toEqual([null, 'SIGTERM']);
  });

  it('emits error for a command that cannot be started', async () => {
    const p = await launcher().spawn('/nonexistent/bootstrap', [], { env: {}, cwd: '/', channel: true });
    const [err] = (await once(p, 'error')) as [Error];
    expect(err.message).toMatch(/ENOENT/);
    expect(p.pid).toBeUndefined();
  });

  it('ends the processes of a launcher that died, and starts a new launcher for the next one', async () => {
    const l = launcher();
    const p = await l.spawn('/bin/sleep', ['30'], { env: {}, cwd: '/', channel: false });
    const exited = exit(p);
    (l as unknown as { helper: ChildProcess }).helper.kill('SIGKILL');
    expect(await exited).toEqual([null, 'SIGKILL']);
    expect(await ended(p.pid!)).toBe(true); // really killed, not just reported
    const next = await l.spawn('/bin/sh', ['-c', 'exit 7'], { env: {}, cwd: '/', channel: false });
    expect(await exit(next)).toEqual([7, null]);
  });
});
