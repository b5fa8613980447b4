// Provisioned concurrency through @aws-sdk/client-lambda: configurations on versions and aliases,
// environments initialized ahead of invocations, and AWS's errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Lambda from '@aws-sdk/client-lambda';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { zip } from '../helpers/zip.js';
import { failure } from '../helpers/failure.js';
import { capture } from '../helpers/io.js';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployCommand } from '../../src/sam/commands.js';

const ROLE = 'arn:aws:iam::000000000000:role/lambda-role';
const ARN = 'arn:aws:lambda:us-east-1:000000000000:function';
const HANDLER = `const initializedAt = Date.now();
export const handler = async () => ({ type: process.env.AWS_LAMBDA_INITIALIZATION_TYPE, initializedAt });`;

describe('provisioned concurrency', () => {
  let nimbus: TestNimbus;
  let lambda: Lambda.LambdaClient;

  beforeAll(async () => {
    nimbus = await startNimbus();
    lambda = new Lambda.LambdaClient(clientConfig(nimbus.endpoint));
    await lambda.send(new Lambda.CreateFunctionCommand({ FunctionName: 'pc', Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: zip({ 'index.mjs': HANDLER }) } }));
    await Lambda.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 10 }, { FunctionName: 'pc' });
    await lambda.send(new Lambda.PublishVersionCommand({ FunctionName: 'pc' }));
    await lambda.send(new Lambda.CreateAliasCommand({ FunctionName: 'pc', Name: 'live', FunctionVersion: '1' }));
  });
  afterAll(() => nimbus.dispose());

  const get = (Qualifier: string) => lambda.send(new Lambda.GetProvisionedConcurrencyConfigCommand({ FunctionName: 'pc', Qualifier }));

  it('keeps environments initialized for an alias: they serve its invocations without a cold start', async () => {
    const put = await lambda.send(new Lambda.PutProvisionedConcurrencyConfigCommand({ FunctionName: 'pc', Qualifier: 'live', ProvisionedConcurrentExecutions: 2 }));
    expect(put.$metadata.httpStatusCode).toBe(202);
    expect(put).toMatchObject({ RequestedProvisionedConcurrentExecutions: 2, AvailableProvisionedConcurrentExecutions: 0, AllocatedProvisionedConcurrentExecutions: 0, Status: 'IN_PROGRESS' });
    expect(put.LastModified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);

    let status = await get('live');
    for (let i = 0; i < 100 && status.Status !== 'READY'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = await get('live');
    }
    expect(status).toMatchObject({ RequestedProvisionedConcurrentExecutions: 2, AvailableProvisionedConcurrentExecutions: 2, AllocatedProvisionedConcurrentExecutions: 2, Status: 'READY' });

    const before = Date.now();
    const out = await lambda.send(new Lambda.InvokeCommand({ FunctionName: 'pc', Qualifier: 'live', LogType: 'Tail' }));
    const result = JSON.parse(Buffer.from(out.Payload!).toString('utf8')) as { type: string; initializedAt: number };
    expect(result.type).toBe('provisioned-concurrency');
    expect(result.initializedAt).toBeLessThan(before); // initialized before it was needed
    expect(Buffer.from(out.LogResult!, 'base64').toString('utf8')).not.toContain('Init Duration');

    // Unprovisioned qualifiers still start on demand.
    const latest = await lambda.send(new Lambda.InvokeCommand({ FunctionName: 'pc' }));
    expect(JSON.parse(Buffer.from(latest.Payload!).toString('utf8')).type).toBe('on-demand');

    const list = await lambda.send(new Lambda.ListProvisionedConcurrencyConfigsCommand({ FunctionName: 'pc' }));
    expect(list.ProvisionedConcurrencyConfigs).toEqual([expect.objectContaining({ FunctionArn: `${ARN}:pc:live`, RequestedProvisionedConcurrentExecutions: 2, Status: 'READY' })]);
  });

  it('answers AWS errors for $LATEST, bad counts, unknown targets and a version behind a provisioned alias', async () => {
    expect(await failure(lambda.send(new Lambda.PutProvisionedConcurrencyConfigCommand({ FunctionName: 'pc', Qualifier: '$LATEST', ProvisionedConcurrentExecutions: 1 })))).toMatchObject({
      name: 'InvalidParameterValueException',
      status: 400,
      message: 'Provisioned Concurrency Configs cannot be applied to unpublished function versions.',
    });
    expect(await failure(get('$LATEST'))).toMatchObject({ name: 'InvalidParameterValueException', message: 'The function resource provided must be an alias or a published version.' });
    expect(await failure(lambda.send(new Lambda.PutProvisionedConcurrencyConfigCommand({ FunctionName: 'pc', Qualifier: '1', ProvisionedConcurrentExecutions: 0 })))).toMatchObject({
      name: 'ValidationException',
      message: "1 validation error detected: Value '0' at 'provisionedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 1",
    });
    expect(await failure(get('nope'))).toMatchObject({ name: 'ResourceNotFoundException', status: 404, message: `Cannot find alias arn: ${ARN}:pc:nope` });
    expect(await failure(get('7'))).toMatchObject({ name: 'ResourceNotFoundException', message: `Function not found: ${ARN}:pc:7` });
    expect(await failure(get('1'))).toMatchObject({ name: 'ProvisionedConcurrencyConfigNotFoundException', status: 404, message: 'No Provisioned Concurrency Config found for this function' });
    expect(await failure(lambda.send(new Lambda.PutProvisionedConcurrencyConfigCommand({ FunctionName: 'pc', Qualifier: '1', ProvisionedConcurrentExecutions: 1 })))).toMatchObject({
      name: 'ResourceConflictException',
      status: 409,
      message: 'Version is pointed by a Provisioned Concurrency alias',
    });
    expect(await failure(lambda.send(new Lambda.ListProvisionedConcurrencyConfigsCommand({ FunctionName: 'ghost' })))).toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('reports FAILED when the function cannot initialize', async () => {
    await lambda.send(new Lambda.CreateFunctionCommand({ FunctionName: 'broken', Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: zip({ 'index.mjs': 'throw new Error("no init");' }) } }));
    await Lambda.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 10 }, { FunctionName: 'broken' });
    await lambda.send(new Lambda.PublishVersionCommand({ FunctionName: 'broken' }));
    await lambda.send(new Lambda.PutProvisionedConcurrencyConfigCommand({ FunctionName: 'broken', Qualifier: '1', ProvisionedConcurrentExecutions: 1 }));
    let status = await lambda.send(new Lambda.GetProvisionedConcurrencyConfigCommand({ FunctionName: 'broken', Qualifier: '1' }));
    for (let i = 0; i < 100 && status.Status === 'IN_PROGRESS'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = await lambda.send(new Lambda.GetProvisionedConcurrencyConfigCommand({ FunctionName: 'broken', Qualifier: '1' }));
    }
    expect(status).toMatchObject({ Status: 'FAILED', StatusReason: 'FUNCTION_ERROR_INIT_FAILURE', AvailableProvisionedConcurrentExecutions: 0 });
  });

  it('deletes a configuration (idempotently) and releases its environments', async () => {
    await lambda.send(new Lambda.DeleteProvisionedConcurrencyConfigCommand({ FunctionName: 'pc', Qualifier: 'live' }));
    await lambda.send(new Lambda.DeleteProvisionedConcurrencyConfigCommand({ FunctionName: 'pc', Qualifier: 'live' }));
    expect(await failure(get('live'))).toMatchObject({ name: 'ProvisionedConcurrencyConfigNotFoundException' });
    expect((await lambda.send(new Lambda.ListProvisionedConcurrencyConfigsCommand({ FunctionName: 'pc' }))).ProvisionedConcurrencyConfigs).toEqual([]);
  });

  it('SAM: ProvisionedConcurrencyConfig on a function with AutoPublishAlias provisions the alias', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nimbus-pc-'));
    try {
      mkdirSync(join(dir, 'src'));
      writeFileSync(join(dir, 'src/index.mjs'), HANDLER);
      writeFileSync(join(dir, 'template.yaml'), `Transform: AWS::Serverless-2016-10-31
Resources:
  Warm:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: warm-pc
      CodeUri: src/
      Handler: index.handler
      Runtime: nodejs20.x
      AutoPublishAlias: live
      ProvisionedConcurrencyConfig:
        ProvisionedConcurrentExecutions: 1
`);
      const io = capture();
      expect(await deployCommand({ cwd: dir, stackName: 'pc', endpointUrl: nimbus.endpoint }, io), io.stderr.join('\n')).toBe(0);
      const config = await lambda.send(new Lambda.GetProvisionedConcurrencyConfigCommand({ FunctionName: 'warm-pc', Qualifier: 'live' }));
      expect(config.RequestedProvisionedConcurrentExecutions).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
