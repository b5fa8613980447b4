import { describe, expect, it } from 'vitest';
import { lambdaMetrics, type MetricSink } from './metrics.js';
import type { FunctionVersion } from './model.js';
import type { InvocationRecord } from './invoke.js';

function recordingSink() {
  const created: string[] = [];
  const puts: string[] = [];
  const sink: MetricSink = {
    series(accountId, region, namespace, name, dimensions) {
      const id = `${accountId}/${region}/${namespace}/${name}/${JSON.stringify(dimensions)}`;
      created.push(id);
      return { put: (value, unit) => puts.push(`${id}=${value} ${unit}`) };
    },
  };
  return { sink, created, puts };
}

const v = { accountId: '000000000000', region: 'us-east-1', functionName: 'fn', version: '2' } as FunctionVersion;
const record = (over: Partial<InvocationRecord>): InvocationRecord =>
  ({ requestId: 'r', qualifier: undefined, viaAlias: false, version: v, startedAt: 0, result: { payload: Buffer.alloc(0), durationMs: 1.5 }, ...over }) as InvocationRecord;
const P = '000000000000/us-east-1/AWS/Lambda';
/** Invocation figures are put on the next loop turn, after the caller's answer. */
const turn = () => new Promise((r) => setImmediate(r));

describe('lambdaMetrics', () => {
  it('publishes AWS dimension sets per invocation, after the caller is answered, and reuses its series', async () => {
    const { sink, created, puts } = recordingSink();
    const obs = lambdaMetrics(sink);
    obs.invoked!(record({}));
    expect(puts).toEqual([]);
    await turn();
    expect(puts).toEqual([
      `${P}/Invocations/{}=1 Count`,
      `${P}/Invocations/{"FunctionName":"fn"}=1 Count`,
      `${P}/Errors/{}=0 Count`,
      `${P}/Errors/{"FunctionName":"fn"}=0 Count`,
      `${P}/Duration/{}=1.5 Milliseconds`,
      `${P}/Duration/{"FunctionName":"fn"}=1.5 Milliseconds`,
    ]);
    const before = created.length;
    obs.invoked!(record({ result: { payload: Buffer.alloc(0), durationMs: 2, functionError: 'Unhandled' } as InvocationRecord['result'] }));
    await turn();
    expect(created.length).toBe(before); // same version object: handles reused
    expect(puts.slice(6, 10)).toEqual([`${P}/Invocations/{}=1 Count`, `${P}/Invocations/{"FunctionName":"fn"}=1 Count`, `${P}/Errors/{}=1 Count`, `${P}/Errors/{"FunctionName":"fn"}=1 Count`]);
  });

  it('adds Resource for a qualified invoke and ExecutedVersion for an alias', async () => {
    const { sink, puts } = recordingSink();
    const obs = lambdaMetrics(sink);
    obs.invoked!(record({ qualifier: 'live', viaAlias: true }));
    await turn();
    expect(puts.filter((p) => p.includes('/Invocations/'))).toEqual([
      `${P}/Invocations/{}=1 Count`,
      `${P}/Invocations/{"FunctionName":"fn"}=1 Count`,
      `${P}/Invocations/{"FunctionName":"fn","Resource":"fn:live"}=1 Count`,
      `${P}/Invocations/{"FunctionName":"fn","ExecutedVersion":"2"}=1 Count`,
    ]);
  });

  it('counts throttles per qualifier at once, and concurrency per function after the start', async () => {
    const { sink, puts } = recordingSink();
    const obs = lambdaMetrics(sink);
    obs.concurrency!(v, 3);
    obs.throttled!(v, '2');
    await turn();
    expect(puts).toEqual([
      `${P}/Throttles/{}=1 Count`,
      `${P}/Throttles/{"FunctionName":"fn"}=1 Count`,
      `${P}/Throttles/{"FunctionName":"fn","Resource":"fn:2"}=1 Count`,
      `${P}/ConcurrentExecutions/{}=3 Count`,
      `${P}/ConcurrentExecutions/{"FunctionName":"fn"}=3 Count`,
    ]);
  });
});
