// `aws apigateway …` against Nimbus with the AWS CLI v1 (botocore): the whole life of an API.
// Each CLI call costs seconds of Python start-up, so v2 has its own shorter file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNimbus, type TestNimbus } from '../helpers/nimbus.js';

function version(bin: string): string | undefined {
  try {
    return execFileSync(bin, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    return undefined;
  }
}

// `aws` on PATH is v1 here (pyenv); Debian's /usr/bin/aws is v2 (see apigw-control-cli-v2.test.ts).
const clis = [{ label: 'v1', bin: 'aws' }]
  .map((c) => ({ ...c, version: version(c.bin) }))
  .filter((c) => c.version?.startsWith('aws-cli/1.'));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
  json: any;
}

function run(bin: string, endpoint: string, args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      bin,
      ['--endpoint-url', endpoint, '--region', 'us-east-1', '--output', 'json', 'apigateway', ...args],
      {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' },
        timeout: 60_000,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        let json: unknown;
        try {
          json = stdout.trim() ? JSON.parse(stdout) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ code, stdout, stderr, json });
      },
    );
  });
}

describe.skipIf(clis.length === 0)('API Gateway control plane with the AWS CLI v1', () => {
  let nimbus: TestNimbus;
  let dir: string;
  beforeAll(async () => {
    nimbus = await startNimbus();
    dir = mkdtempSync(join(tmpdir(), 'apigw-cli-'));
  });
  afterAll(async () => {
    await nimbus.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const cli of clis) {
    it(`builds, deploys, plans and exports an API (${cli.label}: ${cli.version})`, async () => {
      const aws = (...args: string[]) => run(cli.bin, nimbus.endpoint, args);
      const ok = async (...args: string[]) => {
        const r = await aws(...args);
        expect(r.stderr, `aws apigateway ${args.join(' ')}`).toBe('');
        expect(r.code).toBe(0);
        return r.json;
      };

      const api = await ok('create-rest-api', '--name', `cli-${cli.label}`, '--endpoint-configuration', 'types=REGIONAL');
      expect(api.endpointConfiguration.types).toEqual(['REGIONAL']);
      const resources = await ok('get-resources', '--rest-api-id', api.id);
      const root = resources.items[0].id;
      const items = await ok('create-resource', '--rest-api-id', api.id, '--parent-id', root, '--path-part', 'items');
      await ok('put-method', '--rest-api-id', api.id, '--resource-id', items.id, '--http-method', 'GET', '--authorization-type', 'NONE', '--api-key-required');
      await ok(
        'put-integration',
        '--rest-api-id', api.id, '--resource-id', items.id, '--http-method', 'GET', '--type', 'MOCK',
        '--request-templates', JSON.stringify({ 'application/json': '{"statusCode": 200}' }),
      );
      const deployment = await ok('create-deployment', '--rest-api-id', api.id, '--stage-name', 'dev', '--variables', 'color=blue');
      expect(deployment.id).toMatch(/^[a-z0-9]{10}$/);

      const stage = await ok(
        'update-stage', '--rest-api-id', api.id, '--stage-name', 'dev',
        '--patch-operations', 'op=replace,path=/*/*/throttling/rateLimit,value=10', 'op=replace,path=/~1items/GET/caching/enabled,value=true',
      );
      expect(stage.methodSettings['*/*'].throttlingRateLimit).toBe(10);
      expect(stage.methodSettings['items/GET'].cachingEnabled).toBe(true);
      expect(stage.variables).toEqual({ color: 'blue' });

      const key = await ok('create-api-key', '--name', `key-${cli.label}`, '--enabled');
      expect(key.value).toHaveLength(40);
      const plan = await ok(
        'create-usage-plan', '--name', `plan-${cli.label}`,
        '--api-stages', `apiId=${api.id},stage=dev`, '--throttle', 'burstLimit=5,rateLimit=10', '--quota', 'limit=100,period=DAY',
      );
      expect(plan.quota).toEqual({ limit: 100, offset: 0, period: 'DAY' });
      await ok('create-usage-plan-key', '--usage-plan-id', plan.id, '--key-id', key.id, '--key-type', 'API_KEY');

      const outFile = join(dir, `export-${cli.label}.json`);
      const exported = await ok('get-export', '--rest-api-id', api.id, '--stage-name', 'dev', '--export-type', 'oas30', '--parameters', 'extensions=integrations', outFile);
      expect(exported.contentType).toBe('application/json');
      const doc = JSON.parse(readFileSync(outFile, 'utf8'));
      expect(doc.paths['/items'].get['x-amazon-apigateway-integration'].type).toBe('mock');

      // (import-rest-api from a file is covered by the CLI v2 file; GetUsage by the SDK tests.)

      const missing = await aws('get-rest-api', '--rest-api-id', 'nope000000');
      expect(missing.code).not.toBe(0);
      expect(missing.stderr).toContain('NotFoundException');
      expect(missing.stderr).toContain('Invalid API identifier specified 000000000000:nope000000');
      const bad = await aws('update-stage', '--rest-api-id', api.id, '--stage-name', 'dev', '--patch-operations', 'op=replace,path=/nope,value=1');
      expect(bad.stderr).toContain('BadRequestException');
    }, 120_000);
  }
});
