// Interpreter unit tests with injected time and a fake Lambda invoker: a one-year Wait runs
// instantly, retries back off on the manual clock, and replay never re-runs a recorded state.
import { describe, expect, it } from 'vitest';
import { parseDefinition, systemRandomness, type Json } from '../asl/index.js';
import type { LambdaInvokeInput, LambdaInvokeOutput, LambdaInvoker } from '../../lambda/invoker.js';
import { ManualClock } from './clock.js';
import { Interpreter } from './interpreter.js';
import { MemoryJournal } from './journal.js';
import type { EngineHost, ExecutionInfo, TokenHost } from './types.js';

const noTokens: TokenHost = {
  newToken: () => 'token-0123456789abcdef',
  register: () => Promise.resolve(),
  wait: () => new Promise(() => undefined),
  started: () => Promise.resolve('w'),
  close: () => undefined,
};

function host(clock: ManualClock, lambda?: LambdaInvoker): EngineHost {
  return { clock, randomness: systemRandomness, tokens: noTokens, ...(lambda ? { lambda } : {}) };
}

function info(input: Json, clock: ManualClock): ExecutionInfo {
  return {
    arn: 'arn:aws:states:us-east-1:000000000000:execution:m:e', name: 'e', machineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:m',
    machineName: 'm', roleArn: 'arn:aws:iam::000000000000:role/r', input, startMs: clock.now(), redriveCount: 0,
    region: 'us-east-1', accountId: '000000000000', type: 'STANDARD',
  };
}

async function run(def: object, input: Json, clock = new ManualClock(), lambda?: LambdaInvoker, journal?: MemoryJournal) {
  const j = journal ?? new MemoryJournal(() => clock.now());
  const result = await new Interpreter(info(input, clock), parseDefinition(JSON.stringify(def)), j, host(clock, lambda), new AbortController().signal).run();
  return { result, journal: j, clock };
}

/** A fake invoker: fails the first `failures` calls with a function error, then echoes the payload. */
function flaky(failures: number): LambdaInvoker & { calls: LambdaInvokeInput[] } {
  const calls: LambdaInvokeInput[] = [];
  return {
    calls,
    invoke(input): Promise<LambdaInvokeOutput> {
      calls.push(input);
      if (calls.length <= failures) {
        return Promise.resolve({ statusCode: 200, functionError: 'Unhandled', payload: Buffer.from('{"errorType":"Flaky","errorMessage":"try again"}') });
      }
      return Promise.resolve({ statusCode: 200, payload: input.payload, executedVersion: '$LATEST' });
    },
  };
}

describe('interpreter', () => {
  it('waits a year in no real time', async () => {
    const clock = new ManualClock();
    const start = clock.now();
    const { result, journal } = await run(
      { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 365 * 24 * 3600, Next: 'P' }, P: { Type: 'Pass', End: true } } },
      { a: 1 }, clock);
    expect(result).toEqual({ status: 'SUCCEEDED', output: { a: 1 } });
    expect(clock.now() - start).toBe(365 * 24 * 3600 * 1000);
    expect(journal.events.map((e) => e.type)).toEqual(['WaitStateEntered', 'WaitStateExited', 'PassStateEntered', 'PassStateExited']);
  });

  it('retries a Lambda task with backoff on the injected clock, then catches', async () => {
    const clock = new ManualClock();
    const start = clock.now();
    const lambda = flaky(10);
    const def = {
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:f',
          Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 2, MaxAttempts: 2, BackoffRate: 3 }],
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.err', Next: 'Handled' }], End: true,
        },
        Handled: { Type: 'Pass', End: true },
      },
    };
    const { result, journal } = await run(def, { x: 1 }, clock, lambda);
    expect(lambda.calls).toHaveLength(3);
    expect(clock.now() - start).toBe((2 + 6) * 1000);
    expect(result.status).toBe('SUCCEEDED');
    expect((result as unknown as { output: { err: { Error: string } } }).output.err.Error).toBe('Flaky');
    expect(journal.events.filter((e) => e.type === 'LambdaFunctionFailed')).toHaveLength(3);
  });

  it('runs Parallel branches and Map iterations and keeps their order', async () => {
    const def = {
      StartAt: 'Par',
      States: {
        Par: {
          Type: 'Parallel', Next: 'Each',
          Branches: [
            { StartAt: 'A', States: { A: { Type: 'Wait', Seconds: 5, Next: 'A2' }, A2: { Type: 'Pass', Result: 'a', End: true } } },
            { StartAt: 'B', States: { B: { Type: 'Pass', Result: 'b', End: true } } },
          ],
        },
        Each: { Type: 'Map', MaxConcurrency: 2, ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', Parameters: { 'v.$': '$' }, End: true } } }, End: true },
      },
    };
    const { result } = await run(def, {});
    expect(result).toEqual({ status: 'SUCCEEDED', output: [{ v: 'a' }, { v: 'b' }] });
  });

  it('replays recorded steps without running them again', async () => {
    const clock = new ManualClock();
    const lambda = flaky(0);
    const def = {
      StartAt: 'T',
      States: {
        T: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:f', Next: 'W' },
        W: { Type: 'Wait', Seconds: 10, End: true },
      },
    };
    const journal = new MemoryJournal(() => clock.now());
    await run(def, { n: 1 }, clock, lambda, journal);
    expect(lambda.calls).toHaveLength(1);
    const events = journal.events.length;
    // Same journal again (as after a restart): the task is done, so it is not invoked a second time.
    const again = await run(def, { n: 1 }, clock, lambda, journal);
    expect(again.result).toEqual({ status: 'SUCCEEDED', output: { n: 1 } });
    expect(lambda.calls).toHaveLength(1);
    expect(journal.events.length).toBe(events);
  });

  it('records <Type>StateAborted for the states failed or cancelled branches were still in', async () => {
    const fn = 'arn:aws:lambda:us-east-1:000000000000:function:f';
    const par = {
      StartAt: 'Par',
      States: {
        Par: {
          Type: 'Parallel', End: true,
          Branches: [
            { StartAt: 'T', States: { T: { Type: 'Task', Resource: fn, End: true } } },
            { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 100, End: true } } },
          ],
        },
      },
    };
    // No auto-advance: the 100 s Wait must still be waiting when the other branch fails.
    const p = await run(par, {}, new ManualClock(undefined, false), flaky(1));
    expect(p.result.status).toBe('FAILED');
    const types = p.journal.events.map((e) => e.type);
    // The failed branch's Task, then the cancelled branch's Wait, then the Parallel itself.
    expect(types.slice(types.indexOf('LambdaFunctionFailed'))).toEqual(
      ['LambdaFunctionFailed', 'TaskStateAborted', 'WaitStateAborted', 'ParallelStateFailed']);
    // Top level: an uncaught failure ends the execution with no StateAborted.
    const top = await run({ StartAt: 'T', States: { T: { Type: 'Task', Resource: fn, End: true } } }, {}, new ManualClock(), flaky(1));
    expect(top.journal.events.map((e) => e.type).at(-1)).toBe('LambdaFunctionFailed');
  });

  it('Map: the first failed iteration fails, the others are aborted', async () => {
    const def = {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map', End: true,
          ItemProcessor: { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:f', End: true } } },
        },
      },
    };
    const { result, journal } = await run(def, [1, 2, 3], new ManualClock(), flaky(3));
    expect(result.status).toBe('FAILED');
    const count = (t: string) => journal.events.filter((e) => e.type === t).length;
    expect([count('MapIterationFailed'), count('MapIterationAborted'), count('TaskStateAborted')]).toEqual([1, 2, 3]);
  });

  it('fails with the Fail state error and cause', async () => {
    const { result } = await run({ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'E', Cause: 'C' } } }, {});
    expect(result).toEqual({ status: 'FAILED', error: 'E', cause: 'C' });
  });

  it('stops an execution at 25,000 history events', async () => {
    const def = {
      StartAt: 'Inc',
      States: {
        Inc: { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.n, 1)' }, Next: 'Check' },
        Check: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericLessThan: 1_000_000, Next: 'Inc' }], Default: 'Done' },
        Done: { Type: 'Succeed' },
      },
    };
    const { result, journal } = await run(def, { n: 0 });
    expect(result.status).toBe('FAILED');
    expect((result as { error?: string }).error).toBe('States.Runtime');
    expect(journal.events.length).toBeLessThanOrEqual(25_000);
  });

  it('fails with States.DataLimitExceeded past 256 KB of state output', async () => {
    const { result } = await run({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, { big: 'x'.repeat(262_144) });
    expect(result.status).toBe('FAILED');
    expect((result as { error?: string }).error).toBe('States.DataLimitExceeded');
  });
});
