// What every core operation works with: the repository, the caller's scope, and how to spell an
// API's invoke URL (the listening port is known only once the server runs).
import { notFound } from './errors.js';
import type { HttpApi, Scope } from './model.js';
import type { HttpApiRepository } from './repository.js';

export interface CoreContext {
  readonly repo: HttpApiRepository;
  readonly scope: Scope;
  endpointOf(apiId: string): string;
}

export const now = () => new Date().toISOString();

/** The API if it exists in the caller's scope; another account's or region's API is not found. */
export function requireApi(ctx: CoreContext, apiId: string): HttpApi {
  const found = ctx.repo.findApi(apiId);
  if (!found || found.scope.accountId !== ctx.scope.accountId || found.scope.region !== ctx.scope.region) {
    throw notFound('Api', ctx.scope.accountId, apiId);
  }
  return found.api;
}

/** The wire document: the stored API with its current invoke URL. */
export function presentApi(ctx: CoreContext, api: HttpApi): HttpApi {
  const endpoint = ctx.endpointOf(api.apiId);
  // WebSocket APIs are reached with ws:// (wss:// on AWS) at the same host.
  return { ...api, apiEndpoint: api.protocolType === 'WEBSOCKET' ? endpoint.replace(/^http/, 'ws') : endpoint };
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/**
 * One page of `items` (already in a stable order) after `nextToken`, which is the key of the last
 * item of the previous page: stable while items are added or removed between calls.
 */
export function paginate<T>(items: T[], key: (t: T) => string, maxResults: number | undefined, nextToken: string | undefined): Page<T> {
  const start = nextToken === undefined ? 0 : items.findIndex((t) => key(t) > nextToken);
  const from = start === -1 ? items.length : start;
  const size = maxResults && maxResults > 0 ? maxResults : items.length;
  const page = items.slice(from, from + size);
  const more = from + size < items.length;
  return more && page.length > 0 ? { items: page, nextToken: key(page[page.length - 1]!) } : { items: page };
}
