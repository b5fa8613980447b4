// Matches `METHOD /path` against the REST API's URI templates (`/restapis/{restApiId}/…`).
// Segments are matched raw and decoded one by one, so an encoded `/` inside a label (a tag
// ARN, a `~1`-free resource path) never splits it.
import { ServiceError } from '../../protocol/errors.js';

export interface Match<H> {
  readonly handler: H;
  readonly params: Record<string, string>;
  readonly name: string;
}

interface Route<H> {
  readonly method: string;
  readonly parts: readonly string[];
  readonly handler: H;
  readonly name: string;
}

export class Router<H> {
  private readonly routes: Route<H>[] = [];

  add(method: string, template: string, name: string, handler: H): this {
    this.routes.push({ method, parts: template.split('/').filter(Boolean), handler, name });
    return this;
  }

  match(method: string, path: string): Match<H> | undefined {
    const segments = path.split('/').filter(Boolean);
    let pathMatched = false;
    for (const route of this.routes) {
      if (route.parts.length !== segments.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < segments.length && ok; i++) {
        const part = route.parts[i]!;
        const seg = segments[i]!;
        if (part.startsWith('{')) {
          try {
            params[part.slice(1, -1)] = decodeURIComponent(seg);
          } catch {
            throw new ServiceError('BadRequestException', 400, `Invalid URI encoding in path segment: ${seg}`);
          }
        } else if (part !== seg) ok = false;
      }
      if (!ok) continue;
      pathMatched = true;
      if (route.method === method) return { handler: route.handler, params, name: route.name };
    }
    if (pathMatched) throw new ServiceError('MethodNotAllowedException', 405, `Method ${method} is not allowed on ${path}`);
    return undefined;
  }
}
