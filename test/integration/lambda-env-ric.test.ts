// AWS's own Node.js runtime interface client (npm aws-lambda-ric) as a custom runtime: proves the
// Runtime API works with the client AWS ships. The example in examples/aws-lambda-ric is built
// (native addon: cmake + autotools, ~1 min) into a temp dir cached between runs; the test skips
// only when the build tools are missing, and says which.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.js';
import { image, json, request, setup } from './lambda-env-fixtures.js';

const example = join(packageRoot, 'examples', 'aws-lambda-ric');
const ADDON = join('node_modules', 'aws-lambda-ric', 'dist', 'rapid-client.node');
const FILES = ['package.json', 'package-lock.json', 'index.js', 'bootstrap'];

function missingTools(): string[] {
  return ['cmake', 'make', 'g++', 'autoconf', 'automake', 'libtoolize', 'npm'].filter(
    (tool) => spawnSync('/bin/sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status !== 0,
  );
}

/** Returns a built copy of the example (cached by content hash), or throws with npm's output. */
function buildExample(): string {
  const hash = createHash('sha256');
  for (const f of FILES) hash.update(readFileSync(join(example, f)));
  const dir = join(tmpdir(), `nimbus-aws-lambda-ric-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(join(dir, ADDON))) return dir;
  const work = `${dir}.building-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  for (const f of FILES) copyFileSync(join(example, f), join(work, f));
  const npm = spawnSync('flock', ['/tmp/npm.lock', 'npm', 'ci', '--no-audit', '--no-fund'], {
    cwd: work,
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (npm.status !== 0 || !existsSync(join(work, ADDON))) {
    throw new Error(`building aws-lambda-ric failed (status ${npm.status}):\n${npm.stdout}\n${npm.stderr}`.slice(-4000));
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(work, dir);
  return dir;
}

const missing = missingTools();

describe.skipIf(missing.length > 0)(`aws-lambda-ric as a custom runtime${missing.length ? ` (skipped: missing ${missing.join(', ')})` : ''}`, () => {
  let env: ReturnType<typeof setup>;
  let codeDir: string;
  beforeAll(() => {
    codeDir = buildExample();
    env = setup();
  }, 600_000);
  afterAll(async () => {
    await env?.dispose();
  });

  it('invokes a handler through aws-lambda-ric and Nimbus Runtime API', async () => {
    const img = image(codeDir, { runtime: 'provided.al2023', handler: 'index.handler', functionName: 'ric-demo' });
    const req = request(img, { name: 'ric' }, { tailLogs: true });
    const result = await env.pool.invoke(req);
    expect(result.functionError, result.payload.toString()).toBeUndefined();
    expect(json(result.payload)).toEqual({ message: 'hello ric', requestId: req.requestId, functionName: 'ric-demo', client: 'aws-lambda-ric' });
    expect(result.initDurationMs).toBeDefined();
    expect(Buffer.from(result.logTail!, 'base64').toString()).toMatch(/event received by aws-lambda-ric/);

    // Warm: same process; errors come back in the client's own shape.
    const failed = await env.pool.invoke(request(img, { fail: true }));
    expect(failed.initDurationMs).toBeUndefined();
    expect(failed.functionError).toBe('Unhandled');
    expect(json(failed.payload)).toMatchObject({ errorType: 'Error', errorMessage: 'failure requested' });
  });
});
