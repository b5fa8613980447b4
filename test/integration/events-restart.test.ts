// EventBridge schedules survive restarts: a rule's next fire time is durable, fires missed while
// Nimbus was down collapse into one fire on start (then the rule keeps its phase), and a restart
// right after a fire neither repeats it nor skips the next one. Time runs 60× (`events.clockScale`),
// so rate(5 minutes) fires every 5 s; assertions use each event's scheduled `time`, not wall-clock waits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import * as Lambda from '@aws-sdk/client-lambda';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand, DescribeRuleCommand } from '@aws-sdk/client-eventbridge';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { startNimbus, type RunningNimbus } from '../../src/server/nimbus.js';
import { clientConfig } from '../helpers/nimbus.js';
import { zip } from '../helpers/zip.js';

const dataDir = mkdtempSync(join(tmpdir(), 'nimbus-events-restart-'));
const FN = 'restart-tick';
const PERIOD_MS = 5000;
let running: RunningNimbus | undefined;
const lines: string[] = [];

const start = () => startNimbus({ port: 0, host: '127.0.0.1', dataDir, log: (m) => lines.push(m), events: { clockScale: 60 } });

afterAll(async () => {
  await running?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Fired { id: string; time: string }

async function fired(endpoint: string): Promise<Fired[]> {
  const logs = new CloudWatchLogsClient(clientConfig(endpoint));
  try {
    const out: Fired[] = [];
    let nextToken: string | undefined;
    do {
      const page = await logs
        .send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${FN}`, filterPattern: 'FIRED', nextToken }))
        .catch((err: Error) => {
          if (err.name === 'ResourceNotFoundException') return { events: [], nextToken: undefined };
          throw err;
        });
      for (const e of page.events ?? []) {
        const m = /FIRED (.*)$/.exec(e.message?.trim() ?? '');
        if (m) out.push(JSON.parse(m[1]!) as Fired);
      }
      nextToken = page.nextToken;
    } while (nextToken);
    return out.sort((a, b) => a.time.localeCompare(b.time));
  } finally {
    logs.destroy();
  }
}

async function waitForCount(endpoint: string, n: number): Promise<Fired[]> {
  const deadline = Date.now() + 40_000;
  for (;;) {
    const evs = await fired(endpoint);
    if (evs.length >= n) return evs;
    if (Date.now() > deadline) throw new Error(`expected ${n} fires, saw ${evs.length}: ${lines.join('\n')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

it('fires missed schedules once after a restart, keeps the phase, and never repeats a fire', async () => {
  running = await start();
  const lambda = new Lambda.LambdaClient(clientConfig(running.endpoint));
  await lambda.send(
    new Lambda.CreateFunctionCommand({
      FunctionName: FN,
      Runtime: 'nodejs20.x',
      Role: 'arn:aws:iam::000000000000:role/lambda-role',
      Handler: 'index.handler',
      Code: { ZipFile: zip({ 'index.mjs': `export const handler = async (e) => { console.log('FIRED ' + JSON.stringify({ id: e.id, time: e.time })); };` }) },
    }),
  );
  await Lambda.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 30 }, { FunctionName: FN });
  lambda.destroy();
  let eb = new EventBridgeClient(clientConfig(running.endpoint));
  const t0 = Date.now();
  await eb.send(new PutRuleCommand({ Name: 'five-minutes', ScheduleExpression: 'rate(5 minutes)' }));
  const t1 = Date.now();
  await eb.send(
    new PutTargetsCommand({ Rule: 'five-minutes', Targets: [{ Id: 'fn', Arn: `arn:aws:lambda:us-east-1:000000000000:function:${FN}` }] }),
  );
  eb.destroy();
  // Down for more than two periods: both fires (t0+5 s, t0+10 s) are missed.
  await running.stop();
  running = undefined;
  await new Promise((r) => setTimeout(r, 2 * PERIOD_MS + 1500));

  const restartedAt = Date.now();
  running = await start();
  eb = new EventBridgeClient(clientConfig(running.endpoint));
  expect((await eb.send(new DescribeRuleCommand({ Name: 'five-minutes' }))).State).toBe('ENABLED');
  eb.destroy();
  const two = await waitForCount(running.endpoint, 2);
  const [first, second] = two.map((e) => Date.parse(e.time));
  // The first missed fire is delivered once (stamped with its scheduled time, to the second) ...
  expect(first).toBeGreaterThanOrEqual(Math.floor((t0 + PERIOD_MS) / 1000) * 1000);
  expect(first).toBeLessThanOrEqual(t1 + PERIOD_MS);
  // ... the second missed one is not (no backlog), and the rule continues on its original phase.
  expect(second).toBeGreaterThanOrEqual(Math.floor(restartedAt / 1000) * 1000);
  expect(second! - first!).toBeGreaterThanOrEqual(2 * PERIOD_MS - 1000);
  // Times are stamped to the second, so "a whole number of periods apart" holds within 1 s.
  const rem = (second! - first!) % PERIOD_MS;
  expect(Math.min(rem, PERIOD_MS - rem)).toBeLessThanOrEqual(1000);

  // Restart straight after a fire: the next event is exactly one period later, not a repeat.
  await running.stop();
  running = await start();
  const three = await waitForCount(running.endpoint, 3);
  const third = Date.parse(three[2]!.time);
  expect(Math.abs(third - second! - PERIOD_MS)).toBeLessThanOrEqual(1000);
  expect(new Set(three.map((e) => e.id)).size).toBe(3);
  expect(new Set(three.map((e) => e.time)).size).toBe(3);
  expect(lines.filter((l) => l.startsWith('events:'))).toEqual([]);
}, 90_000);
