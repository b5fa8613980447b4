// `nimbus local generate-event`: sample events in the shapes AWS services deliver to Lambda.
import { randomUUID } from 'node:crypto';
import type { Io } from './cli-io.js';

type Opts = Record<string, string | undefined>;

const GENERATORS: Record<string, Record<string, (o: Opts) => unknown>> = {
  apigateway: {
    'aws-proxy': (o) => {
      const path = o.path ?? '/hello';
      const method = (o.method ?? 'GET').toUpperCase();
      const now = new Date();
      return {
        body: o.body ?? null,
        resource: path,
        path,
        httpMethod: method,
        isBase64Encoded: false,
        queryStringParameters: null,
        multiValueQueryStringParameters: null,
        pathParameters: null,
        stageVariables: null,
        headers: { Accept: '*/*', 'Content-Type': 'application/json', Host: 'localhost', 'User-Agent': 'nimbus', 'X-Forwarded-Proto': 'http' },
        multiValueHeaders: { Accept: ['*/*'], 'Content-Type': ['application/json'], Host: ['localhost'], 'User-Agent': ['nimbus'], 'X-Forwarded-Proto': ['http'] },
        requestContext: {
          accountId: '000000000000',
          resourceId: '123456',
          stage: 'Prod',
          requestId: randomUUID(),
          requestTime: now.toUTCString(),
          requestTimeEpoch: now.getTime(),
          identity: { sourceIp: '127.0.0.1', userAgent: 'nimbus' },
          path: `/Prod${path}`,
          resourcePath: path,
          httpMethod: method,
          apiId: '1234567890',
          protocol: 'HTTP/1.1',
        },
      };
    },
  },
  cloudwatch: {
    'scheduled-event': (o) => ({
      version: '0',
      account: '000000000000',
      region: o.region ?? 'us-east-1',
      detail: {},
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      id: randomUUID(),
      resources: [`arn:aws:events:${o.region ?? 'us-east-1'}:000000000000:rule/my-schedule`],
    }),
  },
  sqs: {
    'receive-message': (o) => ({
      Records: [{
        messageId: randomUUID(),
        receiptHandle: 'MessageReceiptHandle',
        body: o.body ?? 'Hello from SQS!',
        attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()), SenderId: '000000000000', ApproximateFirstReceiveTimestamp: String(Date.now()) },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:${o.region ?? 'us-east-1'}:000000000000:MyQueue`,
        awsRegion: o.region ?? 'us-east-1',
      }],
    }),
  },
  sns: {
    notify: (o) => ({
      Records: [{
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `arn:aws:sns:${o.region ?? 'us-east-1'}:000000000000:ExampleTopic:${randomUUID()}`,
        Sns: { Type: 'Notification', MessageId: randomUUID(), TopicArn: `arn:aws:sns:${o.region ?? 'us-east-1'}:000000000000:ExampleTopic`, Subject: 'example subject', Message: o.message ?? 'example message', Timestamp: new Date().toISOString(), MessageAttributes: {} },
      }],
    }),
  },
  s3: {
    put: (o) => ({
      Records: [{
        eventVersion: '2.0', eventSource: 'aws:s3', awsRegion: o.region ?? 'us-east-1', eventTime: new Date().toISOString(), eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'EXAMPLE' }, requestParameters: { sourceIPAddress: '127.0.0.1' }, responseElements: {},
        s3: { s3SchemaVersion: '1.0', configurationId: 'testConfigRule', bucket: { name: o.bucket ?? 'example-bucket', ownerIdentity: { principalId: 'EXAMPLE' }, arn: `arn:aws:s3:::${o.bucket ?? 'example-bucket'}` }, object: { key: o.key ?? 'test/key', size: 1024, eTag: '0123456789abcdef0123456789abcdef', sequencer: '0A1B2C3D4E5F678901' } },
      }],
    }),
  },
  stepfunctions: {
    error: () => ({ Error: 'States.TaskFailed', Cause: 'An example failure' }),
  },
};
// `schedule` is the EventBridge scheduled event under a shorter name.
GENERATORS.schedule = { 'scheduled-event': GENERATORS.cloudwatch!['scheduled-event']! };
GENERATORS.events = GENERATORS.schedule;

export function generateEvent(service: string, event: string, opts: Opts): unknown {
  const svc = GENERATORS[service];
  if (!svc) throw new Error(`unknown service "${service}"; one of: ${Object.keys(GENERATORS).join(', ')}`);
  const gen = svc[event];
  if (!gen) throw new Error(`unknown ${service} event "${event}"; one of: ${Object.keys(svc).join(', ')}`);
  return gen(opts);
}

export function generateEventCommand(service: string, event: string, opts: Opts, io: Io): number {
  try {
    io.out(JSON.stringify(generateEvent(service, event, opts), null, 2));
    return 0;
  } catch (err) {
    io.err(`Error: ${(err as Error).message}`);
    return 1;
  }
}
