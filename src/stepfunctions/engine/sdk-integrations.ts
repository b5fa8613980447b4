// AWS SDK integrations (`arn:aws:states:::aws-sdk:<service>:<action>`) for the services Nimbus runs.
// The task's parameters (PascalCase, as AWS writes them for every SDK integration) become the action's
// request on Nimbus's own endpoint in the service's wire protocol, so the result is exactly what the
// service answers; a service error becomes `<Service>.<ErrorName>` (PascalCase, with the Exception
// suffix, as AWS names SDK integration errors). Served: Lambda's read actions (what workflows use to
// inspect functions) and every action of the awsJson services Nimbus runs — Step Functions, EventBridge,
// CloudWatch Logs (camelCase wires get the task's PascalCase members recased, and the answer's members
// PascalCase again); any other SDK action is refused at run time with States.Runtime, as before.
import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import { StatesError, type Json, type JsonObject } from '../asl/index.js';
import type { Integration, Pattern, TaskCall } from './integrations.js';

interface RestAction {
  readonly method: 'GET';
  /** Path with `{Member}` placeholders filled from the parameters (URI-encoded). */
  readonly path: string;
  /** Parameters sent as query-string members (same names on the wire). */
  readonly query: readonly string[];
}

/** Lambda's REST-JSON routes (API version 2015-03-31), by SDK action name. */
const LAMBDA: Readonly<Record<string, RestAction>> = {
  listFunctions: { method: 'GET', path: '/2015-03-31/functions/', query: ['Marker', 'MaxItems', 'FunctionVersion', 'MasterRegion'] },
  getFunction: { method: 'GET', path: '/2015-03-31/functions/{FunctionName}', query: ['Qualifier'] },
  getFunctionConfiguration: { method: 'GET', path: '/2015-03-31/functions/{FunctionName}/configuration', query: ['Qualifier'] },
  listVersionsByFunction: { method: 'GET', path: '/2015-03-31/functions/{FunctionName}/versions', query: ['Marker', 'MaxItems'] },
  listAliases: { method: 'GET', path: '/2015-03-31/functions/{FunctionName}/aliases', query: ['FunctionVersion', 'Marker', 'MaxItems'] },
  getAlias: { method: 'GET', path: '/2015-03-31/functions/{FunctionName}/aliases/{Name}', query: [] },
};

interface JsonService {
  /** The PascalCase service name errors carry (`Sfn.…Exception`). */
  readonly name: string;
  readonly signingName: string;
  readonly target: string;
  readonly contentType: string;
  /** The wire's members are camelCase (the task's are PascalCase, as for every SDK integration). */
  readonly camel: boolean;
}

/** awsJson services Nimbus runs, by SDK service name. */
const JSON_SERVICES: Readonly<Record<string, JsonService>> = {
  sfn: { name: 'Sfn', signingName: 'states', target: 'AWSStepFunctions', contentType: 'application/x-amz-json-1.0', camel: true },
  eventbridge: { name: 'EventBridge', signingName: 'events', target: 'AWSEvents', contentType: 'application/x-amz-json-1.1', camel: false },
  cloudwatchlogs: { name: 'CloudWatchLogs', signingName: 'logs', target: 'Logs_20140328', contentType: 'application/x-amz-json-1.1', camel: true },
};

/** The SDK integration for `service:action`, or undefined when Nimbus does not serve it. */
export function awsSdkIntegration(service: string, action: string, pattern: Pattern): Integration | undefined {
  if (pattern !== 'request') return undefined;
  const json = JSON_SERVICES[service];
  if (json) {
    return {
      family: 'Task', resourceType: `aws-sdk:${service}`, resource: action, pattern,
      invoke: (call) => callJson(call, json, action[0]!.toUpperCase() + action.slice(1)),
    };
  }
  const route = service === 'lambda' ? LAMBDA[action] : undefined;
  if (!route) return undefined;
  return {
    family: 'Task', resourceType: `aws-sdk:${service}`, resource: action, pattern,
    invoke: (call) => callRest(call, 'Lambda', 'lambda', route),
  };
}

/** A parameter as a path or query value; absent and null members are left out, as the SDK leaves them. */
function textOf(v: Json | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

async function callRest(call: TaskCall, serviceName: string, signingName: string, route: RestAction): Promise<Json> {
  const endpoint = call.host.endpoint;
  if (!endpoint) throw new StatesError('States.Runtime', `The ${serviceName} API is not reachable from this Nimbus.`);
  const params = (call.payload && typeof call.payload === 'object' && !Array.isArray(call.payload) ? call.payload : {}) as JsonObject;
  let missing: string | undefined;
  const path = route.path.replace(/\{(\w+)\}/g, (_whole, name: string) => {
    const v = textOf(params[name]);
    if (v === undefined) missing ??= name;
    return encodeURIComponent(v ?? '');
  });
  // The SDK refuses a call without a path member before sending it; AWS reports it as a task failure.
  if (missing !== undefined) throw new StatesError(`${serviceName}.ValidationException`, `Missing required parameter: ${missing}`);
  const qs = new URLSearchParams();
  for (const name of route.query) {
    const v = textOf(params[name]);
    if (v !== undefined) qs.append(name, v);
  }
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  let status: number;
  let text: string;
  let errorHeader: string | string[] | undefined;
  try {
    const res = await request(`${endpoint}${path}${qs.size > 0 ? `?${qs}` : ''}`, {
      method: route.method,
      headers: {
        // The credential scope carries the execution's region: the front door routes the call by it.
        authorization: `AWS4-HMAC-SHA256 Credential=states/${day}/${call.exec.region}/${signingName}/aws4_request, SignedHeaders=host, Signature=0`,
      },
      signal: call.signal,
    });
    status = res.statusCode;
    errorHeader = res.headers['x-amzn-errortype'];
    text = await res.body.text();
  } catch (err) {
    if (call.signal.aborted) throw err;
    throw new StatesError(`${serviceName}.SdkClientException`, err instanceof Error ? err.message : String(err));
  }
  let body: Json = null;
  try {
    body = text.length > 0 ? (JSON.parse(text) as Json) : {};
  } catch {
    body = text;
  }
  if (status < 300) return body;
  const fromBody = body && typeof body === 'object' && !Array.isArray(body) ? (body as JsonObject) : {};
  const rawName = (typeof errorHeader === 'string' ? errorHeader : undefined) ?? (typeof fromBody.__type === 'string' ? fromBody.__type : 'ServiceException');
  const bare = rawName.split(':', 1)[0]!.split('#').pop()!;
  const name = bare.endsWith('Exception') ? bare : `${bare}Exception`;
  const message = typeof fromBody.message === 'string' ? fromBody.message : typeof fromBody.Message === 'string' ? fromBody.Message : text;
  throw new StatesError(`${serviceName}.${name}`, `${message} (Service: ${serviceName}, Status Code: ${status}, Request ID: ${randomUUID()})`);
}

/** Maps whose keys are data (state names), not members: their keys are kept as they are. */
const DATA_MAPS = new Set(['variableReferences', 'VariableReferences']);

/** Member names recased (first letter) through nested objects and lists; absent and null members dropped. */
function recase(v: Json, first: (c: string) => string): Json {
  if (Array.isArray(v)) return v.map((x) => recase(x, first));
  if (v === null || typeof v !== 'object') return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) {
    if (x === null || x === undefined) continue;
    const key = first(k[0] ?? '') + k.slice(1);
    out[key] = DATA_MAPS.has(k) ? x : recase(x, first);
  }
  return out;
}

async function callJson(call: TaskCall, svc: JsonService, operation: string): Promise<Json> {
  const endpoint = call.host.endpoint;
  if (!endpoint) throw new StatesError('States.Runtime', `The ${svc.name} API is not reachable from this Nimbus.`);
  const params = call.payload && typeof call.payload === 'object' && !Array.isArray(call.payload) ? call.payload : {};
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  let status: number;
  let text: string;
  try {
    const res = await request(`${endpoint}/`, {
      method: 'POST',
      headers: {
        authorization: `AWS4-HMAC-SHA256 Credential=states/${day}/${call.exec.region}/${svc.signingName}/aws4_request, SignedHeaders=host, Signature=0`,
        'content-type': svc.contentType,
        'x-amz-target': `${svc.target}.${operation}`,
      },
      body: JSON.stringify(svc.camel ? recase(params, (c) => c.toLowerCase()) : params),
      signal: call.signal,
    });
    status = res.statusCode;
    text = await res.body.text();
  } catch (err) {
    if (call.signal.aborted) throw err;
    throw new StatesError(`${svc.name}.SdkClientException`, err instanceof Error ? err.message : String(err));
  }
  let body: Json;
  try {
    body = text.length > 0 ? (JSON.parse(text) as Json) : {};
  } catch {
    body = text;
  }
  if (status < 300) return svc.camel ? recase(body, (c) => c.toUpperCase()) : body;
  const fields = body && typeof body === 'object' && !Array.isArray(body) ? (body as JsonObject) : {};
  const bare = String(fields.__type ?? 'ServiceException').split('#').pop()!;
  const name = bare.endsWith('Exception') ? bare : `${bare}Exception`;
  const message = typeof fields.message === 'string' ? fields.message : text;
  throw new StatesError(`${svc.name}.${name}`, `${message} (Service: ${svc.name}, Status Code: ${status}, Request ID: ${randomUUID()})`);
}
