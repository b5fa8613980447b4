// The AWS CLI, unchanged, against Nimbus: create, invoke, list, errors, and `aws logs tail`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { zip } from '../helpers/zip.js';
import { aws, awsCliAvailable } from '../helpers/aws-cli.js';

describe.skipIf(!awsCliAvailable)('Lambda with the AWS CLI (skipped only when `aws` is not installed)', () => {
  let nimbus: TestNimbus;
  const work = mkdtempSync(join(tmpdir(), 'nimbus-cli-'));

  beforeAll(async () => {
    nimbus = await startNimbus();
    writeFileSync(join(work, 'fn.zip'), zip({ 'index.mjs': 'export const handler = async (e) => { console.log("cli says", e.word); return { upper: e.word.toUpperCase() }; };' }));
    writeFileSync(join(work, 'payload.json'), JSON.stringify({ word: 'nimbus' }));
  });
  afterAll(async () => {
    await nimbus.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  it('publishes a layer, lists it, and a function uses it', async () => {
    writeFileSync(join(work, 'layer.zip'), zip({ 'nodejs/node_modules/cli-dep/index.js': 'module.exports = "from the layer";' }));
    writeFileSync(join(work, 'uses-layer.zip'), zip({ 'index.js': "exports.handler = async () => require('cli-dep');" }));
    const published = await aws(nimbus.endpoint, [
      'lambda', 'publish-layer-version', '--layer-name', 'cli-layer', '--zip-file', 'fileb://layer.zip', '--compatible-runtimes', 'nodejs20.x',
    ], work);
    expect(published.stderr).toBe('');
    const layer = JSON.parse(published.stdout) as { LayerVersionArn: string; Version: number };
    expect(layer).toMatchObject({ LayerVersionArn: 'arn:aws:lambda:us-east-1:000000000000:layer:cli-layer:1', Version: 1 });
    const listed = await aws(nimbus.endpoint, ['lambda', 'list-layers', '--compatible-runtime', 'nodejs20.x']);
    expect(JSON.parse(listed.stdout).Layers.map((l: { LayerName: string }) => l.LayerName)).toContain('cli-layer');
    const created = await aws(nimbus.endpoint, [
      'lambda', 'create-function', '--function-name', 'cli-layered', '--runtime', 'nodejs20.x', '--handler', 'index.handler',
      '--role', 'arn:aws:iam::000000000000:role/r', '--zip-file', 'fileb://uses-layer.zip', '--layers', layer.LayerVersionArn,
    ], work);
    expect(created.stderr).toBe('');
    await aws(nimbus.endpoint, ['lambda', 'wait', 'function-active', '--function-name', 'cli-layered']);
    const invoked = await aws(nimbus.endpoint, ['lambda', 'invoke', '--function-name', 'cli-layered', 'layered.json'], work);
    expect(invoked.code).toBe(0);
    expect(JSON.parse(readFileSync(join(work, 'layered.json'), 'utf8'))).toBe('from the layer');
    const missing = await aws(nimbus.endpoint, ['lambda', 'get-layer-version', '--layer-name', 'cli-layer', '--version-number', '5']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('ResourceNotFoundException');
  });

  it('creates, lists, invokes and tails logs', async () => {
    const created = await aws(nimbus.endpoint, [
      'lambda', 'create-function', '--function-name', 'cli-fn', '--runtime', 'nodejs20.x', '--handler', 'index.handler',
      '--role', 'arn:aws:iam::000000000000:role/r', '--zip-file', 'fileb://fn.zip',
    ], work);
    expect(created.stderr).toBe('');
    expect(JSON.parse(created.stdout)).toMatchObject({ FunctionName: 'cli-fn', Runtime: 'nodejs20.x' });

    const waited = await aws(nimbus.endpoint, ['lambda', 'wait', 'function-active', '--function-name', 'cli-fn']);
    expect(waited).toMatchObject({ code: 0 });

    const listed = await aws(nimbus.endpoint, ['lambda', 'list-functions']);
    expect(JSON.parse(listed.stdout).Functions.map((f: { FunctionName: string }) => f.FunctionName)).toContain('cli-fn');

    const invoked = await aws(nimbus.endpoint, ['lambda', 'invoke', '--function-name', 'cli-fn', '--payload', 'fileb://payload.json', 'out.json'], work);
    expect(invoked).toMatchObject({ code: 0 });
    expect(JSON.parse(invoked.stdout)).toMatchObject({ StatusCode: 200, ExecutedVersion: '$LATEST' });
    expect(JSON.parse(readFileSync(join(work, 'out.json'), 'utf8'))).toEqual({ upper: 'NIMBUS' });

    const tail = await aws(nimbus.endpoint, ['logs', 'tail', '/aws/lambda/cli-fn', '--since', '1h']);
    expect(tail).toMatchObject({ code: 0 });
    expect(tail.stdout).toContain('cli says nimbus');
    expect(tail.stdout).toMatch(/REPORT RequestId: /);
  });

  it('reports errors the way AWS does', async () => {
    const missing = await aws(nimbus.endpoint, ['lambda', 'get-function', '--function-name', 'nope']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('(ResourceNotFoundException)');
    expect(missing.stderr).toContain('Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope');

    const badMemory = await aws(nimbus.endpoint, [
      'lambda', 'create-function', '--function-name', 'bad', '--runtime', 'nodejs20.x', '--handler', 'index.handler',
      '--role', 'arn:aws:iam::000000000000:role/r', '--zip-file', 'fileb://fn.zip', '--memory-size', '20000',
    ], work);
    expect(badMemory.code).not.toBe(0);
    expect(badMemory.stderr).toContain('(ValidationException)');
  });
});
