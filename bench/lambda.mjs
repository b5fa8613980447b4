// Lambda benchmark: cold start, warm invoke latency and throughput through the Invoke API, beside
// this machine's floors measured in the same run (a clean-env `node -e 0` spawn; a node:http echo;
// the same echo relayed through a child process, see ./echo-server.cjs).
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LambdaClient, CreateFunctionCommand } from '@aws-sdk/client-lambda';
import { CloudWatchLogsClient, DescribeLogStreamsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { zipSync } from 'fflate';
import { fmt, latencies, percentile, pool, startNimbusProcess, throughput } from './lib.mjs';

const HANDLER = 'export const handler = async (event) => event;';
const ROLE = 'arn:aws:iam::000000000000:role/bench';
const WARM_UP = 3000;
const SAMPLES = 2000;

async function spawnFloor(runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await new Promise((resolve, reject) => {
      const p = spawn(process.execPath, ['-e', '0'], { env: { PATH: '/usr/bin:/bin' }, stdio: 'ignore' });
      p.on('exit', resolve);
      p.on('error', reject);
    });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return times.sort((a, b) => a - b);
}

/**
 * Runs `clients` concurrent loops until the function has that many warm environments (each writes
 * its own log stream), so that throughput is measured at steady state rather than during scale-out:
 * the pool starts at most a couple of environments at once and serves waiting requests from warm
 * ones meanwhile, so a few requests per client are far from enough.
 */
async function scaleOut(p, request, clients, environments) {
  const deadline = Date.now() + 60_000;
  while ((await environments()) < clients && Date.now() < deadline) await throughput(p, request, clients, 500);
}

/** One of the floors in ./echo-server.cjs, in its own process like Nimbus. */
async function floorServer(mode) {
  const child = spawn(process.execPath, [join(dirname(fileURLToPath(import.meta.url)), 'echo-server.cjs'), mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    child.stdout.once('data', (d) => resolve(Number(String(d).trim())));
    child.once('exit', (code) => reject(new Error(`${mode} server exited ${code}`)));
  });
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((r) => (child.once('exit', r), child.kill())),
  };
}

/**
 * Sequential latency of several targets, sampled in interleaved rounds so that a slow spell of a
 * shared machine falls on all of them alike. Each target first gets the same warm-up, so every
 * JIT involved is at steady state. Returns each target's sorted samples.
 */
async function interleavedLatencies(targets, { warmUp, samples, rounds = 10 }) {
  for (const t of targets) await latencies(t.pool, t.request, warmUp);
  const all = targets.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (const [i, t] of targets.entries()) all[i].push(...(await latencies(t.pool, t.request, Math.ceil(samples / rounds))));
  }
  return all.map((list) => list.sort((a, b) => a - b));
}

export async function main({ seconds = 3 } = {}) {
  const rows = [];
  const floor = await spawnFloor(20);
  const echo = await floorServer('echo');
  const relay = await floorServer('relay');
  const runtime = await floorServer('runtime');
  const body = '{"hello":"world"}';
  const echoTarget = { pool: pool(echo.origin), request: () => ({ path: '/', method: 'POST', body }) };
  const relayTarget = { pool: pool(relay.origin), request: echoTarget.request };
  const runtimeTarget = { pool: pool(runtime.origin), request: echoTarget.request };

  const nimbus = await startNimbusProcess();
  const sdkConfig = { endpoint: nimbus.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } };
  const client = new LambdaClient(sdkConfig);
  const logs = new CloudWatchLogsClient(sdkConfig);
  const environments = async (name) => (await logs.send(new DescribeLogStreamsCommand({ logGroupName: `/aws/lambda/${name}` }))).logStreams.length;
  const zip = Buffer.from(zipSync({ 'index.mjs': Buffer.from(HANDLER) }));
  const invokeReq = (name) => () => ({ path: `/2015-03-31/functions/${name}/invocations`, method: 'POST', body });
  const nimbusPool = pool(nimbus.endpoint);

  // Cold starts: each new function's first invocation needs a new environment. With a pause
  // before each, the pool has replaced the pre-started runtime the previous one claimed (it waits
  // 150 ms, then a runtime takes ~50 ms to start); back to back, each claims one still starting.
  const coldStarts = async (prefix, count, pauseMs) => {
    const times = [];
    for (let i = 0; i < count; i++) {
      await client.send(new CreateFunctionCommand({ FunctionName: `${prefix}-${i}`, Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: zip } }));
      await new Promise((r) => setTimeout(r, pauseMs));
      times.push(...(await latencies(nimbusPool, invokeReq(`${prefix}-${i}`), 1)));
    }
    return times.sort((a, b) => a - b);
  };
  const cold = await coldStarts('cold', 15, 500);
  const burst = await coldStarts('burst', 15, 0);

  await client.send(new CreateFunctionCommand({ FunctionName: 'warm', Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: zip } }));
  // Warm means steady state: the environment is reused and the spare runtime the first call claimed
  // has been replaced, so nothing else is starting while latency is sampled.
  await latencies(nimbusPool, invokeReq('warm'), 10);
  await new Promise((r) => setTimeout(r, 1000));
  const warmTarget = { pool: nimbusPool, request: invokeReq('warm') };
  const [echoLat, relayLat, runtimeLat, warmLat] = await interleavedLatencies([echoTarget, relayTarget, runtimeTarget, warmTarget], { warmUp: WARM_UP, samples: SAMPLES });

  const echo1 = await throughput(echoTarget.pool, echoTarget.request, 1, seconds * 1000);
  const echo32 = await throughput(echoTarget.pool, echoTarget.request, 32, seconds * 1000);
  const warm1 = await throughput(nimbusPool, invokeReq('warm'), 1, seconds * 1000);
  await scaleOut(nimbusPool, invokeReq('warm'), 32, () => environments('warm'));
  const warm32 = await throughput(nimbusPool, invokeReq('warm'), 32, seconds * 1000);

  await Promise.all([nimbusPool.close(), echoTarget.pool.close(), relayTarget.pool.close(), runtimeTarget.pool.close()]);
  await nimbus.stop();
  await Promise.all([echo.close(), relay.close(), runtime.close()]);

  const p50 = (list) => percentile(list, 50);
  const pair = (list) => `${fmt(p50(list))} / ${fmt(percentile(list, 99))}`;
  rows.push(['spawn floor: node -e 0, clean env (p50 ms)', fmt(p50(floor)), '']);
  rows.push(['cold start, trivial Node handler (p50 ms)', fmt(p50(cold)), `${fmt(p50(cold) / p50(floor))}× floor (target ≤ 1.5×)`]);
  rows.push(['cold starts back to back (p50 ms)', fmt(p50(burst)), `${fmt(p50(burst) / p50(floor))}× floor`]);
  rows.push(['bare node:http echo (p50 / p99 ms)', pair(echoLat), '']);
  rows.push(['relay to a child process (p50 / p99 ms)', pair(relayLat), `${fmt(p50(relayLat) / p50(echoLat))}× echo: the floor of process isolation`]);
  rows.push(['relay to Nimbus\'s Node runtime (p50 / p99 ms)', pair(runtimeLat), `${fmt(p50(runtimeLat) / p50(echoLat))}× echo: the floor with this runtime`]);
  rows.push(['warm invoke (p50 / p99 ms)', pair(warmLat), `${fmt(p50(warmLat) / p50(echoLat))}× echo p50 (target ≤ 2×), ${fmt(p50(warmLat) / p50(relayLat))}× relay`]);
  rows.push(['echo throughput, 1 / 32 clients (req/s)', `${fmt(echo1, 0)} / ${fmt(echo32, 0)}`, '']);
  rows.push(['warm invoke throughput, 1 / 32 clients (req/s)', `${fmt(warm1, 0)} / ${fmt(warm32, 0)}`, `${fmt(warm1 / echo1)}× / ${fmt(warm32 / echo32)}× echo`]);
  return { title: 'Lambda', rows };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { title, rows } = await main();
  console.log(`\n${title}`);
  for (const [k, v, r] of rows) console.log(`  ${k.padEnd(48)} ${v.padEnd(18)} ${r}`);
}
