import { createServer, connect, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recordingHandler } from '../../../test/helpers/runtime-api-handler.js';
import { MAX_RESPONSE_BYTES, type RuntimeApiHandler } from './runtime-api.js';
import { RuntimeChannel } from './runtime-channel.js';

/** A connected socket pair: `nimbus` end wrapped in a RuntimeChannel, `runtime` end raw. */
async function pair(handler: RuntimeApiHandler): Promise<{ runtime: Socket; nimbus: Socket; dispose: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'channel-'));
  const path = join(dir, 's');
  const server = createServer();
  await new Promise<void>((r) => server.listen(path, r));
  const accepted = new Promise<Socket>((r) => server.once('connection', r));
  const runtime = connect(path);
  const nimbus = await accepted;
  new RuntimeChannel(nimbus, handler);
  return {
    runtime,
    nimbus,
    dispose: () => {
      runtime.destroy();
      nimbus.destroy();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function frame(head: unknown, body: Buffer | string = ''): Buffer {
  const h = Buffer.from(JSON.stringify(head));
  const b = typeof body === 'string' ? Buffer.from(body) : body;
  const prefix = Buffer.alloc(8);
  prefix.writeUInt32BE(h.length, 0);
  prefix.writeUInt32BE(b.length, 4);
  return Buffer.concat([prefix, h, b]);
}

/** Reads `count` answer frames from the runtime end. */
function answers(socket: Socket, count: number): Promise<{ head: { status: number; headers: Record<string, string> }; body: string }[]> {
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    const out: { head: { status: number; headers: Record<string, string> }; body: string }[] = [];
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 8) {
        const hl = buf.readUInt32BE(0);
        const bl = buf.readUInt32BE(4);
        if (buf.length < 8 + hl + bl) break;
        out.push({ head: JSON.parse(buf.toString('utf8', 8, 8 + hl)), body: buf.toString('utf8', 8 + hl, 8 + hl + bl) });
        buf = buf.subarray(8 + hl + bl);
        if (out.length === count) resolve(out);
      }
    });
  });
}

describe('Runtime channel', () => {
  const seen: string[] = [];
  const handler = recordingHandler(seen);
  let dispose = () => {};
  afterEach(() => {
    dispose();
    seen.length = 0;
  });

  it('answers next and claim, and replies to other requests only when asked', async () => {
    const p = await pair(handler);
    dispose = p.dispose;
    const got = answers(p.runtime, 4);
    p.runtime.write(frame({ op: 'claim' }));
    p.runtime.write(frame({ op: 'next' }));
    p.runtime.write(frame({ op: 'response', requestId: 'abc' }, '"ok"'));
    p.runtime.write(frame({ op: 'response', requestId: 'zzz', reply: true }, '1'));
    p.runtime.write(frame({ op: 'error', requestId: 'abc', errorType: 'E', reply: true }, '{}'));
    p.runtime.write(frame({ op: 'bogus', reply: true }));
    const [claim, next, refused, error] = await got;
    expect(claim).toEqual({ head: { status: 200, headers: {} }, body: '{"cwd":"/var/task"}' });
    expect(next!.head.headers['lambda-runtime-aws-request-id']).toBe('abc');
    expect(next!.body).toBe('{"k":1}');
    expect(refused!.head.status).toBe(400);
    expect(error!.head.status).toBe(202);
    expect(seen).toEqual(['response abc "ok"', 'response zzz 1', 'error abc E {}']);
  });

  it('carries any header value in an event: quotes, backslashes, control characters, non-ASCII', async () => {
    const headers: [string, string][] = [
      ['lambda-runtime-aws-request-id', 'abc'],
      ['lambda-runtime-client-context', '{"custom":{"q":"a\\"b\\\\c\\td"},"e":"é✓😀"}'],
      ['x-odd', 'line\u0001\u001fend'],
    ];
    const p = await pair({ ...handler, next: (poll) => poll.answer(headers, 'body') });
    dispose = p.dispose;
    const got = answers(p.runtime, 1);
    p.runtime.write(frame({ op: 'next' }));
    const [event] = await got;
    expect(event!.head).toEqual({ status: 200, headers: Object.fromEntries(headers) });
    expect(event!.body).toBe('body');
  });

  it('reassembles frames that arrive a byte at a time', async () => {
    const p = await pair(handler);
    dispose = p.dispose;
    const bytes = Buffer.concat([frame({ op: 'response', requestId: 'abc' }, '{"n":1}'), frame({ op: 'init-error', errorType: 'X', reply: true }, '{}')]);
    const got = answers(p.runtime, 1);
    for (const byte of bytes) {
      p.runtime.write(Buffer.from([byte]));
      await new Promise((r) => setImmediate(r));
    }
    expect((await got)[0]!.head.status).toBe(202);
    expect(seen).toEqual(['response abc {"n":1}', 'init X {}']);
  });

  it('discards an oversized response without buffering it and keeps reading after it', async () => {
    const p = await pair(handler);
    dispose = p.dispose;
    const got = answers(p.runtime, 1);
    p.runtime.write(frame({ op: 'response', requestId: 'abc' }, Buffer.alloc(MAX_RESPONSE_BYTES + 1, 0x20)));
    p.runtime.write(frame({ op: 'next' }));
    expect((await got)[0]!.body).toBe('{"k":1}');
    expect(seen).toEqual(['too large abc']);
  });

  it('closes the channel on a frame that is not the protocol', async () => {
    const p = await pair(handler);
    dispose = p.dispose;
    const closed = new Promise((r) => p.runtime.once('close', r));
    const prefix = Buffer.alloc(8);
    prefix.writeUInt32BE(3, 0);
    p.runtime.write(Buffer.concat([prefix, Buffer.from('{{{')]));
    await closed;
    expect(p.nimbus.destroyed).toBe(true);
    expect(seen).toEqual([]);
  });
});
