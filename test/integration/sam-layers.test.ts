// SAM templates with layers: AWS::Serverless::LayerVersion and AWS::Lambda::LayerVersion deployed
// through the AWS SDK against Nimbus, functions using them (Globals too), updates that publish new
// layer versions, retention, `nimbus build` of a layer with a BuildMethod and `local invoke`.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetAliasCommand, GetFunctionConfigurationCommand, GetLayerVersionByArnCommand, GetLayerVersionPolicyCommand, InvokeCommand, ListLayerVersionsCommand } from '@aws-sdk/client-lambda';
import { startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { makeClients, type Clients } from '../../src/sam/deploy/clients.js';
import { deployStack, deleteStack } from '../../src/sam/deploy/deployer.js';
import { buildCommand } from '../../src/sam/build.js';
import { localInvokeCommand } from '../../src/sam/commands.js';
import { startApi } from '../../src/sam/start-api.js';
import { capture } from '../helpers/io.js';

const scratch = mkdtempSync(join(tmpdir(), 'nimbus-sam-layers-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: nodejs20.x
    Layers:
      - !Ref SharedLayer
Resources:
  SharedLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      LayerName: shared-deps
      ContentUri: layers/shared/
      CompatibleRuntimes: [nodejs20.x]
      RetentionPolicy: Delete
  KeptLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/extra/
  ExtraLayer:
    Type: AWS::Lambda::LayerVersion
    Properties:
      Content: layers/extra/
      Description: plain CloudFormation layer
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: fn/
      Handler: index.handler
      AutoPublishAlias: live
      Layers:
        - !Ref ExtraLayer
Outputs:
  SharedArn:
    Value: !Ref SharedLayer
  ExtraArn:
    Value: !GetAtt ExtraLayer.LayerVersionArn
  FnName:
    Value: !Ref Fn
`;

let nimbus: TestNimbus;
let clients: Clients;
let dir: string;

function writeLayer(word: string) {
  mkdirSync(join(dir, 'layers/shared/nodejs/node_modules/shared'), { recursive: true });
  writeFileSync(join(dir, 'layers/shared/nodejs/node_modules/shared/index.js'), `module.exports = '${word}';`);
}

beforeAll(async () => {
  nimbus = await startNimbus();
  clients = makeClients(nimbus.endpoint);
  dir = mkdtempSync(join(scratch, 'app-'));
  writeFileSync(join(dir, 'template.yaml'), TEMPLATE);
  writeLayer('v1');
  mkdirSync(join(dir, 'layers/extra/nodejs/node_modules/extra'), { recursive: true });
  writeFileSync(join(dir, 'layers/extra/nodejs/node_modules/extra/index.js'), "module.exports = 'extra';");
  mkdirSync(join(dir, 'fn'));
  writeFileSync(join(dir, 'fn/index.js'), "exports.handler = async () => require('shared') + '+' + require('extra');");
});
afterAll(async () => {
  clients?.destroy();
  await nimbus?.dispose();
});

const output = (outs: Array<{ OutputKey: string; OutputValue: string }>, key: string) => outs.find((o) => o.OutputKey === key)!.OutputValue;

async function invoke(name: string, qualifier?: string): Promise<unknown> {
  const out = await clients.lambda.send(new InvokeCommand({ FunctionName: name, ...(qualifier ? { Qualifier: qualifier } : {}) }));
  expect(out.FunctionError).toBeUndefined();
  return JSON.parse(Buffer.from(out.Payload!).toString('utf8'));
}

describe('SAM layers', () => {
  let fn = '';
  it('deploys layers and a function using them (Globals and its own, in that order)', async () => {
    const res = await deployStack({ templatePath: join(dir, 'template.yaml'), stackName: 'layers', overrides: new Map(), clients, log: () => {} });
    expect(res.status).toBe('CREATE_COMPLETE');
    const shared = output(res.outputs, 'SharedArn');
    expect(shared).toBe('arn:aws:lambda:us-east-1:000000000000:layer:shared-deps:1');
    const extra = output(res.outputs, 'ExtraArn');
    expect(extra).toBe('arn:aws:lambda:us-east-1:000000000000:layer:ExtraLayer:1');
    expect((await clients.lambda.send(new GetLayerVersionByArnCommand({ Arn: extra }))).Description).toBe('plain CloudFormation layer');
    fn = output(res.outputs, 'FnName');
    const config = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: fn }));
    expect(config.Layers?.map((l) => l.Arn)).toEqual([shared, extra]);
    expect(await invoke(fn, 'live')).toBe('v1+extra');
  });

  it('publishes a new layer version when its content changes, and a new function version with it', async () => {
    writeLayer('v2');
    const res = await deployStack({ templatePath: join(dir, 'template.yaml'), stackName: 'layers', overrides: new Map(), clients, log: () => {} });
    expect(res.status).toBe('UPDATE_COMPLETE');
    expect(output(res.outputs, 'SharedArn')).toBe('arn:aws:lambda:us-east-1:000000000000:layer:shared-deps:2');
    expect(await invoke(fn, 'live')).toBe('v2+extra');
    expect((await clients.lambda.send(new GetAliasCommand({ FunctionName: fn, Name: 'live' }))).FunctionVersion).toBe('2');
    // RetentionPolicy: Delete removed the replaced version.
    const versions = await clients.lambda.send(new ListLayerVersionsCommand({ LayerName: 'shared-deps' }));
    expect(versions.LayerVersions?.map((v) => v.Version)).toEqual([2]);
    const again = await deployStack({ templatePath: join(dir, 'template.yaml'), stackName: 'layers', overrides: new Map(), clients, log: () => {} });
    expect(again.changes).toEqual([]);
  });

  it('deletes the stack, keeping layer versions whose RetentionPolicy is Retain (SAM\'s default)', async () => {
    await deleteStack({ project: dir, stackName: 'layers', clients, log: () => {} });
    expect((await clients.lambda.send(new ListLayerVersionsCommand({ LayerName: 'KeptLayer' }))).LayerVersions?.map((v) => v.Version)).toEqual([1]);
    expect((await clients.lambda.send(new ListLayerVersionsCommand({ LayerName: 'shared-deps' }))).LayerVersions).toEqual([]);
    // A plain AWS::Lambda::LayerVersion is deleted with its stack (no SAM RetentionPolicy).
    expect((await clients.lambda.send(new ListLayerVersionsCommand({ LayerName: 'ExtraLayer' }))).LayerVersions).toEqual([]);
  });

  it('builds a layer with a BuildMethod into its runtime folder and invokes locally with it', async () => {
    const app = mkdtempSync(join(scratch, 'build-'));
    writeFileSync(
      join(app, 'template.yaml'),
      `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Helpers:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: helpers/
      CompatibleRuntimes: [python3.12]
    Metadata:
      BuildMethod: python3.12
  PyFn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: app/
      Handler: main.handler
      Runtime: python3.12
      Layers: [!Ref Helpers]
`,
    );
    mkdirSync(join(app, 'helpers'));
    writeFileSync(join(app, 'helpers/shout.py'), 'def shout(s):\n    return s.upper() + "!"\n');
    mkdirSync(join(app, 'app'));
    writeFileSync(join(app, 'app/main.py'), 'from shout import shout\n\ndef handler(event, context):\n    return shout("layered")\n');
    expect(await buildCommand({ cwd: app, templateFile: join(app, 'template.yaml') }, capture())).toBe(0);
    expect(existsSync(join(app, '.nimbus-sam/build/Helpers/python/shout.py'))).toBe(true);
    const io = capture();
    const code = await localInvokeCommand({ cwd: app, functionId: 'PyFn', eventJson: '{}' }, io);
    expect(io.stderr.join('\n')).not.toMatch(/Error/);
    expect(code).toBe(0);
    expect(io.stdout.join('')).toBe('"LAYERED!"');
  }, 60_000);

  it('serves an API whose function uses a layer with local start-api', async () => {
    const app = mkdtempSync(join(scratch, 'api-'));
    writeFileSync(
      join(app, 'template.yaml'),
      `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Deps:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: deps/
  Api:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.handler
      Runtime: nodejs20.x
      Layers: [!Ref Deps]
      Events:
        Get:
          Type: Api
          Properties:
            Path: /hi
            Method: get
`,
    );
    mkdirSync(join(app, 'deps/nodejs/node_modules/hi'), { recursive: true });
    writeFileSync(join(app, 'deps/nodejs/node_modules/hi/index.js'), "module.exports = 'hi from a layer';");
    mkdirSync(join(app, 'src'));
    writeFileSync(join(app, 'src/index.js'), "exports.handler = async () => ({ statusCode: 200, body: require('hi') });");
    const api = await startApi({ port: 0, host: '127.0.0.1', cwd: app }, capture());
    try {
      const res = await fetch(`${api.url}/hi`);
      expect(await res.text()).toBe('hi from a layer');
    } finally {
      await api.stop();
    }
  }, 60_000);
});

describe('AWS::Lambda::LayerVersionPermission (layer-sharing templates)', () => {
  it('adds the statement to the layer version\'s policy, replaces it on change and removes it with the stack', async () => {
    const app = mkdtempSync(join(scratch, 'perm-'));
    mkdirSync(join(app, 'layer/python'), { recursive: true });
    writeFileSync(join(app, 'layer/python/shared.py'), 'X = 1\n');
    const template = (principal: string) => `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Lib:
    Type: AWS::Serverless::LayerVersion
    Properties:
      LayerName: shared-lib
      ContentUri: layer/
  LibPermission:
    Type: AWS::Lambda::LayerVersionPermission
    Properties:
      Action: lambda:GetLayerVersion
      LayerVersionArn: !Ref Lib
      Principal: '${principal}'
Outputs:
  PermissionId:
    Value: !Ref LibPermission
`;
    writeFileSync(join(app, 'template.yaml'), template('*'));
    const deploy = () => deployStack({ templatePath: join(app, 'template.yaml'), stackName: 'layer-perm', overrides: new Map(), clients, log: () => {} });
    const res = await deploy();
    expect(res.status).toBe('CREATE_COMPLETE');
    const id = output(res.outputs, 'PermissionId');
    expect(id).toMatch(/^arn:aws:lambda:us-east-1:000000000000:layer:shared-lib:1#layer-perm-LibPermission-[A-Z0-9]{12}$/);
    const policy = async () => JSON.parse((await clients.lambda.send(new GetLayerVersionPolicyCommand({ LayerName: 'shared-lib', VersionNumber: 1 }))).Policy!);
    expect((await policy()).Statement).toEqual([expect.objectContaining({ Sid: id.split('#')[1], Effect: 'Allow', Principal: '*', Action: 'lambda:GetLayerVersion' })]);

    writeFileSync(join(app, 'template.yaml'), template('111122223333'));
    expect((await deploy()).status).toBe('UPDATE_COMPLETE');
    const statements = (await policy()).Statement as Array<{ Principal: unknown }>;
    expect(statements.map((st) => st.Principal)).toEqual([{ AWS: 'arn:aws:iam::111122223333:root' }]);

    await deleteStack({ project: app, stackName: 'layer-perm', clients, log: () => {} });
    // The layer version is retained (SAM's default); its statement went with the stack.
    await expect(policy()).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
