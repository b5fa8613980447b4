import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TemplateError } from './errors.js';
import { planTemplate } from './plan.js';
import { describeSkipped, unsupportedIn, withoutSkipped } from './skip.js';

const template = {
  Resources: {
    Table: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'items' } },
    Bucket: { Type: 'AWS::S3::Bucket' },
    Queue: { Type: 'AWS::SQS::Queue' },
    Fn: {
      Type: 'AWS::Serverless::Function',
      DependsOn: ['Table', 'Other'],
      Properties: {
        Environment: {
          Variables: {
            TABLE: { Ref: 'Table' },
            TABLE_ARN: { 'Fn::GetAtt': ['Table', 'Arn'] },
            QUEUE_URL: { 'Fn::GetAtt': 'Queue.QueueUrl' },
            BUCKET: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Bucket}/* ${Bucket.Arn} ${!Bucket}' },
            OWN: { 'Fn::Sub': ['${Table}-${Queue}', { Table: 'mine' }] },
          },
        },
        Events: { Api: { Type: 'Api' }, Q: { Type: 'SQS', Properties: { Queue: { 'Fn::GetAtt': ['Queue', 'Arn'] } } } },
      },
    },
    Other: { Type: 'AWS::Serverless::Function', Properties: {} },
  },
  Outputs: { TableName: { Value: { Ref: 'Table' } } },
};

describe('skipping what Nimbus does not provide', () => {
  it('finds the unsupported resources and events among the planner errors, and only those', () => {
    const errors = [
      new TemplateError('Resources.Table.Type', 'resource type AWS::DynamoDB::Table is not supported by Nimbus (supported: …)'),
      new TemplateError('Resources.Fn.Properties.Events.Q.Type', 'event type SQS is not supported by Nimbus (supported: …)'),
      new TemplateError('Resources.Fn.Properties.Runtime', 'is required'),
      new TemplateError('Resources.Fn.Properties.Environment.Variables.TABLE.Ref', 'Ref to "Table", which is neither a parameter nor a resource'),
    ];
    errors.push(
      new TemplateError('Resources.Fn.Properties.FileSystemConfigs', 'EFS are not supported by Nimbus'),
      new TemplateError('Resources.Fn.Properties.CodeUri', 'must be a local path (S3 locations are not supported by Nimbus)'),
      new TemplateError('Resources.FnTick.Properties.ScheduleExpression', 'one-time at() schedules are not supported by Nimbus'),
    );
    expect(unsupportedIn(errors, template)).toEqual([
      { logicalId: 'Table', type: 'AWS::DynamoDB::Table' },
      { logicalId: 'Fn', type: 'SQS', event: 'Q' },
      { logicalId: 'Fn', type: 'EFS are not supported by Nimbus', property: 'FileSystemConfigs' },
    ]);
  });

  it('drops them and gives every reference a stand-in: Ref the logical id, Arn an ARN of the type', () => {
    const skipped = [
      { logicalId: 'Table', type: 'AWS::DynamoDB::Table' },
      { logicalId: 'Bucket', type: 'AWS::S3::Bucket' },
      { logicalId: 'Queue', type: 'AWS::SQS::Queue' },
      { logicalId: 'Fn', type: 'SQS', event: 'Q' },
    ];
    const out = withoutSkipped(template, skipped, 'eu-west-1', '000000000000') as typeof template;
    expect(Object.keys(out.Resources)).toEqual(['Fn', 'Other']);
    const fn = out.Resources.Fn;
    expect(fn.DependsOn).toEqual(['Other']);
    expect(Object.keys(fn.Properties.Events)).toEqual(['Api']);
    expect(fn.Properties.Environment.Variables).toEqual({
      TABLE: 'Table',
      TABLE_ARN: 'arn:aws:dynamodb:eu-west-1:000000000000:table/Table',
      QUEUE_URL: 'Queue',
      BUCKET: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::Bucket/* arn:aws:s3:::Bucket ${!Bucket}' },
      OWN: { 'Fn::Sub': ['${Table}-Queue', { Table: 'mine' }] },
    });
    expect(out.Outputs).toEqual({ TableName: { Value: 'Table' } });
    expect(template.Resources.Table).toBeDefined(); // the input is left as it was
  });
});

describe('skipping a property Nimbus does not provide', () => {
  it('drops it from the resource and from Globals, which would bring it back', () => {
    const t = {
      Globals: { Function: { Timeout: 5, FileSystemConfigs: [{ Arn: 'a' }] } },
      Resources: { Fn: { Type: 'AWS::Serverless::Function', Properties: { Handler: 'i.h', FileSystemConfigs: [{ Arn: 'b' }] } } },
    };
    const out = withoutSkipped(t, [{ logicalId: 'Fn', type: 'EFS are not supported by Nimbus', property: 'FileSystemConfigs' }], 'us-east-1', '1') as typeof t;
    expect(out.Resources.Fn.Properties).toEqual({ Handler: 'i.h' });
    expect(out.Globals).toEqual({ Function: { Timeout: 5 } });
  });
});

describe("skipping another account's layers", () => {
  const POWERTOOLS = 'arn:${AWS::Partition}:lambda:${AWS::Region}:017000801446:layer:AWSLambdaPowertoolsPythonV3-python313-x86_64:7';
  const template = `
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Layers:
      - !Sub ${POWERTOOLS}
Resources:
  Shared:
    Type: AWS::Serverless::LayerVersion
    Properties: { ContentUri: layer/ }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.handler
      Runtime: nodejs20.x
      Layers: [!Ref Shared, 'arn:aws:lambda:us-east-1:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:20']
`;
  const plan = (skipUnsupported: boolean) => {
    const d = mkdtempSync(join(tmpdir(), 'sam-layers-'));
    mkdirSync(join(d, 'src'));
    mkdirSync(join(d, 'layer'));
    writeFileSync(join(d, 'src', 'index.mjs'), 'export const handler = async () => 1;');
    writeFileSync(join(d, 'layer', 'x.txt'), 'x');
    writeFileSync(join(d, 'template.yaml'), template);
    try {
      return planTemplate({ templatePath: join(d, 'template.yaml'), stackName: 'st', region: 'us-east-1', accountId: '000000000000', overrides: new Map(), skipUnsupported });
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  };

  it('refuses them with the way out, and leaves out just them when asked', () => {
    expect(() => plan(false)).toThrow(/Layers\.0: layer arn:\$\{AWS::Partition\}:lambda:\$\{AWS::Region\}:017000801446:layer:AWSLambdaPowertoolsPythonV3-python313-x86_64:7 of account 017000801446 is not supported by Nimbus[\s\S]*Layers\.2: layer arn:aws:lambda:us-east-1:094274105915/);
    const p = plan(true);
    const fn = p.resources.find((r) => r.logicalId === 'Fn')!;
    expect(fn.properties.Layers).toEqual([{ Ref: 'Shared' }]);
    expect(p.skipped.map(describeSkipped)).toEqual([
      `Ignoring layer ${POWERTOOLS} of Fn: Nimbus cannot fetch layers of other accounts (its code must bring what the layer did)`,
      'Ignoring layer arn:aws:lambda:us-east-1:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:20 of Fn: Nimbus cannot fetch layers of other accounts (its code must bring what the layer did)',
    ]);
  });
});
