// Integrations of HTTP APIs: Lambda proxy (AWS_PROXY, payload format 1.0 or 2.0), AWS service
// integrations (AWS_PROXY with an integrationSubtype, ./service-integrations.ts) and HTTP proxy
// (HTTP_PROXY to a public URL). Other types belong to WebSocket APIs or are not served by Nimbus.
import { type Input, newId } from '../../apigateway/index.js';
import { type CoreContext, paginate, requireApi } from './context.js';
import { autoDeploy, saveAndDeploy } from './deployments.js';
import { BadRequest, Conflict, notFound } from './errors.js';
import type { Integration, IntegrationType } from './model.js';
import { checkSubtype } from './service-integrations.js';
import { checkWebSocketIntegration, isWebSocket, readContentHandling } from './websocket.js';

const TYPES = ['AWS', 'AWS_PROXY', 'HTTP', 'HTTP_PROXY', 'MOCK'] as const;
const HTTP_METHODS = new Set(['ANY', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
export const DEFAULT_TIMEOUT_MS = 30_000;

const LAMBDA_ARN = /^arn:aws[\w-]*:lambda:[\w-]+:\d{12}:function:[A-Za-z0-9_-]+(:[\w$-]+)?$/;
const INVOCATION_URI = /^arn:aws[\w-]*:apigateway:[\w-]+:lambda:path\/2015-03-31\/functions\/(.+)\/invocations$/;

const STAGE_VARIABLE = /\$\{stageVariables\.([A-Za-z0-9_]+)\}/g;

/** An integration URI with `${stageVariables.name}` replaced by the stage's values (empty when unset). */
export function withStageVariables(uri: string, vars: Readonly<Record<string, string>> | undefined): string {
  return uri.includes('${') ? uri.replace(STAGE_VARIABLE, (_whole, name: string) => vars?.[name] ?? '') : uri;
}

/** A URI checked with its stage variables standing for plausible values. */
const checkable = (uri: string) => uri.replace(STAGE_VARIABLE, 'stagevariable');

/** The function a Lambda integration URI names: a function ARN, or API Gateway's invocation URI. */
export function lambdaFunctionOf(uri: string): string | undefined {
  const invocation = INVOCATION_URI.exec(uri);
  const arn = invocation ? invocation[1]! : uri;
  return LAMBDA_ARN.test(arn) ? arn : undefined;
}

function isHttpUrl(uri: string): boolean {
  try {
    const u = new URL(uri);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Checks the whole integration as it would be stored; the same rules for create and update. */
function validate(i: Integration): Integration {
  if (i.integrationSubtype !== undefined) {
    if (i.integrationType !== 'AWS_PROXY') throw BadRequest('Integration subtypes are supported only for AWS_PROXY integrations');
    checkSubtype(i.integrationSubtype, i.payloadFormatVersion, i.requestParameters);
  } else if (i.integrationType === 'AWS_PROXY') {
    if (i.integrationUri === undefined) throw BadRequest('IntegrationUri is required for AWS_PROXY integrations without an integration subtype');
    if (!lambdaFunctionOf(checkable(i.integrationUri))) {
      throw BadRequest(`Invalid integration URI specified: ${i.integrationUri}. AWS_PROXY integrations take a Lambda function ARN`);
    }
  } else if (i.integrationUri === undefined || !isHttpUrl(checkable(i.integrationUri))) {
    throw BadRequest(`Invalid integration URI specified: ${i.integrationUri}. HTTP_PROXY integrations take an http(s) URL`);
  } else if (i.payloadFormatVersion !== '1.0') {
    throw BadRequest('HTTP_PROXY integrations support payload format version 1.0 only');
  }
  if (i.integrationMethod !== undefined && !HTTP_METHODS.has(i.integrationMethod)) {
    throw BadRequest(`Invalid integration method specified: ${i.integrationMethod}`);
  }
  if (!Number.isInteger(i.timeoutInMillis) || i.timeoutInMillis < 50 || i.timeoutInMillis > DEFAULT_TIMEOUT_MS) {
    throw BadRequest('Timeout must be between 50 milliseconds and 30000 milliseconds for HTTP APIs');
  }
  return i;
}

function readType(input: Input, websocket = false): IntegrationType | undefined {
  const type = input.enumOf('integrationType', TYPES);
  if (websocket && type !== undefined && type !== 'AWS_PROXY') {
    throw BadRequest(`Integration type ${type} is not supported by Nimbus for WebSocket APIs; use AWS_PROXY (Lambda)`);
  }
  if (type !== undefined && type !== 'AWS_PROXY' && type !== 'HTTP_PROXY') {
    throw BadRequest(`Integration type ${type} is not supported for HTTP APIs; use AWS_PROXY or HTTP_PROXY`);
  }
  return type;
}

function readUnsupported(input: Input): void {
  const connection = input.str('connectionType');
  if (connection !== undefined && connection !== 'INTERNET') throw BadRequest(`Connection type ${connection} is not supported by Nimbus`);
}

function payloadVersion(input: Input): '1.0' | '2.0' | undefined {
  const v = input.str('payloadFormatVersion');
  if (v === undefined) return undefined;
  if (v !== '1.0' && v !== '2.0') throw BadRequest(`Invalid payload format version specified: ${v}. Supported values are 1.0 and 2.0`);
  return v;
}

/** Builds a new integration document; used by CreateIntegration and quick create. */
export function newIntegration(input: Input, managed = false): Integration {
  readUnsupported(input);
  const type = readType(input);
  if (type === undefined) throw BadRequest('IntegrationType is required');
  const subtype = input.str('integrationSubtype');
  const uri = input.str('integrationUri');
  if (uri === undefined && subtype === undefined) throw BadRequest(`IntegrationUri is required for ${type} integrations`);
  const version = payloadVersion(input) ?? (type === 'HTTP_PROXY' || subtype !== undefined ? '1.0' : undefined);
  // AWS requires the version for Lambda integrations made through the API, CloudFormation or CLI.
  if (version === undefined) throw BadRequest('PayloadFormatVersion is required for AWS_PROXY integrations of HTTP APIs: 1.0 or 2.0');
  // A service integration has no method of its own (AWS's GetIntegration shows none).
  const method = input.str('integrationMethod') ?? (subtype !== undefined ? undefined : type === 'HTTP_PROXY' ? 'ANY' : 'POST');
  const description = input.str('description');
  // Only a service integration's parameters are stored: other integrations' parameter mappings are not applied by Nimbus.
  const requestParameters = subtype !== undefined ? input.strMap('requestParameters') : undefined;
  const credentialsArn = input.str('credentialsArn');
  return validate({
    integrationId: newId(7),
    integrationType: type,
    ...(uri !== undefined ? { integrationUri: uri } : {}),
    ...(subtype !== undefined ? { integrationSubtype: subtype } : {}),
    ...(method !== undefined ? { integrationMethod: method } : {}),
    payloadFormatVersion: version,
    timeoutInMillis: input.int('timeoutInMillis') ?? DEFAULT_TIMEOUT_MS,
    connectionType: 'INTERNET',
    ...(requestParameters !== undefined ? { requestParameters } : {}),
    ...(credentialsArn !== undefined ? { credentialsArn } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(managed ? { apiGatewayManaged: true } : {}),
  });
}

/** A WebSocket API's integration: Lambda proxy with payload format 1.0 (the only one WebSocket APIs have). */
function newWebSocketIntegration(input: Input): Integration {
  readUnsupported(input);
  if (input.has('integrationSubtype')) throw BadRequest('AWS service integrations (integrationSubtype) are not supported by Nimbus for WebSocket APIs');
  const type = readType(input, true);
  if (type === undefined) throw BadRequest('IntegrationType is required');
  const uri = input.str('integrationUri');
  if (uri === undefined) throw BadRequest(`IntegrationUri is required for ${type} integrations`);
  if (!lambdaFunctionOf(checkable(uri))) throw BadRequest(`Invalid integration URI specified: ${uri}. AWS_PROXY integrations take a Lambda function ARN`);
  const description = input.str('description');
  const contentHandling = readContentHandling(input);
  return checkWebSocketIntegration({
    integrationId: newId(7),
    integrationType: type,
    integrationUri: uri,
    integrationMethod: input.str('integrationMethod') ?? 'POST',
    payloadFormatVersion: payloadVersion(input) ?? '1.0',
    timeoutInMillis: input.int('timeoutInMillis') ?? 29_000,
    connectionType: 'INTERNET',
    ...(description !== undefined ? { description } : {}),
    ...(contentHandling !== undefined ? { contentHandlingStrategy: contentHandling } : {}),
  });
}

export function createIntegration(ctx: CoreContext, apiId: string, input: Input): Integration {
  const api = requireApi(ctx, apiId);
  const integration = isWebSocket(api) ? newWebSocketIntegration(input) : newIntegration(input);
  return saveAndDeploy(ctx, apiId, 'integration', integration.integrationId, integration);
}

export function getIntegration(ctx: CoreContext, apiId: string, integrationId: string): Integration {
  requireApi(ctx, apiId);
  const found = ctx.repo.get(apiId, 'integration', integrationId);
  if (!found) throw notFound('Integration', ctx.scope.accountId, integrationId);
  return found;
}

export function getIntegrations(ctx: CoreContext, apiId: string, maxResults?: number, nextToken?: string) {
  requireApi(ctx, apiId);
  return paginate(ctx.repo.list(apiId, 'integration'), (i) => i.integrationId, maxResults, nextToken);
}

export function updateIntegration(ctx: CoreContext, apiId: string, integrationId: string, input: Input): Integration {
  const current = getIntegration(ctx, apiId, integrationId);
  const websocket = isWebSocket(requireApi(ctx, apiId));
  readUnsupported(input);
  const type = readType(input, websocket) ?? current.integrationType;
  if (websocket && input.has('integrationSubtype')) throw BadRequest('AWS service integrations (integrationSubtype) are not supported by Nimbus for WebSocket APIs');
  const description = input.str('description') ?? current.description;
  const subtype = input.str('integrationSubtype') ?? current.integrationSubtype;
  const requestParameters = subtype !== undefined ? (input.strMap('requestParameters') ?? current.requestParameters) : undefined;
  const credentialsArn = input.str('credentialsArn') ?? current.credentialsArn;
  const contentHandling = websocket ? (readContentHandling(input) ?? current.contentHandlingStrategy) : undefined;
  const updated = (websocket ? checkWebSocketIntegration : validate)({
    ...current,
    integrationType: type,
    integrationUri: input.str('integrationUri') ?? current.integrationUri,
    integrationMethod: input.str('integrationMethod') ?? current.integrationMethod,
    payloadFormatVersion: payloadVersion(input) ?? current.payloadFormatVersion,
    timeoutInMillis: input.int('timeoutInMillis') ?? current.timeoutInMillis,
    ...(subtype !== undefined ? { integrationSubtype: subtype } : {}),
    ...(requestParameters !== undefined ? { requestParameters } : {}),
    ...(credentialsArn !== undefined ? { credentialsArn } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(contentHandling !== undefined ? { contentHandlingStrategy: contentHandling } : {}),
  });
  if (websocket && !lambdaFunctionOf(checkable(updated.integrationUri ?? ''))) {
    throw BadRequest(`Invalid integration URI specified: ${updated.integrationUri}. AWS_PROXY integrations take a Lambda function ARN`);
  }
  return saveAndDeploy(ctx, apiId, 'integration', integrationId, updated);
}

export function deleteIntegration(ctx: CoreContext, apiId: string, integrationId: string): void {
  getIntegration(ctx, apiId, integrationId);
  const target = `integrations/${integrationId}`;
  const user = ctx.repo.list(apiId, 'route').find((r) => r.target === target);
  if (user) throw Conflict(`Cannot delete Integration '${integrationId}': it is the target of route '${user.routeKey}' (${user.routeId})`);
  ctx.repo.mutate(apiId, () => {
    ctx.repo.delete(apiId, 'integration', integrationId);
    autoDeploy(ctx, apiId);
  });
}
