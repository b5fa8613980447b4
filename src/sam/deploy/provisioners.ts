// One provisioner per CloudFormation resource type: create / update / delete through the AWS SDK
// clients. Properties arrive fully resolved (no intrinsics left). Each returns the physical id, the
// Ref value and the GetAtt attributes CloudFormation documents for that type.
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  AddPermissionCommand, CreateAliasCommand, CreateFunctionCommand, DeleteAliasCommand, DeleteFunctionCommand,
  DeleteLayerVersionCommand, PublishLayerVersionCommand, AddLayerVersionPermissionCommand, RemoveLayerVersionPermissionCommand,
  GetFunctionConfigurationCommand, PublishVersionCommand, RemovePermissionCommand, UpdateAliasCommand,
  UpdateFunctionCodeCommand, UpdateFunctionConfigurationCommand, PutFunctionConcurrencyCommand, DeleteFunctionConcurrencyCommand,
  PutRuntimeManagementConfigCommand, PutFunctionRecursionConfigCommand, type UpdateRuntimeOn, type RecursiveLoop,
  PutProvisionedConcurrencyConfigCommand, DeleteProvisionedConcurrencyConfigCommand,
  CreateFunctionUrlConfigCommand, UpdateFunctionUrlConfigCommand, DeleteFunctionUrlConfigCommand,
  PutFunctionEventInvokeConfigCommand, DeleteFunctionEventInvokeConfigCommand, InvokeCommand,
  type Cors, type FunctionUrlAuthType, type InvokeMode, type DeadLetterConfig, type DestinationConfig, type SnapStart,
  type Runtime, type Architecture, type LoggingConfig, type TracingConfig, type VpcConfig,
} from '@aws-sdk/client-lambda';
import {
  CreateActivityCommand, CreateStateMachineCommand, DeleteActivityCommand, DeleteStateMachineCommand, StartExecutionCommand, TagResourceCommand,
  UntagResourceCommand, UpdateStateMachineCommand, type StateMachineType,
} from '@aws-sdk/client-sfn';
import {
  CreateApiKeyCommand, CreateDeploymentCommand, CreateResourceCommand, CreateRestApiCommand, CreateStageCommand,
  CreateUsagePlanCommand, CreateUsagePlanKeyCommand, DeleteApiKeyCommand, DeleteDeploymentCommand, DeleteMethodCommand,
  DeleteResourceCommand, DeleteRestApiCommand, DeleteStageCommand, DeleteUsagePlanCommand, DeleteUsagePlanKeyCommand,
  GetResourcesCommand, ImportRestApiCommand, PutIntegrationCommand, PutIntegrationResponseCommand, PutMethodCommand, PutMethodResponseCommand,
  PutRestApiCommand, UpdateAccountCommand, UpdateRestApiCommand, UpdateStageCommand, UpdateUsagePlanCommand, type PatchOperation,
} from '@aws-sdk/client-api-gateway';
import { DeleteAlarmsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { CreateLogGroupCommand, DeleteLogGroupCommand, PutRetentionPolicyCommand, DeleteRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { Clients } from './clients.js';
import { stateMachineAlias, stateMachineVersion } from './state-machine-alias.js';
import { nestedStack, type NestedStacks } from './nested-stack.js';
import { storeArtifact, storeBytes, zipInline } from './artifacts.js';
import { schedulerExpressionForRule } from '../template/scheduler-expr.js';
import {
  CreateEventBusCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  UpdateEventBusCommand,
} from '@aws-sdk/client-eventbridge';
import { authorizer, gatewayResponse, model, requestValidator } from './apigw-provisioners.js';
import { httpApi, httpAuthorizer, httpDeployment, httpIntegration, httpRoute, httpRouteResponse, httpStage } from './apigwv2-provisioners.js';

type Props = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Provisioned {
  physicalId: string;
  ref: string;
  attributes: Record<string, unknown>;
  /** Properties as applied (e.g. Code replaced by its artifact address). */
  properties?: Props;
}

export interface ProvisionContext {
  clients: Clients;
  stackName: string;
  accountId: string;
  region: string;
  artifactsDir: string;
  /** Multiplies the waits of gradual deployments (see `nimbus deploy --time-scale`). */
  timeScale?: number;
  /** Progress lines of long operations (gradual deployments). */
  log?: (line: string) => void;
  /** Deploys and deletes nested stacks (AWS::CloudFormation::Stack) with the parent's settings. */
  nested?: NestedStacks;
}

export interface Provisioner {
  create(ctx: ProvisionContext, logicalId: string, props: Props): Promise<Provisioned>;
  /** In-place update; absent = every change replaces. */
  update?(ctx: ProvisionContext, logicalId: string, current: Provisioned, props: Props, old: Props): Promise<Provisioned>;
  delete(ctx: ProvisionContext, current: Provisioned, props: Props): Promise<void>;
}

/** CloudFormation-style generated names: `<stack>-<LogicalId>-<RANDOM>`, within a length limit. */
export function physicalName(stack: string, logicalId: string, max = 64): string {
  const suffix = randomBytes(8).toString('base64url').replace(/[^A-Za-z0-9]/g, '').slice(0, 12).toUpperCase().padEnd(12, 'X');
  const room = max - suffix.length - 2;
  let head = `${stack}-${logicalId}`;
  if (head.length > room) head = `${stack.slice(0, Math.floor(room / 2))}-${logicalId.slice(0, room - Math.floor(room / 2) - 1)}`;
  return `${head}-${suffix}`;
}

const isNotFound = (err: unknown) => {
  const n = (err as { name?: string }).name;
  return n === 'ResourceNotFoundException' || n === 'NotFoundException' || n === 'StateMachineDoesNotExist';
};

/** Awaits a delete, treating "already gone" as done. */
export async function ignoreMissing(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

// ---- Lambda -------------------------------------------------------------------------------------

/** `name`, `name:qualifier`, ARN or qualified ARN → FunctionName + Qualifier. */
export function splitFunction(ref: string): { FunctionName: string; Qualifier?: string } {
  const arn = /^(arn:[^:]+:lambda:[^:]+:\d{12}:function:[^:]+)(?::([^:]+))?$/.exec(ref);
  if (arn) return arn[2] ? { FunctionName: arn[1]!, Qualifier: arn[2] } : { FunctionName: arn[1]! };
  const [name, q] = ref.split(':');
  return q ? { FunctionName: name!, Qualifier: q } : { FunctionName: ref };
}

function codeArtifact(ctx: ProvisionContext, props: Props): { sha256: string; path: string } {
  const code = props.Code ?? {};
  if (typeof code['Nimbus::Artifact'] === 'string') return { sha256: code['Nimbus::Artifact'], path: `${ctx.artifactsDir}/${code['Nimbus::Artifact']}.zip` };
  if (typeof code['Nimbus::CodePath'] === 'string') return storeArtifact(ctx.artifactsDir, code['Nimbus::CodePath']);
  if (typeof code.ZipFile === 'string') return storeBytes(ctx.artifactsDir, zipInline(code.ZipFile, props.Runtime));
  throw new Error('Code must be a local CodeUri, a packaged artifact or ZipFile (S3 locations are not supported by Nimbus)');
}

function functionConfig(props: Props) {
  return {
    Handler: props.Handler,
    Runtime: props.Runtime as Runtime | undefined,
    MemorySize: props.MemorySize === undefined ? undefined : Number(props.MemorySize),
    Timeout: props.Timeout === undefined ? undefined : Number(props.Timeout),
    Description: props.Description,
    Role: props.Role,
    Environment: props.Environment ? { Variables: stringMap(props.Environment.Variables ?? {}) } : undefined,
    EphemeralStorage: props.EphemeralStorage ? { Size: Number(props.EphemeralStorage.Size) } : undefined,
    LoggingConfig: props.LoggingConfig as LoggingConfig | undefined,
    TracingConfig: props.TracingConfig as TracingConfig | undefined,
    Layers: props.Layers === undefined ? undefined : (props.Layers as unknown[]).map(String),
    VpcConfig: props.VpcConfig as VpcConfig | undefined,
    KMSKeyArn: props.KmsKeyArn as string | undefined,
    SnapStart: props.SnapStart as SnapStart | undefined,
    DeadLetterConfig: props.DeadLetterConfig as DeadLetterConfig | undefined,
  };
}

/**
 * RuntimeManagementConfig and RecursiveLoop, which CloudFormation sets with calls of their own; a
 * property removed since `old` goes back to AWS's default (Auto, Terminate).
 */
async function applyFunctionSettings(ctx: ProvisionContext, name: string, props: Props, old: Props): Promise<void> {
  const runtime = props.RuntimeManagementConfig as { UpdateRuntimeOn?: string; RuntimeVersionArn?: string } | undefined;
  if (JSON.stringify(runtime) !== JSON.stringify(old.RuntimeManagementConfig)) {
    await ctx.clients.lambda.send(new PutRuntimeManagementConfigCommand({
      FunctionName: name,
      UpdateRuntimeOn: (runtime?.UpdateRuntimeOn ?? 'Auto') as UpdateRuntimeOn,
      ...(runtime?.RuntimeVersionArn !== undefined ? { RuntimeVersionArn: runtime.RuntimeVersionArn } : {}),
    }));
  }
  if (props.RecursiveLoop !== old.RecursiveLoop) {
    await ctx.clients.lambda.send(new PutFunctionRecursionConfigCommand({ FunctionName: name, RecursiveLoop: (props.RecursiveLoop ?? 'Terminate') as RecursiveLoop }));
  }
}

/** Async invocation settings of a function or alias (SAM's EventInvokeConfig). */
const eventInvokeConfig: Provisioner = {
  async create(ctx, _logicalId, props) {
    await ctx.clients.lambda.send(new PutFunctionEventInvokeConfigCommand(invokeConfigOf(props)));
    const id = `${String(props.FunctionName)}$${String(props.Qualifier)}`;
    return { physicalId: id, ref: id, attributes: {} };
  },
  async update(ctx, _logicalId, current, props) {
    await ctx.clients.lambda.send(new PutFunctionEventInvokeConfigCommand(invokeConfigOf(props)));
    return current;
  },
  async delete(ctx, _current, props) {
    await ignoreMissing(ctx.clients.lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: String(props.FunctionName), Qualifier: String(props.Qualifier) })));
  },
};

function invokeConfigOf(props: Props) {
  return {
    FunctionName: String(props.FunctionName),
    Qualifier: String(props.Qualifier),
    MaximumEventAgeInSeconds: props.MaximumEventAgeInSeconds === undefined ? undefined : Number(props.MaximumEventAgeInSeconds),
    MaximumRetryAttempts: props.MaximumRetryAttempts === undefined ? undefined : Number(props.MaximumRetryAttempts),
    DestinationConfig: props.DestinationConfig as DestinationConfig | undefined,
  };
}

function stringMap(m: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m)) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}

/**
 * Waits until the function is Active with its last update done, as CloudFormation does before it
 * calls the resource complete (a runtime Nimbus fetches first keeps it Pending for a few seconds).
 */
async function functionReady(ctx: ProvisionContext, name: string) {
  for (let delayMs = 50; ; delayMs = Math.min(delayMs * 2, 1000)) {
    const conf = await ctx.clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    if (conf.State === 'Failed' || conf.LastUpdateStatus === 'Failed') {
      throw new Error(`${name}: ${conf.StateReason ?? conf.LastUpdateStatusReason ?? 'the function could not be created'}`);
    }
    if (conf.State === 'Active' && conf.LastUpdateStatus !== 'InProgress') return conf;
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
}

const lambdaFunction: Provisioner = {
  async create(ctx, logicalId, props) {
    const artifact = codeArtifact(ctx, props);
    const name = props.FunctionName ?? physicalName(ctx.stackName, logicalId);
    const tags: Record<string, string> = {};
    for (const t of props.Tags ?? []) tags[t.Key] = String(t.Value);
    const out = await ctx.clients.lambda.send(new CreateFunctionCommand({
      FunctionName: name,
      Code: { ZipFile: readFileSync(artifact.path) },
      Architectures: props.Architectures as Architecture[] | undefined,
      Tags: Object.keys(tags).length ? tags : undefined,
      ...functionConfig(props),
      Role: props.Role,
    }));
    if (props.ReservedConcurrentExecutions !== undefined) {
      await ctx.clients.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: Number(props.ReservedConcurrentExecutions) }));
    }
    await applyFunctionSettings(ctx, name, props, {});
    await functionReady(ctx, name);
    return { physicalId: name, ref: name, attributes: { Arn: out.FunctionArn }, properties: { ...props, Code: { 'Nimbus::Artifact': artifact.sha256 } } };
  },
  async update(ctx, _logicalId, current, props, old) {
    const artifact = codeArtifact(ctx, props);
    const applied = { ...props, Code: { 'Nimbus::Artifact': artifact.sha256 } };
    const name = current.physicalId;
    const oldSha = old.Code?.['Nimbus::Artifact'];
    if (oldSha !== artifact.sha256) {
      await ctx.clients.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: readFileSync(artifact.path) }));
      await functionReady(ctx, name); // a configuration update during the code update would conflict
    }
    const cfg = (p: Props) => JSON.stringify({ ...functionConfig(p), ReservedConcurrentExecutions: p.ReservedConcurrentExecutions });
    if (cfg(props) !== cfg(old)) {
      const c = functionConfig(props);
      await ctx.clients.lambda.send(new UpdateFunctionConfigurationCommand({
        FunctionName: name,
        ...c,
        // Removing a property resets it, as CloudFormation does.
        Environment: c.Environment ?? { Variables: {} },
        Description: c.Description ?? '',
        MemorySize: c.MemorySize ?? 128,
        Timeout: c.Timeout ?? 3,
        LoggingConfig: c.LoggingConfig ?? { LogFormat: 'Text', LogGroup: `/aws/lambda/${name}` },
        TracingConfig: c.TracingConfig ?? { Mode: 'PassThrough' },
        Layers: c.Layers ?? [],
        VpcConfig: c.VpcConfig ?? { SubnetIds: [], SecurityGroupIds: [] },
      }));
      if (props.ReservedConcurrentExecutions !== old.ReservedConcurrentExecutions) {
        if (props.ReservedConcurrentExecutions === undefined) await ctx.clients.lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: name }));
        else await ctx.clients.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: Number(props.ReservedConcurrentExecutions) }));
      }
    }
    await applyFunctionSettings(ctx, name, props, old);
    const conf = await functionReady(ctx, name);
    return { physicalId: name, ref: name, attributes: { Arn: conf.FunctionArn }, properties: applied };
  },
  async delete(ctx, current) {
    await ignoreMissing(ctx.clients.lambda.send(new DeleteFunctionCommand({ FunctionName: current.physicalId })));
  },
};

/** A layer version: created by publishing, never updated (every change publishes anew). */
const lambdaLayerVersion: Provisioner = {
  async create(ctx, logicalId, props) {
    const content = props.Content ?? {};
    let artifact: { sha256: string; path: string };
    if (typeof content['Nimbus::Artifact'] === 'string') artifact = { sha256: content['Nimbus::Artifact'], path: `${ctx.artifactsDir}/${content['Nimbus::Artifact']}.zip` };
    else if (typeof content['Nimbus::CodePath'] === 'string') artifact = storeArtifact(ctx.artifactsDir, content['Nimbus::CodePath']);
    else throw new Error('Content must be a local ContentUri or path (S3 locations are not supported by Nimbus)');
    const out = await ctx.clients.lambda.send(new PublishLayerVersionCommand({
      LayerName: props.LayerName ?? logicalId,
      Content: { ZipFile: readFileSync(artifact.path) },
      Description: props.Description,
      CompatibleRuntimes: props.CompatibleRuntimes as Runtime[] | undefined,
      CompatibleArchitectures: props.CompatibleArchitectures as Architecture[] | undefined,
      LicenseInfo: props.LicenseInfo,
    }));
    const arn = out.LayerVersionArn!;
    return { physicalId: arn, ref: arn, attributes: { LayerVersionArn: arn }, properties: { ...props, Content: { 'Nimbus::Artifact': artifact.sha256 } } };
  },
  async delete(ctx, current) {
    const m = /^(.*):(\d+)$/.exec(current.physicalId);
    if (m) await ignoreMissing(ctx.clients.lambda.send(new DeleteLayerVersionCommand({ LayerName: m[1]!, VersionNumber: Number(m[2]) })));
  },
};

/** `arn:…:layer:name:N` → the layer (name or ARN) and its version number. */
function splitLayerVersion(arn: string): { LayerName: string; VersionNumber: number } {
  const m = /^(.*):(\d+)$/.exec(arn);
  if (!m) throw new Error(`LayerVersionArn ${arn} does not name a layer version (…:layer:<name>:<version>)`);
  return { LayerName: m[1]!, VersionNumber: Number(m[2]) };
}

/**
 * A statement in a layer version's policy (as layer-publishing templates grant `lambda:GetLayerVersion`
 * to `*` or other accounts). Every property replaces it; its id, and so its Ref, is CloudFormation's
 * `<LayerVersionArn>#<StatementId>`.
 */
const lambdaLayerVersionPermission: Provisioner = {
  async create(ctx, logicalId, props) {
    const sid = physicalName(ctx.stackName, logicalId, 100);
    const arn = String(props.LayerVersionArn);
    await ctx.clients.lambda.send(new AddLayerVersionPermissionCommand({
      ...splitLayerVersion(arn), StatementId: sid, Action: props.Action, Principal: String(props.Principal), OrganizationId: props.OrganizationId,
    }));
    const id = `${arn}#${sid}`;
    return { physicalId: id, ref: id, attributes: { Id: id } };
  },
  async delete(ctx, current, props) {
    const sid = current.physicalId.slice(current.physicalId.lastIndexOf('#') + 1);
    await ignoreMissing(ctx.clients.lambda.send(new RemoveLayerVersionPermissionCommand({ ...splitLayerVersion(String(props.LayerVersionArn)), StatementId: sid })));
  },
};

const lambdaVersion: Provisioner = {
  async create(ctx, _logicalId, props) {
    const out = await ctx.clients.lambda.send(new PublishVersionCommand({ FunctionName: props.FunctionName, Description: props.Description }));
    const arn = out.FunctionArn!;
    return { physicalId: arn, ref: arn, attributes: { Version: out.Version, FunctionArn: arn.replace(/:[^:]+$/, '') } };
  },
  async delete(ctx, current) {
    await ignoreMissing(ctx.clients.lambda.send(new DeleteFunctionCommand(splitFunction(current.physicalId))));
  },
};

function routing(props: Props) {
  const weights = props.RoutingConfig?.AdditionalVersionWeights as Array<{ FunctionVersion: string; FunctionWeight: number }> | undefined;
  if (!weights) return undefined;
  return { AdditionalVersionWeights: Object.fromEntries(weights.map((w) => [String(w.FunctionVersion), Number(w.FunctionWeight)])) };
}

/** An alias's ProvisionedConcurrencyConfig: put when set, deleted when it was removed. */
async function provisionAlias(ctx: ProvisionContext, props: Props, old?: Props): Promise<void> {
  const wanted = (props.ProvisionedConcurrencyConfig as { ProvisionedConcurrentExecutions?: unknown } | undefined)?.ProvisionedConcurrentExecutions;
  const target = { FunctionName: props.FunctionName, Qualifier: props.Name };
  if (wanted !== undefined) {
    await ctx.clients.lambda.send(new PutProvisionedConcurrencyConfigCommand({ ...target, ProvisionedConcurrentExecutions: Number(wanted) }));
  } else if (old?.ProvisionedConcurrencyConfig !== undefined) {
    await ctx.clients.lambda.send(new DeleteProvisionedConcurrencyConfigCommand(target));
  }
}

export const lambdaAlias: Provisioner = {
  async create(ctx, _logicalId, props) {
    const out = await ctx.clients.lambda.send(new CreateAliasCommand({
      FunctionName: props.FunctionName, Name: props.Name, FunctionVersion: String(props.FunctionVersion), Description: props.Description, RoutingConfig: routing(props),
    }));
    await provisionAlias(ctx, props);
    return { physicalId: out.AliasArn!, ref: out.AliasArn!, attributes: { AliasArn: out.AliasArn } };
  },
  async update(ctx, _logicalId, current, props, old) {
    const out = await ctx.clients.lambda.send(new UpdateAliasCommand({
      FunctionName: props.FunctionName, Name: props.Name, FunctionVersion: String(props.FunctionVersion), Description: props.Description ?? '',
      RoutingConfig: routing(props) ?? { AdditionalVersionWeights: {} },
    }));
    await provisionAlias(ctx, props, old);
    return { ...current, physicalId: out.AliasArn!, ref: out.AliasArn! };
  },
  async delete(ctx, current, props) {
    await ignoreMissing(ctx.clients.lambda.send(new DeleteAliasCommand({ FunctionName: props.FunctionName, Name: props.Name })));
    void current;
  },
};

function urlSettings(props: Props) {
  return {
    AuthType: props.AuthType as FunctionUrlAuthType,
    Cors: props.Cors as Cors | undefined,
    InvokeMode: props.InvokeMode as InvokeMode | undefined,
  };
}

const lambdaUrl: Provisioner = {
  async create(ctx, _logicalId, props) {
    const out = await ctx.clients.lambda.send(new CreateFunctionUrlConfigCommand({
      FunctionName: String(props.TargetFunctionArn), Qualifier: props.Qualifier, ...urlSettings(props),
    }));
    return { physicalId: out.FunctionArn!, ref: out.FunctionArn!, attributes: { FunctionArn: out.FunctionArn, FunctionUrl: out.FunctionUrl } };
  },
  async update(ctx, _logicalId, current, props) {
    const out = await ctx.clients.lambda.send(new UpdateFunctionUrlConfigCommand({
      FunctionName: String(props.TargetFunctionArn), Qualifier: props.Qualifier, ...urlSettings(props), Cors: (props.Cors as Cors | undefined) ?? {},
    }));
    return { ...current, attributes: { FunctionArn: out.FunctionArn, FunctionUrl: out.FunctionUrl } };
  },
  async delete(ctx, _current, props) {
    await ignoreMissing(ctx.clients.lambda.send(new DeleteFunctionUrlConfigCommand({ FunctionName: String(props.TargetFunctionArn), Qualifier: props.Qualifier })));
  },
};

const lambdaPermission: Provisioner = {
  async create(ctx, logicalId, props) {
    const sid = physicalName(ctx.stackName, logicalId, 100);
    await ctx.clients.lambda.send(new AddPermissionCommand({
      ...splitFunction(String(props.FunctionName)), StatementId: sid, Action: props.Action, Principal: props.Principal,
      SourceArn: props.SourceArn, SourceAccount: props.SourceAccount, EventSourceToken: props.EventSourceToken,
    }));
    return { physicalId: sid, ref: sid, attributes: {} };
  },
  async delete(ctx, current, props) {
    await ignoreMissing(ctx.clients.lambda.send(new RemovePermissionCommand({ ...splitFunction(String(props.FunctionName)), StatementId: current.physicalId })));
  },
};

// ---- Step Functions -----------------------------------------------------------------------------

function definitionString(props: Props): string {
  let text = typeof props.DefinitionString === 'string' ? props.DefinitionString : JSON.stringify(props.Definition ?? {});
  const subs = props.DefinitionSubstitutions as Record<string, unknown> | undefined;
  if (subs) {
    text = text.replace(/\$\{([^}]+)\}/g, (whole, key: string) => (key in subs ? String(subs[key]).replace(/["\\]/g, (c) => `\\${c}`) : whole));
  }
  return text;
}

function stateMachineName(logicalId: string): string {
  const suffix = randomBytes(12).toString('base64').replace(/[^A-Za-z0-9]/g, '').padEnd(12, 'x').slice(0, 12);
  return `${logicalId.slice(0, 80 - 13)}-${suffix}`;
}

const stateMachine: Provisioner = {
  async create(ctx, logicalId, props) {
    // CloudFormation names a state machine `<LogicalId>-<random>` (no stack prefix), unlike functions.
    const name = props.StateMachineName ?? stateMachineName(logicalId);
    const out = await ctx.clients.sfn.send(new CreateStateMachineCommand({
      name,
      definition: definitionString(props),
      roleArn: props.RoleArn,
      type: props.StateMachineType as StateMachineType | undefined,
      loggingConfiguration: lowerKeys(props.LoggingConfiguration),
      tracingConfiguration: lowerKeys(props.TracingConfiguration),
      tags: (props.Tags as Array<{ Key: string; Value: string }> | undefined)?.map((t) => ({ key: t.Key, value: String(t.Value) })),
    }));
    return { physicalId: out.stateMachineArn!, ref: out.stateMachineArn!, attributes: { Arn: out.stateMachineArn, Name: name, StateMachineRevisionId: out.stateMachineVersionArn ?? out.stateMachineArn } };
  },
  async update(ctx, _logicalId, current, props) {
    const out = await ctx.clients.sfn.send(new UpdateStateMachineCommand({
      stateMachineArn: current.physicalId,
      definition: definitionString(props),
      roleArn: props.RoleArn,
      loggingConfiguration: lowerKeys(props.LoggingConfiguration),
      tracingConfiguration: lowerKeys(props.TracingConfiguration),
    }));
    // A new revision is what makes a StateMachineVersion that names it publish again.
    return { ...current, attributes: { ...current.attributes, StateMachineRevisionId: out.revisionId ?? current.attributes.StateMachineRevisionId } };
  },
  async delete(ctx, current) {
    await ignoreMissing(ctx.clients.sfn.send(new DeleteStateMachineCommand({ stateMachineArn: current.physicalId })));
  },
};

/** CloudFormation spells Step Functions configuration in PascalCase; the API in camelCase. */
function lowerKeys(v: any): any { // eslint-disable-line @typescript-eslint/no-explicit-any
  if (v === undefined || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(lowerKeys);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.charAt(0).toLowerCase() + k.slice(1), lowerKeys(x)]));
}

// ---- API Gateway --------------------------------------------------------------------------------

async function rootResourceId(ctx: ProvisionContext, restApiId: string): Promise<string> {
  const res = await ctx.clients.apigw.send(new GetResourcesCommand({ restApiId, limit: 500 }));
  return res.items?.find((r) => r.path === '/')?.id ?? '';
}

/**
 * The OpenAPI document a RestApi's `Body` hands to ImportRestApi/PutRestApi. CloudFormation's `Name`
 * takes precedence over the document's `info.title`, and names the API when the document has no
 * title at all (SAM writes `Name` beside a DefinitionBody without `info`, e.g. serverless-patterns'
 * apigw-lambda-authorizer-custom-header); the import alone would refuse such a document.
 */
function restApiBody(props: Props): Buffer {
  let doc: unknown = props.Body;
  if (typeof doc === 'string' && props.Name !== undefined) {
    try { doc = JSON.parse(doc); } catch { /* YAML text: passed on as written */ }
  }
  if (props.Name !== undefined && doc !== null && typeof doc === 'object' && !Array.isArray(doc)) {
    const d = doc as Record<string, unknown>;
    const info = d.info !== null && typeof d.info === 'object' ? d.info as Record<string, unknown> : {};
    doc = { ...d, info: { ...info, title: String(props.Name) } };
  }
  return Buffer.from(typeof doc === 'string' ? doc : JSON.stringify(doc));
}

const restApi: Provisioner = {
  async create(ctx, logicalId, props) {
    let id: string;
    if (props.Body !== undefined) {
      const out = await ctx.clients.apigw.send(new ImportRestApiCommand({ body: restApiBody(props), failOnWarnings: props.FailOnWarnings === true }));
      id = out.id!;
      const patch: PatchOperation[] = [];
      if (props.Name !== undefined) patch.push({ op: 'replace', path: '/name', value: String(props.Name) });
      if (props.Description !== undefined) patch.push({ op: 'replace', path: '/description', value: String(props.Description) });
      if (patch.length) await ctx.clients.apigw.send(new UpdateRestApiCommand({ restApiId: id, patchOperations: patch }));
    } else {
      const out = await ctx.clients.apigw.send(new CreateRestApiCommand({
        name: props.Name ?? logicalId,
        description: props.Description,
        binaryMediaTypes: props.BinaryMediaTypes,
        apiKeySource: props.ApiKeySourceType,
        endpointConfiguration: props.EndpointConfiguration ? { types: props.EndpointConfiguration.Types } : undefined,
      }));
      id = out.id!;
    }
    return { physicalId: id, ref: id, attributes: { RestApiId: id, RootResourceId: await rootResourceId(ctx, id) } };
  },
  async update(ctx, _logicalId, current, props, old) {
    const id = current.physicalId;
    if (props.Body !== undefined && JSON.stringify(props.Body) !== JSON.stringify(old.Body)) {
      await ctx.clients.apigw.send(new PutRestApiCommand({ restApiId: id, mode: 'overwrite', body: restApiBody(props), failOnWarnings: props.FailOnWarnings === true }));
    }
    const patch: PatchOperation[] = [];
    if (props.Name !== undefined && props.Name !== old.Name) patch.push({ op: 'replace', path: '/name', value: String(props.Name) });
    if (props.Description !== old.Description) patch.push({ op: 'replace', path: '/description', value: String(props.Description ?? '') });
    if (patch.length) await ctx.clients.apigw.send(new UpdateRestApiCommand({ restApiId: id, patchOperations: patch }));
    return { ...current, attributes: { RestApiId: id, RootResourceId: await rootResourceId(ctx, id) } };
  },
  async delete(ctx, current) {
    await ignoreMissing(ctx.clients.apigw.send(new DeleteRestApiCommand({ restApiId: current.physicalId })));
  },
};

const apiResource: Provisioner = {
  async create(ctx, _logicalId, props) {
    const out = await ctx.clients.apigw.send(new CreateResourceCommand({ restApiId: props.RestApiId, parentId: props.ParentId, pathPart: props.PathPart }));
    return { physicalId: out.id!, ref: out.id!, attributes: { ResourceId: out.id } };
  },
  async delete(ctx, current, props) {
    await ignoreMissing(ctx.clients.apigw.send(new DeleteResourceCommand({ restApiId: props.RestApiId, resourceId: current.physicalId })));
  },
};

/** CloudFormation writes RequestParameters as `{name: true}`; YAML may hand the booleans over as text. */
function boolMap(m: Record<string, unknown> | undefined): Record<string, boolean> | undefined {
  if (!m) return undefined;
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v === true || v === 'true']));
}

/** One AWS::ApiGateway::Method = PutMethod + PutIntegration + its integration and method responses. */
async function putMethod(ctx: ProvisionContext, props: Props): Promise<void> {
  const restApiId = props.RestApiId;
  const resourceId = props.ResourceId;
  const httpMethod = String(props.HttpMethod).toUpperCase();
  await ctx.clients.apigw.send(new PutMethodCommand({
    restApiId, resourceId, httpMethod,
    authorizationType: props.AuthorizationType ?? 'NONE',
    authorizerId: props.AuthorizerId,
    apiKeyRequired: props.ApiKeyRequired === true || props.ApiKeyRequired === 'true',
    requestParameters: boolMap(props.RequestParameters),
    requestModels: props.RequestModels,
    requestValidatorId: props.RequestValidatorId,
    authorizationScopes: props.AuthorizationScopes,
    operationName: props.OperationName,
  }));
  // Method responses first: an integration response must name a status the method declares.
  for (const r of (props.MethodResponses ?? []) as Props[]) {
    await ctx.clients.apigw.send(new PutMethodResponseCommand({ restApiId, resourceId, httpMethod, statusCode: String(r.StatusCode), responseParameters: boolMap(r.ResponseParameters), responseModels: r.ResponseModels }));
  }
  const i = props.Integration;
  if (i) {
    await ctx.clients.apigw.send(new PutIntegrationCommand({
      restApiId, resourceId, httpMethod,
      type: i.Type, integrationHttpMethod: i.IntegrationHttpMethod, uri: i.Uri, credentials: i.Credentials,
      connectionType: i.ConnectionType, connectionId: i.ConnectionId,
      requestTemplates: i.RequestTemplates, requestParameters: i.RequestParameters,
      passthroughBehavior: i.PassthroughBehavior, timeoutInMillis: i.TimeoutInMillis === undefined ? undefined : Number(i.TimeoutInMillis),
      contentHandling: i.ContentHandling, cacheNamespace: i.CacheNamespace, cacheKeyParameters: i.CacheKeyParameters,
    }));
    // Non-proxy integrations answer only through their integration responses (without one, every
    // call would end in a 500 "Internal server error").
    for (const r of (i.IntegrationResponses ?? []) as Props[]) {
      await ctx.clients.apigw.send(new PutIntegrationResponseCommand({
        restApiId, resourceId, httpMethod, statusCode: String(r.StatusCode), selectionPattern: r.SelectionPattern,
        responseParameters: r.ResponseParameters, responseTemplates: r.ResponseTemplates, contentHandling: r.ContentHandling,
      }));
    }
  }
}

const apiMethod: Provisioner = {
  async create(ctx, _logicalId, props) {
    await putMethod(ctx, props);
    const id = `${props.RestApiId}/${props.ResourceId}/${String(props.HttpMethod).toUpperCase()}`;
    return { physicalId: id, ref: id, attributes: {} };
  },
  // Same resource and verb: the method is redefined where it is. (A replacement would create the
  // "new" method over the old one and then delete it, as they share their physical id.)
  async update(ctx, _logicalId, current, props, old) {
    await ignoreMissing(ctx.clients.apigw.send(new DeleteMethodCommand({ restApiId: old.RestApiId, resourceId: old.ResourceId, httpMethod: String(old.HttpMethod).toUpperCase() })));
    await putMethod(ctx, props);
    return current;
  },
  async delete(ctx, current, props) {
    await ignoreMissing(ctx.clients.apigw.send(new DeleteMethodCommand({ restApiId: props.RestApiId, resourceId: props.ResourceId, httpMethod: String(props.HttpMethod).toUpperCase() })));
    void current;
  },
};

const deployment: Provisioner = {
  async create(ctx, _logicalId, props) {
    const out = await ctx.clients.apigw.send(new CreateDeploymentCommand({ restApiId: props.RestApiId, description: props.Description, stageName: props.StageName }));
    return { physicalId: out.id!, ref: out.id!, attributes: { DeploymentId: out.id } };
  },
  async delete(ctx, current, props) {
    try {
      await ignoreMissing(ctx.clients.apigw.send(new DeleteDeploymentCommand({ restApiId: props.RestApiId, deploymentId: current.physicalId })));
    } catch (err) {
      // A deployment still used by a stage (a StageName deployment) goes away with its API.
      if ((err as { name?: string }).name !== 'BadRequestException') throw err;
    }
  },
};

const METHOD_SETTING_PATHS: Record<string, string> = {
  ThrottlingBurstLimit: 'throttling/burstLimit', ThrottlingRateLimit: 'throttling/rateLimit', MetricsEnabled: 'metrics/enabled',
  LoggingLevel: 'logging/loglevel', DataTraceEnabled: 'logging/dataTrace', CachingEnabled: 'caching/enabled',
  CacheTtlInSeconds: 'caching/ttlInSeconds', CacheDataEncrypted: 'caching/dataEncrypted',
};

function methodSettingOps(settings: Props[] | undefined): PatchOperation[] {
  const ops: PatchOperation[] = [];
  for (const s of settings ?? []) {
    // `/*` (every resource) is written `*`; other paths escape `/` as `~1` (`/pets` → `~1pets`).
    const raw = String(s.ResourcePath ?? '/*');
    const resourcePath = raw === '/*' ? '*' : raw.replace(/~/g, '~0').replace(/\//g, '~1');
    const method = String(s.HttpMethod ?? '*');
    for (const [k, path] of Object.entries(METHOD_SETTING_PATHS)) {
      if (s[k] !== undefined) ops.push({ op: 'replace', path: `/${resourcePath}/${method}/${path}`, value: String(s[k]) });
    }
  }
  return ops;
}

function canary(c: Props | undefined) {
  if (!c) return undefined;
  return { percentTraffic: c.PercentTraffic === undefined ? undefined : Number(c.PercentTraffic), deploymentId: c.DeploymentId, stageVariableOverrides: c.StageVariableOverrides, useStageCache: c.UseStageCache };
}

/** A stage's AccessLogSetting (DestinationArn and Format) as UpdateStage operations; removing it turns access logging off. */
function accessLogOps(now: Props | undefined, before: Props | undefined): PatchOperation[] {
  if (JSON.stringify(now ?? null) === JSON.stringify(before ?? null)) return [];
  if (!now || (now.DestinationArn === undefined && now.Format === undefined)) return before ? [{ op: 'remove', path: '/accessLogSettings' }] : [];
  const ops: PatchOperation[] = [];
  if (now.DestinationArn !== undefined) ops.push({ op: 'replace', path: '/accessLogSettings/destinationArn', value: String(now.DestinationArn) });
  if (now.Format !== undefined) ops.push({ op: 'replace', path: '/accessLogSettings/format', value: String(now.Format) });
  return ops;
}

/**
 * AWS::ApiGateway::Account: the account's CloudWatch role (UpdateAccount). Deleting it leaves the
 * account setting as it is, as CloudFormation documents. Ref is an id of CloudFormation's shape.
 */
const apiGatewayAccount: Provisioner = {
  async create(ctx, logicalId, props) {
    if (props.CloudWatchRoleArn !== undefined) {
      await ctx.clients.apigw.send(new UpdateAccountCommand({ patchOperations: [{ op: 'replace', path: '/cloudwatchRoleArn', value: String(props.CloudWatchRoleArn) }] }));
    }
    const id = `${ctx.stackName.slice(0, 5)}-${logicalId.slice(0, 5)}-${randomBytes(6).toString('hex')}`.toLowerCase();
    return { physicalId: id, ref: id, attributes: { Id: id } };
  },
  async update(ctx, _logicalId, current, props, old) {
    if (props.CloudWatchRoleArn !== old.CloudWatchRoleArn) {
      await ctx.clients.apigw.send(new UpdateAccountCommand({ patchOperations: [{ op: 'replace', path: '/cloudwatchRoleArn', value: String(props.CloudWatchRoleArn ?? '') }] }));
    }
    return current;
  },
  async delete() {
    // The role stays the account's (CloudFormation: "API Gateway can still assume the provided IAM role").
  },
};

const stage: Provisioner = {
  async create(ctx, _logicalId, props) {
    await ctx.clients.apigw.send(new CreateStageCommand({
      restApiId: props.RestApiId, stageName: props.StageName, deploymentId: props.DeploymentId, description: props.Description,
      variables: props.Variables ? stringMap(props.Variables) : undefined, canarySettings: canary(props.CanarySetting),
      tracingEnabled: props.TracingEnabled, cacheClusterEnabled: props.CacheClusterEnabled, cacheClusterSize: props.CacheClusterSize,
    }));
    const ops = [...methodSettingOps(props.MethodSettings), ...accessLogOps(props.AccessLogSetting, undefined)];
    if (ops.length) await ctx.clients.apigw.send(new UpdateStageCommand({ restApiId: props.RestApiId, stageName: props.StageName, patchOperations: ops }));
    return { physicalId: props.StageName, ref: props.StageName, attributes: {} };
  },
  async update(ctx, _logicalId, current, props, old) {
    const ops: PatchOperation[] = [];
    if (props.DeploymentId !== old.DeploymentId) ops.push({ op: 'replace', path: '/deploymentId', value: props.DeploymentId });
    if (props.Description !== old.Description) ops.push({ op: 'replace', path: '/description', value: props.Description ?? '' });
    const nv = props.Variables ? stringMap(props.Variables) : {};
    const ov = old.Variables ? stringMap(old.Variables) : {};
    for (const k of Object.keys(ov)) if (!(k in nv)) ops.push({ op: 'remove', path: `/variables/${k}` });
    for (const [k, v] of Object.entries(nv)) if (ov[k] !== v) ops.push({ op: 'replace', path: `/variables/${k}`, value: v });
    if (JSON.stringify(props.CanarySetting) !== JSON.stringify(old.CanarySetting)) {
      if (!props.CanarySetting) ops.push({ op: 'remove', path: '/canarySettings' });
      else {
        const c = canary(props.CanarySetting)!;
        if (c.percentTraffic !== undefined) ops.push({ op: 'replace', path: '/canarySettings/percentTraffic', value: String(c.percentTraffic) });
        if (c.deploymentId !== undefined) ops.push({ op: 'replace', path: '/canarySettings/deploymentId', value: c.deploymentId });
        for (const [k, v] of Object.entries(c.stageVariableOverrides ?? {})) ops.push({ op: 'replace', path: `/canarySettings/stageVariableOverrides/${k}`, value: String(v) });
      }
    }
    if (JSON.stringify(props.MethodSettings) !== JSON.stringify(old.MethodSettings)) ops.push(...methodSettingOps(props.MethodSettings));
    ops.push(...accessLogOps(props.AccessLogSetting, old.AccessLogSetting));
    if (props.TracingEnabled !== old.TracingEnabled) ops.push({ op: 'replace', path: '/tracingEnabled', value: String(props.TracingEnabled === true || props.TracingEnabled === 'true') });
    if (ops.length) await ctx.clients.apigw.send(new UpdateStageCommand({ restApiId: props.RestApiId, stageName: props.StageName, patchOperations: ops }));
    return current;
  },
  async delete(ctx, current, props) {
    await ignoreMissing(ctx.clients.apigw.send(new DeleteStageCommand({ restApiId: props.RestApiId, stageName: current.physicalId })));
  },
};

const apiKey: Provisioner = {
  async create(ctx, logicalId, props) {
    const out = await ctx.clients.apigw.send(new CreateApiKeyCommand({
      name: props.Name ?? physicalName(ctx.stackName, logicalId, 128), description: props.Description,
      enabled: props.Enabled === true || props.Enabled === 'true', value: props.Value, customerId: props.CustomerId,
      generateDistinctId: props.GenerateDistinctId,
      stageKeys: (props.StageKeys as Props[] | undefined)?.map((s) => ({ restApiId: s.RestApiId, stageName: s.StageName })),
    }));
    return { physicalId: out.id!, ref: out.id!, attributes: { APIKeyId: out.id } };
  },
  async delete(ctx, current) {
    await ignoreMissing(ctx.clients.apigw.send(new DeleteApiKeyCommand({ apiKey: current.physicalId })));
  },
};

function planShape(props: Props) {
  return {
    name: props.UsagePlanName, description: props.Description,
    apiStages: (props.ApiStages as Props[] | undefined)?.map((s) => ({ apiId: s.ApiId, stage: s.Stage })),
    quota: props.Quota ? { limit: Number(props.Quota.Limit), period: props.Quota.Period, offset: props.Quota.Offset === undefined ? undefined : Number(props.Quota.Offset) } : undefined,
    throttle: props.Throttle ? { burstLimit: props.Throttle.BurstLimit === undefined ? undefined : Number(props.Throttle.BurstLimit), rateLimit: props.Throttle.RateLimit === undefined ? undefined : Number(props.Throttle.RateLimit) } : undefined,
  };
}

const usagePlan: Provisioner = {
  async create(ctx, logicalId, props) {
    const shape = planShape(props);
    const out = await ctx.clients.apigw.send(new CreateUsagePlanCommand({ ...shape, name: shape.name ?? physicalName(ctx.stackName, logicalId, 128) }));
    return { physicalId: out.id!, ref: out.id!, attributes: { Id: out.id } };
  },
  async update(ctx, _logicalId, current, props, old) {
    const n = planShape(props);
    const o = planShape(old);
    const ops: PatchOperation[] = [];
    if (n.description !== o.description) ops.push({ op: 'replace', path: '/description', value: n.description ?? '' });
    if (n.name !== undefined && n.name !== o.name) ops.push({ op: 'replace', path: '/name', value: n.name });
    const key = (s: { apiId?: string; stage?: string }) => `${s.apiId}:${s.stage}`;
    const ns = new Set((n.apiStages ?? []).map(key));
    const os = new Set((o.apiStages ?? []).map(key));
    for (const s of os) if (!ns.has(s)) ops.push({ op: 'remove', path: '/apiStages', value: s });
    for (const s of ns) if (!os.has(s)) ops.push({ op: 'add', path: '/apiStages', value: s });
    if (JSON.stringify(n.throttle) !== JSON.stringify(o.throttle)) {
      if (n.throttle?.burstLimit !== undefined) ops.push({ op: 'replace', path: '/throttle/burstLimit', value: String(n.throttle.burstLimit) });
      if (n.throttle?.rateLimit !== undefined) ops.push({ op: 'replace', path: '/throttle/rateLimit', value: String(n.throttle.rateLimit) });
      if (!n.throttle) ops.push({ op: 'remove', path: '/throttle' });
    }
    if (JSON.stringify(n.quota) !== JSON.stringify(o.quota)) {
      if (n.quota) {
        ops.push({ op: 'replace', path: '/quota/limit', value: String(n.quota.limit) });
        ops.push({ op: 'replace', path: '/quota/period', value: String(n.quota.period) });
      } else ops.push({ op: 'remove', path: '/quota' });
    }
    if (ops.length) await ctx.clients.apigw.send(new UpdateUsagePlanCommand({ usagePlanId: current.physicalId, patchOperations: ops }));
    return current;
  },
  async delete(ctx, current, props) {
    // API Gateway refuses to delete a plan still attached to stages; CloudFormation detaches first.
    const stages = planShape(props).apiStages ?? [];
    if (stages.length) {
      await ignoreMissing(ctx.clients.apigw.send(new UpdateUsagePlanCommand({
        usagePlanId: current.physicalId,
        patchOperations: stages.map((s) => ({ op: 'remove', path: '/apiStages', value: `${s.apiId}:${s.stage}` })),
      })));
    }
    await ignoreMissing(ctx.clients.apigw.send(new DeleteUsagePlanCommand({ usagePlanId: current.physicalId })));
  },
};

const usagePlanKey: Provisioner = {
  async create(ctx, _logicalId, props) {
    const out = await ctx.clients.apigw.send(new CreateUsagePlanKeyCommand({ usagePlanId: props.UsagePlanId, keyId: props.KeyId, keyType: props.KeyType }));
    return { physicalId: out.id!, ref: out.id!, attributes: { Id: out.id } };
  },
  async delete(ctx, current, props) {
    await ignoreMissing(ctx.clients.apigw.send(new DeleteUsagePlanKeyCommand({ usagePlanId: props.UsagePlanId, keyId: current.physicalId })));
  },
};

// ---- Recorded-only types (no such service in Nimbus; see docs/compat.md) ----------------------
// Nothing running depends on them (see ../template/types.ts): their names and ARNs are made up the
// way AWS makes them, so references to them resolve.

function recordedOnly(describe: (ctx: ProvisionContext, logicalId: string, props: Props) => Provisioned): Provisioner {
  return {
    async create(ctx, logicalId, props) {
      return describe(ctx, logicalId, props);
    },
    async update(_ctx, _id, current) {
      return current;
    },
    async delete() {},
  };
}

/** The resource's name property, else a generated one; Ref is the name. */
const recordedName = (nameProp: string, max = 100, attributes: (ctx: ProvisionContext, name: string, props: Props) => Record<string, unknown> = () => ({})) =>
  recordedOnly((ctx, logicalId, props) => {
    const name = props[nameProp] ?? physicalName(ctx.stackName, logicalId, max);
    return { physicalId: name, ref: name, attributes: attributes(ctx, name, props) };
  });

const iamId = (prefix: string) => `${prefix}${randomBytes(8).toString('hex').toUpperCase()}`;

const iamRole = recordedName('RoleName', 64, (ctx, name, props) => ({
  Arn: `arn:aws:iam::${ctx.accountId}:role${props.Path ?? '/'}${name}`,
  RoleId: iamId('AROA'),
}));

/** Ref and PolicyArn are the ARN. */
const managedPolicy = recordedOnly((ctx, logicalId, props) => {
  const arn = `arn:aws:iam::${ctx.accountId}:policy${props.Path ?? '/'}${props.ManagedPolicyName ?? physicalName(ctx.stackName, logicalId, 128)}`;
  return { physicalId: arn, ref: arn, attributes: { PolicyArn: arn, PolicyId: iamId('ANPA') } };
});

/** An inline policy's Ref is an id CloudFormation makes up. */
const inlinePolicy = recordedOnly((ctx, logicalId) => {
  const id = physicalName(ctx.stackName.slice(0, 5), logicalId.slice(0, 5), 30);
  return { physicalId: id, ref: id, attributes: { Id: id } };
});

/** Ref and ApplicationARN are the ARN, named after the resource group. */
const insightsApplication = recordedOnly((ctx, _logicalId, props) => {
  const arn = `arn:aws:applicationinsights:${ctx.region}:${ctx.accountId}:application/resource-group/${props.ResourceGroupName}`;
  return { physicalId: arn, ref: arn, attributes: { ApplicationARN: arn } };
});

// ---- EventBridge rules ----------------------------------------------------------------------------

/** Lambda and Step Functions targets are delivered by Nimbus's EventBridge; any other target is only
 * recorded (and fired client side by `nimbus schedules`, src/sam/scheduler.ts, where it can be). */
const isLambdaArn = (arn: unknown) => typeof arn === 'string' && /^arn:aws[a-z-]*:(lambda|states):/.test(arn);

async function putEventsRule(ctx: ProvisionContext, name: string, p: Props): Promise<string> {
  const out = await ctx.clients.events.send(new PutRuleCommand({
    Name: name,
    // A bus name or ARN (`!Ref Bus` / `!GetAtt Bus.Arn`); absent means the default bus.
    EventBusName: p.EventBusName,
    ScheduleExpression: p.ScheduleExpression,
    // CloudFormation takes the pattern as a JSON object; PutRule takes it as text.
    EventPattern: p.EventPattern === undefined ? undefined : typeof p.EventPattern === 'string' ? p.EventPattern : JSON.stringify(p.EventPattern),
    State: p.State,
    Description: p.Description,
    RoleArn: p.RoleArn,
  }));
  const targets = ((p.Targets ?? []) as Props[]).filter((t) => isLambdaArn(t.Arn));
  if (targets.length) {
    const put = await ctx.clients.events.send(new PutTargetsCommand({
      Rule: name,
      EventBusName: p.EventBusName,
      Targets: targets.map((t) => ({ Id: String(t.Id), Arn: t.Arn, Input: t.Input, InputPath: t.InputPath, InputTransformer: t.InputTransformer, RoleArn: t.RoleArn, RetryPolicy: t.RetryPolicy })),
    }));
    if (put.FailedEntryCount) {
      const f = put.FailedEntries?.[0];
      throw new Error(`PutTargets on rule ${name} failed for ${f?.TargetId}: ${f?.ErrorCode}: ${f?.ErrorMessage}`);
    }
  }
  return out.RuleArn ?? `arn:aws:events:${ctx.region}:${ctx.accountId}:rule/${name}`;
}

const eventsRule: Provisioner = {
  async create(ctx, logicalId, props) {
    const name = props.Name ?? physicalName(ctx.stackName, logicalId, 64);
    const arn = await putEventsRule(ctx, name, props);
    // A SAM ScheduleV2 event's rule stands for a Scheduler schedule (see scheduleV2AsRule).
    if (props['Nimbus::FireOnCreate'] === true) {
      for (const t of (props.Targets ?? []) as Props[]) await fireOnCreate(ctx, arn, { ScheduleExpression: props.ScheduleExpression, State: props.State, Target: t });
    }
    return { physicalId: name, ref: name, attributes: { Arn: arn } };
  },
  async update(ctx, _id, current, props, old) {
    const keep = new Set(((props.Targets ?? []) as Props[]).filter((t) => isLambdaArn(t.Arn)).map((t) => String(t.Id)));
    const gone = ((old.Targets ?? []) as Props[]).filter((t) => isLambdaArn(t.Arn) && !keep.has(String(t.Id))).map((t) => String(t.Id));
    // EventBusName replaces the rule (types.ts), so old and new are on the same bus here.
    if (gone.length) await ctx.clients.events.send(new RemoveTargetsCommand({ Rule: current.physicalId, EventBusName: props.EventBusName, Ids: gone }));
    const arn = await putEventsRule(ctx, current.physicalId, props);
    return { ...current, attributes: { Arn: arn } };
  },
  async delete(ctx, current, props) {
    // Like CloudFormation: remove the rule's targets, then the rule (EventBridge refuses otherwise).
    // A rule whose bus is already gone is gone with it.
    const bus = props.EventBusName as string | undefined;
    try {
      const ids = ((await ctx.clients.events.send(new ListTargetsByRuleCommand({ Rule: current.physicalId, EventBusName: bus }))).Targets ?? []).map((t) => t.Id!);
      if (ids.length) await ctx.clients.events.send(new RemoveTargetsCommand({ Rule: current.physicalId, EventBusName: bus, Ids: ids }));
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    await ignoreMissing(ctx.clients.events.send(new DeleteRuleCommand({ Name: current.physicalId, EventBusName: bus })));
  },
};

// ---- Step Functions activities -------------------------------------------------------------------

type Tag = { Key: string; Value: string };
const tagList = (t: unknown) => ((t ?? []) as Tag[]).map((x) => ({ key: String(x.Key), value: String(x.Value) }));

/** AWS::StepFunctions::Activity: Ref is the activity's ARN, GetAtt Name its name; Tags change in place. */
const activity: Provisioner = {
  async create(ctx, _logicalId, props) {
    const out = await ctx.clients.sfn.send(new CreateActivityCommand({ name: String(props.Name), tags: tagList(props.Tags), encryptionConfiguration: props.EncryptionConfiguration }));
    const arn = out.activityArn!;
    return { physicalId: arn, ref: arn, attributes: { Arn: arn, Name: String(props.Name) } };
  },
  async update(ctx, _logicalId, current, props, old) {
    const now = new Set(tagList(props.Tags).map((t) => t.key));
    const gone = tagList(old.Tags).map((t) => t.key).filter((k) => !now.has(k));
    if (gone.length) await ctx.clients.sfn.send(new UntagResourceCommand({ resourceArn: current.physicalId, tagKeys: gone }));
    if (now.size) await ctx.clients.sfn.send(new TagResourceCommand({ resourceArn: current.physicalId, tags: tagList(props.Tags) }));
    return current;
  },
  async delete(ctx, current) {
    await ignoreMissing(ctx.clients.sfn.send(new DeleteActivityCommand({ activityArn: current.physicalId })));
  },
};

// ---- EventBridge Scheduler --------------------------------------------------------------------------

/**
 * AWS::Scheduler::Schedule as an EventBridge rule named after the schedule on the default bus (there
 * is no Scheduler service here): a recurring UTC schedule fires its target the same way, with the
 * target's Input. The plan refuses what a rule cannot do (at(), other time zones, start/end dates);
 * FlexibleTimeWindow, RetryPolicy, DeadLetterConfig and KmsKeyArn are recorded. Differences: the rule
 * shows in ListRules; without Input the target gets the rule's Scheduled Event.
 */
function scheduleAsRule(props: Props): Props {
  const target = (props.Target ?? {}) as Props;
  return {
    ScheduleExpression: schedulerExpressionForRule(String(props.ScheduleExpression)),
    State: props.State ?? 'ENABLED',
    Description: props.Description,
    Targets: [{ Id: 'SchedulerTarget', Arn: target.Arn, Input: target.Input }],
  };
}

/**
 * Scheduler starts a rate schedule without StartDate at once ("your schedule starts invoking the target
 * immediately"), where an EventBridge rule waits one period: the first fire is made here, as the
 * schedule is created, the same way the rule delivers (asynchronous invoke / StartExecution).
 */
async function fireOnCreate(ctx: ProvisionContext, ruleArn: string, props: Props): Promise<void> {
  if (!/^\s*rate\(/.test(String(props.ScheduleExpression)) || (props.State ?? 'ENABLED') !== 'ENABLED') return;
  const target = (props.Target ?? {}) as Props;
  const arn = String(target.Arn ?? '');
  const payload = typeof target.Input === 'string' ? target.Input : JSON.stringify({
    version: '0', id: randomUUID(), 'detail-type': 'Scheduled Event', source: 'aws.events', account: ctx.accountId,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), region: ctx.region, resources: [ruleArn], detail: {},
  });
  if (/^arn:aws[a-z-]*:lambda:/.test(arn)) {
    await ctx.clients.lambda.send(new InvokeCommand({ FunctionName: arn, InvocationType: 'Event', Payload: Buffer.from(payload) }));
  } else if (/^arn:aws[a-z-]*:states:/.test(arn)) {
    await ctx.clients.sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: payload }));
  }
}

const schedulerSchedule: Provisioner = {
  async create(ctx, logicalId, props) {
    const name = String(props.Name ?? physicalName(ctx.stackName, logicalId, 64));
    const ruleArn = await putEventsRule(ctx, name, scheduleAsRule(props));
    await fireOnCreate(ctx, ruleArn, props);
    const arn = `arn:aws:scheduler:${ctx.region}:${ctx.accountId}:schedule/${props.GroupName ?? 'default'}/${name}`;
    return { physicalId: name, ref: name, attributes: { Arn: arn } };
  },
  async update(ctx, logicalId, current, props, old) {
    return { ...(await eventsRule.update!(ctx, logicalId, current, scheduleAsRule(props), scheduleAsRule(old))), attributes: current.attributes };
  },
  async delete(ctx, current) {
    await eventsRule.delete(ctx, current, {});
  },
};

// ---- EventBridge event buses ----------------------------------------------------------------------

/** AWS::Events::EventBus: a custom bus (Ref and GetAtt Name are its name, GetAtt Arn its ARN). Policy is
 * accepted and not applied: Nimbus has one account and checks no resource policies. */
const eventBus: Provisioner = {
  async create(ctx, _logicalId, props) {
    const name = String(props.Name);
    const out = await ctx.clients.events.send(new CreateEventBusCommand({
      Name: name,
      Description: props.Description,
      EventSourceName: props.EventSourceName,
      KmsKeyIdentifier: props.KmsKeyIdentifier,
      DeadLetterConfig: props.DeadLetterConfig,
      Tags: props.Tags,
    }));
    return { physicalId: name, ref: name, attributes: { Arn: out.EventBusArn!, Name: name } };
  },
  async update(ctx, _id, current, props) {
    await ctx.clients.events.send(new UpdateEventBusCommand({
      Name: current.physicalId,
      Description: props.Description,
      KmsKeyIdentifier: props.KmsKeyIdentifier,
      DeadLetterConfig: props.DeadLetterConfig,
    }));
    return current;
  },
  async delete(ctx, current) {
    // Rules on the bus refer to it (Ref / GetAtt), so the deployer has deleted them by now.
    await ctx.clients.events.send(new DeleteEventBusCommand({ Name: current.physicalId }));
  },
};

// ---- CloudWatch alarms --------------------------------------------------------------------------

const num = (v: unknown) => (v === undefined || v === null ? undefined : Number(v));
const dims = (d: unknown) => (d as Array<{ Name: string; Value: unknown }> | undefined)?.map((x) => ({ Name: x.Name, Value: String(x.Value) }));

/** CloudFormation's alarm properties are PutMetricAlarm's members; numbers may arrive as strings. */
async function putAlarm(ctx: ProvisionContext, name: string, p: Props) {
  await ctx.clients.cloudwatch.send(new PutMetricAlarmCommand({
    AlarmName: name,
    AlarmDescription: p.AlarmDescription,
    ActionsEnabled: p.ActionsEnabled === undefined ? undefined : p.ActionsEnabled === true || p.ActionsEnabled === 'true',
    AlarmActions: p.AlarmActions,
    OKActions: p.OKActions,
    InsufficientDataActions: p.InsufficientDataActions,
    Namespace: p.Namespace,
    MetricName: p.MetricName,
    Dimensions: dims(p.Dimensions),
    Statistic: p.Statistic,
    ExtendedStatistic: p.ExtendedStatistic,
    Period: num(p.Period),
    Unit: p.Unit,
    EvaluationPeriods: num(p.EvaluationPeriods),
    DatapointsToAlarm: num(p.DatapointsToAlarm),
    Threshold: num(p.Threshold),
    ThresholdMetricId: p.ThresholdMetricId,
    ComparisonOperator: p.ComparisonOperator,
    TreatMissingData: p.TreatMissingData,
    EvaluateLowSampleCountPercentile: p.EvaluateLowSampleCountPercentile,
    Metrics: (p.Metrics as Props[] | undefined)?.map((m) => ({
      Id: m.Id, Expression: m.Expression, Label: m.Label, ReturnData: m.ReturnData, Period: num(m.Period), AccountId: m.AccountId,
      MetricStat: m.MetricStat ? {
        Metric: { Namespace: m.MetricStat.Metric?.Namespace, MetricName: m.MetricStat.Metric?.MetricName, Dimensions: dims(m.MetricStat.Metric?.Dimensions) },
        Period: num(m.MetricStat.Period), Stat: m.MetricStat.Stat, Unit: m.MetricStat.Unit,
      } : undefined,
    })),
  }));
}

const alarm: Provisioner = {
  async create(ctx, logicalId, props) {
    const name = props.AlarmName ?? physicalName(ctx.stackName, logicalId, 255);
    await putAlarm(ctx, name, props);
    return { physicalId: name, ref: name, attributes: { Arn: `arn:aws:cloudwatch:${ctx.region}:${ctx.accountId}:alarm:${name}` } };
  },
  async update(ctx, _id, current, props) {
    await putAlarm(ctx, current.physicalId, props);
    return current;
  },
  async delete(ctx, current) {
    await ignoreMissing(ctx.clients.cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: [current.physicalId] })));
  },
};

const logGroup: Provisioner = {
  async create(ctx, logicalId, props) {
    const name = props.LogGroupName ?? physicalName(ctx.stackName, logicalId, 512);
    await ctx.clients.logs.send(new CreateLogGroupCommand({ logGroupName: name }));
    if (props.RetentionInDays !== undefined) await ctx.clients.logs.send(new PutRetentionPolicyCommand({ logGroupName: name, retentionInDays: Number(props.RetentionInDays) }));
    return { physicalId: name, ref: name, attributes: { Arn: `arn:aws:logs:${ctx.region}:${ctx.accountId}:log-group:${name}:*` } };
  },
  async update(ctx, _id, current, props, old) {
    if (props.RetentionInDays !== old.RetentionInDays) {
      if (props.RetentionInDays === undefined) await ctx.clients.logs.send(new DeleteRetentionPolicyCommand({ logGroupName: current.physicalId }));
      else await ctx.clients.logs.send(new PutRetentionPolicyCommand({ logGroupName: current.physicalId, retentionInDays: Number(props.RetentionInDays) }));
    }
    return current;
  },
  async delete(ctx, current) {
    await ignoreMissing(ctx.clients.logs.send(new DeleteLogGroupCommand({ logGroupName: current.physicalId })));
  },
};

export const PROVISIONERS: Record<string, Provisioner> = {
  'AWS::Lambda::Function': lambdaFunction,
  'AWS::Lambda::Version': lambdaVersion,
  'AWS::Lambda::LayerVersion': lambdaLayerVersion,
  'AWS::Lambda::Alias': lambdaAlias,
  'AWS::Lambda::EventInvokeConfig': eventInvokeConfig,
  'AWS::Lambda::Url': lambdaUrl,
  'AWS::Lambda::Permission': lambdaPermission,
  'AWS::Lambda::LayerVersionPermission': lambdaLayerVersionPermission,
  'AWS::StepFunctions::StateMachine': stateMachine,
  'AWS::StepFunctions::Activity': activity,
  'AWS::CloudFormation::Stack': nestedStack,
  'AWS::StepFunctions::StateMachineVersion': stateMachineVersion,
  'AWS::StepFunctions::StateMachineAlias': stateMachineAlias,
  'AWS::ApiGateway::RestApi': restApi,
  'AWS::ApiGateway::Resource': apiResource,
  'AWS::ApiGateway::Method': apiMethod,
  'AWS::ApiGateway::Deployment': deployment,
  'AWS::ApiGateway::Stage': stage,
  'AWS::ApiGateway::Account': apiGatewayAccount,
  'AWS::ApiGateway::ApiKey': apiKey,
  'AWS::ApiGateway::UsagePlan': usagePlan,
  'AWS::ApiGateway::UsagePlanKey': usagePlanKey,
  'AWS::ApiGateway::Authorizer': authorizer,
  'AWS::ApiGateway::RequestValidator': requestValidator,
  'AWS::ApiGateway::Model': model,
  'AWS::ApiGateway::GatewayResponse': gatewayResponse,
  'AWS::ApiGatewayV2::Api': httpApi,
  'AWS::ApiGatewayV2::Integration': httpIntegration,
  'AWS::ApiGatewayV2::Authorizer': httpAuthorizer,
  'AWS::ApiGatewayV2::Route': httpRoute,
  'AWS::ApiGatewayV2::Stage': httpStage,
  'AWS::ApiGatewayV2::RouteResponse': httpRouteResponse,
  'AWS::ApiGatewayV2::Deployment': httpDeployment,
  'AWS::IAM::Role': iamRole,
  'AWS::IAM::ManagedPolicy': managedPolicy,
  'AWS::IAM::Policy': inlinePolicy,
  'AWS::ResourceGroups::Group': recordedName('Name', 128, (ctx, name) => ({ Arn: `arn:aws:resource-groups:${ctx.region}:${ctx.accountId}:group/${name}` })),
  'AWS::ApplicationInsights::Application': insightsApplication,
  'AWS::CloudWatch::Dashboard': recordedName('DashboardName', 255),
  'AWS::CodeDeploy::Application': recordedName('ApplicationName'),
  'AWS::CodeDeploy::DeploymentGroup': recordedName('DeploymentGroupName'),
  'AWS::Logs::LogGroup': logGroup,
  'AWS::Events::Rule': eventsRule,
  'AWS::Scheduler::Schedule': schedulerSchedule,
  // No Scheduler service: a group only gives its schedules their ARN (…:schedule/<group>/<name>).
  'AWS::Scheduler::ScheduleGroup': recordedName('Name', 64, (ctx, name) => {
    const now = new Date().toISOString();
    return { Arn: `arn:aws:scheduler:${ctx.region}:${ctx.accountId}:schedule-group/${name}`, CreationDate: now, LastModificationDate: now, State: 'ACTIVE' };
  }),
  'AWS::Events::EventBus': eventBus,
  'AWS::CloudWatch::Alarm': alarm,
};
