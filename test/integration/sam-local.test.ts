// The local side of the SAM workflow: `local start-api` serving a template's API and picking up
// code changes, `local invoke` with Python, `local generate-event`, `package`, and `logs`.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { startApi } from '../../src/sam/start-api.js';
import { initCommand } from '../../src/sam/init.js';
import { buildCommand } from '../../src/sam/build.js';
import { deleteCommand, deployCommand, localInvokeCommand, validateCommand } from '../../src/sam/commands.js';
import { EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { generateEvent, generateEventCommand } from '../../src/sam/events.js';
import { packageCommand } from '../../src/sam/package.js';
import { logsCommand } from '../../src/sam/logs.js';
import { capture } from '../helpers/io.js';

// Every temporary folder of this file lives under one scratch folder, removed at the end.
const scratch = mkdtempSync(join(tmpdir(), 'nimbus-sam-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Processes this test process started (function environments), as `pid command`. */
function children(): string[] {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' }).trim();
  return out ? out.split('\n').filter((l) => !/\bps -o\b/.test(l)) : [];
}

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(scratch, 'sam-local-'));
});

const API_TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  ItemsFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.handler
      Runtime: nodejs20.x
      Events:
        GetItem:
          Type: Api
          Properties:
            Path: /items/{id}
            Method: get
        Any:
          Type: Api
          Properties:
            Path: /files/{proxy+}
            Method: any
`;
const handler = (tag: string) => `exports.handler = async (event) => ({ statusCode: 200, body: JSON.stringify({ tag: '${tag}', path: event.path, id: event.pathParameters && event.pathParameters.id, method: event.httpMethod }) });`;

describe('local start-api', () => {
  it('serves the API routes and picks up code changes without restarting', async () => {
    const dir = join(root, 'api');
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'template.yaml'), API_TEMPLATE);
    writeFileSync(join(dir, 'src/index.js'), handler('one'));
    const io = capture();
    const api = await startApi({ port: 0, host: '127.0.0.1', cwd: dir }, io);
    try {
      expect(io.stderr.join('\n')).toMatch(/Mounted GET\s+http:\/\/127\.0\.0\.1:\d+\/items\/\{id\}/);
      const get = async (path: string, method = 'GET') => {
        const res = await request(`${api.url}${path}`, { method: method as 'GET' });
        return { status: res.statusCode, body: await res.body.text() };
      };
      expect(await get('/items/42')).toEqual({ status: 200, body: JSON.stringify({ tag: 'one', path: '/items/42', id: '42', method: 'GET' }) });
      expect(JSON.parse((await get('/files/a/b.txt', 'DELETE')).body)).toMatchObject({ tag: 'one', method: 'DELETE' });
      expect((await get('/nothing')).status).toBe(403);
      writeFileSync(join(dir, 'src/index.js'), handler('two'));
      // The file watcher notices the change and redeploys (no explicit reload).
      for (let i = 0; i < 100 && !io.stderr.some((l) => l.startsWith('Reloaded after a change')); i++) await new Promise((r) => setTimeout(r, 50));
      expect(io.stderr.some((l) => l.startsWith('Reloaded after a change'))).toBe(true);
      expect(JSON.parse((await get('/items/7')).body)).toMatchObject({ tag: 'two', id: '7' });
      expect(children().length).toBeGreaterThan(0);
    } finally {
      await api.stop();
    }
    // Stopping leaves no function process behind.
    for (let i = 0; i < 50 && children().length; i++) await new Promise((r) => setTimeout(r, 100));
    expect(children()).toEqual([]);
  });
});

describe('Python starter', () => {
  it('init → build → local invoke with the Python runtime', async () => {
    expect(await initCommand({ name: 'py-app', runtime: 'python3.12', outputDir: root }, capture())).toBe(0);
    const app = join(root, 'py-app');
    // The starter's unit tests, as its README runs them.
    const unit = spawnSync('python3', ['-m', 'unittest', 'discover', '-s', 'tests', '-t', '.'], { cwd: app, encoding: 'utf8' });
    expect(unit.status).toBe(0);
    expect(unit.stderr).toMatch(/Ran 2 tests[\s\S]*\nOK/);
    expect(await buildCommand({ cwd: app, templateFile: join(app, 'template.yaml') }, capture())).toBe(0);
    const io = capture();
    const code = await localInvokeCommand({ cwd: app, functionId: 'HelloWorldFunction', event: join(app, 'events/event.json') }, io);
    expect(io.stderr.join('\n')).toMatch(/REPORT RequestId/);
    expect(code).toBe(0);
    expect(JSON.parse(JSON.parse(io.stdout.join('')).body)).toEqual({ message: 'Hello, Nimbus!' });
  });
});

describe('generate-event', () => {
  it('prints events in the shapes services deliver', () => {
    const ev = generateEvent('apigateway', 'aws-proxy', { method: 'post', path: '/orders', body: '{"a":1}' }) as Record<string, any>;
    expect(ev).toMatchObject({ httpMethod: 'POST', path: '/orders', body: '{"a":1}', requestContext: { resourcePath: '/orders', stage: 'Prod' } });
    expect(generateEvent('schedule', 'scheduled-event', {})).toMatchObject({ 'detail-type': 'Scheduled Event', source: 'aws.events' });
    expect(generateEvent('sqs', 'receive-message', { body: 'hi' })).toMatchObject({ Records: [{ body: 'hi', eventSource: 'aws:sqs' }] });
    const io = capture();
    expect(generateEventCommand('kinesis', 'get-records', {}, io)).toBe(1);
    expect(io.stderr[0]).toMatch(/unknown service "kinesis"/);
  });
});

describe('package and logs', () => {
  let nimbus: TestNimbus;
  beforeAll(async () => {
    nimbus = await startNimbus();
  });
  afterAll(async () => {
    await nimbus?.dispose();
  });

  it('package writes content-addressed zips and a template that deploys', async () => {
    const dir = join(root, 'pkg');
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'template.yaml'), API_TEMPLATE);
    writeFileSync(join(dir, 'src/index.js'), handler('pkg').replace('async (event) => (', "async (event) => (console.log('handling', event.path), "));
    const io = capture();
    expect(await packageCommand({ cwd: dir, outputTemplateFile: 'packaged.yaml' }, io)).toBe(0);
    const packaged = readFileSync(join(dir, 'packaged.yaml'), 'utf8');
    const zip = /CodeUri: (\S+\.zip)/.exec(packaged)![1]!;
    expect(zip).toMatch(/^\.nimbus-sam\/artifacts\/[0-9a-f]{64}\.zip$/);
    expect(existsSync(join(dir, zip))).toBe(true);
    // Same code, same address.
    expect(await packageCommand({ cwd: dir, outputTemplateFile: 'again.yaml' }, capture())).toBe(0);
    expect(readFileSync(join(dir, 'again.yaml'), 'utf8')).toContain(zip);

    const dio = capture();
    expect(await deployCommand({ cwd: dir, templateFile: 'packaged.yaml', stackName: 'pkg', endpointUrl: nimbus.endpoint }, dio)).toBe(0);
    const url = /API \S+: (\S+)/.exec(dio.stdout.join('\n'))![1]!;
    const res = await request(`${url}items/9`);
    expect(JSON.parse(await res.body.text())).toMatchObject({ tag: 'pkg', id: '9' });

    const lio = capture();
    expect(await logsCommand({ cwd: dir, templateFile: 'packaged.yaml', name: 'ItemsFunction', stackName: 'pkg', endpointUrl: nimbus.endpoint }, lio)).toBe(0);
    expect(lio.stdout.join('\n')).toMatch(/handling \/items\/9/);
    expect(lio.stdout.join('\n')).toMatch(/REPORT RequestId/);

    // --tail prints events that arrive later, then stops on abort.
    const tio = capture();
    const ctl = new AbortController();
    const tailing = logsCommand({ cwd: dir, templateFile: 'packaged.yaml', name: 'ItemsFunction', stackName: 'pkg', endpointUrl: nimbus.endpoint, tail: true, pollMs: 100, signal: ctl.signal }, tio);
    await (await request(`${url}items/10`)).body.text();
    for (let i = 0; i < 100 && !tio.stdout.some((l) => l.includes('handling /items/10')); i++) await new Promise((r) => setTimeout(r, 100));
    ctl.abort();
    expect(await tailing).toBe(0);
    expect(tio.stdout.filter((l) => l.includes('handling /items/10'))).toHaveLength(1);

    const bad = capture();
    expect(await logsCommand({ cwd: dir, templateFile: 'packaged.yaml', name: 'Nope', stackName: 'pkg', endpointUrl: nimbus.endpoint }, bad)).toBe(1);
    expect(bad.stderr[0]).toMatch(/Nope is not a function of stack pkg/);
  });
});

describe('schedules', () => {
  let nimbus: TestNimbus;
  beforeAll(async () => {
    // 600×: rate(1 minute) fires every 100 ms inside Nimbus's EventBridge.
    nimbus = await startNimbus({ events: { clockScale: 600 } });
  });
  afterAll(async () => {
    await nimbus?.dispose();
  });

  it('deploys Schedule events as EventBridge rules that fire inside Nimbus, and deletes them with the stack', async () => {
    const dir = join(root, 'sched');
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'template.yaml'), `Transform: AWS::Serverless-2016-10-31
Resources:
  Tick:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.handler
      Runtime: nodejs20.x
      Events:
        EveryMinute:
          Type: Schedule
          Properties:
            Schedule: rate(1 minute)
        Off:
          Type: Schedule
          Properties:
            Schedule: cron(0 12 * * ? *)
            Enabled: false
        Scheduler:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: rate(2 minutes)
            ScheduleExpressionTimezone: UTC
            FlexibleTimeWindow:
              Mode: 'OFF'
            State: DISABLED
`);
    writeFileSync(join(dir, 'src/index.js'), "exports.handler = async (event) => { console.log('tick', event['detail-type'], event.source); };");
    expect(await deployCommand({ cwd: dir, stackName: 'sched', endpointUrl: nimbus.endpoint }, capture())).toBe(0);
    const eb = new EventBridgeClient({ endpoint: nimbus.endpoint, region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' } });
    const rules = (await eb.send(new ListRulesCommand({ NamePrefix: 'sched-' }))).Rules ?? [];
    expect(rules.map((r) => [r.ScheduleExpression, r.State]).sort()).toEqual([
      ['cron(0 12 * * ? *)', 'DISABLED'],
      ['rate(1 minute)', 'ENABLED'],
      ['rate(2 minutes)', 'DISABLED'],
    ]);
    const every = rules.find((r) => r.State === 'ENABLED')!;
    const targets = (await eb.send(new ListTargetsByRuleCommand({ Rule: every.Name }))).Targets ?? [];
    expect(targets).toHaveLength(1);
    expect(targets[0]!.Arn).toMatch(/^arn:aws:lambda:us-east-1:\d{12}:function:sched-Tick-/);
    // No client process: `nimbus schedules` has nothing left to fire for function targets.
    const io = capture();
    const { schedulesCommand } = await import('../../src/sam/commands.js');
    expect(await schedulesCommand({ cwd: dir, stackName: 'sched', endpointUrl: nimbus.endpoint }, io)).toBe(0);
    expect(io.stdout[0]).toMatch(/nothing to fire from here/);
    const logs = capture();
    for (let i = 0; i < 50; i++) {
      logs.stdout.length = 0;
      await logsCommand({ cwd: dir, name: 'Tick', stackName: 'sched', endpointUrl: nimbus.endpoint }, logs);
      if (logs.stdout.filter((l) => l.includes('tick Scheduled Event aws.events')).length >= 3) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(logs.stdout.filter((l) => l.includes('tick Scheduled Event aws.events')).length).toBeGreaterThanOrEqual(3);
    expect(await deleteCommand({ cwd: dir, stackName: 'sched', endpointUrl: nimbus.endpoint }, capture())).toBe(0);
    expect((await eb.send(new ListRulesCommand({ NamePrefix: 'sched-' }))).Rules).toEqual([]);
    eb.destroy();
  });

  it('rejects a bad schedule expression before deploying', async () => {
    const dir = join(root, 'sched-bad');
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'src/index.js'), 'exports.handler = async () => 1;');
    writeFileSync(join(dir, 'template.yaml'), `Transform: AWS::Serverless-2016-10-31
Resources:
  Tick:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.handler
      Runtime: nodejs20.x
      Events:
        Bad:
          Type: Schedule
          Properties:
            Schedule: rate(5 minute)
`);
    const io = capture();
    expect(await deployCommand({ cwd: dir, stackName: 'bad', endpointUrl: nimbus.endpoint }, io)).toBe(1);
    expect(io.stderr.join('\n')).toMatch(/Resources\.TickBad\.Properties\.ScheduleExpression: Parameter ScheduleExpression is not valid: rate\(5 minute\)/);
    expect(existsSync(join(dir, '.nimbus-sam/stacks/bad.json'))).toBe(false);

    // ScheduleV2 runs as a rule: what a rule cannot do is refused with its property path.
    writeFileSync(join(dir, 'template.yaml'), `Transform: AWS::Serverless-2016-10-31
Resources:
  Tick:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.handler
      Runtime: nodejs20.x
      Events:
        Once:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: at(2030-01-01T00:00:00)
        Zoned:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: cron(0 9 * * ? *)
            ScheduleExpressionTimezone: Europe/Paris
`);
    const v2 = capture();
    expect(await deployCommand({ cwd: dir, stackName: 'bad', endpointUrl: nimbus.endpoint }, v2)).toBe(1);
    expect(v2.stderr.join('\n')).toMatch(/Events\.Once\.Properties\.ScheduleExpression: one-time at\(\) schedules are not supported/);
    expect(v2.stderr.join('\n')).toMatch(/Events\.Zoned\.Properties\.ScheduleExpressionTimezone: only UTC is supported/);
  });
});

describe('templates with resources Nimbus does not provide', () => {
  const TEMPLATE = `Transform: AWS::Serverless-2016-10-31
Resources:
  Items:
    Type: AWS::Serverless::SimpleTable
  Jobs:
    Type: AWS::SQS::Queue
  Reader:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.handler
      Runtime: nodejs20.x
      VpcConfig:
        SubnetIds: [subnet-1]
        SecurityGroupIds: [sg-1]
      FileSystemConfigs:
        - Arn: arn:aws:elasticfilesystem:us-east-1:000000000000:access-point/fsap-1
          LocalMountPath: /mnt/efs
      Environment:
        Variables:
          TABLE: !Ref Items
          TABLE_ARN: !GetAtt Items.Arn
          QUEUE_ARN: !GetAtt Jobs.Arn
      Events:
        Get:
          Type: Api
          Properties: { Path: /items, Method: get }
        Work:
          Type: SQS
          Properties: { Queue: !GetAtt Jobs.Arn }
Outputs:
  TableName:
    Value: !Ref Items
`;
  let dir: string;
  beforeAll(() => {
    dir = join(root, 'unsupported');
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'template.yaml'), TEMPLATE);
    writeFileSync(join(dir, 'src/index.js'), 'exports.handler = async () => ({ table: process.env.TABLE, tableArn: process.env.TABLE_ARN, queueArn: process.env.QUEUE_ARN });');
  });

  it('local invoke leaves them out with a notice each, as SAM CLI does, and runs the function', async () => {
    const io = capture();
    expect(await localInvokeCommand({ cwd: dir, functionId: 'Reader' }, io)).toBe(0);
    expect(io.stderr).toEqual(expect.arrayContaining([
      expect.stringMatching(/^Skipping Items \(AWS::Serverless::SimpleTable\)/),
      expect.stringMatching(/^Skipping Jobs \(AWS::SQS::Queue\)/),
      expect.stringMatching(/^Skipping event Work of Reader: Nimbus does not run SQS event sources locally/),
      'Ignoring FileSystemConfigs of Reader: EFS are not supported by Nimbus',
    ]));
    expect(JSON.parse(io.stdout.join(''))).toEqual({
      table: 'Items',
      tableArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/Items',
      queueArn: 'arn:aws:sqs:us-east-1:000000000000:Jobs',
    });
  });

  it('validate and build accept the template and name what will be left out', async () => {
    const io = capture();
    expect(await validateCommand({ cwd: dir }, io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/is a valid SAM Template/);
    expect(io.stderr).toContain('Warning: Ignoring FileSystemConfigs of Reader: EFS are not supported by Nimbus');
    expect(io.stderr.some((l) => l.startsWith('Warning: Skipping Jobs (AWS::SQS::Queue)'))).toBe(true);
    expect(await buildCommand({ cwd: dir, templateFile: join(dir, 'template.yaml') }, capture())).toBe(0);
  });

  it('deploy refuses them unless --skip-unsupported', async () => {
    const nimbus = await startNimbus();
    try {
      const refused = capture();
      expect(await deployCommand({ cwd: dir, stackName: 'partial', endpointUrl: nimbus.endpoint }, refused)).toBe(1);
      expect(refused.stderr.join('\n')).toMatch(/Resources\.Jobs\.Type: resource type AWS::SQS::Queue is not supported by Nimbus[\s\S]*nimbus deploy --skip-unsupported/);
      const io = capture();
      expect(await deployCommand({ cwd: dir, stackName: 'partial', endpointUrl: nimbus.endpoint, skipUnsupported: true }, io)).toBe(0);
      const out = io.stdout.join('\n');
      expect(out).toMatch(/Skipping Items \(AWS::Serverless::SimpleTable\)/);
      expect(out).toMatch(/TableName\s.*Items/);
    } finally {
      await nimbus.dispose();
    }
  });
});

describe('local invoke by FunctionName', () => {
  it('takes the FunctionName of a function as SAM CLI does, and --env-vars keyed by it', async () => {
    const app = mkdtempSync(join(scratch, 'fn-name-'));
    mkdirSync(join(app, 'src'));
    writeFileSync(join(app, 'template.yaml'), `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  MainFunction:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: org-project-main
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Environment:
        Variables:
          GREETING: hello
  OtherFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
`);
    writeFileSync(join(app, 'src/app.py'), 'import os\ndef handler(event, context):\n    return {"greeting": os.environ.get("GREETING"), "name": context.function_name}\n');
    writeFileSync(join(app, 'env.json'), JSON.stringify({ 'org-project-main': { GREETING: 'hola' } }));
    const io = capture();
    expect(await localInvokeCommand({ cwd: app, functionId: 'org-project-main', envVars: join(app, 'env.json') }, io), io.stderr.join('\n')).toBe(0);
    expect(JSON.parse(io.stdout.join(''))).toEqual({ greeting: 'hola', name: 'org-project-main' });
    const byId = capture();
    expect(await localInvokeCommand({ cwd: app, functionId: 'MainFunction' }, byId)).toBe(0);
    expect(JSON.parse(byId.stdout.join(''))).toEqual({ greeting: 'hello', name: 'org-project-main' });
  });
});

describe('ScheduleV2 (EventBridge Scheduler) starts a rate schedule at once', () => {
  it('invokes the function as the stack is deployed, long before the first period ends', async () => {
    const nimbus = await startNimbus();
    try {
      const dir = mkdtempSync(join(scratch, 'v2-now-'));
      mkdirSync(join(dir, 'src'));
      writeFileSync(join(dir, 'template.yaml'), `Transform: AWS::Serverless-2016-10-31
Resources:
  Job:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.handler
      Runtime: nodejs20.x
      Events:
        Hourly:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: rate(1 hour)
            Input: '{"job":"hourly"}'
        Daily:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: cron(0 3 * * ? *)
            Input: '{"job":"daily"}'
  Jobs:
    Type: AWS::Scheduler::ScheduleGroup
    Properties:
      Name: jobs
  Weekly:
    Type: AWS::Scheduler::Schedule
    Properties:
      GroupName: !Ref Jobs
      ScheduleExpression: rate(7 days)
      FlexibleTimeWindow: {Mode: 'OFF'}
      Target:
        Arn: !GetAtt Job.Arn
        RoleArn: arn:aws:iam::000000000000:role/scheduler
        Input: '{"job":"weekly"}'
Outputs:
  GroupArn:
    Value: !GetAtt Jobs.Arn
  WeeklyArn:
    Value: !GetAtt Weekly.Arn
`);
      writeFileSync(join(dir, 'src/index.js'), "exports.handler = async (event) => { console.log('job', event.job); };");
      const deployed = capture();
      expect(await deployCommand({ cwd: dir, stackName: 'v2now', endpointUrl: nimbus.endpoint }, deployed), deployed.stderr.join('\n')).toBe(0);
      const out = deployed.stdout.join('\n');
      expect(out).toContain('Value        arn:aws:scheduler:us-east-1:000000000000:schedule-group/jobs');
      expect(out).toMatch(/Value {8}arn:aws:scheduler:us-east-1:000000000000:schedule\/jobs\/v2now-Weekly-[A-Z0-9]{12}\n/);
      const logs = capture();
      for (let i = 0; i < 100; i++) {
        logs.stdout.length = 0;
        await logsCommand({ cwd: dir, name: 'Job', stackName: 'v2now', endpointUrl: nimbus.endpoint }, logs);
        if (logs.stdout.some((l) => l.includes('job hourly')) && logs.stdout.some((l) => l.includes('job weekly'))) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(logs.stdout.filter((l) => l.includes('job hourly'))).toHaveLength(1);
      expect(logs.stdout.filter((l) => l.includes('job weekly'))).toHaveLength(1);
      // A cron schedule waits for its time.
      expect(logs.stdout.some((l) => l.includes('job daily'))).toBe(false);
    } finally {
      await nimbus.dispose();
    }
  });
});
