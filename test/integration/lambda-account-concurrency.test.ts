// The account-wide concurrency limit (nimbus start --account-concurrency) throttles with AWS's Reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Lambda from '@aws-sdk/client-lambda';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { zip } from '../helpers/zip.js';

describe('account concurrency', () => {
  let nimbus: TestNimbus;
  let lambda: Lambda.LambdaClient;
  beforeAll(async () => {
    nimbus = await startNimbus({ accountConcurrency: 2 });
    lambda = new Lambda.LambdaClient(clientConfig(nimbus.endpoint));
    await lambda.send(
      new Lambda.CreateFunctionCommand({
        FunctionName: 'sleepy',
        Runtime: 'nodejs20.x',
        Role: 'arn:aws:iam::000000000000:role/r',
        Handler: 'index.handler',
        Code: { ZipFile: zip({ 'index.mjs': 'export const handler = (e) => new Promise((r) => setTimeout(() => r(e.ms), e.ms));' }) },
      }),
    );
  });
  afterAll(() => nimbus.dispose());

  const invoke = (ms: number) => lambda.send(new Lambda.InvokeCommand({ FunctionName: 'sleepy', Payload: Buffer.from(JSON.stringify({ ms })) }));

  it('answers 429 ConcurrentInvocationLimitExceeded past the account limit, and recovers', async () => {
    const settings = await lambda.send(new Lambda.GetAccountSettingsCommand({}));
    expect(settings.AccountLimit).toMatchObject({ ConcurrentExecutions: 2, UnreservedConcurrentExecutions: 2 });
    const running = [invoke(1500), invoke(1500)];
    await new Promise((r) => setTimeout(r, 400));
    const err = await invoke(0).then(
      () => undefined,
      (e: Error & { Reason?: string; $metadata?: { httpStatusCode?: number } }) => e,
    );
    expect(err).toMatchObject({ name: 'TooManyRequestsException', Reason: 'ConcurrentInvocationLimitExceeded', $metadata: { httpStatusCode: 429 } });
    expect((await Promise.all(running)).map((o) => o.StatusCode)).toEqual([200, 200]);
    expect((await invoke(0)).StatusCode).toBe(200);
  });
});
