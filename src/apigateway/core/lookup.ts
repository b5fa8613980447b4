// Finders that throw AWS's NotFoundException messages, shared by every operation group.
import { apiNotFound, integrationNotFound, methodNotFound, resourceNotFound, stageNotFound } from './errors.js';
import type { Integration, Method, Resource, Scope, Stage } from './model.js';
import type { ApiState } from './state.js';

export function apiIn(apis: ReadonlyMap<string, ApiState>, scope: Scope, apiId: string): ApiState {
  const api = apis.get(apiId);
  if (!api) throw apiNotFound(scope.accountId, apiId);
  return api;
}

export function resourceIn(api: ApiState, resourceId: string): Resource {
  const r = api.resources.get(resourceId);
  if (!r) throw resourceNotFound();
  return r;
}

export function methodIn(resource: Resource, verb: string): Method {
  const m = resource.resourceMethods[verb.toUpperCase()];
  if (!m) throw methodNotFound();
  return m;
}

export function integrationIn(method: Method): Integration {
  if (!method.methodIntegration) throw integrationNotFound();
  return method.methodIntegration;
}

export function stageIn(api: ApiState, stageName: string): Stage {
  const s = api.stages.get(stageName);
  if (!s) throw stageNotFound();
  return s;
}

/** `position`/`limit` paging as AWS does it: an opaque position token, limit 1..500 (default 25). */
export function paginate<T>(items: readonly T[], position: string | undefined, limit: number | undefined): { item: T[]; position?: string } {
  const size = limit === undefined ? 25 : Math.min(Math.max(limit, 1), 500);
  let start = 0;
  if (position) {
    const decoded = Number(Buffer.from(position, 'base64url').toString('utf8'));
    start = Number.isInteger(decoded) && decoded >= 0 ? decoded : 0;
  }
  const page = items.slice(start, start + size);
  const next = start + size < items.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
  return next ? { item: page, position: next } : { item: page };
}
