// InvokeWithResponseStream on the wire: the reply is an event stream of `PayloadChunk` events,
// written as the function streams them (`awslambda.streamifyResponse`), then one `InvokeComplete`.
// Its Content-Type is the function's stream content type (the SDK's ResponseStreamContentType), so
// the headers leave with the first chunk. A function that does not stream arrives as one chunk.
import type { RequestContext } from '../../server/context.js';
import { event } from '../../protocol/event-stream.js';
import type { LambdaInvokeInput, LambdaInvoker } from '../invoker.js';

const NO_STREAM_TYPE = 'application/json';

export async function streamInvocation(ctx: RequestContext, invoker: LambdaInvoker, input: LambdaInvokeInput): Promise<void> {
  const res = ctx.res;
  const start = (contentType: string, executedVersion: string | undefined) => {
    if (res.headersSent) return;
    res.writeHead(200, {
      'x-amzn-RequestId': ctx.requestId,
      'Content-Type': contentType,
      ...(executedVersion ? { 'X-Amz-Executed-Version': executedVersion } : {}),
    });
  };
  const out = await invoker.invoke({
    ...input,
    onChunk(chunk, contentType, executedVersion) {
      start(contentType, executedVersion);
      res.write(event('PayloadChunk', 'application/octet-stream', chunk));
    },
  });
  if (out.statusCode === 204) {
    res.writeHead(204, { 'x-amzn-RequestId': ctx.requestId });
    res.end();
    return;
  }
  start(out.streamContentType ?? NO_STREAM_TYPE, out.executedVersion);
  // A buffered answer (or the error of a function that failed before streaming) is one chunk.
  const streamed = out.streamContentType !== undefined;
  if (out.payload.length > 0 && !(streamed && out.functionError)) res.write(event('PayloadChunk', 'application/octet-stream', out.payload));
  const complete: Record<string, string> = {};
  if (out.functionError) {
    const fault = parseFault(out.payload);
    complete.ErrorCode = fault.errorType ?? out.functionError;
    complete.ErrorDetails = fault.errorMessage ?? '';
  }
  if (out.logResult !== undefined) complete.LogResult = out.logResult;
  res.end(event('InvokeComplete', 'application/json', Buffer.from(JSON.stringify(complete))));
}

function parseFault(payload: Buffer): { errorType?: string; errorMessage?: string } {
  try {
    const v = JSON.parse(payload.toString('utf8')) as unknown;
    if (v && typeof v === 'object') {
      const { errorType, errorMessage } = v as Record<string, unknown>;
      return { ...(typeof errorType === 'string' ? { errorType } : {}), ...(typeof errorMessage === 'string' ? { errorMessage } : {}) };
    }
  } catch {
    /* not JSON: no details */
  }
  return {};
}
