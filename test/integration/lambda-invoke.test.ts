// Invoke through @aws-sdk/client-lambda: runtimes, errors, limits, throttling, aliases, async.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Lambda from '@aws-sdk/client-lambda';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { zip } from '../helpers/zip.js';
import { failure } from '../helpers/failure.js';

const ROLE = 'arn:aws:iam::000000000000:role/lambda-role';


const text = (p: Uint8Array | undefined) => Buffer.from(p ?? []).toString('utf8');

describe('Lambda invoke', () => {
  let nimbus: TestNimbus;
  let lambda: Lambda.LambdaClient;
  let logs: CloudWatchLogsClient;

  beforeAll(async () => {
    nimbus = await startNimbus({ lambda: { asyncRetryBaseMs: 50 } });
    lambda = new Lambda.LambdaClient(clientConfig(nimbus.endpoint));
    logs = new CloudWatchLogsClient(clientConfig(nimbus.endpoint));
  });
  afterAll(() => nimbus.dispose());

  async function deploy(name: string, files: Parameters<typeof zip>[0], extra: Partial<Lambda.CreateFunctionCommandInput> = {}) {
    await lambda.send(
      new Lambda.CreateFunctionCommand({
        FunctionName: name,
        Runtime: 'nodejs20.x',
        Role: ROLE,
        Handler: 'index.handler',
        Code: { ZipFile: zip(files) },
        ...extra,
      }),
    );
    await Lambda.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 10 }, { FunctionName: name });
  }

  const invoke = (input: Partial<Lambda.InvokeCommandInput> & { FunctionName: string }, payload: unknown = {}) =>
    lambda.send(new Lambda.InvokeCommand({ Payload: Buffer.from(JSON.stringify(payload)), ...input }));

  async function logLines(group: string, pattern?: string): Promise<string[]> {
    try {
      const out = await logs.send(new FilterLogEventsCommand({ logGroupName: group, ...(pattern ? { filterPattern: pattern } : {}) }));
      return (out.events ?? []).map((e) => e.message ?? '');
    } catch (err) {
      if ((err as Error).name === 'ResourceNotFoundException') return []; // nothing logged yet
      throw err;
    }
  }

  it('runs a Node handler and returns its result, logs and executed version', async () => {
    await deploy('echo', {
      'index.mjs': `export const handler = async (event, context) => {
        console.log('got', JSON.stringify(event));
        return { event, name: context.functionName, arn: context.invokedFunctionArn, cc: context.clientContext?.custom ?? null };
      };`,
    });
    const clientContext = Buffer.from(JSON.stringify({ custom: { who: 'test' } })).toString('base64');
    const out = await invoke({ FunctionName: 'echo', LogType: 'Tail', ClientContext: clientContext }, { hello: 'world' });
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBeUndefined();
    expect(out.ExecutedVersion).toBe('$LATEST');
    expect(JSON.parse(text(out.Payload))).toEqual({
      event: { hello: 'world' },
      name: 'echo',
      arn: 'arn:aws:lambda:us-east-1:000000000000:function:echo',
      cc: { who: 'test' },
    });
    const tail = Buffer.from(out.LogResult!, 'base64').toString('utf8');
    // As on AWS, the reply's request id is the invocation's (the function's awsRequestId).
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(tail).toContain(`START RequestId: ${out.$metadata.requestId} Version: $LATEST`);
    expect(tail).toContain('got {"hello":"world"}');
    expect(tail).toMatch(/REPORT RequestId: .*Duration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB/);
    expect(await logLines('/aws/lambda/echo', '"got"')).toHaveLength(1);
  });

  it('reports a handler error as X-Amz-Function-Error: Unhandled with the runtime error JSON', async () => {
    await deploy('boom', { 'index.js': `exports.handler = async () => { const e = new Error('kaput'); e.name = 'CustomError'; throw e; };` });
    const out = await invoke({ FunctionName: 'boom' });
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBe('Unhandled');
    expect(JSON.parse(text(out.Payload))).toMatchObject({ errorType: 'CustomError', errorMessage: 'kaput', trace: expect.any(Array) });
  });

  it('runs a Python handler', async () => {
    await deploy(
      'py',
      { 'app.py': `import os\ndef handler(event, context):\n    return {"sum": event["a"] + event["b"], "fn": context.function_name, "region": os.environ["AWS_REGION"]}\n` },
      { Runtime: 'python3.12', Handler: 'app.handler' },
    );
    const out = await invoke({ FunctionName: 'py' }, { a: 2, b: 3 });
    expect(JSON.parse(text(out.Payload))).toEqual({ sum: 5, fn: 'py', region: 'us-east-1' });
  });

  it('runs a custom runtime whose bootstrap is a shell script speaking the Runtime API', async () => {
    const bootstrap = `#!/bin/sh
set -eu
API="http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/invocation"
while true; do
  HEADERS=$(mktemp)
  EVENT=$(curl -sS -D "$HEADERS" "$API/next")
  ID=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$HEADERS" | tr -d '\\r' | cut -d' ' -f2)
  curl -sS -X POST "$API/$ID/response" -d "{\\"shell\\":true,\\"echo\\":$EVENT,\\"handler\\":\\"$_HANDLER\\"}" >/dev/null
done
`;
    await deploy('shell', { bootstrap: { content: bootstrap, mode: 0o755 } }, { Runtime: 'provided.al2023', Handler: 'my.handler' });
    const out = await invoke({ FunctionName: 'shell' }, { n: 1 });
    expect(out.FunctionError).toBeUndefined();
    expect(JSON.parse(text(out.Payload))).toEqual({ shell: true, echo: { n: 1 }, handler: 'my.handler' });
  });

  it('kills a function past its timeout with AWS’s message', async () => {
    await deploy('slow', { 'index.mjs': 'export const handler = () => new Promise((r) => setTimeout(r, 60_000));' }, { Timeout: 1 });
    const out = await invoke({ FunctionName: 'slow' });
    expect(out.FunctionError).toBe('Unhandled');
    expect(text(out.Payload)).toContain('Task timed out after 1.00 seconds');
    const next = await invoke({ FunctionName: 'slow' });
    expect(next.FunctionError).toBe('Unhandled');
  });

  it('splits alias traffic by weight', async () => {
    await deploy('weighted', { 'index.mjs': 'export const handler = async () => process.env.AWS_LAMBDA_FUNCTION_VERSION;' }, { Publish: true });
    await lambda.send(new Lambda.UpdateFunctionConfigurationCommand({ FunctionName: 'weighted', Description: 'v2' }));
    await Lambda.waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 10 }, { FunctionName: 'weighted' });
    await lambda.send(new Lambda.PublishVersionCommand({ FunctionName: 'weighted' }));
    await lambda.send(
      new Lambda.CreateAliasCommand({ FunctionName: 'weighted', Name: 'live', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 0.3 } } }),
    );
    const counts: Record<string, number> = {};
    for (let batch = 0; batch < 50; batch++) {
      const outs = await Promise.all(Array.from({ length: 20 }, () => invoke({ FunctionName: 'weighted', Qualifier: 'live' })));
      for (const out of outs) {
        expect(JSON.parse(text(out.Payload))).toBe(out.ExecutedVersion);
        counts[out.ExecutedVersion!] = (counts[out.ExecutedVersion!] ?? 0) + 1;
      }
    }
    expect((counts['1'] ?? 0) + (counts['2'] ?? 0)).toBe(1000);
    // Binomial(1000, 0.3): mean 300, standard deviation 14.5; five deviations either side.
    expect(counts['2']).toBeGreaterThan(227);
    expect(counts['2']).toBeLessThan(373);
  });

  it('throttles past reserved concurrency with 429 and AWS’s Reason', async () => {
    await deploy('narrow', { 'index.mjs': 'export const handler = async (e) => { await new Promise((r) => setTimeout(r, e.ms)); return 1; };' });
    await lambda.send(new Lambda.PutFunctionConcurrencyCommand({ FunctionName: 'narrow', ReservedConcurrentExecutions: 1 }));
    const slow = invoke({ FunctionName: 'narrow' }, { ms: 1500 });
    await new Promise((r) => setTimeout(r, 300));
    const throttled = await failure(invoke({ FunctionName: 'narrow' }, { ms: 0 }));
    expect(throttled).toMatchObject({
      name: 'TooManyRequestsException',
      status: 429,
      reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
    });
    expect((await slow).StatusCode).toBe(200);
    await lambda.send(new Lambda.PutFunctionConcurrencyCommand({ FunctionName: 'narrow', ReservedConcurrentExecutions: 0 }));
    expect(await failure(invoke({ FunctionName: 'narrow' }, { ms: 0 }))).toMatchObject({ name: 'TooManyRequestsException', status: 429 });
    await lambda.send(new Lambda.DeleteFunctionConcurrencyCommand({ FunctionName: 'narrow' }));
    expect((await invoke({ FunctionName: 'narrow' }, { ms: 0 })).StatusCode).toBe(200);
  });

  it('runs concurrent invocations in separate environments', async () => {
    await deploy('parallel', { 'index.mjs': 'let n = 0; export const handler = async () => { n++; await new Promise((r) => setTimeout(r, 300)); return { pid: process.pid, n }; };' });
    const outs = await Promise.all(Array.from({ length: 4 }, () => invoke({ FunctionName: 'parallel' })));
    const results = outs.map((o) => JSON.parse(text(o.Payload)) as { pid: number; n: number });
    expect(results.every((r) => r.n === 1)).toBe(true);
  });

  it('rejects oversized and malformed payloads and unknown functions', async () => {
    await deploy('limits', { 'index.mjs': 'export const handler = async (e) => e;' });
    const big = await failure(lambda.send(new Lambda.InvokeCommand({ FunctionName: 'limits', Payload: Buffer.from(JSON.stringify({ x: 'y'.repeat(6_300_000) })) })));
    expect(big).toMatchObject({ name: 'RequestTooLargeException', status: 413 });
    const bigAsync = await failure(
      lambda.send(new Lambda.InvokeCommand({ FunctionName: 'limits', InvocationType: 'Event', Payload: Buffer.from(JSON.stringify({ x: 'y'.repeat(1_100_000) })) })),
    );
    expect(bigAsync).toMatchObject({ name: 'RequestTooLargeException', status: 413 });
    const bad = await failure(lambda.send(new Lambda.InvokeCommand({ FunctionName: 'limits', Payload: Buffer.from('{oops') })));
    expect(bad).toMatchObject({ name: 'InvalidRequestContentException', status: 400 });
    expect(await failure(invoke({ FunctionName: 'nobody' }))).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
    expect(await failure(invoke({ FunctionName: 'limits', Qualifier: '7' }))).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
    const dry = await invoke({ FunctionName: 'limits', InvocationType: 'DryRun' });
    expect(dry.StatusCode).toBe(204);
  });

  it('retries a failing asynchronous invocation twice, then delivers it to the OnFailure destination', async () => {
    await deploy('on-failure', { 'index.mjs': 'export const handler = async (e) => { console.log("DESTINATION " + JSON.stringify(e)); return "ok"; };' });
    await deploy('flaky', { 'index.mjs': 'export const handler = async (e) => { console.log("ATTEMPT " + e.id); throw new Error("always fails"); };' });
    await lambda.send(
      new Lambda.PutFunctionEventInvokeConfigCommand({
        FunctionName: 'flaky',
        DestinationConfig: { OnFailure: { Destination: 'arn:aws:lambda:us-east-1:000000000000:function:on-failure' } },
      }),
    );
    const accepted = await invoke({ FunctionName: 'flaky', InvocationType: 'Event' }, { id: 'evt-1' });
    expect(accepted.StatusCode).toBe(202);

    let delivered: string[] = [];
    for (let i = 0; i < 100 && delivered.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      delivered = await logLines('/aws/lambda/on-failure', '"DESTINATION"');
    }
    expect(delivered).toHaveLength(1);
    const record = JSON.parse(delivered[0]!.slice(delivered[0]!.indexOf('DESTINATION ') + 12));
    expect(record).toMatchObject({
      version: '1.0',
      requestContext: { requestId: accepted.$metadata.requestId, condition: 'RetriesExhausted', approximateInvokeCount: 3, functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:flaky:$LATEST' },
      requestPayload: { id: 'evt-1' },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'Error', errorMessage: 'always fails' },
    });
    expect(await logLines('/aws/lambda/flaky', '"ATTEMPT evt-1"')).toHaveLength(3);
  });

  it('publishes AWS/Lambda metrics per function', async () => {
    await deploy('measured', { 'index.mjs': 'export const handler = async (e) => { if (e.fail) throw new Error("x"); return 1; };' });
    for (const fail of [false, false, true]) await invoke({ FunctionName: 'measured' }, { fail });
    const cw = new CloudWatchClient(clientConfig(nimbus.endpoint));
    const stat = async (MetricName: string, Statistic: 'Sum' | 'SampleCount') => {
      const out = await cw.send(
        new GetMetricStatisticsCommand({
          Namespace: 'AWS/Lambda',
          MetricName,
          Dimensions: [{ Name: 'FunctionName', Value: 'measured' }],
          StartTime: new Date(Date.now() - 600_000),
          EndTime: new Date(Date.now() + 60_000),
          Period: 3600,
          Statistics: [Statistic],
        }),
      );
      return out.Datapoints!.reduce((n, d) => n + (d[Statistic] ?? 0), 0);
    };
    expect(await stat('Invocations', 'Sum')).toBe(3);
    expect(await stat('Errors', 'Sum')).toBe(1);
    expect(await stat('Duration', 'SampleCount')).toBe(3);
  });
});
