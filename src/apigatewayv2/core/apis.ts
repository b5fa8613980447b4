// HTTP APIs themselves: create (with AWS's "quick create" when a Target is given), read, update
// (CORS changes reach auto-deployed stages at once), delete, and tags on the API's ARN.
import { Input, newId } from '../../apigateway/index.js';
import { type CoreContext, now, paginate, presentApi, requireApi } from './context.js';
import { autoDeploy } from './deployments.js';
import { BadRequest, notFound } from './errors.js';
import { lambdaFunctionOf, newIntegration } from './integrations.js';
import type { Cors, HttpApi } from './model.js';
import { DEFAULT_ROUTE } from './route-keys.js';
import { newRoute } from './routes.js';
import { addStage, DEFAULT_STAGE } from './stages.js';
import { checkWebSocketCreate, checkWebSocketUpdate, isWebSocket } from './websocket.js';

const PROTOCOLS = ['HTTP', 'WEBSOCKET'] as const;
const CORS_METHODS = new Set(['*', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

export function readCors(input: Input): Cors | undefined {
  const c = input.obj('corsConfiguration');
  if (!c) return undefined;
  const cors: Cors = {};
  const credentials = c.bool('allowCredentials');
  const headers = c.strList('allowHeaders');
  const methods = c.strList('allowMethods');
  const origins = c.strList('allowOrigins');
  const expose = c.strList('exposeHeaders');
  const maxAge = c.int('maxAge');
  if (credentials !== undefined) cors.allowCredentials = credentials;
  if (headers) cors.allowHeaders = headers;
  if (methods) {
    const bad = methods.find((m) => !CORS_METHODS.has(m.toUpperCase()));
    if (bad !== undefined) throw BadRequest(`Invalid CORS allow method specified: ${bad}`);
    cors.allowMethods = methods;
  }
  if (origins) cors.allowOrigins = origins;
  if (expose) cors.exposeHeaders = expose;
  if (maxAge !== undefined) {
    if (maxAge < -1 || maxAge > 86400) throw BadRequest('CORS maxAge must be between -1 and 86400 seconds');
    cors.maxAge = maxAge;
  }
  if (cors.allowCredentials && cors.allowOrigins?.includes('*')) {
    throw BadRequest('allow-credentials is not supported with a wildcard allow-origin in a CORS configuration');
  }
  return cors;
}

export function createApi(ctx: CoreContext, input: Input): HttpApi {
  const name = input.reqStr('name');
  const protocol = input.reqEnum('protocolType', PROTOCOLS);
  if (name.length === 0 || name.length > 128) throw BadRequest('API name must be between 1 and 128 characters');
  if (protocol === 'WEBSOCKET') return createWebSocketApi(ctx, input, name);
  const target = input.str('target');
  const routeKey = input.str('routeKey');
  if (target === undefined && (routeKey !== undefined || input.has('credentialsArn'))) {
    throw BadRequest('RouteKey and CredentialsArn are supported only for quick create, with a Target');
  }
  const description = input.str('description');
  const version = input.str('version');
  const cors = readCors(input);
  const api: HttpApi = {
    apiId: newId(10),
    name,
    protocolType: 'HTTP',
    apiEndpoint: '',
    apiKeySelectionExpression: input.str('apiKeySelectionExpression') ?? '$request.header.x-api-key',
    routeSelectionExpression: input.str('routeSelectionExpression') ?? '$request.method $request.path',
    createdDate: now(),
    disableExecuteApiEndpoint: input.bool('disableExecuteApiEndpoint') ?? false,
    tags: input.strMap('tags') ?? {},
    ...(description !== undefined ? { description } : {}),
    ...(version !== undefined ? { version } : {}),
    ...(cors ? { corsConfiguration: cors } : {}),
  };
  ctx.repo.mutate(api.apiId, () => {
    ctx.repo.putApi(ctx.scope, api);
    if (target !== undefined) quickCreate(ctx, api.apiId, target, routeKey ?? DEFAULT_ROUTE);
  });
  return presentApi(ctx, api);
}

/** A WebSocket API: no quick create and no CORS; routes, integrations and stages are added after. */
function createWebSocketApi(ctx: CoreContext, input: Input, name: string): HttpApi {
  const expressions = checkWebSocketCreate(input);
  const description = input.str('description');
  const version = input.str('version');
  const api: HttpApi = {
    apiId: newId(10),
    name,
    protocolType: 'WEBSOCKET',
    apiEndpoint: '',
    ...expressions,
    createdDate: now(),
    disableExecuteApiEndpoint: input.bool('disableExecuteApiEndpoint') ?? false,
    tags: input.strMap('tags') ?? {},
    ...(description !== undefined ? { description } : {}),
    ...(version !== undefined ? { version } : {}),
  };
  ctx.repo.mutate(api.apiId, () => ctx.repo.putApi(ctx.scope, api));
  return presentApi(ctx, api);
}

/**
 * Quick create: a managed integration for the target (Lambda, payload 2.0, or an HTTP URL), a
 * managed route to it, and a managed `$default` stage that auto-deploys, as AWS makes them.
 */
function quickCreate(ctx: CoreContext, apiId: string, target: string, routeKey: string): void {
  const lambda = lambdaFunctionOf(target) !== undefined;
  const integration = newIntegration(
    new Input(
      lambda
        ? { integrationType: 'AWS_PROXY', integrationUri: target, payloadFormatVersion: '2.0' }
        : { integrationType: 'HTTP_PROXY', integrationUri: target, integrationMethod: 'ANY', payloadFormatVersion: '1.0' },
      'createApiInput',
    ),
    true,
  );
  ctx.repo.put(apiId, 'integration', integration.integrationId, integration);
  const route = newRoute(routeKey, `integrations/${integration.integrationId}`, undefined, true);
  ctx.repo.put(apiId, 'route', route.routeId, route);
  addStage(ctx, apiId, new Input({ stageName: DEFAULT_STAGE, autoDeploy: true }, 'createStageInput'), true);
}

export function getApi(ctx: CoreContext, apiId: string): HttpApi {
  return presentApi(ctx, requireApi(ctx, apiId));
}

export function getApis(ctx: CoreContext, maxResults?: number, nextToken?: string) {
  const page = paginate(ctx.repo.listApis(ctx.scope), (a) => a.apiId, maxResults, nextToken);
  return { ...page, items: page.items.map((a) => presentApi(ctx, a)) };
}

export function updateApi(ctx: CoreContext, apiId: string, input: Input): HttpApi {
  const current = requireApi(ctx, apiId);
  if (input.has('target') || input.has('routeKey')) throw BadRequest('Updating a quick-created target or route key through UpdateApi is not supported by Nimbus');
  const name = input.str('name') ?? current.name;
  if (name.length === 0 || name.length > 128) throw BadRequest('API name must be between 1 and 128 characters');
  const websocket = isWebSocket(current) ? checkWebSocketUpdate(input, current) : undefined;
  const cors = readCors(input) ?? current.corsConfiguration;
  const description = input.str('description') ?? current.description;
  const version = input.str('version') ?? current.version;
  const updated: HttpApi = {
    ...current,
    name,
    apiKeySelectionExpression: input.str('apiKeySelectionExpression') ?? current.apiKeySelectionExpression,
    routeSelectionExpression: input.str('routeSelectionExpression') ?? current.routeSelectionExpression,
    disableExecuteApiEndpoint: input.bool('disableExecuteApiEndpoint') ?? current.disableExecuteApiEndpoint,
    ...(description !== undefined ? { description } : {}),
    ...(version !== undefined ? { version } : {}),
    ...(cors ? { corsConfiguration: cors } : {}),
    ...websocket,
  };
  ctx.repo.mutate(apiId, () => {
    ctx.repo.putApi(ctx.scope, updated);
    if (input.has('corsConfiguration')) autoDeploy(ctx, apiId);
  });
  return presentApi(ctx, updated);
}

/** DeleteCorsConfiguration: the API answers no preflight and adds no CORS headers any more. */
export function deleteCorsConfiguration(ctx: CoreContext, apiId: string): void {
  const current = requireApi(ctx, apiId);
  if (isWebSocket(current)) throw BadRequest('CORS configuration is not supported for WebSocket APIs');
  const { corsConfiguration: _removed, ...rest } = current;
  ctx.repo.mutate(apiId, () => {
    ctx.repo.putApi(ctx.scope, rest);
    autoDeploy(ctx, apiId);
  });
}

export function deleteApi(ctx: CoreContext, apiId: string): void {
  requireApi(ctx, apiId);
  ctx.repo.mutate(apiId, () => ctx.repo.deleteApi(apiId));
}

// Tags: HTTP APIs are tagged through their ARN, `arn:aws:apigateway:{region}::/apis/{apiId}`.
const API_ARN = /^arn:aws[\w-]*:apigateway:([\w-]+)::\/apis\/([A-Za-z0-9]+)$/;

function apiOfArn(ctx: CoreContext, arn: string): HttpApi {
  const m = API_ARN.exec(arn);
  if (!m || m[1] !== ctx.scope.region) throw notFound('Api', ctx.scope.accountId, arn);
  return requireApi(ctx, m[2]!);
}

export function getTags(ctx: CoreContext, arn: string): Record<string, string> {
  return apiOfArn(ctx, arn).tags;
}

export function tagResource(ctx: CoreContext, arn: string, tags: Record<string, string>): void {
  const api = apiOfArn(ctx, arn);
  ctx.repo.mutate(api.apiId, () => ctx.repo.putApi(ctx.scope, { ...api, tags: { ...api.tags, ...tags } }));
}

export function untagResource(ctx: CoreContext, arn: string, keys: readonly string[]): void {
  const api = apiOfArn(ctx, arn);
  const tags = { ...api.tags };
  for (const k of keys) delete tags[k];
  ctx.repo.mutate(api.apiId, () => ctx.repo.putApi(ctx.scope, { ...api, tags }));
}
