// CloudWatch Logs through the AWS CLI as users run it: v1 (`aws`, always installed here) for the
// plain operations, and v2 (`/usr/bin/aws` from Debian's awscli package) for `aws logs tail`, which
// only v2 has. `tail` calls FilterLogEvents (interleaved, startTime = now - 10 min) page by page;
// `tail --follow` polls it every 5 s, moving startTime to the newest event seen and de-duplicating
// by eventId.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';

const run = promisify(execFile);

const CLI_ENV = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: process.env.HOME ?? '/tmp',
  PYENV_ROOT: process.env.PYENV_ROOT ?? '',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_PAGER: '',
  AWS_EC2_METADATA_DISABLED: 'true',
};

function version(bin: string): string {
  const r = spawnSync(bin, ['--version'], { env: CLI_ENV, encoding: 'utf8' });
  return r.status === 0 ? `${r.stdout}${r.stderr}` : '';
}

const hasV1 = version('aws').startsWith('aws-cli/1.');
const V2 = '/usr/bin/aws';
const hasV2 = version(V2).startsWith('aws-cli/2.');

let nimbus: TestNimbus;
let logs: CloudWatchLogsClient;

beforeAll(async () => {
  nimbus = await startNimbus();
  logs = new CloudWatchLogsClient(clientConfig(nimbus.endpoint));
});

afterAll(async () => {
  logs?.destroy();
  await nimbus?.dispose();
});

async function cli(bin: string, args: string[]): Promise<string> {
  const { stdout } = await run(bin, ['--endpoint-url', nimbus.endpoint, ...args], { env: CLI_ENV, timeout: 90_000 });
  return stdout;
}

async function cliFailure(bin: string, args: string[]): Promise<string> {
  try {
    await cli(bin, args);
  } catch (err) {
    return String((err as { stderr?: string }).stderr);
  }
  throw new Error('expected the CLI to fail');
}

async function seed(groupName: string, streams: Record<string, string[]>): Promise<number> {
  await logs.send(new CreateLogGroupCommand({ logGroupName: groupName }));
  const t0 = Date.now() - 60_000;
  let i = 0;
  for (const [stream, lines] of Object.entries(streams)) {
    await logs.send(new CreateLogStreamCommand({ logGroupName: groupName, logStreamName: stream }));
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: groupName,
        logStreamName: stream,
        logEvents: lines.map((message) => ({ timestamp: t0 + i++ * 100, message })),
      }),
    );
  }
  return t0;
}

describe.skipIf(!hasV1)('AWS CLI v1', () => {
  it('create-log-group, describe-log-groups, put/get/filter-log-events', async () => {
    await cli('aws', ['logs', 'create-log-group', '--log-group-name', '/cli/v1']);
    await cli('aws', ['logs', 'create-log-stream', '--log-group-name', '/cli/v1', '--log-stream-name', 'main']);
    const now = Date.now();
    const put = JSON.parse(
      await cli('aws', [
        'logs', 'put-log-events', '--log-group-name', '/cli/v1', '--log-stream-name', 'main',
        '--log-events', `timestamp=${now - 2},message=hello ERROR one`, `timestamp=${now - 1},message=all good`,
      ]),
    );
    expect(put.nextSequenceToken).toBeTruthy();

    const groups = JSON.parse(await cli('aws', ['logs', 'describe-log-groups', '--log-group-name-prefix', '/cli/']));
    expect(groups.logGroups.map((g: { logGroupName: string }) => g.logGroupName)).toEqual(['/cli/v1']);

    const got = JSON.parse(
      await cli('aws', ['logs', 'get-log-events', '--log-group-name', '/cli/v1', '--log-stream-name', 'main', '--start-from-head']),
    );
    expect(got.events.map((e: { message: string }) => e.message)).toEqual(['hello ERROR one', 'all good']);
    expect(got.nextForwardToken).toMatch(/^f\/\d{56}\/s$/);

    const filtered = JSON.parse(
      await cli('aws', ['logs', 'filter-log-events', '--log-group-name', '/cli/v1', '--filter-pattern', 'ERROR']),
    );
    expect(filtered.events.map((e: { message: string }) => e.message)).toEqual(['hello ERROR one']);

    const err = await cliFailure('aws', ['logs', 'delete-log-group', '--log-group-name', '/cli/missing']);
    expect(err).toContain('ResourceNotFoundException');
    expect(err).toContain('The specified log group does not exist.');
  }, 180_000); // each CLI start is a Python start-up: slow on a busy 2-core machine

  it('filter-log-events pages through many events (CLI auto-pagination)', async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/cli/many' }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: '/cli/many', logStreamName: 's' }));
    const t0 = Date.now() - 60_000;
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: '/cli/many',
        logStreamName: 's',
        logEvents: Array.from({ length: 250 }, (_, i) => ({ timestamp: t0 + i, message: `event ${i}` })),
      }),
    );
    const out = JSON.parse(await cli('aws', ['logs', 'filter-log-events', '--log-group-name', '/cli/many', '--page-size', '40']));
    expect(out.events).toHaveLength(250);
    expect(out.events[249].message).toBe('event 249');
  }, 120_000);
});

describe.skipIf(!hasV2)('AWS CLI v2: aws logs tail', () => {
  it('prints recent events of every stream, interleaved, with --filter-pattern and --log-stream-names', async () => {
    await seed('/aws/lambda/tail-fn', {
      '2026/11/27/[$LATEST]aaa': ['START RequestId: 1', 'hello from a', 'END RequestId: 1'],
      '2026/11/27/[$LATEST]bbb': ['START RequestId: 2', 'ERROR from b', 'END RequestId: 2'],
    });
    // Default (detailed) format: `<ISO time> <stream> <message>`, interleaved by time.
    const out = await cli(V2, ['logs', 'tail', '/aws/lambda/tail-fn']);
    const lines = out.trim().split('\n').map((l) => l.replace(/^\S+\s/, ''));
    expect(lines).toEqual([
      '2026/11/27/[$LATEST]aaa START RequestId: 1',
      '2026/11/27/[$LATEST]aaa hello from a',
      '2026/11/27/[$LATEST]aaa END RequestId: 1',
      '2026/11/27/[$LATEST]bbb START RequestId: 2',
      '2026/11/27/[$LATEST]bbb ERROR from b',
      '2026/11/27/[$LATEST]bbb END RequestId: 2',
    ]);

    const filtered = await cli(V2, ['logs', 'tail', '/aws/lambda/tail-fn', '--filter-pattern', 'ERROR', '--format', 'short']);
    expect(filtered.trim().split('\n')).toHaveLength(1);
    expect(filtered).toContain('ERROR from b');

    const oneStream = await cli(V2, [
      'logs', 'tail', '/aws/lambda/tail-fn', '--log-stream-names', '2026/11/27/[$LATEST]aaa', '--format', 'short',
    ]);
    expect(oneStream).toContain('hello from a');
    expect(oneStream).not.toContain('ERROR from b');

    const missing = await cliFailure(V2, ['logs', 'tail', '/aws/lambda/none']);
    expect(missing).toContain('ResourceNotFoundException');
  }, 180_000);

  it('--follow keeps printing events put after it started, each once', async () => {
    await seed('/aws/lambda/follow-fn', { 's1': ['before follow'] });
    const child = spawn(V2, ['--endpoint-url', nimbus.endpoint, 'logs', 'tail', '/aws/lambda/follow-fn', '--follow', '--format', 'short'], {
      // Python block-buffers a piped stdout; follow output must arrive as it is printed.
      env: { ...CLI_ENV, PYTHONUNBUFFERED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const waitFor = async (text: string) => {
      const deadline = Date.now() + 40_000;
      while (!out.includes(text)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`tail never printed ${text}: ${out} ${err}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    try {
      await waitFor('before follow');
      await logs.send(
        new PutLogEventsCommand({
          logGroupName: '/aws/lambda/follow-fn',
          logStreamName: 's1',
          logEvents: [{ timestamp: Date.now(), message: 'after follow via API' }],
        }),
      );
      await waitFor('after follow via API');
      // Each event once, even though follow re-reads from the newest timestamp it saw.
      expect(out.split('before follow').length).toBe(2);
    } finally {
      child.kill('SIGTERM');
    }
  }, 120_000);
});
