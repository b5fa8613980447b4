// Table tests fed from the AWS-recorded conformance cases (test/conformance/stepfunctions/cases):
// 1. every recorded definition was accepted by AWS, so parseDefinition must accept it;
// 2. cases are run through a tiny reference loop built on this library alone (Lambda tasks call
//    the case's recorded Node handler in-process) and must end with AWS's recorded
//    status/output/error/cause. Cases that depend on engine-only behaviour are filtered out.
// The loop is deliberately minimal (no history, no timers): the real interpreter lives in
// src/stepfunctions/engine. Event ids in causes are normalised, since the loop keeps no history.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  buildContext, catchResult, checkPayloadSize, errorOutput, findCatcher, findRetrier, mapInput, mapItemInput, mapTolerance, parallelInput,
  parseDefinition, runChoice, runFail, runPass, runSucceed, runWait, stateResult, StatesError, taskInput, taskLimitName, VariableScope,
  type EvalEnv, type Json, type JsonObject, type StateGraph, type State,
} from './index.js';
// @ts-expect-error: plain ESM helper without types
import { matchCase } from '../../../test/conformance/stepfunctions/compare.mjs';

const ROOT = new URL('../../../test/conformance/stepfunctions/cases/', import.meta.url).pathname;

interface Case {
  name: string; group: string; definitionText: string; inputText: string | null;
  expected: { status: string; output?: Json; error?: string; cause?: string };
  lambda?: LambdaDef | LambdaDef[]; tags?: string[];
  history?: Array<{ type: string; stateExitedEventDetails?: { name: string; output?: Json; assignedVariables?: Record<string, Json> } }>;
  placeholders?: string[];
}

interface LambdaDef { functionName: string; behavior: string; node: string }

type Handler = (event: Json) => Promise<Json>;
const handlers = new Map<string, Handler>();

/** Load a case's recorded Node handler (an ES module source) in-process. */
async function handlerFor(c: Case, fn: string): Promise<Handler> {
  const def = ([] as LambdaDef[]).concat(c.lambda ?? []).find((l) => fn === l.functionName || fn.endsWith(`:function:${l.functionName}`));
  if (!def) throw new Error(`no lambda ${fn}`);
  let h = handlers.get(def.node);
  if (!h) {
    const mod = await import(`data:text/javascript,${encodeURIComponent(def.node)}`) as { handler: Handler };
    h = mod.handler;
    handlers.set(def.node, h);
  }
  return h;
}

/** What the Task state gets back: the handler's result (direct ARN) or lambda:invoke's envelope. */
async function invoke(c: Case, resource: string, payload: Json): Promise<Json> {
  const integration = resource.startsWith('arn:aws:states:::lambda:invoke');
  const args = payload as { FunctionName?: string; Payload?: Json };
  const fn = integration ? String(args.FunctionName) : resource;
  let result: Json;
  try {
    result = await (await handlerFor(c, fn))(integration ? (args.Payload ?? {}) : payload);
  } catch (e) {
    const err = e as Error;
    throw new StatesError(err.name, JSON.stringify({ errorMessage: err.message, errorType: err.name, requestId: 'r', stackTrace: [] }));
  }
  if (result === undefined) result = null;
  return integration ? { ExecutedVersion: '$LATEST', Payload: result, StatusCode: 200 } : result;
}

function loadCases(): Array<{ file: string; c: Case }> {
  const out: Array<{ file: string; c: Case }> = [];
  for (const d of readdirSync(ROOT)) {
    for (const f of readdirSync(join(ROOT, d))) out.push({ file: `${d}/${f}`, c: JSON.parse(readFileSync(join(ROOT, d, f), 'utf8')) as Case });
  }
  return out;
}

const cases = loadCases();

describe('parseDefinition accepts every definition AWS accepted', () => {
  test.each(cases.map((x) => [x.file, x.c] as const))('%s', (_f, c) => {
    expect(() => parseDefinition(c.definitionText)).not.toThrow();
  });
});

// ── A minimal reference loop over the library ────────────────────────────────────────────────
type End = { status: 'SUCCEEDED'; output: Json } | { status: 'FAILED'; error?: string; cause?: string };

const ACCOUNT = '111111111111';
const SM_NAME = 'sm-name';
const EXEC_NAME = 'exec-name';

let seq = 0;
const randomness = { random: () => 0.5, uuid: () => `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}` };

/** Every Assign the loop applied, as (state, variables), to compare with the history's assignedVariables. */
let assignLog: string[] = [];

/** Canonical text of a value (sorted keys) so key order never matters. */
function canon(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canon((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

/** Every state exit the loop made: (state, output), to compare with the history's stateExited events. */
let exitLog: Array<{ name: string; output: Json }> = [];
let exitsCompared = 0;

function logAssign(state: string, assigned: JsonObject | undefined): void {
  if (assigned) for (const [k, v] of Object.entries(assigned)) assignLog.push(`${state}|${k}=${canon(v)}`);
}

async function runGraph(c: Case, g: StateGraph, input: Json, scope: VariableScope, execInput: Json): Promise<End> {
  let name = g.StartAt;
  let data = input;
  for (let steps = 0; steps < 1000; steps++) {
    const state = g.States.get(name) as State;
    // $$.State.RetryCount exists for the states that can retry (Task, Parallel, Map).
    const canRetry = state.Type === 'Task' || state.Type === 'Parallel' || state.Type === 'Map';
    const mkEnv = (retryCount: number): EvalEnv => ({
      stateName: name, enteredEventId: 2, variables: scope, randomness,
      context: buildContext({
        execution: { id: `arn:aws:states:us-east-1:${ACCOUNT}:execution:${SM_NAME}:${EXEC_NAME}`, name: EXEC_NAME, input: execInput,
          roleArn: 'snf_role_arn', startTime: '2024-01-01T00:00:00.000Z' },
        stateMachine: { id: `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:${SM_NAME}`, name: SM_NAME },
        state: { name, enteredTime: '2024-01-01T00:00:00.000Z', ...(canRetry ? { retryCount } : {}) },
      }),
    });
    let env = mkEnv(0);
    let next: string | undefined;
    try {
      switch (state.Type) {
        case 'Pass': { const o = await runPass(state, data, env); scope.assign(o.assigned); logAssign(name, o.assigned); data = o.output; next = state.Next; break; }
        case 'Choice': { const o = await runChoice(state, data, env); scope.assign(o.assigned); logAssign(name, o.assigned); data = o.output; next = o.next; break; }
        case 'Wait': { const o = await runWait(state, data, env, Date.now()); scope.assign(o.assigned); logAssign(name, o.assigned); data = o.output; next = state.Next; break; }
        case 'Succeed': {
          const output = (await runSucceed(state, data, env)).output;
          exitLog.push({ name, output });
          return { status: 'SUCCEEDED', output };
        }
        case 'Fail': { const o = await runFail(state, data, env); return { status: 'FAILED', ...o }; }
        case 'Task':
        case 'Parallel':
        case 'Map': {
          let attempts = new Map<number, number>();
          for (;;) {
            try {
              let results: Json;
              if (state.Type === 'Task') {
                const inv = await taskInput(state, data, env);
                results = await invoke(c, state.Resource, inv.payload);
                checkPayloadSize(results, 'result', taskLimitName(state.Resource));
              } else if (state.Type === 'Parallel') {
                const branchInput = await parallelInput(state, data, env);
                const out: Json[] = [];
                results = out;
                for (const b of state.Branches) {
                  const r = await runGraph(c, b, branchInput, scope.child(), execInput);
                  if (r.status !== 'SUCCEEDED') throw new StatesError(r.error ?? '', r.cause);
                  out.push(r.output);
                }
              } else {
                const plan = { ...await mapInput(state, data, env), ...mapTolerance(state, data, env) };
                const out: Json[] = [];
                results = out;
                const distributed = state.ItemProcessor.ProcessorConfig.Mode === 'DISTRIBUTED';
                for (let i = 0; i < plan.items.length; i++) {
                  const itemInput = await mapItemInput(state, data, plan.items[i] as Json, i, env);
                  const r = await runGraph(c, state.ItemProcessor, itemInput, distributed ? new VariableScope() : scope.child(), execInput);
                  if (r.status !== 'SUCCEEDED') throw new StatesError(r.error ?? '', r.cause);
                  out.push(r.output);
                }
              }
              const o = await stateResult(state, data, results, env);
              scope.assign(o.assigned);
              logAssign(name, o.assigned);
              data = o.output;
              next = state.Next;
              break;
            } catch (e) {
              if (!(e instanceof StatesError)) throw e;
              const ri = findRetrier(state.Retry, e.error);
              const used = attempts.get(ri) ?? 0;
              if (ri >= 0 && used < (state.Retry[ri]?.MaxAttempts ?? 0)) {
                attempts.set(ri, used + 1);
                env = mkEnv([...attempts.values()].reduce((a, b) => a + b, 0));
                continue;
              }
              const catcher = findCatcher(state.Catch, e.error);
              if (!catcher) throw e;
              const o = await catchResult(state, catcher, data, errorOutput(e.error, e.cause), env);
              scope.assign(o.assigned);
              logAssign(name, o.assigned);
              data = o.output;
              next = catcher.Next;
              attempts = new Map();
              break;
            }
          }
          break;
        }
      }
    } catch (e) {
      if (e instanceof StatesError) return { status: 'FAILED', error: e.error, cause: e.cause };
      throw e;
    }
    exitLog.push({ name, output: data });
    if (next === undefined) return { status: 'SUCCEEDED', output: data };
    name = next;
  }
  throw new Error('step limit');
}

// Cases that need something a pure loop cannot give (real time, history-derived event ids, Lambda).
const SKIP: Record<string, string> = {
  timestamp_too_far_in_future: 'depends on the recording date',
  test_global_timeout: 'execution TimeoutSeconds is enforced by the engine, not this library',
  test_start_large_input: "a state's 256 KB output limit is checked by the engine when the state exits",
  TestTaskServiceLambda_test_no_such_function: "needs the Lambda service's ResourceNotFoundException for a missing function",
};

// Task cases run too when the handler's result is all that matters: not the SDK's HTTP metadata,
// not timeouts/heartbeats (engine timers), not Python stack traces inside compared strings.
const pure = cases.filter(({ c }) => {
  if (!c.lambda) return true;
  const tags = c.tags ?? [];
  if (tags.includes('sdk-http-metadata') || tags.includes('task-timeout') || tags.includes('heartbeat')) return false;
  if (([] as LambdaDef[]).concat(c.lambda).some((l) => l.behavior === 'sleep-identity')) return false;
  if (c.expected.output !== undefined && JSON.stringify(c.expected.output).includes('/var/task/handler.py')) return false;
  return !/"Resource"\s*:\s*"arn:aws:states:::(?!lambda:invoke)/.test(c.definitionText);
});


describe('cases run through the library match AWS', () => {
  test.each(pure.map((x) => [x.file, x.c] as const))('%s', async (file, c) => {
    const skip = Object.keys(SKIP).find((k) => file.includes(k));
    if (skip) return;
    const machine = parseDefinition(c.definitionText);
    const input = JSON.parse(c.inputText ?? '{}') as Json;
    assignLog = [];
    exitLog = [];
    const r = await runGraph(c, machine, input, new VariableScope(), input);
    const norm = (s: string | undefined) => s?.replace(/event id #\d+/g, 'event id #N');
    const exp = { ...c, expected: { ...c.expected, ...(c.expected.cause !== undefined ? { cause: norm(c.expected.cause) } : {}) } };
    const act = r.status === 'FAILED' ? { ...r, cause: norm(r.cause) } : r;
    const m = matchCase(exp, act as unknown as JsonObject, { accountId: ACCOUNT, region: 'us-east-1' }) as { ok: boolean; why: string };
    expect(m.ok ? 'ok' : `${m.why}: got ${JSON.stringify(act).slice(0, 600)}`).toBe('ok');

    // The history's assignedVariables hold each value as JSON text (objects sometimes unwrapped by the
    // recorder); entries with masked values are skipped.
    const expected: string[] = [];
    for (const e of c.history ?? []) {
      const d = e.stateExitedEventDetails;
      if (!d?.assignedVariables) continue;
      for (const [k, v] of Object.entries(d.assignedVariables)) {
        const text = canon(typeof v === 'string' ? JSON.parse(v) : v);
        if (/<[A-Za-z]|\bdate\b/.test(text)) continue;
        expected.push(`${d.name}|${k}=${text}`);
      }
    }
    // Every recorded state exit must be matched by one of ours (same state, same output modulo
    // the recorder's placeholders); order is free because branches and iterations interleave.
    const pool = [...exitLog];
    for (const e of c.history ?? []) {
      const d = e.stateExitedEventDetails;
      if (!d || d.output === undefined) continue;
      const want = typeof d.output === 'string' ? (() => { try { return JSON.parse(d.output as string) as Json; } catch { return d.output; } })() : d.output;
      const probe = { ...c, expected: { status: 'SUCCEEDED', output: want } };
      const i = pool.findIndex((x) => x.name === d.name &&
        (matchCase(probe, { status: 'SUCCEEDED', output: x.output }, { accountId: ACCOUNT, region: 'us-east-1' }) as { ok: boolean }).ok);
      expect(i >= 0 ? 'matched' : `no exit of '${d.name}' with output ${JSON.stringify(want).slice(0, 300)}; ours: ${JSON.stringify(pool.filter((x) => x.name === d.name).map((x) => x.output)).slice(0, 300)}`).toBe('matched');
      pool.splice(i, 1);
      exitsCompared++;
    }

    if (expected.length > 0) {
      const masked = new Set(expected.map((x) => x.split('=')[0]));
      const got = assignLog.filter((x) => masked.has(x.split('=')[0] as string));
      expect(got.sort()).toEqual(expected.sort());
    }
  });
});

// Guards against the history comparison silently comparing nothing.
test('recorded state exits were compared', () => {
  expect(exitsCompared).toBeGreaterThan(400);
});

// Bad input never crashes evaluation: every recorded machine, run with odd inputs, ends as
// SUCCEEDED or FAILED with a States error; nothing else escapes the library.
describe('odd inputs only ever fail as workflow errors', () => {
  const ODD: Json[] = [null, 'text', 0, [1, [2]], { a: null }, { FunctionInput: { fst: 'x', snd: [] } }];
  test.each(pure.map((x) => [x.file, x.c] as const))('%s', async (_file, c) => {
    const machine = parseDefinition(c.definitionText);
    for (const input of ODD) {
      try {
        const r = await runGraph(c, machine, input, new VariableScope(), input);
        expect(['SUCCEEDED', 'FAILED']).toContain(r.status);
      } catch (e) {
        // The loop's own guard for machines that spin forever on odd input.
        expect((e as Error).message).toBe('step limit');
      }
    }
  });
});
