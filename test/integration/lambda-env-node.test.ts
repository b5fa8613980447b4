// Node.js runtime through the pool: handler styles, errors, logs, environment variables, reuse.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { image, json, request, setup, writeCode } from './lambda-env-fixtures.js';

describe.each(['auto', 'process'] as const)('nodejs20.x environments (isolation: %s)', (isolation) => {
  let env: ReturnType<typeof setup>;
  beforeAll(() => {
    env = setup({ isolation });
  });
  afterAll(async () => {
    await env.dispose();
  });

  it('runs an ESM async handler and reports START/END/REPORT with Init Duration on cold start only', async () => {
    const code = writeCode(env.dataDir, {
      'index.mjs': `export const handler = async (event, context) => { console.log('got', event.n); return { n: event.n * 2, fn: context.functionName, rid: context.awsRequestId }; };`,
    });
    const img = image(code);
    const first = await env.pool.invoke(request(img, { n: 21 }, { tailLogs: true }));
    expect(first.functionError).toBeUndefined();
    const body = json(first.payload);
    expect(body.n).toBe(42);
    expect(body.fn).toBe(img.functionName);
    expect(first.initDurationMs).toBeGreaterThan(0);
    // AWS bills the init phase of cold starts (since August 2025).
    expect(first.billedDurationMs).toBe(Math.max(1, Math.ceil(first.durationMs + first.initDurationMs!)));
    const tail = Buffer.from(first.logTail!, 'base64').toString();
    expect(tail).toMatch(/^START RequestId: [0-9a-f-]+ Version: \$LATEST\n/);
    expect(tail).toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t[0-9a-f-]{36}\tINFO\tgot 21\n/);
    expect(tail).toMatch(/END RequestId: /);
    expect(tail).toMatch(/REPORT RequestId: [0-9a-f-]+\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\tInit Duration: \d+\.\d\d ms/);
    // A Node runtime's own memory counts, as on AWS (~65 MB there), not only what its cgroup was charged.
    expect(Number(/Max Memory Used: (\d+) MB/.exec(tail)![1])).toBeGreaterThanOrEqual(20);

    const second = await env.pool.invoke(request(img, { n: 1 }, { tailLogs: true }));
    expect(json(second.payload).n).toBe(2);
    expect(second.initDurationMs).toBeUndefined();
    expect(Buffer.from(second.logTail!, 'base64').toString()).not.toMatch(/Init Duration/);
    // Same environment: same log stream.
    const streams = new Set(env.sink.events.filter((e) => e.group === img.logGroupName).map((e) => e.stream));
    expect(streams.size).toBe(1);
    expect([...streams][0]).toMatch(/^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
  });

  it('runs CommonJS .js, .cjs, nested directories and "type":"module" packages', async () => {
    const cjs = writeCode(env.dataDir, { 'index.js': `exports.handler = async () => 'cjs';` });
    expect(json((await env.pool.invoke(request(image(cjs)))).payload)).toBe('cjs');
    const dotCjs = writeCode(env.dataDir, { 'lib/app.cjs': `module.exports = { nested: { run: async () => 'dotcjs' } };` });
    expect(json((await env.pool.invoke(request(image(dotCjs, { handler: 'lib/app.nested.run' })))).payload)).toBe('dotcjs');
    const esmPkg = writeCode(env.dataDir, {
      'package.json': '{"type":"module"}',
      'src/handlers/main.js': `export async function go(e) { return { esm: true, e }; }`,
    });
    expect(json((await env.pool.invoke(request(image(esmPkg, { handler: 'src/handlers/main.go' }), 5))).payload)).toEqual({ esm: true, e: 5 });
  });

  it('supports callback handlers, sending the response once the event loop is empty', async () => {
    const code = writeCode(env.dataDir, {
      'index.js': `
        let later = 0;
        exports.handler = (event, context, callback) => {
          if (event.check) return callback(null, later);
          setTimeout(() => { later++; }, 200);
          callback(null, 'done');
        };
        exports.fail = (event, context, callback) => callback(new TypeError('bad input'));
        exports.failString = (event, context, callback) => callback('plain string');
        exports.sync = () => 'ignored';
      `,
    });
    const img = image(code);
    expect(json((await env.pool.invoke(request(img))).payload)).toBe('done');
    // Same environment: the timer had run before the first response was sent.
    expect(json((await env.pool.invoke(request(img, { check: true }))).payload)).toBe(1);

    const failed = await env.pool.invoke(request({ ...img, handler: 'index.fail', key: img.key + 'f' }));
    expect(failed.functionError).toBe('Unhandled');
    const err = json(failed.payload);
    expect(err.errorType).toBe('TypeError');
    expect(err.errorMessage).toBe('bad input');
    expect(err.trace[0]).toBe('TypeError: bad input');

    const failedString = await env.pool.invoke(request({ ...img, handler: 'index.failString', key: img.key + 's' }));
    expect(json(failedString.payload)).toEqual({ errorType: 'string', errorMessage: 'plain string', trace: [] });

    // A synchronous handler that neither returns a promise nor calls back answers null, as on AWS.
    const sync = await env.pool.invoke(request({ ...img, handler: 'index.sync', key: img.key + 'y' }));
    expect(sync.payload.toString()).toBe('null');
  });

  it('freezes the function between invocations, as AWS does, without starving the work it left pending', async () => {
    const code = writeCode(env.dataDir, {
      'index.mjs': `
        let ticks = 0;
        let interval;
        export const handler = async (event) => {
          if (event.start) interval = setInterval(() => ticks++, 10);
          if (event.stop) clearInterval(interval);
          return ticks;
        };
      `,
    });
    const img = image(code, { handler: 'index.handler' });
    expect(json((await env.pool.invoke(request(img, { start: true }))).payload)).toBe(0);
    await new Promise((r) => setTimeout(r, 400));
    // Unfrozen, the interval would have ticked some 40 times by now; frozen, it got a loop turn or
    // two, after an answer (invocations that never yield to the loop do not starve it).
    const idle = json((await env.pool.invoke(request(img))).payload);
    expect(idle).toBeLessThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 50));
    const later = json((await env.pool.invoke(request(img, { stop: true }))).payload);
    expect(later).toBeGreaterThan(idle);
    expect(later).toBeLessThanOrEqual(idle + 2);
  });

  it('nodejs24.x refuses callback-style handlers at init, as AWS\'s Node.js 24 runtime does; async and streaming ones run', async () => {
    // The check is the runtime's, by its AWS_EXECUTION_ENV: the host's Node stands in for Node 24 here.
    const node24 = setup({ isolation, nodeBinaries: { 24: process.execPath } });
    try {
      const code = writeCode(node24.dataDir, {
        'index.js': `
          exports.callback = (event, context, callback) => callback(null, 'called back');
          exports.unused = async (event, context, callback) => 'never';
          exports.modern = async (event, context) => 'async ok';
          exports.stream = awslambda.streamifyResponse(async (event, stream, context) => { stream.write('streamed'); stream.end(); });
        `,
      });
      const img = (handler: string) => image(code, { runtime: 'nodejs24.x', handler: `index.${handler}` });
      for (const handler of ['callback', 'unused']) {
        const refused = await node24.pool.invoke(request(img(handler), {}, { tailLogs: true }));
        expect(refused.functionError).toBe('Unhandled');
        expect(json(refused.payload)).toMatchObject({
          errorType: 'Runtime.CallbackHandlerDeprecated',
          errorMessage: expect.stringMatching(/^ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node\.js 24\. /),
        });
        expect(Buffer.from(refused.logTail!, 'base64').toString()).toMatch(/\tERROR\tInit Error \t\{"errorType":"Runtime\.CallbackHandlerDeprecated"/);
      }
      expect(json((await node24.pool.invoke(request(img('modern')))).payload)).toBe('async ok');
      expect((await node24.pool.invoke(request(img('stream')))).payload.toString()).toBe('streamed');
      // nodejs20.x keeps callback handlers.
      expect(json((await env.pool.invoke(request(image(code, { handler: 'index.callback' })))).payload)).toBe('called back');
    } finally {
      await node24.dispose();
    }
  });

  it('reports handler errors in AWS shape', async () => {
    const code = writeCode(env.dataDir, {
      'index.mjs': `class ValidationError extends Error { constructor(m) { super(m); this.name = 'ValidationError'; } }
        export const handler = async () => { throw new ValidationError('nope'); };`,
    });
    const result = await env.pool.invoke(request(image(code), {}, { tailLogs: true }));
    expect(result.functionError).toBe('Unhandled');
    const err = json(result.payload);
    expect(err).toMatchObject({ errorType: 'ValidationError', errorMessage: 'nope' });
    expect(err.trace[0]).toBe('ValidationError: nope');
    expect(Buffer.from(result.logTail!, 'base64').toString()).toMatch(/\tERROR\tInvoke Error \t\{"errorType":"ValidationError","errorMessage":"nope","stack":\["ValidationError: nope",/);
  });

  it('reports handler-not-found, missing module, syntax and bad handler names as AWS words them', async () => {
    const code = writeCode(env.dataDir, { 'index.js': `exports.other = async () => 1;`, 'broken.js': `exports.handler = async () => {;` });
    const notFound = await env.pool.invoke(request(image(code), {}, { tailLogs: true }));
    const notFoundLog = Buffer.from(notFound.logTail!, 'base64').toString();
    expect(notFoundLog).toMatch(/\tundefined\tERROR\tUncaught Exception \t\{"errorType":"Runtime\.HandlerNotFound"/);
    expect(notFoundLog).toMatch(/INIT_REPORT Init Duration: \d+\.\d\d ms\tPhase: init\tStatus: error\tError Type: Runtime\.HandlerNotFound\n/);
    expect(notFound.functionError).toBe('Unhandled');
    expect(json(notFound.payload)).toMatchObject({ errorType: 'Runtime.HandlerNotFound', errorMessage: 'index.handler is undefined or not exported' });

    const missing = await env.pool.invoke(request(image(code, { handler: 'nothere.handler' })));
    const missingErr = json(missing.payload);
    expect(missingErr.errorType).toBe('Runtime.ImportModuleError');
    expect(missingErr.errorMessage).toMatch(/^Error: Cannot find module 'nothere'\nRequire stack:\n- /);

    const syntax = await env.pool.invoke(request(image(code, { handler: 'broken.handler' })));
    expect(json(syntax.payload)).toMatchObject({ errorType: 'Runtime.UserCodeSyntaxError' });
    expect(json(syntax.payload).errorMessage).toMatch(/^SyntaxError: /);

    const bad = await env.pool.invoke(request(image(code, { handler: 'nodot' })));
    expect(json(bad.payload)).toMatchObject({ errorType: 'Runtime.MalformedHandlerName', errorMessage: 'Bad handler' });
  });

  it('gives the function exactly the Lambda variables plus its own, nothing from Nimbus', async () => {
    process.env.NIMBUS_SECRET_TEST_LEAK = 'leak';
    const code = writeCode(env.dataDir, {
      'index.mjs': `import { getPriority } from 'node:os'; export const handler = async () => ({ ...process.env, ARGV: process.argv.slice(1), NICE: getPriority() });`,
    });
    const img = image(code, {
      memorySizeMb: 256,
      environment: { MY_VAR: 'mine', AWS_REGION: 'eu-west-9', LAMBDA_TASK_ROOT: '/evil' },
    });
    const vars = json((await env.pool.invoke(request(img))).payload);
    delete process.env.NIMBUS_SECRET_TEST_LEAK;
    expect(vars.MY_VAR).toBe('mine');
    expect(vars.AWS_REGION).toBe('us-east-1'); // reserved: Lambda's value wins
    expect(vars.AWS_DEFAULT_REGION).toBe('us-east-1');
    expect(vars._HANDLER).toBe('index.handler');
    expect(vars.AWS_LAMBDA_FUNCTION_NAME).toBe(img.functionName);
    expect(vars.AWS_LAMBDA_FUNCTION_MEMORY_SIZE).toBe('256');
    expect(vars.AWS_LAMBDA_FUNCTION_VERSION).toBe('$LATEST');
    expect(vars.AWS_LAMBDA_LOG_GROUP_NAME).toBe(img.logGroupName);
    expect(vars.AWS_LAMBDA_LOG_STREAM_NAME).toMatch(/^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(vars.AWS_LAMBDA_RUNTIME_API).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(vars.AWS_EXECUTION_ENV).toBe('AWS_Lambda_nodejs20.x');
    expect(vars.AWS_LAMBDA_INITIALIZATION_TYPE).toBe('on-demand');
    expect(vars.TZ).toBe(':UTC');
    expect(vars.LAMBDA_TASK_ROOT).not.toBe('/evil');
    expect(vars.AWS_ACCESS_KEY_ID).toBeTruthy();
    expect(vars.AWS_SECRET_ACCESS_KEY).toBeTruthy();
    expect(vars.AWS_SESSION_TOKEN).toBeTruthy();
    expect(vars._X_AMZN_TRACE_ID).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};/);
    expect(vars.NIMBUS_SECRET_TEST_LEAK).toBeUndefined();
    expect(vars.NODE_OPTIONS).toBeUndefined();
    expect(vars.NODE_EXTRA_CA_CERTS).toBeUndefined();
    expect(vars.HOME).toBeUndefined();
    expect(vars.AWS_ENDPOINT_URL).toBeUndefined(); // none given to this pool
    expect(vars.ARGV).toEqual([expect.stringMatching(/bootstrap\.mjs$/)]); // no Nimbus-only flags
    expect(vars.NICE).toBe(10); // below Nimbus: a busy function cannot starve the API
  });

  it('gives each invocation its own _X_AMZN_TRACE_ID, seen by the code and by processes it spawns', async () => {
    const code = writeCode(env.dataDir, {
      'index.mjs': `import { execFileSync } from 'node:child_process';
        export const handler = async () => ({
          own: process.env._X_AMZN_TRACE_ID,
          listed: Object.keys(process.env).includes('_X_AMZN_TRACE_ID'),
          child: execFileSync('/bin/sh', ['-c', 'printf %s "$_X_AMZN_TRACE_ID"']).toString(),
          deleted: (delete process.env._X_AMZN_TRACE_ID, process.env._X_AMZN_TRACE_ID ?? null),
        });`,
    });
    const img = image(code);
    const first = json((await env.pool.invoke(request(img))).payload);
    const second = json((await env.pool.invoke(request(img))).payload);
    for (const seen of [first, second]) {
      expect(seen.own).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
      expect(seen.listed).toBe(true);
      expect(seen.child).toBe(seen.own);
      expect(seen.deleted).toBeNull();
    }
    expect(second.own).not.toBe(first.own);
  });

  it('exports AWS_ENDPOINT_URL from the endpoint known when the environment starts', async () => {
    let endpoint: string | undefined;
    const other = setup({ isolation, endpointUrl: () => endpoint });
    try {
      endpoint = 'http://127.0.0.1:4566';
      const code = writeCode(other.dataDir, { 'index.mjs': `export const handler = async () => process.env.AWS_ENDPOINT_URL;` });
      expect(json((await other.pool.invoke(request(image(code)))).payload)).toBe('http://127.0.0.1:4566');
    } finally {
      await other.dispose();
    }
  });

  it('passes the context through: ARN, memory, remaining time, client context', async () => {
    const code = writeCode(env.dataDir, {
      'index.mjs': `export const handler = async (e, c) => ({ arn: c.invokedFunctionArn, mem: c.memoryLimitInMB, rem: c.getRemainingTimeInMillis(),
        cc: c.clientContext, group: c.logGroupName, stream: c.logStreamName, ver: c.functionVersion, wait: c.callbackWaitsForEmptyEventLoop });`,
    });
    const img = image(code, { timeoutSeconds: 7 });
    const clientContext = Buffer.from(JSON.stringify({ custom: { a: 1 } })).toString('base64');
    const out = json((await env.pool.invoke(request(img, {}, { invokedFunctionArn: img.functionArn + ':prod', clientContext }))).payload);
    expect(out.arn).toBe(img.functionArn + ':prod');
    expect(out.mem).toBe('128');
    expect(out.rem).toBeGreaterThan(5000);
    expect(out.rem).toBeLessThanOrEqual(7000);
    expect(out.cc).toEqual({ custom: { a: 1 } });
    expect(out.group).toBe(img.logGroupName);
    expect(out.stream).toMatch(/\[\$LATEST\]/);
    expect(out.ver).toBe('$LATEST');
    expect(out.wait).toBe(true);
  });

  it('reuses a warm environment, and runs parallel invocations in separate environments', async () => {
    const code = writeCode(env.dataDir, {
      'index.mjs': `let count = 0; const id = Math.random(); export const handler = async (e) => { count++; if (e.sleep) await new Promise(r => setTimeout(r, e.sleep)); return { id, count }; };`,
    });
    const img = image(code);
    const a = json((await env.pool.invoke(request(img))).payload);
    const b = json((await env.pool.invoke(request(img))).payload);
    expect(b.id).toBe(a.id);
    expect(b.count).toBe(2);
    const [p, q] = await Promise.all([env.pool.invoke(request(img, { sleep: 300 })), env.pool.invoke(request(img, { sleep: 300 }))]);
    const ids = new Set([json(p.payload).id, json(q.payload).id]);
    expect(ids.size).toBe(2);
    expect([p.initDurationMs, q.initDurationMs].filter((d) => d !== undefined)).toHaveLength(1);
  });

  it('starts a bounded number of environments at once; a burst reuses those that free up', async () => {
    const bounded = setup({ maxColdStarts: 1 });
    try {
      const code = writeCode(bounded.dataDir, { 'index.mjs': `const id = Math.random(); export const handler = async (e) => ({ id, n: e.n });` });
      const img = image(code);
      const results = await Promise.all(Array.from({ length: 8 }, (_, n) => bounded.pool.invoke(request(img, { n }))));
      expect(results.map((r) => json(r.payload).n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      const environments = new Set(results.map((r) => json(r.payload).id));
      expect(environments.size).toBeLessThan(8);
      const stats = (bounded.pool as unknown as { stats(): { idle: number; busy: number } }).stats();
      expect(stats.idle + stats.busy).toBe(environments.size);
    } finally {
      await bounded.dispose();
    }
  });

  it('retire stops the environments of a function; the next invocation is cold', async () => {
    const code = writeCode(env.dataDir, { 'index.mjs': `const id = Math.random(); export const handler = async () => id;` });
    const img = image(code);
    const before = json((await env.pool.invoke(request(img))).payload);
    await env.pool.retire(img.accountId, img.region, img.functionName);
    const after = await env.pool.invoke(request(img));
    expect(json(after.payload)).not.toBe(before);
    expect(after.initDurationMs).toBeDefined();
  });
});

describe('closing a pool while runtimes are starting', () => {
  it('leaves no unheard error behind (a start the closed launcher could not finish)', async () => {
    const errors: unknown[] = [];
    const onError = (err: unknown) => errors.push(err);
    process.on('uncaughtException', onError);
    try {
      for (let i = 0; i < 3; i++) {
        // A spare starts at once; the pool closes and its folder goes while that start is in flight.
        const env = setup({ prewarm: ['nodejs20.x'] });
        await env.dispose();
      }
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      process.off('uncaughtException', onError);
    }
    expect(errors.map(String)).toEqual([]);
  });
});
