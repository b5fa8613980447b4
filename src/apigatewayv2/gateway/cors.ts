// CORS of HTTP APIs: with a CorsConfiguration, API Gateway answers preflight OPTIONS requests
// itself (whatever the routes) and sets the CORS headers of every other answer, replacing any the
// integration sent.
import type { Cors } from '../core/model.js';

/** The origin to echo if the configuration allows `origin`: `*` for a wildcard, else the origin. */
function allowedOrigin(cors: Cors, origin: string): string | undefined {
  for (const allowed of cors.allowOrigins ?? []) {
    if (allowed === '*') return '*';
    if (allowed === origin) return origin;
    // `https://*.example.com` matches any subdomain.
    const star = allowed.indexOf('*');
    if (star !== -1 && origin.startsWith(allowed.slice(0, star)) && origin.endsWith(allowed.slice(star + 1)) && origin.length > allowed.length - 1) {
      return origin;
    }
  }
  return undefined;
}

export function isPreflight(method: string, headers: { origin?: string; requestMethod?: string }): boolean {
  return method === 'OPTIONS' && headers.origin !== undefined && headers.requestMethod !== undefined;
}

/** The preflight answer: 204 with the allowed methods, headers and max age for an allowed origin. */
export function preflightHeaders(cors: Cors, origin: string, requestHeaders: string | undefined): Record<string, string> {
  const allow = allowedOrigin(cors, origin);
  if (!allow) return {};
  const out: Record<string, string> = { 'access-control-allow-origin': allow };
  if (cors.allowMethods?.length) out['access-control-allow-methods'] = cors.allowMethods.join(',');
  const headers = cors.allowHeaders ?? [];
  if (headers.includes('*') && requestHeaders) out['access-control-allow-headers'] = requestHeaders;
  else if (headers.length) out['access-control-allow-headers'] = headers.join(',');
  if (cors.maxAge !== undefined && cors.maxAge >= 0) out['access-control-max-age'] = String(cors.maxAge);
  if (cors.allowCredentials) out['access-control-allow-credentials'] = 'true';
  return out;
}

/** Sets the CORS headers of an actual (non-preflight) answer; `headers` has lower-case names. */
export function applyCors(cors: Cors, origin: string | undefined, headers: Record<string, string | string[]>): void {
  for (const k of Object.keys(headers)) if (k.startsWith('access-control-')) delete headers[k];
  if (origin === undefined) return;
  const allow = allowedOrigin(cors, origin);
  if (!allow) return;
  headers['access-control-allow-origin'] = allow;
  if (cors.allowCredentials) headers['access-control-allow-credentials'] = 'true';
  if (cors.exposeHeaders?.length) headers['access-control-expose-headers'] = cors.exposeHeaders.join(',');
  if (allow !== '*') headers['vary'] = 'Origin';
}
