// The real `nimbus` binary: help, the ready line, a function invoked through it, a clean SIGTERM.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Lambda from '@aws-sdk/client-lambda';
import { clientConfig } from '../helpers/nimbus.js';
import { zip } from '../helpers/zip.js';
import { binaryBuilt, nimbusBin, spawnNimbus } from '../helpers/binary.js';

describe.skipIf(!binaryBuilt)('nimbus binary (needs `npm run build`, which `npm test` runs first)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'nimbus-e2e-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('lists its commands in --help', () => {
    const help = execFileSync(process.execPath, [nimbusBin, '--help'], { encoding: 'utf8' });
    expect(help).toContain('start');
  });

  it('starts, serves Lambda, and stops cleanly on SIGTERM', async () => {
    const nimbus = await spawnNimbus(dataDir);
    expect(nimbus.output()).toMatch(/ready at http:\/\/127\.0\.0\.1:\d+/);
    expect(nimbus.output()).toMatch(/memory:/);
    const lambda = new Lambda.LambdaClient(clientConfig(nimbus.endpoint));
    await lambda.send(
      new Lambda.CreateFunctionCommand({
        FunctionName: 'e2e',
        Runtime: 'nodejs20.x',
        Role: 'arn:aws:iam::000000000000:role/r',
        Handler: 'index.handler',
        Code: { ZipFile: zip({ 'index.mjs': 'export const handler = async () => process.pid;' }) },
      }),
    );
    const out = await lambda.send(new Lambda.InvokeCommand({ FunctionName: 'e2e' }));
    const functionPid = Number(Buffer.from(out.Payload!).toString());
    expect(functionPid).toBeGreaterThan(0);

    nimbus.child.kill('SIGTERM');
    expect(await nimbus.exited).toBe(0);
    const descendants = execFileSync('ps', ['-eo', 'pid,ppid'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.trim().split(/\s+/)[1] === String(nimbus.child.pid));
    expect(descendants).toEqual([]);
  });
});
