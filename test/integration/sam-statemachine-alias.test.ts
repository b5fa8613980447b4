// SAM state machines with AutoPublishAlias and DeploymentPreference: each changed definition
// publishes a version, the alias moves to it ALL_AT_ONCE, CANARY or LINEAR (watching alarms and
// moving back when one is in ALARM), and events can start executions of the alias.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { GetIntegrationCommand, GetResourcesCommand } from '@aws-sdk/client-api-gateway';
import { PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeStateMachineAliasCommand, ListStateMachineVersionsCommand, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import { startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { makeClients, type Clients } from '../../src/sam/deploy/clients.js';
import { deployStack, deleteStack, DeployError } from '../../src/sam/deploy/deployer.js';
import { TemplateErrors } from '../../src/sam/template/errors.js';
import { stepsOf } from '../../src/sam/deploy/state-machine-alias.js';

let nimbus: TestNimbus;
let clients: Clients;
let dir: string;
const lines: string[] = [];
const log = (l: string) => lines.push(l);

const template = (word: string, preference: string) => `
Transform: AWS::Serverless-2016-10-31
Resources:
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Type: EXPRESS
      AutoPublishAlias: live
      UseAliasAsEventTarget: true
${preference}
      Definition:
        StartAt: Say
        States:
          Say: { Type: Pass, Result: ${word}, End: true }
      Events:
        Start:
          Type: Api
          Properties: { Path: /say, Method: post }
Outputs:
  FlowArn:
    Value: !Ref Flow
  AliasArn:
    Value: !Ref FlowAliaslive
  VersionArn:
    Value: !Ref FlowVersion
  ApiId:
    Value: !Ref ServerlessRestApi
`;

const output = (outs: Array<{ OutputKey: string; OutputValue: string }>, key: string) => outs.find((o) => o.OutputKey === key)!.OutputValue;
const deploy = (tpl: string) => {
  writeFileSync(join(dir, 'template.yaml'), tpl);
  return deployStack({ templatePath: join(dir, 'template.yaml'), stackName: 'flows', overrides: new Map(), clients, log, timeScale: 0.0005 });
};
const routing = async (aliasArn: string) =>
  (await clients.sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: aliasArn }))).routingConfiguration?.map((r) => [r.stateMachineVersionArn, r.weight]);
const say = async (arn: string) => (await clients.sfn.send(new StartSyncExecutionCommand({ stateMachineArn: arn, input: '{}' }))).output;

beforeAll(async () => {
  nimbus = await startNimbus();
  clients = makeClients(nimbus.endpoint);
  dir = mkdtempSync(join(tmpdir(), 'nimbus-sm-alias-'));
});
afterAll(async () => {
  clients?.destroy();
  await nimbus?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('state machine AutoPublishAlias', () => {
  let aliasArn = '';
  let v1 = '';

  it('publishes version 1 and points the alias at it; the Api event starts executions of the alias', async () => {
    const res = await deploy(template('one', ''));
    expect(res.status).toBe('CREATE_COMPLETE');
    aliasArn = output(res.outputs, 'AliasArn');
    v1 = output(res.outputs, 'VersionArn');
    expect(aliasArn).toBe(`${output(res.outputs, 'FlowArn')}:live`);
    expect(v1).toBe(`${output(res.outputs, 'FlowArn')}:1`);
    expect(await routing(aliasArn)).toEqual([[v1, 100]]);
    expect(await say(aliasArn)).toBe('"one"');
    const api = await request(`${nimbus.endpoint}/_aws/execute-api/${output(res.outputs, 'ApiId')}/Prod/say`, { method: 'POST', body: '{}' });
    const started = (await api.body.json()) as { executionArn: string };
    expect(api.statusCode).toBe(200);
    expect(started.executionArn).toMatch(/^arn:aws:states:us-east-1:000000000000:express:/);
    const apiId = output(res.outputs, 'ApiId');
    const resource = (await clients.apigw.send(new GetResourcesCommand({ restApiId: apiId }))).items!.find((r) => r.path === '/say')!;
    const integration = await clients.apigw.send(new GetIntegrationCommand({ restApiId: apiId, resourceId: resource.id!, httpMethod: 'POST' }));
    expect(JSON.stringify(integration.requestTemplates)).toContain(aliasArn);
  });

  it('a changed definition publishes version 2 and moves the alias LINEAR, step by step, keeping version 1', async () => {
    lines.length = 0;
    const res = await deploy(template('two', '      DeploymentPreference: { Type: LINEAR, Percentage: 50, Interval: 1 }'));
    expect(res.status).toBe('UPDATE_COMPLETE');
    const v2 = output(res.outputs, 'VersionArn');
    expect(v2).toBe(v1.replace(/:1$/, ':2'));
    expect(await routing(aliasArn)).toEqual([[v2, 100]]);
    expect(await say(aliasArn)).toBe('"two"');
    const versions = await clients.sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: output(res.outputs, 'FlowArn') }));
    expect(versions.stateMachineVersions?.map((v) => v.stateMachineVersionArn).sort()).toEqual([v1, v2]);
    expect(lines.join('\n')).toMatch(/DELETE_SKIPPED\s+AWS::StepFunctions::StateMachineVersion\s+FlowVersion/);
    expect(lines.filter((l) => l.includes('% of executions on'))).toEqual([`  ${aliasArn}: 50% of executions on ${v2}`, `  ${aliasArn}: 100% of executions on ${v2}`]);
    // Deploying the same template again changes nothing.
    expect((await deploy(template('two', '      DeploymentPreference: { Type: LINEAR, Percentage: 50, Interval: 1 }'))).changes).toEqual([]);
  });

  it('a CANARY shift goes back to the old version when an alarm is in ALARM, and the stack rolls back', async () => {
    await clients.cloudwatch.send(new PutMetricAlarmCommand({
      AlarmName: 'flow-errors', Namespace: 'AWS/States', MetricName: 'ExecutionsFailed', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    }));
    await clients.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: 'flow-errors', StateValue: 'ALARM', StateReason: 'test' }));
    const before = await routing(aliasArn);
    const failed = await deploy(template('three', '      DeploymentPreference: { Type: CANARY, Percentage: 10, Interval: 5, Alarms: [flow-errors] }')).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(DeployError);
    expect((failed as Error).message).toContain('alarm flow-errors is in ALARM');
    expect(await routing(aliasArn)).toEqual(before);
    expect(await say(aliasArn)).toBe('"two"');
  });

  it('refuses DeploymentPreference without AutoPublishAlias, and bad preferences, before deploying anything', async () => {
    const noAlias = template('x', '').replace('      AutoPublishAlias: live\n      UseAliasAsEventTarget: true\n', '      DeploymentPreference: { Type: LINEAR, Percentage: 10, Interval: 1 }\n');
    const err = await deploy(noAlias).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TemplateErrors);
    expect((err as Error).message).toContain('Resources.Flow.Properties.DeploymentPreference: needs AutoPublishAlias');
    expect(() => stepsOf({ Type: 'SOMETIMES' as 'LINEAR', StateMachineVersionArn: 'x' })).toThrow(/ALL_AT_ONCE, CANARY or LINEAR/);
    expect(stepsOf({ Type: 'LINEAR', Percentage: 30, StateMachineVersionArn: 'x' })).toEqual([30, 60, 90]);
    expect(stepsOf({ Type: 'CANARY', Percentage: 10, StateMachineVersionArn: 'x' })).toEqual([10]);
  });

  it('deleting the stack removes the machine with its versions and alias', async () => {
    await deleteStack({ stackName: 'flows', clients, project: dir, log });
    const gone = await clients.sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: aliasArn })).catch((e: Error) => e.name);
    expect(gone).toBe('ResourceNotFound');
  });
});
