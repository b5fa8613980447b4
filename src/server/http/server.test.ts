import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBody } from '../../protocol/http.js';
import { HttpServer, type HttpRequest, type HttpResponse } from './server.js';

let server: HttpServer;
let port: number;
const upgrades: { url: string; head: string }[] = [];
/** The last response each test's handler saw, for its `close` event. */
let lastRes: HttpResponse | undefined;

/** Echoes what it read: method, URL, headers, body. Some paths act differently. */
async function handle(req: HttpRequest, res: HttpResponse): Promise<void> {
  lastRes = res;
  if (req.url === '/early') {
    // Answers before reading the body: the body must still be skipped.
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('early');
    return;
  }
  if (req.url === '/hang') return;
  if (req.url === '/chunks') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('one,');
    res.write(Buffer.from('two,'));
    res.end('three');
    return;
  }
  if (req.url === '/bad-header') {
    try {
      res.setHeader('x-bad', 'a\r\nb');
    } catch (err) {
      res.writeHead(500, { 'x-code': (err as { code: string }).code });
      res.end();
    }
    return;
  }
  const body = await readBody(req, 1024 * 1024);
  const out = JSON.stringify({ method: req.method, url: req.url, headers: req.headers, raw: req.rawHeaders, body: body.toString(), version: req.httpVersion });
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(out);
}

beforeAll(async () => {
  server = new HttpServer(
    (req, res) => void handle(req, res).catch(() => undefined),
    (req, socket, head) => {
      upgrades.push({ url: req.url, head: head.toString() });
      socket.end('HTTP/1.1 101 Switching Protocols\r\n\r\n');
    },
    { keepAliveTimeoutMs: 5_000 },
  );
  ({ port } = await server.listen(0, '127.0.0.1'));
});

afterAll(async () => {
  server.closeAllConnections();
  await server.close();
});

/** Sends raw bytes and collects everything the server writes until it closes or `until` matches. */
function exchange(chunks: (string | Buffer)[], until?: RegExp, socket?: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = socket ?? connect(port, '127.0.0.1');
    let got = '';
    const done = () => resolve(got);
    s.on('data', (d) => {
      got += d.toString('latin1');
      if (until?.test(got)) {
        s.off('close', done);
        resolve(got);
      }
    });
    s.on('close', done);
    s.on('error', reject);
    (async () => {
      for (const c of chunks) {
        s.write(c);
        await new Promise((r) => setTimeout(r, 5));
      }
    })().catch(reject);
  });
}

const bodyOf = (response: string) => JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4)) as Record<string, any>;

describe('requests', () => {
  it('reads a Content-Length body split across packets', async () => {
    const res = await exchange(['POST /a?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello', ' world'], /\}$/);
    expect(res).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(res).toMatch(/\r\nConnection: keep-alive\r\nKeep-Alive: timeout=65\r\n/);
    expect(res).toMatch(/\r\nContent-Length: \d+\r\n/);
    expect(res).toMatch(/\r\nDate: \w{3}, \d\d \w{3} \d{4} /);
    expect(bodyOf(res)).toMatchObject({ method: 'POST', url: '/a?x=1', body: 'hello world', version: '1.1' });
  });

  it('decodes a chunked body with extensions and trailers', async () => {
    const res = await exchange(['POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhel', 'lo\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n'], /\}$/);
    expect(bodyOf(res).body).toBe('hello world');
  });

  it('joins repeated headers as node does and keeps the raw ones', async () => {
    const res = await exchange(
      ['GET /h HTTP/1.1\r\nHost: first\r\nhost: second\r\nCookie: a=1\r\nCookie: b=2\r\nX-Multi: 1\r\nX-Multi:  2 \r\nSet-Cookie: s\r\n\r\n'],
      /\}$/,
    );
    const seen = bodyOf(res);
    expect(seen.headers).toMatchObject({ host: 'first', cookie: 'a=1; b=2', 'x-multi': '1, 2', 'set-cookie': ['s'] });
    expect(seen.raw).toEqual(['Host', 'first', 'host', 'second', 'Cookie', 'a=1', 'Cookie', 'b=2', 'X-Multi', '1', 'X-Multi', '2', 'Set-Cookie', 's']);
  });

  it('answers pipelined requests in order on one connection', async () => {
    const two = 'GET /1 HTTP/1.1\r\nHost: h\r\n\r\nPOST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\nxGET /3 HTTP/1.1\r\nHost: h\r\n\r\n';
    const res = await exchange([two], /"url":"\/3"[^]*\}$/);
    const urls = [...res.matchAll(/"url":"(\/\d)"/g)].map((m) => m[1]);
    expect(urls).toEqual(['/1', '/2', '/3']);
  });

  it('skips a body the handler never read before the next request', async () => {
    const res = await exchange(['POST /early HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n01234', '56789GET /next HTTP/1.1\r\nHost: h\r\n\r\n'], /"url":"\/next"[^]*\}$/);
    expect(res).toMatch(/^HTTP\/1\.1 200 OK[^]*early/);
    expect(bodyOf(res.slice(res.lastIndexOf('HTTP/1.1 200')))).toMatchObject({ url: '/next' });
  });

  it('sends 100 Continue to a client that expects it', async () => {
    const s = connect(port, '127.0.0.1');
    const first = await exchange(['POST /e HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n'], /100 Continue\r\n\r\n/, s);
    expect(first).toBe('HTTP/1.1 100 Continue\r\n\r\n');
    s.removeAllListeners('data');
    const rest = await exchange(['ok'], /\}$/, s);
    expect(bodyOf(rest).body).toBe('ok');
    s.destroy();
  });

  it('closes after answering an HTTP/1.0 request or one asking to close', async () => {
    const v10 = await exchange(['GET /x HTTP/1.0\r\n\r\n']);
    expect(v10).toMatch(/\r\nConnection: close\r\n/);
    expect(bodyOf(v10).version).toBe('1.0');
    const closing = await exchange(['GET /y HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n']);
    expect(bodyOf(closing).url).toBe('/y');
  });

  it('tells the response when the client goes away before the answer', async () => {
    const s = connect(port, '127.0.0.1');
    s.write('GET /hang HTTP/1.1\r\nHost: h\r\n\r\n');
    await new Promise((r) => setTimeout(r, 50));
    const closed = new Promise((r) => lastRes!.once('close', r));
    s.end();
    await closed;
  });

  it('hands an upgrade request and the bytes after it to the upgrade handler', async () => {
    const res = await exchange(['GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nframe']);
    expect(res).toBe('HTTP/1.1 101 Switching Protocols\r\n\r\n');
    expect(upgrades).toContainEqual({ url: '/ws', head: 'frame' });
  });
});

describe('malformed requests', () => {
  const rejected: [string, string, number][] = [
    ['a request line without a version', 'GET /\r\n\r\n', 400],
    ['an unknown protocol version', 'GET / HTTP/2.0\r\n\r\n', 505],
    ['a header without a colon', 'GET / HTTP/1.1\r\nHost h\r\n\r\n', 400],
    ['a space before the colon', 'GET / HTTP/1.1\r\nHost : h\r\n\r\n', 400],
    ['a folded header line', 'GET / HTTP/1.1\r\nX-A: 1\r\n 2\r\n\r\n', 400],
    ['a control character in a value', 'GET / HTTP/1.1\r\nX-A: a\x01b\r\n\r\n', 400],
    ['a bare LF inside a line', 'GET / HTTP/1.1\r\nX-A: a\nX-B: b\r\n\r\n', 400],
    ['a bare CR inside a line', 'GET / HTTP/1.1\r\nX-A: a\rb\r\n\r\n', 400],
    ['both Content-Length and Transfer-Encoding', 'POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400],
    ['two different Content-Lengths', 'POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab', 400],
    ['a non-numeric Content-Length', 'POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n', 400],
    ['a transfer coding other than chunked last', 'POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n', 400],
    ['an expectation other than 100-continue', 'POST / HTTP/1.1\r\nExpect: magic\r\nContent-Length: 0\r\n\r\n', 417],
  ];
  it.each(rejected)('refuses %s', async (_name, raw, status) => {
    const res = await exchange([raw]);
    expect(res).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
    expect(res).toMatch(/\r\nConnection: close\r\n/);
  });

  it('refuses a head larger than 16 KB with 431', async () => {
    const res = await exchange([`GET / HTTP/1.1\r\nX-Big: ${'a'.repeat(17 * 1024)}\r\n\r\n`]);
    expect(res).toMatch(/^HTTP\/1\.1 431 /);
  });

  it('drops the connection on a malformed chunk size', async () => {
    const res = await exchange(['POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n']);
    expect(res).toBe('');
  });

  it('keeps serving other connections after all of them', async () => {
    const res = await exchange(['GET /after HTTP/1.1\r\nHost: h\r\n\r\n'], /\}$/);
    expect(bodyOf(res).url).toBe('/after');
  });
});

describe('responses', () => {
  it('sends bodies written in pieces chunked', async () => {
    const res = await exchange(['GET /chunks HTTP/1.1\r\nHost: h\r\n\r\n'], /0\r\n\r\n$/);
    expect(res).toMatch(/\r\nTransfer-Encoding: chunked\r\n/);
    expect(res.slice(res.indexOf('\r\n\r\n') + 4)).toBe('4\r\none,\r\n4\r\ntwo,\r\n5\r\nthree\r\n0\r\n\r\n');
  });

  it('sends no body for HEAD', async () => {
    const s = connect(port, '127.0.0.1');
    const res = await exchange(['HEAD /h HTTP/1.1\r\nHost: h\r\n\r\n'], /\r\n\r\n/, s);
    await new Promise((r) => setTimeout(r, 50));
    s.destroy();
    expect(res.endsWith('\r\n\r\n')).toBe(true);
  });

  it('refuses a header value that would split the response, as node does', async () => {
    const res = await exchange(['GET /bad-header HTTP/1.1\r\nHost: h\r\n\r\n'], /\r\n\r\n/);
    expect(res).toMatch(/^HTTP\/1\.1 500 [^]*\r\nx-code: ERR_INVALID_CHAR\r\n/);
  });
});

describe('slow requests', () => {
  let slow: HttpServer;
  let slowPort: number;
  let aborted = 0;
  beforeAll(async () => {
    slow = new HttpServer(
      (req, res) => {
        if (req.url === '/wait') setTimeout(() => res.end('late answer'), 1_200);
        else void readBody(req, 1024).then((body) => res.end(`got ${body.length}`), () => aborted++);
      },
      (_req, socket) => socket.destroy(),
      { keepAliveTimeoutMs: 5_000, headersTimeoutMs: 300, requestTimeoutMs: 600 },
    );
    ({ port: slowPort } = await slow.listen(0, '127.0.0.1'));
  });
  afterAll(async () => {
    slow.closeAllConnections();
    await slow.close();
  });

  const toSlow = () => connect(slowPort, '127.0.0.1');

  it('answers 408 to a head that has not arrived in time, as node does, and closes', async () => {
    const started = Date.now();
    const res = await exchange(['GET / HTTP/1.1\r\n', 'Host: h\r\n'], undefined, toSlow());
    expect(res).toBe('HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('drops a request whose body stops coming, and its handler sees it aborted', async () => {
    const before = aborted;
    const res = await exchange(['POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n', 'only part'], undefined, toSlow());
    expect(res).toBe('');
    await new Promise((r) => setTimeout(r, 50)); // the server's side of the close
    expect(aborted).toBe(before + 1);
  });

  it('lets a slow but complete head through, and does not limit the wait for a response', async () => {
    const s = toSlow();
    const res = await exchange(['POST /x HTTP/1.1\r\n', 'Host: h\r\n', 'Content-Length: 2\r\n\r\n', 'ok'], /got 2$/, s);
    expect(res).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    const late = await exchange(['GET /wait HTTP/1.1\r\nHost: h\r\n\r\n'], /late answer$/, s);
    expect(late).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*late answer$/);
    s.destroy();
  });
});
