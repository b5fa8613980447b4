// Domain objects → the JSON shapes the Lambda API returns.
import { createHash } from 'node:crypto';
import type { ProvisionedConfig } from '../core/provisioned.js';
import {
  LATEST,
  functionArn,
  layerArn,
  layerVersionArn,
  type Alias,
  type EventInvokeConfig,
  type FunctionVersion,
  type LayerVersion,
  type RuntimeManagement,
} from '../core/model.js';

export interface RenderOptions {
  /** $LATEST named explicitly: its ARN carries the `:$LATEST` qualifier. */
  qualifiedLatest?: boolean;
  /** The alias the caller named: the ARN carries it (Version stays the version it points to). */
  alias?: string;
  /** An item of ListFunctions / ListVersionsByFunction: AWS leaves out state and runtime version there. */
  listed?: boolean;
}

export function renderConfiguration(v: FunctionVersion, options: RenderOptions = {}): Record<string, unknown> {
  const qualifier = options.alias ?? (v.version === LATEST && !options.qualifiedLatest ? undefined : v.version);
  const out: Record<string, unknown> = {
    FunctionName: v.functionName,
    FunctionArn: functionArn(v.region, v.accountId, v.functionName, qualifier),
    Runtime: v.runtime,
    Role: v.role,
    Handler: v.handler,
    CodeSize: v.codeSize,
    Description: v.description,
    Timeout: v.timeout,
    MemorySize: v.memorySize,
    LastModified: v.lastModified,
    CodeSha256: Buffer.from(v.codeSha256Hex, 'hex').toString('base64'),
    Version: v.version,
    TracingConfig: { Mode: v.tracingMode },
    RevisionId: v.revisionId,
    PackageType: 'Zip',
    Architectures: v.architectures,
    EphemeralStorage: { Size: v.ephemeralStorageSize },
    SnapStart: { ApplyOn: v.snapStartApplyOn ?? 'None', OptimizationStatus: 'Off' },
    LoggingConfig: {
      LogFormat: v.logFormat,
      ...(v.applicationLogLevel ? { ApplicationLogLevel: v.applicationLogLevel } : {}),
      ...(v.systemLogLevel ? { SystemLogLevel: v.systemLogLevel } : {}),
      LogGroup: v.logGroup,
    },
  };
  if (v.environmentGiven || Object.keys(v.environment).length > 0) out.Environment = { Variables: v.environment };
  if (!options.listed) Object.assign(out, renderState(v), { RuntimeVersionConfig: { RuntimeVersionArn: runtimeVersionArn(v.region, v.runtime) } });
  if (v.layers.length > 0) out.Layers = v.layers.map((l) => ({ Arn: l.arn, CodeSize: l.codeSize }));
  if (v.deadLetterTargetArn) out.DeadLetterConfig = { TargetArn: v.deadLetterTargetArn };
  if (v.kmsKeyArn) out.KMSKeyArn = v.kmsKeyArn;
  if (v.vpcConfig) {
    // The VpcId would come from EC2, which Nimbus does not have; a detached config has AWS's empty one.
    const detached = v.vpcConfig.subnetIds.length === 0 && v.vpcConfig.securityGroupIds.length === 0;
    out.VpcConfig = {
      SubnetIds: v.vpcConfig.subnetIds,
      SecurityGroupIds: v.vpcConfig.securityGroupIds,
      Ipv6AllowedForDualStack: v.vpcConfig.ipv6AllowedForDualStack,
      ...(detached ? { VpcId: '' } : {}),
    };
  }
  return out;
}

/** State and last update: a Pending function has no update status yet (AWS omits it). */
function renderState(v: FunctionVersion): Record<string, unknown> {
  if (v.state === 'Pending') {
    return { State: v.state, StateReason: 'The function is being created.', StateReasonCode: 'Creating' };
  }
  if (v.failure) {
    const failed = v.state === 'Failed' ? { StateReason: v.failure.reason, StateReasonCode: v.failure.code } : {};
    return { State: v.state, ...failed, LastUpdateStatus: v.lastUpdateStatus, LastUpdateStatusReason: v.failure.reason, LastUpdateStatusReasonCode: v.failure.code };
  }
  return {
    State: v.state,
    LastUpdateStatus: v.lastUpdateStatus,
    ...(v.lastUpdateStatus === 'InProgress'
      ? { LastUpdateStatusReason: 'The function is being created.', LastUpdateStatusReasonCode: 'Creating' }
      : {}),
  };
}

/**
 * The runtime version a function runs on. Nimbus has one build per runtime, so the ARN is derived
 * from the runtime name: stable across restarts and different between runtimes, as on AWS.
 */
export function runtimeVersionArn(region: string, runtime: string): string {
  return `arn:aws:lambda:${region}::runtime:${createHash('sha256').update(runtime).digest('hex')}`;
}

export function renderAlias(a: Alias): Record<string, unknown> {
  const out: Record<string, unknown> = {
    AliasArn: functionArn(a.region, a.accountId, a.functionName, a.name),
    Name: a.name,
    FunctionVersion: a.functionVersion,
    Description: a.description,
    RevisionId: a.revisionId,
  };
  if (Object.keys(a.additionalVersionWeights).length > 0) {
    out.RoutingConfig = { AdditionalVersionWeights: a.additionalVersionWeights };
  }
  return out;
}

export function renderEventInvokeConfig(c: EventInvokeConfig, accountId: string, region: string): Record<string, unknown> {
  const destinations: Record<string, unknown> = {};
  if (c.onSuccess) destinations.OnSuccess = { Destination: c.onSuccess };
  if (c.onFailure) destinations.OnFailure = { Destination: c.onFailure };
  return {
    LastModified: c.lastModified,
    FunctionArn: functionArn(region, accountId, c.functionName, c.qualifier),
    ...(c.maximumRetryAttempts !== undefined ? { MaximumRetryAttempts: c.maximumRetryAttempts } : {}),
    ...(c.maximumEventAgeInSeconds !== undefined ? { MaximumEventAgeInSeconds: c.maximumEventAgeInSeconds } : {}),
    DestinationConfig: { OnSuccess: {}, OnFailure: {}, ...destinations },
  };
}

/** A layer version as ListLayerVersions and ListLayers list it (no content, no layer ARN). */
export function renderLayerVersionItem(v: LayerVersion): Record<string, unknown> {
  return {
    LayerVersionArn: layerVersionArn(v.region, v.accountId, v.layerName, v.version),
    Version: v.version,
    Description: v.description,
    CreatedDate: v.createdDate,
    ...(v.compatibleRuntimes.length > 0 || v.listsGiven?.runtimes ? { CompatibleRuntimes: v.compatibleRuntimes } : {}),
    ...(v.licenseInfo !== undefined ? { LicenseInfo: v.licenseInfo } : {}),
    ...(v.compatibleArchitectures.length > 0 || v.listsGiven?.architectures ? { CompatibleArchitectures: v.compatibleArchitectures } : {}),
  };
}

/** PublishLayerVersion / GetLayerVersion: the item plus its content; `endpoint` serves the zip. */
export function renderLayerVersion(v: LayerVersion, endpoint: string): Record<string, unknown> {
  return {
    Content: {
      Location: `${endpoint}/_aws/lambda/code/${v.codeSha256Hex}.zip`,
      CodeSha256: Buffer.from(v.codeSha256Hex, 'hex').toString('base64'),
      CodeSize: v.codeSize,
    },
    LayerArn: layerArn(v.region, v.accountId, v.layerName),
    ...renderLayerVersionItem(v),
  };
}

/** Opaque paging markers over a sorted list. */
export function page<T>(items: T[], marker: string | null, maxItems: string | null, limit = 10_000): { items: T[]; nextMarker?: string } {
  const start = marker ? Number(Buffer.from(marker, 'base64url').toString('utf8')) || 0 : 0;
  const size = maxItems ? Math.min(Math.max(1, Number(maxItems) || 50), limit) : 50;
  const slice = items.slice(start, start + size);
  const next = start + size < items.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
  return next ? { items: slice, nextMarker: next } : { items: slice };
}

/** A version's runtime management configuration; the ARN names the version unless it is $LATEST. */
export function renderRuntimeManagement(v: FunctionVersion, config: RuntimeManagement): Record<string, unknown> {
  return {
    UpdateRuntimeOn: config.updateRuntimeOn,
    ...(config.runtimeVersionArn !== undefined ? { RuntimeVersionArn: config.runtimeVersionArn } : {}),
    FunctionArn: functionArn(v.region, v.accountId, v.functionName, v.version === LATEST ? undefined : v.version),
  };
}

/** A provisioned concurrency configuration; list items also name the function (qualified). */
export function renderProvisioned(c: ProvisionedConfig, withArn: boolean): Record<string, unknown> {
  return {
    ...(withArn ? { FunctionArn: c.functionArn } : {}),
    RequestedProvisionedConcurrentExecutions: c.requested,
    AvailableProvisionedConcurrentExecutions: c.available,
    AllocatedProvisionedConcurrentExecutions: c.allocated,
    Status: c.status,
    ...(c.statusReason ? { StatusReason: c.statusReason } : {}),
    LastModified: c.lastModified,
  };
}
