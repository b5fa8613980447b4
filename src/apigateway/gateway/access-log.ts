// Access logging of REST API stages (`accessLogSettings`): after each answered request of a stage
// whose settings name a CloudWatch Logs log group (`arn:aws:logs:{region}:{account}:log-group:{name}`,
// with or without CloudFormation's trailing `:*`) and a format, one line — the format with its
// `$context.*` variables filled in — goes to that group. Values that are unknown or empty print as
// `-`, as AWS's access logs do. Kinesis Data Firehose destinations are not served (no Firehose).
// Lines go through the same buffered sink as Lambda's logs: the request never waits for SQLite.
import type { Call } from './call.js';
import { templateContext } from './context-vars.js';

/** Where access log lines go (the CloudWatch Logs sink, as Lambda environments use it). */
export interface AccessLogSink {
  put(accountId: string, region: string, group: string, stream: string, events: ReadonlyArray<{ readonly timestamp: number; readonly message: string }>): void;
}

/** What the gateway answered, for `$context.status`, `$context.error.*` and the like. */
export interface AccessLogAnswer {
  readonly status: number;
  readonly responseLength: number;
  readonly error?: { readonly message: string | null; readonly responseType: string };
}

export type AccessLogWriter = (call: Call, answer: AccessLogAnswer, now: number) => void;

const LOG_GROUP_ARN = /^arn:[^:]+:logs:([^:]+):(\d{12}):log-group:([^:]+)(?::\*)?$/;
const VARIABLE = /\$context((?:\.[A-Za-z0-9_-]+)+)/g;

/** The log group an access log destination names, or undefined (Firehose, malformed). */
export function accessLogGroup(destinationArn: string): { region: string; accountId: string; group: string } | undefined {
  const m = LOG_GROUP_ARN.exec(destinationArn);
  return m ? { region: m[1]!, accountId: m[2]!, group: m[3]! } : undefined;
}

function lookup(vars: Record<string, unknown>, path: string[]): unknown {
  let v: unknown = vars;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

/** One access log line: the format with every `$context.x.y` replaced by its value or `-`. */
export function renderAccessLog(format: string, vars: Record<string, unknown>): string {
  return format.replace(VARIABLE, (_whole, dotted: string) => {
    const path = dotted.slice(1).split('.');
    const v = lookup(vars, path);
    if (v === undefined || v === null || v === '') return '-';
    return typeof v === 'object' ? JSON.stringify(v) : String(v);
  });
}

/** `$context` as access logs see it: the mapping-template variables plus what only the answer knows. */
export function accessLogContext(call: Call, answer: AccessLogAnswer, now: number): Record<string, unknown> {
  const ctx = templateContext(call, answer.error ? { message: answer.error.message, responseType: answer.error.responseType } : undefined);
  const latency = now - call.receivedAt;
  ctx['status'] = answer.status;
  ctx['responseLength'] = answer.responseLength;
  ctx['responseLatency'] = latency;
  ctx['integrationStatus'] = call.integrationStatus ?? '';
  ctx['wafResponseCode'] = '';
  if (call.authorizer) {
    const a = ctx['authorizer'] as Record<string, unknown>;
    a['integrationLatency'] = call.authorizer.latency;
    a['latency'] = call.authorizer.latency;
  }
  return ctx;
}

export function accessLogWriter(sink: AccessLogSink): AccessLogWriter {
  return (call, answer, now) => {
    const settings = call.resolved?.stage.accessLogSettings;
    if (!settings?.destinationArn || !settings.format) return;
    const dest = accessLogGroup(settings.destinationArn);
    if (!dest) return;
    const message = renderAccessLog(settings.format, accessLogContext(call, answer, now));
    // One stream per API stage (AWS names its streams itself; the name is not part of any contract).
    sink.put(dest.accountId, dest.region, dest.group, `${call.apiId}_${call.stageName}`, [{ timestamp: now, message }]);
  };
}
