// Shared pieces of the benchmarks: start the built binary, load generators, percentiles.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const fmt = (n, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

/** Starts `nimbus start` on a free port with a fresh data dir. */
export async function startNimbusProcess(extraArgs = [], nodeArgs = []) {
  const dataDir = mkdtempSync(join(tmpdir(), 'nimbus-bench-'));
  const child = spawn(process.execPath, [...nodeArgs, join(root, 'bin', 'nimbus.js'), 'start', '--port', '0', '--data-dir', dataDir, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const endpoint = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('nimbus did not start:\n' + out)), 30_000);
    const onData = (c) => {
      out += c;
      const m = /ready.*?(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`nimbus exited ${code}:\n${out}`)));
  });
  return {
    endpoint,
    async stop() {
      const exited = new Promise((r) => child.on('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Sequential requests: latency distribution in ms. */
export async function latencies(pool, request, count) {
  const times = [];
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    const res = await pool.request(request());
    await res.body.arrayBuffer();
    if (res.statusCode >= 400) throw new Error(`status ${res.statusCode}`);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return times.sort((a, b) => a - b);
}

/** `clients` concurrent request loops for `ms`: requests per second. */
export async function throughput(pool, request, clients, ms) {
  let done = 0;
  const end = Date.now() + ms;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < end) {
        const res = await pool.request(request());
        await res.body.arrayBuffer();
        if (res.statusCode >= 400) throw new Error(`status ${res.statusCode}`);
        done++;
      }
    }),
  );
  return done / (ms / 1000);
}

export function pool(origin, connections = 64) {
  return new Pool(origin, { connections, pipelining: 1 });
}
