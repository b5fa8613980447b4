// The front door: one HTTP listener (./http), a request id on every reply, routing by service,
// and error rendering in the caller's protocol. Services are wired in ./compose.ts.
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { HttpServer, type HttpRequest, type HttpResponse } from './http/server.js';
import { makeContext, type Service } from './context.js';
import { resolveRoute, type ServiceName } from './routing.js';
import { renderError, toServiceError } from '../protocol/render.js';
import { ServiceError } from '../protocol/errors.js';
import { composeServices, type NimbusOptions, type Platform } from './compose.js';

export type { NimbusOptions } from './compose.js';

export const DEFAULT_ACCOUNT_ID = '000000000000';
export const DEFAULT_REGION = 'us-east-1';

export interface RunningNimbus {
  readonly endpoint: string;
  readonly port: number;
  readonly platform: Platform;
  stop(): Promise<void>;
}

export async function startNimbus(options: NimbusOptions): Promise<RunningNimbus> {
  const log = options.log ?? ((msg: string) => process.stderr.write(msg + '\n'));
  const { platform, services } = await composeServices({ ...options, log });
  const byName = new Map<ServiceName, Service>(services.map((s) => [s.name as ServiceName, s]));

  const server = new HttpServer((req, res) => void dispatch(req, res), upgrade, { keepAliveTimeoutMs: 65_000 });

  /** WebSocket handshakes (API Gateway WebSocket APIs) go to the service, socket and all. */
  function upgrade(req: HttpRequest, socket: Socket, head: Buffer): void {
    const path = (req.url ?? '/').split('?', 1)[0]!;
    const service = byName.get(resolveRoute(req, path).service as ServiceName);
    if (service?.upgrade) {
      try {
        service.upgrade(req, socket, head);
        return;
      } catch (err) {
        log(`upgrade of ${path} failed: ${String(err)}`);
      }
    }
    socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  }

  async function dispatch(req: HttpRequest, res: HttpResponse): Promise<void> {
    const requestId = randomUUID();
    const url = req.url ?? '/';
    const path = url.split('?', 1)[0]!;
    const route = resolveRoute(req, path);
    const service = route.service ? byName.get(route.service) : undefined;
    const ctx = makeContext(req, res, requestId, route.region ?? DEFAULT_REGION, DEFAULT_ACCOUNT_ID);
    if (!service?.writesRequestId) res.setHeader('x-amzn-RequestId', requestId);
    if (!service) {
      renderError(
        res,
        new ServiceError('UnknownOperationException', 404, `No Nimbus service handles ${req.method} ${path}`),
        'rest-json',
      );
      return;
    }
    try {
      await service.handle(ctx);
    } catch (err) {
      if (!res.headersSent && !res.hasHeader('x-amzn-RequestId')) res.setHeader('x-amzn-RequestId', requestId);
      renderError(res, toServiceError(err, log, requestId), service.protocol);
    }
  }

  const { port } = await server.listen(options.port, options.host);
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const endpoint = `http://${host}:${port}`;
  platform.endpoint = endpoint;
  for (const s of services) await s.start?.();

  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    port,
    platform,
    stop() {
      stopping ??= (async () => {
        const closed = server.close();
        server.closeIdleConnections();
        for (const s of [...services].reverse()) await s.close?.();
        server.closeAllConnections();
        await closed;
        platform.store.close();
      })();
      return stopping;
    },
  };
}
