// Matches a request to a Lambda route. A known path with another method is 405-free in Lambda:
// it answers as an unknown operation, like AWS's front end.
import type { RequestContext } from '../../server/context.js';
import { ServiceError } from '../../protocol/errors.js';
import { LAYER_ROUTES } from './layer-operations.js';
import { ROUTES, type LambdaApiDeps } from './operations.js';

const ALL_ROUTES = [...ROUTES, ...LAYER_ROUTES];

export async function dispatchLambda(ctx: RequestContext, deps: LambdaApiDeps): Promise<void> {
  for (const route of ALL_ROUTES) {
    if (route.method !== ctx.method) continue;
    const m = route.pattern.exec(ctx.path);
    if (!m) continue;
    if (!route.writesRequestId) ctx.res.setHeader('x-amzn-RequestId', ctx.requestId);
    await route.handle({ ctx, deps, params: m.slice(1) });
    return;
  }
  throw new ServiceError('UnknownOperationException', 404, `Unknown operation ${ctx.method} ${ctx.path}`, {
    fields: { Type: 'User' },
  });
}
