// Lambda's domain: what a function version is made of, in the shapes the Lambda API returns.

export const LATEST = '$LATEST';

export type FunctionState = 'Pending' | 'Active' | 'Inactive' | 'Failed';
export type LastUpdateStatus = 'Successful' | 'InProgress' | 'Failed';

/** LoggingConfig's levels (JSON log format only). */
export const APPLICATION_LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
export type ApplicationLogLevel = (typeof APPLICATION_LOG_LEVELS)[number];
export const SYSTEM_LOG_LEVELS = ['DEBUG', 'INFO', 'WARN'] as const;
export type SystemLogLevel = (typeof SYSTEM_LOG_LEVELS)[number];

/** One version of a function ($LATEST or published): immutable once published. */
export interface FunctionVersion {
  readonly accountId: string;
  readonly region: string;
  readonly functionName: string;
  readonly version: string;
  readonly runtime: string;
  readonly handler: string;
  readonly role: string;
  readonly description: string;
  readonly timeout: number;
  readonly memorySize: number;
  readonly ephemeralStorageSize: number;
  readonly environment: Readonly<Record<string, string>>;
  /** A request set Environment (even empty): AWS returns the member from then on. */
  readonly environmentGiven?: boolean;
  /** Hex SHA-256 of the deployment package (the code store's key). */
  readonly codeSha256Hex: string;
  readonly codeSize: number;
  readonly architectures: readonly string[];
  readonly tracingMode: 'Active' | 'PassThrough';
  readonly deadLetterTargetArn?: string;
  readonly kmsKeyArn?: string;
  /** Recorded and returned; there is no VPC here (the function reaches what the host reaches). */
  readonly vpcConfig?: VpcConfig;
  /** SnapStart.ApplyOn as set; there are no snapshots (OptimizationStatus stays Off). */
  readonly snapStartApplyOn?: 'PublishedVersions' | 'None';
  /** Layer versions in the order they are extracted into /opt (a snapshot: see LayerReference). */
  readonly layers: readonly LayerReference[];
  readonly logFormat: 'Text' | 'JSON';
  /** Set only with the JSON log format (AWS refuses them with Text). */
  readonly applicationLogLevel?: ApplicationLogLevel;
  readonly systemLogLevel?: SystemLogLevel;
  readonly logGroup: string;
  /** Recorded and returned; Nimbus has one build of each runtime, so nothing is pinned or updated. */
  readonly runtimeManagement?: RuntimeManagement;
  readonly lastModified: string;
  readonly revisionId: string;
  readonly state: FunctionState;
  readonly lastUpdateStatus: LastUpdateStatus;
  /** Why the last creation or update failed (StateReason / LastUpdateStatusReason and their codes). */
  readonly failure?: { readonly reason: string; readonly code: string };
  /** For a published version: the $LATEST revision it was made from (a publish without changes is a no-op). */
  readonly publishedFromRevisionId?: string;
}

export interface VpcConfig {
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
  readonly ipv6AllowedForDualStack: boolean;
}

/**
 * A function's reference to a layer version, resolved when the function is configured. It keeps
 * the content's hash, so the function keeps working if the layer version is deleted later (AWS
 * keeps a deleted version's content for the functions that use it).
 */
export interface LayerReference {
  readonly arn: string;
  readonly codeSize: number;
  readonly codeSha256Hex: string;
}

/** One immutable version of a layer. */
export interface LayerVersion {
  readonly accountId: string;
  readonly region: string;
  readonly layerName: string;
  readonly version: number;
  readonly description: string;
  readonly createdDate: string;
  readonly compatibleRuntimes: readonly string[];
  readonly compatibleArchitectures: readonly string[];
  /** The compatibility lists the publish request named (even empty): AWS returns exactly those. */
  readonly listsGiven?: { readonly runtimes: boolean; readonly architectures: boolean };
  readonly licenseInfo?: string;
  readonly codeSha256Hex: string;
  readonly codeSize: number;
}

/** A layer version's resource policy (AddLayerVersionPermission), kept but not enforced. */
export interface LayerPolicy {
  readonly revisionId: string;
  readonly statements: readonly Record<string, unknown>[];
}

export interface Alias {
  readonly accountId: string;
  readonly region: string;
  readonly functionName: string;
  readonly name: string;
  readonly functionVersion: string;
  readonly description: string;
  /** Additional version → weight (0..1). */
  readonly additionalVersionWeights: Readonly<Record<string, number>>;
  readonly revisionId: string;
}

export interface EventInvokeConfig {
  readonly functionName: string;
  readonly qualifier: string;
  readonly maximumRetryAttempts?: number;
  readonly maximumEventAgeInSeconds?: number;
  readonly onSuccess?: string;
  readonly onFailure?: string;
  readonly lastModified: number;
}

/** Per-function facts that are not part of any version. */
export interface FunctionMeta {
  readonly accountId: string;
  readonly region: string;
  readonly functionName: string;
  readonly reservedConcurrency: number | undefined;
  readonly tags: Readonly<Record<string, string>>;
  /** Highest published version number so far (versions are never reused). */
  readonly lastVersion: number;
  /** Resource-based policy statements (AddPermission), kept for GetPolicy. */
  readonly policy: readonly Record<string, unknown>[];
  /** What Lambda does with a recursive loop it detects (PutFunctionRecursionConfig). */
  readonly recursiveLoop: RecursiveLoop;
}

export type RecursiveLoop = 'Allow' | 'Terminate';
export const RECURSIVE_LOOP_VALUES: readonly RecursiveLoop[] = ['Terminate', 'Allow'];

/** When a version's runtime is updated (PutRuntimeManagementConfig); Auto when never set. */
export interface RuntimeManagement {
  readonly updateRuntimeOn: UpdateRuntimeOn;
  /** The runtime version pinned in Manual mode. */
  readonly runtimeVersionArn?: string;
}

export type UpdateRuntimeOn = 'Auto' | 'FunctionUpdate' | 'Manual';
export const UPDATE_RUNTIME_ON_VALUES: readonly UpdateRuntimeOn[] = ['Auto', 'Manual', 'FunctionUpdate'];

export function functionArn(region: string, accountId: string, name: string, qualifier?: string): string {
  const base = `arn:aws:lambda:${region}:${accountId}:function:${name}`;
  return qualifier ? `${base}:${qualifier}` : base;
}

export function layerArn(region: string, accountId: string, name: string): string {
  return `arn:aws:lambda:${region}:${accountId}:layer:${name}`;
}

export function layerVersionArn(region: string, accountId: string, name: string, version: number): string {
  return `${layerArn(region, accountId, name)}:${version}`;
}

/** Lambda's timestamp format: `2024-01-31T12:34:56.789+0000`. */
export function lambdaTimestamp(date = new Date()): string {
  return date.toISOString().replace('Z', '+0000');
}
