// One client connection: reads request heads and bodies off the socket, hands each request to the
// server's handler, and keeps pipelined requests waiting until the response before them is written
// (responses go back in order). A malformed request is answered with its 4xx and the connection
// closed; nothing a client sends can throw out of here.
import type { Socket } from 'node:net';
import { HttpParseError, parseHead, type RequestHead } from './head.js';
import { HttpRequest } from './request.js';
import { HttpResponse, type ResponseOwner } from './response.js';

export type RequestHandler = (req: HttpRequest, res: HttpResponse) => void;
export type UpgradeHandler = (req: HttpRequest, socket: Socket, head: Buffer) => void;

/** node's default limit for a request head. */
const MAX_HEAD_BYTES = 16 * 1024;
/** Pipelined bytes held while a response is pending before the socket stops being read. */
const MAX_HELD_BYTES = 1024 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n');

type State = 'head' | 'body' | 'waiting' | 'closed';

export class Connection implements ResponseOwner {
  private buffer: Buffer | undefined;
  private state: State = 'head';
  private req: HttpRequest | undefined;
  private res: HttpResponse | undefined;
  /** Body bytes still to come (Content-Length framing). */
  private remaining = 0;
  private chunks: ChunkedBody | undefined;
  private responded = false;
  /** The client has ended or closed the connection. */
  private gone = false;
  /** When the connection last became idle (no request in progress), for the keep-alive timeout. */
  idleSince: number = Date.now();
  /** When the request being read began to arrive; undefined once it is in (or none is coming). */
  private receivingSince: number | undefined;

  constructor(
    readonly socket: Socket,
    private readonly onRequest: RequestHandler,
    private readonly onUpgrade: UpgradeHandler,
    private readonly onClose: (c: Connection) => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.received(chunk));
    socket.on('error', () => undefined);
    socket.on('end', () => this.ended());
    socket.on('close', () => this.closed());
  }

  get idle(): boolean {
    return this.state === 'head' && this.buffer === undefined;
  }

  private received(chunk: Buffer): void {
    if (this.state === 'head' && this.buffer === undefined) this.receivingSince = Date.now();
    this.buffer = this.buffer === undefined ? chunk : Buffer.concat([this.buffer, chunk]);
    this.advanceOrFail();
  }

  private advanceOrFail(): void {
    try {
      this.advance();
    } catch (err) {
      this.fail(err instanceof HttpParseError ? err : new HttpParseError(400, 'Bad Request'));
    }
  }

  private advance(): void {
    while (this.buffer !== undefined) {
      if (this.state === 'head') {
        if (!this.readHead()) break;
      } else if (this.state === 'body') {
        if (!this.readBody()) break;
      } else {
        if (this.state === 'waiting' && this.buffer.length > MAX_HELD_BYTES) this.socket.pause();
        break;
      }
    }
  }

  private readHead(): boolean {
    const buf = this.buffer!;
    let start = 0;
    // An empty line or two before a request line is tolerated (RFC 9112 §2.2).
    while (start + 1 < buf.length && buf[start] === 13 && buf[start + 1] === 10) start += 2;
    const end = buf.indexOf(HEAD_END, start);
    if (end === -1) {
      if (buf.length - start > MAX_HEAD_BYTES) throw new HttpParseError(431, 'Request Header Fields Too Large');
      this.buffer = start === buf.length ? undefined : buf.subarray(start);
      return false;
    }
    if (end - start > MAX_HEAD_BYTES) throw new HttpParseError(431, 'Request Header Fields Too Large');
    const head = parseHead(buf.toString('latin1', start, end));
    this.take(end + 4);
    this.begin(head);
    return this.state !== 'closed';
  }

  private begin(head: RequestHead): void {
    const req = new HttpRequest(head, this.socket);
    if (head.upgrade) {
      // The service owns the socket from here on, with whatever followed the head.
      this.state = 'closed';
      this.socket.removeAllListeners('data');
      this.socket.removeAllListeners('end');
      this.socket.removeAllListeners('close');
      this.onClose(this);
      const rest = this.buffer ?? Buffer.alloc(0);
      this.buffer = undefined;
      this.onUpgrade(req, this.socket, rest);
      return;
    }
    const res = new HttpResponse(this, head.method === 'HEAD', head.keepAlive, head.httpVersion === '1.0');
    this.req = req;
    this.res = res;
    this.responded = false;
    if (head.chunked) {
      this.chunks = new ChunkedBody();
      this.state = 'body';
    } else if (head.contentLength > 0) {
      this.remaining = head.contentLength;
      this.state = 'body';
    } else {
      this.state = 'waiting';
      this.receivingSince = undefined;
      req.finish();
    }
    if (head.expectContinue && this.state === 'body') this.socket.write('HTTP/1.1 100 Continue\r\n\r\n', 'latin1');
    this.onRequest(req, res);
  }

  private readBody(): boolean {
    const buf = this.buffer!;
    if (this.chunks) {
      const { data, used, done } = this.chunks.decode(buf);
      this.take(used);
      for (const piece of data) this.req!.push(piece);
      if (!done) return this.buffer !== undefined && used > 0;
      this.chunks = undefined;
    } else {
      const n = Math.min(this.remaining, buf.length);
      this.take(n);
      this.remaining -= n;
      this.req!.push(n === buf.length ? buf : buf.subarray(0, n));
      if (this.remaining > 0) return false;
    }
    this.req!.finish();
    this.state = 'waiting';
    this.receivingSince = undefined;
    if (this.responded) this.next();
    return true;
  }

  /** Drops the first `n` bytes of the buffer. */
  private take(n: number): void {
    const buf = this.buffer!;
    this.buffer = n >= buf.length ? undefined : buf.subarray(n);
  }

  responseDone(res: HttpResponse): void {
    if (res !== this.res || this.state === 'closed') return;
    this.responded = true;
    if (!res.keepAlive) {
      this.state = 'closed';
      this.socket.end();
      return;
    }
    // A body nobody read is read and dropped before the next request.
    if (this.state === 'body') this.req!.resume();
    else this.next();
  }

  private next(): void {
    this.req = undefined;
    this.res = undefined;
    this.state = 'head';
    this.idleSince = Date.now();
    if (this.socket.isPaused()) this.socket.resume();
    if (this.buffer !== undefined) {
      this.receivingSince = Date.now();
      // Pipelined requests: handled after this turn, so the response just written goes first.
      setImmediate(() => this.advanceOrFail());
    }
  }

  /**
   * Gives up on a request that is arriving too slowly, as node's server does (headersTimeout,
   * requestTimeout): a head begun before `headBefore` gets 408 and the connection closes; a request
   * begun before `requestBefore` whose body is still coming loses its connection (its handler has
   * it, and sees it aborted). Waiting for a response is not limited (long polls).
   */
  expireSlowRequest(headBefore: number, requestBefore: number): void {
    const since = this.receivingSince;
    if (since === undefined) return;
    if (this.state === 'head' && since <= headBefore) this.fail(new HttpParseError(408, 'Request Timeout'));
    else if (this.state === 'body' && since <= requestBefore) this.socket.destroy();
  }

  private fail(err: HttpParseError): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.buffer = undefined;
    if (this.req && !this.responded) {
      // The request's own body was malformed: its handler's answer can no longer be framed.
      this.socket.destroy();
      return;
    }
    this.socket.end(`HTTP/1.1 ${err.status} ${err.message}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`, 'latin1');
  }

  /**
   * The client will send nothing more. As with node's server, that means it has gone: a request in
   * progress is aborted (a long poll must not hand work to nobody) and the connection ends.
   */
  private ended(): void {
    this.closed();
    if (!this.socket.destroyed) this.socket.end();
  }

  private closed(): void {
    if (this.gone) return;
    this.gone = true;
    this.state = 'closed';
    this.buffer = undefined;
    this.req?.abort();
    if (this.res && !this.res.writableEnded) this.res.emit('close');
    this.req = undefined;
    this.res = undefined;
    this.onClose(this);
  }
}

/**
 * Decodes a chunked body incrementally: `decode` consumes what it can of `buf` and says how much,
 * returning the data inside. Chunk extensions and trailers are read and dropped.
 */
class ChunkedBody {
  /** Data bytes left in the current chunk; -1 between chunks; -2 reading trailers. */
  private left = -1;
  /** The CRLF after a chunk's data is still to come. */
  private needCrlf = false;

  decode(buf: Buffer): { data: Buffer[]; used: number; done: boolean } {
    const data: Buffer[] = [];
    let at = 0;
    for (;;) {
      if (this.needCrlf) {
        if (buf.length - at < 2) return { data, used: at, done: false };
        if (buf[at] !== 13 || buf[at + 1] !== 10) throw new HttpParseError(400, 'Bad Request');
        at += 2;
        this.needCrlf = false;
      }
      if (this.left > 0) {
        const n = Math.min(this.left, buf.length - at);
        if (n === 0) return { data, used: at, done: false };
        data.push(buf.subarray(at, at + n));
        at += n;
        this.left -= n;
        if (this.left === 0) (this.left = -1), (this.needCrlf = true);
        continue;
      }
      const eol = buf.indexOf('\r\n', at, 'latin1');
      if (eol === -1) {
        if (buf.length - at > MAX_HEAD_BYTES) throw new HttpParseError(400, 'Bad Request');
        return { data, used: at, done: false };
      }
      const line = buf.toString('latin1', at, eol);
      at = eol + 2;
      if (this.left === -2) {
        // Trailer fields, ended by an empty line.
        if (line === '') return { data, used: at, done: true };
        continue;
      }
      const size = /^([0-9A-Fa-f]{1,12})[ \t]*(;.*)?$/.exec(line);
      if (!size) throw new HttpParseError(400, 'Bad Request');
      const n = parseInt(size[1]!, 16);
      if (n === 0) this.left = -2;
      else this.left = n;
    }
  }
}
