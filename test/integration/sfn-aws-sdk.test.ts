// AWS SDK integrations of Step Functions on Nimbus's own services (`aws-sdk:lambda:*`, `aws-sdk:sfn:*`):
// PascalCase parameters become Lambda API calls, the answer is the task result, a service error is
// `Lambda.<Name>Exception` (Retry/Catch can name it); actions Nimbus does not serve stay States.Runtime.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as SFN from '@aws-sdk/client-sfn';
import * as Lambda from '@aws-sdk/client-lambda';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { nodeFunction } from '../helpers/functions.js';

let nimbus: TestNimbus;
let sfn: SFN.SFNClient;
let lambda: Lambda.LambdaClient;
let fnArn = '';
const ROLE = 'arn:aws:iam::000000000000:role/sfn';

async function run(definition: object, input = '{}') {
  const name = `sdk-${Math.random().toString(36).slice(2, 10)}`;
  const { stateMachineArn } = await sfn.send(new SFN.CreateStateMachineCommand({ name, roleArn: ROLE, definition: JSON.stringify(definition) }));
  const { executionArn } = await sfn.send(new SFN.StartExecutionCommand({ stateMachineArn, input }));
  for (let i = 0; i < 200; i++) {
    const d = await sfn.send(new SFN.DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') {
      const events = (await sfn.send(new SFN.GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }))).events!;
      return { ...d, events };
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('still running');
}

const task = (resource: string, args: object, extra: object = {}) => ({ Type: 'Task', Resource: `arn:aws:states:::aws-sdk:lambda:${resource}`, Parameters: args, ...extra });

beforeAll(async () => {
  nimbus = await startNimbus();
  sfn = new SFN.SFNClient(clientConfig(nimbus.endpoint));
  lambda = new Lambda.LambdaClient(clientConfig(nimbus.endpoint));
  fnArn = await nodeFunction(lambda, 'sdk-target', 'export const handler = async () => 1;');
  const { Version } = await lambda.send(new Lambda.PublishVersionCommand({ FunctionName: 'sdk-target' }));
  await lambda.send(new Lambda.CreateAliasCommand({ FunctionName: 'sdk-target', Name: 'live', FunctionVersion: Version }));
}, 60_000);

afterAll(async () => {
  sfn?.destroy();
  lambda?.destroy();
  await nimbus?.dispose();
});

describe('aws-sdk:lambda', () => {
  it('getFunction, getFunctionConfiguration, listAliases, getAlias and listFunctions answer as the Lambda API does', async () => {
    const out = await run({
      StartAt: 'Get',
      States: {
        Get: task('getFunction', { FunctionName: 'sdk-target' }, { ResultSelector: { 'State.$': '$.Configuration.State', 'Arn.$': '$.Configuration.FunctionArn', 'Type.$': '$.Code.RepositoryType' }, ResultPath: '$.get', Next: 'Config' }),
        Config: task('getFunctionConfiguration', { 'FunctionName.$': '$.get.Arn', Qualifier: 'live' }, { ResultSelector: { 'Version.$': '$.Version' }, ResultPath: '$.config', Next: 'Aliases' }),
        Aliases: task('listAliases', { FunctionName: 'sdk-target' }, { ResultSelector: { 'Names.$': '$.Aliases[*].Name' }, ResultPath: '$.aliases', Next: 'Alias' }),
        Alias: task('getAlias', { FunctionName: 'sdk-target', Name: 'live' }, { ResultSelector: { 'Version.$': '$.FunctionVersion' }, ResultPath: '$.alias', Next: 'List' }),
        List: task('listFunctions', { MaxItems: 50 }, { ResultSelector: { 'Names.$': '$.Functions[*].FunctionName' }, ResultPath: '$.list', End: true }),
      },
    });
    expect(out.status, out.cause).toBe('SUCCEEDED');
    expect(JSON.parse(out.output!)).toEqual({
      get: { State: 'Active', Arn: fnArn, Type: 'S3' },
      config: { Version: '1' },
      aliases: { Names: ['live'] },
      alias: { Version: '1' },
      list: { Names: ['sdk-target'] },
    });
    const scheduled = out.events.find((e) => e.type === 'TaskScheduled')!.taskScheduledEventDetails!;
    expect(scheduled).toMatchObject({ resourceType: 'aws-sdk:lambda', resource: 'getFunction', region: 'us-east-1' });
  });

  it('a missing function is Lambda.ResourceNotFoundException, which a Catch names', async () => {
    const out = await run({
      StartAt: 'Get',
      States: {
        Get: task('getFunction', { FunctionName: 'nope' }, { Catch: [{ ErrorEquals: ['Lambda.ResourceNotFoundException'], ResultPath: '$.error', Next: 'Missing' }], End: true }),
        Missing: { Type: 'Pass', End: true },
      },
    });
    expect(out.status).toBe('SUCCEEDED');
    const { error } = JSON.parse(out.output!);
    expect(error.Error).toBe('Lambda.ResourceNotFoundException');
    expect(error.Cause).toMatch(/^Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope.* \(Service: Lambda, Status Code: 404, Request ID: [0-9a-f-]{36}\)$/);
    const failed = await run({ StartAt: 'Get', States: { Get: task('getFunction', { FunctionName: 'nope' }, { End: true }) } });
    expect(failed).toMatchObject({ status: 'FAILED', error: 'Lambda.ResourceNotFoundException' });
  });

  it('an action Nimbus does not serve still fails with States.Runtime', async () => {
    const out = await run({ StartAt: 'Delete', States: { Delete: task('deleteFunction', { FunctionName: 'sdk-target' }, { End: true }) } });
    expect(out).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    await expect(lambda.send(new Lambda.GetFunctionCommand({ FunctionName: 'sdk-target' }))).resolves.toBeTruthy();
  });
});

describe('aws-sdk:sfn', () => {
  it('listExecutions pages with NextToken (the pagination-loop pattern); members are PascalCase both ways', async () => {
    const definition = {
      StartAt: 'List',
      States: {
        List: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:sfn:listExecutions', Parameters: { 'StateMachineArn.$': '$$.StateMachine.Id', StatusFilter: 'SUCCEEDED', MaxResults: 1 }, ResultPath: '$.executions', Next: 'More?' },
        Next: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:sfn:listExecutions', Parameters: { 'StateMachineArn.$': '$$.StateMachine.Id', StatusFilter: 'SUCCEEDED', MaxResults: 1, 'NextToken.$': '$.executions.NextToken' }, ResultPath: '$.executions', Next: 'Count' },
        Count: { Type: 'Pass', Parameters: { 'pages.$': 'States.MathAdd($.pages, 1)', 'executions.$': '$.executions' }, Next: 'More?' },
        'More?': { Type: 'Choice', Choices: [{ Variable: '$.executions.NextToken', IsPresent: true, Next: 'Next' }], Default: 'Done' },
        Done: { Type: 'Pass', Parameters: { 'pages.$': '$.pages', 'executions.$': '$.executions' }, End: true },
      },
    };
    const name = 'sdk-pages';
    const { stateMachineArn } = await sfn.send(new SFN.CreateStateMachineCommand({ name, roleArn: ROLE, definition: JSON.stringify(definition) }));
    const runOnce = async () => {
      const { executionArn } = await sfn.send(new SFN.StartExecutionCommand({ stateMachineArn, input: '{"pages":1}' }));
      for (;;) {
        const d = await sfn.send(new SFN.DescribeExecutionCommand({ executionArn }));
        if (d.status !== 'RUNNING') return d;
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    const first = await runOnce();
    expect(first.status, first.cause).toBe('SUCCEEDED');
    expect(JSON.parse(first.output!)).toEqual({ pages: 1, executions: { Executions: [] } });
    expect((await runOnce()).status).toBe('SUCCEEDED');
    const third = await runOnce();
    expect(third.status, third.cause).toBe('SUCCEEDED');
    // Two earlier SUCCEEDED executions, one per page.
    const out = JSON.parse(third.output!);
    expect(out.pages).toBe(2);
    expect(out.executions.NextToken).toBeUndefined();
    expect(out.executions.Executions).toHaveLength(1);
    expect(out.executions.Executions[0]).toMatchObject({ ExecutionArn: expect.stringContaining(':execution:sdk-pages:'), StateMachineArn: stateMachineArn, Status: 'SUCCEEDED' });
  });

  it('a Step Functions error is Sfn.<Name>Exception', async () => {
    const out = await run({
      StartAt: 'Describe',
      States: { Describe: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:sfn:describeExecution', Parameters: { ExecutionArn: 'arn:aws:states:us-east-1:000000000000:execution:nope:nope' }, End: true } },
    });
    expect(out).toMatchObject({ status: 'FAILED', error: 'Sfn.ExecutionDoesNotExistException' });
  });
});

describe('aws-sdk:eventbridge and aws-sdk:cloudwatchlogs', () => {
  it('putRule / describeRule on EventBridge (PascalCase wire) and createLogGroup / describeLogGroups on Logs (camelCase wire)', async () => {
    const out = await run({
      StartAt: 'Rule',
      States: {
        Rule: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:eventbridge:putRule', Parameters: { Name: 'sdk-rule', EventPattern: '{"source":["sdk.test"]}' }, ResultPath: '$.put', Next: 'Describe' },
        Describe: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:eventbridge:describeRule', Parameters: { Name: 'sdk-rule' }, ResultSelector: { 'Name.$': '$.Name', 'State.$': '$.State' }, ResultPath: '$.rule', Next: 'Group' },
        Group: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:cloudwatchlogs:createLogGroup', Parameters: { LogGroupName: '/sdk/test' }, ResultPath: null, Next: 'Groups' },
        Groups: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:cloudwatchlogs:describeLogGroups', Parameters: { LogGroupNamePrefix: '/sdk/' }, ResultSelector: { 'Names.$': '$.LogGroups[*].LogGroupName' }, ResultPath: '$.groups', Next: 'Again' },
        Again: {
          Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:cloudwatchlogs:createLogGroup', Parameters: { LogGroupName: '/sdk/test' },
          Catch: [{ ErrorEquals: ['CloudWatchLogs.ResourceAlreadyExistsException'], ResultPath: '$.again', Next: 'Done' }], End: true,
        },
        Done: { Type: 'Pass', End: true },
      },
    });
    expect(out.status, out.cause).toBe('SUCCEEDED');
    const o = JSON.parse(out.output!);
    expect(o.put.RuleArn).toBe('arn:aws:events:us-east-1:000000000000:rule/sdk-rule');
    expect(o.rule).toEqual({ Name: 'sdk-rule', State: 'ENABLED' });
    expect(o.groups).toEqual({ Names: ['/sdk/test'] });
    expect(o.again.Error).toBe('CloudWatchLogs.ResourceAlreadyExistsException');
  });
});
