// A function URL in RESPONSE_STREAM mode: a streaming function's chunks reach the client as they
// come. A stream made with `awslambda.HttpResponseStream.from` opens with a JSON prelude (statusCode,
// headers, cookies) ended by eight zero bytes; any other stream is a 200 with its content type.
import type { HttpResponse } from '../../server/http/server.js';

export const HTTP_INTEGRATION_TYPE = 'application/vnd.awslambda.http-integration-response';
const PRELUDE_END = Buffer.alloc(8);
/** A prelude is a small JSON document; past this, the stream is not one. */
const MAX_PRELUDE_BYTES = 64 * 1024;
const INTERNAL_ERROR = '{"Message":"Internal Server Error"}';

interface Prelude {
  statusCode?: unknown;
  headers?: unknown;
  cookies?: unknown;
}

export class UrlResponseStream {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private started = false;

  constructor(
    private readonly res: HttpResponse,
    /** Headers every answer carries (request id, CORS) over the function's own. */
    private readonly finalHeaders: (own: Record<string, string | string[]>) => Record<string, string | string[]>,
  ) {}

  /** Whether the client has been answered from the stream (else the caller answers as buffered). */
  get answered(): boolean {
    return this.started;
  }

  chunk(chunk: Buffer, contentType: string): void {
    if (this.res.writableEnded) return; // the answer failed early (a header node refused)
    if (this.started) {
      this.res.write(chunk);
      return;
    }
    if (contentType !== HTTP_INTEGRATION_TYPE) {
      this.begin(200, { 'content-type': contentType }, chunk);
      return;
    }
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    const head = Buffer.concat(this.pending, this.pendingBytes);
    const end = head.indexOf(PRELUDE_END);
    if (end === -1) {
      if (this.pendingBytes > MAX_PRELUDE_BYTES) this.failed();
      return;
    }
    this.pending = [];
    const prelude = parsePrelude(head.subarray(0, end));
    if (!prelude) {
      this.failed();
      return;
    }
    const headers: Record<string, string | string[]> = {};
    if (prelude.headers && typeof prelude.headers === 'object') {
      for (const [k, v] of Object.entries(prelude.headers as Record<string, unknown>)) headers[k.toLowerCase()] = String(v);
    }
    if (Array.isArray(prelude.cookies) && prelude.cookies.length > 0) headers['set-cookie'] = prelude.cookies.map(String);
    const status = Number.isInteger(prelude.statusCode) ? (prelude.statusCode as number) : 200;
    this.begin(status >= 100 && status <= 599 ? status : 500, headers, head.subarray(end + PRELUDE_END.length));
  }

  /** Ends the answer once the function is done. */
  end(): void {
    if (this.res.writableEnded) return;
    if (!this.started && this.pendingBytes > 0) this.failed();
    this.res.end();
  }

  /** A stream that is not what it claims (an unended or malformed prelude): AWS's 500. */
  private failed(): void {
    this.begin(500, { 'content-type': 'application/json' }, Buffer.from(INTERNAL_ERROR));
  }

  private begin(status: number, own: Record<string, string | string[]>, first: Buffer): void {
    this.started = true;
    const headers = this.finalHeaders(own);
    delete headers['content-length'];
    delete headers['transfer-encoding'];
    delete headers['connection'];
    try {
      this.res.writeHead(status, headers);
    } catch {
      this.res.writeHead(502, { 'content-type': 'application/json' });
      this.res.end(INTERNAL_ERROR);
      return;
    }
    if (first.length > 0) this.res.write(first);
  }
}

function parsePrelude(bytes: Buffer): Prelude | undefined {
  try {
    const v = JSON.parse(bytes.toString('utf8')) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Prelude) : undefined;
  } catch {
    return undefined;
  }
}
