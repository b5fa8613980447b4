// A Node.js 20 function from inline ESM source (`index.mjs`), created and waited for until Active.
import * as Lambda from '@aws-sdk/client-lambda';
import { zip } from './zip.js';

const ROLE = 'arn:aws:iam::000000000000:role/role';

export async function nodeFunction(lambda: Lambda.LambdaClient, name: string, code: string): Promise<string> {
  const out = await lambda.send(
    new Lambda.CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: zip({ 'index.mjs': code }) } }),
  );
  await Lambda.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 20 }, { FunctionName: name });
  return out.FunctionArn!;
}
