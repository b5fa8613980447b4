// The Functions page's JSON: list, configuration with versions and aliases (and their weights),
// code, invoke with the log tail, saved test events, live log tail, metrics and cost.
import { request } from 'undici';
import { unzipSync } from 'fflate';
import { isServiceError } from '../../protocol/errors.js';
import type { RequestContext } from '../../server/context.js';
import type { ConsoleDeps, Scope } from '../deps.js';
import { BadRequest, NotFound, Unavailable } from '../errors.js';
import { Body, queryInt } from '../input.js';
import type { Router } from '../router.js';
import type { TestEvents } from '../test-events.js';
import { addReport, emptyUsage, grossCost, monthlyBill, parseReport, REPORT_FILTER, type Architecture, type Usage } from '../shared/cost.js';

const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const QUALIFIER = /^(\$LATEST|[a-zA-Z0-9_-]{1,128})$/;
/** Invoke payloads follow Lambda's synchronous limit. */
const MAX_PAYLOAD = 6 * 1024 * 1024;
/** Code view: text files up to this size are shown inline. */
const MAX_TEXT_FILE = 256 * 1024;
const MAX_ZIP = 80 * 1024 * 1024;

type Version = ReturnType<ConsoleDeps['lambda']['registry']['list']>[number];

export function scopeOf(ctx: RequestContext): Scope {
  return { accountId: ctx.accountId, region: ctx.region };
}

function fnName(raw: string | undefined): string {
  if (raw === undefined || !FUNCTION_NAME.test(raw)) throw BadRequest('Function names are 1 to 64 letters, digits, dashes or underscores');
  return raw;
}

function ref(name: string) {
  return { name, qualifier: undefined, accountId: undefined, region: undefined };
}

function arn(v: Version): string {
  const base = `arn:aws:lambda:${v.region}:${v.accountId}:function:${v.functionName}`;
  return v.version === '$LATEST' ? base : `${base}:${v.version}`;
}

/** A version in the shape of Lambda's FunctionConfiguration (the fields the console shows). */
export function configuration(v: Version): Record<string, unknown> {
  return {
    FunctionName: v.functionName,
    FunctionArn: arn(v),
    Runtime: v.runtime,
    Handler: v.handler,
    Role: v.role,
    Description: v.description,
    Timeout: v.timeout,
    MemorySize: v.memorySize,
    EphemeralStorage: { Size: v.ephemeralStorageSize },
    Environment: { Variables: v.environment },
    CodeSha256: Buffer.from(v.codeSha256Hex, 'hex').toString('base64'),
    CodeSize: v.codeSize,
    Architectures: v.architectures,
    TracingConfig: { Mode: v.tracingMode },
    Layers: v.layers.map((l) => ({ Arn: l.arn, CodeSize: l.codeSize })),
    LoggingConfig: { LogFormat: v.logFormat, LogGroup: v.logGroup },
    LastModified: v.lastModified,
    RevisionId: v.revisionId,
    Version: v.version,
    State: v.state,
    LastUpdateStatus: v.lastUpdateStatus,
    ...(v.deadLetterTargetArn ? { DeadLetterConfig: { TargetArn: v.deadLetterTargetArn } } : {}),
  };
}

function latest(deps: ConsoleDeps, scope: Scope, name: string): Version {
  const v = deps.lambda.registry.versions(scope, ref(name)).find((x) => x.version === '$LATEST');
  if (!v) throw NotFound(`Function not found: ${name}`);
  return v;
}

/** Reads events of a log group from `since`, following nextToken; a group that does not exist yet is empty. */
export function readLogEvents(
  deps: ConsoleDeps,
  scope: Scope,
  group: string,
  input: { startTime?: number; endTime?: number; filterPattern?: string },
  max: number,
) {
  const events: Array<{ timestamp: number; message: string; logStreamName: string; eventId: string; ingestionTime: number }> = [];
  let nextToken: string | undefined;
  try {
    do {
      const page = deps.logs.filterLogEvents(scope, {
        logGroupName: group,
        ...input,
        limit: Math.min(10_000, max - events.length),
        ...(nextToken ? { nextToken } : {}),
      });
      events.push(...page.events);
      nextToken = page.nextToken;
    } while (nextToken && events.length < max);
  } catch (err) {
    if (isServiceError(err) && err.name === 'ResourceNotFoundException') return { events, truncated: false };
    throw err;
  }
  return { events, truncated: nextToken !== undefined };
}

function monthStart(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

function usageOf(deps: ConsoleDeps, scope: Scope, v: Version, from: number): Usage {
  const usage = emptyUsage();
  const arch: Architecture = v.architectures[0] === 'arm64' ? 'arm64' : 'x86_64';
  const { events } = readLogEvents(deps, scope, v.logGroup, { startTime: from, filterPattern: REPORT_FILTER }, 1_000_000);
  for (const e of events) {
    const r = parseReport(e.message);
    if (r) addReport(usage, r, arch);
  }
  return usage;
}

const METRICS = ['Invocations', 'Errors', 'Throttles', 'Duration', 'ConcurrentExecutions'] as const;

export function registerFunctionRoutes(router: Router, deps: ConsoleDeps, events: TestEvents): void {
  const { registry, invoker } = deps.lambda;

  router.on('GET', 'functions', (ctx) => {
    const scope = scopeOf(ctx);
    const functions = registry.list(scope, false).map((v) => ({
      FunctionName: v.functionName,
      Runtime: v.runtime,
      MemorySize: v.memorySize,
      Timeout: v.timeout,
      CodeSize: v.codeSize,
      Description: v.description,
      LastModified: v.lastModified,
      State: v.state,
    }));
    functions.sort((a, b) => a.FunctionName.localeCompare(b.FunctionName));
    return { functions };
  });

  router.on('GET', 'functions/:name', (ctx, p) => {
    const scope = scopeOf(ctx);
    const name = fnName(p.name);
    const versions = registry.versions(scope, ref(name));
    const meta = registry.meta(scope, name);
    const aliases = registry.aliases(scope, ref(name)).map((a) => {
      const extra = Object.entries(a.additionalVersionWeights);
      const rest = 1 - extra.reduce((s, [, w]) => s + w, 0);
      return {
        Name: a.name,
        FunctionVersion: a.functionVersion,
        Description: a.description,
        AliasArn: `arn:aws:lambda:${scope.region}:${scope.accountId}:function:${name}:${a.name}`,
        RoutingConfig: { AdditionalVersionWeights: a.additionalVersionWeights },
        /** Every version this alias sends traffic to, with its share (the primary gets the rest). */
        Weights: [{ version: a.functionVersion, weight: Math.round(rest * 1e6) / 1e6 }, ...extra.map(([version, weight]) => ({ version, weight }))],
      };
    });
    const latestVersion = versions.find((v) => v.version === '$LATEST');
    if (!latestVersion) throw NotFound(`Function not found: ${name}`);
    return {
      configuration: configuration(latestVersion),
      versions: versions.map(configuration),
      aliases,
      reservedConcurrency: meta.reservedConcurrency ?? null,
      tags: meta.tags,
    };
  });

  router.on('GET', 'functions/:name/code', async (ctx, p) => {
    const scope = scopeOf(ctx);
    const name = fnName(p.name);
    const q = ctx.query.get('qualifier') ?? '$LATEST';
    if (!QUALIFIER.test(q)) throw BadRequest('Malformed qualifier');
    const version = registry.versions(scope, ref(name)).find((v) => v.version === q);
    if (!version) throw NotFound(`No version ${q} of ${name}`);
    // The zip is served by Lambda's own code download URL (GetFunction's Code.Location).
    const res = await request(`${deps.endpoint()}/_aws/lambda/code/${version.codeSha256Hex}.zip`);
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw Unavailable(`The code package of ${name} is not available`);
    }
    const zip = Buffer.from(await res.body.arrayBuffer());
    if (zip.length > MAX_ZIP) throw BadRequest('The code package is too large to show');
    let entries: Record<string, Uint8Array>;
    try {
      entries = unzipSync(zip);
    } catch {
      throw Unavailable('The code package is not a readable zip');
    }
    const files = Object.entries(entries)
      .filter(([path]) => !path.endsWith('/'))
      .map(([path, data]) => {
        const head = data.subarray(0, 8192);
        const binary = head.includes(0);
        const shown = !binary && data.length <= MAX_TEXT_FILE;
        return { path, size: data.length, binary, ...(shown ? { text: Buffer.from(data).toString('utf8') } : {}) };
      })
      .sort((a, b) => a.path.localeCompare(b.path));
    return { version: version.version, handler: version.handler, files };
  });

  router.on('POST', 'functions/:name/invoke', async (ctx, p) => {
    const scope = scopeOf(ctx);
    const name = fnName(p.name);
    const body = await Body.read(ctx);
    const qualifier = body.str('qualifier', false, { pattern: QUALIFIER });
    const payload = body.json('payload', false) ?? '{}';
    if (Buffer.byteLength(payload) > MAX_PAYLOAD) throw BadRequest('The payload exceeds 6 MB');
    const started = Date.now();
    const out = await invoker.invoke({
      accountId: scope.accountId,
      region: scope.region,
      functionName: name,
      ...(qualifier ? { qualifier } : {}),
      payload: Buffer.from(payload),
      tailLogs: true,
    });
    const logs = out.logResult ? Buffer.from(out.logResult, 'base64').toString('utf8') : '';
    const report = logs.split('\n').map(parseReport).find((r) => r !== undefined);
    return {
      statusCode: out.statusCode,
      ...(out.functionError ? { functionError: out.functionError } : {}),
      executedVersion: out.executedVersion ?? null,
      payload: out.payload.toString('utf8'),
      logs,
      report: report ?? null,
      elapsedMs: Date.now() - started,
    };
  });

  router.on('GET', 'functions/:name/events', (ctx, p) => {
    const scope = scopeOf(ctx);
    const name = fnName(p.name);
    latest(deps, scope, name);
    return { events: events.list(scope, name) };
  });

  router.on('PUT', 'functions/:name/events/:event', async (ctx, p) => {
    const scope = scopeOf(ctx);
    const name = fnName(p.name);
    const body = await Body.read(ctx);
    const payload = body.json('payload', true)!;
    if (Buffer.byteLength(payload) > 256 * 1024) throw BadRequest('A saved test event is at most 256 KB');
    latest(deps, scope, name);
    return events.put(scope, name, p.event!, payload);
  });

  router.on('DELETE', 'functions/:name/events/:event', (ctx, p) => {
    const scope = scopeOf(ctx);
    events.delete(scope, fnName(p.name), p.event!);
    return {};
  });

  // Live tail: the browser polls with the newest timestamp it has and drops events it already shows.
  router.on('GET', 'functions/:name/logs', (ctx, p) => {
    const scope = scopeOf(ctx);
    const v = latest(deps, scope, fnName(p.name));
    const since = queryInt(ctx.query, 'since', 0, Number.MAX_SAFE_INTEGER, Date.now() - 15 * 60_000);
    const limit = queryInt(ctx.query, 'limit', 1, 10_000, 1000);
    const { events: list, truncated } = readLogEvents(deps, scope, v.logGroup, { startTime: since }, limit);
    return { logGroupName: v.logGroup, events: list, truncated };
  });

  router.on('GET', 'functions/:name/metrics', (ctx, p) => {
    const scope = scopeOf(ctx);
    const name = fnName(p.name);
    latest(deps, scope, name);
    const minutes = queryInt(ctx.query, 'minutes', 1, 60 * 24 * 15, 60);
    const period = queryInt(ctx.query, 'period', 1, 86_400, minutes <= 180 ? 60 : 300);
    const now = Date.now();
    const periodMs = period * 1000;
    const end = Math.floor(now / periodMs) * periodMs + periodMs;
    const start = end - Math.ceil((minutes * 60_000) / periodMs) * periodMs;
    const dimensions = [{ Name: 'FunctionName', Value: name }];
    const series: Record<string, Array<{ t: number; sum: number; max: number; count: number; p50?: number; p99?: number }>> = {};
    for (const metric of METRICS) {
      const points = deps.metrics.statistics(scope.accountId, scope.region, {
        namespace: 'AWS/Lambda', name: metric, dimensions, start, end, period,
        ...(metric === 'Duration' ? { percentiles: [50, 99] } : {}),
      });
      series[metric] = points.map((d) => ({
        t: d.timestamp, sum: d.sum, max: d.maximum, count: d.sampleCount,
        ...(metric === 'Duration' ? { p50: d.percentiles.get(50), p99: d.percentiles.get(99) } : {}),
      }));
    }
    return { start, end, period, namespace: 'AWS/Lambda', dimensions, series };
  });

  // Month to date, from the REPORT lines Lambda wrote (billed duration and memory of every request).
  router.on('GET', 'functions/:name/cost', (ctx, p) => {
    const scope = scopeOf(ctx);
    const name = fnName(p.name);
    const from = monthStart(Date.now());
    const all = registry.list(scope, false);
    const account = emptyUsage();
    let mine: Usage | undefined;
    for (const v of all) {
      const u = usageOf(deps, scope, v, from);
      account.requests += u.requests;
      account.gbSeconds.x86_64 += u.gbSeconds.x86_64;
      account.gbSeconds.arm64 += u.gbSeconds.arm64;
      if (v.functionName === name) mine = u;
    }
    if (!mine) throw NotFound(`Function not found: ${name}`);
    return {
      since: from,
      function: { requests: mine.requests, gbSeconds: mine.gbSeconds.x86_64 + mine.gbSeconds.arm64, grossCost: grossCost(mine) },
      account: monthlyBill(account),
    };
  });
}
