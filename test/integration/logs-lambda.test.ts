// The user-visible goal: a Lambda function's logs reach CloudWatch Logs through the in-process
// LogSink, and `aws logs tail /aws/lambda/NAME` (AWS CLI v2), `aws logs filter-log-events` and
// `describe-log-streams` (v1) show them; `tail --follow` prints a later invocation as it happens.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Lambda from '@aws-sdk/client-lambda';
import { CloudWatchLogsClient, DescribeLogStreamsCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { zip } from '../helpers/zip.js';

const run = promisify(execFile);
const CLI_ENV = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: process.env.HOME ?? '/tmp',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_PAGER: '',
  AWS_EC2_METADATA_DISABLED: 'true',
  PYTHONUNBUFFERED: '1',
};
const version = (bin: string) => {
  const r = spawnSync(bin, ['--version'], { env: CLI_ENV, encoding: 'utf8' });
  return r.status === 0 ? `${r.stdout}${r.stderr}` : '';
};
const V2 = '/usr/bin/aws';
const hasV1 = version('aws').startsWith('aws-cli/1.');
const hasV2 = version(V2).startsWith('aws-cli/2.');

let nimbus: TestNimbus;
let lambda: Lambda.LambdaClient;
let logs: CloudWatchLogsClient;
const FN = 'logs-e2e';
const GROUP = `/aws/lambda/${FN}`;

beforeAll(async () => {
  nimbus = await startNimbus();
  lambda = new Lambda.LambdaClient(clientConfig(nimbus.endpoint));
  logs = new CloudWatchLogsClient(clientConfig(nimbus.endpoint));
  await lambda.send(
    new Lambda.CreateFunctionCommand({
      FunctionName: FN,
      Runtime: 'nodejs20.x',
      Role: 'arn:aws:iam::000000000000:role/lambda-role',
      Handler: 'index.handler',
      Code: {
        ZipFile: zip({
          'index.mjs': `export const handler = async (event) => {
            console.log('handling', event.n);
            console.error('to stderr', event.n);
            return { ok: event.n };
          };`,
        }),
      },
    }),
  );
  await Lambda.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 30 }, { FunctionName: FN });
});

afterAll(async () => {
  lambda?.destroy();
  logs?.destroy();
  await nimbus?.dispose();
});

const invoke = (n: number) =>
  lambda.send(new Lambda.InvokeCommand({ FunctionName: FN, Payload: Buffer.from(JSON.stringify({ n })) }));

describe('Lambda → CloudWatch Logs', () => {
  it('an invocation is readable right after Invoke returns, in a stream named like AWS names it', async () => {
    const out = await invoke(1);
    expect(out.FunctionError).toBeUndefined();
    const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName: GROUP, orderBy: 'LastEventTime', descending: true }));
    expect(streams.logStreams!.length).toBeGreaterThan(0);
    const stream = streams.logStreams![0]!;
    expect(stream.logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]+$/);
    const events = await logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: stream.logStreamName, startFromHead: true }));
    const text = events.events!.map((e) => e.message).join('');
    expect(text).toMatch(/START RequestId: [0-9a-f-]+ Version: \$LATEST/);
    expect(text).toContain('handling 1');
    expect(text).toContain('to stderr 1');
    expect(text).toMatch(/END RequestId: /);
    expect(text).toMatch(/REPORT RequestId: .*Duration: [\d.]+ ms/);
  });

  it.skipIf(!hasV1)('aws logs filter-log-events (CLI v1) finds a line of one invocation', async () => {
    await invoke(2);
    const cli = async (...args: string[]) =>
      JSON.parse((await run('aws', ['--endpoint-url', nimbus.endpoint, 'logs', ...args], { env: CLI_ENV, timeout: 90_000 })).stdout);
    const found = await cli('filter-log-events', '--log-group-name', GROUP, '--filter-pattern', '"handling 2"');
    expect(found.events).toHaveLength(1);
    expect(found.events[0].message).toContain('handling 2');
  }, 120_000);

  it.skipIf(!hasV2)('aws logs tail --follow (CLI v2) prints past invocations, then a new one as it happens', async () => {
    await invoke(3);
    const child = spawn(V2, ['--endpoint-url', nimbus.endpoint, 'logs', 'tail', GROUP, '--follow', '--format', 'short'], {
      env: CLI_ENV,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const waitFor = async (needle: string) => {
      const deadline = Date.now() + 40_000;
      while (!out.includes(needle)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`tail --follow never printed '${needle}':\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    try {
      await waitFor('handling 3');
      await waitFor('REPORT RequestId');
      await invoke(4);
      await waitFor('handling 4');
      expect(out.split('handling 3').length).toBe(2);
    } finally {
      child.kill('SIGTERM');
    }
  }, 120_000);
});
