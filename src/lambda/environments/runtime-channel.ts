// The Runtime API for Nimbus's own bootstraps (Node.js and Python): the same requests and answers
// as the HTTP Runtime API, as frames on a socket pair the runtime inherits as file descriptor 3.
// Custom runtimes keep HTTP. On the warm path HTTP costs more than the invocation: this channel
// spares each event the 202 that wakes the runtime for nothing, an HTTP parser on both sides and
// the peer check (only the environment's own processes hold the descriptor).
//
// A frame is: u32 head length, u32 body length (big-endian), the head (JSON), the body (bytes).
//   runtime → Nimbus head: { op: 'next' | 'response' | 'chunk' | 'error' | 'init-error' | 'claim',
//                            requestId?, errorType?, contentType?, reply? }
//   Nimbus → runtime head: { status, headers } (header names lower-case, as HTTP delivers them)
// `next` and `claim` are answered when their answer is ready; `response`, `error` and
// `init-error` only when the frame asks for a reply (a runtime about to exit waits for it).
import type { Socket } from 'node:net';
import { MAX_ERROR_BYTES, MAX_RESPONSE_BYTES, NOT_FOUND, type ApiAnswer, type PendingPoll, type RuntimeApiHandler } from './runtime-api.js';

/** Heads carry a request id and an error type; anything larger is not a runtime talking. */
const MAX_HEAD_BYTES = 16 * 1024;
const PREFIX_BYTES = 8;

export const CHANNEL_FD = 3;

interface RequestHead {
  readonly op?: unknown;
  readonly requestId?: unknown;
  readonly errorType?: unknown;
  readonly contentType?: unknown;
  readonly reply?: unknown;
}

/** Encodes one Nimbus → runtime frame, in one buffer (one write). */
function encodeFrame(head: unknown, body: Buffer | string): Buffer {
  return encodeFrameText(JSON.stringify(head), body);
}

function encodeFrameText(headText: string, body: Buffer | string): Buffer {
  const headLength = Buffer.byteLength(headText);
  const bodyLength = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  const frame = Buffer.allocUnsafe(PREFIX_BYTES + headLength + bodyLength);
  frame.writeUInt32BE(headLength, 0);
  frame.writeUInt32BE(bodyLength, 4);
  frame.write(headText, PREFIX_BYTES, 'utf8');
  if (typeof body === 'string') frame.write(body, PREFIX_BYTES + headLength, 'utf8');
  else body.copy(frame, PREFIX_BYTES + headLength);
  return frame;
}

/** Characters a JSON string cannot hold as they are. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;

/**
 * `{"status":200,"headers":{…}}` for an event or a claim, written out directly: this runs once per
 * invocation, and the values (request ids, ARNs, numbers) rarely need escaping.
 */
function answerHead(headers: ReadonlyArray<readonly [string, string]>): string {
  let text = '{"status":200,"headers":{';
  for (let i = 0; i < headers.length; i++) {
    const [name, value] = headers[i]!;
    if (i > 0) text += ',';
    text += NEEDS_ESCAPE.test(name) ? JSON.stringify(name) : `"${name}"`;
    text += NEEDS_ESCAPE.test(value) ? `:${JSON.stringify(value)}` : `:"${value}"`;
  }
  return text + '}}';
}

export class RuntimeChannel {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Bytes of an oversized body still to be discarded, and what to do once they are. */
  private skipping = 0;
  private afterSkip?: () => void;

  constructor(
    private readonly socket: Socket,
    private readonly handler: RuntimeApiHandler,
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => {}); // the runtime's exit is handled by the environment
  }

  close(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    if (this.skipping > 0) {
      const skipped = Math.min(this.skipping, chunk.length);
      this.skipping -= skipped;
      chunk = chunk.subarray(skipped);
      if (this.skipping > 0) return;
      const done = this.afterSkip;
      this.afterSkip = undefined;
      done?.();
    }
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    while (!this.socket.destroyed && this.buffered >= PREFIX_BYTES && this.skipping === 0 && this.nextFrame());
  }

  /** Handles one complete frame if it has arrived; returns whether it did. */
  private nextFrame(): boolean {
    const prefix = this.peek(PREFIX_BYTES);
    const headLength = prefix.readUInt32BE(0);
    const bodyLength = prefix.readUInt32BE(4);
    if (headLength > MAX_HEAD_BYTES) {
      this.socket.destroy();
      return false;
    }
    if (this.buffered < PREFIX_BYTES + headLength) return false;
    const head = this.parseHead(this.peek(PREFIX_BYTES + headLength).subarray(PREFIX_BYTES, PREFIX_BYTES + headLength));
    if (!head) {
      this.socket.destroy();
      return false;
    }
    const limit = head.op === 'response' || head.op === 'chunk' ? MAX_RESPONSE_BYTES : MAX_ERROR_BYTES;
    if (bodyLength > limit) {
      // Never buffer what cannot be accepted: drop the body as it streams by.
      this.consume(PREFIX_BYTES + headLength);
      const inBuffer = Math.min(bodyLength, this.buffered);
      this.consume(inBuffer);
      this.skipping = bodyLength - inBuffer;
      const done = () => this.dispatch(head, undefined);
      if (this.skipping > 0) this.afterSkip = done;
      else done();
      return true;
    }
    if (this.buffered < PREFIX_BYTES + headLength + bodyLength) return false;
    const end = PREFIX_BYTES + headLength + bodyLength;
    const body = this.peek(end).subarray(PREFIX_BYTES + headLength, end);
    this.consume(end);
    this.dispatch(head, body);
    return true;
  }

  /** A buffer starting with the first `n` buffered bytes (chunks are joined only when a frame spans them). */
  private peek(n: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= n) return first;
    const joined = Buffer.concat(this.chunks, this.buffered);
    this.chunks = [joined];
    return joined;
  }

  private consume(n: number): void {
    this.buffered -= n;
    while (n > 0) {
      const first = this.chunks[0]!;
      if (first.length <= n) {
        this.chunks.shift();
        n -= first.length;
      } else {
        this.chunks[0] = first.subarray(n);
        n = 0;
      }
    }
  }

  private parseHead(bytes: Buffer): RequestHead | undefined {
    try {
      const head = JSON.parse(bytes.toString('utf8')) as unknown;
      return head !== null && typeof head === 'object' ? (head as RequestHead) : undefined;
    } catch {
      return undefined;
    }
  }

  /** `body` is undefined when it was larger than the operation accepts. */
  private dispatch(head: RequestHead, body: Buffer | undefined): void {
    const requestId = typeof head.requestId === 'string' ? head.requestId : '';
    const errorType = typeof head.errorType === 'string' ? head.errorType : undefined;
    let answer: ApiAnswer;
    switch (head.op) {
      case 'next':
        this.handler.next(this.poll());
        return;
      case 'claim':
        this.handler.claimRequest(this.poll());
        return;
      case 'response':
        answer = body === undefined ? this.handler.responseTooLarge(requestId) : this.handler.response(requestId, body);
        break;
      case 'chunk':
        answer = body === undefined
          ? this.handler.responseTooLarge(requestId)
          : this.handler.chunk(requestId, body, typeof head.contentType === 'string' ? head.contentType : undefined);
        break;
      case 'error':
        answer = this.handler.error(requestId, body ?? Buffer.alloc(0), errorType);
        break;
      case 'init-error':
        answer = this.handler.initError(body ?? Buffer.alloc(0), errorType);
        break;
      default:
        answer = NOT_FOUND;
    }
    if (head.reply === true) this.write({ status: answer.status, headers: { 'content-type': 'application/json' } }, answer.body);
  }

  private poll(): PendingPoll {
    return {
      answer: (headers, body) => {
        if (!this.socket.destroyed) this.socket.write(encodeFrameText(answerHead(headers), body));
      },
      // The runtime waits for one answer at a time; a superseded poll is simply never answered.
      abandon: () => {},
    };
  }

  private write(head: unknown, body: Buffer | string): void {
    if (!this.socket.destroyed) this.socket.write(encodeFrame(head, body));
  }
}
