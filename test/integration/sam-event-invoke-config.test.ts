// SAM's EventInvokeConfig: `<Fn>EventInvokeConfig` on the function's alias, with retries and an
// OnFailure destination that Nimbus then delivers to; DeadLetterQueue and KmsKeyArn pass through.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetFunctionConfigurationCommand, GetFunctionEventInvokeConfigCommand, InvokeCommand } from '@aws-sdk/client-lambda';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { makeClients, type Clients } from '../../src/sam/deploy/clients.js';
import { deployStack } from '../../src/sam/deploy/deployer.js';
import { TemplateErrors } from '../../src/sam/template/errors.js';

let nimbus: TestNimbus;
let clients: Clients;
let dir: string;

const TEMPLATE = (destination: string) => `
Transform: AWS::Serverless-2016-10-31
Globals:
  Function: { Runtime: nodejs20.x, CodeUri: src/ }
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Handler: worker.handler
      AutoPublishAlias: live
      KmsKeyArn: arn:aws:kms:us-east-1:000000000000:key/abc
      DeadLetterQueue: { Type: SQS, TargetArn: arn:aws:sqs:us-east-1:000000000000:dlq }
      EventInvokeConfig:
        MaximumRetryAttempts: 0
        MaximumEventAgeInSeconds: 600
        DestinationConfig:
          OnFailure:
            Type: Lambda
${destination}
  Sink:
    Type: AWS::Serverless::Function
    Properties: { Handler: sink.handler }
Outputs:
  Worker: { Value: !Ref Worker }
  Sink: { Value: !Ref Sink }
`;

beforeAll(async () => {
  nimbus = await startNimbus({ lambda: { asyncRetryBaseMs: 10 } });
  clients = makeClients(nimbus.endpoint);
  dir = mkdtempSync(join(tmpdir(), 'nimbus-eic-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'worker.mjs'), "export const handler = async () => { throw new Error('worker failed'); };");
  writeFileSync(join(dir, 'src', 'sink.mjs'), "export const handler = async (event) => { console.log('DESTINATION ' + JSON.stringify(event.requestContext)); return 'ok'; };");
});
afterAll(async () => {
  clients?.destroy();
  await nimbus?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('SAM EventInvokeConfig', () => {
  it('configures the alias\'s asynchronous invocations, and a failure reaches the OnFailure function', async () => {
    writeFileSync(join(dir, 'template.yaml'), TEMPLATE('            Destination: !GetAtt Sink.Arn'));
    const res = await deployStack({ templatePath: join(dir, 'template.yaml'), stackName: 'eic', overrides: new Map(), clients, log: () => {} });
    const worker = res.outputs.find((o) => o.OutputKey === 'Worker')!.OutputValue;
    const sink = res.outputs.find((o) => o.OutputKey === 'Sink')!.OutputValue;
    const config = await clients.lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: worker, Qualifier: 'live' }));
    expect(config).toMatchObject({ MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 600, DestinationConfig: { OnFailure: { Destination: expect.stringContaining(`:function:${sink}`) } } });
    const fn = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: worker }));
    expect(fn).toMatchObject({ KMSKeyArn: 'arn:aws:kms:us-east-1:000000000000:key/abc', DeadLetterConfig: { TargetArn: 'arn:aws:sqs:us-east-1:000000000000:dlq' } });

    await clients.lambda.send(new InvokeCommand({ FunctionName: worker, Qualifier: 'live', InvocationType: 'Event', Payload: Buffer.from('{"n":1}') }));
    let delivered: string | undefined;
    for (let i = 0; i < 200 && !delivered; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const logs = await clients.logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${sink}`, filterPattern: 'DESTINATION' })).catch(() => undefined);
      delivered = logs?.events?.[0]?.message;
    }
    expect(delivered).toContain('"condition":"RetriesExhausted"');
    expect(delivered).toContain(':live');
  }, 60_000);

  it('refuses a destination SAM would have to create', async () => {
    writeFileSync(join(dir, 'template.yaml'), TEMPLATE(''));
    const err = await deployStack({ templatePath: join(dir, 'template.yaml'), stackName: 'eic2', overrides: new Map(), clients, log: () => {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TemplateErrors);
    expect((err as Error).message).toContain('EventInvokeConfig.DestinationConfig.OnFailure: a destination without Destination');
  });
});
