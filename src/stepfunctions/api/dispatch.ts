// The awsJson1.0 wire layer: X-Amz-Target `AWSStepFunctions.<Op>` → operation table → JSON reply.
// Timestamps leave as epoch seconds (the protocol's format); the core works in milliseconds.
import type { RequestContext } from '../../server/context.js';
import { parseJsonBody } from '../../protocol/http.js';
import { SfnErrors } from '../executions/errors.js';
import { Input } from './input.js';
import { OPERATIONS, type OpContext, type SfnCore } from './operations.js';

const PREFIX = 'AWSStepFunctions.';
/** Request bodies: a 1 MB definition or 256 KB input, JSON-escaped, fit comfortably. */
const MAX_BODY = 4 * 1024 * 1024;
const DATE_KEYS = new Set(['creationDate', 'updateDate', 'startDate', 'stopDate', 'redriveDate', 'timestamp']);

export async function dispatch(ctx: RequestContext, core: SfnCore): Promise<void> {
  const target = ctx.req.headers['x-amz-target'];
  const name = typeof target === 'string' && target.startsWith(PREFIX) ? target.slice(PREFIX.length) : '';
  const operation = Object.hasOwn(OPERATIONS, name) ? OPERATIONS[name] : undefined;
  if (!operation) {
    throw SfnErrors.UnknownOperationException(`Unknown operation ${typeof target === 'string' ? target : '(no X-Amz-Target)'}`);
  }
  const body = parseJsonBody(await ctx.body(MAX_BODY), 'SerializationException');
  // Only long polls need to know when the client goes away: create that signal on first use.
  let gone: AbortController | undefined;
  const opCtx: OpContext = {
    accountId: ctx.accountId,
    region: ctx.region,
    get gone() {
      if (!gone) {
        const ctl = new AbortController();
        gone = ctl;
        ctx.res.once('close', () => ctl.abort('client gone'));
      }
      return gone.signal;
    },
  };
  const input = operation.parse(new Input(body), opCtx);
  const result = await operation.handle(input, core, opCtx);
  const payload = JSON.stringify(result ?? {}, (key, value: unknown) =>
    DATE_KEYS.has(key) && typeof value === 'number' ? value / 1000 : value);
  if (ctx.res.writableEnded || ctx.res.destroyed) return;
  ctx.res.writeHead(200, {
    'Content-Type': 'application/x-amz-json-1.0',
    'Content-Length': Buffer.byteLength(payload),
  });
  ctx.res.end(payload);
}
