// `aws apigateway …` with the AWS CLI v2 (Debian's /usr/bin/aws), kept short: a few calls that
// cover its request shapes (shorthand lists, blob bodies, export to a file) and an error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNimbus, type TestNimbus } from '../helpers/nimbus.js';

const BIN = '/usr/bin/aws';
const version = (() => {
  try {
    return execFileSync(BIN, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    return undefined;
  }
})();

function run(endpoint: string, args: string[]): Promise<{ code: number; stderr: string; json: any }> {
  return new Promise((resolve) => {
    execFile(
      BIN,
      ['--endpoint-url', endpoint, '--region', 'us-east-1', '--output', 'json', 'apigateway', ...args],
      { env: { PATH: process.env.PATH, HOME: process.env.HOME, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' }, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stderr, json: stdout.trim() ? JSON.parse(stdout) : undefined });
      },
    );
  });
}

describe.skipIf(!version?.startsWith('aws-cli/2.'))(`API Gateway control plane with the AWS CLI v2 (${version})`, () => {
  let nimbus: TestNimbus;
  let dir: string;
  beforeAll(async () => {
    nimbus = await startNimbus();
    dir = mkdtempSync(join(tmpdir(), 'apigw-cli2-'));
  });
  afterAll(async () => {
    await nimbus.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports, deploys, exports and reports errors', async () => {
    const def = join(dir, 'def.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      def,
      JSON.stringify({
        openapi: '3.0.1',
        info: { title: 'cli-v2', version: '1' },
        paths: { '/ping': { get: { responses: { '200': { description: 'ok' } }, 'x-amazon-apigateway-integration': { type: 'mock', requestTemplates: { 'application/json': '{"statusCode":200}' } } } } },
      }),
    );
    const imported = await run(nimbus.endpoint, ['import-rest-api', '--body', `fileb://${def}`]);
    expect(imported.stderr).toBe('');
    expect(imported.json.name).toBe('cli-v2');
    const deployed = await run(nimbus.endpoint, ['create-deployment', '--rest-api-id', imported.json.id, '--stage-name', 'prod']);
    expect(deployed.code).toBe(0);
    const out = join(dir, 'export.json');
    const exported = await run(nimbus.endpoint, ['get-export', '--rest-api-id', imported.json.id, '--stage-name', 'prod', '--export-type', 'swagger', '--parameters', 'extensions=integrations', out]);
    expect(exported.code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).paths['/ping'].get['x-amazon-apigateway-integration'].type).toBe('mock');
    const missing = await run(nimbus.endpoint, ['get-stage', '--rest-api-id', imported.json.id, '--stage-name', 'nope']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('NotFoundException');
    expect(missing.stderr).toContain('Invalid stage identifier specified');
  }, 60_000);
});
