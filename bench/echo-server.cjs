// The floors the Lambda benchmark compares Nimbus with, each a node:http server in its own process:
//   echo  — answers each POST with its body (one loopback round trip: the bare floor);
//   relay — hands each body to a child process over a socket pair and answers with what the child
//           sends back: the least any design pays that runs the function in a process of its own.
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

const server = http.createServer((req, res) => readBody(req, (body) => handle(body, res)));
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.on('SIGTERM', () => process.exit(0));
