// Table tests fed from the AWS-recorded conformance cases (test/conformance/stepfunctions/cases):
// 1. every recorded definition was accepted by AWS, so parseDefinition must accept it;
// 2. cases that only use pure states (no Task) are run through a tiny reference loop built on
//    this library alone, and must end with AWS's recorded status/output/error/cause.
// The loop is deliberately minimal (no history, no timers): the real interpreter lives in
// src/stepfunctions/engine. Event ids in causes are normalised, since the loop keeps no history.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  buildContext, catchResult, errorOutput, findCatcher, findRetrier, mapInput, mapItemInput, parallelInput,
  parseDefinition, runChoice, runFail, runPass, runSucceed, runWait, stateResult, StatesError, VariableScope,
  type EvalEnv, type Json, type JsonObject, type StateGraph, type State,
} from './index.js';
// @ts-expect-error: plain ESM helper without types
import { matchCase } from '../../../test/conformance/stepfunctions/compare.mjs';

const ROOT = new URL('../../../test/conformance/stepfunctions/cases/', import.meta.url).pathname;

interface Case {
  name: string; group: string; definitionText: string; inputText: string | null;
  expected: { status: string; output?: Json; error?: string; cause?: string };
  lambda?: unknown; tags?: string[];
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

function hasTask(g: StateGraph): boolean {
  for (const s of g.States.values()) {
    if (s.Type === 'Task') return true;
    if (s.Type === 'Parallel' && s.Branches.some(hasTask)) return true;
    if (s.Type === 'Map' && hasTask(s.ItemProcessor)) return true;
  }
  return false;
}

let seq = 0;
const randomness = { random: () => 0.5, uuid: () => `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}` };

async function runGraph(g: StateGraph, input: Json, scope: VariableScope, execInput: Json): Promise<End> {
  let name = g.StartAt;
  let data = input;
  for (let steps = 0; steps < 1000; steps++) {
    const state = g.States.get(name) as State;
    const env: EvalEnv = {
      stateName: name, enteredEventId: 2, variables: scope, randomness,
      context: buildContext({
        execution: { id: `arn:aws:states:us-east-1:${ACCOUNT}:execution:${SM_NAME}:${EXEC_NAME}`, name: EXEC_NAME, input: execInput,
          roleArn: 'snf_role_arn', startTime: '2024-01-01T00:00:00.000Z' },
        stateMachine: { id: `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:${SM_NAME}`, name: SM_NAME },
        state: { name, enteredTime: '2024-01-01T00:00:00.000Z' },
      }),
    };
    let next: string | undefined;
    try {
      switch (state.Type) {
        case 'Pass': { const o = await runPass(state, data, env); scope.assign(o.assigned); data = o.output; next = state.Next; break; }
        case 'Choice': { const o = await runChoice(state, data, env); scope.assign(o.assigned); data = o.output; next = o.next; break; }
        case 'Wait': { const o = await runWait(state, data, env, Date.now()); scope.assign(o.assigned); data = o.output; next = state.Next; break; }
        case 'Succeed': return { status: 'SUCCEEDED', output: (await runSucceed(state, data, env)).output };
        case 'Fail': { const o = await runFail(state, data, env); return { status: 'FAILED', ...o }; }
        case 'Parallel':
        case 'Map': {
          let attempts = new Map<number, number>();
          for (;;) {
            try {
              let results: Json[];
              if (state.Type === 'Parallel') {
                const branchInput = await parallelInput(state, data, env);
                results = [];
                for (const b of state.Branches) {
                  const r = await runGraph(b, branchInput, scope.child(), execInput);
                  if (r.status !== 'SUCCEEDED') throw new StatesError(r.error ?? '', r.cause);
                  results.push(r.output);
                }
              } else {
                const plan = await mapInput(state, data, env);
                results = [];
                const distributed = state.ItemProcessor.ProcessorConfig.Mode === 'DISTRIBUTED';
                for (let i = 0; i < plan.items.length; i++) {
                  const itemInput = await mapItemInput(state, data, plan.items[i] as Json, i, env);
                  const r = await runGraph(state.ItemProcessor, itemInput, distributed ? new VariableScope() : scope.child(), execInput);
                  if (r.status !== 'SUCCEEDED') throw new StatesError(r.error ?? '', r.cause);
                  results.push(r.output);
                }
              }
              const o = await stateResult(state, data, results, env);
              scope.assign(o.assigned);
              data = o.output;
              next = state.Next;
              break;
            } catch (e) {
              if (!(e instanceof StatesError)) throw e;
              const ri = findRetrier(state.Retry, e.error);
              const used = attempts.get(ri) ?? 0;
              if (ri >= 0 && used < (state.Retry[ri]?.MaxAttempts ?? 0)) { attempts.set(ri, used + 1); continue; }
              const catcher = findCatcher(state.Catch, e.error);
              if (!catcher) throw e;
              const o = await catchResult(state, catcher, data, errorOutput(e.error, e.cause), env);
              scope.assign(o.assigned);
              data = o.output;
              next = catcher.Next;
              attempts = new Map();
              break;
            }
          }
          break;
        }
        case 'Task': throw new Error('Task states are not run here');
      }
    } catch (e) {
      if (e instanceof StatesError) return { status: 'FAILED', error: e.error, cause: e.cause };
      throw e;
    }
    if (next === undefined) return { status: 'SUCCEEDED', output: data };
    name = next;
  }
  throw new Error('step limit');
}

// Cases that need something a pure loop cannot give (real time, history-derived event ids, Lambda).
const SKIP: Record<string, string> = {
  timestamp_too_far_in_future: 'depends on the recording date',
  test_global_timeout: 'execution TimeoutSeconds is enforced by the engine, not this library',
};

const pure = cases.filter(({ c }) => !c.lambda && !hasTask(parseDefinition(c.definitionText)));

describe('pure-state cases match AWS', () => {
  test.each(pure.map((x) => [x.file, x.c] as const))('%s', async (file, c) => {
    const skip = Object.keys(SKIP).find((k) => file.includes(k));
    if (skip) return;
    const machine = parseDefinition(c.definitionText);
    const input = JSON.parse(c.inputText ?? '{}') as Json;
    const r = await runGraph(machine, input, new VariableScope(), input);
    const norm = (s: string | undefined) => s?.replace(/event id #\d+/g, 'event id #N');
    const exp = { ...c, expected: { ...c.expected, ...(c.expected.cause !== undefined ? { cause: norm(c.expected.cause) } : {}) } };
    const act = r.status === 'FAILED' ? { ...r, cause: norm(r.cause) } : r;
    const m = matchCase(exp, act as unknown as JsonObject, { accountId: ACCOUNT, region: 'us-east-1' }) as { ok: boolean; why: string };
    expect(m.ok ? 'ok' : `${m.why}: got ${JSON.stringify(act).slice(0, 600)}`).toBe('ok');
  });
});
