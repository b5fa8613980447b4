// Unit tests of the evaluation pieces: JSONPath, ResultPath, payload templates, intrinsics,
// JSONata, Choice rules, retry/catch matching, context, payload size.
import { describe, expect, test } from 'vitest';
import {
  applyResultPath, buildContext, checkPayloadSize, errorMatches, evaluateChoiceRule, evaluateIntrinsic,
  evaluateJsonataTemplate, evaluatePayloadTemplate, findCatcher, findRetrier, retryDelay, selectPath, StatesError,
  TaskTimeoutError, catchCause, matchName, VariableScope, withMapItem, type Json, type Retrier,
} from './index.js';
import { applyIoPath } from './jsonpath.js';
import { matches } from './choice.js';
import { testEnv } from './testenv.js';

const fails = (fn: () => unknown): StatesError => {
  try { fn(); } catch (e) { if (e instanceof StatesError) return e; throw e; }
  throw new Error('did not fail');
};
const failsAsync = async (p: Promise<unknown>): Promise<StatesError> => {
  try { await p; } catch (e) { if (e instanceof StatesError) return e; throw e; }
  throw new Error('did not fail');
};

describe('JSONPath', () => {
  const env = testEnv({ v: { a: [1, 2] } });
  test('reference paths, context and variables', () => {
    expect(selectPath('$.a.b', { a: { b: 1 } }, env)).toBe(1);
    expect(selectPath("$['a'][0]", { a: [7] }, env)).toBe(7);
    expect(selectPath('$$.Execution.Id', {}, env)).toBe('exec-arn');
    expect(selectPath('$v.a[1]', {}, env)).toBe(2);
    expect(selectPath('$.missing', {}, env)).toBeUndefined();
    expect(selectPath('$.a[-1]', { a: [1, 2, 3] }, env)).toBe(3);
    expect(selectPath('$.a[0:2]', { a: [1, 2, 3] }, env)).toEqual([1, 2]);
    expect(selectPath('$.items[*].x', { items: [{ x: 1 }, { x: 2 }] }, env)).toEqual([1, 2]);
    expect(selectPath('$.items[?(@.x > 1)]', { items: [{ x: 1 }, { x: 2 }] }, env)).toEqual([{ x: 2 }]);
  });
  test('InputPath/OutputPath errors use Jayway wording', () => {
    expect(fails(() => applyIoPath('$.NoSuch', { a: 1 }, env)).cause)
      .toBe("An error occurred while executing the state 'S' (entered at the event id #2). Invalid path '$.NoSuch' : No results for path: $['NoSuch']");
    expect(fails(() => applyIoPath('$.no.such', {}, env)).cause).toContain("Missing property in path $['no']");
    expect(applyIoPath(null, { a: 1 }, env)).toEqual({});
  });
  test('ResultPath creates intermediate objects without mutating the input', () => {
    const input = { a: { keep: 1 } };
    expect(applyResultPath('$.a.b.c', input, 5, env)).toEqual({ a: { keep: 1, b: { c: 5 } } });
    expect(input).toEqual({ a: { keep: 1 } });
    expect(applyResultPath(null, input, 5, env)).toBe(input);
    expect(applyResultPath('$', input, 5, env)).toBe(5);
    expect(fails(() => applyResultPath('$.a.keep.x', input, 5, env)).error).toBe('States.ResultPathMatchFailure');
    expect(fails(() => applyResultPath('$.x', 'str', 5, env)).error).toBe('States.ResultPathMatchFailure');
  });
});

describe('payload templates', () => {
  test('`.$` keys, nesting, literals', () => {
    const env = testEnv({ name: 'n' });
    expect(evaluatePayloadTemplate({ 'a.$': '$.x', b: { 'c.$': '$name' }, d: ['$.x', { 'e.$': '$$.Execution.Id' }], f: '$.x' }, { x: 1 }, env, 'Parameters'))
      .toEqual({ a: 1, b: { c: 'n' }, d: ['$.x', { e: 'exec-arn' }], f: '$.x' });
  });
  test('missing path → States.Runtime with AWS wording', () => {
    const e = fails(() => evaluatePayloadTemplate({ 'value.$': '$.no_such_jsonpath' }, { a: 1 }, testEnv(), 'Parameters'));
    expect(e.error).toBe('States.Runtime');
    expect(e.cause).toBe(`An error occurred while executing the state 'S' (entered at the event id #2). The JSONPath '$.no_such_jsonpath' specified for the field 'value.$' could not be found in the input '{"a":1}'`);
  });
});

describe('intrinsic functions', () => {
  const ev = (expr: string, input: Json = {}) => evaluateIntrinsic(expr, input, testEnv({ v: [1, 2] }), 'x.$');
  test('values', () => {
    expect(ev("States.Format('a {} b {} \\{\\}', 1, $.s)", { s: 'x' })).toBe('a 1 b x {}');
    expect(ev("States.Format('{}', $.o)", { o: { a: 1, b: [1, 'x'] } })).toBe('{a=1, b=[1, x]}');
    expect(ev("States.StringToJson('{\"a\":1}')")).toEqual({ a: 1 });
    expect(ev('States.JsonToString($.o)', { o: { a: [1] } })).toBe('{"a":[1]}');
    expect(ev('States.Array(1, \'a\', $v, null, true)')).toEqual([1, 'a', [1, 2], null, true]);
    expect(ev('States.ArrayPartition($.a, 2)', { a: [1, 2, 3] })).toEqual([[1, 2], [3]]);
    expect(ev('States.ArrayContains($.a, $.b)', { a: [{ x: 1 }], b: { x: 1 } })).toBe(true);
    expect(ev('States.ArrayRange(1, 9, 2)')).toEqual([1, 3, 5, 7, 9]);
    expect(ev('States.ArrayRange(5, 1, -2)')).toEqual([5, 3, 1]);
    expect(ev('States.ArrayGetItem($v, 1)')).toBe(2);
    expect(ev('States.ArrayLength($v)')).toBe(2);
    expect(ev('States.ArrayUnique($.a)', { a: [1, 1, { a: 1 }, { a: 1 }] })).toEqual([1, { a: 1 }]);
    expect(ev("States.Base64Encode('Data to encode')")).toBe('RGF0YSB0byBlbmNvZGU=');
    expect(ev("States.Base64Decode('RGF0YSB0byBlbmNvZGU=')")).toBe('Data to encode');
    expect(ev("States.Hash('input data', 'SHA-1')")).toBe('aaff4a450a104cd177d28d18d74485e8cae074b7');
    expect(ev('States.JsonMerge($.a, $.b, false)', { a: { x: 1, y: { z: 1 } }, b: { y: 2 } })).toEqual({ x: 1, y: 2 });
    expect(ev('States.MathAdd(1.5, -0.5)')).toBe(2);
    expect(ev('States.MathRandom(1, 5)')).toBe(2);
    expect(ev('States.MathRandom(1, 1000, 7)')).toBe(ev('States.MathRandom(1, 1000, 7)'));
    expect(Number.isInteger(ev('States.MathRandom(12.5, 44.51)'))).toBe(true);
    expect(ev("States.StringSplit('a,b,,c', ',')")).toEqual(['a', 'b', 'c']);
    expect(ev('States.UUID()')).toBe('uuid-1');
    expect(ev("States.ArrayGetItem(States.StringSplit('a-b', '-'), States.MathAdd(States.ArrayLength(States.StringSplit('a-b', '-')), -1))")).toBe('b');
  });
  test('argument errors → States.IntrinsicFailure', () => {
    for (const expr of [
      "States.Format('{} {}', 1)", "States.ArrayPartition($v, 0)", 'States.ArrayRange(1, 2000, 1)', 'States.ArrayRange(1, 2, 0)',
      'States.ArrayGetItem($v, 5)', "States.Hash('x', 'SHA-2')", "States.JsonMerge($v, $v, false)", 'States.MathRandom(5, 1)',
      "States.StringToJson('{')", "States.Base64Decode('***')", 'States.ArrayLength(1)', 'States.Nope(1)',
    ]) {
      expect(fails(() => ev(expr)).error, expr).toBe('States.IntrinsicFailure');
    }
    expect(fails(() => ev('States.ArrayLength($.missing)')).error).toBe('States.Runtime');
  });
});

describe('JSONata', () => {
  const binding = (input: Json) => ({ input, context: { Execution: { Id: 'e' } } });
  test('templates, $states, variables, Step Functions functions', async () => {
    const env = testEnv({ x: 10 });
    expect(await evaluateJsonataTemplate({ a: '{% $states.input.n + $x %}', b: ['{% $states.context.Execution.Id %}', 'plain'] }, binding({ n: 1 }), env, 'Output'))
      .toEqual({ a: 11, b: ['e', 'plain'] });
    expect(await evaluateJsonataTemplate('{% $partition([1,2,3], 2) %}', binding({}), env, 'Output')).toEqual([[1, 2], [3]]);
    expect(await evaluateJsonataTemplate('{% $range(0, 6, 3) %}', binding({}), env, 'Output')).toEqual([0, 3, 6]);
    expect(await evaluateJsonataTemplate("{% $hash('input data', 'MD5') %}", binding({}), env, 'Output')).toBe('812f45842bc6d66ee14572ce20db8e86');
    expect(await evaluateJsonataTemplate('{% $random() %}', binding({}), env, 'Output')).toBe(0.25);
    expect(await evaluateJsonataTemplate('{% $uuid() %}', binding({}), env, 'Output')).toBe('uuid-1');
    expect(await evaluateJsonataTemplate(`{% $parse('{"a":1}') %}`, binding({}), env, 'Output')).toEqual({ a: 1 });
  });
  test('errors → States.QueryEvaluationError with location', async () => {
    const e = await failsAsync(evaluateJsonataTemplate('{% $states.input.missing %}', binding({}), testEnv(), 'Output'));
    expect(e.error).toBe('States.QueryEvaluationError');
    expect(e.location).toBe('Output');
    expect(e.cause).toContain("The JSONata expression '$states.input.missing' specified for the field 'Output' returned nothing (undefined).");
    expect((await failsAsync(evaluateJsonataTemplate('{% function($x){$x} %}', binding({}), testEnv(), 'Items'))).cause).toContain('returned an unsupported result type.');
    expect((await failsAsync(evaluateJsonataTemplate("{% $number('x') + $error('boom') %}", binding({}), testEnv(), 'Output'))).error).toBe('States.QueryEvaluationError');
  });
});

describe('Choice rules', () => {
  const env = testEnv({ limit: 5 });
  const rule = (operator: string, value: Json, variable = '$.v') => ({ kind: 'compare' as const, variable, operator: operator as never, value });
  test('comparisons, type mismatches and Path variants', () => {
    expect(evaluateChoiceRule(rule('NumericGreaterThanPath', '$limit'), { v: 6 }, env)).toBe(true);
    expect(evaluateChoiceRule(rule('NumericEquals', 1), { v: '1' }, env)).toBe(false);
    expect(evaluateChoiceRule(rule('StringLessThan', 'b'), { v: 'a' }, env)).toBe(true);
    expect(evaluateChoiceRule(rule('BooleanEquals', true), { v: 1 }, env)).toBe(false);
    expect(evaluateChoiceRule(rule('IsPresent', false), {}, env)).toBe(true);
    expect(evaluateChoiceRule(rule('IsTimestamp', true), { v: '2016-03-14T01:59:00.123+01:00' }, env)).toBe(true);
    expect(evaluateChoiceRule(rule('TimestampEquals', '2016-03-14T00:59:00Z'), { v: '2016-03-14T01:59:00+01:00' }, env)).toBe(true);
    expect(evaluateChoiceRule(rule('TimestampGreaterThan', '2016-03-14T00:59:00Z'), { v: 'not a date' }, env)).toBe(false);
    expect(evaluateChoiceRule({ kind: 'not', rule: { kind: 'and', rules: [rule('IsNull', true), rule('IsString', false)] } }, { v: null }, env)).toBe(false);
    expect(fails(() => evaluateChoiceRule(rule('StringEquals', 'x', '$.missing'), {}, env)).error).toBe('States.Runtime');
  });
  test('StringMatches wildcards and escapes', () => {
    expect(matches('log-2024.txt', 'log-*.txt')).toBe(true);
    expect(matches('a*b', 'a\\*b')).toBe(true);
    expect(matches('axb', 'a\\*b')).toBe(false);
    expect(matches('a\\b', 'a\\\\b')).toBe(true);
    expect(matches('anything', '*')).toBe(true);
  });
});

describe('Retry / Catch', () => {
  const r = (over: Partial<Retrier> = {}): Retrier => ({ ErrorEquals: ['X'], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: 'NONE', ...over });
  test('matching rules', () => {
    expect(errorMatches(['States.ALL'], 'Anything')).toBe(true);
    expect(errorMatches(['States.ALL'], 'States.Runtime')).toBe(false);
    expect(errorMatches(['States.TaskFailed'], 'Lambda.Unknown')).toBe(true);
    expect(errorMatches(['States.TaskFailed'], 'States.Timeout')).toBe(false);
    expect(errorMatches(['States.Timeout'], 'States.HeartbeatTimeout')).toBe(true);
    expect(findRetrier([r({ ErrorEquals: ['A'] }), r({ ErrorEquals: ['B'] })], 'B')).toBe(1);
    expect(findCatcher([{ ErrorEquals: ['A'], Next: 'n' }], 'B')).toBeUndefined();
  });
  test('task timeouts: reported as States.Timeout, heartbeat ones also match States.HeartbeatTimeout, Cause "" when caught', () => {
    const hb = new TaskTimeoutError(true);
    const plain = new TaskTimeoutError(false);
    expect([hb.error, plain.error]).toEqual(['States.Timeout', 'States.Timeout']);
    expect(errorMatches(['States.HeartbeatTimeout'], matchName(hb))).toBe(true);
    expect(errorMatches(['States.HeartbeatTimeout'], matchName(plain))).toBe(false);
    expect(errorMatches(['States.Timeout'], matchName(hb))).toBe(true);
    expect([catchCause(hb), catchCause(new StatesError('X')), catchCause(new StatesError('X', 'why'))]).toEqual(['', undefined, 'why']);
  });
  test('retryDelay: backoff, cap, full jitter', () => {
    expect([1, 2, 3].map((a) => retryDelay(r(), a, () => 0.5))).toEqual([2, 4, 8]);
    expect(retryDelay(r({ MaxDelaySeconds: 5 }), 3, () => 0.5)).toBe(5);
    expect(retryDelay(r({ JitterStrategy: 'FULL' }), 2, () => 0.5)).toBe(2);
  });
});

describe('context, variables, size', () => {
  test('buildContext / withMapItem', () => {
    const ctx = buildContext({
      execution: { id: 'e', name: 'n', input: { a: 1 }, roleArn: 'r', startTime: 't' },
      stateMachine: { id: 's', name: 'sn' }, state: { name: 'S', enteredTime: 't2' }, task: { token: 'tok' },
    });
    expect(ctx).toEqual({
      Execution: { Id: 'e', Input: { a: 1 }, StartTime: 't', Name: 'n', RoleArn: 'r', RedriveCount: 0 },
      StateMachine: { Id: 's', Name: 'sn' }, State: { Name: 'S', EnteredTime: 't2' }, Task: { Token: 'tok' },
    });
    expect(withMapItem(ctx, { index: 1, value: 'v' }).Map).toEqual({ Item: { Index: 1, Value: 'v' } });
  });
  test('variable scopes', () => {
    const root = new VariableScope();
    root.assign({ a: 1 });
    const child = root.child();
    child.assign({ b: 2 });
    expect(child.get('a')).toBe(1);
    expect(root.get('b')).toBeUndefined();
  });
  test('payload size limit', () => {
    expect(() => checkPayloadSize('x'.repeat(262_000), 'output', 'S')).not.toThrow();
    expect(fails(() => checkPayloadSize('x'.repeat(262_200), 'output', 'S')).error).toBe('States.DataLimitExceeded');
  });
});

describe('systemRandomness', () => {
  test('random() stays in [0, 1) and uuid() is a v4 UUID', async () => {
    const { systemRandomness } = await import('./index.js');
    for (let i = 0; i < 1000; i++) {
      const r = systemRandomness.random();
      expect(r >= 0 && r < 1).toBe(true);
    }
    expect(systemRandomness.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('JSONata error causes name the leaf field and keep the JSONata code', () => {
  const binding = { input: { s: 'x' }, context: {} };
  test('field paths and tails', async () => {
    const e1 = await failsAsync(evaluateJsonataTemplate({ v: ['ok', '{% $states.input.missing %}'] }, binding, testEnv(), 'Output'));
    expect(e1.cause).toContain("specified for the field 'Output/v[1]' returned nothing (undefined).");
    expect(e1.location).toBe('Output/v[1]');
    const e2 = await failsAsync(evaluateJsonataTemplate('{% $abs($states.input.s) %}', binding, testEnv(), 'Output'));
    expect(e2.cause).toContain(`threw an error during evaluation. T0410: Argument 1 of function "abs" does not match function signature`);
    const e3 = await failsAsync(evaluateJsonataTemplate('{% $eval("1+1") %}', binding, testEnv(), 'Output'));
    expect(e3.cause).toContain('T1006');
    const e4 = await failsAsync(evaluateJsonataTemplate('{% $partition(1, 2) %}', binding, testEnv(), 'Output'));
    expect(e4.cause).toContain('threw an error during evaluation: $partition');
  });
});

describe('__proto__ keys stay data', () => {
  test('payload template, ResultPath, JSONata template', async () => {
    const env = testEnv();
    const p = evaluatePayloadTemplate(JSON.parse('{"__proto__": {"x": 1}, "b.$": "$.v"}') as Json, { v: 2 }, env, 'Parameters');
    expect(JSON.stringify(p)).toBe('{"__proto__":{"x":1},"b":2}');
    expect(JSON.stringify(applyResultPath('$.__proto__', {}, 5, env))).toBe('{"__proto__":5}');
    const j = await evaluateJsonataTemplate(JSON.parse('{"__proto__": "{% 1 %}"}') as Json, { input: {}, context: {} }, env, 'Output');
    expect(JSON.stringify(j)).toBe('{"__proto__":1}');
  });
});
