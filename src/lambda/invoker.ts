// How other services (Step Functions, API Gateway, SAM) invoke Lambda functions: in process,
// without HTTP, with the same semantics and errors as the Invoke API.

export interface LambdaInvokeInput {
  readonly accountId: string;
  readonly region: string;
  /** Name, full or partial ARN, optionally qualified (`name:alias`, `arn:…:function:name:3`). */
  readonly functionName: string;
  /** Version or alias; conflicts with a qualifier inside `functionName` unless equal. */
  readonly qualifier?: string;
  readonly payload: Buffer;
  /** Defaults to `RequestResponse`. `Event` queues durably and resolves with status 202. */
  readonly invocationType?: 'RequestResponse' | 'Event' | 'DryRun';
  /** Base64 JSON client context. */
  readonly clientContext?: string;
  readonly tailLogs?: boolean;
  /**
   * The invocation's request id. The Invoke API passes its own: on AWS the reply's
   * x-amzn-RequestId is the function's awsRequestId. Other callers leave it to the core.
   */
  readonly requestId?: string;
  /**
   * The caller made `payload` with JSON.stringify itself (API Gateway's proxy event), so the core
   * skips re-parsing it to check that it is JSON. Never set from client input.
   */
  readonly payloadIsJson?: boolean;
  /** Takes a streaming function's chunks as they come, with the version that runs (see InvokeRequest.onChunk). */
  readonly onChunk?: (chunk: Buffer, contentType: string, executedVersion: string) => void;
}

export interface LambdaInvokeOutput {
  /** 200 (RequestResponse), 202 (Event) or 204 (DryRun). */
  readonly statusCode: number;
  readonly payload: Buffer;
  /** Set when the function failed: the payload is the runtime's error JSON. */
  readonly functionError?: 'Unhandled' | 'Handled';
  readonly executedVersion?: string;
  /** Base64 log tail when `tailLogs` was set. */
  readonly logResult?: string;
  /** Set when the function streamed its response: the content type it gave the stream. */
  readonly streamContentType?: string;
}

/**
 * Invokes a function. Rejects with a `ServiceError` named as the Invoke API would answer
 * (`ResourceNotFoundException`, `TooManyRequestsException`, `RequestTooLargeException`,
 * `InvalidParameterValueException`…); function faults resolve with `functionError` set.
 */
export interface LambdaInvoker {
  invoke(input: LambdaInvokeInput): Promise<LambdaInvokeOutput>;
}
