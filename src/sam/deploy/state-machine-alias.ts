// AWS::StepFunctions::StateMachineVersion and AWS::StepFunctions::StateMachineAlias, deployed as
// CloudFormation deploys them. A version is published from the state machine's current revision
// (a changed revision replaces the resource: a new version, the old one kept). An alias with a
// DeploymentPreference moves from the version it serves to the new one ALL_AT_ONCE, CANARY (one
// step, then the rest) or LINEAR (equal steps), holding each step `Interval` minutes while it
// watches the CloudWatch alarms, and goes back to the old version when one is in ALARM. Unlike
// Lambda's, this shift is CloudFormation's own: no CodeDeploy, no hooks.
import {
  CreateStateMachineAliasCommand, DeleteStateMachineAliasCommand, DeleteStateMachineVersionCommand, DescribeStateMachineAliasCommand,
  PublishStateMachineVersionCommand, UpdateStateMachineAliasCommand, type RoutingConfigurationListItem,
} from '@aws-sdk/client-sfn';
import { ignoreMissing, type ProvisionContext, type Provisioner } from './provisioners.js';
import { watchAlarms } from './traffic.js';

type Props = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Preference {
  Type: 'ALL_AT_ONCE' | 'CANARY' | 'LINEAR';
  StateMachineVersionArn: string;
  Percentage?: number;
  Interval?: number;
  Alarms?: string[];
}

export const stateMachineVersion: Provisioner = {
  async create(ctx, _logicalId, props) {
    const revision = props.StateMachineRevisionId;
    const out = await ctx.clients.sfn.send(new PublishStateMachineVersionCommand({
      stateMachineArn: String(props.StateMachineArn),
      // A machine never updated has no revision id; its attribute is then its ARN, which pins nothing.
      revisionId: typeof revision === 'string' && !revision.startsWith('arn:') ? revision : undefined,
      description: props.Description,
    }));
    const arn = out.stateMachineVersionArn!;
    return { physicalId: arn, ref: arn, attributes: { Arn: arn } };
  },
  async delete(ctx, current) {
    await ignoreMissing(ctx.clients.sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: current.physicalId })));
  },
};

function routingOf(props: Props): RoutingConfigurationListItem[] {
  const pref = props.DeploymentPreference as Preference | undefined;
  if (pref) return [{ stateMachineVersionArn: String(pref.StateMachineVersionArn), weight: 100 }];
  return ((props.RoutingConfiguration ?? []) as Array<{ StateMachineVersionArn: string; Weight: number }>).map((r) => ({
    stateMachineVersionArn: String(r.StateMachineVersionArn),
    weight: Number(r.Weight),
  }));
}

/** The weights the new version gets before it gets all of the traffic. */
export function stepsOf(pref: Preference): number[] {
  const percentage = Number(pref.Percentage);
  switch (pref.Type) {
    case 'ALL_AT_ONCE':
      return [];
    case 'CANARY':
      return [percentage];
    case 'LINEAR':
      return Array.from({ length: Math.ceil(100 / percentage) - 1 }, (_, i) => percentage * (i + 1));
    default:
      throw new Error(`DeploymentPreference.Type must be ALL_AT_ONCE, CANARY or LINEAR, got ${JSON.stringify(pref.Type)}`);
  }
}

function checkPreference(pref: Preference): void {
  stepsOf(pref);
  if (pref.Type === 'ALL_AT_ONCE') return;
  const { Percentage: p, Interval: i } = pref;
  if (!Number.isInteger(p) || p! < 1 || p! > 99) throw new Error(`DeploymentPreference.Percentage must be an integer from 1 to 99 for ${pref.Type}`);
  if (!Number.isInteger(i) || i! < 1 || i! > 2100) throw new Error(`DeploymentPreference.Interval must be a number of minutes from 1 to 2100 for ${pref.Type}`);
}

export const stateMachineAlias: Provisioner = {
  async create(ctx, logicalId, props) {
    const pref = props.DeploymentPreference as Preference | undefined;
    if (pref) checkPreference(pref);
    const routing = routingOf(props);
    const out = await ctx.clients.sfn.send(new CreateStateMachineAliasCommand({
      name: props.Name ?? logicalId,
      description: props.Description,
      routingConfiguration: routing,
    }));
    const arn = out.stateMachineAliasArn!;
    return { physicalId: arn, ref: arn, attributes: { Arn: arn } };
  },
  async update(ctx, _logicalId, current, props) {
    const pref = props.DeploymentPreference as Preference | undefined;
    const aliasArn = current.physicalId;
    if (!pref) {
      await ctx.clients.sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: aliasArn, description: props.Description ?? '', routingConfiguration: routingOf(props) }));
      return current;
    }
    checkPreference(pref);
    const target = String(pref.StateMachineVersionArn);
    const served = (await ctx.clients.sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: aliasArn }))).routingConfiguration ?? [];
    // The version with most of the traffic is the one being moved away from.
    const from = [...served].sort((a, b) => (b.weight ?? 0) - (a.weight ?? 0))[0]?.stateMachineVersionArn;
    const route = (weight: number) => {
      if (from && from !== target) ctx.log?.(`  ${aliasArn}: ${weight}% of executions on ${target}`);
      return ctx.clients.sfn.send(new UpdateStateMachineAliasCommand({
        stateMachineAliasArn: aliasArn,
        description: props.Description ?? '',
        routingConfiguration: weight === 100 || !from || from === target
          ? [{ stateMachineVersionArn: target, weight: 100 }]
          : [{ stateMachineVersionArn: from, weight: 100 - weight }, { stateMachineVersionArn: target, weight }],
      }));
    };
    if (from && from !== target) {
      for (const weight of stepsOf(pref)) {
        await route(weight);
        const breached = await watchAlarms(ctx.clients, pref.Alarms ?? [], Number(pref.Interval), ctx.timeScale ?? 1);
        if (breached) {
          ctx.log?.(`  alarm ${breached} is in ALARM; moving ${aliasArn} back to ${from}`);
          await ctx.clients.sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: aliasArn, routingConfiguration: [{ stateMachineVersionArn: from, weight: 100 }] }));
          throw new Error(`alarm ${breached} is in ALARM: alias ${aliasArn} is back on ${from}`);
        }
      }
    }
    await route(100);
    return current;
  },
  async delete(ctx, current) {
    await ignoreMissing(ctx.clients.sfn.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn: current.physicalId })));
  },
};
