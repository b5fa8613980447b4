// CodeDeploy's lifecycle-hook API on Nimbus over the wire (awsJson1.1), with AWS's error names:
// the calls a PreTraffic/PostTraffic hook makes, and the AWS CLI doing the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { CodeDeployClient } from '../../src/sam/deploy/codedeploy-client.js';
import { aws, awsCliAvailable } from '../helpers/aws-cli.js';

let nimbus: TestNimbus;
let cd: CodeDeployClient;

beforeAll(async () => {
  nimbus = await startNimbus();
  cd = new CodeDeployClient(nimbus.endpoint, 'us-east-1');
});
afterAll(async () => {
  await nimbus?.dispose();
});

const appSpec = JSON.stringify({
  version: 0.0,
  Resources: [{ Fn: { Type: 'AWS::Lambda::Function', Properties: { Name: 'fn', Alias: 'live', CurrentVersion: '1', TargetVersion: '2' } } }],
  Hooks: [{ BeforeAllowTraffic: 'pre-hook' }, { AfterAllowTraffic: 'post-hook' }],
});

async function failure(op: string, input: Record<string, unknown>) {
  return cd.call(op, input).then(() => undefined, (e: Error) => e.name);
}

describe('codedeploy', () => {
  let deploymentId = '';
  let hookIds: Record<string, string> = {};

  it('CreateDeployment registers the AppSpec hooks; GetDeployment shows them', async () => {
    const out = await cd.call<{ deploymentId: string }>('CreateDeployment', {
      applicationName: 'app', deploymentGroupName: 'group', revision: { revisionType: 'AppSpecContent', appSpecContent: { content: appSpec } },
    });
    deploymentId = out.deploymentId;
    expect(deploymentId).toMatch(/^d-[A-Z0-9]{9}$/);
    const info = (await cd.call<{ deploymentInfo: Record<string, unknown> }>('GetDeployment', { deploymentId })).deploymentInfo;
    expect(info).toMatchObject({ deploymentId, status: 'InProgress', computePlatform: 'Lambda', applicationName: 'app' });
    const hooks = info.nimbusLifecycleHooks as Array<{ lifecycleEventName: string; lifecycleEventHookExecutionId: string; status: string }>;
    expect(hooks.map((h) => [h.lifecycleEventName, h.status])).toEqual([['BeforeAllowTraffic', 'Pending'], ['AfterAllowTraffic', 'Pending']]);
    hookIds = Object.fromEntries(hooks.map((h) => [h.lifecycleEventName, h.lifecycleEventHookExecutionId]));
  });

  it('PutLifecycleEventHookExecutionStatus records a hook result once', async () => {
    const out = await cd.call('PutLifecycleEventHookExecutionStatus', { deploymentId, lifecycleEventHookExecutionId: hookIds.BeforeAllowTraffic, status: 'Succeeded' });
    expect(out).toEqual({ lifecycleEventHookExecutionId: hookIds.BeforeAllowTraffic });
    expect(await failure('PutLifecycleEventHookExecutionStatus', { deploymentId, lifecycleEventHookExecutionId: hookIds.BeforeAllowTraffic, status: 'Failed' })).toBe('LifecycleEventAlreadyCompletedException');
  });

  it('rejects bad input with CodeDeploy error names', async () => {
    expect(await failure('PutLifecycleEventHookExecutionStatus', { lifecycleEventHookExecutionId: 'x', status: 'Succeeded' })).toBe('DeploymentIdRequiredException');
    expect(await failure('PutLifecycleEventHookExecutionStatus', { deploymentId: 'nope', lifecycleEventHookExecutionId: 'x', status: 'Succeeded' })).toBe('InvalidDeploymentIdException');
    expect(await failure('PutLifecycleEventHookExecutionStatus', { deploymentId: 'd-AAAAAAAAA', lifecycleEventHookExecutionId: 'x', status: 'Succeeded' })).toBe('DeploymentDoesNotExistException');
    expect(await failure('PutLifecycleEventHookExecutionStatus', { deploymentId, lifecycleEventHookExecutionId: 'unknown', status: 'Succeeded' })).toBe('InvalidLifecycleEventHookExecutionIdException');
    expect(await failure('PutLifecycleEventHookExecutionStatus', { deploymentId, lifecycleEventHookExecutionId: hookIds.AfterAllowTraffic, status: 'Great' })).toBe('InvalidLifecycleEventHookExecutionStatusException');
    expect(await failure('CreateDeployment', { deploymentGroupName: 'g' })).toBe('ApplicationNameRequiredException');
    expect(await failure('CreateDeployment', { applicationName: 'a', deploymentGroupName: 'g', revision: { revisionType: 'AppSpecContent', appSpecContent: { content: '{"Resources": [], "Hooks": []}' } } })).toBe('InvalidRevisionException');
    expect(await failure('CreateDeployment', { applicationName: 'a', deploymentGroupName: 'g', revision: { revisionType: 'AppSpecContent', appSpecContent: { content: JSON.stringify({ Resources: [{}], Hooks: [{ BeforeInstall: 'x' }] }) } } })).toBe('InvalidRevisionException');
    expect(await failure('DescribeNothing', {})).toBe('UnknownOperationException');
  });

  it('StopDeployment ends it; hooks of a stopped deployment cannot report', async () => {
    expect(await cd.call('StopDeployment', { deploymentId })).toMatchObject({ status: 'Succeeded' });
    expect(await failure('StopDeployment', { deploymentId })).toBe('DeploymentAlreadyCompletedException');
    expect(await failure('PutLifecycleEventHookExecutionStatus', { deploymentId, lifecycleEventHookExecutionId: hookIds.AfterAllowTraffic, status: 'Succeeded' })).toBe('LifecycleEventAlreadyCompletedException');
  });

  it.skipIf(!awsCliAvailable)('the AWS CLI reports hook status the same way', async () => {
    const out = await cd.call<{ deploymentId: string }>('CreateDeployment', {
      applicationName: 'app', deploymentGroupName: 'group', revision: { revisionType: 'AppSpecContent', appSpecContent: { content: appSpec } },
    });
    const hooks = (await cd.call<{ deploymentInfo: { nimbusLifecycleHooks: Array<{ lifecycleEventHookExecutionId: string }> } }>('GetDeployment', out)).deploymentInfo.nimbusLifecycleHooks;
    const res = await aws(nimbus.endpoint, ['deploy', 'put-lifecycle-event-hook-execution-status', '--deployment-id', out.deploymentId, '--lifecycle-event-hook-execution-id', hooks[0]!.lifecycleEventHookExecutionId, '--status', 'Succeeded']);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual({ lifecycleEventHookExecutionId: hooks[0]!.lifecycleEventHookExecutionId });
    const bad = await aws(nimbus.endpoint, ['deploy', 'put-lifecycle-event-hook-execution-status', '--deployment-id', out.deploymentId, '--lifecycle-event-hook-execution-id', 'nope', '--status', 'Succeeded']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/InvalidLifecycleEventHookExecutionIdException/);
  });
});
