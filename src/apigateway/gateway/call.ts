// One data-plane request as the pipeline sees it: parsed once from the HTTP request (headers with their
// original case, query string with repeated names) and the per-request state steps fill in.
import type { HttpRequest } from '../../server/http/server.js';
import { decodeOrKeep } from '../../protocol/http.js';
import type { ApiKey, Method, Resource, ResolvedStage, DeploymentSnapshot } from '../core/model.js';

export interface Multi {
  /** Last value per name (what AWS puts in `headers` / `queryStringParameters`). */
  readonly single: Record<string, string>;
  /** Every value per name. */
  readonly multi: Record<string, string[]>;
}

export interface Call {
  readonly requestId: string;
  /** `x-amz-apigw-id`. */
  readonly extendedRequestId: string;
  readonly receivedAt: number;
  readonly verb: string;
  readonly apiId: string;
  readonly stageName: string;
  /** Path below the stage, as sent (percent-encoded), starting with `/`. */
  readonly path: string;
  readonly rawQuery: string;
  readonly headers: Multi;
  /** Lower-cased name → last value, for lookups. */
  readonly lcHeaders: Record<string, string>;
  readonly query: Multi;
  readonly sourceIp: string;
  readonly protocol: string;
  /** Host header as sent (domainName). */
  readonly host: string;
  body: Buffer;

  // Filled by the steps.
  resolved?: ResolvedStage;
  deployment?: DeploymentSnapshot;
  stageVariables?: Readonly<Record<string, string>>;
  isCanary?: boolean;
  resource?: Resource;
  method?: Method;
  pathParameters?: Readonly<Record<string, string>>;
  apiKey?: ApiKey;
  authorizer?: AuthorizerOutcome;
  /** Filled by the response step for `$context.integrationLatency` and the like. */
  integrationLatency?: number;
  /** Whether the stage cache answered (`hit`) or the integration did with caching on (`miss`): the
   * CacheHitCount / CacheMissCount metrics. Unset when the method is not cached. */
  cacheResult?: 'hit' | 'miss';
  /** Set when the integration failed or answered: `$context.integration.*`. */
  integrationStatus?: number;
  integrationError?: string;
}

export interface AuthorizerOutcome {
  readonly principalId: string;
  /** Scalar values only (string/number/boolean), as AWS allows. */
  readonly context: Readonly<Record<string, string | number | boolean>>;
  readonly usageIdentifierKey?: string;
  readonly latency: number;
}

/**
 * Parses rawHeaders into last-value and all-values maps keeping the sender's case. `Connection` and
 * `Content-Length` describe this hop only; AWS passes neither to the integration (recorded proxy
 * events lack both though the client sent them), so they are kept for lookups (`lc`) alone.
 */
export function parseHeaders(req: HttpRequest): { headers: Multi; lc: Record<string, string> } {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  const lc: Record<string, string> = {};
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    const lower = name.toLowerCase();
    lc[lower] = value;
    if (lower === 'connection' || lower === 'content-length') continue;
    single[name] = value;
    (multi[name] ??= []).push(value);
  }
  return { headers: { single, multi }, lc };
}

function decodeQuery(s: string): string {
  return decodeOrKeep(s.replace(/\+/g, ' '));
}

export function parseQuery(raw: string): Multi {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  if (raw.length === 0) return { single, multi };
  for (const part of raw.split('&')) {
    if (part.length === 0) continue;
    const eq = part.indexOf('=');
    const name = decodeQuery(eq === -1 ? part : part.slice(0, eq));
    const value = eq === -1 ? '' : decodeQuery(part.slice(eq + 1));
    single[name] = value;
    (multi[name] ??= []).push(value);
  }
  return { single, multi };
}

export function header(call: Call, name: string): string | undefined {
  return call.lcHeaders[name.toLowerCase()];
}

/** Content type without parameters, lower-cased; AWS assumes application/json when absent. */
export function contentType(call: Call): string {
  const ct = header(call, 'content-type');
  if (!ct) return 'application/json';
  const semi = ct.indexOf(';');
  return (semi === -1 ? ct : ct.slice(0, semi)).trim().toLowerCase();
}

/** `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{VERB}/{path}` for the actual request path. */
export function methodArn(call: Call): string {
  const scope = call.resolved!.scope;
  const path = call.path.startsWith('/') ? call.path.slice(1) : call.path;
  return `arn:aws:execute-api:${scope.region}:${scope.accountId}:${call.apiId}/${call.stageName}/${call.verb}/${path}`;
}
