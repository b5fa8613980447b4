// The floors the Lambda benchmark compares Nimbus with, each a node:http server in its own process:
//   echo  — answers each POST with its body (one loopback round trip: the bare floor);
//   relay — hands each body to a child process over a socket pair and answers with what the child
//           sends back: the least any design pays that runs the function in a process of its own.
//   runtime — the same relay with Nimbus's own Node runtime as the child, speaking its runtime
//           channel (src/lambda/environments/runtime-channel.ts) to an `event => event` handler:
//           what a warm invoke would cost if Nimbus's server did nothing but relay.
// Prints its port once it listens.
'use strict';
const { spawn } = require('node:child_process');
const http = require('node:http');

const mode = process.argv[2] ?? 'echo';

function readBody(req, done) {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => done(Buffer.concat(chunks)));
}

function reply(res, body) {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
}

let handle = (body, res) => reply(res, body);
if (mode === 'relay') {
  // The child echoes length-prefixed frames back on fd 3.
  const childSource = `const s = new (require('node:net').Socket)({ fd: 3 });
    let buf = Buffer.alloc(0);
    s.on('data', (c) => {
      buf = buf.length ? Buffer.concat([buf, c]) : c;
      while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
        const n = 4 + buf.readUInt32BE(0);
        s.write(buf.subarray(0, n));
        buf = buf.subarray(n);
      }
    });`;
  const child = spawn(process.execPath, ['-e', childSource], { stdio: ['ignore', 'inherit', 'inherit', 'pipe'] });
  const channel = child.stdio[3];
  const waiting = [];
  let buf = Buffer.alloc(0);
  channel.on('data', (c) => {
    buf = buf.length ? Buffer.concat([buf, c]) : c;
    while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
      const n = 4 + buf.readUInt32BE(0);
      reply(waiting.shift(), buf.subarray(4, n));
      buf = buf.subarray(n);
    }
  });
  process.on('exit', () => child.kill());
  handle = (body, res) => {
    const prefix = Buffer.allocUnsafe(4);
    prefix.writeUInt32BE(body.length, 0);
    waiting.push(res);
    channel.write(Buffer.concat([prefix, body]));
  };
}

if (mode === 'runtime') {
  const { mkdtempSync, writeFileSync } = require('node:fs');
  const { join } = require('node:path');
  const task = mkdtempSync(join(require('node:os').tmpdir(), 'nimbus-floor-'));
  writeFileSync(join(task, 'index.mjs'), 'export const handler = async (event) => event;\n');
  const env = { PATH: '/usr/bin:/bin', _HANDLER: 'index.handler', LAMBDA_TASK_ROOT: task, AWS_LAMBDA_FUNCTION_NAME: 'floor', AWS_LAMBDA_FUNCTION_VERSION: '$LATEST', AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128' };
  const bootstrap = join(__dirname, '..', 'src', 'runtimes', 'node', 'bootstrap.mjs');
  const child = spawn(process.execPath, [bootstrap, '--channel-fd=3'], { cwd: task, env, stdio: ['ignore', 'inherit', 'inherit', 'pipe'] });
  const channel = child.stdio[3];
  const frame = (head, body) => {
    const h = Buffer.from(JSON.stringify(head));
    const f = Buffer.allocUnsafe(8 + h.length + body.length);
    f.writeUInt32BE(h.length, 0);
    f.writeUInt32BE(body.length, 4);
    h.copy(f, 8);
    body.copy(f, 8 + h.length);
    return f;
  };
  let polling = false; // the runtime's `next` is waiting for an event
  let queued; // an event that arrived before the runtime polled
  let waiting; // the response the runtime's answer goes to (one request at a time)
  let count = 0;
  let buf = Buffer.alloc(0);
  channel.on('data', (c) => {
    buf = buf.length ? Buffer.concat([buf, c]) : c;
    while (buf.length >= 8 && buf.length >= 8 + buf.readUInt32BE(0) + buf.readUInt32BE(4)) {
      const headLength = buf.readUInt32BE(0);
      const end = 8 + headLength + buf.readUInt32BE(4);
      const op = JSON.parse(buf.toString('utf8', 8, 8 + headLength)).op;
      if (op === 'response') reply(waiting, buf.subarray(8 + headLength, end));
      else if (op === 'next' && queued) channel.write(queued), (queued = undefined);
      else if (op === 'next') polling = true;
      buf = buf.subarray(end);
    }
  });
  process.on('exit', () => child.kill());
  handle = (body, res) => {
    waiting = res;
    const event = frame({ status: 200, headers: {
      'content-type': 'application/json',
      'lambda-runtime-aws-request-id': `floor-${count++}`,
      'lambda-runtime-deadline-ms': String(Date.now() + 3000),
      'lambda-runtime-invoked-function-arn': 'arn:aws:lambda:us-east-1:000000000000:function:floor',
      'lambda-runtime-trace-id': 'Root=1-00000000-000000000000000000000000;Sampled=0',
    } }, body);
    if (polling) (polling = false), channel.write(event);
    else queued = event;
  };
}

const server = http.createServer((req, res) => readBody(req, (body) => handle(body, res)));
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.on('SIGTERM', () => process.exit(0));
