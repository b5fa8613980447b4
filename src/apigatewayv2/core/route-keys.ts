// Route keys of HTTP APIs: `$default`, or `METHOD /path` where METHOD is an HTTP verb or ANY and
// the path is made of literal segments, `{name}` variables and at most one trailing greedy
// `{name+}`. Parsed once here; the data plane's matcher is built from the parsed form.
import { BadRequest } from './errors.js';

export const DEFAULT_ROUTE = '$default';
const METHODS = new Set(['ANY', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

export type Segment =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'param'; readonly name: string }
  | { readonly kind: 'greedy'; readonly name: string };

export interface ParsedRouteKey {
  readonly method: string;
  readonly segments: readonly Segment[];
}

/** Parses `GET /pets/{id}`; `$default` gives undefined. Throws BadRequest for anything else. */
export function parseRouteKey(routeKey: string): ParsedRouteKey | undefined {
  if (routeKey === DEFAULT_ROUTE) return undefined;
  const invalid = () => BadRequest(`Unable to create Route. The route key '${routeKey}' is invalid: use '$default' or 'METHOD /path'`);
  const space = routeKey.indexOf(' ');
  if (space === -1) throw invalid();
  const method = routeKey.slice(0, space);
  const path = routeKey.slice(space + 1);
  if (!METHODS.has(method) || !path.startsWith('/') || /\s/.test(path)) throw invalid();
  const parts = path === '/' ? [] : path.slice(1).split('/');
  const names = new Set<string>();
  const segments = parts.map((part, i): Segment => {
    if (part === '') throw invalid();
    const variable = /^\{([A-Za-z0-9._-]+)(\+?)\}$/.exec(part);
    if (!variable) {
      if (/[{}]/.test(part)) throw invalid();
      return { kind: 'literal', value: part };
    }
    const name = variable[1]!;
    if (names.has(name)) throw BadRequest(`Unable to create Route. Duplicate path variable '${name}' in route key '${routeKey}'`);
    names.add(name);
    if (variable[2]) {
      // A greedy variable swallows the rest of the path, so nothing may follow it.
      if (i !== parts.length - 1) throw BadRequest(`Unable to create Route. A greedy path variable must be the last segment of '${routeKey}'`);
      return { kind: 'greedy', name };
    }
    return { kind: 'param', name };
  });
  return { method, segments };
}
