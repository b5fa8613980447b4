// A request as handlers see it: the subset of node's IncomingMessage Nimbus uses. The body comes
// as `data` events and one `end`, held until someone listens or calls resume(), then delivered a
// tick later (as node does), so listeners attached one after another all see every event.
import { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import type { RequestHead } from './head.js';

export class HttpRequest extends EventEmitter {
  readonly method: string;
  readonly url: string;
  readonly httpVersion: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders: string[];
  /** The whole body has arrived. */
  complete = false;
  private held: Buffer[] = [];
  private flowing = false;
  /** A delivery of held events is scheduled: new chunks queue behind it. */
  private scheduled = false;
  private ended = false;

  constructor(
    head: RequestHead,
    readonly socket: Socket,
  ) {
    super();
    this.method = head.method;
    this.url = head.url;
    this.httpVersion = head.httpVersion;
    this.headers = head.headers;
    this.rawHeaders = head.rawHeaders;
  }

  override on(event: string | symbol, listener: (...args: any[]) => void): this {
    super.on(event, listener);
    if (event === 'data') this.resume();
    return this;
  }

  /** Starts delivering the body; with no `data` listener it is read and dropped. */
  resume(): this {
    if (!this.flowing) {
      this.flowing = true;
      this.schedule();
    }
    return this;
  }

  /**
   * The whole body at once when it has all arrived and nothing has been read of it (a small body
   * usually comes with its head): no events, no tick. The request then counts as read.
   */
  takeBody(): Buffer | undefined {
    if (!this.complete || this.flowing) return undefined;
    this.flowing = true;
    this.ended = false;
    const held = this.held;
    this.held = [];
    return held.length === 1 ? held[0]! : Buffer.concat(held);
  }

  /** Called by the connection with each piece of the body. */
  push(chunk: Buffer): void {
    if (this.flowing && !this.scheduled) this.emit('data', chunk);
    else this.held.push(chunk);
  }

  /** Called by the connection once the body is complete. */
  finish(): void {
    this.complete = true;
    this.ended = true;
    if (this.flowing) this.schedule();
  }

  /** The client went away before the body was complete. */
  abort(): void {
    if (this.complete) return;
    const err = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    if (this.listenerCount('error') > 0) this.emit('error', err);
    this.emit('close');
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    process.nextTick(() => this.deliver());
  }

  private deliver(): void {
    this.scheduled = false;
    const held = this.held;
    this.held = [];
    for (const chunk of held) this.emit('data', chunk);
    if (this.ended) {
      this.ended = false;
      this.emit('end');
      this.emit('close');
    }
  }
}
