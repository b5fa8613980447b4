import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingHandler } from '../../../test/helpers/runtime-api-handler.js';
import { MAX_RESPONSE_BYTES, RuntimeApiServer } from './runtime-api.js';

function call(port: number, method: string, path: string, body?: Buffer, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString(), headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('Runtime API wire', () => {
  const seen: string[] = [];
  const handler = recordingHandler(seen);
  const server = new RuntimeApiServer(handler);
  let port = 0;
  beforeAll(async () => {
    port = await server.listen();
  });
  afterAll(() => server.close());

  it('routes the documented paths', async () => {
    const next = await call(port, 'GET', '/2018-06-01/runtime/invocation/next');
    expect(next.status).toBe(200);
    expect(next.headers['lambda-runtime-aws-request-id']).toBe('abc');
    expect(await call(port, 'POST', '/2018-06-01/runtime/invocation/abc/response', Buffer.from('"ok"'))).toMatchObject({ status: 202, body: '{"status":"OK"}' });
    expect((await call(port, 'POST', '/2018-06-01/runtime/invocation/abc/error', Buffer.from('{}'), { 'Lambda-Runtime-Function-Error-Type': 'E' })).status).toBe(202);
    expect((await call(port, 'POST', '/2018-06-01/runtime/init/error', Buffer.from('{"x":1}'), { 'Lambda-Runtime-Function-Error-Type': 'Init' })).status).toBe(202);
    expect(seen).toEqual(['response abc "ok"', 'error abc E {}', 'init Init {"x":1}']);
  });

  it('answers unknown request ids, unknown paths and oversized responses with errors', async () => {
    expect(await call(port, 'POST', '/2018-06-01/runtime/invocation/zzz/response', Buffer.from('1'))).toMatchObject({ status: 400 });
    // A malformed escape is an unknown id too (it once threw out of the listener: the process died).
    expect(await call(port, 'POST', '/2018-06-01/runtime/invocation/%ZZ/response', Buffer.from('1'))).toMatchObject({ status: 400 });
    expect((await call(port, 'GET', '/2018-06-01/runtime/nothing')).status).toBe(404);
    expect((await call(port, 'DELETE', '/2018-06-01/runtime/invocation/next')).status).toBe(404);
    const big = await call(port, 'POST', '/2018-06-01/runtime/invocation/abc/response', Buffer.alloc(MAX_RESPONSE_BYTES + 1, 0x20));
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body).errorType).toBe('RequestEntityTooLarge');
    expect(seen.at(-1)).toBe('too large abc');
  });
});
