import { describe, expect, it } from 'vitest';
import { TemplateError } from './errors.js';
import { unsupportedIn, withoutSkipped } from './skip.js';

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
