// CloudWatch metrics wire layer. One operation table serves both protocols:
//   JSON 1.0  `X-Amz-Target: GraniteServiceVersion20100801.<Op>` (SDK v3, botocore ≥ 1.3x)
//   awsQuery  `Action=<Op>&Version=2010-08-01` form POST (or GET), answered in XML.
// JSON errors are thrown and rendered by the front door ('json' protocol, with the
// x-amzn-query-error header from the catalog); query errors are rendered here as XML.
import { gunzipSync } from 'node:zlib';
import type { RequestContext } from '../../server/context.js';
import { parseJsonBody } from '../../protocol/http.js';
import { ServiceError, isServiceError } from '../../protocol/errors.js';
import type { MetricsCore, Scope } from './core.js';
import { queryCodeOf } from './errors.js';
import { decodeJson, decodeQuery, queryError, queryResponse, toJsonValue, type Shape, type Struct } from './wire.js';
import type { ExtraOperation } from '../alarms/api.js';

const TARGET_PREFIX = 'GraniteServiceVersion20100801.';
const MAX_BODY = 2 * 1024 * 1024;
const MAX_INFLATED = 8 * 1024 * 1024;

const Dimensions: Shape = { list: { struct: { Name: 'string', Value: 'string' } } };
const Metric: Shape = { struct: { Namespace: 'string', MetricName: 'string', Dimensions } };

interface Operation {
  readonly input: Struct;
  run(core: MetricsCore, scope: Scope, input: Record<string, unknown>): Record<string, unknown>;
}

// The core validates required members and values; the schema only fixes JSON types.
/* eslint-disable @typescript-eslint/no-explicit-any */
const OPERATIONS: Record<string, Operation> = {
  PutMetricData: {
    input: {
      Namespace: 'string',
      MetricData: {
        list: {
          struct: {
            MetricName: 'string',
            Dimensions,
            Timestamp: 'timestamp',
            Value: 'number',
            StatisticValues: { struct: { SampleCount: 'number', Sum: 'number', Minimum: 'number', Maximum: 'number' } },
            Values: { list: 'number' },
            Counts: { list: 'number' },
            Unit: 'string',
            StorageResolution: 'integer',
          },
        },
      },
      StrictEntityValidation: 'boolean',
    },
    run: (c, s, i) => c.putMetricData(s, i as any),
  },
  GetMetricStatistics: {
    input: {
      Namespace: 'string',
      MetricName: 'string',
      Dimensions,
      StartTime: 'timestamp',
      EndTime: 'timestamp',
      Period: 'integer',
      Statistics: { list: 'string' },
      ExtendedStatistics: { list: 'string' },
      Unit: 'string',
    },
    run: (c, s, i) => c.getMetricStatistics(s, i as any),
  },
  ListMetrics: {
    input: {
      Namespace: 'string',
      MetricName: 'string',
      Dimensions: { list: { struct: { Name: 'string', Value: 'string' } } },
      NextToken: 'string',
      RecentlyActive: 'string',
      IncludeLinkedAccounts: 'boolean',
      OwningAccount: 'string',
    },
    run: (c, s, i) => c.listMetrics(s, i as any),
  },
  GetMetricData: {
    input: {
      MetricDataQueries: {
        list: {
          struct: {
            Id: 'string',
            MetricStat: { struct: { Metric, Period: 'integer', Stat: 'string', Unit: 'string' } },
            Expression: 'string',
            Label: 'string',
            ReturnData: 'boolean',
            Period: 'integer',
            AccountId: 'string',
          },
        },
      },
      StartTime: 'timestamp',
      EndTime: 'timestamp',
      NextToken: 'string',
      ScanBy: 'string',
      MaxDatapoints: 'integer',
      LabelOptions: { struct: { Timezone: 'string' } },
    },
    run: (c, s, i) => c.getMetricData(s, i as any),
  },
};
/* eslint-enable @typescript-eslint/no-explicit-any */

/**
 * The request body, inflated when the client compressed it: PutMetricData carries Smithy's
 * @requestCompression trait, so the SDK and botocore gzip bodies over 10 KB.
 */
async function requestBody(ctx: RequestContext): Promise<Buffer> {
  const raw = await ctx.body(MAX_BODY);
  const encoding = String(ctx.req.headers['content-encoding'] ?? '').toLowerCase();
  if (encoding !== 'gzip') return raw;
  try {
    return gunzipSync(raw, { maxOutputLength: MAX_INFLATED });
  } catch {
    throw new ServiceError('SerializationException', 400, 'The request body is not valid gzip, or inflates beyond the size limit.');
  }
}

type Extras = Readonly<Record<string, ExtraOperation>>;

/** The metrics operation, else one served by another part of CloudWatch (alarms), bound to core. */
function lookup(core: MetricsCore, extras: Extras, name: string): { input: Struct; run(scope: Scope, input: Record<string, unknown>): Record<string, unknown> } | undefined {
  if (Object.prototype.hasOwnProperty.call(OPERATIONS, name)) {
    const op = OPERATIONS[name]!;
    return { input: op.input, run: (s, i) => op.run(core, s, i) };
  }
  return Object.prototype.hasOwnProperty.call(extras, name) ? extras[name] : undefined;
}

export async function handleMetricsRequest(core: MetricsCore, ctx: RequestContext, extras: Extras = {}): Promise<void> {
  const scope: Scope = { accountId: ctx.accountId, region: ctx.region };
  const find = (name: string) => lookup(core, extras, name);
  const target = ctx.req.headers['x-amz-target'];
  if (typeof target === 'string') {
    const name = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    const op = find(name);
    if (!op || ctx.method !== 'POST') {
      throw new ServiceError('UnknownOperationException', 400, `Operation ${name || target} is not supported by Nimbus CloudWatch.`);
    }
    const input = decodeJson(parseJsonBody(await requestBody(ctx)), op.input);
    const payload = JSON.stringify(toJsonValue(op.run(scope, input)));
    ctx.res.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.0', 'Content-Length': Buffer.byteLength(payload) });
    ctx.res.end(payload);
    return;
  }
  await handleQuery(find, ctx, scope);
}

async function handleQuery(find: (name: string) => ReturnType<typeof lookup>, ctx: RequestContext, scope: Scope): Promise<void> {
  let action = '';
  try {
    const params = new URLSearchParams(ctx.query);
    if (ctx.method === 'POST') {
      for (const [k, v] of new URLSearchParams((await requestBody(ctx)).toString('utf8'))) params.append(k, v);
    }
    action = params.get('Action') ?? '';
    const op = find(action);
    if (!op) {
      throw new ServiceError('InvalidAction', 400, `The action ${action || '(none)'} is not valid for this web service.`);
    }
    const xml = queryResponse(action, op.run(scope, decodeQuery(params, op.input)), ctx.requestId);
    ctx.res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(xml) });
    ctx.res.end(xml);
  } catch (err) {
    if (!isServiceError(err)) throw err; // the front door logs it and answers 500
    // Errors outside the metrics catalog (alarms) carry their query code in x-amzn-query-error.
    const code = err.headers['x-amzn-query-error']?.split(';')[0] || queryCodeOf(err.name);
    const xml = queryError(code, err.message, err.status, ctx.requestId);
    ctx.res.writeHead(err.status, { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(xml) });
    ctx.res.end(xml);
  }
}
