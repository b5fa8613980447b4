// The SAM workflow end to end, as a newcomer runs it: `nimbus init` (TypeScript starter) → its unit
// tests → `nimbus build` (esbuild) → `nimbus local invoke` → `nimbus deploy` to a running Nimbus →
// the API answers HTTP → a canary deployment with a PreTraffic hook shifts traffic to a healthy
// version → a failing version trips the alarm during the canary and the stack rolls back.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { GetAliasCommand } from '@aws-sdk/client-lambda';
import { startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { initCommand } from '../../src/sam/init.js';
import { buildCommand } from '../../src/sam/build.js';
import { deployCommand, localInvokeCommand, validateCommand } from '../../src/sam/commands.js';
import { makeClients, type Clients } from '../../src/sam/deploy/clients.js';
import { capture } from '../helpers/io.js';

// Every temporary folder of this file lives under one scratch folder, removed at the end.
const scratch = mkdtempSync(join(tmpdir(), 'nimbus-sam-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let nimbus: TestNimbus;
let clients: Clients;
let root: string;
let app: string;

beforeAll(async () => {
  // Alarm evaluation cadence (the default is every half period, up to 10 s) fast enough for a compressed canary.
  process.env.NIMBUS_ALARM_EVALUATION_MS = '200';
  nimbus = await startNimbus();
  clients = makeClients(nimbus.endpoint);
  root = mkdtempSync(join(scratch, 'sam-workflow-'));
  app = join(root, 'hello-app');
});
afterAll(async () => {
  clients?.destroy();
  await nimbus?.dispose();
});

const HOOK = `const http = require('http');
exports.handler = async (event) => {
  const url = new URL(process.env.AWS_ENDPOINT_URL);
  const body = JSON.stringify({ deploymentId: event.DeploymentId, lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId, status: 'Succeeded' });
  await new Promise((resolve, reject) => {
    const req = http.request({ hostname: url.hostname, port: url.port, path: '/', method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'CodeDeploy_20141006.PutLifecycleEventHookExecutionStatus' } },
      (res) => { res.resume(); res.on('end', resolve); });
    req.on('error', reject);
    req.end(body);
  });
  return 'reported';
};`;

/** The starter's template with a canary preference, a PreTraffic hook and an error alarm. */
function canaryTemplate(original: string): string {
  return original
    .replace('      DeploymentPreference:\n        Type: AllAtOnce\n', `      DeploymentPreference:
        Type: Canary10Percent5Minutes
        Hooks:
          PreTraffic: !Ref PreTrafficHook
          PostTraffic: !Ref PreTrafficHook
        Alarms:
          - !Ref HelloErrorsAlarm
`)
    .replace('  HelloStateMachine:\n', `  PreTrafficHook:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      InlineCode: |
${HOOK.split('\n').map((l) => `        ${l}`).join('\n')}
  HelloErrorsAlarm:
    Type: AWS::CloudWatch::Alarm
    Properties:
      Namespace: AWS/Lambda
      MetricName: Errors
      Dimensions:
        - Name: FunctionName
          Value: !Ref HelloWorldFunction
      Statistic: Sum
      Period: 60
      EvaluationPeriods: 1
      Threshold: 1
      ComparisonOperator: GreaterThanOrEqualToThreshold
      TreatMissingData: notBreaching

  HelloStateMachine:
`);
}

async function get(url: string) {
  const res = await request(url);
  return { status: res.statusCode, text: await res.body.text() };
}

describe('nimbus SAM workflow', () => {
  let apiUrl = '';

  it('init creates a TypeScript starter whose unit tests pass', async () => {
    const io = capture();
    expect(await initCommand({ name: 'hello-app', runtime: 'nodejs20.x', outputDir: root }, io)).toBe(0);
    for (const f of ['template.yaml', 'hello-world/app.ts', 'hello-world/tests/unit/app.test.ts', 'statemachine/hello.asl.json', 'events/event.json']) {
      expect(existsSync(join(app, f)), f).toBe(true);
    }
    // The starter's own test script: bundle the TypeScript test with esbuild, run node --test.
    const esbuild = join(process.cwd(), 'node_modules', '.bin', 'esbuild');
    execFileSync(esbuild, ['tests/unit/app.test.ts', '--bundle', '--platform=node', '--outfile=.test/app.test.js', '--log-level=error'], { cwd: join(app, 'hello-world') });
    const out = execFileSync(process.execPath, ['--test', '.test/'], { cwd: join(app, 'hello-world'), encoding: 'utf8' });
    expect(out).toMatch(/# pass 2/);
    expect(await initCommand({ name: 'hello-app', runtime: 'nodejs20.x', outputDir: root }, capture())).toBe(1);
    expect(await validateCommand({ cwd: app }, capture())).toBe(0);
  });

  it('build bundles the function with esbuild into .nimbus-sam/build', async () => {
    const io = capture();
    expect(await buildCommand({ cwd: app, templateFile: join(app, 'template.yaml') }, io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/Build Succeeded/);
    expect(existsSync(join(app, '.nimbus-sam/build/template.yaml'))).toBe(true);
    expect(readFileSync(join(app, '.nimbus-sam/build/HelloWorldFunction/app.js'), 'utf8')).toMatch(/lambdaHandler/);
  });

  it('local invoke runs the built function once with its runtime', async () => {
    const io = capture();
    const code = await localInvokeCommand({ cwd: app, functionId: 'HelloWorldFunction', event: join(app, 'events/event.json') }, io);
    expect(io.stderr.join('\n')).toMatch(/REPORT RequestId/);
    expect(code).toBe(0);
    const result = JSON.parse(io.stdout.join('\n'));
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ message: 'Hello, Nimbus!' });
    // --env-vars overrides variables the template declares (GREETING), and only those.
    writeFileSync(join(root, 'env.json'), JSON.stringify({ Parameters: { UNDECLARED: 'x' }, HelloWorldFunction: { GREETING: 'Howdy' } }));
    const env = capture();
    expect(await localInvokeCommand({ cwd: app, functionId: 'HelloWorldFunction', eventJson: '{"queryStringParameters":{"name":"Ed"}}', envVars: join(root, 'env.json') }, env)).toBe(0);
    expect(JSON.parse(JSON.parse(env.stdout.join('')).body)).toEqual({ message: 'Howdy, Ed!' });
    const bad = capture();
    expect(await localInvokeCommand({ cwd: app, functionId: 'Nope' }, bad)).toBe(1);
    expect(bad.stderr.join('\n')).toMatch(/function Nope is not in the template/);
  });

  it('deploy creates the stack on a running Nimbus and the API answers', async () => {
    const io = capture();
    const code = await deployCommand({ cwd: app, stackName: 'hello', endpointUrl: nimbus.endpoint }, io);
    expect(io.stderr).toEqual([]);
    expect(code).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toMatch(/CREATE_COMPLETE\s+AWS::CloudFormation::Stack\s+hello/);
    apiUrl = /API ServerlessRestApiProdStage: (\S+)/.exec(text)![1]!;
    const res = await get(`${apiUrl}hello?name=ada`);
    expect(res).toEqual({ status: 200, text: JSON.stringify({ message: 'Hello, ada!' }) });
  });

  it('a canary deployment runs the PreTraffic hook and shifts the alias to the new version', async () => {
    writeFileSync(join(app, 'template.yaml'), canaryTemplate(readFileSync(join(app, 'template.yaml'), 'utf8')));
    const src = join(app, 'hello-world/app.ts');
    writeFileSync(src, readFileSync(src, 'utf8').replace("body: JSON.stringify({ message: greet(name) })", "body: JSON.stringify({ message: greet(name), version: 2 })"));
    expect(await buildCommand({ cwd: app, templateFile: join(app, 'template.yaml') }, capture())).toBe(0);
    const io = capture();
    const code = await deployCommand({ cwd: app, stackName: 'hello', endpointUrl: nimbus.endpoint, timeScale: 0.005 }, io);
    const text = io.stdout.join('\n');
    expect(io.stderr).toEqual([]);
    expect(code).toBe(0);
    expect(text).toMatch(/BeforeAllowTraffic hook reported Succeeded/);
    expect(text).toMatch(/live: 10% of traffic on version 2/);
    expect(text).toMatch(/live: 100% of traffic on version 2/);
    expect(text).toMatch(/AfterAllowTraffic hook reported Succeeded/);
    expect(JSON.parse((await get(`${apiUrl}hello?name=bo`)).text)).toEqual({ message: 'Hello, bo!', version: 2 });
  });

  it('a failing version trips the alarm during the canary and the stack rolls back', async () => {
    const src = join(app, 'hello-world/app.ts');
    writeFileSync(src, readFileSync(src, 'utf8').replace("const name = event.queryStringParameters?.name ?? 'world';", "const name = event.queryStringParameters?.name ?? 'world';\n  if (name) throw new Error('version 3 is broken');"));
    expect(await buildCommand({ cwd: app, templateFile: join(app, 'template.yaml') }, capture())).toBe(0);
    const io = capture();
    let done = false;
    const deploying = deployCommand({ cwd: app, stackName: 'hello', endpointUrl: nimbus.endpoint, timeScale: 0.02 }, io).finally(() => {
      done = true;
    });
    // Traffic during the canary: ~10% reaches the broken version and fails.
    const seen = new Set<number>();
    while (!done) {
      seen.add((await get(`${apiUrl}hello?name=x`)).status);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await deploying).toBe(1);
    const text = io.stdout.join('\n');
    expect(seen.has(502)).toBe(true);
    expect(text).toMatch(/alarm \S+HelloErrorsAlarm\S* is in ALARM; rolling live back to version 2/);
    expect(text).toMatch(/UPDATE_ROLLBACK_COMPLETE\s+AWS::CloudFormation::Stack\s+hello/);
    expect(io.stderr.join('\n')).toMatch(/rolled back/);
    const fnName = JSON.parse(readFileSync(join(app, '.nimbus-sam/stacks/hello.json'), 'utf8')).resources.HelloWorldFunction.physicalId;
    const alias = await clients.lambda.send(new GetAliasCommand({ FunctionName: fnName, Name: 'live' }));
    expect(alias.FunctionVersion).toBe('2');
    expect(alias.RoutingConfig?.AdditionalVersionWeights ?? {}).toEqual({});
    for (let i = 0; i < 10; i++) expect(JSON.parse((await get(`${apiUrl}hello?name=z`)).text)).toEqual({ message: 'Hello, z!', version: 2 });
  });
});
