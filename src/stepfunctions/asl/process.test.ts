// Task/Catch/Wait processing in both query languages (the conformance loop covers the rest).
import { describe, expect, test } from 'vitest';
import {
  catchResult, errorOutput, parseDefinition, runWait, StatesError, taskInput, taskResult,
  type State, type TaskState, type WaitState,
} from './index.js';
import { testEnv } from './testenv.js';

const state = <T extends State>(def: object, ql?: 'JSONata'): T =>
  parseDefinition(JSON.stringify({ ...(ql ? { QueryLanguage: ql } : {}), StartAt: 'S', States: { S: def, Z: { Type: 'Succeed' } } })).States.get('S') as T;
const lambda = 'arn:aws:lambda:us-east-1:111111111111:function:f';

describe('Task, JSONPath', () => {
  const t = state<TaskState>({
    Type: 'Task', Resource: lambda, InputPath: '$.in', Parameters: { 'p.$': '$.x', 'token.$': '$$.Task.Token' },
    ResultSelector: { 'r.$': '$.body' }, ResultPath: '$.res', OutputPath: '$.res', Assign: { 'got.$': '$.r' },
    TimeoutSecondsPath: '$.t', HeartbeatSeconds: 2, Credentials: { 'RoleArn.$': '$.role' }, Next: 'Z',
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.err', Assign: { 'e.$': '$.Error' }, Next: 'Z' }],
  });
  const env = testEnv({}, { Task: { Token: 'tok' } });
  test('input', async () => {
    expect(await taskInput(t, { in: { x: 1, t: 30, role: 'arn:role' } }, env)).toEqual({
      payload: { p: 1, token: 'tok' }, timeoutSeconds: 30, heartbeatSeconds: 2, credentials: { RoleArn: 'arn:role' },
    });
  });
  test('result: ResultSelector → ResultPath (into the raw input) → OutputPath; Assign sees the selected result', async () => {
    expect(await taskResult(t, { in: {} }, { body: 'B' }, env)).toEqual({ output: { r: 'B' }, assigned: { got: 'B' } });
  });
  test('catch: ResultPath of the error output into the raw input', async () => {
    const c = t.Catch[0]!;
    expect(await catchResult(t, c, { in: 1 }, errorOutput('Boom', 'why'), env))
      .toEqual({ output: { in: 1, err: { Error: 'Boom', Cause: 'why' } }, assigned: { e: 'Boom' } });
  });
});

describe('Task, JSONata', () => {
  const t = state<TaskState>({
    Type: 'Task', Resource: lambda, Arguments: { a: '{% $states.input.x %}', v: '{% $v %}' }, TimeoutSeconds: '{% $states.input.t %}',
    Assign: { last: '{% $states.result.n %}' }, Output: { n: '{% $states.result.n + 1 %}' }, Next: 'Z',
    Catch: [{ ErrorEquals: ['States.ALL'], Output: '{% $states.errorOutput.Error %}', Next: 'Z' }],
  }, 'JSONata');
  const env = testEnv({ v: 'var' });
  test('arguments and timeouts', async () => {
    expect(await taskInput(t, { x: 1, t: 9 }, env)).toEqual({ payload: { a: 1, v: 'var' }, timeoutSeconds: 9 });
    const e = await taskInput(t, { x: 1, t: -1 }, env).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StatesError);
    expect((e as StatesError).error).toBe('States.QueryEvaluationError');
  });
  test('result and catch', async () => {
    expect(await taskResult(t, {}, { n: 1 }, env)).toEqual({ output: { n: 2 }, assigned: { last: 1 } });
    expect(await catchResult(t, t.Catch[0]!, {}, errorOutput('Boom', undefined), env)).toEqual({ output: 'Boom' });
  });
});

describe('Wait', () => {
  const now = Date.UTC(2024, 0, 1);
  test('Seconds, SecondsPath, Timestamp', async () => {
    expect((await runWait(state<WaitState>({ Type: 'Wait', Seconds: 10, Next: 'Z' }), {}, testEnv(), now)).untilMs).toBe(now + 10_000);
    expect((await runWait(state<WaitState>({ Type: 'Wait', SecondsPath: '$.s', Next: 'Z' }), { s: 3 }, testEnv(), now)).untilMs).toBe(now + 3000);
    expect((await runWait(state<WaitState>({ Type: 'Wait', Timestamp: '2024-01-01T00:00:01.500Z', Next: 'Z' }), {}, testEnv(), now)).untilMs).toBe(now + 1500);
    const j = state<WaitState>({ Type: 'Wait', Seconds: '{% $states.input.s %}', Output: '{% $states.input.s %}', Next: 'Z' }, 'JSONata');
    expect(await runWait(j, { s: 4 }, testEnv(), now)).toEqual({ untilMs: now + 4000, output: 4 });
  });
  test('AWS errors', async () => {
    const sp = state<WaitState>({ Type: 'Wait', SecondsPath: '$.s', Next: 'Z' });
    const err = (p: Promise<unknown>) => p.then(() => 'no error', (e: StatesError) => `${e.error}: ${e.cause}`);
    expect(await err(runWait(sp, { s: -1 }, testEnv(), now))).toBe("States.Runtime: An error occurred while executing the state 'S' (entered at the event id #2). The SecondsPath parameter references a negative value: $.s == -1");
    expect(await err(runWait(sp, { s: 1.5 }, testEnv(), now))).toBe("States.Runtime: An error occurred while executing the state 'S' (entered at the event id #2). The SecondsPath parameter cannot be parsed as a long value: $.s == 1.5");
    expect(await err(runWait(sp, { s: 99999999999 }, testEnv(), now))).toContain('Wait state delay is too long.');
  });
});
