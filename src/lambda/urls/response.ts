// What a function URL answers: the function's payload 2.0 response turned into HTTP (the contract
// HTTP APIs share), and CORS from the URL's configuration.
import { applyCors, fromLambdaV2, preflightHeaders, type Cors } from '../../apigatewayv2/index.js';
import type { UrlCors } from './registry.js';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

export const fromFunction = (payload: Buffer): HttpAnswer => fromLambdaV2(payload);

function corsOf(c: UrlCors): Cors {
  return {
    ...(c.AllowCredentials !== undefined ? { allowCredentials: c.AllowCredentials } : {}),
    ...(c.AllowHeaders ? { allowHeaders: c.AllowHeaders } : {}),
    ...(c.AllowMethods ? { allowMethods: c.AllowMethods } : {}),
    ...(c.AllowOrigins ? { allowOrigins: c.AllowOrigins } : {}),
    ...(c.ExposeHeaders ? { exposeHeaders: c.ExposeHeaders } : {}),
    ...(c.MaxAge !== undefined ? { maxAge: c.MaxAge } : {}),
  };
}

/** The answer to a preflight request: the function is not invoked. */
export function corsPreflight(c: UrlCors, origin: string, requestHeaders: string | undefined): HttpAnswer {
  return { status: 200, headers: preflightHeaders(corsOf(c), origin, requestHeaders), body: Buffer.alloc(0) };
}

/** The answer's headers with the URL's CORS headers in place of any the function set. */
export function withCors(c: UrlCors, origin: string | undefined, headers: Record<string, string | string[]>): Record<string, string | string[]> {
  const out = { ...headers };
  applyCors(corsOf(c), origin, out);
  return out;
}
