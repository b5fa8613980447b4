// A response as handlers write it: the subset of node's ServerResponse Nimbus uses, with node's
// rules for what the client must never see (invalid header names and values throw, as node's do)
// and for framing (Content-Length when the whole body is known at once, chunked otherwise, nothing
// for HEAD, 1xx, 204 and 304). The head goes out with the first body bytes in one write.
import { EventEmitter } from 'node:events';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';

export type HeaderValue = string | number | readonly string[];
export type OutgoingHeaders = Record<string, HeaderValue | undefined>;

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const BAD_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
const EMPTY = Buffer.alloc(0);
/** Bodies up to this size are copied behind the head to go out in one write; larger ones go by writev. */
const SINGLE_WRITE_BYTES = 64 * 1024;

/** What the connection needs to know of each response. */
export interface ResponseOwner {
  readonly socket: Socket;
  /** The response has been written in full. */
  responseDone(res: HttpResponse): void;
}

export class HttpResponse extends EventEmitter {
  statusCode = 200;
  statusMessage: string | undefined;
  /** Set by writeHead (or the first write): headers can no longer change. */
  headersSent = false;
  writableEnded = false;
  private headers: Map<string, [string, HeaderValue]> | undefined;
  private head = '';
  private chunked = false;
  private bodyAllowed = true;
  /** The connection stays open after this response. */
  keepAlive: boolean;

  constructor(
    private readonly owner: ResponseOwner,
    private readonly isHead: boolean,
    keepAlive: boolean,
    private readonly http10: boolean,
  ) {
    super();
    this.keepAlive = keepAlive;
  }

  get destroyed(): boolean {
    return this.owner.socket.destroyed;
  }

  setHeader(name: string, value: HeaderValue): this {
    if (this.headersSent) throw headersSent('set');
    (this.headers ??= new Map()).set(checkHeader(name, value), [name, value]);
    return this;
  }

  hasHeader(name: string): boolean {
    return this.headers?.has(name.toLowerCase()) ?? false;
  }

  writeHead(status: number, reasonOrHeaders?: string | OutgoingHeaders | readonly string[], maybeHeaders?: OutgoingHeaders | readonly string[]): this {
    if (this.headersSent) throw headersSent('write');
    const reason = typeof reasonOrHeaders === 'string' ? reasonOrHeaders : undefined;
    const given = typeof reasonOrHeaders === 'string' ? maybeHeaders : reasonOrHeaders;
    if (!Number.isInteger(status) || status < 100 || status > 999) {
      throw Object.assign(new RangeError(`Invalid status code: ${status}`), { code: 'ERR_HTTP_INVALID_STATUS_CODE' });
    }
    this.statusCode = status;
    if (reason !== undefined) this.statusMessage = reason;
    if (given !== undefined) {
      if (Array.isArray(given)) {
        for (let i = 0; i + 1 < given.length; i += 2) this.addHeader(given[i]!, given[i + 1]!);
      } else {
        for (const name in given as OutgoingHeaders) {
          const value = (given as OutgoingHeaders)[name];
          if (value !== undefined) this.setHeader(name, value);
        }
      }
    }
    this.headersSent = true;
    return this;
  }

  /** Writes a piece of the body: the response is sent chunked unless it set its Content-Length. */
  write(chunk: string | Buffer | Uint8Array): boolean {
    if (this.writableEnded) return false;
    const socket = this.owner.socket;
    if (this.head === '') this.buildHead(undefined);
    socket.cork();
    this.flushHead(socket);
    const ok = this.writePiece(socket, typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    socket.uncork();
    return ok;
  }

  end(chunk?: string | Buffer | Uint8Array): this {
    if (this.writableEnded) return this;
    this.writableEnded = true;
    const data = chunk === undefined ? EMPTY : typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const socket = this.owner.socket;
    if (socket.destroyed) {
      // Nothing to send: the client is gone.
    } else if (this.head === '') {
      // The usual case, head and whole body at once: one buffer, one write.
      this.buildHead(data.length);
      const head = this.head;
      this.head = SENT;
      const body = this.bodyAllowed ? data : EMPTY;
      if (body.length > SINGLE_WRITE_BYTES) {
        socket.cork();
        socket.write(head, 'latin1');
        socket.write(body);
        socket.uncork();
      } else {
        const out = Buffer.allocUnsafe(head.length + body.length);
        out.write(head, 0, 'latin1');
        out.set(body, head.length);
        socket.write(out);
      }
    } else {
      socket.cork();
      this.flushHead(socket);
      this.writePiece(socket, data);
      if (this.bodyAllowed && this.chunked) socket.write('0\r\n\r\n', 'latin1');
      socket.uncork();
    }
    this.owner.responseDone(this);
    if (this.listenerCount('finish') > 0 || this.listenerCount('close') > 0) {
      process.nextTick(() => {
        this.emit('finish');
        this.emit('close');
      });
    }
    return this;
  }

  /** Sends `source` as the body, pausing it while the socket's send buffer is full. */
  stream(source: Readable): void {
    source.on('data', (chunk: Buffer) => {
      if (!this.write(chunk)) {
        source.pause();
        this.owner.socket.once('drain', () => source.resume());
      }
    });
    source.on('end', () => this.end());
    source.on('error', () => this.destroy());
  }

  destroy(): void {
    this.owner.socket.destroy();
  }

  /** The head, built once: with `knownLength` the whole body is known and framed by it. */
  private buildHead(knownLength: number | undefined): void {
    this.headersSent = true;
    const status = this.statusCode;
    this.bodyAllowed = !this.isHead && status >= 200 && status !== 204 && status !== 304;
    let head = `HTTP/1.1 ${status} ${this.statusMessage ?? STATUS_CODES[status] ?? 'unknown'}\r\n`;
    let framed = false;
    let dated = false;
    let connectionSet = false;
    for (const [lower, [name, value]] of this.headers ?? []) {
      if (lower === 'content-length' || lower === 'transfer-encoding') framed = true;
      else if (lower === 'date') dated = true;
      else if (lower === 'connection') {
        connectionSet = true;
        if (/(^|,)\s*close\s*(,|$)/i.test(String(value))) this.keepAlive = false;
      }
      if (Array.isArray(value)) for (const v of value) head += `${name}: ${v}\r\n`;
      else head += `${name}: ${value as string | number}\r\n`;
    }
    if (!dated) head += `Date: ${httpDate()}\r\n`;
    if (!framed && this.bodyAllowed) {
      if (knownLength !== undefined) head += `Content-Length: ${knownLength}\r\n`;
      else if (this.http10) this.keepAlive = false;
      else (head += 'Transfer-Encoding: chunked\r\n'), (this.chunked = true);
    }
    if (!connectionSet) head += this.keepAlive ? 'Connection: keep-alive\r\nKeep-Alive: timeout=65\r\n' : 'Connection: close\r\n';
    this.head = head + '\r\n';
  }

  /** One piece of the body, framed as a chunk when the response is chunked. */
  private writePiece(socket: Socket, data: Buffer | Uint8Array): boolean {
    if (!this.bodyAllowed || data.length === 0) return true;
    if (this.chunked) socket.write(`${data.length.toString(16)}\r\n`, 'latin1');
    const ok = socket.write(data);
    if (this.chunked) socket.write('\r\n', 'latin1');
    return ok;
  }

  private flushHead(socket: Socket): void {
    if (this.head === '' || this.head === SENT) return;
    socket.write(this.head, 'latin1');
    this.head = SENT;
  }

  /** writeHead's flat-array form may repeat a name: each becomes its own line. */
  private addHeader(name: string, value: string): void {
    const lower = checkHeader(name, value);
    const prior = this.headers?.get(lower);
    if (prior) prior[1] = ([] as string[]).concat(prior[1] as string | string[], value);
    else (this.headers ??= new Map()).set(lower, [name, value]);
  }
}

const SENT = '\0sent';

/** Names already checked, with their lower-case form: services set the same few. */
const checkedNames = new Map<string, string>();
const MAX_CHECKED_NAMES = 512;

/** Throws as node does for a header that must not be sent; returns the name in lower case. */
function checkHeader(name: string, value: HeaderValue): string {
  let lower = checkedNames.get(name);
  if (lower === undefined) {
    if (!TOKEN.test(name)) {
      throw Object.assign(new TypeError(`Header name must be a valid HTTP token ["${name}"]`), { code: 'ERR_INVALID_HTTP_TOKEN' });
    }
    lower = name.toLowerCase();
    if (checkedNames.size < MAX_CHECKED_NAMES) checkedNames.set(name, lower);
  }
  if (value === undefined) {
    throw Object.assign(new TypeError(`Invalid value "undefined" for header "${name}"`), { code: 'ERR_HTTP_INVALID_HEADER_VALUE' });
  }
  if (typeof value === 'number') return lower;
  if (typeof value === 'string' ? BAD_VALUE.test(value) : value.some((v) => BAD_VALUE.test(String(v)))) {
    throw Object.assign(new TypeError(`Invalid character in header content ["${name}"]`), { code: 'ERR_INVALID_CHAR' });
  }
  return lower;
}

function headersSent(what: string): Error {
  return Object.assign(new Error(`Cannot ${what} headers after they are sent to the client`), { code: 'ERR_HTTP_HEADERS_SENT' });
}

let dateSecond = -1;
let dateText = '';
/** The Date header, formatted at most once a second. */
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}
