// CloudWatch Logs wire layer (awsJson1.1): `POST /` with `X-Amz-Target: Logs_20140328.<Operation>`.
// Each operation parses its members with their JSON types and hands them to the core; errors are
// thrown as ServiceErrors and rendered by the front door with the 'json' protocol.
import type { RequestContext } from '../../server/context.js';
import { parseJsonBody } from '../../protocol/http.js';
import {
  optBoolean,
  optInteger,
  optObjectList,
  optString,
  optStringList,
  optStringMap,
  type JsonObject,
} from '../shared/json-input.js';
import type { LogsCore, Scope } from './core.js';
import { UnknownOperation } from './errors.js';

const TARGET_PREFIX = 'Logs_20140328.';
/** PutLogEvents carries up to 1 MB of messages; JSON escaping can double that. */
const MAX_BODY = 4 * 1024 * 1024;

type Operation = (core: LogsCore, scope: Scope, input: JsonObject) => unknown;

const groupRef = (i: JsonObject) => ({
  logGroupName: optString(i, 'logGroupName'),
  logGroupIdentifier: optString(i, 'logGroupIdentifier'),
});

export const OPERATIONS: Record<string, Operation> = {
  CreateLogGroup: (c, s, i) =>
    c.createLogGroup(s, {
      logGroupName: optString(i, 'logGroupName'),
      kmsKeyId: optString(i, 'kmsKeyId'),
      tags: optStringMap(i, 'tags'),
      logGroupClass: optString(i, 'logGroupClass'),
    }),
  DeleteLogGroup: (c, s, i) => c.deleteLogGroup(s, { logGroupName: optString(i, 'logGroupName') }),
  DescribeLogGroups: (c, s, i) =>
    c.describeLogGroups(s, {
      logGroupNamePrefix: optString(i, 'logGroupNamePrefix'),
      logGroupNamePattern: optString(i, 'logGroupNamePattern'),
      logGroupIdentifiers: optStringList(i, 'logGroupIdentifiers'),
      logGroupClass: optString(i, 'logGroupClass'),
      limit: optInteger(i, 'limit'),
      nextToken: optString(i, 'nextToken'),
    }),
  CreateLogStream: (c, s, i) =>
    c.createLogStream(s, { logGroupName: optString(i, 'logGroupName'), logStreamName: optString(i, 'logStreamName') }),
  DeleteLogStream: (c, s, i) =>
    c.deleteLogStream(s, { logGroupName: optString(i, 'logGroupName'), logStreamName: optString(i, 'logStreamName') }),
  DescribeLogStreams: (c, s, i) =>
    c.describeLogStreams(s, {
      ...groupRef(i),
      logStreamNamePrefix: optString(i, 'logStreamNamePrefix'),
      orderBy: optString(i, 'orderBy'),
      descending: optBoolean(i, 'descending'),
      nextToken: optString(i, 'nextToken'),
      limit: optInteger(i, 'limit'),
    }),
  PutLogEvents: (c, s, i) => {
    const events = optObjectList(i, 'logEvents')?.map((e) => ({
      timestamp: optInteger(e, 'timestamp'),
      message: optString(e, 'message'),
    }));
    return c.putLogEvents(s, {
      logGroupName: optString(i, 'logGroupName'),
      logStreamName: optString(i, 'logStreamName'),
      logEvents: events,
      sequenceToken: optString(i, 'sequenceToken'),
    });
  },
  GetLogEvents: (c, s, i) =>
    c.getLogEvents(s, {
      ...groupRef(i),
      logStreamName: optString(i, 'logStreamName'),
      startTime: optInteger(i, 'startTime'),
      endTime: optInteger(i, 'endTime'),
      nextToken: optString(i, 'nextToken'),
      limit: optInteger(i, 'limit'),
      startFromHead: optBoolean(i, 'startFromHead'),
    }),
  FilterLogEvents: (c, s, i) =>
    c.filterLogEvents(s, {
      ...groupRef(i),
      logStreamNames: optStringList(i, 'logStreamNames'),
      logStreamNamePrefix: optString(i, 'logStreamNamePrefix'),
      startTime: optInteger(i, 'startTime'),
      endTime: optInteger(i, 'endTime'),
      filterPattern: optString(i, 'filterPattern'),
      nextToken: optString(i, 'nextToken'),
      limit: optInteger(i, 'limit'),
      interleaved: optBoolean(i, 'interleaved'),
    }),
  PutRetentionPolicy: (c, s, i) =>
    c.putRetentionPolicy(s, { logGroupName: optString(i, 'logGroupName'), retentionInDays: optInteger(i, 'retentionInDays') }),
  DeleteRetentionPolicy: (c, s, i) => c.deleteRetentionPolicy(s, { logGroupName: optString(i, 'logGroupName') }),
  TagResource: (c, s, i) => c.tagResource(s, { resourceArn: optString(i, 'resourceArn'), tags: optStringMap(i, 'tags') }),
  UntagResource: (c, s, i) =>
    c.untagResource(s, { resourceArn: optString(i, 'resourceArn'), tagKeys: optStringList(i, 'tagKeys') }),
  ListTagsForResource: (c, s, i) => c.listTagsForResource(s, { resourceArn: optString(i, 'resourceArn') }),
  TagLogGroup: (c, s, i) => c.tagLogGroup(s, { logGroupName: optString(i, 'logGroupName'), tags: optStringMap(i, 'tags') }),
  UntagLogGroup: (c, s, i) => c.untagLogGroup(s, { logGroupName: optString(i, 'logGroupName'), tags: optStringList(i, 'tags') }),
  ListTagsLogGroup: (c, s, i) => c.listTagsLogGroup(s, { logGroupName: optString(i, 'logGroupName') }),
};

export async function handleLogsRequest(core: LogsCore, ctx: RequestContext): Promise<void> {
  const target = ctx.req.headers['x-amz-target'];
  const name = typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
  const op = Object.prototype.hasOwnProperty.call(OPERATIONS, name) ? OPERATIONS[name] : undefined;
  if (!op || ctx.method !== 'POST') {
    throw UnknownOperation(`Operation ${name || String(target)} is not supported by Nimbus CloudWatch Logs.`);
  }
  const input = parseJsonBody(await ctx.body(MAX_BODY));
  const output = op(core, { accountId: ctx.accountId, region: ctx.region }, input);
  const payload = JSON.stringify(output);
  ctx.res.writeHead(200, {
    'Content-Type': 'application/x-amz-json-1.1',
    'Content-Length': Buffer.byteLength(payload),
  });
  ctx.res.end(payload);
}
