// Route responses of WebSocket APIs. AWS allows one key, `$default`; a route with it is two-way:
// the integration's answer goes back to the client as a message. HTTP APIs have none.
import { type Input, newId } from '../../apigateway/index.js';
import { type CoreContext, paginate, requireApi } from './context.js';
import { autoDeploy, saveAndDeploy } from './deployments.js';
import { BadRequest, Conflict, notFound } from './errors.js';
import type { RouteResponse } from './model.js';
import { getRoute } from './routes.js';
import { DISCONNECT_ROUTE, isWebSocket } from './websocket.js';

function requireWebSocketRoute(ctx: CoreContext, apiId: string, routeId: string) {
  const api = requireApi(ctx, apiId);
  if (!isWebSocket(api)) throw BadRequest('Route responses are supported only for WebSocket APIs');
  return getRoute(ctx, apiId, routeId);
}

function fields(input: Input): Omit<RouteResponse, 'routeResponseId' | 'routeResponseKey'> {
  const model = input.str('modelSelectionExpression');
  const models = input.strMap('responseModels');
  if (input.has('responseParameters')) throw BadRequest('Route response parameters are not supported by Nimbus');
  return { ...(model !== undefined ? { modelSelectionExpression: model } : {}), ...(models !== undefined ? { responseModels: models } : {}) };
}

function checkKey(key: string): string {
  if (key !== '$default') throw BadRequest(`Invalid route response key specified: ${key}. Only $default is supported for WebSocket APIs`);
  return key;
}

export function createRouteResponse(ctx: CoreContext, apiId: string, routeId: string, input: Input): RouteResponse {
  const route = requireWebSocketRoute(ctx, apiId, routeId);
  if (route.routeKey === DISCONNECT_ROUTE) throw BadRequest('The $disconnect route cannot have a route response');
  const response: RouteResponse = { routeResponseId: newId(6), routeResponseKey: checkKey(input.reqStr('routeResponseKey')), ...fields(input) };
  saveAndDeploy(ctx, apiId, 'routeResponse', response.routeResponseId, { routeId, response }, () => {
    const clash = ctx.repo.list(apiId, 'routeResponse').find((r) => r.routeId === routeId && r.response.routeResponseKey === response.routeResponseKey);
    if (clash) throw Conflict(`Unable to create RouteResponse. RouteResponse with key '${response.routeResponseKey}' already exists for this route`);
  });
  return response;
}

export function getRouteResponse(ctx: CoreContext, apiId: string, routeId: string, routeResponseId: string): RouteResponse {
  requireWebSocketRoute(ctx, apiId, routeId);
  const found = ctx.repo.get(apiId, 'routeResponse', routeResponseId);
  if (!found || found.routeId !== routeId) throw notFound('RouteResponse', ctx.scope.accountId, routeResponseId);
  return found.response;
}

export function getRouteResponses(ctx: CoreContext, apiId: string, routeId: string, maxResults?: number, nextToken?: string) {
  requireWebSocketRoute(ctx, apiId, routeId);
  const all = ctx.repo.list(apiId, 'routeResponse').filter((r) => r.routeId === routeId).map((r) => r.response);
  return paginate(all, (r) => r.routeResponseId, maxResults, nextToken);
}

export function updateRouteResponse(ctx: CoreContext, apiId: string, routeId: string, routeResponseId: string, input: Input): RouteResponse {
  const current = getRouteResponse(ctx, apiId, routeId, routeResponseId);
  const key = input.str('routeResponseKey');
  const updated: RouteResponse = { ...current, ...(key !== undefined ? { routeResponseKey: checkKey(key) } : {}), ...fields(input) };
  saveAndDeploy(ctx, apiId, 'routeResponse', routeResponseId, { routeId, response: updated });
  return updated;
}

export function deleteRouteResponse(ctx: CoreContext, apiId: string, routeId: string, routeResponseId: string): void {
  getRouteResponse(ctx, apiId, routeId, routeResponseId);
  ctx.repo.mutate(apiId, () => {
    ctx.repo.delete(apiId, 'routeResponse', routeResponseId);
    autoDeploy(ctx, apiId);
  });
}
