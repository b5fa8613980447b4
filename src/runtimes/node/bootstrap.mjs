// Nimbus Node.js runtime: the process that runs inside a Lambda execution environment for the
// nodejs*.x runtimes. It works like AWS's own runtime: load the handler named by _HANDLER from
// LAMBDA_TASK_ROOT, then loop on the Runtime API's next event, sending each result as a response
// or an error. It speaks that API over Nimbus's runtime channel (src/lambda/environments/
// runtime-channel.ts) rather than HTTP. Zero dependencies, shipped as source.
//
// A process started without _HANDLER is a pre-started ("spare") runtime: it has already paid the
// Node start-up cost and asks Nimbus for its function configuration (a `claim`, a Nimbus-only
// request) before loading the handler. That is what makes cold starts cheap.
import { existsSync, readFileSync, readSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Writable } from 'node:stream';
import { format } from 'node:util';

// ---- Runtime API client ------------------------------------------------------------------------
// Nimbus hands its own runtimes the Runtime API as a socket on a file descriptor (named by
// --channel-fd): the same requests and answers as the HTTP API, as frames of
//   u32 head length, u32 body length (big-endian), head (JSON), body (bytes).
// Only `next`, `claim` and requests marked `reply` get an answer, so a result and the poll for the
// next event leave together and nothing wakes this process in between. Answers come in order.
//
// The descriptor is read and written with blocking calls, outside the event loop. While the
// runtime waits for its next event nothing of the function runs, which is what AWS's freezing
// of an idle environment amounts to, and an event wakes this process straight out of read(2)
// rather than through the loop's poll, a stream and a promise (a warm invoke ~7% faster, measured).
// Having no handle on the loop, the channel never keeps it alive either: the empty-loop hook below
// (callbackWaitsForEmptyEventLoop) sees only the function's own work.
const CHANNEL_FLAG = '--channel-fd=';
const channelArg = process.argv.findIndex((a) => a.startsWith(CHANNEL_FLAG));
if (channelArg < 0) {
  process.stderr.write('Nimbus runtime: no --channel-fd given\n');
  process.exit(1);
}
const channelFd = Number(process.argv[channelArg].slice(CHANNEL_FLAG.length));
process.argv.splice(channelArg, 1); // the function sees the argv AWS's runtime has

/** Received bytes: [inStart, inEnd) of `inbox` are not consumed yet. */
let inbox = Buffer.allocUnsafe(64 * 1024);
let inStart = 0;
let inEnd = 0;

/** Blocks until at least `n` unconsumed bytes are in the inbox. */
function fill(n) {
  while (inEnd - inStart < n) {
    if (inbox.length - inStart < n) {
      // Make room at the front, in a larger buffer if the frame needs one.
      const room = inbox.length >= n ? inbox : Buffer.allocUnsafe(n);
      inbox.copy(room, 0, inStart, inEnd);
      inbox = room;
      inEnd -= inStart;
      inStart = 0;
    }
    const got = retrying(() => readSync(channelFd, inbox, inEnd, inbox.length - inEnd, null));
    if (got === 0) throw new Error('Runtime API channel closed');
    inEnd += got;
  }
}

/** Blocks for the next answer: { status, headers, body }. */
function readAnswer() {
  fill(8);
  const headLength = inbox.readUInt32BE(inStart);
  const total = 8 + headLength + inbox.readUInt32BE(inStart + 4);
  fill(total);
  const head = JSON.parse(inbox.toString('utf8', inStart + 8, inStart + 8 + headLength));
  // The body is copied out: the inbox is reused for the next frame.
  const body = Buffer.from(inbox.subarray(inStart + 8 + headLength, inStart + total));
  inStart += total;
  if (inStart === inEnd) inStart = inEnd = 0;
  return { status: head.status, headers: head.headers, body };
}

function writeAll(bytes) {
  for (let offset = 0; offset < bytes.length; ) {
    offset += retrying(() => writeSync(channelFd, bytes, offset, bytes.length - offset));
  }
}

/**
 * Runs a blocking call again when it was interrupted, or when the descriptor turned out to be
 * non-blocking (nothing Nimbus does; a millisecond's sleep then rather than a busy loop).
 */
const pause = new Int32Array(new SharedArrayBuffer(4));
function retrying(call) {
  for (;;) {
    try {
      return call();
    } catch (err) {
      if (err.code === 'EAGAIN') Atomics.wait(pause, 0, 0, 1);
      else if (err.code !== 'EINTR') throw err;
    }
  }
}

function encodeFrame(headText, body) {
  const headLength = Buffer.byteLength(headText);
  const text = typeof body === 'string';
  const bodyLength = body === undefined ? 0 : text ? Buffer.byteLength(body) : body.length;
  const frame = Buffer.allocUnsafe(8 + headLength + bodyLength);
  frame.writeUInt32BE(headLength, 0);
  frame.writeUInt32BE(bodyLength, 4);
  frame.write(headText, 8, 'utf8');
  if (text) frame.write(body, 8 + headLength, 'utf8');
  else if (body !== undefined) body.copy(frame, 8 + headLength);
  return frame;
}

const NEXT_FRAME = encodeFrame(JSON.stringify({ op: 'next' }));
const outbox = [];
let outboxBytes = 0;

/** Requests made in one turn leave in one write: a result and the next poll wake Nimbus once. */
function send(frame) {
  if (outbox.length === 0) process.nextTick(flushOutbox);
  outbox.push(frame);
  outboxBytes += frame.length;
}

function flushOutbox() {
  if (outbox.length === 0) return;
  // Small frames are joined (one write(2)); a large result is not copied again.
  if (outbox.length === 1 || outboxBytes > 65536) for (const frame of outbox) writeAll(frame);
  else writeAll(Buffer.concat(outbox, outboxBytes));
  outbox.length = 0;
  outboxBytes = 0;
}

/**
 * Asks for the next event and blocks until it comes. The event loop turns once in between, after
 * the previous result has left: timers and I/O the function left pending get their turn then, as
 * they would when AWS thaws the environment, rather than starving behind invocations that never
 * yield to the loop.
 */
async function nextEvent() {
  request({ op: 'next' });
  flushOutbox();
  await new Promise((resolve) => setImmediate(resolve));
  return readAnswer();
}

/** One Runtime API request; with `answered`, blocks for and returns { status, headers, body }. */
function request(head, body, answered) {
  send(head.op === 'next' ? NEXT_FRAME : encodeFrame(JSON.stringify(answered && head.op !== 'claim' ? { ...head, reply: true } : head), body));
  if (!answered) return undefined;
  flushOutbox();
  return readAnswer();
}

// ---- _X_AMZN_TRACE_ID ---------------------------------------------------------------------------
// Lambda puts each invocation's trace header in process.env._X_AMZN_TRACE_ID. Setting a real
// variable (setenv) per invocation would keep every value ever set in glibc's memory for good
// (~140 bytes each: a 128 MB function's memory is gone after a few hundred thousand invocations,
// and every set gets slower as they pile up). So the variable lives here, behind process.env:
// reads, writes, deletes, enumeration and spawned processes see it as a real one. (Native code
// calling getenv and worker threads do not.)
const TRACE_VARIABLE = '_X_AMZN_TRACE_ID';
let traceHeader = process.env[TRACE_VARIABLE];
delete process.env[TRACE_VARIABLE];
process.env = new Proxy(process.env, {
  get: (env, key) => (key === TRACE_VARIABLE ? traceHeader : Reflect.get(env, key)),
  set: (env, key, value) => {
    if (key !== TRACE_VARIABLE) return Reflect.set(env, key, value);
    traceHeader = String(value);
    return true;
  },
  has: (env, key) => (key === TRACE_VARIABLE ? traceHeader !== undefined : Reflect.has(env, key)),
  deleteProperty: (env, key) => {
    if (key !== TRACE_VARIABLE) return Reflect.deleteProperty(env, key);
    traceHeader = undefined;
    return true;
  },
  ownKeys: (env) => (traceHeader === undefined ? Reflect.ownKeys(env) : [...Reflect.ownKeys(env), TRACE_VARIABLE]),
  getOwnPropertyDescriptor: (env, key) => {
    if (key !== TRACE_VARIABLE) return Reflect.getOwnPropertyDescriptor(env, key);
    return traceHeader === undefined ? undefined : { value: traceHeader, writable: true, enumerable: true, configurable: true };
  },
});

// ---- logging: console.* lines formatted as AWS's Node runtime does --------------------------------
// Text: `ISO\trequestId\tLEVEL\tmessage`. JSON (LoggingConfig LogFormat JSON, told by
// AWS_LAMBDA_LOG_FORMAT): one object per call, `{timestamp, level, requestId, message}`, where a
// lone argument stays a value (an Error becomes {errorType, errorMessage, stackTrace}). Calls below
// AWS_LAMBDA_LOG_LEVEL are dropped.
let currentRequestId; // undefined during init, printed as "undefined" like AWS does
const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
let jsonLogs = false; // read when the console is patched: a spare runtime learns it when claimed

const errorFields = (err) => ({
  errorType: err?.constructor?.name ?? 'UnknownError',
  errorMessage: err.message,
  stackTrace: typeof err.stack === 'string' ? err.stack.split('\n') : err.stack,
});

function jsonLine(level, args) {
  const entry = { timestamp: new Date().toISOString(), level, requestId: currentRequestId };
  if (args.length === 1) {
    entry.message = args[0];
    try {
      return JSON.stringify(entry, (_key, value) => (value instanceof Error ? { ...errorFields(value), ...value } : value));
    } catch {
      entry.message = format(args[0]); // e.g. a circular object
      return JSON.stringify(entry);
    }
  }
  entry.message = format(...args);
  const err = args.slice(1).find((a) => a instanceof Error);
  if (err) Object.assign(entry, errorFields(err));
  return JSON.stringify(entry);
}

function patchConsole() {
  jsonLogs = process.env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() === 'JSON';
  const least = Math.max(0, LOG_LEVELS.indexOf(process.env.AWS_LAMBDA_LOG_LEVEL?.toUpperCase() ?? 'TRACE'));
  const methods = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', log: 'INFO', warn: 'WARN', error: 'ERROR', fatal: 'FATAL' };
  for (const [method, level] of Object.entries(methods)) {
    if (LOG_LEVELS.indexOf(level) < least) {
      console[method] = () => {};
    } else if (jsonLogs) {
      console[method] = (...args) => process.stdout.write(`${jsonLine(level, args)}\n`);
    } else {
      console[method] = (...args) => {
        // Newlines become \r so one console call stays one log event, as AWS does on plain stdout.
        const message = format(...args).replace(/\n/g, '\r');
        process.stdout.write(`${new Date().toISOString()}\t${currentRequestId}\t${level}\t${message}\n`);
      };
    }
  }
}

// ---- errors in AWS's shape ---------------------------------------------------------------------
function toErrorResponse(err) {
  if (err instanceof Error || (err !== null && typeof err === 'object' && typeof err.message === 'string')) {
    const stack = typeof err.stack === 'string' ? err.stack : '';
    return { errorType: String(err.name ?? 'Error'), errorMessage: String(err.message), trace: stack ? stack.split('\n') : [] };
  }
  return { errorType: typeof err, errorMessage: String(err), trace: [] };
}

/** Logs a failure as AWS's runtime does: after a label in text, as the error's fields in JSON. */
function logFailure(label, response) {
  if (jsonLogs) {
    console.error({ errorType: response.errorType, errorMessage: response.errorMessage, stackTrace: response.trace });
  } else {
    const fields = JSON.stringify({ errorType: response.errorType, errorMessage: response.errorMessage, stack: response.trace });
    console.error(`${label} \t%s`, fields);
  }
}

class RuntimeError extends Error {
  constructor(name, message) {
    super(message);
    this.name = name;
  }
}

// ---- handler resolution (same rules as AWS: "dir/file.export[.nested]") -------------------------
function isEsmPackage(dir, root) {
  // Nearest package.json decides whether a .js file is ESM, as Node itself does; the search stops
  // at the task root, whose parents are not the function's (on AWS, /var/task has none).
  let current = dir;
  for (;;) {
    const pkg = path.join(current, 'package.json');
    if (existsSync(pkg)) {
      try {
        return JSON.parse(readFileSync(pkg, 'utf8')).type === 'module';
      } catch {
        return false;
      }
    }
    const parent = path.dirname(current);
    if (current === root || parent === current) return false;
    current = parent;
  }
}

async function loadHandler(taskRoot, handlerString) {
  const base = path.basename(handlerString);
  const dot = base.indexOf('.');
  if (!handlerString || dot <= 0 || dot === base.length - 1 || base.includes('..')) {
    throw new RuntimeError('Runtime.MalformedHandlerName', 'Bad handler');
  }
  const moduleName = handlerString.slice(0, handlerString.length - base.length) + base.slice(0, dot);
  const handlerPath = base.slice(dot + 1);
  const modulePath = path.resolve(taskRoot, moduleName);
  const require = createRequire(path.join(taskRoot, '__nimbus_lambda__.js'));

  let loaded;
  try {
    if (existsSync(modulePath + '.js')) {
      loaded = isEsmPackage(path.dirname(modulePath), path.resolve(taskRoot))
        ? await import(pathToFileURL(modulePath + '.js').href)
        : require(modulePath + '.js');
    } else if (existsSync(modulePath + '.mjs')) {
      loaded = await import(pathToFileURL(modulePath + '.mjs').href);
    } else if (existsSync(modulePath + '.cjs')) {
      loaded = require(modulePath + '.cjs');
    } else {
      // Not a file in the task root: Node module resolution (node_modules, NODE_PATH), as AWS does.
      loaded = require(moduleName);
    }
  } catch (err) {
    throw classifyLoadError(err, moduleName);
  }

  let handler = loaded;
  for (const part of handlerPath.split('.')) {
    handler = handler == null ? undefined : handler[part];
  }
  if (handler === undefined || handler === null) {
    throw new RuntimeError('Runtime.HandlerNotFound', `${handlerString} is undefined or not exported`);
  }
  if (typeof handler !== 'function') {
    throw new RuntimeError('Runtime.HandlerNotFound', `${handlerString} is not a function`);
  }
  return handler;
}

// AWS's Node.js 24+ runtime refuses callback-style handlers at init: a handler declaring three or
// more parameters that is not a streaming one (whose third parameter is the context). Its wording.
const CALLBACK_REMOVED =
  'ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. You need to modify this function to use a supported handler signature to use Node.js 24 or later. For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.';

function refuseCallbackHandler(handler) {
  const major = /^AWS_Lambda_nodejs(\d+)\.x$/.exec(process.env.AWS_EXECUTION_ENV ?? '')?.[1];
  if (major !== undefined && Number(major) >= 24 && handler.length >= 3 && handler[STREAMING] !== 'response') {
    throw new RuntimeError('Runtime.CallbackHandlerDeprecated', CALLBACK_REMOVED);
  }
}

function classifyLoadError(err, moduleName) {
  if (err instanceof SyntaxError) {
    return new RuntimeError('Runtime.UserCodeSyntaxError', `${err.name}: ${err.message}`);
  }
  const code = err && typeof err === 'object' ? err.code : undefined;
  if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') {
    // AWS words a missing handler module as Node's require error raised from the runtime.
    const message = String(err.message).includes(`'${moduleName}'`)
      ? `Error: Cannot find module '${moduleName}'\nRequire stack:\n- ${import.meta.filename ?? process.argv[1]}`
      : `Error: ${err.message}`;
    return new RuntimeError('Runtime.ImportModuleError', message);
  }
  return err;
}

// ---- one invocation ----------------------------------------------------------------------------
// The environment's identity, read at the first invocation: each process.env read is a call into
// native code (behind the trace proxy above), five of them per invocation on the warm path.
let identity;
function environmentIdentity() {
  const env = process.env;
  return {
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
  };
}

function makeContext(headers, deadlineMs) {
  identity ??= environmentIdentity();
  const clientContextRaw = headers['lambda-runtime-client-context'];
  const identityRaw = headers['lambda-runtime-cognito-identity'];
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: identity.functionName,
    functionVersion: identity.functionVersion,
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    memoryLimitInMB: identity.memoryLimitInMB,
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    logGroupName: identity.logGroupName,
    logStreamName: identity.logStreamName,
    clientContext: clientContextRaw ? safeParse(clientContextRaw) : undefined,
    identity: identityRaw ? safeParse(identityRaw) : undefined,
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
  };
}

function safeParse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// One hook for "the event loop is empty", shared by all invocations so no listener piles up.
let onEmptyLoop;
process.on('beforeExit', () => {
  const hook = onEmptyLoop;
  onEmptyLoop = undefined;
  if (hook) hook();
});

/** Runs the handler; resolves with {ok, value} once, whichever of promise / callback comes first. */
function runHandler(handler, event, context) {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (ok, value, fromCallback) => {
      if (settled) return;
      settled = true;
      if (fromCallback && context.callbackWaitsForEmptyEventLoop) {
        // Wait until the function's own work is done, as AWS does for callback handlers.
        onEmptyLoop = () => resolve({ ok, value });
      } else {
        onEmptyLoop = undefined;
        resolve({ ok, value });
      }
    };
    const callback = (err, result) => (err === undefined || err === null ? settle(true, result, true) : settle(false, err, true));
    context.succeed = (result) => settle(true, result, false);
    context.fail = (err) => settle(false, err ?? 'handled', false);
    context.done = (err, result) => (err ? settle(false, err, false) : settle(true, result, false));
    // Like AWS: if the event loop runs dry before the handler settled, the answer is null.
    onEmptyLoop = () => settle(true, null, false);
    try {
      const result = handler(event, context, callback);
      if (result && typeof result.then === 'function') {
        result.then((value) => settle(true, value, false), (err) => settle(false, err, false));
      }
    } catch (err) {
      settle(false, err, false);
    }
  });
}

function postError(requestId, err) {
  const response = toErrorResponse(err);
  const body = JSON.stringify(response);
  const type = response.errorType;
  logFailure('Invoke Error', response);
  request({ op: 'error', requestId, errorType: type }, body, true);
}

let activeRequestId; // the invocation an uncaught exception belongs to
let initialized = false; // the handler is loaded: init errors can no longer be reported

async function invokeOnce(handler) {
  const next = await nextEvent();
  if (next.status !== 200) throw new Error(`Runtime API /next answered ${next.status}`);
  const h = next.headers;
  const requestId = h['lambda-runtime-aws-request-id'];
  const deadline = Number(h['lambda-runtime-deadline-ms']);
  traceHeader = h['lambda-runtime-trace-id'] || undefined;
  currentRequestId = requestId;
  activeRequestId = requestId;

  let event;
  try {
    event = next.body.length === 0 ? {} : JSON.parse(next.body.toString('utf8'));
  } catch (err) {
    postError(requestId, err);
    return;
  }
  try {
    if (handler[STREAMING] === 'response') await streamEvent(handler, requestId, event, makeContext(h, deadline));
    else await handleEvent(handler, requestId, event, makeContext(h, deadline));
  } finally {
    activeRequestId = undefined;
  }
}

// ---- response streaming ----------------------------------------------------------------------------
// `awslambda.streamifyResponse(handler)` marks a handler that writes its answer to a stream, as on
// AWS: `(event, responseStream, context)`. Each write leaves as a `chunk` frame (the first names the
// content type); the end of the stream is the invocation's response. An error after the first
// chunk ends the stream with that error, which the caller sees once the chunks are in.
const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const HTTP_INTEGRATION = 'application/vnd.awslambda.http-integration-response';

globalThis.awslambda = {
  streamifyResponse(handler) {
    handler[STREAMING] = 'response';
    return handler;
  },
  HttpResponseStream: class HttpResponseStream {
    /** Writes the HTTP status, headers and cookies a function URL answers with, ahead of the body. */
    static from(stream, prelude) {
      stream.setContentType(HTTP_INTEGRATION);
      stream.write(JSON.stringify(prelude ?? {}));
      stream.write(new Uint8Array(8)); // eight zero bytes end the prelude
      return stream;
    }
  },
};

function responseStream(requestId) {
  let contentType = 'application/octet-stream';
  let sent = false;
  const stream = new Writable({
    write(chunk, _encoding, done) {
      send(encodeFrame(JSON.stringify(sent ? { op: 'chunk', requestId } : { op: 'chunk', requestId, contentType }), chunk));
      sent = true;
      done();
    },
  });
  stream.setContentType = (type) => {
    if (sent) throw new Error('Content type cannot be set after the first write');
    contentType = String(type);
  };
  return stream;
}

async function streamEvent(handler, requestId, event, context) {
  const stream = responseStream(requestId);
  // Ended, or destroyed by the handler without ending: either way the response is complete.
  const finished = new Promise((resolve) => {
    stream.once('finish', resolve);
    stream.once('close', resolve);
  });
  let failure;
  try {
    await handler(event, stream, context);
  } catch (err) {
    failure = err;
  }
  if (failure !== undefined) {
    stream.destroy();
    postError(requestId, failure);
    return;
  }
  if (!stream.writableEnded) stream.end();
  await finished;
  request({ op: 'response', requestId, streamed: true }, '', false);
}

async function handleEvent(handler, requestId, event, context) {
  const outcome = await runHandler(handler, event, context);
  if (outcome.ok) {
    let body;
    try {
      body = outcome.value === undefined ? 'null' : JSON.stringify(outcome.value);
    } catch (err) {
      postError(requestId, err);
      return;
    }
    // Unanswered: the poll for the next event follows right away (a refused result would change
    // nothing for this runtime; AWS's runtime ignores that answer too).
    request({ op: 'response', requestId }, body ?? 'null', false);
  } else {
    postError(requestId, outcome.value);
  }
}

// Uncaught errors: report them against the running invocation, then exit like AWS's runtime does.
async function crash(err, errorType) {
  const response = toErrorResponse(err);
  if (errorType) {
    response.errorMessage = `${response.errorType}: ${response.errorMessage}`;
    response.errorType = errorType;
  }
  const body = JSON.stringify(response);
  logFailure(errorType ? 'Unhandled Promise Rejection' : 'Uncaught Exception', response);
  if (!activeRequestId && initialized) process.exit(129); // between invocations: nothing to report to
  const head = activeRequestId
    ? { op: 'error', requestId: activeRequestId, errorType: response.errorType }
    : { op: 'init-error', errorType: response.errorType };
  try {
    request(head, body, true);
  } finally {
    process.exit(129);
  }
}

// ---- HTTPS to Nimbus itself ----------------------------------------------------------------------
// Nimbus serves plain HTTP, but AWS's samples build some endpoints from the event with https (a
// WebSocket API's @connections: `https://${domainName}/${stage}`, where domainName is Nimbus's own
// address here). Requests over https to Nimbus's host and port (AWS_ENDPOINT_URL) go over http;
// every other https request is untouched.
function plainHttpToNimbus() {
  let endpoint;
  try {
    endpoint = new URL(process.env.AWS_ENDPOINT_URL ?? '');
  } catch {
    return;
  }
  if (endpoint.protocol !== 'http:') return;
  const port = Number(endpoint.port || 80);
  const require = createRequire(import.meta.url);
  const https = require('node:https');
  const http = require('node:http');
  const toNimbus = (opts) => (opts.hostname ?? opts.host) === endpoint.hostname && Number(opts.port || 443) === port;
  const redirect = (original) =>
    function request(input, options, callback) {
      let opts = input;
      let cb = callback;
      if (typeof input === 'string' || input instanceof URL) {
        const url = new URL(input);
        opts = { hostname: url.hostname, port: url.port, path: url.pathname + url.search, ...(typeof options === 'object' && options !== null ? options : {}) };
        if (typeof options === 'function') cb = options;
      } else if (typeof options === 'function') cb = options;
      if (!opts || typeof opts !== 'object' || !toNimbus(opts)) return original.apply(this, arguments);
      const { agent: _tlsAgent, protocol: _https, ...rest } = opts;
      return http.request({ ...rest, protocol: 'http:', port }, cb);
    };
  https.request = redirect(https.request);
  https.get = function get(...args) {
    const req = https.request(...args);
    req.end();
    return req;
  };
  require('node:module').syncBuiltinESMExports();
}

// ---- main --------------------------------------------------------------------------------------
async function claimConfiguration() {
  // Spare runtime: wait for Nimbus to hand over the function's environment.
  const res = request({ op: 'claim' }, undefined, true);
  if (res.status !== 200) throw new Error(`claim answered ${res.status}`);
  const config = JSON.parse(res.body.toString('utf8'));
  for (const [key, value] of Object.entries(config.environment)) process.env[key] = value;
  process.chdir(config.cwd);
  // NODE_PATH is read once at start-up; re-read it now that it names the task root.
  const Module = createRequire(import.meta.url)('node:module');
  if (typeof Module._initPaths === 'function') Module._initPaths();
}

async function main() {
  // Synchronous stdout/stderr, as on AWS: every line is in the pipe before the response is posted,
  // so logs stay in order with START/END/REPORT.
  for (const stream of [process.stdout, process.stderr]) stream._handle?.setBlocking?.(true);
  if (!process.env._HANDLER) await claimConfiguration();
  patchConsole();
  plainHttpToNimbus();
  process.on('uncaughtException', (err) => void crash(err));
  process.on('unhandledRejection', (reason) => void crash(reason, 'Runtime.UnhandledPromiseRejection'));

  const taskRoot = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
  let handler;
  try {
    handler = await loadHandler(taskRoot, process.env._HANDLER ?? '');
    refuseCallbackHandler(handler);
  } catch (err) {
    const response = toErrorResponse(err);
    const body = JSON.stringify(response);
    // AWS's Node.js 24 runtime logs this refusal as an "Init Error".
    logFailure(response.errorType === 'Runtime.CallbackHandlerDeprecated' ? 'Init Error' : 'Uncaught Exception', response);
    request({ op: 'init-error', errorType: response.errorType }, body, true);
    process.exit(1);
  }
  initialized = true;
  for (;;) await invokeOnce(handler);
}

main().catch((err) => {
  process.stderr.write(`Nimbus runtime failure: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
