// The AWS SDK for JavaScript v3 comes with the Node.js runtime, as on AWS: a function imports
// `@aws-sdk/*` without packaging it, and its clients reach Nimbus through AWS_ENDPOINT_URL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Lambda from '@aws-sdk/client-lambda';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { zip } from '../helpers/zip.js';

const ROLE = 'arn:aws:iam::000000000000:role/lambda-role';

describe('the runtime-provided AWS SDK', () => {
  let nimbus: TestNimbus;
  let lambda: Lambda.LambdaClient;

  beforeAll(async () => {
    nimbus = await startNimbus();
    lambda = new Lambda.LambdaClient(clientConfig(nimbus.endpoint));
  });
  afterAll(() => nimbus.dispose());

  async function deployAndInvoke(name: string, files: Record<string, string>, handler: string) {
    await lambda.send(
      new Lambda.CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Role: ROLE, Handler: handler, Code: { ZipFile: zip(files) } }),
    );
    const out = await lambda.send(new Lambda.InvokeCommand({ FunctionName: name }));
    return { error: out.FunctionError, payload: JSON.parse(Buffer.from(out.Payload ?? []).toString('utf8')) };
  }

  it('lets an ES module import SDK clients and call Nimbus with them', async () => {
    const out = await deployAndInvoke(
      'sdk-esm',
      {
        'index.mjs': `import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
          import { SFNClient } from '@aws-sdk/client-sfn';
          import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
          export const handler = async () => {
            const listed = await new LambdaClient({}).send(new ListFunctionsCommand({}));
            return { names: listed.Functions.map((f) => f.FunctionName), sfn: typeof SFNClient, codedeploy: typeof CodeDeployClient };
          };`,
      },
      'index.handler',
    );
    expect(out.error).toBeUndefined();
    expect(out.payload).toEqual({ names: ['sdk-esm'], sfn: 'function', codedeploy: 'function' });
  });

  it('lets CommonJS require it, and keeps Nimbus’s other packages out of reach', async () => {
    const out = await deployAndInvoke(
      'sdk-cjs',
      {
        'index.js': `exports.handler = async () => {
          const { SFNClient } = require('@aws-sdk/client-sfn');
          let yaml = 'importable';
          try { require('yaml'); } catch (err) { yaml = err.code; }
          return { sfn: typeof SFNClient, yaml };
        };`,
      },
      'index.handler',
    );
    expect(out.payload).toEqual({ sfn: 'function', yaml: 'MODULE_NOT_FOUND' });
  });

  it('prefers the SDK a function packages itself', async () => {
    const out = await deployAndInvoke(
      'sdk-own',
      {
        'node_modules/@aws-sdk/client-sfn/package.json': '{"name":"@aws-sdk/client-sfn","version":"0.0.1-own","main":"index.js"}',
        'node_modules/@aws-sdk/client-sfn/index.js': 'exports.own = true;',
        'index.mjs': `import sfn from '@aws-sdk/client-sfn'; export const handler = async () => ({ own: sfn.own === true });`,
      },
      'index.handler',
    );
    expect(out.payload).toEqual({ own: true });
  });
});
