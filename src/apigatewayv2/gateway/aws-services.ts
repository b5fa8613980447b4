// AWS service integrations of HTTP APIs on the data plane: each request parameter of the
// integration is evaluated against the request (AWS's mapping table: `$request.header.name`,
// `$request.querystring.name`, `$request.path.name`, `$request.body`, `$request.body.<JSONPath>`,
// `$context.name`, `$stageVariables.name`, anything else a static value), the action is sent to
// Nimbus's own endpoint in the service's wire protocol, and the service's answer (status, body,
// content type) goes back to the client as API Gateway passes it through.
import { request, type Agent } from 'undici';
import { evaluatePath } from '../../apigateway/vtl/jsonpath.js';
import { SUBTYPES } from '../core/service-integrations.js';
import type { Integration } from '../core/model.js';
import { headerValue, queryValue } from './authorizer.js';
import type { HttpApiRequest } from './request.js';
import { requestTime } from './request.js';
import { internalError, serviceUnavailable, type GatewayAnswer } from './responses.js';

/** X-Amz-Target prefixes and content types of the services the subtypes call. */
const WIRE = {
  states: { target: 'AWSStepFunctions', contentType: 'application/x-amz-json-1.0' },
  events: { target: 'AWSEvents', contentType: 'application/x-amz-json-1.1' },
} as const;

/** AWS applies `$request.body.<path>` selections to the first 100 KB of the body. */
const BODY_SELECTION_LIMIT = 100 * 1024;

/** The `$context` variables an HTTP API request has (the subset that means something here). */
function contextValue(req: HttpApiRequest, name: string): string | undefined {
  const route = req.match.compiled.route;
  const values: Record<string, string | number | undefined> = {
    accountId: req.served.scope.accountId,
    apiId: req.served.api.apiId,
    domainName: req.host,
    httpMethod: req.method,
    path: req.rawPath,
    protocol: req.protocol,
    requestId: req.requestId,
    requestTime: requestTime(req.receivedAt),
    requestTimeEpoch: req.receivedAt,
    routeKey: route.routeKey,
    stage: req.stage.stage.stageName,
    'identity.sourceIp': req.sourceIp,
    'identity.userAgent': headerValue(req.rawHeaders, 'user-agent'),
  };
  if (name.startsWith('authorizer.')) {
    const v = req.authorizer ? evaluatePath(req.authorizer, `$.${name.slice('authorizer.'.length)}`) : undefined;
    return v?.found ? textOf(v.value) : undefined;
  }
  const v = values[name];
  return v === undefined ? undefined : String(v);
}

/** A selected JSON value as a parameter: strings as they are, anything else as JSON text. */
function textOf(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** One mapping's value for this request; undefined when the request has nothing there (the parameter is left out). */
export function evaluateParameter(req: HttpApiRequest, expression: string): string | undefined {
  const m = /^\$(request\.header|request\.querystring|request\.path|request\.body|context|stageVariables)(?:\.(.+))?$/.exec(expression);
  if (!m) return expression;
  const [, source, name] = m;
  if (source === 'request.body') {
    if (name === undefined) return req.body.toString('utf8');
    let doc: unknown;
    try {
      doc = JSON.parse(req.body.subarray(0, BODY_SELECTION_LIMIT).toString('utf8'));
    } catch {
      return undefined;
    }
    const found = evaluatePath(doc, `$.${name}`);
    return found.found ? textOf(found.value) : undefined;
  }
  if (name === undefined) return expression;
  switch (source) {
    case 'request.header':
      return headerValue(req.rawHeaders, name.toLowerCase());
    case 'request.querystring':
      return queryValue(req.rawQuery, name);
    case 'request.path':
      return req.match.pathParameters?.[name];
    case 'stageVariables':
      return req.stage.stage.stageVariables?.[name];
    default:
      return contextValue(req, name);
  }
}

/** The action's JSON request from the evaluated parameters (camelCase for Step Functions, PutEvents' one entry for EventBridge). */
function actionBody(subtype: string, params: Record<string, string>): unknown {
  if (subtype === 'EventBridge-PutEvents') {
    const { Region: _region, Resources, ...entry } = params;
    void _region;
    let resources: unknown;
    if (Resources !== undefined) {
      try {
        resources = JSON.parse(Resources);
      } catch {
        resources = [Resources];
      }
    }
    return { Entries: [{ ...entry, ...(resources !== undefined ? { Resources: Array.isArray(resources) ? resources : [resources] } : {}) }] };
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) if (k !== 'Region') out[k[0]!.toLowerCase() + k.slice(1)] = v;
  return out;
}

export async function callAwsService(agent: Agent, endpoint: string, req: HttpApiRequest, integration: Integration): Promise<GatewayAnswer> {
  const subtype = integration.integrationSubtype!;
  const spec = SUBTYPES[subtype];
  if (!spec || !endpoint) return internalError();
  const params: Record<string, string> = {};
  for (const [name, expression] of Object.entries(integration.requestParameters ?? {})) {
    const v = evaluateParameter(req, expression);
    if (v !== undefined) params[name] = v;
  }
  const region = params['Region'] ?? req.served.scope.region;
  const wire = WIRE[spec.service];
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  const signal = AbortSignal.timeout(integration.timeoutInMillis);
  try {
    const res = await request(`${endpoint}/`, {
      method: 'POST',
      headers: {
        // The credential scope carries the account and region the front door routes by.
        authorization: `AWS4-HMAC-SHA256 Credential=apigateway/${day}/${region}/${spec.service}/aws4_request, SignedHeaders=host, Signature=0`,
        'content-type': wire.contentType,
        'x-amz-target': `${wire.target}.${spec.action}`,
        'x-amzn-trace-id': req.traceId,
      },
      body: JSON.stringify(actionBody(subtype, params)),
      dispatcher: agent,
      signal,
    });
    const body = Buffer.from(await res.body.arrayBuffer());
    const contentType = res.headers['content-type'];
    return { status: res.statusCode, headers: typeof contentType === 'string' ? { 'content-type': contentType } : {}, body };
  } catch {
    return signal.aborted ? serviceUnavailable() : internalError();
  }
}
