// Nested applications (AWS::Serverless::Application with a local Location): the child template is a
// stack of its own, its outputs are the parent's `Outputs.<Key>` attributes, a change inside the
// child's folder deploys it again, and deleting the parent deletes it.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { makeClients, type Clients } from '../../src/sam/deploy/clients.js';
import { deployStack, deleteStack } from '../../src/sam/deploy/deployer.js';
import { StackStore } from '../../src/sam/deploy/stack-store.js';
import { TemplateErrors } from '../../src/sam/template/errors.js';

let nimbus: TestNimbus;
let clients: Clients;
let dir: string;
const lines: string[] = [];
const log = (l: string) => lines.push(l);

const PARENT = `
Transform: AWS::Serverless-2016-10-31
Resources:
  Greeter:
    Type: AWS::Serverless::Application
    Properties:
      Location: greeter/template.yaml
      Parameters:
        Greeting: hello
Outputs:
  FunctionName:
    Value: !GetAtt Greeter.Outputs.FunctionName
  StackRef:
    Value: !Ref Greeter
`;

const CHILD = `
Transform: AWS::Serverless-2016-10-31
Parameters:
  Greeting:
    Type: String
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.handler
      Runtime: nodejs20.x
      Environment:
        Variables:
          GREETING: !Ref Greeting
Outputs:
  FunctionName:
    Value: !Ref Fn
`;

const code = (tag: string) => `export const handler = async () => process.env.GREETING + ' ${tag}';`;
const deploy = () => deployStack({ templatePath: join(dir, 'template.yaml'), stackName: 'parent', overrides: new Map(), clients, log });
const invoke = async (name: string) => JSON.parse(Buffer.from((await clients.lambda.send(new InvokeCommand({ FunctionName: name }))).Payload!).toString());

beforeAll(async () => {
  nimbus = await startNimbus();
  clients = makeClients(nimbus.endpoint);
  dir = mkdtempSync(join(tmpdir(), 'nimbus-nested-'));
  mkdirSync(join(dir, 'greeter', 'src'), { recursive: true });
  writeFileSync(join(dir, 'template.yaml'), PARENT);
  writeFileSync(join(dir, 'greeter', 'template.yaml'), CHILD);
  writeFileSync(join(dir, 'greeter', 'src', 'index.mjs'), code('v1'));
});
afterAll(async () => {
  clients?.destroy();
  await nimbus?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('nested applications', () => {
  let fn = '';
  let child = '';
  it('deploys the child as its own stack, with the parent\'s parameters, and passes its outputs up', async () => {
    const res = await deploy();
    expect(res.status).toBe('CREATE_COMPLETE');
    fn = res.outputs.find((o) => o.OutputKey === 'FunctionName')!.OutputValue;
    expect(fn).toMatch(/^parent-Greeter-[A-Z0-9]+-Fn-/);
    expect(res.outputs.find((o) => o.OutputKey === 'StackRef')!.OutputValue).toMatch(/^arn:aws:cloudformation:us-east-1:000000000000:stack\/parent-Greeter-/);
    expect(await invoke(fn)).toBe('hello v1');
    const store = StackStore.forProject(dir);
    child = store.get('parent')!.resources.Greeter!.physicalId;
    expect(store.get(child)?.status).toBe('CREATE_COMPLETE');
    expect(lines.some((l) => /^ {2}parent-Greeter-\w+ \| CREATE_COMPLETE/.test(l))).toBe(true);
  });

  it('deploys the child again when something in its folder changed, and not otherwise', async () => {
    lines.length = 0;
    writeFileSync(join(dir, 'greeter', 'src', 'index.mjs'), code('v2'));
    expect((await deploy()).status).toBe('UPDATE_COMPLETE');
    expect(await invoke(fn)).toBe('hello v2');
    expect((await deploy()).changes).toEqual([]);
  });

  it('refuses applications of the Serverless Application Repository', async () => {
    writeFileSync(join(dir, 'sar.yaml'), `
Transform: AWS::Serverless-2016-10-31
Resources:
  App:
    Type: AWS::Serverless::Application
    Properties:
      Location: { ApplicationId: 'arn:aws:serverlessrepo:us-east-1:077246666028:applications/hello', SemanticVersion: 1.0.0 }
`);
    const err = await deployStack({ templatePath: join(dir, 'sar.yaml'), stackName: 'sar', overrides: new Map(), clients, log }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TemplateErrors);
    expect((err as Error).message).toContain('applications of the Serverless Application Repository are not supported by Nimbus');
  });

  it('deleting the parent deletes the child stack and its function', async () => {
    await deleteStack({ stackName: 'parent', clients, project: dir, log });
    expect(StackStore.forProject(dir).get('parent')).toBeUndefined();
    expect(StackStore.forProject(dir).get(child)).toBeUndefined();
    const gone = await clients.lambda.send(new InvokeCommand({ FunctionName: fn })).catch((e: Error) => e.name);
    expect(gone).toBe('ResourceNotFoundException');
  });
});

describe('exports and Fn::ImportValue between stacks of a project', () => {
  it('resolves an export of another stack, and names a missing one', async () => {
    writeFileSync(join(dir, 'network.yaml'), `
Transform: AWS::Serverless-2016-10-31
Resources:
  Shared:
    Type: AWS::Serverless::Function
    Properties: { CodeUri: greeter/src/, Handler: index.handler, Runtime: nodejs20.x }
Outputs:
  SharedName:
    Value: !Ref Shared
    Export:
      Name: !Sub \${AWS::StackName}-shared
`);
    writeFileSync(join(dir, 'app.yaml'), `
Transform: AWS::Serverless-2016-10-31
Resources:
  App:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: greeter/src/
      Handler: index.handler
      Runtime: nodejs20.x
      Environment:
        Variables:
          GREETING: !ImportValue network-shared
Outputs:
  Imported:
    Value: !ImportValue network-shared
`);
    const early = await deployStack({ templatePath: join(dir, 'app.yaml'), stackName: 'app', overrides: new Map(), clients, log }).catch((e: unknown) => e);
    expect((early as Error).message).toContain('No export named network-shared found');
    const network = await deployStack({ templatePath: join(dir, 'network.yaml'), stackName: 'network', overrides: new Map(), clients, log });
    expect(network.outputs).toEqual([expect.objectContaining({ OutputKey: 'SharedName', ExportName: 'network-shared' })]);
    const app = await deployStack({ templatePath: join(dir, 'app.yaml'), stackName: 'app', overrides: new Map(), clients, log });
    const shared = network.outputs[0]!.OutputValue;
    expect(app.outputs).toEqual([{ OutputKey: 'Imported', OutputValue: shared }]);
    const fn = app.record.resources.App!.physicalId;
    expect(await invoke(fn)).toBe(`${shared} v2`);
  });

  it('keeps an export to one stack, and an imported export from being deleted', async () => {
    // The same template under another stack name exports `other-shared`: no clash.
    expect((await deployStack({ templatePath: join(dir, 'network.yaml'), stackName: 'other', overrides: new Map(), clients, log })).status).toBe('CREATE_COMPLETE');
    await deleteStack({ stackName: 'other', clients, project: dir, log });
    writeFileSync(join(dir, 'twin.yaml'), readFileSync(join(dir, 'network.yaml'), 'utf8').replace('${AWS::StackName}-shared', 'network-shared'));
    const clash = await deployStack({ templatePath: join(dir, 'twin.yaml'), stackName: 'twin', overrides: new Map(), clients, log }).catch((e: unknown) => e);
    expect((clash as Error).message).toBe('Export with name network-shared is already exported by stack network');
    const inUse = await deleteStack({ stackName: 'network', clients, project: dir, log }).catch((e: unknown) => e);
    expect((inUse as Error).message).toBe('Export network-shared cannot be deleted as it is in use by app');
    expect(StackStore.forProject(dir).get('network')?.status).toBe('CREATE_COMPLETE');
    await deleteStack({ stackName: 'app', clients, project: dir, log });
    await deleteStack({ stackName: 'network', clients, project: dir, log });
    expect(StackStore.forProject(dir).get('network')).toBeUndefined();
  });
});

describe('a template that nests itself', () => {
  it('is refused instead of nesting forever', async () => {
    writeFileSync(join(dir, 'loop.yaml'), `
Transform: AWS::Serverless-2016-10-31
Resources:
  Again:
    Type: AWS::Serverless::Application
    Properties: { Location: loop.yaml }
`);
    const err = await deployStack({ templatePath: join(dir, 'loop.yaml'), stackName: 'loop', overrides: new Map(), clients, log }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/loop\.yaml nests itself/);
    expect(StackStore.forProject(dir).get('loop')?.status).toBe('ROLLBACK_COMPLETE');
  });
});
