// Step Functions conformance: every AWS-recorded case in ./stepfunctions/cases runs through the
// real API (@aws-sdk/client-sfn against startNimbus()) and is compared with what AWS returned
// (compare.mjs for status/output/error/cause, and the history's event types in order).
// Cases run concurrently in beforeAll; each case is then reported as its own test.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SFNClient, CreateStateMachineCommand, StartExecutionCommand, DescribeExecutionCommand, GetExecutionHistoryCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { LambdaClient, CreateFunctionCommand, InvokeCommand } from '@aws-sdk/client-lambda';
import { zipSync, strToU8 } from 'fflate';
import { startNimbus, clientConfig, type TestNimbus } from '../helpers/nimbus.js';
// @ts-expect-error plain ESM comparator shipped with the corpus, no types
import { matchCase } from './stepfunctions/compare.mjs';

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/conformance`;
const DIR = join(import.meta.dirname, 'stepfunctions', 'cases');
const CONCURRENCY = 48;

interface LambdaSpec { functionName: string; node: string; behavior: string; runtimeRecorded?: string }

/**
 * AWS recorded these cases against Python 3.12 functions; their error causes (Python stack traces)
 * and payload bytes (Python's JSON spacing, `0.0`) are part of what AWS returned. So each function
 * is deployed in the recorded runtime with the recorded behaviour (same line numbers as the traces),
 * and the case's `node` handler is used only where no Python is available.
 */
function pythonSource(l: LambdaSpec): string | undefined {
  switch (l.behavior) {
    case 'identity':
      return 'def handler(event, context):\n    return event\n';
    case 'raise':
      return l.node.includes('CustomException')
        ? 'class CustomException(Exception):\n    pass\n\n\n\n\n\ndef handler(event, context):\n    raise CustomException()\n'
        : 'def handler(event, context):\n    raise Exception("Some exception was raised.")\n';
    case 'large-output':
      return 'def handler(event, context):\n    return "a" * (257 * 1024)\n';
    case 'echo':
      return 'def handler(event, ctx):\n    return {"Return": "HelloWorld"}\n';
    case 'bytes-str':
      return 'def handler(event, context):\n    return b\'"HelloWorld!"\'\n';
    case 'sleep-identity':
      return 'import time\n\n\ndef handler(event, context):\n    time.sleep(60)\n    return event\n';
    default:
      return undefined;
  }
}
const HAVE_PYTHON = (() => {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
interface Case {
  name: string;
  file: string;
  definitionText: string;
  inputText: string | null;
  expected: { status: string };
  lambda?: LambdaSpec | LambdaSpec[];
  history?: Array<{ type: string; id: unknown }>;
  tags: string[];
}

/** Cases that cannot pass on Nimbus, with the reason. Each one counts as not done. */
const SKIP: Record<string, string> = {};

function loadCases(): Case[] {
  const out: Case[] = [];
  for (const group of readdirSync(DIR).sort()) {
    for (const f of readdirSync(join(DIR, group)).sort()) {
      const c = JSON.parse(readFileSync(join(DIR, group, f), 'utf8')) as Case;
      out.push({ ...c, file: `${group}/${f}` });
    }
  }
  return out;
}

const cases = loadCases();

interface Outcome { ok: boolean; why: string | null; historyWhy?: string | null; detail?: string }
const outcomes = new Map<string, Outcome>();
let nimbus: TestNimbus;
let sfn: SFNClient;
let lambda: LambdaClient;

/** The same function name is recorded with different code by some cases: give each variant its own name. */
function functionNames(): Map<string, string> {
  const byKey = new Map<string, string>();
  const used = new Map<string, number>();
  for (const c of cases) {
    for (const l of ([] as LambdaSpec[]).concat(c.lambda ?? [])) {
      const key = `${l.functionName}\n${l.node}`;
      if (byKey.has(key)) continue;
      const n = used.get(l.functionName) ?? 0;
      used.set(l.functionName, n + 1);
      byKey.set(key, n === 0 ? l.functionName : `${l.functionName}-v${n + 1}`);
    }
  }
  return byKey;
}

const names = functionNames();

async function deployFunctions(): Promise<void> {
  const seen = new Set<string>();
  const jobs: Promise<unknown>[] = [];
  for (const c of cases) {
    for (const l of ([] as LambdaSpec[]).concat(c.lambda ?? [])) {
      const name = names.get(`${l.functionName}\n${l.node}`)!;
      if (seen.has(name)) continue;
      seen.add(name);
      const py = HAVE_PYTHON && l.runtimeRecorded?.startsWith('python') ? pythonSource(l) : undefined;
      jobs.push(lambda.send(new CreateFunctionCommand(py
        ? {
          FunctionName: name, Runtime: 'python3.12', Handler: 'handler.handler', Role: ROLE, Timeout: 120,
          Code: { ZipFile: zipSync({ 'handler.py': strToU8(py) }) },
        }
        : {
          FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Timeout: 120,
          Code: { ZipFile: zipSync({ 'index.mjs': strToU8(l.node) }) },
        })));
    }
  }
  await Promise.all(jobs);
}

/**
 * The Wait boundary case was recorded with a timestamp N days after its recording (its name says N):
 * a fixed date that drifts under the limit as time passes (it did on 2026-11-28). It is re-derived
 * from today, as the recorded test computed it.
 */
const DAYS_AHEAD = /test_timestamp_too_far_in_future_boundary\[(\d+)\]/;

function rewrite(c: Case, text: string): string {
  let s = text.split('111111111111').join(ACCOUNT);
  const ahead = DAYS_AHEAD.exec(c.name);
  if (ahead) s = s.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, new Date(Date.now() + Number(ahead[1]) * 86_400_000).toISOString());
  for (const l of ([] as LambdaSpec[]).concat(c.lambda ?? [])) {
    const name = names.get(`${l.functionName}\n${l.node}`)!;
    if (name !== l.functionName) s = s.split(l.functionName).join(name);
  }
  return s;
}

async function history(executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** Event types must match in order; where children run concurrently AWS's interleaving is timing, so compare as multisets. */
function compareHistory(c: Case, events: HistoryEvent[]): string | null {
  if (!c.history || c.history.length === 0) return null;
  const want = c.history.map((e) => e.type);
  const got = events.map((e) => e.type!);
  if (want.join() === got.join()) return null;
  const concurrent = c.tags.includes('state:Parallel') || c.tags.includes('state:Map');
  if (concurrent && [...want].sort().join() === [...got].sort().join()) return null;
  // Some recordings lost events (their ids skip numbers, e.g. 5 → 11): then the recorded types must
  // appear in our history in the same order.
  const ids = c.history.map((e) => e.id).filter((id): id is number => typeof id === 'number');
  const lossy = ids.some((id, k) => k > 0 && id - ids[k - 1]! > 1) || (ids.length > 0 && ids[ids.length - 1]! > want.length);
  if (lossy) {
    let k = 0;
    for (const t of got) if (k < want.length && t === want[k]) k++;
    if (k === want.length) return null;
  }
  return `history types differ:\n  want ${want.join(' ')}\n  got  ${got.join(' ')}`;
}

async function runCase(c: Case, index: number): Promise<Outcome> {
  const m = await sfn.send(new CreateStateMachineCommand({
    name: `case-${index}`, definition: rewrite(c, c.definitionText), roleArn: ROLE, type: 'STANDARD',
  }));
  const e = await sfn.send(new StartExecutionCommand({
    stateMachineArn: m.stateMachineArn, ...(c.inputText !== null ? { input: rewrite(c, c.inputText) } : {}),
  }));
  let d;
  // Poll quickly first (most cases end in milliseconds), then back off to spare the 2 shared cores.
  for (let delay = 5; ; delay = Math.min(delay * 2, 250)) {
    d = await sfn.send(new DescribeExecutionCommand({ executionArn: e.executionArn }));
    if (d.status !== 'RUNNING') break;
    await new Promise((r) => setTimeout(r, delay));
  }
  const actual = {
    status: d.status, output: d.output !== undefined ? JSON.parse(d.output) : undefined, error: d.error, cause: d.cause,
  };
  const r = matchCase(c, actual, { accountId: ACCOUNT, region: REGION }) as { ok: boolean; why: string | null };
  const events = await history(e.executionArn!);
  const historyWhy = compareHistory(c, events);
  return {
    ok: r.ok && !historyWhy, why: r.why, historyWhy,
    detail: JSON.stringify({ status: actual.status, output: d.output, error: d.error, cause: d.cause }).slice(0, 1500),
  };
}

beforeAll(async () => {
  nimbus = await startNimbus();
  sfn = new SFNClient(clientConfig(nimbus.endpoint));
  lambda = new LambdaClient(clientConfig(nimbus.endpoint));
  await deployFunctions();
  // Warm each function once: a few cases give a Lambda task a 1 s TimeoutSeconds, which a cold
  // start on a busy 2-core machine can exceed (AWS's recordings had warm functions too).
  await Promise.all([...new Set(names.values())].map((FunctionName) =>
    lambda.send(new InvokeCommand({ FunctionName, Payload: Buffer.from('{}') })).catch(() => undefined)));
  const runPool = async (indices: number[], concurrency: number) => {
    let next = 0;
    const worker = async () => {
      while (next < indices.length) {
        const i = indices[next++]!;
        const c = cases[i]!;
        if (SKIP[c.name]) continue;
        const t0 = Date.now();
        try {
          outcomes.set(c.file, await runCase(c, i));
          if (process.env.SFN_CONFORMANCE_TIMES && Date.now() - t0 > 3000) process.stdout.write(`slow ${Date.now() - t0}ms ${c.file}\n`);
        } catch (err) {
          outcomes.set(c.file, { ok: false, why: `threw ${(err as Error).name}: ${(err as Error).message}` });
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  };
  const all = cases.map((_, i) => i);
  // Pure workflow cases first, all at once; the Lambda cases after, with fewer in flight.
  await runPool(all.filter((i) => !cases[i]!.lambda), CONCURRENCY);
  // Lambda cases that give a task a timeout it must not hit run one at a time at the end, on warm
  // functions: a 1 s TimeoutSeconds is a wall-clock race that a busy 2-core machine can lose.
  const tight = (i: number) => !!cases[i]!.lambda && cases[i]!.expected.status === 'SUCCEEDED' && /TimeoutSeconds/.test(cases[i]!.definitionText);
  await runPool(all.filter((i) => cases[i]!.lambda && !tight(i)), 16);
  await runPool(all.filter(tight), 1);
  const passed = [...outcomes.values()].filter((o) => o.ok).length;
  process.stdout.write(`\nstepfunctions conformance: ${passed}/${cases.length} cases pass (${Object.keys(SKIP).length} skipped)\n`);
}, 600_000);

afterAll(async () => {
  sfn?.destroy();
  lambda?.destroy();
  await nimbus?.dispose();
});

describe('stepfunctions conformance', () => {
  for (const c of cases) {
    const skip = SKIP[c.name];
    if (skip) {
      it.skip(`${c.file} (${skip})`, () => undefined);
      continue;
    }
    it(c.file, () => {
      const o = outcomes.get(c.file);
      expect(o, 'not run').toBeDefined();
      expect(o!.ok, `${c.name}\n${o!.why ?? ''}\n${o!.historyWhy ?? ''}\nactual: ${o!.detail ?? ''}`).toBe(true);
    });
  }
});
