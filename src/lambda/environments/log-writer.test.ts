import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LogWriter, logStreamName } from './log-writer.js';
import type { LogSink } from './types.js';

function collector() {
  const puts: { group: string; stream: string; messages: string[] }[] = [];
  const text = (message: string | (() => string)) => (typeof message === 'string' ? message : message());
  const sink: LogSink = { put: (_a, _r, group, stream, events) => puts.push({ group, stream, messages: events.map((e) => text(e.message)) }) };
  return { puts, sink };
}

const target = { accountId: '000000000000', region: 'us-east-1', group: '/aws/lambda/f', stream: 's' };

describe('LogWriter', () => {
  it('splits a stream into line events across chunk boundaries, batching puts', async () => {
    const { puts, sink } = collector();
    const w = new LogWriter(sink);
    w.setTarget(target);
    const out = new PassThrough();
    w.attach(out);
    out.write('one\ntw');
    out.write('o\nthree');
    out.end();
    await new Promise((r) => out.on('end', r));
    await new Promise((r) => setImmediate(r));
    w.flush();
    expect(puts).toHaveLength(1);
    expect(puts[0]!.messages).toEqual(['one\n', 'two\n', 'three\n']);
  });

  it('keeps the last 4 KB of an invocation as its tail', () => {
    const { sink } = collector();
    const w = new LogWriter(sink);
    w.setTarget(target);
    w.line('before the invocation\n');
    w.beginTail();
    for (let i = 0; i < 200; i++) w.line(`line ${i} ${'x'.repeat(50)}\n`);
    const tail = Buffer.from(w.endTail()!, 'base64').toString();
    expect(tail.length).toBe(4096);
    expect(tail.endsWith(`line 199 ${'x'.repeat(50)}\n`)).toBe(true);
    expect(tail).not.toContain('before the invocation');
    w.beginTail();
    w.line('short\n');
    expect(Buffer.from(w.endTail()!, 'base64').toString()).toBe('short\n');
  });

  it('drops nothing when the sink fails, and never throws', () => {
    const w = new LogWriter({ put: () => { throw new Error('store down'); } });
    w.setTarget(target);
    w.line('x\n');
    expect(() => w.flush()).not.toThrow();
  });

  it('names streams as Lambda does', () => {
    expect(logStreamName(new Date(Date.UTC(2024, 0, 5)), '$LATEST', 'a'.repeat(32))).toBe(`2024/01/05/[$LATEST]${'a'.repeat(32)}`);
  });
});
