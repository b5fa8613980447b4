// The awsJson1.1 request shape shared by small services: `X-Amz-Target: <Prefix><Operation>`, a
// JSON object body, a JSON reply. Each service supplies its operation table and its own error for
// an unknown operation.
import type { RequestContext } from '../server/context.js';
import { parseJsonBody, sendJson } from './http.js';

export interface Scope {
  readonly accountId: string;
  readonly region: string;
}

export type JsonOperation<Core> = (core: Core, scope: Scope, input: Record<string, unknown>) => unknown;

export async function handleJsonTarget<Core>(
  ctx: RequestContext,
  prefix: string,
  operations: Readonly<Record<string, JsonOperation<Core>>>,
  core: Core,
  unknownOperation: (message: string) => Error,
): Promise<void> {
  const target = String(ctx.req.headers['x-amz-target'] ?? '');
  const op = target.startsWith(prefix) ? operations[target.slice(prefix.length)] : undefined;
  if (!op) throw unknownOperation(`Unknown operation ${target || `${ctx.method} ${ctx.path}`}`);
  const input = parseJsonBody(await ctx.body(1024 * 1024));
  const out = await op(core, { accountId: ctx.accountId, region: ctx.region }, input);
  sendJson(ctx.res, 200, out, { 'Content-Type': 'application/x-amz-json-1.1' });
}
