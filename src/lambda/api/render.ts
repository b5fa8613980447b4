// Domain objects → the JSON shapes the Lambda API returns.
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
} from '../core/model.js';

export function renderConfiguration(v: FunctionVersion, qualifiedLatest = false): Record<string, unknown> {
  const qualifier = v.version === LATEST && !qualifiedLatest ? undefined : v.version;
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
    State: v.state,
    LastUpdateStatus: v.lastUpdateStatus,
    PackageType: 'Zip',
    Architectures: v.architectures,
    EphemeralStorage: { Size: v.ephemeralStorageSize },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    LoggingConfig: {
      LogFormat: v.logFormat,
      ...(v.applicationLogLevel ? { ApplicationLogLevel: v.applicationLogLevel } : {}),
      ...(v.systemLogLevel ? { SystemLogLevel: v.systemLogLevel } : {}),
      LogGroup: v.logGroup,
    },
  };
  if (Object.keys(v.environment).length > 0) out.Environment = { Variables: v.environment };
  if (v.state === 'Pending') {
    out.StateReason = 'The function is being created.';
    out.StateReasonCode = 'Creating';
  }
  if (v.lastUpdateStatus === 'InProgress') {
    out.LastUpdateStatusReason = 'The function is being created.';
    out.LastUpdateStatusReasonCode = 'Creating';
  }
  if (v.layers.length > 0) out.Layers = v.layers.map((l) => ({ Arn: l.arn, CodeSize: l.codeSize }));
  if (v.deadLetterTargetArn) out.DeadLetterConfig = { TargetArn: v.deadLetterTargetArn };
  if (v.kmsKeyArn) out.KMSKeyArn = v.kmsKeyArn;
  if (v.vpcConfig) {
    // No VpcId: it would come from EC2, which Nimbus does not have.
    out.VpcConfig = { SubnetIds: v.vpcConfig.subnetIds, SecurityGroupIds: v.vpcConfig.securityGroupIds, Ipv6AllowedForDualStack: v.vpcConfig.ipv6AllowedForDualStack };
  }
  return out;
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
    ...(v.compatibleRuntimes.length > 0 ? { CompatibleRuntimes: v.compatibleRuntimes } : {}),
    ...(v.licenseInfo !== undefined ? { LicenseInfo: v.licenseInfo } : {}),
    ...(v.compatibleArchitectures.length > 0 ? { CompatibleArchitectures: v.compatibleArchitectures } : {}),
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
