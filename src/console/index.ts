// The Nimbus console: a browser app served under /_nimbus/ and its JSON API under /_nimbus/api/.
// It reads and drives the other services through their in-process objects (see deps.ts); the
// browser never talks to the AWS APIs directly.
import { sendJson } from '../protocol/http.js';
import type { RequestContext, Service } from '../server/context.js';
import { registerApiRoutes } from './api/apis.js';
import { registerFunctionRoutes } from './api/functions.js';
import { registerLogRoutes } from './api/logs.js';
import { registerStateRoutes } from './api/states.js';
import type { ConsoleDeps } from './deps.js';
import { BadRequest, MethodNotAllowed } from './errors.js';
import { Router } from './router.js';
import { serveStatic } from './static.js';
import { TestEvents } from './test-events.js';

export type { ConsoleDeps } from './deps.js';

const ROOT = '/_nimbus';
const API = '/_nimbus/api/';

export function createConsoleService(deps: ConsoleDeps): Service {
  const router = new Router();
  const events = new TestEvents(deps.store);
  registerFunctionRoutes(router, deps, events);
  registerLogRoutes(router, deps);
  registerStateRoutes(router, deps);
  registerApiRoutes(router, deps);

  return {
    name: 'console',
    protocol: 'rest-json',
    start() {
      deps.banner?.push(`Console: ${deps.endpoint()}/_nimbus/`);
    },
    async handle(ctx: RequestContext) {
      if (ctx.path === ROOT) {
        ctx.res.writeHead(301, { Location: `${ROOT}/`, 'Content-Length': 0 });
        ctx.res.end();
        return;
      }
      if (ctx.path.startsWith(API)) {
        const { handler, params } = router.match(ctx.method, ctx.path.slice(API.length));
        checkBrowserSafety(ctx);
        const result = await handler(ctx, params);
        sendJson(ctx.res, 200, result, { 'Cache-Control': 'no-store' });
        return;
      }
      if (ctx.method !== 'GET' && ctx.method !== 'HEAD') throw MethodNotAllowed(`${ctx.method} is not allowed on ${ctx.path}`);
      serveStatic(ctx, ctx.path.slice(ROOT.length + 1));
    },
  };
}

/**
 * Other web pages open in the same browser must not drive the console API (invoke functions,
 * approve tasks). Mutations need a JSON content type, which a cross-site page cannot send without
 * a CORS preflight that Nimbus never grants, and an Origin, when sent, must be this host.
 */
function checkBrowserSafety(ctx: RequestContext): void {
  const origin = ctx.req.headers.origin;
  if (typeof origin === 'string' && origin !== 'null') {
    let host: string | undefined;
    try {
      host = new URL(origin).host;
    } catch {
      host = undefined;
    }
    if (host !== ctx.req.headers.host) throw BadRequest('Cross-origin requests to the console API are refused');
  }
  if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
    const type = ctx.req.headers['content-type'] ?? '';
    if (!type.toLowerCase().startsWith('application/json')) throw BadRequest('Console API mutations need Content-Type: application/json');
  }
}
