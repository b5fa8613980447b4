// Renders a thrown error in the shape of the caller's protocol, so each AWS SDK parses it into the
// right exception class. Unexpected errors become a 500 ServiceException; the process never dies.
import type { HttpResponse } from '../server/http/server.js';
import { ServiceError, isServiceError } from './errors.js';

export type Protocol =
  /** Lambda, API Gateway: x-amzn-ErrorType header, `{message}` body plus extra fields. */
  | 'rest-json'
  /** Step Functions (1.0), CloudWatch Logs (1.1): `{__type, message}` body. */
  | 'json';

export function toServiceError(err: unknown, log: (msg: string) => void, requestId: string): ServiceError {
  if (isServiceError(err)) return err;
  log(`[${requestId}] unexpected error: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  return new ServiceError('ServiceException', 500, 'An internal error occurred. Request id: ' + requestId);
}

export function renderError(res: HttpResponse, err: ServiceError, protocol: Protocol): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body: Record<string, unknown> =
    protocol === 'json'
      ? { __type: err.name, message: err.message, ...err.fields }
      : { message: err.message, ...err.fields };
  const payload = JSON.stringify(body);
  res.writeHead(err.status, {
    'Content-Type': protocol === 'json' ? 'application/x-amz-json-1.0' : 'application/json',
    'Content-Length': Buffer.byteLength(payload),
    'x-amzn-ErrorType': err.name,
    ...err.headers,
  });
  res.end(payload);
}
