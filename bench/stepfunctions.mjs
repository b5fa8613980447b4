// Step Functions benchmark (runs against the built dist/: `npx tsc -p tsconfig.build.json` first).
//   node bench/stepfunctions.mjs            or   import { main } from './stepfunctions.mjs'
// Side by side with the npm package `aws-local-stepfunctions` running the same definitions in the
// same run:
//   1. Express workflow (Pass/Choice/Map): state transitions per second, engine in process
//      (Nimbus's service core vs the library), and Nimbus through its HTTP API (StartSyncExecution).
//   2. Standard workflow, fully durable (every event in SQLite before the next step): transitions/s.
//   3. Standard executions started per second over HTTP (each durable before the reply).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { StateMachine as LocalStateMachine } from 'aws-local-stepfunctions';
import { Store } from '../dist/store/database.js';
import { createStepFunctionsService } from '../dist/stepfunctions/index.js';
import { startNimbus } from '../dist/server/nimbus.js';

const ROLE = 'arn:aws:iam::000000000000:role/bench';
const ITEMS = Array.from({ length: 10 }, (_, i) => i + 1);

// Pass → Map over 10 items (Choice → Pass) → Pass: 1 + 1 + 10 × 2 + 1 = 23 states entered per run.
const FLOW = {
  StartAt: 'Init',
  States: {
    Init: { Type: 'Pass', Parameters: { 'items.$': '$.items', label: 'bench' }, Next: 'Each' },
    Each: {
      Type: 'Map', ItemsPath: '$.items', ResultPath: '$.sizes',
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'Check',
        States: {
          Check: { Type: 'Choice', Choices: [{ Variable: '$', NumericGreaterThan: 5, Next: 'Big' }], Default: 'Small' },
          Big: { Type: 'Pass', Result: 'big', End: true },
          Small: { Type: 'Pass', Result: 'small', End: true },
        },
      },
      Next: 'Done',
    },
    Done: { Type: 'Pass', End: true },
  },
};
const TRANSITIONS_PER_RUN = 23;
const WAITING = { StartAt: 'Hold', States: { Hold: { Type: 'Wait', Seconds: 3600, End: true } } };

const fmt = (n) => Math.round(n).toLocaleString('en-US');

/** Runs `task` with `concurrency` in flight until `count` completed; returns per-second rate. */
async function rate(count, concurrency, task) {
  let next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      const i = next++;
      await task(i);
    }
  }));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return count / seconds;
}

function platformFor(dir) {
  return { store: Store.open(dir), log: () => undefined, dataDir: dir };
}

async function expressEngine(runs) {
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-bench-sfn-'));
  const platform = platformFor(dir);
  const svc = createStepFunctionsService(platform);
  const { stateMachineArn } = svc.core.machines.create({
    accountId: '000000000000', region: 'us-east-1', name: 'bench-express', definition: JSON.stringify(FLOW), roleArn: ROLE, type: 'EXPRESS',
  });
  const input = JSON.stringify({ items: ITEMS });
  await rate(200, 16, () => svc.core.executions.startSync({ stateMachineArn, input })); // warm-up
  const perSec = await rate(runs, 32, async () => {
    const r = await svc.core.executions.startSync({ stateMachineArn, input });
    if (r.status !== 'SUCCEEDED') throw new Error(`express run ${r.status}: ${r.error} ${r.cause}`);
  });
  await svc.close();
  platform.store.close();
  rmSync(dir, { recursive: true, force: true });
  return perSec * TRANSITIONS_PER_RUN;
}

async function localLibrary(runs) {
  const sm = new LocalStateMachine(FLOW);
  const input = { items: ITEMS };
  await rate(200, 16, () => sm.run(input).result);
  const perSec = await rate(runs, 32, () => sm.run(input).result);
  return perSec * TRANSITIONS_PER_RUN;
}

async function localStarts(count) {
  const sm = new LocalStateMachine(WAITING);
  const runs = [];
  const perSec = await rate(count, 1, async () => {
    const r = sm.run({});
    r.result.catch(() => undefined); // aborted below
    runs.push(r);
  });
  for (const r of runs) r.abort();
  return perSec;
}

async function standardDurable(runs) {
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-bench-sfn-'));
  const platform = platformFor(dir);
  const svc = createStepFunctionsService(platform);
  const { stateMachineArn } = svc.core.machines.create({
    accountId: '000000000000', region: 'us-east-1', name: 'bench-standard', definition: JSON.stringify(FLOW), roleArn: ROLE,
  });
  const input = JSON.stringify({ items: ITEMS });
  const never = new AbortController().signal;
  const perSec = await rate(runs, 64, async () => {
    const { executionArn } = await svc.core.executions.start({ stateMachineArn, input, region: 'us-east-1', accountId: '000000000000' });
    const d = await svc.core.executions.waitFor(executionArn, never);
    if (d.Status !== 'SUCCEEDED') throw new Error(`standard run ${d.Status}`);
  });
  await svc.close();
  platform.store.close();
  rmSync(dir, { recursive: true, force: true });
  return perSec * TRANSITIONS_PER_RUN;
}

/** Durable Standard starts through the service core (no HTTP): row + ExecutionStarted committed each. */
async function standardStartsInProcess(count) {
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-bench-sfn-'));
  const platform = platformFor(dir);
  const svc = createStepFunctionsService(platform);
  const { stateMachineArn } = svc.core.machines.create({
    accountId: '000000000000', region: 'us-east-1', name: 'bench-starts', definition: JSON.stringify(WAITING), roleArn: ROLE,
  });
  const perSec = await rate(count, 256, () =>
    svc.core.executions.start({ stateMachineArn, input: '{}', region: 'us-east-1', accountId: '000000000000' }));
  await svc.close();
  platform.store.close();
  rmSync(dir, { recursive: true, force: true });
  return perSec;
}

async function overHttp(expressRuns, starts) {
  const dataDir = mkdtempSync(join(tmpdir(), 'nimbus-bench-sfn-'));
  const nimbus = await startNimbus({ port: 0, host: '127.0.0.1', dataDir, log: () => undefined });
  const pool = new Pool(nimbus.endpoint, { connections: 32, pipelining: 1 });
  const call = async (op, body) => {
    const res = await pool.request({
      method: 'POST', path: '/', body: JSON.stringify(body),
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${op}` },
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`${op} ${res.statusCode} ${text}`);
    return JSON.parse(text);
  };
  const express = await call('CreateStateMachine', { name: 'http-express', definition: JSON.stringify(FLOW), roleArn: ROLE, type: 'EXPRESS' });
  const input = JSON.stringify({ items: ITEMS });
  await rate(200, 16, () => call('StartSyncExecution', { stateMachineArn: express.stateMachineArn, input }));
  const syncPerSec = await rate(expressRuns, 32, () => call('StartSyncExecution', { stateMachineArn: express.stateMachineArn, input }));
  const waiting = await call('CreateStateMachine', { name: 'http-standard', definition: JSON.stringify(WAITING), roleArn: ROLE });
  const body = { stateMachineArn: waiting.stateMachineArn, input: '{}' };
  await rate(500, 32, () => call('StartExecution', body));
  // The load generator runs in a worker thread, as a real client would not share Nimbus's event loop.
  const startsPerSec = await new Promise((resolve, reject) => {
    const w = new Worker(new URL(import.meta.url), { workerData: { endpoint: nimbus.endpoint, body, count: starts } });
    w.once('message', resolve);
    w.once('error', reject);
  });
  await pool.close();
  await nimbus.stop();
  rmSync(dataDir, { recursive: true, force: true });
  return { expressTransitions: syncPerSec * TRANSITIONS_PER_RUN, startsPerSec };
}

export async function main({ quick = false } = {}) {
  const scale = quick ? 0.2 : 1;
  const results = {};
  results.expressNimbus = await expressEngine(Math.round(3000 * scale));
  results.expressLocal = await localLibrary(Math.round(3000 * scale));
  results.standardNimbus = await standardDurable(Math.round(2000 * scale));
  results.startsInProcess = await standardStartsInProcess(Math.round(10000 * scale));
  const http = await overHttp(Math.round(2000 * scale), Math.round(10000 * scale));
  results.expressHttp = http.expressTransitions;
  results.startsHttp = http.startsPerSec;
  results.startsLocal = await localStarts(Math.round(10000 * scale));

  const rows = [
    ['Express Pass/Choice/Map, transitions/s (engine in process)', results.expressNimbus, results.expressLocal],
    ['Express Pass/Choice/Map, transitions/s (Nimbus over HTTP, StartSyncExecution)', results.expressHttp, results.expressLocal],
    ['Standard durable Pass/Choice/Map, transitions/s', results.standardNimbus, results.expressLocal],
    ['Standard executions started/s (Nimbus: HTTP, durable; library: in memory)', results.startsHttp, results.startsLocal],
    ['Standard executions started/s (Nimbus: service core, durable; library: in memory)', results.startsInProcess, results.startsLocal],
  ];
  console.log('\nStep Functions                                                        Nimbus   aws-local-stepfunctions   ratio');
  for (const [name, ours, theirs] of rows) {
    console.log(`${name.padEnd(78)} ${fmt(ours).padStart(8)} ${fmt(theirs).padStart(12)} ${(ours / theirs).toFixed(2).padStart(12)}x`);
  }
  console.log('(the library has no durable mode: its Express rate is the reference for both workflow rows)');
  return results;
}

/** Worker thread: sends `count` StartExecution requests with 128 in flight and reports the rate. */
async function startLoad({ endpoint, body, count }) {
  const pool = new Pool(endpoint, { connections: 64 });
  const payload = JSON.stringify(body);
  const perSec = await rate(count, 128, async () => {
    const res = await pool.request({
      method: 'POST', path: '/', body: payload,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.StartExecution' },
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`StartExecution ${res.statusCode} ${text}`);
  });
  await pool.close();
  return perSec;
}

if (!isMainThread && workerData?.endpoint) {
  parentPort.postMessage(await startLoad(workerData));
} else if (import.meta.url === `file://${process.argv[1]}`) {
  main({ quick: process.argv.includes('--quick') }).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
