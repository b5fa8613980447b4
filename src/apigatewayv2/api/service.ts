// The apigatewayv2 control plane (HTTP APIs) as a front-door service: rest-json under `/v2/…`.
// Parses the request into a `Call`, runs the operation with the caller's scope, writes the reply;
// errors are thrown and rendered by the front door.
import { parseJsonBody, sendEmpty, sendJson } from '../../protocol/http.js';
import { ServiceError } from '../../protocol/errors.js';
import type { RequestContext, Service } from '../../server/context.js';
import type { CoreContext } from '../core/context.js';
import type { HttpApiRepository } from '../core/repository.js';
import { buildRouter, type Call } from './operations.js';

/** ImportApi's OpenAPI documents are the largest bodies (AWS takes up to 6 MB of request). */
const MAX_BODY = 6 * 1024 * 1024;

export function createControlPlaneService(repo: HttpApiRepository, endpointOf: (apiId: string) => string): Service {
  const router = buildRouter();
  return {
    name: 'apigatewayv2',
    protocol: 'rest-json',
    async handle(ctx: RequestContext): Promise<void> {
      const path = ctx.path.length > 1 ? ctx.path.replace(/\/+$/, '') : ctx.path;
      const match = router.match(ctx.method, path);
      if (!match) throw new ServiceError('NotFoundException', 404, `Unknown API Gateway V2 operation: ${ctx.method} ${path}`);
      const raw = await ctx.body(MAX_BODY);
      const body = parseJsonBody(raw, 'BadRequestException');
      const core: CoreContext = { repo, scope: { accountId: ctx.accountId, region: ctx.region }, endpointOf };
      const call: Call = { params: match.params, query: ctx.query, body };
      const reply = match.handler(core, call);
      if (reply.raw) {
        ctx.res.writeHead(reply.status, { 'Content-Type': reply.raw.contentType, 'Content-Length': reply.raw.data.length });
        ctx.res.end(reply.raw.data);
      } else if (reply.body === undefined) sendEmpty(ctx.res, reply.status);
      else sendJson(ctx.res, reply.status, reply.body);
    },
  };
}
