// Small HTTP helpers shared by every wire layer: body reading with a cap, JSON replies.
import type { HttpRequest, HttpResponse } from '../server/http/server.js';
import type { Socket } from 'node:net';
import { ServiceError } from './errors.js';

/** Percent-decodes a URL component; a malformed escape (`%ZZ`) leaves the text as sent. */
export function decodeOrKeep(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Reads the whole body. Past `limit` bytes the rest is drained, then it fails with a 413. */
export function readBody(req: HttpRequest, limit: number): Promise<Buffer> {
  const whole = req.takeBody();
  if (whole !== undefined) return whole.length > limit ? Promise.reject(tooLarge(limit)) : Promise.resolve(whole);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (over) {
        reject(tooLarge(limit));
      } else {
        resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
      }
    });
    req.on('error', reject);
  });
}

function tooLarge(limit: number): ServiceError {
  return new ServiceError('RequestEntityTooLargeException', 413, `Request must be smaller than ${limit} bytes`);
}

export function sendJson(
  res: HttpResponse,
  status: number,
  body: unknown,
  headers: Record<string, string | number> = {},
): void {
  const payload = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

export function sendEmpty(res: HttpResponse, status: number, headers: Record<string, string | number> = {}): void {
  res.writeHead(status, { 'Content-Length': 0, ...headers });
  res.end();
}

/** Parses a JSON request body; an empty body is `{}`. Malformed JSON is the caller's fault. */
export function parseJsonBody(body: Buffer, errorName = 'SerializationException'): Record<string, unknown> {
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ServiceError(errorName, 400, 'Could not parse request body into json: malformed JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ServiceError(errorName, 400, 'Request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/**
 * The client's address and the port it connected to, for data-plane events. Reading them is two
 * syscalls (getpeername/getsockname): done once per keep-alive connection.
 */
const peers = new WeakMap<Socket, { ip: string; port: string }>();
export function peerOf(socket: Socket): { ip: string; port: string } {
  let p = peers.get(socket);
  if (p === undefined) {
    p = { ip: socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1', port: String(socket.localPort ?? 80) };
    peers.set(socket, p);
  }
  return p;
}
