// The process that starts Nimbus's execution environments (see launcher.ts). Forking copies the
// forking process's page tables, and Node's spawn waits for the child to exec: from Nimbus, whose
// memory grows with its store and caches, a start blocked every request for 5–30 ms. From this
// small process it costs Nimbus one message. Plain JS with no dependencies, shipped as source.
//
// Messages from Nimbus: { op: 'spawn', id, command, args, env, cwd, channel }.
// Messages to Nimbus, per id: 'started' (with pid and the child's stdout as handle), 'stderr' and,
// with `channel`, 'channel' (each with that pipe as handle), then 'exit' { code, signal }; or
// 'error' { message } when the process could not be started. The pipes leave this process with
// their handles: only Nimbus reads them.
'use strict';
const { spawn } = require('node:child_process');

process.on('message', (msg) => {
  if (!msg || msg.op !== 'spawn') return;
  const { id } = msg;
  let child;
  try {
    child = spawn(msg.command, msg.args, {
      env: msg.env,
      cwd: msg.cwd,
      detached: true, // own process group: one kill reaches every process it started
      stdio: msg.channel ? ['ignore', 'pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    process.send({ op: 'error', id, message: err.message });
    return;
  }
  child.once('error', (err) => process.send({ op: 'error', id, message: err.message }));
  child.once('exit', (code, signal) => process.send({ op: 'exit', id, code, signal }));
  if (child.pid === undefined) return; // 'error' follows
  // Node starts reading a pipe as soon as it wraps it; bytes read here would never reach Nimbus
  // (a runtime's first poll lost, and with it the environment). Nothing is read before this
  // synchronous stop: reads happen only once the event loop turns.
  for (const pipe of [child.stdout, child.stderr, child.stdio[3]]) pipe?._handle?.readStop();
  process.send({ op: 'started', id, pid: child.pid }, child.stdout);
  process.send({ op: 'stderr', id }, child.stderr);
  if (msg.channel) process.send({ op: 'channel', id }, child.stdio[3]);
});

// Nimbus is gone (even after a kill -9): nothing is left to report to. The environments notice
// on their own: their Runtime API channel or listener went with Nimbus.
process.on('disconnect', () => process.exit(0));
