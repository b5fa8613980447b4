// Gradual deployments (SAM DeploymentPreference): moves an alias from the current version to the
// new one on CodeDeploy's schedule (Canary10Percent5Minutes, Linear10PercentEvery1Minute,
// AllAtOnce…), runs PreTraffic/PostTraffic hooks that report through CodeDeploy's
// PutLifecycleEventHookExecutionStatus, watches the alarms, and puts the alias back on failure.
// `timeScale` compresses the schedule (0.001 turns 5 minutes into 300 ms) for tests and demos.
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { InvokeCommand, UpdateAliasCommand } from '@aws-sdk/client-lambda';
import type { Clients } from './clients.js';
import { CodeDeployClient } from './codedeploy-client.js';

export interface ShiftRequest {
  clients: Clients;
  logicalId: string;
  functionName: string;
  aliasName: string;
  fromVersion: string;
  toVersion: string;
  type: string;
  hooks: { PreTraffic?: string; PostTraffic?: string };
  /** CloudWatch alarm names; any in ALARM during the shift rolls the alias back. */
  alarms: string[];
  timeScale: number;
  log: (line: string) => void;
}

export class TrafficShiftError extends Error {
  override readonly name = 'TrafficShiftError';
}

/** The (percent, wait) steps before 100%: a canary holds 10% once, linear adds 10% each interval. */
export function shiftSteps(type: string): Array<{ percent: number; waitMinutes: number }> {
  const canary = /^Canary10Percent(\d+)Minutes$/.exec(type);
  if (canary) return [{ percent: 10, waitMinutes: Number(canary[1]) }];
  const linear = /^Linear10PercentEvery(\d+)Minutes?$/.exec(type);
  if (linear) return Array.from({ length: 9 }, (_, i) => ({ percent: 10 * (i + 1), waitMinutes: Number(linear[1]) }));
  if (type === 'AllAtOnce') return [];
  throw new TrafficShiftError(`unknown deployment preference type ${type}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function shiftTraffic(req: ShiftRequest): Promise<void> {
  const cd = new CodeDeployClient(req.clients.endpoint, req.clients.region);
  const hooks: Array<Record<string, string>> = [];
  if (req.hooks.PreTraffic) hooks.push({ BeforeAllowTraffic: req.hooks.PreTraffic });
  if (req.hooks.PostTraffic) hooks.push({ AfterAllowTraffic: req.hooks.PostTraffic });
  const appSpec = {
    version: 0.0,
    Resources: [{ [req.logicalId]: { Type: 'AWS::Lambda::Function', Properties: { Name: req.functionName, Alias: req.aliasName, CurrentVersion: req.fromVersion, TargetVersion: req.toVersion } } }],
    Hooks: hooks,
  };
  const { deploymentId } = await cd.call<{ deploymentId: string }>('CreateDeployment', {
    applicationName: `nimbus-sam-${req.functionName}`,
    deploymentGroupName: req.logicalId,
    deploymentConfigName: `CodeDeployDefault.Lambda${req.type}`,
    revision: { revisionType: 'AppSpecContent', appSpecContent: { content: JSON.stringify(appSpec) } },
  });
  req.log(`  CodeDeploy deployment ${deploymentId}: ${req.functionName}:${req.aliasName} ${req.fromVersion} → ${req.toVersion} (${req.type})`);
  const setAlias = (version: string, weight?: number) =>
    req.clients.lambda.send(new UpdateAliasCommand({
      FunctionName: req.functionName,
      Name: req.aliasName,
      FunctionVersion: version,
      RoutingConfig: { AdditionalVersionWeights: weight === undefined ? {} : { [req.toVersion]: weight } },
    }));
  const fail = async (reason: string): Promise<never> => {
    req.log(`  ${reason}; rolling ${req.aliasName} back to version ${req.fromVersion}`);
    await setAlias(req.fromVersion);
    await cd.call('NimbusCompleteDeployment', { deploymentId, status: 'Failed', errorMessage: reason }).catch(() => undefined);
    throw new TrafficShiftError(`Deployment ${deploymentId} failed: ${reason}`);
  };

  if (req.hooks.PreTraffic) {
    const status = await runHook(req, cd, deploymentId, 'BeforeAllowTraffic');
    if (status !== 'Succeeded') await fail(`PreTraffic hook ${req.hooks.PreTraffic} reported ${status}`);
  }
  for (const step of shiftSteps(req.type)) {
    await setAlias(req.fromVersion, step.percent / 100);
    req.log(`  ${req.aliasName}: ${step.percent}% of traffic on version ${req.toVersion}`);
    const breached = await watchAlarms(req.clients, req.alarms, step.waitMinutes, req.timeScale);
    if (breached) await fail(`alarm ${breached} is in ALARM`);
  }
  const breached = await firstAlarm(req.clients, req.alarms);
  if (breached) await fail(`alarm ${breached} is in ALARM`);
  await setAlias(req.toVersion);
  req.log(`  ${req.aliasName}: 100% of traffic on version ${req.toVersion}`);
  if (req.hooks.PostTraffic) {
    const status = await runHook(req, cd, deploymentId, 'AfterAllowTraffic');
    if (status !== 'Succeeded') await fail(`PostTraffic hook ${req.hooks.PostTraffic} reported ${status}`);
  }
  await cd.call('NimbusCompleteDeployment', { deploymentId, status: 'Succeeded' });
}

interface HookInfo {
  lifecycleEventName: string;
  lifecycleEventHookExecutionId: string;
  status: string;
  functionName: string;
}

async function hooksOf(cd: CodeDeployClient, deploymentId: string): Promise<HookInfo[]> {
  const out = await cd.call<{ deploymentInfo: { nimbusLifecycleHooks: HookInfo[] } }>('GetDeployment', { deploymentId });
  return out.deploymentInfo.nimbusLifecycleHooks;
}

/** Invokes a hook the way CodeDeploy does (asynchronously, with the deployment and execution ids)
 * and waits for it to report. CodeDeploy waits up to one hour. */
async function runHook(req: ShiftRequest, cd: CodeDeployClient, deploymentId: string, event: string): Promise<string> {
  const hook = (await hooksOf(cd, deploymentId)).find((h) => h.lifecycleEventName === event)!;
  await cd.call('NimbusStartLifecycleHook', { deploymentId, lifecycleEventHookExecutionId: hook.lifecycleEventHookExecutionId });
  req.log(`  ${event} hook ${hook.functionName} invoked`);
  await req.clients.lambda.send(new InvokeCommand({
    FunctionName: hook.functionName,
    InvocationType: 'Event',
    Payload: Buffer.from(JSON.stringify({ DeploymentId: deploymentId, LifecycleEventHookExecutionId: hook.lifecycleEventHookExecutionId })),
  }));
  const deadline = Date.now() + Math.max(60_000, 3_600_000 * req.timeScale);
  while (Date.now() < deadline) {
    const h = (await hooksOf(cd, deploymentId)).find((x) => x.lifecycleEventHookExecutionId === hook.lifecycleEventHookExecutionId)!;
    if (h.status === 'Succeeded' || h.status === 'Failed' || h.status === 'Skipped') {
      req.log(`  ${event} hook reported ${h.status}`);
      return h.status === 'Skipped' ? 'Succeeded' : h.status;
    }
    await sleep(100);
  }
  return 'timed out';
}

/** The first of the deployment's alarms CloudWatch has in ALARM (alarms are evaluated by Nimbus
 * over its metrics store; CodeDeploy stops a deployment the same way). */
async function firstAlarm(clients: Clients, alarms: string[]): Promise<string | undefined> {
  if (!alarms.length) return undefined;
  const out = await clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: alarms, StateValue: 'ALARM' }));
  return out.MetricAlarms?.[0]?.AlarmName ?? out.CompositeAlarms?.[0]?.AlarmName;
}

/** Holds a traffic step for `minutes` (times `timeScale`); answers the first alarm that went to ALARM meanwhile. */
export async function watchAlarms(clients: Clients, alarms: string[], minutes: number, timeScale: number): Promise<string | undefined> {
  const until = Date.now() + minutes * 60_000 * timeScale;
  do {
    const breached = await firstAlarm(clients, alarms);
    if (breached) return breached;
    await sleep(Math.max(10, Math.min(1000, until - Date.now())));
  } while (Date.now() < until);
  return undefined;
}
