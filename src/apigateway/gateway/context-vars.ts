// `$context` for mapping templates and `requestContext` for Lambda proxy events / REQUEST
// authorizers, built from one Call with AWS's field names and formats.
import { header, type Call } from './call.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => (n < 10 ? '0' + n : String(n));

/** `27/Nov/2026:05:40:12 +0000`, the CLF time AWS puts in `requestTime`. */
export function clfTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())} +0000`;
}

function identity(call: Call): Record<string, unknown> {
  const id: Record<string, unknown> = {
    cognitoIdentityPoolId: null,
    accountId: null,
    cognitoIdentityId: null,
    caller: null,
    sourceIp: call.sourceIp,
    principalOrgId: null,
    accessKey: null,
    cognitoAuthenticationType: null,
    cognitoAuthenticationProvider: null,
    userArn: null,
    userAgent: header(call, 'user-agent') ?? null,
    user: null,
  };
  if (call.apiKey) {
    id['apiKey'] = call.apiKey.value;
    id['apiKeyId'] = call.apiKey.id;
  }
  return id;
}

/** The authorizer block of requestContext: context values as strings, plus principalId. */
function authorizerBlock(call: Call): Record<string, unknown> | undefined {
  const a = call.authorizer;
  if (!a) return undefined;
  const out: Record<string, unknown> = {};
  for (const k in a.context) out[k] = String(a.context[k]);
  out['principalId'] = a.principalId;
  out['integrationLatency'] = a.latency;
  return out;
}

export function domainPrefix(call: Call): string {
  const dot = call.host.indexOf('.');
  return dot === -1 ? call.host : call.host.slice(0, dot);
}

/** `requestContext` of the proxy event (format 1.0). */
export function requestContext(call: Call): Record<string, unknown> {
  const resolved = call.resolved!;
  const rc: Record<string, unknown> = {
    resourceId: call.resource!.id,
    resourcePath: call.resource!.path,
    httpMethod: call.verb,
    extendedRequestId: call.extendedRequestId,
    requestTime: clfTime(call.receivedAt),
    path: `/${call.stageName}${call.path}`,
    accountId: resolved.scope.accountId,
    protocol: call.protocol,
    stage: call.stageName,
    domainPrefix: domainPrefix(call),
    requestTimeEpoch: call.receivedAt,
    requestId: call.requestId,
    identity: identity(call),
    domainName: call.host,
    deploymentId: call.deployment!.deploymentId,
    apiId: call.apiId,
  };
  const auth = authorizerBlock(call);
  if (auth) rc['authorizer'] = auth;
  return rc;
}

export interface ErrorVars {
  readonly message: string | null;
  readonly responseType: string;
  readonly validationErrorString?: string;
}

/** `$context` for a mapping template (request, response or gateway response). */
export function templateContext(call: Call, error?: ErrorVars): Record<string, unknown> {
  const resolved = call.resolved;
  const ctx: Record<string, unknown> = {
    accountId: resolved?.scope.accountId ?? '',
    apiId: call.apiId,
    awsEndpointRequestId: call.requestId,
    deploymentId: call.deployment?.deploymentId ?? '',
    domainName: call.host,
    domainPrefix: domainPrefix(call),
    extendedRequestId: call.extendedRequestId,
    httpMethod: call.verb,
    identity: identity(call),
    isCanaryRequest: call.isCanary === true,
    path: `/${call.stageName}${call.path}`,
    protocol: call.protocol,
    requestId: call.requestId,
    requestTime: clfTime(call.receivedAt),
    requestTimeEpoch: call.receivedAt,
    resourceId: call.resource?.id ?? '',
    resourcePath: call.resource?.path ?? '',
    stage: call.stageName,
    integrationLatency: call.integrationLatency ?? '',
    integration: {
      error: call.integrationError ?? '',
      integrationStatus: call.integrationStatus ?? '',
      latency: call.integrationLatency ?? '',
      requestId: '',
      status: call.integrationStatus ?? '',
    },
    requestOverride: { header: {}, querystring: {}, path: {} },
    responseOverride: { header: {}, status: undefined },
  };
  if (call.authorizer) {
    const a: Record<string, unknown> = { ...call.authorizer.context, principalId: call.authorizer.principalId };
    ctx['authorizer'] = a;
  } else {
    ctx['authorizer'] = {};
  }
  if (error) {
    ctx['error'] = {
      message: error.message ?? '',
      messageString: JSON.stringify(error.message),
      responseType: error.responseType,
      validationErrorString: error.validationErrorString ?? '',
    };
  }
  return ctx;
}
