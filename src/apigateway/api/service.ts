// The API Gateway control plane as a front-door service (restJson: `/restapis…`, `/apikeys…`,
// `/usageplans…`, `/account`, `/tags/{arn}`). Parses the HTTP request into a `Call`, runs the
// operation and writes the reply; errors are thrown and rendered by the front door.
import { sendEmpty, sendJson } from '../../protocol/http.js';
import { ServiceError } from '../../protocol/errors.js';
import type { RequestContext, Service } from '../../server/context.js';
import type { UsageMeter } from '../core/model.js';
import type { ApiGatewayState } from '../core/state.js';
import { buildRouter, type Call } from './operations.js';

/** Definitions for ImportRestApi/PutRestApi are capped like AWS's API definition files (6 MB). */
const MAX_BODY = 6 * 1024 * 1024;
const RAW_BODY_OPERATIONS = new Set(['PutRestApi']);

export function createControlPlaneService(state: ApiGatewayState, meter: () => UsageMeter | undefined): Service {
  const router = buildRouter();
  const context = { state, meter };
  return {
    name: 'apigateway',
    protocol: 'rest-json',
    async handle(ctx: RequestContext): Promise<void> {
      // Trailing slashes are tolerated (some clients send `/restapis/`).
      const path = ctx.path.length > 1 ? ctx.path.replace(/\/+$/, '') : ctx.path;
      const match = router.match(ctx.method, path);
      if (!match) throw new ServiceError('NotFoundException', 404, `Unknown API Gateway operation: ${ctx.method} ${path}`);
      const raw = await ctx.body(MAX_BODY);
      const importing = ctx.query.get('mode') === 'import' && (match.name === 'CreateRestApi' || match.name === 'CreateApiKey');
      const rawBody = RAW_BODY_OPERATIONS.has(match.name) || importing;
      let body: Record<string, unknown> = {};
      if (!rawBody && raw.length > 0) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw.toString('utf8'));
        } catch {
          throw new ServiceError('BadRequestException', 400, 'Could not parse request body into json: invalid JSON');
        }
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
          throw new ServiceError('BadRequestException', 400, 'Request body must be a JSON object');
        }
        body = parsed as Record<string, unknown>;
      }
      const call: Call = {
        scope: { accountId: ctx.accountId, region: ctx.region },
        operation: match.name,
        params: match.params,
        query: ctx.query,
        headers: ctx.req.headers,
        raw,
        body,
      };
      const reply = match.handler(context, call);
      if (reply.payload) {
        ctx.res.writeHead(reply.status, {
          'Content-Type': reply.payload.contentType,
          'Content-Length': reply.payload.data.length,
          ...reply.payload.headers,
        });
        ctx.res.end(reply.payload.data);
      } else if (reply.body === undefined) {
        sendEmpty(ctx.res, reply.status);
      } else {
        sendJson(ctx.res, reply.status, reply.body);
      }
    },
  };
}
