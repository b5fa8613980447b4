// Real-world Lambda-centric applications (test/fixtures/real-apps, each with a SOURCE.md naming the public
// app it follows), deployed with the `nimbus` SAM commands — or the AWS API, as their READMEs do — on a
// running Nimbus, then used as their READMEs use them on AWS: function URLs (signed, streamed),
// asynchronous invokes with destinations, EventBridge rules and Scheduler schedules, layers, a custom runtime.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import {
  AddLayerVersionPermissionCommand, CreateFunctionCommand, GetFunctionConfigurationCommand, GetLayerVersionPolicyCommand,
  InvokeCommand, ListFunctionsCommand, PublishLayerVersionCommand, UpdateFunctionCodeCommand, UpdateFunctionConfigurationCommand, waitUntilFunctionUpdatedV2,
  waitUntilFunctionActiveV2,
} from '@aws-sdk/client-lambda';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeRuleCommand, ListTargetsByRuleCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { deployCommand, localInvokeCommand } from '../../src/sam/commands.js';
import { makeClients, type Clients } from '../../src/sam/deploy/clients.js';
import { probeBwrap } from '../../src/lambda/environments/sandbox.js';
import { capture } from '../helpers/io.js';
import { buildAndDeploy, fixtureCheckouts, type BuildAndDeployOptions } from '../helpers/real-apps.js';

let nimbus: TestNimbus;
let clients: Clients;

beforeAll(async () => {
  // Real time: the Scheduler schedule's rate(5 minute) must fire at once, as Scheduler does, not in 5 minutes.
  nimbus = await startNimbus();
  clients = makeClients(nimbus.endpoint);
});
afterAll(async () => {
  clients?.destroy();
  await nimbus?.dispose();
});

const checkout = fixtureCheckouts('real-apps-lambda');

const deploy = (app: string, stackName: string, opts: BuildAndDeployOptions = {}) =>
  buildAndDeploy(nimbus.endpoint, app, stackName, { build: false, allowStderr: true, ...opts });

/** Messages of a function's log group (all streams), polled until `until` holds. */
async function logsOf(functionName: string, until: (messages: string[]) => boolean, timeoutMs = 10_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let messages: string[] = [];
  while (Date.now() < deadline) {
    try {
      const out = await clients.logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${functionName}` }));
      messages = (out.events ?? []).map((e) => e.message ?? '');
      if (until(messages)) return messages;
    } catch (err) {
      if ((err as { name?: string }).name !== 'ResourceNotFoundException') throw err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return messages;
}

/** What `curl --aws-sigv4` sends: an AWS_IAM URL wants a SigV4 Authorization header. */
const SIGNED = { authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261127/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=0' };

describe('lambda-function-url (serverless-patterns): FunctionUrlConfig with AWS_IAM and CORS', () => {
  it('deploys; the output is the URL in AWS\'s shape; signed calls get Hello World, unsigned 403', async () => {
    const app = await deploy(checkout('lambda-function-url'), 'furl');
    const urlId = /^https:\/\/([a-z0-9]{32})\.lambda-url\.us-east-1\.on\.aws\/$/.exec(app.output('FunctionURLEndpoint'))?.[1];
    expect(urlId).toBeTruthy();
    const local = app.url('FURLFunctionUrl');
    expect(local).toBe(`${nimbus.endpoint}/_aws/lambda-url/${urlId}/`);

    const unsigned = await request(local);
    expect(unsigned.statusCode).toBe(403);
    await unsigned.body.text();
    const signed = await request(local, { headers: { ...SIGNED, origin: 'https://example.com' } });
    expect(signed.statusCode).toBe(200);
    expect(await signed.body.text()).toBe('Hello World');
    expect(signed.headers['access-control-allow-origin']).toBe('*');
  });
});

describe('lambda-destinations (serverless-patterns): async invoke, OnSuccess to a function, OnFailure to SQS (left out)', () => {
  let main = '';
  let onSuccess = '';
  it('deploys with --skip-unsupported (no SQS here); the invoke config names both destinations', async () => {
    const app = await deploy(checkout('lambda-destinations'), 'destinations', { skipUnsupported: true });
    main = app.output('MainLambdaFunction');
    onSuccess = app.output('OnSuccessLambdaFunction');
    expect(main).toMatch(/^destinations-MainLambdaFunction-[A-Z0-9]{12}$/);
  });

  it('an Event invoke answers 202 and the success record reaches OnSuccessLambdaFunction', async () => {
    const out = await clients.lambda.send(new InvokeCommand({ FunctionName: main, InvocationType: 'Event', Payload: Buffer.from('{}') }));
    expect(out.StatusCode).toBe(202);
    const messages = await logsOf(onSuccess, (m) => m.some((l) => l.includes('"condition":"Success"')));
    const line = messages.find((l) => l.includes('"condition":"Success"'));
    expect(line, messages.join('')).toBeTruthy();
    const record = JSON.parse(line!.slice(line!.indexOf('{')));
    expect(record).toMatchObject({
      version: '1.0',
      requestContext: { functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${main}:$LATEST`, condition: 'Success', approximateInvokeCount: 1 },
      requestPayload: {},
      responseContext: { statusCode: 200, executedVersion: '$LATEST' },
      responsePayload: 'hello world',
    });
  });

  it('a failing Event invoke logs the error in the main function (the SQS destination is not delivered)', async () => {
    await clients.lambda.send(new InvokeCommand({ FunctionName: main, InvocationType: 'Event', Payload: Buffer.from('{"type":"failure"}') }));
    const messages = await logsOf(main, (m) => m.some((l) => l.includes('failure requested by the event')));
    expect(messages.join('')).toMatch(/ERROR\tInvoke Error \t\{"errorType":"Error","errorMessage":"failure requested by the event"/);
  });
});

describe('eventbridge-lambda + lambda-eventbridge (serverless-patterns): EventBridgeRule with a prefix pattern; Description beside Type; a publisher function', () => {
  it('deploys (the resource-level Description is dropped as SAM does); only matching events invoke the function', async () => {
    const dir = checkout('eventbridge-lambda');
    const app = await deploy(dir, 'eb-lambda');
    const fn = app.output('ConsumerFunction');
    const cfg = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: fn }));
    expect(cfg.Description).toBe('');

    // `aws events put-events --entries file://event.json`, then one that the prefix does not match.
    const entries = JSON.parse(readFileSync(join(dir, 'event.json'), 'utf8'));
    const put = await clients.events.send(new PutEventsCommand({ Entries: [...entries, { ...entries[0], Detail: '{"location":"USD-1"}' }] }));
    expect(put.FailedEntryCount).toBe(0);
    const messages = await logsOf(fn, (m) => m.some((l) => l.includes('"detail-type": "transaction"')));
    const events = messages.filter((l) => l.includes('"detail-type": "transaction"'));
    expect(events).toHaveLength(1);
    expect(events[0]).toContain('"location": "EUR-"');
    expect(events[0]).toContain(`"id": "${put.Entries![0]!.EventId}"`);

    // lambda-eventbridge (serverless-patterns): a publisher function, deployed with its samconfig.toml, puts the
    // event with the bundled SDK v3 from inside Lambda; the consumer above receives it.
    const publisherDir = checkout('lambda-eventbridge');
    const io = capture();
    expect(await deployCommand({ cwd: publisherDir, endpointUrl: nimbus.endpoint }, io), io.stderr.join('\n')).toBe(0);
    expect(io.stdout.join('\n')).toContain('Successfully created/updated stack - patterns-lambda-eb (CREATE_COMPLETE)');
    const publisher = io.stdout[io.stdout.indexOf('Key          PublisherFunction') + 2]!.slice(13);
    const out = await clients.lambda.send(new InvokeCommand({ FunctionName: publisher }));
    expect(out.FunctionError, Buffer.from(out.Payload!).toString()).toBeUndefined();
    const answer = JSON.parse(Buffer.from(out.Payload!).toString());
    expect(answer).toMatchObject({ FailedEntryCount: 0, Entries: [{ EventId: expect.any(String) }] });
    const after = await logsOf(fn, (m) => m.some((l) => l.includes(answer.Entries[0].EventId)));
    expect(after.join('')).toContain('"location": "EUR-1"');
  });
});

describe('eventbridge-schedule-to-lambda (serverless-patterns): AWS::Scheduler::Schedule, rate(5 minute), esbuild', () => {
  it('builds and deploys; the schedule is MySchedule and fires the function at once (rate schedules without StartDate do)', async () => {
    const app = await deploy(checkout('eventbridge-schedule-to-lambda'), 'eb-schedule', { build: true });
    expect(app.stdout.some((l) => /CREATE_COMPLETE\s+AWS::Scheduler::Schedule\s+MyFirstSchedule/.test(l))).toBe(true);
    const rule = await clients.events.send(new DescribeRuleCommand({ Name: 'MySchedule' }));
    expect(rule).toMatchObject({ ScheduleExpression: 'rate(5 minutes)', State: 'ENABLED' });
    const targets = (await clients.events.send(new ListTargetsByRuleCommand({ Rule: 'MySchedule' }))).Targets ?? [];
    expect(targets).toHaveLength(1);
    const fn = targets[0]!.Arn!.split(':').pop()!;
    expect(fn).toMatch(/^eb-schedule-ScheduledLambdaFunction-/);
    const messages = await logsOf(fn, (m) => m.some((l) => l.includes('Triggered')));
    expect(messages.join('')).toMatch(/INFO\tTriggered \{"version":"0".*"detail-type":"Scheduled Event".*"resources":\["arn:aws:events:us-east-1:000000000000:rule\/MySchedule"\]/);
    expect(messages.filter((l) => l.includes('Triggered'))).toHaveLength(1);
  });
});

describe('lambda-streaming-ttfb (serverless-patterns): RESPONSE_STREAM URLs on the alias and the function', () => {
  it('both URLs stream: headers and the first writes arrive before the function has finished', async () => {
    const app = await deploy(checkout('lambda-streaming-ttfb'), 'streaming');
    expect(app.output('StreamingFunctionURL')).toMatch(/^https:\/\/[a-z0-9]{32}\.lambda-url\.us-east-1\.on\.aws\/$/);
    for (const id of ['MyFunctionUrl', 'StreamingFunctionUrl']) {
      const started = Date.now();
      const res = await request(app.url(id), { headers: SIGNED });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/html');
      expect(res.headers['x-custom-header']).toBe('Example-Custom-Header');
      const chunks: Array<{ at: number; text: string }> = [];
      for await (const chunk of res.body) chunks.push({ at: Date.now() - started, text: chunk.toString() });
      const body = chunks.map((c) => c.text).join('');
      expect(body).toBe('<html><p>first chunk</p><h1>streamed h1</h1><h2>streamed h2</h2><h3>streamed h3</h3><p>DONE!</p>');
      // Three 300 ms pauses: the first chunk comes well before the last.
      expect(chunks[0]!.text).toContain('<html>');
      expect(chunks.at(-1)!.at - chunks[0]!.at).toBeGreaterThan(500);
    }
  });
});

describe('blank-python (aws-lambda-developer-guide): template.yml, python3.11 with a layer from package/', () => {
  it('deploys from template.yml; the function sees AWS_REGION and imports from its layer; local invoke too', async () => {
    const dir = checkout('blank-python');
    const app = await deploy(dir, 'blank-python');
    expect(app.stdout.some((l) => /CREATE_COMPLETE\s+AWS::Lambda::LayerVersion\s+libs/.test(l))).toBe(true);
    // The template has no outputs; the README finds the function by its logical id `function`.
    const list = await clients.lambda.send(new ListFunctionsCommand({}));
    const name = list.Functions!.map((f) => f.FunctionName!).find((n) => n.startsWith('blank-python-function-'))!;
    const cfg = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    expect(cfg).toMatchObject({ Runtime: 'python3.11', Timeout: 10, TracingConfig: { Mode: 'Active' }, Description: 'Call the AWS Lambda API' });
    expect(cfg.Layers?.map((l) => l.Arn)).toEqual(['arn:aws:lambda:us-east-1:000000000000:layer:blank-python-lib:1']);
    // 3-invoke.sh: `aws lambda invoke --function-name $FUNCTION --payload '{}' out.json`
    const out = await clients.lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{}'), LogType: 'Tail' }));
    expect(out.FunctionError).toBeUndefined();
    expect(JSON.parse(Buffer.from(out.Payload!).toString())).toEqual({ status: 'success!', lib: '1.3' });
    const tail = Buffer.from(out.LogResult!, 'base64').toString();
    expect(tail).toMatch(/^Region: us-east-1$/m);
    expect(tail).toContain("'AWS_LAMBDA_FUNCTION_NAME': '" + name + "'");

    const io = capture();
    expect(await localInvokeCommand({ cwd: dir, functionId: 'function', eventJson: '{}' }, io), io.stderr.join('\n')).toBe(0);
    expect(JSON.parse(io.stdout.join(''))).toEqual({ status: 'success!', lib: '1.3' });
  });
});

const canRunTutorial = (existsSync('/usr/bin/curl') || existsSync('/bin/curl')) && existsSync('/usr/bin/zip') && probeBwrap() !== undefined;

describe('custom runtime tutorial (Lambda developer guide): a bash bootstrap on provided.al2023, then as a layer', () => {
  it.skipIf(!canRunTutorial)('runs the #!/bin/sh bootstrap from the package, then from a shared layer', async () => {
    const src = checkout('custom-runtime-tutorial');
    const zip = (name: string, files: string[]) => {
      execFileSync('zip', ['-q', name, ...files], { cwd: src });
      return readFileSync(join(src, name));
    };
    // `aws lambda create-function --function-name bash-runtime --zip-file fileb://function.zip --handler function.handler --runtime provided.al2023`
    await clients.lambda.send(new CreateFunctionCommand({
      FunctionName: 'bash-runtime', Runtime: 'provided.al2023', Handler: 'function.handler', Role: 'arn:aws:iam::000000000000:role/lambda-role',
      Code: { ZipFile: zip('function.zip', ['bootstrap', 'function.sh']) },
    }));
    await waitUntilFunctionActiveV2({ client: clients.lambda, maxWaitTime: 30 }, { FunctionName: 'bash-runtime' });
    const invoke = async () => {
      const out = await clients.lambda.send(new InvokeCommand({ FunctionName: 'bash-runtime', Payload: Buffer.from('{"text":"Hello"}') }));
      expect(out.FunctionError, Buffer.from(out.Payload ?? []).toString()).toBeUndefined();
      return Buffer.from(out.Payload!).toString();
    };
    expect(await invoke()).toBe(`Echoing request: '{"text":"Hello"}'`);

    // The runtime moves into a layer; the function keeps only its script.
    const layer = await clients.lambda.send(new PublishLayerVersionCommand({ LayerName: 'bash-runtime', Content: { ZipFile: zip('runtime.zip', ['bootstrap']) } }));
    expect(layer.LayerVersionArn).toBe('arn:aws:lambda:us-east-1:000000000000:layer:bash-runtime:1');
    await clients.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'bash-runtime', ZipFile: zip('function-only.zip', ['function.sh']) }));
    await waitUntilFunctionUpdatedV2({ client: clients.lambda, maxWaitTime: 30 }, { FunctionName: 'bash-runtime' });
    await clients.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'bash-runtime', Layers: [layer.LayerVersionArn!] }));
    await waitUntilFunctionUpdatedV2({ client: clients.lambda, maxWaitTime: 30 }, { FunctionName: 'bash-runtime' });
    expect(await invoke()).toBe(`Echoing request: '{"text":"Hello"}'`);

    // Sharing the runtime with every account.
    await clients.lambda.send(new AddLayerVersionPermissionCommand({ LayerName: 'bash-runtime', VersionNumber: 1, StatementId: 'xaccount', Action: 'lambda:GetLayerVersion', Principal: '*' }));
    const policy = JSON.parse((await clients.lambda.send(new GetLayerVersionPolicyCommand({ LayerName: 'bash-runtime', VersionNumber: 1 }))).Policy!);
    expect(policy.Statement).toEqual([expect.objectContaining({ Sid: 'xaccount', Principal: '*', Action: 'lambda:GetLayerVersion' })]);
  });
});
