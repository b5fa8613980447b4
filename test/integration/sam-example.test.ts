// examples/sam-app as its README walks through it: build, deploy, the API (public route, API-key
// route, CORS preflight), the state machine, then a broken version stopped by the PreTraffic hook.
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { GetApiKeyCommand } from '@aws-sdk/client-api-gateway';
import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GetAliasCommand } from '@aws-sdk/client-lambda';
import { startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { buildCommand } from '../../src/sam/build.js';
import { deployCommand, deleteCommand } from '../../src/sam/commands.js';
import { makeClients, type Clients } from '../../src/sam/deploy/clients.js';
import { capture } from '../helpers/io.js';

// Every temporary folder of this file lives under one scratch folder, removed at the end.
const scratch = mkdtempSync(join(tmpdir(), 'nimbus-sam-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let nimbus: TestNimbus;
let clients: Clients;
let app: string;

beforeAll(async () => {
  // Alarm evaluation cadence (the default is every half period, up to 10 s) fast enough for a compressed canary.
  process.env.NIMBUS_ALARM_EVALUATION_MS = '200';
  nimbus = await startNimbus();
  clients = makeClients(nimbus.endpoint);
  app = join(mkdtempSync(join(scratch, 'sam-example-')), 'sam-app');
  cpSync(join(process.cwd(), 'examples/sam-app'), app, { recursive: true, filter: (p) => !p.includes('.nimbus-sam') && !p.includes('node_modules') });
});
afterAll(async () => {
  clients?.destroy();
  await nimbus?.dispose();
});

const output = (lines: string[], key: string) => {
  const i = lines.findIndex((l) => l === `Key          ${key}`);
  return lines.slice(i).find((l) => l.startsWith('Value        '))!.slice(13);
};

describe('examples/sam-app', () => {
  let base = '';
  let out: string[] = [];

  it('builds and deploys', async () => {
    expect(await buildCommand({ cwd: app, templateFile: join(app, 'template.yaml') }, capture())).toBe(0);
    const io = capture();
    const code = await deployCommand({ cwd: app, stackName: 'sam-app', endpointUrl: nimbus.endpoint }, io);
    expect(io.stderr).toEqual([]);
    expect(code).toBe(0);
    out = io.stdout;
    base = /API HelloApiProdStage: (\S+)/.exec(out.join('\n'))![1]!;
  });

  it('serves the public route, guards the API-key route, answers CORS preflights', async () => {
    const hello = await request(`${base}hello?name=Ada`);
    expect(await hello.body.json()).toEqual({ message: 'Hello, Ada!' });
    const denied = await request(`${base}admin/stats`);
    expect(denied.statusCode).toBe(403);
    await denied.body.text();
    const key = await clients.apigw.send(new GetApiKeyCommand({ apiKey: output(out, 'ApiKeyId'), includeValue: true }));
    const admin = await request(`${base}admin/stats`, { headers: { 'x-api-key': key.value! } });
    expect(admin.statusCode).toBe(200);
    expect(await admin.body.json()).toMatchObject({ environment: 'production' });
    const pre = await request(`${base}hello`, { method: 'OPTIONS', headers: { origin: 'http://example.com', 'access-control-request-method': 'GET' } });
    expect(pre.statusCode).toBe(200);
    expect(pre.headers['access-control-allow-origin']).toBe('*');
    expect(String(pre.headers['access-control-allow-methods'])).toMatch(/GET/);
    await pre.body.text();
  });

  it('runs the state machine through the live alias', async () => {
    const { executionArn } = await clients.sfn.send(new StartExecutionCommand({ stateMachineArn: output(out, 'HelloStateMachine'), input: JSON.stringify({ queryStringParameters: { name: 'Flow' } }) }));
    let status = 'RUNNING';
    let result: string | undefined;
    for (let i = 0; i < 100 && status === 'RUNNING'; i++) {
      const d = await clients.sfn.send(new DescribeExecutionCommand({ executionArn }));
      status = d.status!;
      result = d.output;
      if (status === 'RUNNING') await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe('SUCCEEDED');
    expect(JSON.parse(result!)).toEqual({ greeting: { message: 'Hello, Flow!' } });
  });

  it('a broken version is stopped by the PreTraffic hook before it gets traffic', async () => {
    const src = join(app, 'hello-world/app.ts');
    writeFileSync(src, readFileSync(src, 'utf8').replace("const name = event.queryStringParameters?.name ?? 'world';", "const name = event.queryStringParameters?.name ?? 'world';\n  if (name) throw new Error('broken');"));
    expect(await buildCommand({ cwd: app, templateFile: join(app, 'template.yaml') }, capture())).toBe(0);
    const io = capture();
    expect(await deployCommand({ cwd: app, stackName: 'sam-app', endpointUrl: nimbus.endpoint, timeScale: 0.001 }, io)).toBe(1);
    expect(io.stdout.join('\n')).toMatch(/PreTraffic hook \S+ reported Failed/);
    expect(io.stdout.join('\n')).toMatch(/UPDATE_ROLLBACK_COMPLETE\s+AWS::CloudFormation::Stack\s+sam-app/);
    const fn = output(out, 'HelloWorldFunction');
    expect((await clients.lambda.send(new GetAliasCommand({ FunctionName: fn, Name: 'live' }))).FunctionVersion).toBe('1');
    const hello = await request(`${base}hello?name=Still`);
    expect(await hello.body.json()).toEqual({ message: 'Hello, Still!' });
  });

  it('deletes the stack', async () => {
    // No --stack-name: it comes from samconfig.toml, as `sam delete` reads it.
    writeFileSync(join(app, 'samconfig.toml'), 'version = 0.1\n[default.global.parameters]\nstack_name = "sam-app"\n');
    const io = capture();
    const code = await deleteCommand({ cwd: app, endpointUrl: nimbus.endpoint }, io);
    expect(io.stdout.filter((l) => /FAILED/.test(l))).toEqual([]);
    expect(io.stderr).toEqual([]);
    expect(code).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/DELETE_COMPLETE\s+AWS::CloudFormation::Stack\s+sam-app/);
    const gone = await request(`${base}hello`);
    expect(gone.statusCode).toBeGreaterThanOrEqual(400);
    await gone.body.text();
  });
});
