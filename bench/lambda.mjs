// Lambda benchmark: cold start, warm invoke latency and throughput through the Invoke API, beside
// this machine's floors measured in the same run (a clean-env `node -e 0` spawn; a node:http echo).
import { spawn } from 'node:child_process';
import { LambdaClient, CreateFunctionCommand } from '@aws-sdk/client-lambda';
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

/** Every client completes a few requests, so the pool has as many warm environments as clients. */
async function scaleOut(p, request, clients) {
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = 0; i < 10; i++) await (await p.request(request())).body.arrayBuffer();
    }),
  );
}

/** A bare node:http echo in its own process, like Nimbus: the floor for one loopback round trip. */
async function echoServer() {
  const source = `const server = require('node:http').createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
    });
  });
  server.listen(0, '127.0.0.1', () => console.log(server.address().port));`;
  const child = spawn(process.execPath, ['-e', source], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    child.stdout.once('data', (d) => resolve(Number(String(d).trim())));
    child.once('exit', (code) => reject(new Error(`echo server exited ${code}`)));
  });
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((r) => (child.once('exit', r), child.kill())),
  };
}

export async function main({ seconds = 3 } = {}) {
  const rows = [];
  const floor = await spawnFloor(20);
  const echo = await echoServer();
  const echoPool = pool(echo.origin);
  const echoReq = () => ({ path: '/', method: 'POST', body: '{"hello":"world"}' });
  // Both servers are measured at steady state: the same number of requests first, so neither
  // side's JIT is still compiling the path while latency is sampled.
  await latencies(echoPool, echoReq, WARM_UP);
  const echoLat = await latencies(echoPool, echoReq, SAMPLES);
  const echo1 = await throughput(echoPool, echoReq, 1, seconds * 1000);
  const echo32 = await throughput(echoPool, echoReq, 32, seconds * 1000);

  const nimbus = await startNimbusProcess();
  const client = new LambdaClient({ endpoint: nimbus.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const zip = Buffer.from(zipSync({ 'index.mjs': Buffer.from(HANDLER) }));
  const invokeReq = (name) => () => ({ path: `/2015-03-31/functions/${name}/invocations`, method: 'POST', body: '{"hello":"world"}' });
  const nimbusPool = pool(nimbus.endpoint);

  // Cold starts: each new function's first invocation needs a new environment.
  const cold = [];
  for (let i = 0; i < 15; i++) {
    await client.send(new CreateFunctionCommand({ FunctionName: `cold-${i}`, Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: zip } }));
    await new Promise((r) => setTimeout(r, 150)); // let the pool refill its pre-started runtime
    cold.push(...(await latencies(nimbusPool, invokeReq(`cold-${i}`), 1)));
  }
  cold.sort((a, b) => a - b);

  await client.send(new CreateFunctionCommand({ FunctionName: 'warm', Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: zip } }));
  // Warm means steady state: the environment is reused and the spare runtime the first call claimed
  // has been replaced, so nothing else is starting while latency is sampled.
  await latencies(nimbusPool, invokeReq('warm'), WARM_UP);
  await new Promise((r) => setTimeout(r, 1000));
  const warmLat = await latencies(nimbusPool, invokeReq('warm'), SAMPLES);
  const warm1 = await throughput(nimbusPool, invokeReq('warm'), 1, seconds * 1000);
  await scaleOut(nimbusPool, invokeReq('warm'), 32); // 32 warm environments before measuring
  const warm32 = await throughput(nimbusPool, invokeReq('warm'), 32, seconds * 1000);

  await nimbusPool.close();
  await echoPool.close();
  await nimbus.stop();
  await echo.close();

  rows.push(['spawn floor: node -e 0, clean env (p50 ms)', fmt(percentile(floor, 50)), '']);
  rows.push(['cold start, trivial Node handler (p50 ms)', fmt(percentile(cold, 50)), `${fmt(percentile(cold, 50) / percentile(floor, 50))}× floor (target ≤ 1.5×)`]);
  rows.push(['bare node:http echo (p50 / p99 ms)', `${fmt(percentile(echoLat, 50))} / ${fmt(percentile(echoLat, 99))}`, '']);
  rows.push([
    'warm invoke (p50 / p99 ms)',
    `${fmt(percentile(warmLat, 50))} / ${fmt(percentile(warmLat, 99))}`,
    `${fmt(percentile(warmLat, 50) / percentile(echoLat, 50))}× echo p50 (target ≤ 2×)`,
  ]);
  rows.push(['echo throughput, 1 / 32 clients (req/s)', `${fmt(echo1, 0)} / ${fmt(echo32, 0)}`, '']);
  rows.push(['warm invoke throughput, 1 / 32 clients (req/s)', `${fmt(warm1, 0)} / ${fmt(warm32, 0)}`, `${fmt(warm1 / echo1)}× / ${fmt(warm32 / echo32)}× echo`]);
  return { title: 'Lambda', rows };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { title, rows } = await main();
  console.log(`\n${title}`);
  for (const [k, v, r] of rows) console.log(`  ${k.padEnd(48)} ${v.padEnd(18)} ${r}`);
}
