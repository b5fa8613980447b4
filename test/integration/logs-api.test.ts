// CloudWatch Logs through the real AWS SDK v3 client against a running Nimbus: every operation,
// its paging, and its error paths (name + HTTP status + AWS's message).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DeleteLogStreamCommand,
  DeleteRetentionPolicyCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  ListTagsForResourceCommand,
  ListTagsLogGroupCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
  TagLogGroupCommand,
  TagResourceCommand,
  UntagLogGroupCommand,
  UntagResourceCommand,
  paginateDescribeLogGroups,
  paginateFilterLogEvents,
} from '@aws-sdk/client-cloudwatch-logs';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { failure } from '../helpers/failure.js';

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


async function group(name: string, streams: string[] = []): Promise<void> {
  await logs.send(new CreateLogGroupCommand({ logGroupName: name }));
  for (const s of streams) await logs.send(new CreateLogStreamCommand({ logGroupName: name, logStreamName: s }));
}

describe('log groups', () => {
  it('creates, describes with the AWS shape, and deletes', async () => {
    const before = Date.now();
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/g/shape', tags: { team: 'core' } }));
    const out = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/g/shape' }));
    expect(out.logGroups).toHaveLength(1);
    const g = out.logGroups![0]!;
    expect(g.logGroupName).toBe('/g/shape');
    expect(g.arn).toBe('arn:aws:logs:us-east-1:000000000000:log-group:/g/shape:*');
    expect(g.logGroupArn).toBe('arn:aws:logs:us-east-1:000000000000:log-group:/g/shape');
    expect(g.creationTime).toBeGreaterThanOrEqual(before - 1000);
    expect(g.storedBytes).toBe(0);
    expect(g.metricFilterCount).toBe(0);
    expect(g.logGroupClass).toBe('STANDARD');
    expect(g.retentionInDays).toBeUndefined();
    const tags = await logs.send(new ListTagsLogGroupCommand({ logGroupName: '/g/shape' }));
    expect(tags.tags).toEqual({ team: 'core' });

    await logs.send(new DeleteLogGroupCommand({ logGroupName: '/g/shape' }));
    const after = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/g/shape' }));
    expect(after.logGroups).toEqual([]);
  });

  it('rejects duplicates, missing groups and bad names as AWS does', async () => {
    await group('/g/dup');
    const dup = await failure(logs.send(new CreateLogGroupCommand({ logGroupName: '/g/dup' })));
    expect(dup).toMatchObject({ name: 'ResourceAlreadyExistsException', status: 400, message: 'The specified log group already exists' });

    const missing = await failure(logs.send(new DeleteLogGroupCommand({ logGroupName: '/g/none' })));
    expect(missing).toMatchObject({ name: 'ResourceNotFoundException', status: 400, message: 'The specified log group does not exist.' });

    const bad = await failure(logs.send(new CreateLogGroupCommand({ logGroupName: 'has space' })));
    expect(bad.name).toBe('InvalidParameterException');
    expect(bad.status).toBe(400);
    expect(bad.message).toBe(
      "1 validation error detected: Value 'has space' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+",
    );
    const long = await failure(logs.send(new CreateLogGroupCommand({ logGroupName: 'x'.repeat(513) })));
    expect(long.message).toContain('Member must have length less than or equal to 512');
    const cls = await failure(logs.send(new CreateLogGroupCommand({ logGroupName: '/g/c', logGroupClass: 'NOPE' as never })));
    expect(cls).toMatchObject({ name: 'InvalidParameterException', status: 400 });
  });

  it('pages DescribeLogGroups by name with limit and nextToken, and filters by pattern', async () => {
    for (let i = 0; i < 7; i++) await group(`/page/g${i}`);
    const first = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/page/', limit: 3 }));
    expect(first.logGroups!.map((g) => g.logGroupName)).toEqual(['/page/g0', '/page/g1', '/page/g2']);
    expect(first.nextToken).toBeTruthy();
    const names: string[] = [];
    for await (const page of paginateDescribeLogGroups({ client: logs, pageSize: 2 }, { logGroupNamePrefix: '/page/' })) {
      names.push(...page.logGroups!.map((g) => g.logGroupName!));
    }
    expect(names).toEqual(['/page/g0', '/page/g1', '/page/g2', '/page/g3', '/page/g4', '/page/g5', '/page/g6']);
    const pattern = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePattern: 'PAGE/G6' }));
    expect(pattern.logGroups!.map((g) => g.logGroupName)).toEqual(['/page/g6']);

    const byIds = await logs.send(
      new DescribeLogGroupsCommand({
        logGroupIdentifiers: ['/page/g3', 'arn:aws:logs:us-east-1:000000000000:log-group:/page/g5', 'arn:aws:logs:eu-west-1:000000000000:log-group:/page/g1'],
      }),
    );
    expect(byIds.logGroups!.map((g) => g.logGroupName)).toEqual(['/page/g3', '/page/g5']);
    const mixed = await failure(logs.send(new DescribeLogGroupsCommand({ logGroupIdentifiers: ['/page/g3'], logGroupNamePrefix: '/page' })));
    expect(mixed).toMatchObject({ name: 'InvalidParameterException', status: 400 });

    const badLimit = await failure(logs.send(new DescribeLogGroupsCommand({ limit: 51 })));
    expect(badLimit).toMatchObject({ name: 'InvalidParameterException', status: 400 });
    expect(badLimit.message).toContain("Value '51' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50");
    const badToken = await failure(logs.send(new DescribeLogGroupsCommand({ nextToken: 'garbage' })));
    expect(badToken).toMatchObject({ name: 'InvalidParameterException', status: 400 });
  });

  it('sets and removes retention, validating AWS allowed values', async () => {
    await group('/g/ret');
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: '/g/ret', retentionInDays: 14 }));
    let g = (await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/g/ret' }))).logGroups![0]!;
    expect(g.retentionInDays).toBe(14);
    const bad = await failure(logs.send(new PutRetentionPolicyCommand({ logGroupName: '/g/ret', retentionInDays: 2 })));
    expect(bad.name).toBe('InvalidParameterException');
    expect(bad.status).toBe(400);
    expect(bad.message).toBe(
      "1 validation error detected: Value '2' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]",
    );
    await logs.send(new DeleteRetentionPolicyCommand({ logGroupName: '/g/ret' }));
    g = (await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/g/ret' }))).logGroups![0]!;
    expect(g.retentionInDays).toBeUndefined();
    const missing = await failure(logs.send(new PutRetentionPolicyCommand({ logGroupName: '/g/nope', retentionInDays: 1 })));
    expect(missing).toMatchObject({ name: 'ResourceNotFoundException', status: 400 });
  });
});

describe('log streams', () => {
  it('creates, describes in both orders with paging, and deletes', async () => {
    await group('/s/a', ['b-stream', 'a-stream', 'c-stream']);
    const t = Date.now();
    await logs.send(new PutLogEventsCommand({ logGroupName: '/s/a', logStreamName: 'c-stream', logEvents: [{ timestamp: t - 3000, message: 'x' }] }));
    await logs.send(new PutLogEventsCommand({ logGroupName: '/s/a', logStreamName: 'a-stream', logEvents: [{ timestamp: t - 1000, message: 'yy' }] }));

    const byName = await logs.send(new DescribeLogStreamsCommand({ logGroupName: '/s/a' }));
    expect(byName.logStreams!.map((s) => s.logStreamName)).toEqual(['a-stream', 'b-stream', 'c-stream']);
    const a = byName.logStreams![0]!;
    expect(a.arn).toBe('arn:aws:logs:us-east-1:000000000000:log-group:/s/a:log-stream:a-stream');
    expect(a.firstEventTimestamp).toBe(t - 1000);
    expect(a.lastEventTimestamp).toBe(t - 1000);
    expect(a.lastIngestionTime).toBeGreaterThanOrEqual(a.creationTime!);
    expect(a.uploadSequenceToken).toMatch(/^\d{56}$/);
    expect(byName.logStreams![1]!.lastEventTimestamp).toBeUndefined();

    const byTime = await logs.send(new DescribeLogStreamsCommand({ logGroupName: '/s/a', orderBy: 'LastEventTime', descending: true }));
    expect(byTime.logStreams!.map((s) => s.logStreamName)).toEqual(['a-stream', 'c-stream', 'b-stream']);

    const p1 = await logs.send(new DescribeLogStreamsCommand({ logGroupName: '/s/a', descending: true, limit: 2 }));
    expect(p1.logStreams!.map((s) => s.logStreamName)).toEqual(['c-stream', 'b-stream']);
    const p2 = await logs.send(new DescribeLogStreamsCommand({ logGroupName: '/s/a', descending: true, limit: 2, nextToken: p1.nextToken }));
    expect(p2.logStreams!.map((s) => s.logStreamName)).toEqual(['a-stream']);
    expect(p2.nextToken).toBeUndefined();

    const prefixed = await logs.send(new DescribeLogStreamsCommand({ logGroupIdentifier: '/s/a', logStreamNamePrefix: 'b-' }));
    expect(prefixed.logStreams!.map((s) => s.logStreamName)).toEqual(['b-stream']);
    const byArn = await logs.send(
      new DescribeLogStreamsCommand({ logGroupIdentifier: 'arn:aws:logs:us-east-1:000000000000:log-group:/s/a' }),
    );
    expect(byArn.logStreams).toHaveLength(3);

    await logs.send(new DeleteLogStreamCommand({ logGroupName: '/s/a', logStreamName: 'b-stream' }));
    const left = await logs.send(new DescribeLogStreamsCommand({ logGroupName: '/s/a' }));
    expect(left.logStreams!.map((s) => s.logStreamName)).toEqual(['a-stream', 'c-stream']);
  });

  it('answers stream errors with AWS names, statuses and messages', async () => {
    await group('/s/err', ['one']);
    expect(await failure(logs.send(new CreateLogStreamCommand({ logGroupName: '/s/err', logStreamName: 'one' })))).toMatchObject({
      name: 'ResourceAlreadyExistsException',
      status: 400,
      message: 'The specified log stream already exists',
    });
    expect(await failure(logs.send(new CreateLogStreamCommand({ logGroupName: '/s/none', logStreamName: 'one' })))).toMatchObject({
      name: 'ResourceNotFoundException',
      status: 400,
      message: 'The specified log group does not exist.',
    });
    expect(await failure(logs.send(new DeleteLogStreamCommand({ logGroupName: '/s/err', logStreamName: 'two' })))).toMatchObject({
      name: 'ResourceNotFoundException',
      status: 400,
      message: 'The specified log stream does not exist.',
    });
    const colon = await failure(logs.send(new CreateLogStreamCommand({ logGroupName: '/s/err', logStreamName: 'a:b' })));
    expect(colon).toMatchObject({ name: 'InvalidParameterException', status: 400 });
    const order = await failure(
      logs.send(new DescribeLogStreamsCommand({ logGroupName: '/s/err', orderBy: 'LastEventTime', logStreamNamePrefix: 'o' })),
    );
    expect(order).toMatchObject({
      name: 'InvalidParameterException',
      status: 400,
      message: 'Cannot order by LastEventTime with a logStreamNamePrefix.',
    });
    const both = await failure(
      logs.send(new DescribeLogStreamsCommand({ logGroupName: '/s/err', logGroupIdentifier: '/s/err' })),
    );
    expect(both).toMatchObject({ name: 'InvalidParameterException', status: 400 });
  });
});

describe('events', () => {
  it('puts events and reads them with GetLogEvents tokens as AWS forms them', async () => {
    await group('/e/get', ['s']);
    const t0 = Date.now() - 60_000;
    const events = Array.from({ length: 10 }, (_, i) => ({ timestamp: t0 + i * 10, message: `line ${i}` }));
    const put = await logs.send(new PutLogEventsCommand({ logGroupName: '/e/get', logStreamName: 's', logEvents: events }));
    expect(put.rejectedLogEventsInfo).toBeUndefined();
    expect(put.nextSequenceToken).toMatch(/^\d+$/);

    // Default (no token, startFromHead false): the newest events.
    const tail = await logs.send(new GetLogEventsCommand({ logGroupName: '/e/get', logStreamName: 's', limit: 3 }));
    expect(tail.events!.map((e) => e.message)).toEqual(['line 7', 'line 8', 'line 9']);
    expect(tail.nextForwardToken).toMatch(/^f\/\d{56}\/s$/);
    expect(tail.nextBackwardToken).toMatch(/^b\/\d{56}\/s$/);
    expect(tail.events![0]!.ingestionTime).toBeGreaterThanOrEqual(t0);

    // Walk backwards from there.
    const back = await logs.send(
      new GetLogEventsCommand({ logGroupName: '/e/get', logStreamName: 's', limit: 3, nextToken: tail.nextBackwardToken }),
    );
    expect(back.events!.map((e) => e.message)).toEqual(['line 4', 'line 5', 'line 6']);

    // From the head, forward, until the same token comes back.
    const seen: string[] = [];
    let token: string | undefined;
    for (let i = 0; i < 20; i++) {
      const page = await logs.send(
        new GetLogEventsCommand({ logGroupName: '/e/get', logStreamName: 's', limit: 4, startFromHead: true, nextToken: token }),
      );
      seen.push(...page.events!.map((e) => e.message!));
      if (page.nextForwardToken === token) break;
      token = page.nextForwardToken;
    }
    expect(seen).toEqual(events.map((e) => e.message));

    // New events appear after the last forward token.
    await logs.send(new PutLogEventsCommand({ logGroupName: '/e/get', logStreamName: 's', logEvents: [{ timestamp: t0 + 500, message: 'late' }] }));
    const more = await logs.send(new GetLogEventsCommand({ logGroupName: '/e/get', logStreamName: 's', nextToken: token }));
    expect(more.events!.map((e) => e.message)).toEqual(['late']);

    // Time window: startTime inclusive, endTime exclusive.
    const win = await logs.send(
      new GetLogEventsCommand({ logGroupName: '/e/get', logStreamName: 's', startTime: t0 + 20, endTime: t0 + 50, startFromHead: true }),
    );
    expect(win.events!.map((e) => e.message)).toEqual(['line 2', 'line 3', 'line 4']);

    const stream = (await logs.send(new DescribeLogStreamsCommand({ logGroupName: '/e/get' }))).logStreams![0]!;
    expect(stream.firstEventTimestamp).toBe(t0);
    expect(stream.lastEventTimestamp).toBe(t0 + 500);
    const g = (await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/e/get' }))).logGroups![0]!;
    expect(g.storedBytes).toBe(events.reduce((n, e) => n + e.message.length, 0) + 4);
  });

  it('an empty stream returns tokens and no events; a bad token is InvalidParameterException', async () => {
    await group('/e/empty', ['s']);
    const out = await logs.send(new GetLogEventsCommand({ logGroupName: '/e/empty', logStreamName: 's' }));
    expect(out.events).toEqual([]);
    expect(out.nextForwardToken).toMatch(/^f\//);
    const again = await logs.send(new GetLogEventsCommand({ logGroupName: '/e/empty', logStreamName: 's', nextToken: out.nextForwardToken }));
    expect(again.nextForwardToken).toBe(out.nextForwardToken);
    const bad = await failure(logs.send(new GetLogEventsCommand({ logGroupName: '/e/empty', logStreamName: 's', nextToken: 'f/123/s' })));
    expect(bad).toMatchObject({ name: 'InvalidParameterException', status: 400, message: 'The specified nextToken is invalid.' });
    const noStream = await failure(logs.send(new GetLogEventsCommand({ logGroupName: '/e/empty', logStreamName: 'zz' })));
    expect(noStream).toMatchObject({ name: 'ResourceNotFoundException', status: 400, message: 'The specified log stream does not exist.' });
    const noGroup = await failure(logs.send(new GetLogEventsCommand({ logGroupName: '/e/none', logStreamName: 's' })));
    expect(noGroup).toMatchObject({ name: 'ResourceNotFoundException', status: 400, message: 'The specified log group does not exist.' });
  });

  it('PutLogEvents reports too old / too new events and rejects bad batches', async () => {
    await group('/e/put', ['s']);
    const now = Date.now();
    const out = await logs.send(
      new PutLogEventsCommand({
        logGroupName: '/e/put',
        logStreamName: 's',
        logEvents: [
          { timestamp: now - 15 * 86_400_000, message: 'ancient' },
          { timestamp: now - 1000, message: 'ok' },
          { timestamp: now + 3 * 3_600_000, message: 'future' },
        ],
      }),
    );
    expect(out.rejectedLogEventsInfo).toEqual({ tooOldLogEventEndIndex: 1, tooNewLogEventStartIndex: 2 });
    const stored = await logs.send(new GetLogEventsCommand({ logGroupName: '/e/put', logStreamName: 's' }));
    expect(stored.events!.map((e) => e.message)).toEqual(['ok']);

    await logs.send(new PutRetentionPolicyCommand({ logGroupName: '/e/put', retentionInDays: 1 }));
    const expired = await logs.send(
      new PutLogEventsCommand({
        logGroupName: '/e/put',
        logStreamName: 's',
        logEvents: [{ timestamp: now - 2 * 86_400_000, message: 'expired' }, { timestamp: now, message: 'fresh' }],
      }),
    );
    expect(expired.rejectedLogEventsInfo).toEqual({ expiredLogEventEndIndex: 1 });

    const order = await failure(
      logs.send(
        new PutLogEventsCommand({
          logGroupName: '/e/put',
          logStreamName: 's',
          logEvents: [{ timestamp: now, message: 'b' }, { timestamp: now - 5, message: 'a' }],
        }),
      ),
    );
    expect(order).toMatchObject({
      name: 'InvalidParameterException',
      status: 400,
      message: 'Log events in a single PutLogEvents request must be in chronological order.',
    });
    const empty = await failure(logs.send(new PutLogEventsCommand({ logGroupName: '/e/put', logStreamName: 's', logEvents: [] })));
    expect(empty).toMatchObject({ name: 'InvalidParameterException', status: 400 });
    expect(empty.message).toContain("at 'logEvents' failed to satisfy constraint: Member must have length greater than or equal to 1");
    const blank = await failure(
      logs.send(new PutLogEventsCommand({ logGroupName: '/e/put', logStreamName: 's', logEvents: [{ timestamp: now, message: '' }] })),
    );
    expect(blank.message).toContain("at 'logEvents.1.member.message'");
    const big = await failure(
      logs.send(
        new PutLogEventsCommand({
          logGroupName: '/e/put',
          logStreamName: 's',
          logEvents: [{ timestamp: now, message: 'x'.repeat(600_000) }, { timestamp: now, message: 'y'.repeat(600_000) }],
        }),
      ),
    );
    expect(big).toMatchObject({ name: 'InvalidParameterException', status: 400 });
    await group('/e/span', ['s']); // no retention: only the 24 h span rule applies
    const span = await failure(
      logs.send(
        new PutLogEventsCommand({
          logGroupName: '/e/span',
          logStreamName: 's',
          logEvents: [{ timestamp: now - 25 * 3_600_000, message: 'a' }, { timestamp: now, message: 'b' }],
        }),
      ),
    );
    expect(span).toMatchObject({ name: 'InvalidParameterException', status: 400 });
    const noStream = await failure(
      logs.send(new PutLogEventsCommand({ logGroupName: '/e/put', logStreamName: 'nope', logEvents: [{ timestamp: now, message: 'a' }] })),
    );
    expect(noStream).toMatchObject({ name: 'ResourceNotFoundException', status: 400, message: 'The specified log stream does not exist.' });
    // Nothing of the failed batches was stored.
    const after = await logs.send(new GetLogEventsCommand({ logGroupName: '/e/put', logStreamName: 's', startFromHead: true }));
    expect(after.events!.map((e) => e.message)).toEqual(['ok', 'fresh']);
  });

  it('FilterLogEvents interleaves streams, filters by pattern and pages with nextToken', async () => {
    await group('/e/filter', ['app-1', 'app-2', 'other']);
    const t0 = Date.now() - 30_000;
    const put = (stream: string, events: [number, string][]) =>
      logs.send(
        new PutLogEventsCommand({
          logGroupName: '/e/filter',
          logStreamName: stream,
          logEvents: events.map(([dt, message]) => ({ timestamp: t0 + dt, message })),
        }),
      );
    await put('app-1', [[0, 'ERROR disk full'], [20, 'INFO started'], [40, '{"level":"ERROR","latency":250,"user":{"id":"u1"}}']]);
    await put('app-2', [[10, 'WARN slow request'], [30, 'ERROR timeout talking to db'], [50, '{"level":"INFO","latency":20}']]);
    await put('other', [[5, 'DEBUG noise']]);

    const all = await logs.send(new FilterLogEventsCommand({ logGroupName: '/e/filter' }));
    expect(all.events!.map((e) => e.timestamp! - t0)).toEqual([0, 5, 10, 20, 30, 40, 50]);
    expect(all.events![0]).toMatchObject({ logStreamName: 'app-1', message: 'ERROR disk full' });
    expect(all.events![0]!.eventId).toMatch(/^\d{56}$/);
    expect(all.nextToken).toBeUndefined();

    const msgs = async (input: Omit<ConstructorParameters<typeof FilterLogEventsCommand>[0], 'logGroupName'>) =>
      (await logs.send(new FilterLogEventsCommand({ logGroupName: '/e/filter', ...input }))).events!.map((e) => e.message);

    expect(await msgs({ filterPattern: 'ERROR' })).toEqual([
      'ERROR disk full',
      'ERROR timeout talking to db',
      '{"level":"ERROR","latency":250,"user":{"id":"u1"}}',
    ]);
    expect(await msgs({ filterPattern: 'ERROR timeout' })).toEqual(['ERROR timeout talking to db']);
    expect(await msgs({ filterPattern: '"disk full"' })).toEqual(['ERROR disk full']);
    expect(await msgs({ filterPattern: '?WARN ?DEBUG' })).toEqual(['DEBUG noise', 'WARN slow request']);
    expect(await msgs({ filterPattern: 'ERROR -timeout -latency' })).toEqual(['ERROR disk full']);
    expect(await msgs({ filterPattern: '{ $.level = "ERROR" }' })).toEqual(['{"level":"ERROR","latency":250,"user":{"id":"u1"}}']);
    expect(await msgs({ filterPattern: '{ $.latency < 100 }' })).toEqual(['{"level":"INFO","latency":20}']);
    expect(await msgs({ filterPattern: '{ $.user.id = "u*" && $.latency >= 250 }' })).toEqual([
      '{"level":"ERROR","latency":250,"user":{"id":"u1"}}',
    ]);
    expect(await msgs({ filterPattern: '{ $.user.id NOT EXISTS }' })).toEqual(['{"level":"INFO","latency":20}']);
    expect(await msgs({ logStreamNamePrefix: 'app-', filterPattern: 'ERROR' })).toHaveLength(3);
    expect(await msgs({ logStreamNames: ['other', 'app-2'] })).toEqual([
      'DEBUG noise',
      'WARN slow request',
      'ERROR timeout talking to db',
      '{"level":"INFO","latency":20}',
    ]);
    // startTime and endTime are both inclusive.
    expect(await msgs({ startTime: t0 + 10, endTime: t0 + 30 })).toEqual([
      'WARN slow request',
      'INFO started',
      'ERROR timeout talking to db',
    ]);

    const pages: string[][] = [];
    for await (const page of paginateFilterLogEvents({ client: logs, pageSize: 3 }, { logGroupName: '/e/filter' })) {
      pages.push(page.events!.map((e) => e.message!));
    }
    expect(pages.flat()).toHaveLength(7);
    expect(pages[0]).toHaveLength(3);

    const badPattern = await failure(logs.send(new FilterLogEventsCommand({ logGroupName: '/e/filter', filterPattern: '{ $.x = }' })));
    expect(badPattern).toMatchObject({ name: 'InvalidParameterException', status: 400 });
    const both = await failure(
      logs.send(new FilterLogEventsCommand({ logGroupName: '/e/filter', logStreamNames: ['a'], logStreamNamePrefix: 'a' })),
    );
    expect(both).toMatchObject({ name: 'InvalidParameterException', status: 400 });
    const missing = await failure(logs.send(new FilterLogEventsCommand({ logGroupName: '/e/none' })));
    expect(missing).toMatchObject({ name: 'ResourceNotFoundException', status: 400, message: 'The specified log group does not exist.' });
  });
});

describe('tags', () => {
  it('TagResource / UntagResource / ListTagsForResource by ARN and the older *LogGroup operations', async () => {
    await group('/t/a');
    const arn = 'arn:aws:logs:us-east-1:000000000000:log-group:/t/a';
    await logs.send(new TagResourceCommand({ resourceArn: arn, tags: { a: '1', b: '2' } }));
    expect((await logs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual({ a: '1', b: '2' });
    await logs.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['a'] }));
    await logs.send(new TagLogGroupCommand({ logGroupName: '/t/a', tags: { c: '3' } }));
    expect((await logs.send(new ListTagsLogGroupCommand({ logGroupName: '/t/a' }))).tags).toEqual({ b: '2', c: '3' });
    await logs.send(new UntagLogGroupCommand({ logGroupName: '/t/a', tags: ['b'] }));
    expect((await logs.send(new ListTagsForResourceCommand({ resourceArn: arn + ':*' }))).tags).toEqual({ c: '3' });

    const tooMany = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    const over = await failure(logs.send(new TagResourceCommand({ resourceArn: arn, tags: tooMany })));
    expect(over).toMatchObject({ name: 'TooManyTagsException', status: 400 });
    const missing = await failure(
      logs.send(new ListTagsForResourceCommand({ resourceArn: 'arn:aws:logs:us-east-1:000000000000:log-group:/t/none' })),
    );
    expect(missing).toMatchObject({ name: 'ResourceNotFoundException', status: 400 });
    const reserved = await failure(logs.send(new TagLogGroupCommand({ logGroupName: '/t/a', tags: { 'aws:x': 'y' } })));
    expect(reserved).toMatchObject({ name: 'InvalidParameterException', status: 400 });
  });
});

describe('wire', () => {
  it('rejects unknown operations and malformed bodies with 400', async () => {
    const post = (target: string, body: string) =>
      fetch(nimbus.endpoint + '/', {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
        body,
      });
    const unknown = await post('Logs_20140328.NoSuchThing', '{}');
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { __type: string }).__type).toBe('UnknownOperationException');
    const malformed = await post('Logs_20140328.DescribeLogGroups', '{nope');
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { __type: string }).__type).toBe('SerializationException');
    const wrongType = await post('Logs_20140328.DescribeLogGroups', '{"limit":"ten"}');
    expect(wrongType.status).toBe(400);
    expect(((await wrongType.json()) as { __type: string }).__type).toBe('SerializationException');
    expect(nimbus.logs.filter((l) => l.includes('unexpected error'))).toEqual([]);
  });

  it('scopes resources by region', async () => {
    const west = new CloudWatchLogsClient(clientConfig(nimbus.endpoint, 'us-west-2'));
    await west.send(new CreateLogGroupCommand({ logGroupName: '/region/only-west' }));
    const east = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/region/' }));
    expect(east.logGroups).toEqual([]);
    const w = await west.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/region/' }));
    expect(w.logGroups![0]!.arn).toBe('arn:aws:logs:us-west-2:000000000000:log-group:/region/only-west:*');
    west.destroy();
  });
});
