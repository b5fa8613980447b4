// Function URLs: the configuration API through @aws-sdk/client-lambda, the endpoints over real
// HTTP (payload 2.0 events and responses, CORS, AWS_IAM), and SAM's FunctionUrlConfig.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import * as Lambda from '@aws-sdk/client-lambda';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { zip } from '../helpers/zip.js';
import { failure } from '../helpers/failure.js';
import { capture } from '../helpers/io.js';
import { deployCommand } from '../../src/sam/commands.js';

const ROLE = 'arn:aws:iam::000000000000:role/lambda-role';
const ARN = 'arn:aws:lambda:us-east-1:000000000000:function';
const ECHO = `export const handler = async (event, context) => {
  if (event.rawPath === '/plain') return { hello: 'world' };
  if (event.rawPath === '/boom') throw new Error('boom');
  return { statusCode: 201, headers: { 'x-from': 'fn', 'content-type': 'application/json' }, cookies: ['session=1; Path=/'], body: JSON.stringify({ event, id: context.awsRequestId }) };
};`;

describe('function URLs', () => {
  let nimbus: TestNimbus;
  let lambda: Lambda.LambdaClient;
  let urlId: string;

  beforeAll(async () => {
    nimbus = await startNimbus();
    lambda = new Lambda.LambdaClient(clientConfig(nimbus.endpoint));
    await lambda.send(new Lambda.CreateFunctionCommand({ FunctionName: 'web', Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: zip({ 'index.mjs': ECHO }) } }));
    await Lambda.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 10 }, { FunctionName: 'web' });
  });
  afterAll(() => nimbus.dispose());

  const call = async (id: string, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) => {
    const res = await request(`${nimbus.endpoint}/_aws/lambda-url/${id}${path}`, { method: (init.method ?? 'GET') as 'GET', headers: init.headers, body: init.body });
    return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
  };

  it('creates, reads, updates and lists configurations in AWS\'s shapes', async () => {
    const created = await lambda.send(new Lambda.CreateFunctionUrlConfigCommand({ FunctionName: 'web', AuthType: 'NONE', Cors: { AllowOrigins: ['https://app.example.com'], AllowMethods: ['GET', 'POST'], MaxAge: 60 } }));
    expect(created.$metadata.httpStatusCode).toBe(201);
    expect(created.FunctionUrl).toMatch(/^https:\/\/[a-z0-9]{32}\.lambda-url\.us-east-1\.on\.aws\/$/);
    expect(created).toMatchObject({ FunctionArn: `${ARN}:web`, AuthType: 'NONE', Cors: { AllowOrigins: ['https://app.example.com'], AllowMethods: ['GET', 'POST'], MaxAge: 60 } });
    // As AWS records it: Create has no LastModifiedTime and echoes InvokeMode only when it was given.
    expect('LastModifiedTime' in created).toBe(false);
    expect(created.InvokeMode).toBeUndefined();
    urlId = created.FunctionUrl!.slice('https://'.length).split('.')[0]!;
    const got = await lambda.send(new Lambda.GetFunctionUrlConfigCommand({ FunctionName: 'web' }));
    expect(got).toMatchObject({ FunctionUrl: created.FunctionUrl, CreationTime: created.CreationTime, InvokeMode: 'BUFFERED' });
    expect(got.LastModifiedTime).toBeDefined();
    const updated = await lambda.send(new Lambda.UpdateFunctionUrlConfigCommand({ FunctionName: 'web', Cors: { AllowOrigins: ['*'] } }));
    expect(updated).toMatchObject({ FunctionUrl: created.FunctionUrl, AuthType: 'NONE', Cors: { AllowOrigins: ['*'] } });
    const listed = await lambda.send(new Lambda.ListFunctionUrlConfigsCommand({ FunctionName: 'web' }));
    expect(listed.FunctionUrlConfigs!.map((c) => c.FunctionUrl)).toEqual([created.FunctionUrl]);
  });

  it('pages the list with MaxItems and Marker', async () => {
    await lambda.send(new Lambda.CreateFunctionCommand({ FunctionName: 'paged', Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: zip({ 'index.mjs': ECHO }) } }));
    await Lambda.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 10 }, { FunctionName: 'paged' });
    await lambda.send(new Lambda.PublishVersionCommand({ FunctionName: 'paged' }));
    await lambda.send(new Lambda.CreateAliasCommand({ FunctionName: 'paged', Name: 'live', FunctionVersion: '1' }));
    const urls = [
      (await lambda.send(new Lambda.CreateFunctionUrlConfigCommand({ FunctionName: 'paged', AuthType: 'NONE' }))).FunctionUrl,
      (await lambda.send(new Lambda.CreateFunctionUrlConfigCommand({ FunctionName: 'paged:live', Qualifier: 'live', AuthType: 'NONE' }))).FunctionUrl,
    ];
    const first = await lambda.send(new Lambda.ListFunctionUrlConfigsCommand({ FunctionName: 'paged', MaxItems: 1 }));
    expect(first.FunctionUrlConfigs).toHaveLength(1);
    expect(first.NextMarker).toBeDefined();
    const both = await lambda.send(new Lambda.ListFunctionUrlConfigsCommand({ FunctionName: 'paged', MaxItems: 2 }));
    expect(both.FunctionUrlConfigs!.map((c) => c.FunctionUrl).sort()).toEqual([...urls].sort());
    const second = await lambda.send(new Lambda.ListFunctionUrlConfigsCommand({ FunctionName: 'paged', MaxItems: 1, Marker: first.NextMarker }));
    expect(second.FunctionUrlConfigs).toHaveLength(1);
    expect(second.FunctionUrlConfigs![0]!.FunctionUrl).not.toBe(first.FunctionUrlConfigs![0]!.FunctionUrl);
    expect(second.NextMarker).toBeUndefined();
    await lambda.send(new Lambda.DeleteFunctionCommand({ FunctionName: 'paged' }));
  });

  it('answers AWS errors for duplicates, unknown functions or configurations and bad values', async () => {
    expect(await failure(lambda.send(new Lambda.CreateFunctionUrlConfigCommand({ FunctionName: 'web', AuthType: 'NONE' })))).toMatchObject({
      name: 'ResourceConflictException',
      status: 409,
      message: `Failed to create function url config for [functionArn = ${ARN}:web]. Error message:  FunctionUrlConfig exists for this Lambda function`,
    });
    expect(await failure(lambda.send(new Lambda.CreateFunctionUrlConfigCommand({ FunctionName: 'ghost', AuthType: 'NONE' })))).toMatchObject({ name: 'ResourceNotFoundException', message: 'Function does not exist' });
    expect(await failure(lambda.send(new Lambda.GetFunctionUrlConfigCommand({ FunctionName: 'web', Qualifier: 'nope' })))).toMatchObject({ name: 'ResourceNotFoundException', status: 404, message: 'The resource you requested does not exist.' });
    expect(await failure(lambda.send(new Lambda.CreateFunctionUrlConfigCommand({ FunctionName: 'web', AuthType: 'OPEN' as Lambda.FunctionUrlAuthType })))).toMatchObject({ name: 'ValidationException' });
    expect(await failure(lambda.send(new Lambda.CreateFunctionUrlConfigCommand({ FunctionName: 'web', Qualifier: '1', AuthType: 'NONE' })))).toMatchObject({ name: 'ValidationException' });
    // A URL's Qualifier names an alias only: AWS refuses $LATEST (the unqualified URL is $LATEST's).
    expect(await failure(lambda.send(new Lambda.GetFunctionUrlConfigCommand({ FunctionName: 'web', Qualifier: '$LATEST' })))).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(await failure(lambda.send(new Lambda.UpdateFunctionUrlConfigCommand({ FunctionName: 'ghost', AuthType: 'NONE' })))).toMatchObject({ name: 'ResourceNotFoundException', message: 'Function does not exist' });
    expect(await failure(lambda.send(new Lambda.ListFunctionUrlConfigsCommand({ FunctionName: 'ghost' })))).toMatchObject({ name: 'ResourceNotFoundException', message: 'Function does not exist' });
  });

  it('turns a request into a payload 2.0 event and the function\'s answer into the HTTP response', async () => {
    const res = await call(urlId, '/items/a%20b?x=1&x=2&y', { method: 'POST', headers: { 'content-type': 'application/json', cookie: 'a=1; b=2', 'x-multi': 'v' }, body: '{"k":1}' });
    expect(res.status).toBe(201);
    expect(res.headers['x-from']).toBe('fn');
    expect(res.headers['set-cookie']).toBe('session=1; Path=/');
    const { event, id } = JSON.parse(res.text) as { event: Record<string, any>; id: string };
    expect(res.headers['x-amzn-requestid']).toBe(id); // the invocation's request id
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/items/a b',
      rawQueryString: 'x=1&x=2&y',
      cookies: ['a=1', 'b=2'],
      queryStringParameters: { x: '1,2', y: '' },
      body: '{"k":1}',
      isBase64Encoded: false,
      requestContext: {
        accountId: 'anonymous',
        apiId: urlId,
        domainName: `${urlId}.lambda-url.us-east-1.on.aws`,
        domainPrefix: urlId,
        http: { method: 'POST', path: '/items/a b', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1' },
        requestId: id,
        routeKey: '$default',
        stage: '$default',
      },
    });
    expect(event.headers).toMatchObject({ 'content-type': 'application/json', 'x-multi': 'v', 'x-forwarded-proto': 'http' });
    expect(event.headers.cookie).toBeUndefined();
    expect(event.requestContext.time).toMatch(/^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);

    const binary = await call(urlId, '/bin', { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: 'raw' });
    expect(JSON.parse(binary.text).event).toMatchObject({ body: Buffer.from('raw').toString('base64'), isBase64Encoded: true });

    // A plain JSON value is a 200 application/json body; a function error is a 502.
    const plain = await call(urlId, '/plain');
    expect(plain).toMatchObject({ status: 200, text: '{"hello":"world"}' });
    expect(plain.headers['content-type']).toBe('application/json');
    expect((await call(urlId, '/boom')).status).toBe(502);
    // By host name as well as by path.
    const byHost = await request(`${nimbus.endpoint}/plain`, { headers: { host: `${urlId}.lambda-url.us-east-1.localhost` } });
    expect(await byHost.body.text()).toBe('{"hello":"world"}');
    expect((await call('unknownid', '/')).status).toBe(404);
  });

  it('answers CORS preflights itself and sets CORS headers on answers', async () => {
    await lambda.send(new Lambda.UpdateFunctionUrlConfigCommand({ FunctionName: 'web', Cors: { AllowOrigins: ['https://app.example.com'], AllowMethods: ['POST'], AllowHeaders: ['content-type'], MaxAge: 30 } }));
    const pre = await call(urlId, '/x', { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' } });
    expect(pre.status).toBe(200);
    expect(pre.headers).toMatchObject({ 'access-control-allow-origin': 'https://app.example.com', 'access-control-allow-methods': 'POST', 'access-control-max-age': '30' });
    const res = await call(urlId, '/plain', { headers: { origin: 'https://app.example.com' } });
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example.com');
    const other = await call(urlId, '/plain', { headers: { origin: 'https://evil.example.com' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('AWS_IAM refuses unsigned requests and passes the caller to a signed one; an alias URL runs the alias', async () => {
    await lambda.send(new Lambda.PublishVersionCommand({ FunctionName: 'web' }));
    await lambda.send(new Lambda.CreateAliasCommand({ FunctionName: 'web', Name: 'live', FunctionVersion: '1' }));
    const live = await lambda.send(new Lambda.CreateFunctionUrlConfigCommand({ FunctionName: 'web', Qualifier: 'live', AuthType: 'AWS_IAM' }));
    expect(live.FunctionArn).toBe(`${ARN}:web:live`);
    const id = live.FunctionUrl!.slice('https://'.length).split('.')[0]!;
    expect(await call(id, '/')).toMatchObject({ status: 403, text: '{"Message":"Forbidden"}' });
    const signed = await call(id, '/', { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261127/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=x' } });
    expect(signed.status).toBe(201);
    const event = JSON.parse(signed.text).event;
    expect(event.requestContext.accountId).toBe('000000000000');
    expect(event.requestContext.authorizer.iam).toMatchObject({ accessKey: 'AKIDEXAMPLE', accountId: '000000000000' });

    await lambda.send(new Lambda.DeleteFunctionUrlConfigCommand({ FunctionName: 'web', Qualifier: 'live' }));
    expect((await call(id, '/')).status).toBe(404);
    expect(await failure(lambda.send(new Lambda.DeleteFunctionUrlConfigCommand({ FunctionName: 'web', Qualifier: 'live' })))).toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('SAM: FunctionUrlConfig gives the function a URL, its output the FunctionUrl', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nimbus-urls-'));
    try {
      mkdirSync(join(dir, 'src'));
      writeFileSync(join(dir, 'src/index.mjs'), ECHO);
      writeFileSync(join(dir, 'template.yaml'), `Transform: AWS::Serverless-2016-10-31
Resources:
  Site:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.handler
      Runtime: nodejs20.x
      FunctionUrlConfig:
        AuthType: NONE
Outputs:
  SiteUrl:
    Value: !GetAtt SiteUrl.FunctionUrl
`);
      const io = capture();
      expect(await deployCommand({ cwd: dir, stackName: 'urls', endpointUrl: nimbus.endpoint }, io), io.stderr.join('\n')).toBe(0);
      const url = /(https:\/\/[a-z0-9]+\.lambda-url\S+)/.exec(io.stdout.join('\n'))?.[1];
      expect(url).toMatch(/^https:\/\/[a-z0-9]{32}\.lambda-url\.us-east-1\.on\.aws\/$/);
      const res = await call(url!.slice('https://'.length).split('.')[0]!, '/plain');
      expect(res).toMatchObject({ status: 200, text: '{"hello":"world"}' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
