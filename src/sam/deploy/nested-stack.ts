// AWS::CloudFormation::Stack (SAM's AWS::Serverless::Application): a local template deployed as a
// stack of its own, named `<parent>-<LogicalId>-<random>` as CloudFormation names nested stacks.
// Its outputs are the parent's `Outputs.<Key>` attributes and its stack id the parent's Ref.
// Deploying the parent again deploys it again (a no-op when nothing in it changed); deleting the
// resource deletes the stack.
import { randomBytes } from 'node:crypto';
import type { Provisioned, ProvisionContext, Provisioner } from './provisioners.js';

type Props = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What the deployer lends nested stacks: its own deploy and delete, with the parent's settings. */
export interface NestedStacks {
  deploy(templateUrl: string, stackName: string, parameters: ReadonlyMap<string, string>): Promise<{ stackId: string; outputs: Array<{ OutputKey: string; OutputValue: string }> }>;
  remove(stackName: string): Promise<void>;
}

function nested(ctx: ProvisionContext): NestedStacks {
  if (!ctx.nested) throw new Error('nested stacks are deployed by nimbus deploy only');
  return ctx.nested;
}

async function deploy(ctx: ProvisionContext, name: string, props: Props): Promise<Provisioned> {
  const url = String(props.TemplateURL);
  if (/^(https?|s3):\/\//.test(url)) throw new Error(`TemplateURL ${url}: only local templates can be deployed by Nimbus (there is no S3 here)`);
  const parameters = new Map<string, string>();
  for (const [k, v] of Object.entries((props.Parameters ?? {}) as Record<string, unknown>)) parameters.set(k, Array.isArray(v) ? v.join(',') : String(v));
  const out = await nested(ctx).deploy(url, name, parameters);
  const attributes: Record<string, unknown> = {};
  for (const o of out.outputs) attributes[`Outputs.${o.OutputKey}`] = o.OutputValue;
  return { physicalId: name, ref: out.stackId, attributes };
}

export const nestedStack: Provisioner = {
  create(ctx, logicalId, props) {
    const suffix = randomBytes(9).toString('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, 12).toUpperCase();
    return deploy(ctx, `${ctx.stackName}-${logicalId}-${suffix}`.slice(0, 128), props);
  },
  update(ctx, _logicalId, current, props) {
    return deploy(ctx, current.physicalId, props);
  },
  async delete(ctx, current) {
    await nested(ctx).remove(current.physicalId);
  },
};
