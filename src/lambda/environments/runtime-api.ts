// The Lambda Runtime API (2018-06-01) for one execution environment, on its own loopback listener.
// This module owns only the wire: routes, body limits and status codes. What an event means for
// the invocation is decided by the environment through `RuntimeApiHandler`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { decodeOrKeep } from '../../protocol/http.js';

/** AWS's limit on a synchronous response payload (6 MB as AWS counts it). */
export const MAX_RESPONSE_BYTES = 6_291_556;
/** Error documents are small; a runaway one is cut rather than buffered. */
export const MAX_ERROR_BYTES = 1024 * 1024;

export interface ApiAnswer {
  readonly status: number;
  readonly body: string;
}

/** A runtime's waiting request (for its next event, or its claim): answered once, or abandoned. */
export interface PendingPoll {
  answer(headers: ReadonlyArray<readonly [string, string]>, body: Buffer | string): void;
  abandon(): void;
}

export interface RuntimeApiHandler {
  /** Long-poll for the next event: answer `poll` when an invocation is available. */
  next(poll: PendingPoll): void;
  response(requestId: string, body: Buffer): ApiAnswer;
  /** A part of a streaming function's response (Nimbus's own runtimes; the first names its content type). */
  chunk(requestId: string, body: Buffer, contentType: string | undefined): ApiAnswer;
  /** The response body was larger than AWS allows. */
  responseTooLarge(requestId: string): ApiAnswer;
  error(requestId: string, body: Buffer, errorType: string | undefined): ApiAnswer;
  initError(body: Buffer, errorType: string | undefined): ApiAnswer;
  /** Nimbus's own runtimes, pre-started: answer with the function's configuration (see runtime-channel.ts). */
  claimRequest(poll: PendingPoll): void;
}

export const ACCEPTED: ApiAnswer = { status: 202, body: '{"status":"OK"}' };
export const INVALID_REQUEST_ID: ApiAnswer = {
  status: 400,
  body: '{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}',
};
export const INVALID_STATE: ApiAnswer = {
  status: 403,
  body: '{"errorMessage":"State transition is not allowed","errorType":"InvalidStateTransition"}',
};
const TOO_LARGE: ApiAnswer = {
  status: 413,
  body: `{"errorMessage":"Exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).","errorType":"RequestEntityTooLarge"}`,
};
export const NOT_FOUND: ApiAnswer = { status: 404, body: '{"errorMessage":"Not Found","errorType":"InvalidRequest"}' };

const INVOCATION = '/2018-06-01/runtime/invocation/';
const MAX_PENDING_VERIFICATIONS = 4;
const MAX_CONNECTIONS = 16;

function send(res: ServerResponse, answer: ApiAnswer): void {
  res.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer.body) });
  res.end(answer.body);
}

/** Reads a body up to `limit` bytes; resolves undefined when it is larger (the rest is discarded). */
function readBody(req: IncomingMessage, limit: number, done: (body: Buffer | undefined) => void): void {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) {
    req.resume();
    req.on('end', () => done(undefined));
    return;
  }
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
  req.on('end', () => done(over ? undefined : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
  req.on('error', () => {});
}

export class RuntimeApiServer {
  private readonly server: Server;
  /** Accepts connections paused, so nothing is read from a socket before its peer is verified. */
  private readonly listener?: NetServer;
  port = 0;

  /**
   * @param verifyPeer decides whether a new connection comes from the environment's own processes
   *   (called with the client's and the server's port); refused connections are closed unread.
   */
  constructor(
    private readonly handler: RuntimeApiHandler,
    verifyPeer?: (clientPort: number, serverPort: number) => Promise<boolean>,
  ) {
    this.server = createServer((req, res) => this.route(req, res));
    if (verifyPeer) {
      let verifying = 0;
      this.listener = createNetServer({ pauseOnConnect: true }, (socket: Socket) => {
        // Each check costs Nimbus a read of /proc/net/tcp: a function opening connections in a loop
        // must not turn that into work without bound.
        if (verifying >= MAX_PENDING_VERIFICATIONS) {
          socket.destroy();
          return;
        }
        verifying++;
        verifyPeer(socket.remotePort ?? 0, this.port).finally(() => verifying--).then(
          (ok) => {
            if (!ok || socket.destroyed) {
              socket.destroy();
              return;
            }
            // Hand the verified socket to the HTTP server (it starts reading it). Without Nagle:
            // a 202 and the next event's answer often follow each other on one connection.
            socket.setNoDelay(true);
            this.server.emit('connection', socket);
            socket.resume();
          },
          () => socket.destroy(),
        );
      });
      // Runtime clients hold one or two connections; more is a misbehaving function.
      this.listener.maxConnections = MAX_CONNECTIONS;
    }
    // /next is a long poll that may wait for minutes between invocations.
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 0;
    this.server.keepAliveTimeout = 0; // 0 = never close idle runtime connections ourselves
    this.server.timeout = 0;
  }

  listen(): Promise<number> {
    const server = this.listener ?? this.server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        this.port = (server.address() as AddressInfo).port;
        resolve(this.port);
      });
    });
  }

  close(): void {
    this.listener?.close();
    this.server.close();
    this.server.closeAllConnections();
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '';
    const method = req.method;
    if (url.startsWith(INVOCATION)) {
      const rest = url.slice(INVOCATION.length);
      if (rest === 'next' && method === 'GET') {
        this.handler.next(httpPoll(res));
        return;
      }
      const slash = rest.indexOf('/');
      if (slash > 0 && method === 'POST') {
        const requestId = decodeOrKeep(rest.slice(0, slash));
        const action = rest.slice(slash + 1);
        if (action === 'response') {
          readBody(req, MAX_RESPONSE_BYTES, (body) => {
            if (body === undefined) {
              this.handler.responseTooLarge(requestId);
              send(res, TOO_LARGE);
            } else {
              // The caller's answer is written first (it follows from this in microtasks); the
              // runtime's 202 can wait a loop turn.
              const answer = this.handler.response(requestId, body);
              setImmediate(() => send(res, answer));
            }
          });
          return;
        }
        if (action === 'error') {
          const type = header(req, 'lambda-runtime-function-error-type');
          readBody(req, MAX_ERROR_BYTES, (body) => send(res, this.handler.error(requestId, body ?? Buffer.alloc(0), type)));
          return;
        }
      }
    } else if (url === '/2018-06-01/runtime/init/error' && method === 'POST') {
      const type = header(req, 'lambda-runtime-function-error-type');
      readBody(req, MAX_ERROR_BYTES, (body) => send(res, this.handler.initError(body ?? Buffer.alloc(0), type)));
      return;
    }
    req.resume();
    send(res, NOT_FOUND);
  }
}

function httpPoll(res: ServerResponse): PendingPoll {
  return {
    answer(headers, body) {
      res.writeHead(200, headers.flat());
      res.end(body);
    },
    abandon: () => res.destroy(),
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
