// Routes of HTTP APIs: a unique route key per API and an optional target `integrations/{id}`.
// A route is open (NONE) or guarded by an authorizer of the API: a Lambda one (CUSTOM) or a JWT one
// (JWT, optionally with authorization scopes).
import { type Input, newId } from '../../apigateway/index.js';
import { type CoreContext, paginate, requireApi } from './context.js';
import { autoDeploy, saveAndDeploy } from './deployments.js';
import { BadRequest, Conflict, notFound } from './errors.js';
import type { Route } from './model.js';
import { parseRouteKey } from './route-keys.js';
import { checkWebSocketRoute, checkWebSocketRouteKey, isWebSocket } from './websocket.js';

const TARGET = /^integrations\/([A-Za-z0-9]+)$/;

function checkTarget(ctx: CoreContext, apiId: string, target: string | undefined): void {
  if (target === undefined) return;
  const m = TARGET.exec(target);
  if (!m) throw BadRequest(`Invalid target specified: '${target}'. Use 'integrations/{integrationId}'`);
  if (!ctx.repo.get(apiId, 'integration', m[1]!)) throw notFound('Integration', ctx.scope.accountId, m[1]!);
}

type Authorization = Pick<Route, 'authorizationType' | 'authorizerId' | 'authorizationScopes'>;

/** The route's authorization after this input, over `current` (a new route: NONE). */
function readAuthorization(input: Input, current: Authorization): Authorization {
  if (input.bool('apiKeyRequired') === true) throw BadRequest('API keys are not supported for HTTP APIs');
  const type = input.str('authorizationType') ?? current.authorizationType;
  if (type !== 'NONE' && type !== 'CUSTOM' && type !== 'JWT') {
    throw BadRequest(`Authorization type ${type} is not supported by Nimbus for HTTP APIs; use NONE, CUSTOM (Lambda authorizer) or JWT`);
  }
  const scopes = input.strList('authorizationScopes') ?? (type === current.authorizationType ? current.authorizationScopes : undefined);
  if (type !== 'JWT' && input.has('authorizationScopes') && (scopes?.length ?? 0) > 0) {
    throw BadRequest('AuthorizationScopes are only supported with AuthorizationType JWT');
  }
  if (type === 'NONE') {
    if (input.has('authorizerId')) throw BadRequest('AuthorizerId can only be set with AuthorizationType CUSTOM or JWT');
    return { authorizationType: 'NONE' };
  }
  const authorizerId = input.str('authorizerId') ?? current.authorizerId;
  if (authorizerId === undefined) throw BadRequest(`AuthorizerId is required for AuthorizationType ${type}`);
  if (type === 'CUSTOM') return { authorizationType: 'CUSTOM', authorizerId };
  return { authorizationType: 'JWT', authorizerId, ...(scopes && scopes.length > 0 ? { authorizationScopes: scopes } : {}) };
}

/** The authorizer must exist and be of the route's kind, as AWS words it. */
function checkAuthorizer(ctx: CoreContext, apiId: string, auth: Authorization): void {
  if (auth.authorizerId === undefined) return;
  const authorizer = ctx.repo.get(apiId, 'authorizer', auth.authorizerId);
  // AWS answers an unknown JWT authorizer (e.g. another API's) with the mismatch message.
  if (!authorizer && auth.authorizationType !== 'JWT') throw notFound('Authorizer', ctx.scope.accountId, auth.authorizerId);
  if (authorizer?.authorizerType !== (auth.authorizationType === 'JWT' ? 'JWT' : 'REQUEST')) {
    throw BadRequest(
      auth.authorizationType === 'JWT'
        ? 'Invalid authorizer ID specified. Setting the authorization type to JWT requires a valid JWT authorizer.'
        : 'Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS requires a valid authorizer.',
    );
  }
}

function checkUnique(ctx: CoreContext, apiId: string, routeKey: string, except?: string): void {
  const clash = ctx.repo.list(apiId, 'route').find((r) => r.routeKey === routeKey && r.routeId !== except);
  if (clash) throw Conflict(`Unable to create Route. Route with key '${routeKey}' already exists for this API`);
}

export function newRoute(routeKey: string, target: string | undefined, operationName?: string, managed = false, websocket = false): Route {
  if (websocket) checkWebSocketRouteKey(routeKey);
  else parseRouteKey(routeKey);
  return {
    routeId: newId(7),
    routeKey,
    authorizationType: 'NONE',
    apiKeyRequired: false,
    ...(target !== undefined ? { target } : {}),
    ...(operationName !== undefined ? { operationName } : {}),
    ...(managed ? { apiGatewayManaged: true } : {}),
  };
}

export function createRoute(ctx: CoreContext, apiId: string, input: Input): Route {
  const websocket = isWebSocket(requireApi(ctx, apiId));
  const routeKey = input.reqStr('routeKey');
  if (websocket) checkWebSocketRoute(input, routeKey);
  const auth = readAuthorization(input, { authorizationType: 'NONE' });
  // Route responses belong to WebSocket APIs: HTTP APIs ignore the expression, as AWS does.
  const rrse = websocket ? input.str('routeResponseSelectionExpression') : undefined;
  const route: Route = {
    ...newRoute(routeKey, input.str('target'), input.str('operationName'), false, websocket),
    ...auth,
    ...(rrse !== undefined ? { routeResponseSelectionExpression: rrse } : {}),
  };
  return saveAndDeploy(ctx, apiId, 'route', route.routeId, route, () => {
    checkTarget(ctx, apiId, route.target);
    checkAuthorizer(ctx, apiId, route);
    checkUnique(ctx, apiId, route.routeKey);
  });
}

export function getRoute(ctx: CoreContext, apiId: string, routeId: string): Route {
  requireApi(ctx, apiId);
  const found = ctx.repo.get(apiId, 'route', routeId);
  if (!found) throw notFound('Route', ctx.scope.accountId, routeId);
  return found;
}

export function getRoutes(ctx: CoreContext, apiId: string, maxResults?: number, nextToken?: string) {
  requireApi(ctx, apiId);
  return paginate(ctx.repo.list(apiId, 'route'), (r) => r.routeId, maxResults, nextToken);
}

export function updateRoute(ctx: CoreContext, apiId: string, routeId: string, input: Input): Route {
  const current = getRoute(ctx, apiId, routeId);
  const websocket = isWebSocket(requireApi(ctx, apiId));
  const routeKey = input.str('routeKey') ?? current.routeKey;
  if (websocket) {
    checkWebSocketRoute(input, routeKey, current.authorizationType);
    checkWebSocketRouteKey(routeKey);
  } else parseRouteKey(routeKey);
  const auth = readAuthorization(input, current);
  const rrse = (websocket ? input.str('routeResponseSelectionExpression') : undefined) ?? current.routeResponseSelectionExpression;
  const target = input.str('target') ?? current.target;
  const operationName = input.str('operationName') ?? current.operationName;
  const { authorizerId: _previous, authorizationScopes: _scopes, ...rest } = current;
  const updated: Route = {
    ...rest,
    ...auth,
    routeKey,
    ...(target !== undefined ? { target } : {}),
    ...(operationName !== undefined ? { operationName } : {}),
    ...(rrse !== undefined ? { routeResponseSelectionExpression: rrse } : {}),
  };
  return saveAndDeploy(ctx, apiId, 'route', routeId, updated, () => {
    checkTarget(ctx, apiId, updated.target);
    checkAuthorizer(ctx, apiId, updated);
    checkUnique(ctx, apiId, routeKey, routeId);
  });
}

export function deleteRoute(ctx: CoreContext, apiId: string, routeId: string): void {
  getRoute(ctx, apiId, routeId);
  ctx.repo.mutate(apiId, () => {
    ctx.repo.delete(apiId, 'route', routeId);
    // A WebSocket route's responses go with it.
    for (const r of ctx.repo.list(apiId, 'routeResponse')) if (r.routeId === routeId) ctx.repo.delete(apiId, 'routeResponse', r.response.routeResponseId);
    autoDeploy(ctx, apiId);
  });
}
