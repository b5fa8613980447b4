// Per-function settings AWS records and reports: recursive loop handling, runtime management
// (per version) and the code signing configuration read, through @aws-sdk/client-lambda, and set
// from a SAM template's RuntimeManagementConfig and RecursiveLoop.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Lambda from '@aws-sdk/client-lambda';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { zip } from '../helpers/zip.js';
import { failure } from '../helpers/failure.js';
import { makeClients } from '../../src/sam/deploy/clients.js';
import { deployStack } from '../../src/sam/deploy/deployer.js';

const ROLE = 'arn:aws:iam::000000000000:role/lambda-role';
const ARN = 'arn:aws:lambda:us-east-1:000000000000:function';
const RUNTIME_VERSION = 'arn:aws:lambda:us-east-1::runtime:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

describe('Lambda function settings', () => {
  let nimbus: TestNimbus;
  let lambda: Lambda.LambdaClient;

  beforeAll(async () => {
    nimbus = await startNimbus();
    lambda = new Lambda.LambdaClient(clientConfig(nimbus.endpoint));
    await lambda.send(new Lambda.CreateFunctionCommand({
      FunctionName: 'settings', Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: zip({ 'index.mjs': 'export const handler = async (e) => e;' }) },
    }));
    await Lambda.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 10 }, { FunctionName: 'settings' });
  });
  afterAll(() => nimbus.dispose());

  it('keeps a function\'s recursive loop setting, Terminate until told otherwise', async () => {
    expect((await lambda.send(new Lambda.GetFunctionRecursionConfigCommand({ FunctionName: 'settings' }))).RecursiveLoop).toBe('Terminate');
    const put = await lambda.send(new Lambda.PutFunctionRecursionConfigCommand({ FunctionName: `${ARN}:settings`, RecursiveLoop: 'Allow' }));
    expect(put.RecursiveLoop).toBe('Allow');
    expect((await lambda.send(new Lambda.GetFunctionRecursionConfigCommand({ FunctionName: 'settings' }))).RecursiveLoop).toBe('Allow');

    expect(await failure(lambda.send(new Lambda.PutFunctionRecursionConfigCommand({ FunctionName: 'settings', RecursiveLoop: 'Sometimes' as Lambda.RecursiveLoop })))).toMatchObject({
      name: 'ValidationException',
      status: 400,
      message: "1 validation error detected: Value 'Sometimes' at 'recursiveLoop' failed to satisfy constraint: Member must satisfy enum value set: [Terminate, Allow]",
    });
    expect(await failure(lambda.send(new Lambda.PutFunctionRecursionConfigCommand({ FunctionName: 'settings:1', RecursiveLoop: 'Allow' })))).toMatchObject({ name: 'InvalidParameterValueException', status: 400 });
    expect(await failure(lambda.send(new Lambda.GetFunctionRecursionConfigCommand({ FunctionName: 'settings:$LATEST' })))).toMatchObject({ name: 'InvalidParameterValueException', status: 400 });
    expect(await failure(lambda.send(new Lambda.GetFunctionRecursionConfigCommand({ FunctionName: 'nope' })))).toMatchObject({
      name: 'ResourceNotFoundException', status: 404, message: `Function not found: ${ARN}:nope`,
    });
  });

  it('keeps the runtime management configuration per version', async () => {
    expect(await lambda.send(new Lambda.GetRuntimeManagementConfigCommand({ FunctionName: 'settings' }))).toMatchObject({ UpdateRuntimeOn: 'Auto', FunctionArn: `${ARN}:settings` });
    const put = await lambda.send(new Lambda.PutRuntimeManagementConfigCommand({ FunctionName: 'settings', UpdateRuntimeOn: 'Manual', RuntimeVersionArn: RUNTIME_VERSION }));
    expect(put).toMatchObject({ UpdateRuntimeOn: 'Manual', RuntimeVersionArn: RUNTIME_VERSION, FunctionArn: `${ARN}:settings` });

    // A published version starts from $LATEST's setting and keeps its own from then on.
    const v1 = await lambda.send(new Lambda.PublishVersionCommand({ FunctionName: 'settings' }));
    expect(await lambda.send(new Lambda.GetRuntimeManagementConfigCommand({ FunctionName: 'settings', Qualifier: v1.Version }))).toMatchObject({
      UpdateRuntimeOn: 'Manual', RuntimeVersionArn: RUNTIME_VERSION, FunctionArn: `${ARN}:settings:${v1.Version}`,
    });
    await lambda.send(new Lambda.PutRuntimeManagementConfigCommand({ FunctionName: 'settings', Qualifier: v1.Version, UpdateRuntimeOn: 'FunctionUpdate' }));
    const latest = await lambda.send(new Lambda.GetRuntimeManagementConfigCommand({ FunctionName: 'settings', Qualifier: '$LATEST' }));
    expect(latest.UpdateRuntimeOn).toBe('Manual');
    const version = await lambda.send(new Lambda.GetRuntimeManagementConfigCommand({ FunctionName: 'settings', Qualifier: v1.Version }));
    expect(version.UpdateRuntimeOn).toBe('FunctionUpdate');
    expect(version.RuntimeVersionArn).toBeUndefined();

    // The function still runs as before.
    const out = await lambda.send(new Lambda.InvokeCommand({ FunctionName: 'settings', Qualifier: v1.Version, Payload: Buffer.from('{"a":1}') }));
    expect(Buffer.from(out.Payload!).toString()).toBe('{"a":1}');
  });

  it('refuses runtime management input AWS refuses', async () => {
    expect(await failure(lambda.send(new Lambda.PutRuntimeManagementConfigCommand({ FunctionName: 'settings', UpdateRuntimeOn: 'Never' as Lambda.UpdateRuntimeOn })))).toMatchObject({
      name: 'ValidationException',
      message: "1 validation error detected: Value 'Never' at 'updateRuntimeOn' failed to satisfy constraint: Member must satisfy enum value set: [Auto, Manual, FunctionUpdate]",
    });
    expect(await failure(lambda.send(new Lambda.PutRuntimeManagementConfigCommand({ FunctionName: 'settings', UpdateRuntimeOn: 'Manual' })))).toMatchObject({ name: 'InvalidParameterValueException', status: 400 });
    expect(await failure(lambda.send(new Lambda.PutRuntimeManagementConfigCommand({ FunctionName: 'settings', UpdateRuntimeOn: 'Manual', RuntimeVersionArn: 'python3.12' })))).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(await failure(lambda.send(new Lambda.GetRuntimeManagementConfigCommand({ FunctionName: 'settings', Qualifier: '99' })))).toMatchObject({
      name: 'ResourceNotFoundException', message: `Function not found: ${ARN}:settings:99`,
    });
    expect(await failure(lambda.send(new Lambda.GetRuntimeManagementConfigCommand({ FunctionName: 'nope' })))).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
  });

  it('reports no code signing configuration', async () => {
    expect(await lambda.send(new Lambda.GetFunctionCodeSigningConfigCommand({ FunctionName: `${ARN}:settings` }))).toMatchObject({ CodeSigningConfigArn: '', FunctionName: 'settings' });
    expect(await failure(lambda.send(new Lambda.GetFunctionCodeSigningConfigCommand({ FunctionName: 'nope' })))).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
  });

  it('applies a SAM function\'s RuntimeManagementConfig and RecursiveLoop, and resets them when removed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nimbus-fn-settings-'));
    const clients = makeClients(nimbus.endpoint);
    try {
      const template = (settings: string) => `
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: sam-settings
      Runtime: nodejs20.x
      Handler: index.handler
      InlineCode: "exports.handler = async () => 'ok';"
${settings}`;
      const deploy = async (settings: string) => {
        writeFileSync(join(dir, 'template.yaml'), template(settings));
        await deployStack({ templatePath: join(dir, 'template.yaml'), stackName: 'settings', overrides: new Map(), clients, log: () => {} });
      };
      await deploy(`      RecursiveLoop: Allow\n      RuntimeManagementConfig: { UpdateRuntimeOn: Manual, RuntimeVersionArn: ${RUNTIME_VERSION} }\n`);
      expect((await lambda.send(new Lambda.GetFunctionRecursionConfigCommand({ FunctionName: 'sam-settings' }))).RecursiveLoop).toBe('Allow');
      expect(await lambda.send(new Lambda.GetRuntimeManagementConfigCommand({ FunctionName: 'sam-settings' }))).toMatchObject({ UpdateRuntimeOn: 'Manual', RuntimeVersionArn: RUNTIME_VERSION });

      await deploy('      Description: settings removed\n');
      expect((await lambda.send(new Lambda.GetFunctionRecursionConfigCommand({ FunctionName: 'sam-settings' }))).RecursiveLoop).toBe('Terminate');
      const runtime = await lambda.send(new Lambda.GetRuntimeManagementConfigCommand({ FunctionName: 'sam-settings' }));
      expect(runtime.UpdateRuntimeOn).toBe('Auto');
      expect(runtime.RuntimeVersionArn).toBeUndefined();
    } finally {
      clients.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
