// Limits and faults: timeout, crash, out of memory, stdout flood, forks, private /tmp and its size,
// isolation between functions. None of these may harm Nimbus or another function.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { image, json, request, setup, writeCode } from './lambda-env-fixtures.js';

describe.each(['auto', 'process'] as const)('execution environment limits (isolation: %s)', (isolation) => {
  let env: ReturnType<typeof setup>;
  beforeAll(() => {
    env = setup({ isolation });
  });
  afterAll(async () => {
    await env.dispose();
  });

  it('describes how limits are enforced', () => {
    const text = env.pool.describeLimits();
    expect(text).toMatch(/memory: /);
    expect(text).toMatch(/isolation: /);
  });

  it('kills a function at its timeout with Sandbox.Timedout, and the next invocation is cold', async () => {
    const code = writeCode(env.dataDir, {
      'index.mjs': `export const handler = async (e) => { if (e.hang) { setInterval(() => {}, 1000); await new Promise(() => {}); } return 'ok'; };`,
    });
    const img = image(code, { timeoutSeconds: 1 });
    const req = request(img, { hang: true }, { tailLogs: true });
    const result = await env.pool.invoke(req);
    expect(result.functionError).toBe('Unhandled');
    expect(json(result.payload)).toEqual({
      errorType: 'Sandbox.Timedout',
      errorMessage: `RequestId: ${req.requestId} Error: Task timed out after 1.00 seconds`,
    });
    const tail = Buffer.from(result.logTail!, 'base64').toString();
    expect(tail).toMatch(new RegExp(`${req.requestId} Task timed out after 1\\.00 seconds`));
    expect(tail).toMatch(/REPORT RequestId: .*Status: timeout/);
    const next = await env.pool.invoke(request(img));
    expect(json(next.payload)).toBe('ok');
    expect(next.initDurationMs).toBeDefined();
  });

  it('reports a crashing runtime as Runtime.ExitError with its exit status', async () => {
    const code = writeCode(env.dataDir, { 'index.mjs': `export const handler = async (e) => { if (e.exit !== undefined) process.exit(e.exit); return 'alive'; };` });
    const img = image(code);
    const req = request(img, { exit: 3 });
    const crashed = await env.pool.invoke(req);
    expect(crashed.functionError).toBe('Unhandled');
    expect(json(crashed.payload)).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: `RequestId: ${req.requestId} Error: Runtime exited with error: exit status 3`,
    });
    const zero = request(img, { exit: 0 });
    expect(json((await env.pool.invoke(zero)).payload)).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: `RequestId: ${zero.requestId} Error: Runtime exited without providing a reason`,
    });
    expect(json((await env.pool.invoke(request(img))).payload)).toBe('alive');
  });

  it('survives a function that writes garbage into its runtime channel: that invocation fails, the next runs', async () => {
    const code = writeCode(env.dataDir, {
      'index.mjs': `import { writeSync } from 'node:fs'; export const handler = async (e) => { if (e.garble) writeSync(3, '\\xff'.repeat(64)); return 'alive'; };`,
    });
    const img = image(code);
    const garbled = await env.pool.invoke(request(img, { garble: true }));
    expect(garbled.functionError).toBe('Unhandled');
    expect(json(garbled.payload).errorType).toBe('Runtime.ExitError');
    expect(json((await env.pool.invoke(request(img))).payload)).toBe('alive');
  });

  it('reports an uncaught exception and an unhandled rejection against the invocation', async () => {
    const code = writeCode(env.dataDir, {
      'index.mjs': `export const handler = async (e) => {
        if (e.kind === 'throw') setTimeout(() => { throw new RangeError('late'); }, 0);
        else Promise.reject(new Error('nobody catches me'));
        await new Promise((r) => setTimeout(r, 2000));
        return 'unreachable';
      };`,
    });
    const img = image(code);
    const thrown = json((await env.pool.invoke(request(img, { kind: 'throw' }))).payload);
    expect(thrown).toMatchObject({ errorType: 'RangeError', errorMessage: 'late' });
    const rejected = json((await env.pool.invoke(request(img, { kind: 'reject' }))).payload);
    expect(rejected).toMatchObject({ errorType: 'Runtime.UnhandledPromiseRejection', errorMessage: 'Error: nobody catches me' });
  });

  it('does not blame the next invocation for an exception thrown after a response', async () => {
    const code = writeCode(env.dataDir, {
      'index.mjs': `export const handler = async (e) => { if (e.later) setTimeout(() => { throw new Error('after the response'); }, 20); return 'ok'; };`,
    });
    const img = image(code);
    expect(json((await env.pool.invoke(request(img, { later: true }))).payload)).toBe('ok');
    await new Promise((r) => setTimeout(r, 300)); // let the runtime die between invocations
    const next = await env.pool.invoke(request(img));
    expect(next.functionError).toBeUndefined();
    expect(json(next.payload)).toBe('ok');
  });

  it('stops a function that exceeds its memory with Runtime.OutOfMemory (cgroups) or a heap error, leaving Nimbus alive', async () => {
    const code = writeCode(env.dataDir, {
      'index.mjs': `const hog = []; export const handler = async (e) => { if (e.eat) for (;;) hog.push(Buffer.alloc(8 * 1024 * 1024, 1)); return 'fine'; };`,
    });
    const img = image(code, { memorySizeMb: 128, timeoutSeconds: 20 });
    const req = request(img, { eat: true });
    const before = env.sink.events.length;
    const result = await env.pool.invoke(req);
    expect(result.functionError).toBe('Unhandled');
    const err = json(result.payload);
    if (env.pool.describeLimits().includes('cgroup')) {
      expect(err).toEqual({
        errorType: 'Runtime.OutOfMemory',
        errorMessage: `RequestId: ${req.requestId} Error: Runtime exited with error: signal: killed`,
      });
      const report = env.sink.events.slice(before).find((e) => e.message.startsWith(`REPORT RequestId: ${req.requestId}`));
      expect(Number(/Max Memory Used: (\d+) MB/.exec(report!.message)![1])).toBeGreaterThanOrEqual(120);
    } else {
      expect(err.errorType).toMatch(/^Runtime\./);
    }
    expect(json((await env.pool.invoke(request(img))).payload)).toBe('fine');
  });

  it('survives a stdout flood, keeping every line until the function returns', async () => {
    const code = writeCode(env.dataDir, {
      'index.mjs': `export const handler = async (e) => { const line = 'x'.repeat(99) + '\\n'; for (let i = 0; i < e.lines; i++) process.stdout.write(line); process.stdout.write('a very long line ' + 'y'.repeat(300000) + '\\n'); return 'flooded'; };`,
    });
    const img = image(code, { timeoutSeconds: 30 });
    const before = env.sink.events.length;
    const result = await env.pool.invoke(request(img, { lines: 200000 }, { tailLogs: true }));
    expect(json(result.payload)).toBe('flooded');
    const mine = env.sink.events.slice(before).filter((e) => e.group === img.logGroupName);
    expect(mine.filter((e) => e.message.startsWith('xxxx')).length).toBe(200000);
    // Lines longer than a CloudWatch event are split, never dropped.
    expect(mine.filter((e) => e.message.startsWith('a very long line')).length).toBe(1);
    expect(mine.reduce((m, e) => Math.max(m, e.message.length), 0)).toBeLessThanOrEqual(256 * 1024);
    expect(Buffer.from(result.logTail!, 'base64').length).toBeLessThanOrEqual(4096);
    // Batched: far fewer sink calls than lines.
    expect(env.sink.calls).toBeLessThan(1000);
  });

  it('kills forked children with the environment', async () => {
    // A duration no other process on a shared machine is likely to sleep, to find only ours.
    const duration = `300.${process.pid}${Date.now() % 100000}`;
    const code = writeCode(env.dataDir, {
      'index.mjs': `import { spawn } from 'node:child_process';
        export const handler = async () => {
          const child = spawn('/bin/sh', ['-c', 'sleep ${duration}'], { detached: true, stdio: 'ignore' });
          child.unref();
          setInterval(() => {}, 1000);
          await new Promise(() => {});
        };`,
    });
    const img = image(code, { timeoutSeconds: 1 });
    const result = await env.pool.invoke(request(img));
    expect(json(result.payload).errorType).toBe('Sandbox.Timedout');
    await env.pool.retire(img.accountId, img.region, img.functionName);
    // No `sleep` started by this test survives (SIGKILL lands when the process next runs).
    const survivors = () =>
      readdirSync('/proc')
        .filter((p) => /^\d+$/.test(p))
        .filter((p) => {
          try {
            return readFileSync(`/proc/${p}/cmdline`, 'utf8') === `sleep\u0000${duration}\u0000`;
          } catch {
            return false;
          }
        });
    for (let i = 0; i < 100 && survivors().length > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(survivors()).toEqual([]);
  });

  it("refuses Runtime API connections from outside the environment (no stealing another function's events)", async () => {
    const victim = image(writeCode(env.dataDir, { 'index.mjs': `export const handler = async () => process.env.AWS_LAMBDA_RUNTIME_API;` }));
    const victimApi = json((await env.pool.invoke(request(victim))).payload);
    const thief = image(
      writeCode(env.dataDir, {
        'index.mjs': `import http from 'node:http';
          export const handler = async (e) => new Promise((resolve) => {
            const req = http.get('http://' + e.api + '/2018-06-01/runtime/invocation/next', (res) => resolve('got ' + res.statusCode));
            req.on('error', (err) => resolve('refused: ' + err.code));
            req.setTimeout(2000, () => { req.destroy(); resolve('timeout'); });
          });`,
      }),
    );
    const outcome = json((await env.pool.invoke(request(thief, { api: victimApi }))).payload);
    expect(outcome).toMatch(/^refused: /);
    // The victim is unaffected.
    expect(json((await env.pool.invoke(request(victim))).payload)).toBe(victimApi);
  });

  it('gives each environment a private /tmp, and enforces the ephemeral storage size', async () => {
    const code = writeCode(env.dataDir, {
      'index.mjs': `import { writeFileSync, readdirSync, openSync, writeSync, closeSync } from 'node:fs';
        import { tmpdir } from 'node:os';
        export const handler = async (e) => {
          if (e.fill) { const fd = openSync(tmpdir() + '/big', 'w'); const chunk = Buffer.alloc(16 << 20, 7);
            for (let i = 0; i < e.fill; i++) writeSync(fd, chunk); closeSync(fd); await new Promise((r) => setTimeout(r, 3000)); return 'filled'; }
          const before = readdirSync(tmpdir());
          writeFileSync(tmpdir() + '/' + e.name, 'x');
          return { tmp: tmpdir(), before };
        };`,
    });
    const a = image(code, { functionName: 'tmp-a' });
    const b = image(code, { functionName: 'tmp-b' });
    const ra = json((await env.pool.invoke(request(a, { name: 'from-a' }))).payload);
    const rb = json((await env.pool.invoke(request(b, { name: 'from-b' }))).payload);
    expect(ra.before).toEqual([]);
    expect(rb.before).toEqual([]);
    const again = json((await env.pool.invoke(request(a, { name: 'second' }))).payload);
    expect(again.before).toEqual(['from-a']);

    const big = image(code, { functionName: 'tmp-big', timeoutSeconds: 30 });
    const req = request(big, { fill: 34 }); // 544 MB > 512 MB
    const filled = await env.pool.invoke(req);
    expect(filled.functionError).toBe('Unhandled');
    expect(json(filled.payload).errorMessage).toMatch(/ephemeral storage \(512 MB\)/);
  });

  it('under bubblewrap, a function sees only its own code and not the data dir', async () => {
    if (!env.pool.describeLimits().includes('bubblewrap')) return; // plain processes: nothing to prove
    const secret = writeCode(env.dataDir, { 'index.mjs': `export const handler = async () => 'secret code';`, 'secret.txt': 'top secret' });
    const code = writeCode(env.dataDir, {
      'index.mjs': `import { readFileSync, readdirSync, existsSync, writeFileSync } from 'node:fs';
        export const handler = async (e) => {
          let canWrite = true; try { writeFileSync('/var/task/x', '1'); } catch { canWrite = false; }
          let canWriteRoot = true; try { writeFileSync('/etc/nimbus-test', '1'); } catch { canWriteRoot = false; }
          return { taskRoot: process.env.LAMBDA_TASK_ROOT, own: readdirSync('/var/task'), dataDir: existsSync(e.dataDir) ? readdirSync(e.dataDir) : null,
            other: existsSync(e.other), canWrite, canWriteRoot, pid: process.pid };
        };`,
    });
    const out = json((await env.pool.invoke(request(image(code), { dataDir: env.dataDir, other: join(secret, 'secret.txt') }))).payload);
    expect(out.taskRoot).toBe('/var/task');
    expect(out.own).toEqual(['index.mjs']);
    expect(out.dataDir === null || out.dataDir.length === 0).toBe(true);
    expect(out.other).toBe(false);
    expect(out.canWrite).toBe(false);
    expect(out.canWriteRoot).toBe(false);
    expect(out.pid).toBeLessThan(10); // own PID namespace
    expect(existsSync(join(secret, 'secret.txt'))).toBe(true);
  });
});

describe('memory limits without cgroups (rlimit mode)', () => {
  it('stops a Node function at its heap limit with Runtime.OutOfMemory', async () => {
    const env = setup({ memoryLimits: 'rlimit' });
    try {
      expect(env.pool.describeLimits()).toMatch(/--max-old-space-size/);
      const code = writeCode(env.dataDir, {
        'index.mjs': `const hog = []; export const handler = async (e) => { if (e.eat) for (;;) hog.push(new Array(1 << 20).fill(7)); return 'fine'; };`,
      });
      const img = image(code, { memorySizeMb: 128, timeoutSeconds: 30 });
      const req = request(img, { eat: true });
      const result = await env.pool.invoke(req);
      expect(result.functionError).toBe('Unhandled');
      expect(json(result.payload).errorType).toBe('Runtime.OutOfMemory');
      expect(json((await env.pool.invoke(request(img))).payload)).toBe('fine');
    } finally {
      await env.dispose();
    }
  });
});
