// Lambda control plane through @aws-sdk/client-lambda: every operation and its error paths.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Lambda from '@aws-sdk/client-lambda';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { zip } from '../helpers/zip.js';
import { LAMBDA_ERROR_NAMES, UNMODELED_ERROR_NAMES } from '../../src/lambda/errors.js';
import { failure } from '../helpers/failure.js';

const ROLE = 'arn:aws:iam::000000000000:role/lambda-role';
const code = (body = 'export const handler = async (e) => e;') => ({ ZipFile: zip({ 'index.mjs': body }) });


describe('Lambda control plane', () => {
  let nimbus: TestNimbus;
  let lambda: Lambda.LambdaClient;

  beforeAll(async () => {
    nimbus = await startNimbus();
    lambda = new Lambda.LambdaClient(clientConfig(nimbus.endpoint));
  });
  afterAll(() => nimbus.dispose());

  const create = (name: string, extra: Partial<Lambda.CreateFunctionCommandInput> = {}) =>
    lambda.send(
      new Lambda.CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: code(), ...extra }),
    );

  it('every error name in the catalog is an exception class of @aws-sdk/client-lambda', () => {
    const missing = LAMBDA_ERROR_NAMES.filter(
      (n) => !UNMODELED_ERROR_NAMES.includes(n) && typeof (Lambda as Record<string, unknown>)[n] !== 'function',
    );
    expect(missing).toEqual([]);
  });

  it('creates, reads and lists functions in the shapes AWS returns', async () => {
    const created = await create('shape', { Description: 'd', MemorySize: 256, Timeout: 10, Environment: { Variables: { AA: '1' } }, Tags: { team: 'x' } });
    expect(created).toMatchObject({
      FunctionName: 'shape',
      FunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:shape',
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      MemorySize: 256,
      Timeout: 10,
      Version: '$LATEST',
      State: 'Pending',
      PackageType: 'Zip',
      Environment: { Variables: { AA: '1' } },
      EphemeralStorage: { Size: 512 },
      Architectures: ['x86_64'],
    });
    expect(created.CodeSha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(created.LastModified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    await Lambda.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 10 }, { FunctionName: 'shape' });

    const got = await lambda.send(new Lambda.GetFunctionCommand({ FunctionName: 'shape' }));
    expect(got.Configuration).toMatchObject({ State: 'Active', LastUpdateStatus: 'Successful', CodeSha256: created.CodeSha256 });
    expect(got.Tags).toEqual({ team: 'x' });
    expect(got.Code?.RepositoryType).toBe('S3');
    const download = await fetch(got.Code!.Location!);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).length).toBe(created.CodeSize);

    const byArn = await lambda.send(new Lambda.GetFunctionConfigurationCommand({ FunctionName: created.FunctionArn }));
    expect(byArn.FunctionName).toBe('shape');
  });

  it('pages ListFunctions with Marker and MaxItems', async () => {
    for (const n of ['page-a', 'page-b', 'page-c']) await create(n);
    const seen: string[] = [];
    let Marker: string | undefined;
    do {
      const out = await lambda.send(new Lambda.ListFunctionsCommand({ MaxItems: 2, Marker }));
      expect(out.Functions!.length).toBeLessThanOrEqual(2);
      seen.push(...out.Functions!.map((f) => f.FunctionName!));
      Marker = out.NextMarker;
    } while (Marker);
    expect(seen).toEqual(expect.arrayContaining(['page-a', 'page-b', 'page-c']));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('rejects bad configuration with AWS error names and changes nothing', async () => {
    const runtime = await failure(create('bad', { Runtime: 'cobol85' as Lambda.Runtime }));
    expect(runtime).toMatchObject({ name: 'InvalidParameterValueException', status: 400 });
    expect(runtime.message).toContain("Value cobol85 at 'runtime' failed to satisfy constraint");
    const old = await failure(create('bad', { Runtime: 'nodejs16.x' }));
    expect(old.message).toContain('no longer supported');
    const memory = await failure(create('bad', { MemorySize: 64 }));
    expect(memory).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(memory.message).toBe(
      "1 validation error detected: Value '64' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128",
    );
    expect(await failure(create('bad', { MemorySize: 10241 }))).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(await failure(create('bad', { Timeout: 901 }))).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(await failure(create('bad', { Timeout: 0 }))).toMatchObject({ name: 'ValidationException' });
    expect(await failure(create('bad', { EphemeralStorage: { Size: 20000 } }))).toMatchObject({ name: 'ValidationException' });
    const env = await failure(create('bad', { Environment: { Variables: { BIG: 'x'.repeat(4100) } } }));
    expect(env).toMatchObject({ name: 'InvalidParameterValueException', status: 400 });
    expect(env.message).toContain('exceeded the 4KB limit');
    const reserved = await failure(create('bad', { Environment: { Variables: { AWS_REGION: 'x' } } }));
    expect(reserved.message).toContain('Reserved keys used in this request: AWS_REGION');
    expect(await failure(create('bad', { Code: { ZipFile: Buffer.from('not a zip') } }))).toMatchObject({
      name: 'InvalidParameterValueException',
      message: 'Could not unzip uploaded file. Please check your file, then try to upload again.',
    });
    expect(await failure(create('bad name!'))).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(await failure(create('bad', { Role: 'not-a-role' }))).toMatchObject({ name: 'ValidationException' });
    expect(await failure(lambda.send(new Lambda.GetFunctionCommand({ FunctionName: 'bad' })))).toMatchObject({
      name: 'ResourceNotFoundException',
      status: 404,
      message: 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:bad',
    });
  });

  it('records VpcConfig and returns it (no VpcId while attached: there is no EC2), detaches with empty lists, checks its limits', async () => {
    const vpc = { SubnetIds: ['subnet-0a1', 'subnet-0b2'], SecurityGroupIds: ['sg-0c3'] };
    const created = await create('in-vpc', { VpcConfig: vpc });
    expect(created.VpcConfig).toEqual({ ...vpc, Ipv6AllowedForDualStack: false });
    expect((await lambda.send(new Lambda.GetFunctionConfigurationCommand({ FunctionName: 'in-vpc' }))).VpcConfig).toEqual({ ...vpc, Ipv6AllowedForDualStack: false });
    const detached = await lambda.send(new Lambda.UpdateFunctionConfigurationCommand({ FunctionName: 'in-vpc', VpcConfig: { SubnetIds: [], SecurityGroupIds: [] } }));
    // AWS answers a detached config with an empty VpcId (recorded).
    expect(detached.VpcConfig).toEqual({ SubnetIds: [], SecurityGroupIds: [], Ipv6AllowedForDualStack: false, VpcId: '' });
    expect((await create('no-vpc')).VpcConfig).toBeUndefined();
    const tooMany = await failure(create('bad', { VpcConfig: { SecurityGroupIds: ['1', '2', '3', '4', '5', '6'] } }));
    expect(tooMany).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(tooMany.message).toContain("at 'vpcConfig.securityGroupIds' failed to satisfy constraint: Member must have length less than or equal to 5");
  });

  it('records SnapStart on runtimes AWS offers it for (no snapshots: OptimizationStatus stays Off)', async () => {
    const created = await create('snappy', { Runtime: 'python3.12', Handler: 'app.handler', Code: { ZipFile: zip({ 'app.py': 'def handler(e, c):\n  return e\n' }) }, SnapStart: { ApplyOn: 'PublishedVersions' } });
    expect(created.SnapStart).toEqual({ ApplyOn: 'PublishedVersions', OptimizationStatus: 'Off' });
    const off = await lambda.send(new Lambda.UpdateFunctionConfigurationCommand({ FunctionName: 'snappy', SnapStart: { ApplyOn: 'None' } }));
    expect(off.SnapStart).toEqual({ ApplyOn: 'None', OptimizationStatus: 'Off' });
  });

  it('refuses a duplicate name with ResourceConflictException', async () => {
    await create('dup');
    expect(await failure(create('dup'))).toMatchObject({ name: 'ResourceConflictException', status: 409, message: 'Function already exist: dup' });
  });

  it('updates code and configuration, checking RevisionId', async () => {
    const created = await create('upd');
    await Lambda.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 10 }, { FunctionName: 'upd' });
    const stale = await failure(
      lambda.send(new Lambda.UpdateFunctionConfigurationCommand({ FunctionName: 'upd', MemorySize: 512, RevisionId: 'nope' })),
    );
    expect(stale).toMatchObject({ name: 'PreconditionFailedException', status: 412 });
    // Becoming Active gives $LATEST a new revision id, as on AWS.
    const active = await lambda.send(new Lambda.GetFunctionConfigurationCommand({ FunctionName: 'upd' }));
    expect(active.RevisionId).not.toBe(created.RevisionId);
    const cfg = await lambda.send(
      new Lambda.UpdateFunctionConfigurationCommand({ FunctionName: 'upd', MemorySize: 512, RevisionId: active.RevisionId }),
    );
    expect(cfg).toMatchObject({ MemorySize: 512, LastUpdateStatus: 'InProgress' });
    await Lambda.waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 10 }, { FunctionName: 'upd' });
    const updated = await lambda.send(
      new Lambda.UpdateFunctionCodeCommand({ FunctionName: 'upd', ZipFile: code('export const handler = async () => 2;').ZipFile }),
    );
    expect(updated.CodeSha256).not.toBe(created.CodeSha256);
    expect(updated.MemorySize).toBe(512);
    expect(await failure(lambda.send(new Lambda.UpdateFunctionConfigurationCommand({ FunctionName: 'upd', Timeout: 1000 })))).toMatchObject({
      name: 'ValidationException',
    });
    expect(await failure(lambda.send(new Lambda.UpdateFunctionCodeCommand({ FunctionName: 'nope', ZipFile: code().ZipFile })))).toMatchObject({
      name: 'ResourceNotFoundException',
      status: 404,
    });
  });

  it('publishes immutable versions and deletes one version', async () => {
    await create('ver');
    await Lambda.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 10 }, { FunctionName: 'ver' });
    const v1 = await lambda.send(new Lambda.PublishVersionCommand({ FunctionName: 'ver', Description: 'first' }));
    expect(v1).toMatchObject({ Version: '1', FunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:ver:1', Description: 'first' });
    const again = await lambda.send(new Lambda.PublishVersionCommand({ FunctionName: 'ver' }));
    expect(again.Version).toBe('1');
    await lambda.send(new Lambda.UpdateFunctionConfigurationCommand({ FunctionName: 'ver', MemorySize: 1024 }));
    await Lambda.waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 10 }, { FunctionName: 'ver' });
    const badSha = await failure(lambda.send(new Lambda.PublishVersionCommand({ FunctionName: 'ver', CodeSha256: 'abc' })));
    expect(badSha).toMatchObject({ name: 'InvalidParameterValueException' });
    const v2 = await lambda.send(new Lambda.PublishVersionCommand({ FunctionName: 'ver' }));
    expect(v2).toMatchObject({ Version: '2', MemorySize: 1024 });
    const v1Again = await lambda.send(new Lambda.GetFunctionConfigurationCommand({ FunctionName: 'ver', Qualifier: '1' }));
    expect(v1Again.MemorySize).toBe(128);
    const versions = await lambda.send(new Lambda.ListVersionsByFunctionCommand({ FunctionName: 'ver' }));
    expect(versions.Versions!.map((v) => v.Version)).toEqual(['$LATEST', '1', '2']);

    expect(await failure(lambda.send(new Lambda.DeleteFunctionCommand({ FunctionName: 'ver', Qualifier: '$LATEST' })))).toMatchObject({
      name: 'InvalidParameterValueException',
    });
    await lambda.send(new Lambda.DeleteFunctionCommand({ FunctionName: 'ver', Qualifier: '1' }));
    expect(await failure(lambda.send(new Lambda.GetFunctionCommand({ FunctionName: 'ver:1' })))).toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:ver:1',
    });
    const v3 = await lambda.send(new Lambda.PublishVersionCommand({ FunctionName: 'ver' }));
    expect(v3.Version).toBe('2');
  });

  it('manages aliases with routing weights', async () => {
    await create('al', { Publish: true });
    await lambda.send(new Lambda.UpdateFunctionConfigurationCommand({ FunctionName: 'al', Description: 'two' }));
    await Lambda.waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 10 }, { FunctionName: 'al' });
    await lambda.send(new Lambda.PublishVersionCommand({ FunctionName: 'al' }));
    const alias = await lambda.send(
      new Lambda.CreateAliasCommand({ FunctionName: 'al', Name: 'live', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 0.25 } } }),
    );
    expect(alias).toMatchObject({
      AliasArn: 'arn:aws:lambda:us-east-1:000000000000:function:al:live',
      FunctionVersion: '1',
      RoutingConfig: { AdditionalVersionWeights: { '2': 0.25 } },
    });
    expect(await failure(lambda.send(new Lambda.CreateAliasCommand({ FunctionName: 'al', Name: 'live', FunctionVersion: '1' })))).toMatchObject({
      name: 'ResourceConflictException',
      status: 409,
    });
    expect(await failure(lambda.send(new Lambda.CreateAliasCommand({ FunctionName: 'al', Name: 'x', FunctionVersion: '9' })))).toMatchObject({
      name: 'ResourceNotFoundException',
    });
    expect(
      await failure(
        lambda.send(new Lambda.CreateAliasCommand({ FunctionName: 'al', Name: 'y', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 1.5 } } })),
      ),
    ).toMatchObject({ name: 'ValidationException' });
    const updated = await lambda.send(new Lambda.UpdateAliasCommand({ FunctionName: 'al', Name: 'live', FunctionVersion: '2', RoutingConfig: { AdditionalVersionWeights: {} } }));
    expect(updated.FunctionVersion).toBe('2');
    expect(updated.RoutingConfig).toBeUndefined();
    expect(await failure(lambda.send(new Lambda.UpdateAliasCommand({ FunctionName: 'al', Name: 'live', RevisionId: 'stale' })))).toMatchObject({
      name: 'PreconditionFailedException',
    });
    expect(await failure(lambda.send(new Lambda.DeleteFunctionCommand({ FunctionName: 'al', Qualifier: '2' })))).toMatchObject({
      name: 'ResourceConflictException',
    });
    const list = await lambda.send(new Lambda.ListAliasesCommand({ FunctionName: 'al' }));
    expect(list.Aliases!.map((a) => a.Name)).toEqual(['live']);
    const got = await lambda.send(new Lambda.GetFunctionConfigurationCommand({ FunctionName: 'al', Qualifier: 'live' }));
    expect(got.Version).toBe('2');
    await lambda.send(new Lambda.DeleteAliasCommand({ FunctionName: 'al', Name: 'live' }));
    expect(await failure(lambda.send(new Lambda.GetAliasCommand({ FunctionName: 'al', Name: 'live' })))).toMatchObject({
      name: 'ResourceNotFoundException',
      status: 404,
    });
  });

  it('reserves concurrency within the account limit', async () => {
    await create('conc');
    const before = await lambda.send(new Lambda.GetAccountSettingsCommand({}));
    expect(before.AccountLimit).toMatchObject({ ConcurrentExecutions: 1000, CodeSizeZipped: 52428800, CodeSizeUnzipped: 262144000 });
    expect(await lambda.send(new Lambda.GetFunctionConcurrencyCommand({ FunctionName: 'conc' }))).not.toHaveProperty('ReservedConcurrentExecutions');
    await lambda.send(new Lambda.PutFunctionConcurrencyCommand({ FunctionName: 'conc', ReservedConcurrentExecutions: 100 }));
    const got = await lambda.send(new Lambda.GetFunctionConcurrencyCommand({ FunctionName: 'conc' }));
    expect(got.ReservedConcurrentExecutions).toBe(100);
    const after = await lambda.send(new Lambda.GetAccountSettingsCommand({}));
    expect(after.AccountLimit!.UnreservedConcurrentExecutions).toBe(before.AccountLimit!.UnreservedConcurrentExecutions! - 100);
    const tooMuch = await failure(lambda.send(new Lambda.PutFunctionConcurrencyCommand({ FunctionName: 'conc', ReservedConcurrentExecutions: 950 })));
    expect(tooMuch).toMatchObject({ name: 'InvalidParameterValueException', status: 400 });
    expect(tooMuch.message).toContain('below its minimum value of [100]');
    await lambda.send(new Lambda.DeleteFunctionConcurrencyCommand({ FunctionName: 'conc' }));
    expect((await lambda.send(new Lambda.GetAccountSettingsCommand({}))).AccountLimit!.UnreservedConcurrentExecutions).toBe(
      before.AccountLimit!.UnreservedConcurrentExecutions,
    );
  });

  it('stores event invoke configs', async () => {
    await create('eic');
    expect(await failure(lambda.send(new Lambda.GetFunctionEventInvokeConfigCommand({ FunctionName: 'eic' })))).toMatchObject({
      name: 'ResourceNotFoundException',
    });
    const put = await lambda.send(
      new Lambda.PutFunctionEventInvokeConfigCommand({
        FunctionName: 'eic',
        MaximumRetryAttempts: 1,
        DestinationConfig: { OnFailure: { Destination: 'arn:aws:lambda:us-east-1:000000000000:function:dup' } },
      }),
    );
    expect(put).toMatchObject({
      FunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:eic:$LATEST',
      MaximumRetryAttempts: 1,
      DestinationConfig: { OnFailure: { Destination: 'arn:aws:lambda:us-east-1:000000000000:function:dup' } },
    });
    const updated = await lambda.send(new Lambda.UpdateFunctionEventInvokeConfigCommand({ FunctionName: 'eic', MaximumEventAgeInSeconds: 120 }));
    expect(updated).toMatchObject({ MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 120 });
    expect(
      await failure(lambda.send(new Lambda.PutFunctionEventInvokeConfigCommand({ FunctionName: 'eic', MaximumRetryAttempts: 3 }))),
    ).toMatchObject({ name: 'ValidationException' });
    const list = await lambda.send(new Lambda.ListFunctionEventInvokeConfigsCommand({ FunctionName: 'eic' }));
    expect(list.FunctionEventInvokeConfigs).toHaveLength(1);
    await lambda.send(new Lambda.DeleteFunctionEventInvokeConfigCommand({ FunctionName: 'eic' }));
    expect(await failure(lambda.send(new Lambda.GetFunctionEventInvokeConfigCommand({ FunctionName: 'eic' })))).toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('tags functions and keeps permissions', async () => {
    const f = await create('tagged');
    await lambda.send(new Lambda.TagResourceCommand({ Resource: f.FunctionArn, Tags: { a: '1', b: '2' } }));
    await lambda.send(new Lambda.UntagResourceCommand({ Resource: f.FunctionArn, TagKeys: ['a'] }));
    expect((await lambda.send(new Lambda.ListTagsCommand({ Resource: f.FunctionArn }))).Tags).toEqual({ b: '2' });

    expect(await failure(lambda.send(new Lambda.GetPolicyCommand({ FunctionName: 'tagged' })))).toMatchObject({ name: 'ResourceNotFoundException' });
    await lambda.send(
      new Lambda.AddPermissionCommand({ FunctionName: 'tagged', StatementId: 'apigw', Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' }),
    );
    expect(
      await failure(
        lambda.send(new Lambda.AddPermissionCommand({ FunctionName: 'tagged', StatementId: 'apigw', Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' })),
      ),
    ).toMatchObject({ name: 'ResourceConflictException', status: 409 });
    const policy = JSON.parse((await lambda.send(new Lambda.GetPolicyCommand({ FunctionName: 'tagged' }))).Policy!);
    expect(policy.Statement[0]).toMatchObject({ Sid: 'apigw', Principal: { Service: 'apigateway.amazonaws.com' } });
    await lambda.send(new Lambda.RemovePermissionCommand({ FunctionName: 'tagged', StatementId: 'apigw' }));
  });

  it('deletes a function and everything of it', async () => {
    await create('gone', { Publish: true });
    await lambda.send(new Lambda.DeleteFunctionCommand({ FunctionName: 'gone' }));
    expect(await failure(lambda.send(new Lambda.GetFunctionCommand({ FunctionName: 'gone' })))).toMatchObject({
      name: 'ResourceNotFoundException',
      status: 404,
    });
    expect(await failure(lambda.send(new Lambda.DeleteFunctionCommand({ FunctionName: 'gone' })))).toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await create('gone');
  });

  it('answers malformed requests with 4xx and keeps running', async () => {
    const res = await fetch(`${nimbus.endpoint}/2015-03-31/functions`, { method: 'POST', body: '{not json', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toBe('InvalidRequestContentException');
    // A malformed percent escape in a name is an invalid name, not a server error.
    for (const path of ['/2015-03-31/functions/%ZZ/invocations', '/2015-03-31/functions/f%E0/aliases/live', '/2017-03-31/tags/%ZZ']) {
      const r = await fetch(`${nimbus.endpoint}${path}`, { method: path.includes('invocations') ? 'POST' : 'GET', body: path.includes('invocations') ? '{}' : undefined });
      expect(r.status, path).toBe(400);
    }
    expect(nimbus.logs.filter((l) => l.includes('unexpected error'))).toEqual([]);
  });
});
