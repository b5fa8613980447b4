// The invoke core: resolves what to run (qualifier, alias weights), enforces payload limits and
// concurrency, and hands the invocation to an execution environment. Asynchronous invocations go
// to the durable queue and come back here when their turn comes.
import { randomUUID } from 'node:crypto';
import type { EnvironmentPool, FunctionImage, InvokeResult } from '../environments/types.js';
import type { LambdaInvokeInput, LambdaInvokeOutput, LambdaInvoker } from '../invoker.js';
import { InvalidParameterValue, InvalidRequestContent, RequestTooLarge, ResourceConflict, TooManyRequests } from '../errors.js';
import type { CodeStore } from './code-store.js';
import type { ConcurrencyLimiter } from './concurrency.js';
import type { FunctionRegistry, ResolvedFunction } from './functions.js';
import { functionArn, type FunctionVersion } from './model.js';
import { parseFunctionRef } from './names.js';

export const MAX_SYNC_PAYLOAD = 6_291_456;
/** AWS raised the asynchronous payload limit from 256 KB to 1 MB in 2025. */
export const MAX_ASYNC_PAYLOAD = 1_048_576;
/** Responses up to this size pass; larger ones become a Function.ResponseSizeTooLarge error. */
const MAX_RESPONSE_PAYLOAD = 6_291_556;

export interface InvocationRecord {
  readonly requestId: string;
  /** The version or alias the caller named, if any. */
  readonly qualifier: string | undefined;
  /** Whether the caller named an alias (its traffic split chose `version`). */
  readonly viaAlias: boolean;
  readonly version: FunctionVersion;
  readonly result: InvokeResult;
  readonly startedAt: number;
}

export interface AsyncEnqueuer {
  enqueue(input: { accountId: string; region: string; functionName: string; qualifier: string | undefined; payload: Buffer; requestId: string }): void;
}

export interface InvokeObserver {
  invoked?(record: InvocationRecord): void;
  throttled?(version: FunctionVersion, qualifier: string | undefined): void;
  /** In-flight executions of the function, told when one starts. */
  concurrency?(version: FunctionVersion, inFlight: number): void;
}

export class InvokeCore implements LambdaInvoker {
  asyncQueue: AsyncEnqueuer | undefined;

  constructor(
    private readonly registry: FunctionRegistry,
    private readonly code: CodeStore,
    private readonly limiter: ConcurrencyLimiter,
    private readonly pool: EnvironmentPool,
    private readonly observer: InvokeObserver = {},
    private readonly random: () => number = Math.random,
  ) {}

  async invoke(input: LambdaInvokeInput): Promise<LambdaInvokeOutput> {
    const scope = { accountId: input.accountId, region: input.region };
    const ref = parseFunctionRef(input.functionName, input.qualifier);
    const resolved = this.registry.resolve(scope, ref);
    const type = input.invocationType ?? 'RequestResponse';
    if (type !== 'RequestResponse' && type !== 'Event' && type !== 'DryRun') {
      throw InvalidParameterValue(`Value ${type} at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`);
    }
    const limit = type === 'Event' ? MAX_ASYNC_PAYLOAD : MAX_SYNC_PAYLOAD;
    if (input.payload.length > limit) {
      throw RequestTooLarge(`Request must be smaller than ${limit} bytes for the InvokeFunction operation`);
    }
    if (!input.payloadIsJson) checkJsonPayload(input.payload);
    if (type === 'DryRun') return { statusCode: 204, payload: Buffer.alloc(0) };
    if (type === 'Event') {
      if (!this.asyncQueue) throw new Error('asynchronous invocation queue is not wired');
      this.asyncQueue.enqueue({
        ...scope,
        functionName: ref.name,
        qualifier: ref.qualifier,
        payload: input.payload,
        requestId: input.requestId ?? randomUUID(),
      });
      return { statusCode: 202, payload: Buffer.alloc(0) };
    }
    const requestId = input.requestId ?? randomUUID();
    const invokedArn = functionArn(scope.region, scope.accountId, ref.name, ref.qualifier);
    const record = await this.run(resolved, invokedArn, requestId, input.payload, input.clientContext, input.tailLogs ?? false, input.onChunk);
    return {
      statusCode: 200,
      payload: record.result.payload,
      ...(record.result.streamContentType !== undefined ? { streamContentType: record.result.streamContentType } : {}),
      ...(record.result.functionError ? { functionError: record.result.functionError } : {}),
      executedVersion: record.version.version,
      ...(record.result.logTail !== undefined ? { logResult: record.result.logTail } : {}),
    };
  }

  /** Runs one invocation synchronously; throws TooManyRequests when no concurrency is left. */
  async run(
    resolved: ResolvedFunction,
    invokedFunctionArn: string,
    requestId: string,
    payload: Buffer,
    clientContext: string | undefined,
    tailLogs: boolean,
    onChunk?: (chunk: Buffer, contentType: string, executedVersion: string) => void,
  ): Promise<InvocationRecord> {
    const version = this.registry.pickVersion(resolved, this.random());
    if (version.state !== 'Active') throw notReady(version, invokedFunctionArn);
    const reserved = resolved.meta.reservedConcurrency;
    const reason = this.limiter.tryAcquire(version, reserved);
    if (reason) {
      this.observer.throttled?.(version, qualifierOf(invokedFunctionArn));
      throw TooManyRequests('Rate Exceeded.', { fields: { Reason: reason, retryAfterSeconds: '1' }, headers: { 'Retry-After': '1' } });
    }
    const startedAt = Date.now();
    this.observer.concurrency?.(version, this.limiter.concurrent(version));
    try {
      const image = this.images.get(version) ?? (await this.image(version));
      let result = await this.pool.invoke({
        image,
        requestId,
        payload,
        invokedFunctionArn,
        ...(clientContext !== undefined ? { clientContext } : {}),
        tailLogs,
        ...(onChunk ? { onChunk: (chunk: Buffer, contentType: string) => onChunk(chunk, contentType, version.version) } : {}),
      });
      if (result.payload.length > MAX_RESPONSE_PAYLOAD) {
        result = {
          ...result,
          functionError: 'Unhandled',
          payload: Buffer.from(
            JSON.stringify({
              errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_PAYLOAD} bytes).`,
              errorType: 'Function.ResponseSizeTooLarge',
            }),
          ),
        };
      }
      const record = { requestId, qualifier: qualifierOf(invokedFunctionArn), viaAlias: resolved.alias !== undefined, version, result, startedAt };
      this.observer.invoked?.(record);
      return record;
    } finally {
      this.limiter.release(version, reserved);
    }
  }

  /**
   * What the pool needs to run a version. Built once per version object: the registry replaces a
   * version's object whenever anything about it changes (it never mutates one), so an entry can
   * never go stale, and it goes away with its object.
   */
  private readonly images = new WeakMap<FunctionVersion, FunctionImage>();

  /** What the pool needs to run a version (also to provision environments for it ahead of need). */
  imageFor(v: FunctionVersion): Promise<FunctionImage> {
    const known = this.images.get(v);
    return known ? Promise.resolve(known) : this.image(v);
  }

  private async image(v: FunctionVersion): Promise<FunctionImage> {
    const image: FunctionImage = {
      key: `${v.accountId}/${v.region}/${v.functionName}/${v.version}/${v.revisionId}`,
      accountId: v.accountId,
      region: v.region,
      functionName: v.functionName,
      functionArn: functionArn(v.region, v.accountId, v.functionName),
      version: v.version,
      runtime: v.runtime,
      handler: v.handler,
      memorySizeMb: v.memorySize,
      timeoutSeconds: v.timeout,
      ephemeralStorageMb: v.ephemeralStorageSize,
      environment: v.environment,
      codeDir: await this.code.directory(v.codeSha256Hex),
      ...(v.layers.length > 0 ? { layerDirs: await Promise.all(v.layers.map((l) => this.code.directory(l.codeSha256Hex))) } : {}),
      logGroupName: v.logGroup,
      logFormat: v.logFormat,
      ...(v.applicationLogLevel ? { applicationLogLevel: v.applicationLogLevel } : {}),
      ...(v.systemLogLevel ? { systemLogLevel: v.systemLogLevel } : {}),
    };
    this.images.set(v, image);
    return image;
  }
}

/** `arn:aws:lambda:r:a:function:name:qualifier` → `qualifier` (no array: this runs per invoke). */
function qualifierOf(arn: string): string | undefined {
  const fn = arn.indexOf(':function:');
  if (fn === -1) return undefined;
  const colon = arn.indexOf(':', fn + ':function:'.length);
  return colon === -1 ? undefined : arn.slice(colon + 1);
}

/** Invoking a function that is still being created (or failed to be) is a conflict, as on AWS. */
function notReady(v: FunctionVersion, invokedFunctionArn: string) {
  const code = v.state === 'Pending' ? 'Creating' : (v.failure?.code ?? v.state);
  return ResourceConflict(
    `The operation cannot be performed at this time. The resource ${invokedFunctionArn} is currently in the following state: '${v.state}'. StateReasonCode: '${code}'`,
  );
}

/** Lambda accepts only JSON payloads (an empty one included). */
function checkJsonPayload(payload: Buffer): void {
  if (payload.length === 0) return;
  try {
    JSON.parse(payload.toString('utf8'));
  } catch (err) {
    throw InvalidRequestContent(
      `Could not parse request body into json: Could not parse payload into json: ${(err as Error).message}`,
    );
  }
}
