// Response streaming: `awslambda.streamifyResponse` handlers, InvokeWithResponseStream through the
// AWS SDK (chunks arrive while the function still runs), Invoke of a streaming function (buffered)
// and function URLs in RESPONSE_STREAM mode with `awslambda.HttpResponseStream.from`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import * as Lambda from '@aws-sdk/client-lambda';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { failure } from '../helpers/failure.js';
import { zip } from '../helpers/zip.js';

const ROLE = 'arn:aws:iam::000000000000:role/test';

const STREAMING = `export const handler = awslambda.streamifyResponse(async (event, responseStream) => {
  responseStream.setContentType('text/plain');
  responseStream.write('first ');
  await new Promise((r) => setTimeout(r, 600));
  if (event.fail) throw new Error('broke mid-stream');
  responseStream.write('second');
  responseStream.end();
});`;

const URL_STREAMING = `export const handler = awslambda.streamifyResponse(async (event, responseStream) => {
  const http = awslambda.HttpResponseStream.from(responseStream, { statusCode: 201, headers: { 'x-kind': 'streamed' }, cookies: ['a=1', 'b=2'] });
  http.write('hello ');
  await new Promise((r) => setTimeout(r, 600));
  http.write(event.rawPath);
  http.end();
});`;

let nimbus: TestNimbus;
let lambda: Lambda.LambdaClient;

async function create(name: string, code: string) {
  await lambda.send(new Lambda.CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: zip({ 'index.mjs': code }) } }));
  await Lambda.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 30, minDelay: 1 }, { FunctionName: name });
}

/** Reads an InvokeWithResponseStream reply: chunks with their arrival time, and the completion. */
async function collect(out: Lambda.InvokeWithResponseStreamCommandOutput) {
  const chunks: Array<{ text: string; at: number }> = [];
  let complete: Lambda.InvokeWithResponseStreamCompleteEvent | undefined;
  let completedAt = 0;
  for await (const ev of out.EventStream!) {
    if (ev.PayloadChunk?.Payload) chunks.push({ text: Buffer.from(ev.PayloadChunk.Payload).toString(), at: Date.now() });
    if (ev.InvokeComplete) {
      complete = ev.InvokeComplete;
      completedAt = Date.now();
    }
  }
  return { chunks, complete, completedAt };
}

beforeAll(async () => {
  nimbus = await startNimbus();
  lambda = new Lambda.LambdaClient(clientConfig(nimbus.endpoint));
  await create('streamer', STREAMING);
  await create('plain', 'export const handler = async (event) => ({ echoed: event });');
  await create('url-streamer', URL_STREAMING);
}, 60_000);

afterAll(async () => {
  await nimbus?.dispose();
});

describe('InvokeWithResponseStream', () => {
  it('streams a streaming function\'s chunks as they are written, then InvokeComplete', async () => {
    const out = await lambda.send(new Lambda.InvokeWithResponseStreamCommand({ FunctionName: 'streamer', Payload: Buffer.from('{}') }));
    expect(out.StatusCode).toBe(200);
    expect(out.ResponseStreamContentType).toBe('text/plain');
    expect(out.ExecutedVersion).toBe('$LATEST');
    const { chunks, complete, completedAt } = await collect(out);
    expect(chunks.map((c) => c.text).join('')).toBe('first second');
    // The first chunk was in before the function slept: it did not wait for the end.
    expect(completedAt - chunks[0]!.at).toBeGreaterThanOrEqual(400);
    expect(complete).toEqual({});
  });

  it('ends with the error of a function that fails mid-stream, after what it streamed', async () => {
    const out = await lambda.send(new Lambda.InvokeWithResponseStreamCommand({ FunctionName: 'streamer', Payload: Buffer.from('{"fail":true}'), LogType: 'Tail' }));
    const { chunks, complete } = await collect(out);
    expect(chunks.map((c) => c.text).join('')).toBe('first ');
    expect(complete).toMatchObject({ ErrorCode: 'Error', ErrorDetails: 'broke mid-stream' });
    expect(Buffer.from(complete!.LogResult!, 'base64').toString()).toContain('broke mid-stream');
  });

  it('sends a function that does not stream as one chunk of its JSON answer', async () => {
    const out = await lambda.send(new Lambda.InvokeWithResponseStreamCommand({ FunctionName: 'plain', Payload: Buffer.from('{"n":1}') }));
    expect(out.ResponseStreamContentType).toBe('application/json');
    const { chunks, complete } = await collect(out);
    expect(chunks.map((c) => JSON.parse(c.text))).toEqual([{ echoed: { n: 1 } }]);
    expect(complete).toEqual({});
  });

  it('answers DryRun with 204, refuses Event, and reports unknown functions as Invoke does', async () => {
    const dry = await lambda.send(new Lambda.InvokeWithResponseStreamCommand({ FunctionName: 'plain', InvocationType: 'DryRun' }));
    expect(dry.StatusCode).toBe(204);
    const event = await failure(lambda.send(new Lambda.InvokeWithResponseStreamCommand({ FunctionName: 'plain', InvocationType: 'Event' as Lambda.ResponseStreamingInvocationType })));
    expect(event).toMatchObject({ name: 'ValidationException', status: 400 });
    const missing = await failure(lambda.send(new Lambda.InvokeWithResponseStreamCommand({ FunctionName: 'nope' })));
    expect(missing).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
  });

  it('gives Invoke of a streaming function the whole stream at once', async () => {
    const out = await lambda.send(new Lambda.InvokeCommand({ FunctionName: 'streamer', Payload: Buffer.from('{}') }));
    expect(out.FunctionError).toBeUndefined();
    expect(Buffer.from(out.Payload!).toString()).toBe('first second');
  });
});

describe('function URLs in RESPONSE_STREAM mode', () => {
  it('send the prelude\'s status, headers and cookies, then the body as the function writes it', async () => {
    const url = await lambda.send(new Lambda.CreateFunctionUrlConfigCommand({ FunctionName: 'url-streamer', AuthType: 'NONE', InvokeMode: 'RESPONSE_STREAM' }));
    const urlId = new URL(url.FunctionUrl!).hostname.split('.')[0];
    const started = Date.now();
    const res = await request(`${nimbus.endpoint}/_aws/lambda-url/${urlId}/some/path`);
    const headersAt = Date.now();
    expect(res.statusCode).toBe(201);
    expect(res.headers['x-kind']).toBe('streamed');
    expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(res.headers['x-amzn-requestid']).toBeTruthy();
    const body = await res.body.text();
    expect(body).toBe('hello /some/path');
    // Status and headers came with the first write, before the function's pause.
    expect(Date.now() - headersAt).toBeGreaterThanOrEqual(400);
    expect(headersAt - started).toBeLessThan(Date.now() - started);
  });

  it('buffer a function that does not stream, as in BUFFERED mode', async () => {
    await create('url-plain', "export const handler = async () => ({ statusCode: 202, body: 'done' });");
    const url = await lambda.send(new Lambda.CreateFunctionUrlConfigCommand({ FunctionName: 'url-plain', AuthType: 'NONE', InvokeMode: 'RESPONSE_STREAM' }));
    const urlId = new URL(url.FunctionUrl!).hostname.split('.')[0];
    const res = await request(`${nimbus.endpoint}/_aws/lambda-url/${urlId}/`);
    expect(res.statusCode).toBe(202);
    expect(await res.body.text()).toBe('done');
  });
});
