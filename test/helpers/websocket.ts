// A WebSocket test client over `ws` that queues what it receives, so tests wait for the next
// message or the close instead of sleeping; and a collector HTTP server that functions post their
// events to, so tests wait for the event they expect.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';

class Queue<T> {
  private readonly items: T[] = [];
  private readonly waiters: Array<(t: T) => void> = [];
  push(t: T): void {
    const w = this.waiters.shift();
    if (w) w(t);
    else this.items.push(t);
  }
  next(): Promise<T> {
    const t = this.items.shift();
    return t !== undefined ? Promise.resolve(t) : new Promise((resolve) => this.waiters.push(resolve));
  }
}

export interface TestSocket {
  readonly ws: WebSocket;
  /** The next message (text frames as strings, binary frames as Buffers). */
  next(): Promise<string | Buffer>;
  nextJson(): Promise<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly closed: Promise<{ code: number; reason: string }>;
  send(data: string | Buffer): void;
}

/** Connects, resolving once open; rejects with the handshake's HTTP status when refused. */
export function connect(url: string, headers: Record<string, string> = {}, protocols: string[] = []): Promise<TestSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, { headers });
    const queue = new Queue<string | Buffer>();
    const closed = new Promise<{ code: number; reason: string }>((r) => ws.on('close', (code, reason) => r({ code, reason: reason.toString('utf8') })));
    ws.on('message', (data, isBinary) => queue.push(isBinary ? (data as Buffer) : data.toString()));
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => reject(Object.assign(new Error(`refused: ${res.statusCode}`), { status: res.statusCode, body })));
    });
    ws.on('error', reject);
    ws.on('open', () =>
      resolve({
        ws,
        next: () => queue.next(),
        nextJson: async () => JSON.parse(String(await queue.next())),
        closed,
        send: (d) => ws.send(d),
      }),
    );
  });
}

export interface Collector {
  readonly url: string;
  /** The next posted JSON document that satisfies `pred` (earlier ones that do not stay queued for others). */
  wait(pred: (doc: any) => boolean): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): Promise<void>;
}

export async function collector(): Promise<Collector> {
  const seen: unknown[] = [];
  const waiters: Array<{ pred: (d: any) => boolean; resolve: (d: unknown) => void }> = []; // eslint-disable-line @typescript-eslint/no-explicit-any
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      res.end('ok');
      const doc = JSON.parse(body);
      const i = waiters.findIndex((w) => w.pred(doc));
      if (i === -1) seen.push(doc);
      else waiters.splice(i, 1)[0]!.resolve(doc);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    wait(pred) {
      const i = seen.findIndex(pred);
      if (i !== -1) return Promise.resolve(seen.splice(i, 1)[0]);
      return new Promise((resolve) => waiters.push({ pred, resolve }));
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
