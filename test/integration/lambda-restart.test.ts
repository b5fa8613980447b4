// A restart keeps functions, versions, aliases, settings (provisioned concurrency included) and queued asynchronous events.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Lambda from '@aws-sdk/client-lambda';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { clientConfig, startNimbus } from '../helpers/nimbus.js';
import { zip } from '../helpers/zip.js';

describe('Lambda across a restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'nimbus-restart-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps everything it acknowledged', async () => {
    const first = await startNimbus({ dataDir, lambda: { asyncRetryBaseMs: 50 } });
    let lambda = new Lambda.LambdaClient(clientConfig(first.endpoint));
    await lambda.send(
      new Lambda.CreateFunctionCommand({
        FunctionName: 'durable',
        Runtime: 'nodejs20.x',
        Role: 'arn:aws:iam::000000000000:role/r',
        Handler: 'index.handler',
        Environment: { Variables: { SECRET: 'kept-encrypted' } },
        Code: { ZipFile: zip({ 'index.mjs': 'export const handler = async (e) => { console.log("RAN " + e.n + " " + process.env.SECRET); return e; };' }) },
        Publish: true,
      }),
    );
    await lambda.send(new Lambda.CreateAliasCommand({ FunctionName: 'durable', Name: 'prod', FunctionVersion: '1' }));
    await lambda.send(new Lambda.PutProvisionedConcurrencyConfigCommand({ FunctionName: 'durable', Qualifier: 'prod', ProvisionedConcurrentExecutions: 1 }));
    // Reserved concurrency 0 throttles every invocation: the event must wait in the queue.
    await lambda.send(new Lambda.PutFunctionConcurrencyCommand({ FunctionName: 'durable', ReservedConcurrentExecutions: 0 }));
    const accepted = await lambda.send(new Lambda.InvokeCommand({ FunctionName: 'durable', InvocationType: 'Event', Payload: Buffer.from('{"n":7}') }));
    expect(accepted.StatusCode).toBe(202);
    await first.stop();

    const { readFileSync } = await import('node:fs');
    expect(readFileSync(join(dataDir, 'nimbus.db')).includes(Buffer.from('kept-encrypted'))).toBe(false);

    const second = await startNimbus({ dataDir, lambda: { asyncRetryBaseMs: 50 } });
    try {
      lambda = new Lambda.LambdaClient(clientConfig(second.endpoint));
      const fn = await lambda.send(new Lambda.GetFunctionCommand({ FunctionName: 'durable', Qualifier: 'prod' }));
      expect(fn.Configuration).toMatchObject({ Version: '1', State: 'Active', Environment: { Variables: { SECRET: 'kept-encrypted' } } });
      expect(fn.Concurrency?.ReservedConcurrentExecutions).toBe(0);
      const versions = await lambda.send(new Lambda.ListVersionsByFunctionCommand({ FunctionName: 'durable' }));
      expect(versions.Versions!.map((v) => v.Version)).toEqual(['$LATEST', '1']);
      // Provisioned concurrency comes back: its environment is started again.
      let provisioned = await lambda.send(new Lambda.GetProvisionedConcurrencyConfigCommand({ FunctionName: 'durable', Qualifier: 'prod' }));
      for (let i = 0; i < 100 && provisioned.Status !== 'READY'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        provisioned = await lambda.send(new Lambda.GetProvisionedConcurrencyConfigCommand({ FunctionName: 'durable', Qualifier: 'prod' }));
      }
      expect(provisioned).toMatchObject({ RequestedProvisionedConcurrentExecutions: 1, AvailableProvisionedConcurrentExecutions: 1, Status: 'READY' });

      await lambda.send(new Lambda.DeleteFunctionConcurrencyCommand({ FunctionName: 'durable' }));
      const logs = new CloudWatchLogsClient(clientConfig(second.endpoint));
      let ran: string[] = [];
      for (let i = 0; i < 100 && ran.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        try {
          const out = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/durable', filterPattern: '"RAN 7"' }));
          ran = (out.events ?? []).map((e) => e.message!);
        } catch {
          // no log group until the function has run
        }
      }
      expect(ran).toHaveLength(1);
      expect(ran[0]).toContain('RAN 7 kept-encrypted');
    } finally {
      await second.stop();
    }
  });
});
