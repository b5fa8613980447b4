// One HTTP API request as the integrations see it, parsed once from node:http.
import type { ServedApi, DeployedStage } from '../core/model.js';
import type { RouteMatch } from './matcher.js';

export interface HttpApiRequest {
  /** `apigw-requestid` and requestContext.requestId. */
  readonly requestId: string;
  readonly receivedAt: number;
  readonly method: string;
  /** The path the client asked for below the API (stage segment included), as sent. */
  readonly rawPath: string;
  /** The path below the stage, as sent: what routes are matched against. */
  readonly path: string;
  readonly rawQuery: string;
  /** node's rawHeaders: name, value, name, value… in the sender's case and order. */
  readonly rawHeaders: readonly string[];
  readonly host: string;
  readonly sourceIp: string;
  /** The port the client connected to (`x-forwarded-port`). */
  readonly port: string;
  /** `x-amzn-trace-id`: the client's, or one API Gateway starts. */
  readonly traceId: string;
  readonly protocol: string;
  readonly body: Buffer;
  readonly served: ServedApi;
  readonly stage: DeployedStage;
  readonly match: RouteMatch;
  /** `requestContext.authorizer` of the integration's event, once a Lambda authorizer allowed the request. */
  readonly authorizer?: Record<string, unknown>;
}

/** Header value by lower-case name (the last one wins, as for a single-valued header). */
export function headerOf(req: HttpApiRequest, lowerName: string): string | undefined {
  let found: string | undefined;
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i]!.toLowerCase() === lowerName) found = raw[i + 1];
  return found;
}

/** `12/Mar/2020:19:03:58 +0000`, the request time format of API Gateway's events. */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
export function requestTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/**
 * Whether a body goes to Lambda as text. HTTP APIs have no binaryMediaTypes: API Gateway sends
 * `text/*`, `application/json`, `application/xml` and `application/javascript` bodies as they are
 * and base64-encodes everything else, form posts and bodies without a content type included.
 */
export function isTextBody(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const ct = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return ct.startsWith('text/') || ct === 'application/json' || ct === 'application/xml' || ct === 'application/javascript';
}
