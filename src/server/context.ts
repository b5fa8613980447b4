// What the front door hands every service for one request.
import type { Socket } from 'node:net';
import type { Protocol } from '../protocol/render.js';
import { readBody } from '../protocol/http.js';
import type { HttpRequest, HttpResponse } from './http/server.js';

export interface RequestContext {
  readonly req: HttpRequest;
  readonly res: HttpResponse;
  readonly method: string;
  /** Decoded-safe path as sent (no query string). */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly requestId: string;
  readonly region: string;
  readonly accountId: string;
  /** Reads the whole body once; later calls return the same buffer. */
  body(limit?: number): Promise<Buffer>;
}

/** One AWS service (or data plane) behind the front door. */
export interface Service {
  readonly name: string;
  /** How this service's errors are rendered. */
  readonly protocol: Protocol;
  /**
   * The service puts `x-amzn-RequestId` in the headers it writes itself (with the rest, in one
   * writeHead). Otherwise the front door sets it up front.
   */
  readonly writesRequestId?: boolean;
  handle(ctx: RequestContext): Promise<void>;
  /**
   * An HTTP `Upgrade` request (WebSocket handshake) for this service: the service owns `socket` from
   * here on, answers or destroys it, and never throws. Services without it refuse upgrades.
   */
  upgrade?(req: HttpRequest, socket: Socket, head: Buffer): void;
  /** Called once after the server listens (start background work such as queues and timers). */
  start?(): Promise<void> | void;
  /** Stops background work and releases resources; called on shutdown in reverse order. */
  close?(): Promise<void> | void;
}

/** The front door's largest body: a 50 MB zip arrives base64 in JSON (~70 MB). */
export const MAX_REQUEST_BYTES = 72 * 1024 * 1024;

export function makeContext(
  req: HttpRequest,
  res: HttpResponse,
  requestId: string,
  region: string,
  accountId: string,
): RequestContext {
  const raw = req.url ?? '/';
  const q = raw.indexOf('?');
  let cached: Promise<Buffer> | undefined;
  return {
    req,
    res,
    method: req.method ?? 'GET',
    path: q === -1 ? raw : raw.slice(0, q),
    query: new URLSearchParams(q === -1 ? '' : raw.slice(q + 1)),
    requestId,
    region,
    accountId,
    body(limit = MAX_REQUEST_BYTES) {
      cached ??= readBody(req, limit);
      return cached;
    },
  };
}
