// Cold-start and warm-invoke latency of the pool, printed next to the spawn floor (`node -e 0`
// with a clean environment). Asserts only correctness; the figures are for reading (no timed
// assertions: the machine is shared).
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { image, json, request, setup, writeCode } from './lambda-env-fixtures.js';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function settleSpares(pool: unknown): Promise<void> {
  const stats = (pool as { stats(): { readySpares: number } }).stats.bind(pool);
  for (let i = 0; i < 400 && stats().readySpares < 1; i++) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 50));
}

describe('latency figures', () => {
  let env: ReturnType<typeof setup>;
  beforeAll(() => {
    env = setup({ prewarm: ['nodejs20.x'] });
  });
  afterAll(async () => {
    await env.dispose();
  });

  it('measures spawn floor, cold start (spare and fresh) and warm invoke', async () => {
    const rounds = 8;
    const floor: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const t = performance.now();
      spawnSync(process.execPath, ['-e', '0'], { env: {} });
      floor.push(performance.now() - t);
    }

    const handler = `export const handler = async (e) => ({ ok: true, n: e.n });`;
    const claimed: number[] = [];
    const claimedInit: number[] = [];
    for (let i = 0; i < rounds; i++) {
      await settleSpares(env.pool);
      const img = image(writeCode(env.dataDir, { 'index.mjs': handler }));
      const t = performance.now();
      const r = await env.pool.invoke(request(img, { n: i }));
      claimed.push(performance.now() - t);
      claimedInit.push(r.initDurationMs!);
      expect(json(r.payload)).toEqual({ ok: true, n: i });
    }

    const fresh: number[] = [];
    const freshInit: number[] = [];
    for (let i = 0; i < rounds; i++) {
      // A customer NODE_OPTIONS forces a fresh process (a spare cannot take it on).
      const img = image(writeCode(env.dataDir, { 'index.mjs': handler }), { environment: { NODE_OPTIONS: '--no-warnings' } });
      const t = performance.now();
      const r = await env.pool.invoke(request(img, { n: i }));
      fresh.push(performance.now() - t);
      freshInit.push(r.initDurationMs!);
      expect(json(r.payload)).toEqual({ ok: true, n: i });
    }

    // The same fresh start without a sandbox, to see what bubblewrap adds.
    const plain = setup({ isolation: 'process', prewarm: [] });
    const freshPlain: number[] = [];
    try {
      for (let i = 0; i < rounds; i++) {
        const t = performance.now();
        const r = await plain.pool.invoke(request(image(writeCode(plain.dataDir, { 'index.mjs': handler })), { n: i }));
        freshPlain.push(performance.now() - t);
        expect(json(r.payload)).toEqual({ ok: true, n: i });
      }
    } finally {
      await plain.dispose();
    }

    const img = image(writeCode(env.dataDir, { 'index.mjs': handler }));
    await env.pool.invoke(request(img, { n: 0 }));
    const warm: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      const r = await env.pool.invoke(request(img, { n: i }));
      warm.push(performance.now() - t);
      expect(r.initDurationMs).toBeUndefined();
    }

    const fmt = (v: number) => v.toFixed(2) + ' ms';
    console.log(
      [
        `pool: ${env.pool.describeLimits()}`,
        `spawn floor (node -e 0, clean env): median ${fmt(median(floor))}`,
        `cold start, pre-started runtime claimed: median ${fmt(median(claimed))} end to end (Init Duration median ${fmt(median(claimedInit))})`,
        `cold start, fresh process: median ${fmt(median(fresh))} end to end (Init Duration median ${fmt(median(freshInit))})`,
        `cold start, fresh process without sandbox: median ${fmt(median(freshPlain))} end to end`,
        `warm invoke: median ${fmt(median(warm))}, p90 ${fmt([...warm].sort((a, b) => a - b)[Math.floor(warm.length * 0.9)]!)}`,
      ].join('\n'),
    );
  });
});
