// Lambda's REST operations: each route parses the request into domain input, calls the core, and
// shapes the reply. No business rules here.
import type { RequestContext } from '../../server/context.js';
import { decodeOrKeep, parseJsonBody, sendEmpty, sendJson } from '../../protocol/http.js';
import { isServiceError } from '../../protocol/errors.js';
import {
  InvalidParameterValue,
  RequestEntityTooLarge,
  RequestTooLarge,
  ResourceConflict,
  ResourceNotFound,
  Validation,
  constraintViolation,
} from '../errors.js';
import type { FunctionRegistry, ConfigurationInput } from '../core/functions.js';
import type { LayerRegistry } from '../core/layers.js';
import { validateFunctionLayers } from '../core/layer-names.js';
import type { InvokeCore } from '../core/invoke.js';
import type { LambdaInvokeInput } from '../invoker.js';
import { streamInvocation } from './stream-invoke.js';
import { FunctionPolicies } from '../core/permissions.js';
import type { ProvisionedConcurrency } from '../core/provisioned.js';
import { awsUrl, urlFunctionArn, validateUrlQualifier, type FunctionUrl, type FunctionUrls } from '../urls/registry.js';
import { MAX_ASYNC_PAYLOAD, MAX_SYNC_PAYLOAD } from '../core/invoke.js';
import { MAX_ZIPPED_BYTES } from '../core/code-store.js';
import {
  APPLICATION_LOG_LEVELS,
  LATEST,
  RECURSIVE_LOOP_VALUES,
  SYSTEM_LOG_LEVELS,
  UPDATE_RUNTIME_ON_VALUES,
  functionArn,
  type VpcConfig,
} from '../core/model.js';
import { parseFunctionRef, parseNewFunctionName, validateAliasName, type FunctionRef } from '../core/names.js';
import {
  validateArchitectures,
  validateDescription,
  validateEnvironment,
  validateEphemeralStorage,
  validateHandler,
  validateMemorySize,
  validateRole,
  validateRuntime,
  validateTimeout,
} from '../core/validation.js';
import { page, renderProvisioned, renderAlias, renderConfiguration, renderEventInvokeConfig, renderRuntimeManagement } from './render.js';

export interface LambdaApiDeps {
  registry: FunctionRegistry;
  layers: LayerRegistry;
  core: InvokeCore;
  provisioned: ProvisionedConcurrency;
  urls: FunctionUrls;
  /** `{endpoint}/_aws/lambda/code/{hex}.zip` is where GetFunction's Code.Location points. */
  endpoint(): string;
}

export interface Call {
  ctx: RequestContext;
  params: string[];
  deps: LambdaApiDeps;
}

type Handler = (call: Call) => Promise<void> | void;

export interface Route {
  method: string;
  pattern: RegExp;
  operation: string;
  /** Puts x-amzn-RequestId in its own reply (see Service.writesRequestId); others get it up front. */
  writesRequestId?: boolean;
  handle: Handler;
}

/** Largest CreateFunction / UpdateFunctionCode request: a 50 MB zip, base64, in JSON. */
export const MAX_CODE_REQUEST = 70_167_211;

export const scopeOf = (ctx: RequestContext) => ({ accountId: ctx.accountId, region: ctx.region });
/** AWS's pattern for a runtime version ARN (PutRuntimeManagementConfig). */
const RUNTIME_VERSION_ARN = /^arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\d{1}::runtime:.+$/;

/** `value` when it is one of `allowed`; otherwise AWS's enum constraint violation for `field`. */
function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (allowed.includes(value as T)) return value as T;
  throw constraintViolation(value === undefined ? 'null' : value, field, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
}

const fnRef = (call: Call) => parseFunctionRef(decodeOrKeep(call.params[0]!), call.ctx.query.get('Qualifier'));
/** A function URL operation's target: its Qualifier parameter may only name an alias. */
const urlRef = (call: Call) => {
  validateUrlQualifier(call.ctx.query.get('Qualifier'));
  return fnRef(call);
};

export async function jsonBody(ctx: RequestContext, limit?: number, operation?: string): Promise<Record<string, unknown>> {
  try {
    return parseJsonBody(await ctx.body(limit), 'InvalidRequestContentException');
  } catch (err) {
    if (isServiceError(err) && err.name === 'RequestEntityTooLargeException' && limit !== undefined) {
      throw RequestEntityTooLarge(`Request must be smaller than ${limit} bytes for the ${operation} operation`);
    }
    throw err;
  }
}

export function optionalString(body: Record<string, unknown>, key: string, field: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw constraintViolation(v, field, 'Member must be a string');
  return v;
}

export function decodeZip(value: unknown, missing = 'Please provide a source for function code.'): Buffer {
  if (typeof value !== 'string' || value.length === 0) {
    throw InvalidParameterValue(missing);
  }
  const zip = Buffer.from(value, 'base64');
  if (zip.length > MAX_ZIPPED_BYTES) {
    throw RequestEntityTooLarge(`Zipped size must be smaller than ${MAX_ZIPPED_BYTES} bytes`);
  }
  return zip;
}

function codeFrom(code: unknown): Buffer {
  if (!code || typeof code !== 'object') throw InvalidParameterValue('Please provide a source for function code.');
  const c = code as Record<string, unknown>;
  if (c.ZipFile !== undefined) return decodeZip(c.ZipFile);
  if (c.S3Bucket !== undefined || c.S3Key !== undefined) {
    throw InvalidParameterValue('Nimbus has no S3: upload the deployment package as ZipFile.');
  }
  if (c.ImageUri !== undefined) throw InvalidParameterValue('Nimbus runs Zip packages only: container images are not supported.');
  throw InvalidParameterValue('Please provide a source for function code.');
}

/** AWS's limits on VpcConfig; whether the subnets and groups exist is not known here (no EC2). */
function validateVpcConfig(v: unknown): VpcConfig {
  const c = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  const ids = (value: unknown, field: string, max: number): string[] => {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value) || value.some((x) => typeof x !== 'string')) throw constraintViolation(value, field, 'Member must be a list of strings');
    if (value.length > max) throw constraintViolation(`[${value.join(', ')}]`, field, `Member must have length less than or equal to ${max}`);
    return value as string[];
  };
  const ipv6 = c.Ipv6AllowedForDualStack;
  if (ipv6 !== undefined && typeof ipv6 !== 'boolean') throw constraintViolation(ipv6, 'vpcConfig.ipv6AllowedForDualStack', 'Member must be a boolean');
  return {
    subnetIds: ids(c.SubnetIds, 'vpcConfig.subnetIds', 16),
    securityGroupIds: ids(c.SecurityGroupIds, 'vpcConfig.securityGroupIds', 5),
    ipv6AllowedForDualStack: ipv6 === true,
  };
}

/** Runtimes AWS offers SnapStart for; others get its refusal. */
const SNAPSTART_RUNTIMES = ['java11', 'java17', 'java21', 'java25', 'python3.12', 'python3.13', 'python3.14', 'dotnet8'];

/** SnapStart.ApplyOn, checked as AWS's front end does (before anything else in the request). */
function snapStartApplyOn(body: Record<string, unknown>): string | undefined {
  const applyOn = (body.SnapStart as { ApplyOn?: unknown } | null | undefined)?.ApplyOn;
  if (applyOn === undefined || applyOn === null) return undefined;
  if (applyOn !== 'PublishedVersions' && applyOn !== 'None') {
    throw constraintViolation(applyOn, 'snapStart.applyOn', 'Member must satisfy enum value set: [PublishedVersions, None]');
  }
  return applyOn;
}

/**
 * Turning SnapStart on: AWS's refusal for a runtime it has no SnapStart for. For the others it is
 * recorded (published versions report OptimizationStatus Off: Nimbus takes no snapshots).
 */
function refuseSnapStart(applyOn: string | undefined, runtime: string): void {
  if (applyOn === 'PublishedVersions' && !SNAPSTART_RUNTIMES.includes(runtime)) {
    throw InvalidParameterValue(`${runtime} is not supported for SnapStart enabled functions.`);
  }
}

/** Configuration fields common to CreateFunction and UpdateFunctionConfiguration. */
function configurationFrom(body: Record<string, unknown>): ConfigurationInput {
  const out: ConfigurationInput = {};
  if (body.Runtime !== undefined) out.runtime = validateRuntime(body.Runtime);
  if (body.Handler !== undefined) out.handler = validateHandler(body.Handler);
  if (body.Role !== undefined) out.role = validateRole(body.Role);
  if (body.Description !== undefined) out.description = validateDescription(body.Description);
  if (body.Timeout !== undefined) out.timeout = validateTimeout(body.Timeout);
  if (body.MemorySize !== undefined) out.memorySize = validateMemorySize(body.MemorySize);
  if (body.EphemeralStorage !== undefined) {
    out.ephemeralStorageSize = validateEphemeralStorage((body.EphemeralStorage as { Size?: unknown } | null)?.Size);
  }
  if (body.Environment !== undefined) {
    out.environment = validateEnvironment((body.Environment as { Variables?: unknown } | null)?.Variables);
  }
  if (body.Architectures !== undefined) out.architectures = validateArchitectures(body.Architectures);
  if (body.TracingConfig !== undefined) {
    const mode = (body.TracingConfig as { Mode?: unknown } | null)?.Mode;
    if (mode !== 'Active' && mode !== 'PassThrough') {
      throw constraintViolation(mode, 'tracingConfig.mode', 'Member must satisfy enum value set: [Active, PassThrough]');
    }
    out.tracingMode = mode;
  }
  const dlq = (body.DeadLetterConfig as { TargetArn?: unknown } | null | undefined)?.TargetArn;
  if (typeof dlq === 'string' && dlq !== '') out.deadLetterTargetArn = dlq;
  const kms = optionalString(body, 'KMSKeyArn', 'kMSKeyArn');
  if (kms) out.kmsKeyArn = kms;
  if (body.VpcConfig !== undefined && body.VpcConfig !== null) out.vpcConfig = validateVpcConfig(body.VpcConfig);
  if (body.Layers !== undefined && body.Layers !== null) out.layers = validateFunctionLayers(body.Layers);
  const logging = body.LoggingConfig as Record<string, unknown> | undefined;
  if (logging && typeof logging === 'object') {
    const member = <T extends string>(key: string, allowed: readonly T[]): T | undefined =>
      logging[key] === undefined ? undefined : oneOf(logging[key], `loggingConfig.${key[0]!.toLowerCase()}${key.slice(1)}`, allowed);
    out.logFormat = member('LogFormat', ['Text', 'JSON'] as const);
    out.applicationLogLevel = member('ApplicationLogLevel', APPLICATION_LOG_LEVELS);
    out.systemLogLevel = member('SystemLogLevel', SYSTEM_LOG_LEVELS);
    if (typeof logging.LogGroup === 'string' && logging.LogGroup !== '') out.logGroup = logging.LogGroup;
  }
  return out;
}

function maxItems(ctx: RequestContext): string | null {
  const raw = ctx.query.get('MaxItems');
  if (raw === null) return null;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw constraintViolation(raw, 'maxItems', 'Member must have value greater than or equal to 1');
  if (n > 10_000) throw constraintViolation(raw, 'maxItems', 'Member must have value less than or equal to 10000');
  return raw;
}

/** RoutingConfig's weights, checked as AWS's front end does (messages print the map as Java does). */
function weightsFrom(body: Record<string, unknown>): Record<string, number> | undefined {
  const routing = body.RoutingConfig as { AdditionalVersionWeights?: unknown } | undefined | null;
  if (routing === undefined || routing === null) return undefined;
  const weights = routing.AdditionalVersionWeights ?? {};
  if (typeof weights !== 'object' || weights === null || Array.isArray(weights)) {
    throw constraintViolation(weights, 'routingConfig.additionalVersionWeights', 'Member must be a map');
  }
  const entries = Object.entries(weights as Record<string, unknown>);
  const javaNumber = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? `${v}.0` : String(v));
  const shown = `{${entries.map(([k, v]) => `${k}=${javaNumber(v)}`).join(', ')}}`;
  const field = 'routingConfig.additionalVersionWeights';
  if (entries.some(([k]) => !/^[0-9]+$/.test(k) || k.length > 1024)) {
    throw constraintViolation(
      shown,
      field,
      'Map keys must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [0-9]+, Member must not be null]',
    );
  }
  if (entries.some(([, v]) => typeof v !== 'number' || !(v >= 0 && v <= 1))) {
    throw constraintViolation(
      shown,
      field,
      'Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]',
    );
  }
  return Object.fromEntries(entries) as Record<string, number>;
}

function ensureFunction(call: Call, ref: FunctionRef): void {
  call.deps.registry.meta(scopeOf(call.ctx), ref.name);
}

/** What Invoke and InvokeWithResponseStream read from the request, checked as AWS checks it. */
async function invokeInput(call: Call, types: readonly string[] = ['RequestResponse', 'Event', 'DryRun']): Promise<LambdaInvokeInput> {
  const { ctx, deps } = call;
  const ref = fnRef(call);
  deps.registry.checkScope(scopeOf(ctx), ref);
  const typeHeader = ctx.req.headers['x-amz-invocation-type'];
  const type = (typeof typeHeader === 'string' ? typeHeader : 'RequestResponse') as 'RequestResponse' | 'Event' | 'DryRun';
  if (!types.includes(type)) throw constraintViolation(type, 'invocationType', `Member must satisfy enum value set: [${types.join(', ')}]`);
  const limit = type === 'Event' ? MAX_ASYNC_PAYLOAD : MAX_SYNC_PAYLOAD;
  let payload: Buffer;
  try {
    payload = await ctx.body(limit);
  } catch (err) {
    if (isServiceError(err) && err.name === 'RequestEntityTooLargeException') {
      throw RequestTooLarge(`Request must be smaller than ${limit} bytes for the InvokeFunction operation`);
    }
    throw err;
  }
  const logType = ctx.req.headers['x-amz-log-type'];
  if (logType !== undefined && logType !== 'None' && logType !== 'Tail') {
    throw constraintViolation(logType, 'logType', 'Member must satisfy enum value set: [Tail, None]');
  }
  const clientContext = ctx.req.headers['x-amz-client-context'];
  if (typeof clientContext === 'string' && clientContext.length > 3583) {
    throw InvalidParameterValue('Client context must be 3583 bytes or less.');
  }
  return {
    accountId: ctx.accountId,
    region: ctx.region,
    functionName: ref.qualifier ? `${ref.name}:${ref.qualifier}` : ref.name,
    payload,
    invocationType: type,
    ...(typeof clientContext === 'string' ? { clientContext } : {}),
    tailLogs: logType === 'Tail' && type === 'RequestResponse',
    requestId: ctx.requestId,
  };
}

function invokeConfigFrom(body: Record<string, unknown>) {
  const retries = body.MaximumRetryAttempts;
  if (retries !== undefined && (typeof retries !== 'number' || !Number.isInteger(retries) || retries < 0 || retries > 2)) {
    throw constraintViolation(retries, 'maximumRetryAttempts', retries as number > 2 ? 'Member must have value less than or equal to 2' : 'Member must have value greater than or equal to 0');
  }
  const age = body.MaximumEventAgeInSeconds;
  if (age !== undefined && (typeof age !== 'number' || !Number.isInteger(age) || age < 60 || age > 21_600)) {
    throw constraintViolation(age, 'maximumEventAgeInSeconds', (age as number) > 21_600 ? 'Member must have value less than or equal to 21600' : 'Member must have value greater than or equal to 60');
  }
  const dest = (body.DestinationConfig ?? {}) as { OnSuccess?: { Destination?: unknown }; OnFailure?: { Destination?: unknown } };
  if (retries === undefined && age === undefined && body.DestinationConfig === undefined) {
    throw InvalidParameterValue('You must specify at least one of error handling or destination setting.');
  }
  const onSuccess = destination(dest.OnSuccess?.Destination, 'destinationConfig.onSuccess.destination');
  const onFailure = destination(dest.OnFailure?.Destination, 'destinationConfig.onFailure.destination');
  // Only these services take asynchronous invocation records.
  if ([onSuccess, onFailure].some((d) => d !== undefined && !/^arn:aws[a-zA-Z0-9-]*:(lambda|sqs|sns|events|s3):/.test(d))) {
    const shown = (kind: string, d: string | undefined) => (d === undefined ? 'null' : `${kind}(destination=${d})`);
    throw InvalidParameterValue(
      `The provided destination config DestinationConfig(onSuccess=${shown('OnSuccess', onSuccess)}, onFailure=${shown('OnFailure', onFailure)}) is invalid.`,
    );
  }
  return {
    ...(retries !== undefined ? { maximumRetryAttempts: retries as number } : {}),
    ...(age !== undefined ? { maximumEventAgeInSeconds: age as number } : {}),
    onSuccess,
    onFailure,
  };
}

const DESTINATION_PATTERN = '^$|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:([a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\\d{1})?:(\\d{12})?:(.*)';
const DESTINATION = new RegExp(`^(${DESTINATION_PATTERN})$`);

/** A destination ARN as AWS's front end checks it; empty means none. */
function destination(d: unknown, field: string): string | undefined {
  if (d === undefined || d === null || d === '') return undefined;
  if (typeof d !== 'string' || !DESTINATION.test(d)) {
    throw constraintViolation(d, field, `Member must satisfy regular expression pattern: ${DESTINATION_PATTERN}`);
  }
  return d;
}

const TAGGABLE_PATTERN =
  'arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\\d{1}:\\d{12}:(function:[a-zA-Z0-9-_]+(:(\\$LATEST|[a-zA-Z0-9-_]+))?|layer:[a-zA-Z0-9-_]+)';
const TAGGABLE = new RegExp(`^${TAGGABLE_PATTERN}$`);

/** Function name out of a tagging ARN (`/2017-03-31/tags/{arn}`): only unqualified function ARNs carry tags. */
function arnFunction(call: Call): string {
  const arn = decodeOrKeep(call.params[0]!);
  if (!TAGGABLE.test(arn)) {
    throw constraintViolation(arn, 'resource', `Member must satisfy regular expression pattern: ${TAGGABLE_PATTERN}`);
  }
  const ref = parseFunctionRef(arn);
  if (ref.qualifier !== undefined) {
    throw InvalidParameterValue('Tags on function aliases and versions are not supported. Please specify a function ARN.');
  }
  call.deps.registry.checkScope(scopeOf(call.ctx), ref);
  return ref.name;
}

const FN = '([^/]+)';

export const ROUTES: Route[] = [
  {
    method: 'POST',
    pattern: /^\/2015-03-31\/functions\/?$/,
    operation: 'CreateFunction',
    async handle({ ctx, deps }) {
      const body = await jsonBody(ctx, MAX_CODE_REQUEST, 'CreateFunction');
      const ref = parseNewFunctionName(body.FunctionName);
      deps.registry.checkScope(scopeOf(ctx), ref);
      const functionName = ref.name;
      if (body.PackageType === 'Image') throw InvalidParameterValue('Nimbus runs Zip packages only: container images are not supported.');
      const applyOn = snapStartApplyOn(body);
      const config = configurationFrom(body);
      const runtime = config.runtime ?? validateRuntime(body.Runtime);
      refuseSnapStart(applyOn, runtime);
      if (applyOn) config.snapStartApplyOn = applyOn as 'PublishedVersions' | 'None';
      const handler = config.handler ?? validateHandler(body.Handler);
      const role = config.role ?? validateRole(body.Role);
      const zip = codeFrom(body.Code);
      const tags = body.Tags && typeof body.Tags === 'object' ? (body.Tags as Record<string, string>) : undefined;
      const created = await deps.registry.create(scopeOf(ctx), {
        ...config,
        functionName,
        runtime,
        handler,
        role,
        zip,
        publish: body.Publish === true,
        ...(tags ? { tags } : {}),
      });
      // With Publish, AWS answers with $LATEST's configuration numbered as the new version.
      const out = renderConfiguration(created.latest);
      if (created.published) out.Version = created.published.version;
      sendJson(ctx.res, 201, out);
    },
  },
  {
    method: 'GET',
    pattern: /^\/2015-03-31\/functions\/?$/,
    operation: 'ListFunctions',
    handle({ ctx, deps }) {
      const all = ctx.query.get('FunctionVersion');
      if (all !== null && all !== 'ALL') {
        throw constraintViolation(all, 'functionVersion', 'Member must satisfy enum value set: [ALL]');
      }
      const functions = deps.registry.list(scopeOf(ctx), all === 'ALL');
      const { items, nextMarker } = page(functions, ctx.query.get('Marker'), maxItems(ctx));
      sendJson(ctx.res, 200, { Functions: items.map((v) => renderConfiguration(v, { listed: true, qualifiedLatest: all === 'ALL' })), ...(nextMarker ? { NextMarker: nextMarker } : {}) });
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/2015-03-31/functions/${FN}/?$`),
    operation: 'GetFunction',
    handle(call) {
      const { ctx, deps } = call;
      const ref = fnRef(call);
      const { version, meta, alias } = deps.registry.resolve(scopeOf(ctx), ref);
      sendJson(ctx.res, 200, {
        Configuration: renderConfiguration(version, { qualifiedLatest: ref.qualifier === LATEST, ...(alias ? { alias: alias.name } : {}) }),
        Code: { RepositoryType: 'S3', Location: `${deps.endpoint()}/_aws/lambda/code/${version.codeSha256Hex}.zip` },
        ...(Object.keys(meta.tags).length > 0 ? { Tags: meta.tags } : {}),
        ...(meta.reservedConcurrency !== undefined ? { Concurrency: { ReservedConcurrentExecutions: meta.reservedConcurrency } } : {}),
      });
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/2015-03-31/functions/${FN}/configuration/?$`),
    operation: 'GetFunctionConfiguration',
    handle(call) {
      const ref = fnRef(call);
      const { version, alias } = call.deps.registry.resolve(scopeOf(call.ctx), ref);
      sendJson(call.ctx.res, 200, renderConfiguration(version, { qualifiedLatest: ref.qualifier === LATEST, ...(alias ? { alias: alias.name } : {}) }));
    },
  },
  {
    method: 'PUT',
    pattern: new RegExp(`^/2015-03-31/functions/${FN}/configuration/?$`),
    operation: 'UpdateFunctionConfiguration',
    async handle(call) {
      const ref = fnRef(call);
      const body = await jsonBody(call.ctx);
      const revisionId = optionalString(body, 'RevisionId', 'revisionId');
      ensureFunction(call, ref);
      const applyOn = snapStartApplyOn(body);
      const config = configurationFrom(body);
      if (applyOn !== undefined) {
        refuseSnapStart(applyOn, config.runtime ?? call.deps.registry.resolve(scopeOf(call.ctx), { ...ref, qualifier: undefined }).version.runtime);
        config.snapStartApplyOn = applyOn as 'PublishedVersions' | 'None';
      }
      const updated = await call.deps.registry.updateConfiguration(scopeOf(call.ctx), ref, {
        ...config,
        ...(revisionId ? { revisionId } : {}),
      });
      sendJson(call.ctx.res, 200, renderConfiguration(updated));
    },
  },
  {
    method: 'PUT',
    pattern: new RegExp(`^/2015-03-31/functions/${FN}/code/?$`),
    operation: 'UpdateFunctionCode',
    async handle(call) {
      const ref = fnRef(call);
      const body = await jsonBody(call.ctx, MAX_CODE_REQUEST, 'UpdateFunctionCode');
      ensureFunction(call, ref);
      if (body.S3Bucket !== undefined || body.ImageUri !== undefined) codeFrom(body);
      const zip = decodeZip(body.ZipFile);
      const revisionId = optionalString(body, 'RevisionId', 'revisionId');
      const updated = await call.deps.registry.updateCode(scopeOf(call.ctx), ref, {
        zip,
        publish: body.Publish === true,
        dryRun: body.DryRun === true,
        ...(revisionId ? { revisionId } : {}),
      });
      sendJson(call.ctx.res, 200, renderConfiguration(updated));
    },
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`^/2015-03-31/functions/${FN}/?$`),
    operation: 'DeleteFunction',
    handle(call) {
      call.deps.registry.delete(scopeOf(call.ctx), fnRef(call));
      sendEmpty(call.ctx.res, 204);
    },
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/2015-03-31/functions/${FN}/invocations/?$`),
    operation: 'Invoke',
    writesRequestId: true,
    async handle(call) {
      const { ctx, deps } = call;
      const input = await invokeInput(call);
      const out = await deps.core.invoke(input);
      const headers: Record<string, string | number> = {
        'x-amzn-RequestId': ctx.requestId,
        'Content-Type': 'application/json',
        'Content-Length': out.payload.length,
      };
      if (out.executedVersion) headers['X-Amz-Executed-Version'] = out.executedVersion;
      if (out.functionError) headers['X-Amz-Function-Error'] = out.functionError;
      if (out.logResult !== undefined) headers['X-Amz-Log-Result'] = out.logResult;
      ctx.res.writeHead(out.statusCode, headers);
      ctx.res.end(out.payload);
    },
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/2021-11-15/functions/${FN}/response-streaming-invocations/?$`),
    operation: 'InvokeWithResponseStream',
    writesRequestId: true,
    async handle(call) {
      const input = await invokeInput(call, ['RequestResponse', 'DryRun']);
      await streamInvocation(call.ctx, call.deps.core, input);
    },
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/2014-11-13/functions/${FN}/invoke-async/?$`),
    operation: 'InvokeAsync',
    async handle(call) {
      const ref = fnRef(call);
      await call.deps.core.invoke({
        accountId: call.ctx.accountId,
        region: call.ctx.region,
        functionName: ref.name,
        payload: await call.ctx.body(MAX_ASYNC_PAYLOAD),
        invocationType: 'Event',
        requestId: call.ctx.requestId,
      });
      sendJson(call.ctx.res, 202, { Status: 202 });
    },
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/2015-03-31/functions/${FN}/versions/?$`),
    operation: 'PublishVersion',
    async handle(call) {
      const ref = fnRef(call);
      const body = await jsonBody(call.ctx);
      const codeSha256 = optionalString(body, 'CodeSha256', 'codeSha256');
      const description = body.Description !== undefined ? validateDescription(body.Description) : undefined;
      const revisionId = optionalString(body, 'RevisionId', 'revisionId');
      const v = call.deps.registry.publishVersion(scopeOf(call.ctx), ref, {
        ...(codeSha256 !== undefined ? { codeSha256 } : {}),
        ...(description !== undefined ? { description } : {}),
        ...(revisionId !== undefined ? { revisionId } : {}),
      });
      sendJson(call.ctx.res, 201, renderConfiguration(v));
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/2015-03-31/functions/${FN}/versions/?$`),
    operation: 'ListVersionsByFunction',
    handle(call) {
      const versions = call.deps.registry.versions(scopeOf(call.ctx), fnRef(call));
      const { items, nextMarker } = page(versions, call.ctx.query.get('Marker'), maxItems(call.ctx));
      sendJson(call.ctx.res, 200, {
        Versions: items.map((v) => renderConfiguration(v, { qualifiedLatest: true, listed: true })),
        ...(nextMarker ? { NextMarker: nextMarker } : {}),
      });
    },
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/2015-03-31/functions/${FN}/aliases/?$`),
    operation: 'CreateAlias',
    async handle(call) {
      const ref = fnRef(call);
      const body = await jsonBody(call.ctx);
      const name = validateAliasName(body.Name);
      const functionVersion = body.FunctionVersion;
      if (typeof functionVersion !== 'string' || !/^(\$LATEST|[0-9]+)$/.test(functionVersion)) {
        throw constraintViolation(functionVersion, 'functionVersion', 'Member must satisfy regular expression pattern: (\\$LATEST|[0-9]+)');
      }
      const description = body.Description !== undefined ? validateDescription(body.Description) : undefined;
      const weights = weightsFrom(body);
      const alias = call.deps.registry.createAlias(scopeOf(call.ctx), ref, {
        name,
        functionVersion,
        ...(description !== undefined ? { description } : {}),
        ...(weights ? { weights } : {}),
      });
      sendJson(call.ctx.res, 201, renderAlias(alias));
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/2015-03-31/functions/${FN}/aliases/?$`),
    operation: 'ListAliases',
    handle(call) {
      const version = call.ctx.query.get('FunctionVersion') ?? undefined;
      const aliases = call.deps.registry.aliases(scopeOf(call.ctx), fnRef(call), version);
      const { items, nextMarker } = page(aliases, call.ctx.query.get('Marker'), maxItems(call.ctx));
      sendJson(call.ctx.res, 200, { Aliases: items.map(renderAlias), ...(nextMarker ? { NextMarker: nextMarker } : {}) });
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/2015-03-31/functions/${FN}/aliases/([^/]+)/?$`),
    operation: 'GetAlias',
    handle(call) {
      const alias = call.deps.registry.alias(scopeOf(call.ctx), fnRef(call), decodeOrKeep(call.params[1]!));
      sendJson(call.ctx.res, 200, renderAlias(alias));
    },
  },
  {
    method: 'PUT',
    pattern: new RegExp(`^/2015-03-31/functions/${FN}/aliases/([^/]+)/?$`),
    operation: 'UpdateAlias',
    async handle(call) {
      const body = await jsonBody(call.ctx);
      const functionVersion = body.FunctionVersion;
      if (functionVersion !== undefined && (typeof functionVersion !== 'string' || !/^(\$LATEST|[0-9]+)$/.test(functionVersion))) {
        throw constraintViolation(functionVersion, 'functionVersion', 'Member must satisfy regular expression pattern: (\\$LATEST|[0-9]+)');
      }
      const description = body.Description !== undefined ? validateDescription(body.Description) : undefined;
      const weights = weightsFrom(body);
      const revisionId = optionalString(body, 'RevisionId', 'revisionId');
      const alias = call.deps.registry.updateAlias(scopeOf(call.ctx), fnRef(call), decodeOrKeep(call.params[1]!), {
        ...(typeof functionVersion === 'string' ? { functionVersion } : {}),
        ...(description !== undefined ? { description } : {}),
        ...(weights ? { weights } : {}),
        ...(revisionId ? { revisionId } : {}),
      });
      sendJson(call.ctx.res, 200, renderAlias(alias));
    },
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`^/2015-03-31/functions/${FN}/aliases/([^/]+)/?$`),
    operation: 'DeleteAlias',
    handle(call) {
      call.deps.registry.deleteAlias(scopeOf(call.ctx), fnRef(call), decodeOrKeep(call.params[1]!));
      sendEmpty(call.ctx.res, 204);
    },
  },
  {
    method: 'PUT',
    pattern: new RegExp(`^/2017-10-31/functions/${FN}/concurrency/?$`),
    operation: 'PutFunctionConcurrency',
    async handle(call) {
      const body = await jsonBody(call.ctx);
      const value = body.ReservedConcurrentExecutions;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
        throw constraintViolation(value, 'reservedConcurrentExecutions', 'Member must have value greater than or equal to 0');
      }
      const set = call.deps.registry.putReservedConcurrency(scopeOf(call.ctx), fnRef(call), value);
      sendJson(call.ctx.res, 200, { ReservedConcurrentExecutions: set });
    },
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/2021-10-31/functions/${FN}/url/?$`),
    operation: 'CreateFunctionUrlConfig',
    async handle(call) {
      const body = await jsonBody(call.ctx);
      const u = call.deps.urls.create(scopeOf(call.ctx), urlRef(call), { authType: body.AuthType, invokeMode: body.InvokeMode, cors: body.Cors });
      sendJson(call.ctx.res, 201, renderUrl(u, 'created'));
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/2021-10-31/functions/${FN}/url/?$`),
    operation: 'GetFunctionUrlConfig',
    handle(call) {
      sendJson(call.ctx.res, 200, renderUrl(call.deps.urls.get(scopeOf(call.ctx), urlRef(call)), 'read'));
    },
  },
  {
    method: 'PUT',
    pattern: new RegExp(`^/2021-10-31/functions/${FN}/url/?$`),
    operation: 'UpdateFunctionUrlConfig',
    async handle(call) {
      const body = await jsonBody(call.ctx);
      const u = call.deps.urls.update(scopeOf(call.ctx), urlRef(call), { authType: body.AuthType, invokeMode: body.InvokeMode, cors: body.Cors });
      sendJson(call.ctx.res, 200, renderUrl(u, 'updated'));
    },
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`^/2021-10-31/functions/${FN}/url/?$`),
    operation: 'DeleteFunctionUrlConfig',
    handle(call) {
      call.deps.urls.delete(scopeOf(call.ctx), urlRef(call));
      sendEmpty(call.ctx.res, 204);
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/2021-10-31/functions/${FN}/urls/?$`),
    operation: 'ListFunctionUrlConfigs',
    handle(call) {
      const items = call.deps.urls.list(scopeOf(call.ctx), fnRef(call).name).map((u) => renderUrl(u, 'read'));
      const listed = page(items, call.ctx.query.get('Marker'), call.ctx.query.get('MaxItems'), 50);
      sendJson(call.ctx.res, 200, { FunctionUrlConfigs: listed.items, ...(listed.nextMarker ? { NextMarker: listed.nextMarker } : {}) });
    },
  },
  {
    method: 'PUT',
    pattern: new RegExp(`^/2019-09-30/functions/${FN}/provisioned-concurrency/?$`),
    operation: 'PutProvisionedConcurrencyConfig',
    async handle(call) {
      const ref = fnRef(call);
      const body = await jsonBody(call.ctx);
      const value = body.ProvisionedConcurrentExecutions;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
        throw constraintViolation(value, 'provisionedConcurrentExecutions', 'Member must have value greater than or equal to 1');
      }
      const config = await call.deps.provisioned.put(scopeOf(call.ctx), ref.name, ref.qualifier, value);
      sendJson(call.ctx.res, 202, renderProvisioned(config, false));
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/2019-09-30/functions/${FN}/provisioned-concurrency/?$`),
    operation: 'GetProvisionedConcurrencyConfig',
    handle(call) {
      const ref = fnRef(call);
      const scope = scopeOf(call.ctx);
      if (call.ctx.query.get('List') === 'ALL') {
        const items = call.deps.provisioned.list(scope, ref.name).map((c) => renderProvisioned(c, true));
        const listed = page(items, call.ctx.query.get('Marker'), call.ctx.query.get('MaxItems'), 50);
        sendJson(call.ctx.res, 200, { ProvisionedConcurrencyConfigs: listed.items, ...(listed.nextMarker ? { NextMarker: listed.nextMarker } : {}) });
        return;
      }
      sendJson(call.ctx.res, 200, renderProvisioned(call.deps.provisioned.get(scope, ref.name, ref.qualifier), false));
    },
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`^/2019-09-30/functions/${FN}/provisioned-concurrency/?$`),
    operation: 'DeleteProvisionedConcurrencyConfig',
    handle(call) {
      const ref = fnRef(call);
      call.deps.provisioned.delete(scopeOf(call.ctx), ref.name, ref.qualifier);
      sendEmpty(call.ctx.res, 204);
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/2019-09-30/functions/${FN}/concurrency/?$`),
    operation: 'GetFunctionConcurrency',
    handle(call) {
      const ref = fnRef(call);
      call.deps.registry.checkScope(scopeOf(call.ctx), ref);
      const meta = call.deps.registry.meta(scopeOf(call.ctx), ref.name);
      sendJson(call.ctx.res, 200, meta.reservedConcurrency !== undefined ? { ReservedConcurrentExecutions: meta.reservedConcurrency } : {});
    },
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`^/2017-10-31/functions/${FN}/concurrency/?$`),
    operation: 'DeleteFunctionConcurrency',
    handle(call) {
      call.deps.registry.deleteReservedConcurrency(scopeOf(call.ctx), fnRef(call));
      sendEmpty(call.ctx.res, 204);
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/2024-08-31/functions/${FN}/recursion-config/?$`),
    operation: 'GetFunctionRecursionConfig',
    handle(call) {
      sendJson(call.ctx.res, 200, { RecursiveLoop: call.deps.registry.recursionConfig(scopeOf(call.ctx), fnRef(call)) });
    },
  },
  {
    method: 'PUT',
    pattern: new RegExp(`^/2024-08-31/functions/${FN}/recursion-config/?$`),
    operation: 'PutFunctionRecursionConfig',
    async handle(call) {
      const ref = fnRef(call);
      const body = await jsonBody(call.ctx);
      const value = oneOf(body.RecursiveLoop, 'recursiveLoop', RECURSIVE_LOOP_VALUES);
      const stored = call.deps.registry.putRecursionConfig(scopeOf(call.ctx), ref, value);
      sendJson(call.ctx.res, 200, { RecursiveLoop: stored });
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/2021-07-20/functions/${FN}/runtime-management-config/?$`),
    operation: 'GetRuntimeManagementConfig',
    handle(call) {
      const { version, config } = call.deps.registry.runtimeManagement(scopeOf(call.ctx), fnRef(call));
      sendJson(call.ctx.res, 200, renderRuntimeManagement(version, config));
    },
  },
  {
    method: 'PUT',
    pattern: new RegExp(`^/2021-07-20/functions/${FN}/runtime-management-config/?$`),
    operation: 'PutRuntimeManagementConfig',
    async handle(call) {
      const ref = fnRef(call);
      const body = await jsonBody(call.ctx);
      const mode = oneOf(body.UpdateRuntimeOn, 'updateRuntimeOn', UPDATE_RUNTIME_ON_VALUES);
      const arn = body.RuntimeVersionArn;
      if (arn !== undefined && (typeof arn !== 'string' || !RUNTIME_VERSION_ARN.test(arn) || arn.length > 2048)) {
        throw constraintViolation(arn, 'runtimeVersionArn', `Member must satisfy regular expression pattern: ${RUNTIME_VERSION_ARN.source}`);
      }
      if (mode === 'Manual' && arn === undefined) throw InvalidParameterValue('RuntimeVersionArn must be specified when UpdateRuntimeOn is Manual.');
      if (mode !== 'Manual' && arn !== undefined) throw InvalidParameterValue('RuntimeVersionArn can only be specified when UpdateRuntimeOn is Manual.');
      const config = { updateRuntimeOn: mode, ...(arn !== undefined ? { runtimeVersionArn: arn as string } : {}) };
      const out = call.deps.registry.putRuntimeManagement(scopeOf(call.ctx), ref, config);
      sendJson(call.ctx.res, 200, renderRuntimeManagement(out.version, out.config));
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/2020-06-30/functions/${FN}/code-signing-config/?$`),
    operation: 'GetFunctionCodeSigningConfig',
    handle(call) {
      const ref = fnRef(call);
      call.deps.registry.checkScope(scopeOf(call.ctx), ref);
      const meta = call.deps.registry.meta(scopeOf(call.ctx), ref.name);
      // Nimbus has no code signing configurations: every function answers as one without any.
      sendJson(call.ctx.res, 200, { CodeSigningConfigArn: '', FunctionName: meta.functionName });
    },
  },
  {
    method: 'GET',
    pattern: /^\/2016-08-19\/account-settings\/?$/,
    operation: 'GetAccountSettings',
    handle({ ctx, deps }) {
      const s = deps.registry.accountSettings(scopeOf(ctx));
      sendJson(ctx.res, 200, {
        AccountLimit: {
          TotalCodeSize: 80_530_636_800,
          CodeSizeUnzipped: 262_144_000,
          CodeSizeZipped: 52_428_800,
          ConcurrentExecutions: s.accountLimit,
          UnreservedConcurrentExecutions: s.unreserved,
        },
        AccountUsage: { TotalCodeSize: s.totalCodeSize + deps.layers.totalCodeSize(scopeOf(ctx)), FunctionCount: s.functionCount },
      });
    },
  },
  ...(['PUT', 'POST'] as const).map(
    (method): Route => ({
      method,
      pattern: new RegExp(`^/2019-09-25/functions/${FN}/event-invoke-config/?$`),
      operation: method === 'PUT' ? 'PutFunctionEventInvokeConfig' : 'UpdateFunctionEventInvokeConfig',
      async handle(call) {
        const body = await jsonBody(call.ctx);
        const config = call.deps.registry.putEventInvokeConfig(scopeOf(call.ctx), fnRef(call), invokeConfigFrom(body), method === 'POST');
        sendJson(call.ctx.res, 200, renderEventInvokeConfig(config, call.ctx.accountId, call.ctx.region));
      },
    }),
  ),
  {
    method: 'GET',
    pattern: new RegExp(`^/2019-09-25/functions/${FN}/event-invoke-config/list/?$`),
    operation: 'ListFunctionEventInvokeConfigs',
    handle(call) {
      const configs = call.deps.registry.eventInvokeConfigs(scopeOf(call.ctx), fnRef(call));
      const { items, nextMarker } = page(configs, call.ctx.query.get('Marker'), maxItems(call.ctx), 50);
      sendJson(call.ctx.res, 200, {
        FunctionEventInvokeConfigs: items.map((c) => renderEventInvokeConfig(c, call.ctx.accountId, call.ctx.region)),
        ...(nextMarker ? { NextMarker: nextMarker } : {}),
      });
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/2019-09-25/functions/${FN}/event-invoke-config/?$`),
    operation: 'GetFunctionEventInvokeConfig',
    handle(call) {
      const scope = scopeOf(call.ctx);
      const config = call.deps.registry.mustEventInvokeConfig(scope, fnRef(call));
      sendJson(call.ctx.res, 200, renderEventInvokeConfig(config, scope.accountId, scope.region));
    },
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`^/2019-09-25/functions/${FN}/event-invoke-config/?$`),
    operation: 'DeleteFunctionEventInvokeConfig',
    handle(call) {
      call.deps.registry.deleteEventInvokeConfig(scopeOf(call.ctx), fnRef(call));
      sendEmpty(call.ctx.res, 204);
    },
  },
  {
    method: 'GET',
    pattern: /^\/2017-03-31\/tags\/(.+)$/,
    operation: 'ListTags',
    handle(call) {
      const meta = call.deps.registry.meta(scopeOf(call.ctx), arnFunction(call));
      sendJson(call.ctx.res, 200, { Tags: meta.tags });
    },
  },
  {
    method: 'POST',
    pattern: /^\/2017-03-31\/tags\/(.+)$/,
    operation: 'TagResource',
    async handle(call) {
      const name = arnFunction(call);
      const body = await jsonBody(call.ctx);
      const tags = body.Tags;
      if (!tags || typeof tags !== 'object' || Array.isArray(tags) || Object.values(tags).some((v) => typeof v !== 'string')) {
        throw InvalidParameterValue('Tags must be a map of strings.');
      }
      // AWS's answer to an empty map.
      if (Object.keys(tags).length === 0) throw InvalidParameterValue('An error occurred and the request cannot be processed.');
      const meta = call.deps.registry.meta(scopeOf(call.ctx), name);
      const merged = { ...meta.tags, ...(tags as Record<string, string>) };
      if (Object.keys(merged).length > 50) throw InvalidParameterValue('Number of tags exceeds resource tag limit.');
      call.deps.registry.setTags(scopeOf(call.ctx), name, merged);
      sendEmpty(call.ctx.res, 204);
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/2017-03-31\/tags\/(.+)$/,
    operation: 'UntagResource',
    handle(call) {
      const name = arnFunction(call);
      const keys = call.ctx.query.getAll('tagKeys');
      if (keys.length === 0) {
        throw Validation("1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null");
      }
      const meta = call.deps.registry.meta(scopeOf(call.ctx), name);
      const remove = new Set(keys);
      call.deps.registry.setTags(
        scopeOf(call.ctx),
        name,
        Object.fromEntries(Object.entries(meta.tags).filter(([k]) => !remove.has(k))),
      );
      sendEmpty(call.ctx.res, 204);
    },
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/2015-03-31/functions/${FN}/policy/?$`),
    operation: 'AddPermission',
    async handle(call) {
      const ref = fnRef(call);
      const body = await jsonBody(call.ctx);
      const sid = body.StatementId;
      if (typeof sid !== 'string' || !/^([a-zA-Z0-9-_]+)$/.test(sid) || sid.length > 100) {
        throw constraintViolation(sid, 'statementId', 'Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)');
      }
      if (typeof body.Action !== 'string' || typeof body.Principal !== 'string') {
        throw InvalidParameterValue('Action and Principal are required.');
      }
      const optional = (key: string, field: string) => optionalString(body, key, field);
      const fields = {
        sourceArn: optional('SourceArn', 'sourceArn'),
        sourceAccount: optional('SourceAccount', 'sourceAccount'),
        principalOrgId: optional('PrincipalOrgID', 'principalOrgID'),
        functionUrlAuthType: optional('FunctionUrlAuthType', 'functionUrlAuthType'),
        eventSourceToken: optional('EventSourceToken', 'eventSourceToken'),
        revisionId: optional('RevisionId', 'revisionId'),
      };
      const statement = new FunctionPolicies(call.deps.registry).add(scopeOf(call.ctx), ref, {
        statementId: sid,
        action: body.Action,
        principal: body.Principal,
        ...(Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<typeof fields>),
      });
      sendJson(call.ctx.res, 201, { Statement: JSON.stringify(statement) });
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/2015-03-31/functions/${FN}/policy/?$`),
    operation: 'GetPolicy',
    handle(call) {
      const { statements, revisionId } = new FunctionPolicies(call.deps.registry).get(scopeOf(call.ctx), fnRef(call));
      sendJson(call.ctx.res, 200, {
        Policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: statements }),
        RevisionId: revisionId,
      });
    },
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`^/2015-03-31/functions/${FN}/policy/([^/]+)/?$`),
    operation: 'RemovePermission',
    handle(call) {
      const sid = decodeOrKeep(call.params[1]!);
      const revisionId = call.ctx.query.get('RevisionId') ?? undefined;
      new FunctionPolicies(call.deps.registry).remove(scopeOf(call.ctx), fnRef(call), sid, revisionId);
      sendEmpty(call.ctx.res, 204);
    },
  },
];

/**
 * A URL configuration as AWS answers it: Get and List give every member, InvokeMode defaulted;
 * Create and Update echo InvokeMode only when it was set, and Create has no LastModifiedTime.
 */
function renderUrl(u: FunctionUrl, answer: 'created' | 'updated' | 'read'): Record<string, unknown> {
  const invokeMode = answer === 'read' ? (u.invokeMode ?? 'BUFFERED') : u.invokeMode;
  return {
    FunctionUrl: awsUrl(u),
    FunctionArn: urlFunctionArn(u),
    AuthType: u.authType,
    ...(u.cors ? { Cors: u.cors } : {}),
    CreationTime: u.creationTime,
    ...(answer === 'created' ? {} : { LastModifiedTime: u.lastModifiedTime }),
    ...(invokeMode ? { InvokeMode: invokeMode } : {}),
  };
}
