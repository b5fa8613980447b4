// Nimbus's HTTP/1.1 server: node:net plus ./connection.ts, in place of node:http. node:http spends
// about as much CPU per request as the rest of a warm Lambda invoke or a MOCK API call (its request
// and response are full streams, its headers pass through several layers); this one builds only
// what the services read. Same surface for the handlers: see ./request.ts and ./response.ts.
import { createServer, type AddressInfo, type Server } from 'node:net';
import { Connection, type RequestHandler, type UpgradeHandler } from './connection.js';

export type { RequestHandler, UpgradeHandler } from './connection.js';
export { HttpRequest } from './request.js';
export { HttpResponse } from './response.js';

export interface HttpServerOptions {
  /** An idle keep-alive connection is closed after this long. */
  readonly keepAliveTimeoutMs: number;
  /** A request head still incomplete after this long gets 408 (node's headersTimeout: 60 s). */
  readonly headersTimeoutMs?: number;
  /** A request still arriving after this long loses its connection (node's requestTimeout: 300 s). */
  readonly requestTimeoutMs?: number;
}

export class HttpServer {
  private readonly server: Server;
  private readonly connections = new Set<Connection>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    onRequest: RequestHandler,
    onUpgrade: UpgradeHandler,
    private readonly options: HttpServerOptions,
  ) {
    // Half-open, so that a client's end is seen as such (./connection.ts decides what it means).
    this.server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
      const connection = new Connection(socket, onRequest, onUpgrade, (c) => this.connections.delete(c));
      this.connections.add(connection);
    });
  }

  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const { keepAliveTimeoutMs: idle, headersTimeoutMs: head = 60_000, requestTimeoutMs: request = 300_000 } = this.options;
        this.sweeper = setInterval(() => this.sweep(idle, head, request), Math.min(idle, head, request, 5_000)).unref();
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /** Closes idle connections and those whose request is arriving too slowly. */
  private sweep(idleMs: number, headMs: number, requestMs: number): void {
    const now = Date.now();
    this.closeIdleConnections(now - idleMs);
    for (const c of this.connections) c.expireSlowRequest(now - headMs, now - requestMs);
  }

  /** Ends connections idle since before `before` (all idle ones by default). */
  closeIdleConnections(before = Infinity): void {
    for (const c of this.connections) if (c.idle && c.idleSince <= before) c.socket.end();
  }

  closeAllConnections(): void {
    for (const c of this.connections) c.socket.destroy();
  }

  /** Stops listening; resolves once every connection has closed. */
  close(): Promise<void> {
    clearInterval(this.sweeper);
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
