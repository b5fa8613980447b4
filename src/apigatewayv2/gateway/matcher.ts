// Route selection of HTTP APIs, compiled once per deployment. AWS picks the most specific match:
// routes without a greedy variable before greedy ones, literal segments before variables, longer
// greedy prefixes before shorter ones, a named method before ANY; `$default` catches the rest.
import { decodeOrKeep } from '../../protocol/http.js';
import type { Authorizer, Integration, Route, Snapshot } from '../core/model.js';
import { parseRouteKey, type Segment } from '../core/route-keys.js';

export interface CompiledRoute {
  readonly route: Route;
  /** Undefined when the route has no target (AWS answers 404 for it… as for no route). */
  readonly integration: Integration | undefined;
  /** The authorizer of a CUSTOM (Lambda) or JWT route; undefined for an open route. */
  readonly authorizer: Authorizer | undefined;
  readonly method: string;
  readonly segments: readonly Segment[];
  readonly greedy: boolean;
}

export interface RouteMatch {
  readonly compiled: CompiledRoute;
  readonly pathParameters: Record<string, string> | undefined;
}

export interface RouteTable {
  match(method: string, path: string): RouteMatch | undefined;
}

const RANK = { literal: 0, param: 1, greedy: 2 } as const;

function compare(a: CompiledRoute, b: CompiledRoute): number {
  if (a.greedy !== b.greedy) return a.greedy ? 1 : -1;
  const n = Math.min(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const d = RANK[a.segments[i]!.kind] - RANK[b.segments[i]!.kind];
    if (d !== 0) return d;
  }
  if (a.segments.length !== b.segments.length) return b.segments.length - a.segments.length;
  if ((a.method === 'ANY') !== (b.method === 'ANY')) return a.method === 'ANY' ? 1 : -1;
  return 0;
}

function matchPath(c: CompiledRoute, parts: readonly string[]): Record<string, string> | undefined | false {
  const segs = c.segments;
  if (c.greedy ? parts.length < segs.length : parts.length !== segs.length) return false;
  let params: Record<string, string> | undefined;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    const part = parts[i]!;
    if (seg.kind === 'literal') {
      // Most paths carry no escapes: decode only when there is one.
      if (seg.value !== part && (!part.includes('%') || seg.value !== decodeOrKeep(part))) return false;
    } else if (seg.kind === 'param') {
      if (part === '') return false;
      (params ??= {})[seg.name] = decodeOrKeep(part);
    } else {
      const rest = parts.slice(i).join('/');
      if (rest === '') return false;
      (params ??= {})[seg.name] = decodeOrKeep(rest);
    }
  }
  return params;
}

export function compileRoutes(snapshot: Snapshot): RouteTable {
  const integrations = new Map(snapshot.integrations.map((i) => [i.integrationId, i]));
  const authorizers = new Map((snapshot.authorizers ?? []).map((a) => [a.authorizerId, a]));
  const authorizerOf = (route: Route) =>
    route.authorizationType !== 'NONE' && route.authorizerId !== undefined ? authorizers.get(route.authorizerId) : undefined;
  const integrationOf = (route: Route) =>
    route.target?.startsWith('integrations/') ? integrations.get(route.target.slice('integrations/'.length)) : undefined;
  let fallback: CompiledRoute | undefined;
  const routes: CompiledRoute[] = [];
  for (const route of snapshot.routes) {
    const parsed = parseRouteKey(route.routeKey);
    const integration = integrationOf(route);
    const authorizer = authorizerOf(route);
    if (!parsed) {
      fallback = { route, integration, authorizer, method: 'ANY', segments: [], greedy: false };
      continue;
    }
    const greedy = parsed.segments.length > 0 && parsed.segments[parsed.segments.length - 1]!.kind === 'greedy';
    routes.push({ route, integration, authorizer, method: parsed.method, segments: parsed.segments, greedy });
  }
  routes.sort(compare);
  return {
    match(method, path) {
      // Segments are split as sent, so an encoded `/` stays inside its segment; values are decoded.
      const parts = path === '/' || path === '' ? [] : path.slice(1).split('/');
      for (const c of routes) {
        if (c.method !== 'ANY' && c.method !== method) continue;
        const params = matchPath(c, parts);
        if (params !== false) return { compiled: c, pathParameters: params };
      }
      return fallback ? { compiled: fallback, pathParameters: undefined } : undefined;
    },
  };
}
