// Task resources: which integration a `Resource` names and how it is invoked. The interpreter owns
// the history events, timeouts, heartbeats and callbacks; an integration only turns an effective
// payload into a result (or a StatesError).
//   arn:aws:lambda:R:A:function:NAME[:QUALIFIER]                 Lambda (LambdaFunction* events)
//   arn:aws:states:::lambda:invoke[.waitForTaskToken]             optimized Lambda (Task* events)
//   arn:aws:states:::states:startExecution[.sync|.sync:2|.waitForTaskToken]
//   arn:aws:states:R:A:activity:NAME                              activities (Activity* events)
//   arn:aws:states:::http:invoke                                  HTTPS endpoints (undici)
//   arn:aws:states:::aws-sdk:SERVICE:ACTION                       AWS SDK integrations (./sdk-integrations.ts)
import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import { StatesError, checkPayloadSize, type Json, type JsonObject } from '../asl/index.js';
import { isServiceError } from '../../protocol/errors.js';
import type { LambdaInvokeOutput } from '../../lambda/invoker.js';
import type { EngineHost, ExecutionInfo } from './types.js';
import { awsSdkIntegration } from './sdk-integrations.js';

export type Family = 'LambdaFunction' | 'Task' | 'Activity';
export type Pattern = 'request' | 'sync' | 'sync:2' | 'waitForTaskToken';

export interface TaskCall {
  readonly payload: Json;
  readonly exec: ExecutionInfo;
  readonly token?: string;
  readonly signal: AbortSignal;
  readonly host: EngineHost;
}

export interface Integration {
  readonly family: Family;
  /** Task* events: `resourceType` (e.g. `lambda`) and `resource` (e.g. `invoke`). */
  readonly resourceType: string;
  readonly resource: string;
  readonly pattern: Pattern;
  /** Activity ARN for activity tasks. */
  readonly activityArn?: string;
  /** Submits the work; for `request` this is the result, for the others what TaskSubmitted shows. */
  invoke(call: TaskCall): Promise<Json>;
  /** `.sync`: waits for the submitted job and returns the task result. */
  complete?(call: TaskCall, submitted: Json): Promise<Json>;
}

const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9_-]+)(?::([A-Za-z0-9_$-]+))?$/;
const ACTIVITY_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:activity:.+$/;
const SERVICE = /^arn:aws[a-z-]*:states:::([a-zA-Z0-9-]+):([a-zA-Z0-9]+)(?:\.(sync:2|sync|waitForTaskToken))?$/;
const AWS_SDK = /^arn:aws[a-z-]*:states:::aws-sdk:([a-z0-9]+):([a-zA-Z0-9]+)(?:\.(waitForTaskToken))?$/;

export function resolveIntegration(resource: string): Integration {
  const lambda = LAMBDA_ARN.exec(resource);
  if (lambda) return directLambda(resource, lambda[3]!, lambda[4]);
  if (ACTIVITY_ARN.test(resource)) {
    return {
      family: 'Activity', resourceType: 'activity', resource, pattern: 'waitForTaskToken', activityArn: resource,
      invoke: () => Promise.resolve(null),
    };
  }
  const sdk = AWS_SDK.exec(resource);
  const sdkIntegration = sdk ? awsSdkIntegration(sdk[1]!, sdk[2]!, (sdk[3] as Pattern | undefined) ?? 'request') : undefined;
  if (sdkIntegration) return sdkIntegration;
  const svc = SERVICE.exec(resource);
  if (svc) {
    const [, service, action, suffix] = svc;
    const pattern: Pattern = (suffix as Pattern | undefined) ?? 'request';
    if (service === 'lambda' && action === 'invoke' && (pattern === 'request' || pattern === 'waitForTaskToken')) {
      return lambdaInvoke(pattern);
    }
    if (service === 'states' && action === 'startExecution') return startExecution(pattern);
    if (service === 'http' && action === 'invoke' && pattern === 'request') return httpInvoke();
    if (service === 'events' && action === 'putEvents' && (pattern === 'request' || pattern === 'waitForTaskToken')) return putEvents(pattern);
  }
  return {
    family: 'Task', resourceType: 'unsupported', resource, pattern: 'request',
    invoke: () => Promise.reject(new StatesError('States.Runtime', `Nimbus does not support the task resource '${resource}'.`)),
  };
}

// ── Lambda ──────────────────────────────────────────────────────────────────────────────────

async function invokeLambda(
  call: TaskCall, functionName: string, payload: Json | undefined,
  options: { qualifier?: string; invocationType?: string; clientContext?: string; rawString?: boolean; logType?: string; requestId?: string },
): Promise<LambdaInvokeOutput> {
  const invoker = call.host.lambda;
  if (!invoker) throw new StatesError('Lambda.ServiceException', 'The Lambda service is not available in this Nimbus.');
  try {
    return await invoker.invoke({
      accountId: call.exec.accountId,
      region: call.exec.region,
      functionName,
      qualifier: options.qualifier,
      // lambda:invoke sends a string `Payload` as written (it is the JSON text), as AWS does.
      payload: Buffer.from(payload === undefined ? '{}' : options.rawString && typeof payload === 'string' ? payload : JSON.stringify(payload)),
      invocationType: (options.invocationType as 'RequestResponse' | 'Event' | 'DryRun' | undefined) ?? 'RequestResponse',
      clientContext: options.clientContext,
      // LogType "Tail" returns the log tail as LogResult (recorded: test_invoke_unsupported_param).
      tailLogs: options.logType === 'Tail' && (options.invocationType ?? 'RequestResponse') === 'RequestResponse',
      ...(options.requestId ? { requestId: options.requestId } : {}),
    });
  } catch (err) {
    if (isServiceError(err)) {
      // AWS reports Lambda API errors as `Lambda.<Code>` with the SDK's exception text as the cause.
      const name = err.status >= 500 ? 'ServiceException' : err.name;
      throw new StatesError(
        `Lambda.${name}`,
        `${err.message} (Service: AWSLambda; Status Code: ${err.status}; Error Code: ${err.name}; Request ID: ${randomUUID()}; Proxy: null)`,
      );
    }
    throw new StatesError('Lambda.ServiceException', err instanceof Error ? err.message : String(err));
  }
}

/**
 * A function error: the error name is the runtime's errorType (else Lambda.Unknown), the cause its
 * JSON — as the runtime wrote it for Lambda ARNs, re-serialized compactly by lambda:invoke (AWS's
 * recordings show both forms).
 */
function functionFailure(out: LambdaInvokeOutput, compact: boolean): StatesError {
  const text = out.payload.toString('utf8');
  let errorType: string | undefined;
  let cause = text;
  try {
    const parsed = JSON.parse(text) as { errorType?: unknown };
    if (parsed && typeof parsed === 'object' && typeof parsed.errorType === 'string') errorType = parsed.errorType;
    if (compact) cause = JSON.stringify(parsed);
  } catch {
    /* not JSON: Lambda.Unknown */
  }
  return new StatesError(errorType ?? 'Lambda.Unknown', cause);
}

function parsePayload(buf: Buffer): Json {
  if (buf.length === 0) return null;
  const text = buf.toString('utf8');
  try {
    return JSON.parse(text) as Json;
  } catch {
    return text;
  }
}

function directLambda(arn: string, _name: string, qualifier: string | undefined): Integration {
  return {
    family: 'LambdaFunction', resourceType: 'lambda', resource: arn, pattern: 'request',
    async invoke(call) {
      const fn = qualifier ? arn.slice(0, arn.lastIndexOf(':')) : arn;
      const out = await invokeLambda(call, fn, call.payload, { qualifier });
      if (out.functionError) throw functionFailure(out, false);
      const result = parsePayload(out.payload);
      checkPayloadSize(result, 'result', arn);
      return result;
    },
  };
}

function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

function lambdaInvoke(pattern: Pattern): Integration {
  return {
    family: 'Task', resourceType: 'lambda', resource: pattern === 'request' ? 'invoke' : 'invoke.waitForTaskToken', pattern,
    async invoke(call) {
      const p = (call.payload ?? {}) as JsonObject;
      const fn = p.FunctionName;
      if (typeof fn !== 'string') {
        throw new StatesError('States.Runtime', 'The field "FunctionName" is required for the lambda:invoke integration.');
      }
      // A null Payload is no payload: the function gets {} (recorded: test_lambda_task_service::test_invoke).
      // The Invoke call's request id is the invocation's, as on AWS (the function's awsRequestId).
      const requestId = randomUUID();
      const out = await invokeLambda(call, fn, p.Payload === null ? undefined : p.Payload, {
        qualifier: typeof p.Qualifier === 'string' ? p.Qualifier : undefined,
        invocationType: typeof p.InvocationType === 'string' ? p.InvocationType : undefined,
        clientContext: typeof p.ClientContext === 'string' ? p.ClientContext : undefined,
        logType: typeof p.LogType === 'string' ? p.LogType : undefined,
        rawString: true,
        requestId,
      });
      if (out.functionError) throw functionFailure(out, true);
      const payload = parsePayload(out.payload);
      checkPayloadSize(payload, 'result', 'lambda');
      const version = out.executedVersion ?? '$LATEST';
      const date = httpDate(Date.now());
      const trace = `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomUUID().replace(/-/g, '').slice(0, 24)};Sampled=0`;
      const length = String(out.payload.length);
      const log = out.logResult;
      // The SDK's HTTP metadata as Step Functions reports it for this integration.
      return {
        ExecutedVersion: version,
        ...(log !== undefined ? { LogResult: log } : {}),
        Payload: payload,
        SdkHttpMetadata: {
          AllHttpHeaders: {
            ...(log !== undefined ? { 'X-Amz-Log-Result': [log] } : {}),
            'X-Amz-Executed-Version': [version],
            'x-amzn-Remapped-Content-Length': ['0'],
            Connection: ['keep-alive'],
            'x-amzn-RequestId': [requestId],
            'Content-Length': [length],
            Date: [date],
            'X-Amzn-Trace-Id': [trace],
            'Content-Type': ['application/json'],
          },
          HttpHeaders: {
            Connection: 'keep-alive',
            'Content-Length': length,
            'Content-Type': 'application/json',
            Date: date,
            'X-Amz-Executed-Version': version,
            ...(log !== undefined ? { 'X-Amz-Log-Result': log } : {}),
            'x-amzn-Remapped-Content-Length': '0',
            'x-amzn-RequestId': requestId,
            'X-Amzn-Trace-Id': trace,
          },
          HttpStatusCode: out.statusCode,
        },
        SdkResponseMetadata: { RequestId: requestId },
        StatusCode: out.statusCode,
      };
    },
  };
}

// ── Step Functions: start another execution ─────────────────────────────────────────────────

function startExecution(pattern: Pattern): Integration {
  const suffix = pattern === 'request' ? '' : `.${pattern}`;
  return {
    family: 'Task', resourceType: 'states', resource: `startExecution${suffix}`, pattern,
    async invoke(call) {
      const starter = call.host.executions;
      if (!starter) throw new StatesError('States.Runtime', 'Starting executions is not available.');
      const p = (call.payload ?? {}) as JsonObject;
      if (typeof p.StateMachineArn !== 'string') {
        throw new StatesError('States.Runtime', 'The field "StateMachineArn" is required for the states:startExecution integration.');
      }
      // "Input": null starts the child with "{}", as an absent Input does (recorded: callback/test_callback
      // test_start_execution_sync*, where the child's Input reads "{}").
      const input = p.Input === undefined || p.Input === null ? '{}' : typeof p.Input === 'string' ? p.Input : JSON.stringify(p.Input);
      try {
        const started = await starter.start({
          stateMachineArn: p.StateMachineArn, input, name: typeof p.Name === 'string' ? p.Name : undefined,
          region: call.exec.region, accountId: call.exec.accountId, parentArn: call.exec.arn,
        });
        return { ExecutionArn: started.executionArn, StartDate: started.startDate };
      } catch (err) {
        if (isServiceError(err)) throw new StatesError(`StepFunctions.${err.name}Exception`.replace('ExceptionException', 'Exception'), err.message);
        throw err;
      }
    },
    async complete(call, submitted) {
      const arn = (submitted as JsonObject).ExecutionArn as string;
      const starter = call.host.executions!;
      const onAbort = () => void starter.stop(arn, 'States.Aborted', 'Parent execution was stopped').catch(() => undefined);
      call.signal.addEventListener('abort', onAbort, { once: true });
      try {
        const d = await starter.waitFor(arn, call.signal);
        const output = pattern === 'sync:2' && typeof d.Output === 'string' ? (JSON.parse(d.Output) as Json) : d.Output;
        const result: JsonObject = { ...d, ...(d.Output !== undefined ? { Output: output ?? null } : {}) };
        if (d.Status !== 'SUCCEEDED') {
          throw new StatesError('States.TaskFailed', JSON.stringify(result));
        }
        return result;
      } finally {
        call.signal.removeEventListener('abort', onAbort);
      }
    },
  };
}

// ── HTTP task ───────────────────────────────────────────────────────────────────────────────

// ── EventBridge ──────────────────────────────────────────────────────────────────────────────

/**
 * events:putEvents: Detail may be an object (sent as its JSON); the execution's and its state
 * machine's ARNs are appended to each entry's Resources; a failed entry fails the task with
 * `EventBridge.FailedEntry`, as AWS documents for this optimized integration.
 */
function putEvents(pattern: Pattern): Integration {
  return {
    family: 'Task', resourceType: 'events', resource: pattern === 'request' ? 'putEvents' : 'putEvents.waitForTaskToken', pattern,
    async invoke(call) {
      const events = call.host.events;
      if (!events) throw new StatesError('States.Runtime', 'EventBridge is not available in this Nimbus.');
      const p = (call.payload ?? {}) as JsonObject;
      if (!Array.isArray(p.Entries)) throw new StatesError('States.Runtime', 'The field "Entries" is required for the events:putEvents integration.');
      const entries = p.Entries.map((e) => {
        const entry = (e && typeof e === 'object' && !Array.isArray(e) ? e : {}) as JsonObject;
        const resources = Array.isArray(entry.Resources) ? entry.Resources : [];
        return {
          ...entry,
          ...(entry.Detail !== undefined && typeof entry.Detail !== 'string' ? { Detail: JSON.stringify(entry.Detail) } : {}),
          Resources: [...resources, call.exec.arn, call.exec.machineArn],
        };
      });
      let out: { FailedEntryCount: number; Entries: Json[] };
      try {
        out = events.putEvents({ accountId: call.exec.accountId, region: call.exec.region }, entries);
      } catch (err) {
        if (isServiceError(err)) throw new StatesError(`EventBridge.${err.name}`, err.message);
        throw err;
      }
      if (out.FailedEntryCount > 0) throw new StatesError('EventBridge.FailedEntry', JSON.stringify(out));
      return out as unknown as Json;
    },
  };
}

function httpInvoke(): Integration {
  return {
    family: 'Task', resourceType: 'http', resource: 'invoke', pattern: 'request',
    async invoke(call) {
      const p = (call.payload ?? {}) as JsonObject;
      if (typeof p.ApiEndpoint !== 'string' || typeof p.Method !== 'string') {
        throw new StatesError('States.Runtime', 'The fields "ApiEndpoint" and "Method" are required for the http:invoke integration.');
      }
      const url = new URL(p.ApiEndpoint);
      if (p.QueryParameters && typeof p.QueryParameters === 'object' && !Array.isArray(p.QueryParameters)) {
        for (const [k, v] of Object.entries(p.QueryParameters)) url.searchParams.append(k, typeof v === 'string' ? v : JSON.stringify(v));
      }
      const headers: Record<string, string> = {};
      if (p.Headers && typeof p.Headers === 'object' && !Array.isArray(p.Headers)) {
        for (const [k, v] of Object.entries(p.Headers)) headers[k.toLowerCase()] = String(v);
      }
      let body: string | undefined;
      if (p.RequestBody !== undefined) {
        if (typeof p.RequestBody === 'string') body = p.RequestBody;
        else {
          body = JSON.stringify(p.RequestBody);
          headers['content-type'] ??= 'application/json';
        }
      }
      let res;
      try {
        res = await request(url, {
          method: p.Method.toUpperCase() as 'GET', headers, body, signal: call.signal,
          headersTimeout: 60_000, bodyTimeout: 60_000,
        });
      } catch (err) {
        throw new StatesError('States.Http.Socket', err instanceof Error ? err.message : String(err));
      }
      const text = await res.body.text();
      const outHeaders: JsonObject = {};
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) outHeaders[k] = Array.isArray(v) ? v : [v];
      let responseBody: Json = text;
      const ct = String(res.headers['content-type'] ?? '');
      if (ct.includes('json')) {
        try { responseBody = JSON.parse(text) as Json; } catch { /* keep text */ }
      }
      const statusText = STATUS_TEXT[res.statusCode] ?? '';
      const result: JsonObject = { Headers: outHeaders, ResponseBody: responseBody, StatusCode: res.statusCode, StatusText: statusText };
      if (res.statusCode >= 400) {
        throw new StatesError(`States.Http.StatusCode.${res.statusCode}`, JSON.stringify(result));
      }
      checkPayloadSize(result, 'result', 'http');
      return result;
    },
  };
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content', 301: 'Moved Permanently', 302: 'Found',
  304: 'Not Modified', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found',
  409: 'Conflict', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway',
  503: 'Service Unavailable', 504: 'Gateway Timeout',
};
