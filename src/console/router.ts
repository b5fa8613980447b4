// A tiny method + path-pattern router for the console's JSON API. Patterns use `:name` segments;
// each segment is URI-decoded (ARNs travel percent-encoded in one segment).
import type { RequestContext } from '../server/context.js';
import { BadRequest, MethodNotAllowed, NotFound } from './errors.js';

export type Params = Readonly<Record<string, string>>;
export type Handler = (ctx: RequestContext, params: Params) => Promise<unknown> | unknown;

interface Route {
  readonly method: string;
  readonly parts: readonly string[];
  readonly handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  on(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method, parts: pattern.split('/').filter(Boolean), handler });
    return this;
  }

  /** Finds the handler for a path relative to the API root, or throws NotFound / MethodNotAllowed. */
  match(method: string, path: string): { handler: Handler; params: Params } {
    const segments = path.split('/').filter(Boolean);
    let pathMatched = false;
    for (const r of this.routes) {
      const params = matchParts(r.parts, segments);
      if (!params) continue;
      pathMatched = true;
      if (r.method === method) return { handler: r.handler, params };
    }
    if (pathMatched) throw MethodNotAllowed(`${method} is not allowed on ${path}`);
    throw NotFound(`No console API at ${path}`);
  }
}

function matchParts(parts: readonly string[], segments: readonly string[]): Record<string, string> | undefined {
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    const s = segments[i]!;
    if (p.startsWith(':')) {
      try {
        params[p.slice(1)] = decodeURIComponent(s);
      } catch {
        throw BadRequest(`Malformed path segment: ${s}`);
      }
    } else if (p !== s) return undefined;
  }
  return params;
}
