// Task integrations end to end: nested executions (states:startExecution, .sync, .sync:2), the
// HTTP task against a local server, and Lambda through lambda:invoke with AWS's output shape.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SFNClient, CreateStateMachineCommand, StartExecutionCommand, DescribeExecutionCommand, GetExecutionHistoryCommand,
  type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { LambdaClient, CreateFunctionCommand } from '@aws-sdk/client-lambda';
import { zipSync, strToU8 } from 'fflate';
import { startNimbus, clientConfig, type TestNimbus } from '../helpers/nimbus.js';

const ROLE = 'arn:aws:iam::000000000000:role/sfn';
let nimbus: TestNimbus;
let sfn: SFNClient;
let lambda: LambdaClient;
let http: Server;
let httpUrl: string;

beforeAll(async () => {
  nimbus = await startNimbus();
  sfn = new SFNClient(clientConfig(nimbus.endpoint));
  lambda = new LambdaClient(clientConfig(nimbus.endpoint));
  http = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.url?.startsWith('/missing')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"nope"}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ method: req.method, url: req.url, body: body ? JSON.parse(body) : null, auth: req.headers['x-api-key'] ?? null }));
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  httpUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});
afterAll(async () => {
  sfn?.destroy();
  lambda?.destroy();
  await new Promise((r) => http?.close(r));
  await nimbus?.dispose();
});

async function finish(executionArn: string): Promise<DescribeExecutionCommandOutput> {
  for (;;) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return d;
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function runMachine(name: string, def: object, input: object = {}) {
  const m = await sfn.send(new CreateStateMachineCommand({ name, definition: JSON.stringify(def), roleArn: ROLE }));
  const e = await sfn.send(new StartExecutionCommand({ stateMachineArn: m.stateMachineArn, input: JSON.stringify(input) }));
  return { d: await finish(e.executionArn!), arn: e.executionArn!, machineArn: m.stateMachineArn! };
}

describe('states:startExecution', () => {
  it('starts a child and waits for it with .sync:2 and .sync', async () => {
    const child = await sfn.send(new CreateStateMachineCommand({
      name: 'child', roleArn: ROLE,
      definition: JSON.stringify({ StartAt: 'Double', States: { Double: { Type: 'Pass', Parameters: { 'v.$': 'States.MathAdd($.n, $.n)' }, End: true } } }),
    }));
    const { d } = await runMachine('parent', {
      StartAt: 'Sync2',
      States: {
        Sync2: {
          Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync:2',
          Parameters: { StateMachineArn: child.stateMachineArn, Input: { 'n.$': '$.n' } }, ResultSelector: { 'out.$': '$.Output' },
          ResultPath: '$.two', Next: 'Sync',
        },
        Sync: {
          Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync',
          Parameters: { StateMachineArn: child.stateMachineArn, Input: { n: 5 } }, ResultSelector: { 'out.$': '$.Output', 'status.$': '$.Status' },
          ResultPath: '$.one', Next: 'Fire',
        },
        Fire: {
          Type: 'Task', Resource: 'arn:aws:states:::states:startExecution',
          Parameters: { StateMachineArn: child.stateMachineArn, Input: { n: 1 } }, ResultSelector: { 'arn.$': '$.ExecutionArn' },
          ResultPath: '$.fired', End: true,
        },
      },
    }, { n: 21 });
    expect(d.status, d.cause).toBe('SUCCEEDED');
    const out = JSON.parse(d.output!) as { two: { out: unknown }; one: { out: unknown; status: string }; fired: { arn: string } };
    expect(out.two.out).toEqual({ v: 42 });
    expect(out.one).toEqual({ out: '{"v":10}', status: 'SUCCEEDED' });
    expect(out.fired.arn).toMatch(/:execution:child:/);
    expect((await finish(out.fired.arn)).output).toBe('{"v":2}');
  });
});

describe('http:invoke', () => {
  it('calls an HTTP endpoint and fails with States.Http.StatusCode.N', async () => {
    const { d, arn } = await runMachine('http-ok', {
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task', Resource: 'arn:aws:states:::http:invoke',
          Parameters: { ApiEndpoint: `${httpUrl}/things`, Method: 'POST', Headers: { 'x-api-key': 'k' }, QueryParameters: { q: '1' }, RequestBody: { 'a.$': '$.a' } },
          ResultSelector: { 'status.$': '$.StatusCode', 'body.$': '$.ResponseBody' }, Next: 'Missing',
        },
        Missing: {
          Type: 'Task', Resource: 'arn:aws:states:::http:invoke', Parameters: { ApiEndpoint: `${httpUrl}/missing`, Method: 'GET' },
          Catch: [{ ErrorEquals: ['States.Http.StatusCode.404'], ResultPath: '$.error', Next: 'Done' }], End: true,
        },
        Done: { Type: 'Pass', End: true },
      },
    }, { a: 7 });
    expect(d.status, d.cause).toBe('SUCCEEDED');
    const out = JSON.parse(d.output!) as { status: number; body: Record<string, unknown>; error: { Error: string } };
    expect(out.status).toBe(200);
    expect(out.body).toEqual({ method: 'POST', url: '/things?q=1', body: { a: 7 }, auth: 'k' });
    expect(out.error.Error).toBe('States.Http.StatusCode.404');
    const h = await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn }));
    expect(h.events!.find((e) => e.type === 'TaskScheduled')!.taskScheduledEventDetails).toMatchObject({ resourceType: 'http', resource: 'invoke' });
  });
});

describe('lambda:invoke', () => {
  it('returns AWS\'s output shape and maps function errors', async () => {
    await lambda.send(new CreateFunctionCommand({
      FunctionName: 'sfn-echo', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE,
      Code: { ZipFile: zipSync({ 'index.mjs': strToU8('export const handler = async (e, c) => { if (e.fail) { const x = new Error("no"); x.name = "Nope"; throw x; } return { got: e, id: c.awsRequestId }; };') }) },
    }));
    const { d } = await runMachine('invoke', {
      StartAt: 'Call',
      States: {
        Call: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'sfn-echo', 'Payload.$': '$' }, ResultPath: '$.r', Next: 'Fail' },
        Fail: {
          Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'sfn-echo', Payload: { fail: true } },
          Catch: [{ ErrorEquals: ['Nope'], ResultPath: '$.err', Next: 'Done' }], End: true,
        },
        Done: { Type: 'Pass', End: true },
      },
    }, { k: 1 });
    expect(d.status, d.cause).toBe('SUCCEEDED');
    const out = JSON.parse(d.output!) as { r: Record<string, any>; err: { Error: string; Cause: string } };
    expect(Object.keys(out.r).sort()).toEqual(['ExecutedVersion', 'Payload', 'SdkHttpMetadata', 'SdkResponseMetadata', 'StatusCode']);
    expect(out.r.Payload.got).toEqual({ k: 1 });
    // As on AWS, the Invoke call's request id is the invocation's.
    expect(out.r.Payload.id).toBe(out.r.SdkResponseMetadata.RequestId);
    expect(out.r.SdkHttpMetadata.HttpHeaders['x-amzn-RequestId']).toBe(out.r.Payload.id);
    expect(out.r.StatusCode).toBe(200);
    expect(out.r.SdkHttpMetadata.HttpStatusCode).toBe(200);
    expect(out.err.Error).toBe('Nope');
    expect(JSON.parse(out.err.Cause)).toMatchObject({ errorType: 'Nope', errorMessage: 'no' });

    const missing = await runMachine('invoke-missing', {
      StartAt: 'Call', States: { Call: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'nope' }, End: true } },
    });
    expect(missing.d).toMatchObject({ status: 'FAILED', error: 'Lambda.ResourceNotFoundException' });
  });
});

// Recorded by LocalStack against AWS: tests/aws/services/stepfunctions/v2/callback/test_callback.snapshot.json
// (localstack/localstack@0b683911d4fb6fe432c28e1ef5b818abdfe9c668), SFN_START_EXECUTION_SYNC(2) templates.
describe('states:startExecution.sync recordings (callback/test_callback)', () => {
  const PASS = { Comment: 'BASE_PASS_RESULT', StartAt: 'State_1', States: { State_1: { Type: 'Pass', Result: { Arg1: 'argument1' }, End: true } } };
  const FAIL = { StartAt: 'FailState', States: { FailState: { Type: 'Fail', Error: 'SomeFailure', Cause: "This state machines raises a 'SomeFailure' failure." } } };
  const parent = (resource: string) => ({ StartAt: 'StartExecution', States: { StartExecution: {
    Type: 'Task', Resource: `arn:aws:states:::states:${resource}`,
    Parameters: { 'StateMachineArn.$': '$.StateMachineArn', 'Input.$': '$.Input', 'Name.$': '$.Name' }, End: true } } });
  let k = 0;

  async function record(resource: string, child: object) {
    const c = await sfn.send(new CreateStateMachineCommand({ name: `rec-child-${++k}`, definition: JSON.stringify(child), roleArn: ROLE }));
    const run = await runMachine(`rec-parent-${k}`, parent(resource), { StateMachineArn: c.stateMachineArn, Input: null, Name: 'TestStartTarget' });
    const h = await sfn.send(new GetExecutionHistoryCommand({ executionArn: run.arn }));
    return { ...run, childArn: c.stateMachineArn!, events: h.events ?? [] };
  }

  it('test_start_execution_sync: "Input": null starts the child with {} and the output carries its strings', async () => {
    const { d, childArn, events } = await record('startExecution.sync', PASS);
    expect(events.map((e) => e.type)).toEqual(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted',
      'TaskSubmitted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded']);
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output!)).toMatchObject({
      ExecutionArn: `${childArn.replace(':stateMachine:', ':execution:')}:TestStartTarget`, Input: '{}', InputDetails: { Included: true },
      Name: 'TestStartTarget', Output: '{"Arg1":"argument1"}', OutputDetails: { Included: true }, StateMachineArn: childArn, Status: 'SUCCEEDED',
    });
  });

  it('test_start_execution_sync2: Output is JSON', async () => {
    const { d } = await record('startExecution.sync:2', PASS);
    expect(JSON.parse(d.output!)).toMatchObject({ Input: {}, Output: { Arg1: 'argument1' }, Status: 'SUCCEEDED' });
  });

  it('test_start_execution_sync_delegate_failure: TaskFailed States.TaskFailed with the child description as cause', async () => {
    const { d, childArn, events } = await record('startExecution.sync', FAIL);
    expect(events.map((e) => e.type).slice(-2)).toEqual(['TaskFailed', 'ExecutionFailed']);
    expect(d.error).toBe('States.TaskFailed');
    expect(JSON.parse(d.cause!)).toMatchObject({
      Cause: "This state machines raises a 'SomeFailure' failure.", Error: 'SomeFailure', Input: '{}', InputDetails: { Included: true },
      Name: 'TestStartTarget', StateMachineArn: childArn, Status: 'FAILED',
    });
  });
});
