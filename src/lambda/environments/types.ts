// The contract between the invoke core (src/lambda/core) and execution environments
// (src/lambda/environments). The core decides *whether* an invocation may run (concurrency,
// qualifiers, payload limits); the pool decides *where* it runs and runs it.

/** Everything needed to start an execution environment for one (function, version). */
export interface FunctionImage {
  /** Pool key: environments are reused only for the same key (changes when code/config change). */
  readonly key: string;
  readonly accountId: string;
  readonly region: string;
  readonly functionName: string;
  /** Unqualified function ARN. */
  readonly functionArn: string;
  /** `$LATEST` or a published version number. */
  readonly version: string;
  /** e.g. `nodejs20.x`, `python3.11`, `provided.al2023`. */
  readonly runtime: string;
  readonly handler: string;
  readonly memorySizeMb: number;
  readonly timeoutSeconds: number;
  readonly ephemeralStorageMb: number;
  /** Customer environment variables (already decrypted). */
  readonly environment: Readonly<Record<string, string>>;
  /** Extracted deployment package; treat as read-only. */
  readonly codeDir: string;
  /** Extracted layer packages in the order they are merged into /opt (read-only). */
  readonly layerDirs?: readonly string[];
  /** `/aws/lambda/{functionName}`. */
  readonly logGroupName: string;
  /** With JSON, platform lines are JSON records and the runtime writes JSON (LoggingConfig). */
  readonly logFormat: 'Text' | 'JSON';
  /** JSON only: the least level of the function's own logs, and of platform records. */
  readonly applicationLogLevel?: string;
  readonly systemLogLevel?: string;
}

export interface InvokeRequest {
  readonly image: FunctionImage;
  readonly requestId: string;
  readonly payload: Buffer;
  /** ARN the caller invoked (qualified when invoked by version or alias). */
  readonly invokedFunctionArn: string;
  /** Base64 JSON as sent in `X-Amz-Client-Context`, passed through to the runtime. */
  readonly clientContext?: string;
  /** When true the result carries the last 4 KB of this invocation's log, base64. */
  readonly tailLogs: boolean;
  /**
   * Takes a streaming function's chunks as they come (InvokeWithResponseStream, function URLs in
   * RESPONSE_STREAM mode); without it they are collected into the payload.
   */
  readonly onChunk?: (chunk: Buffer, contentType: string) => void;
}

export interface InvokeResult {
  /** The function's response, or the runtime's error JSON when `functionError` is set. */
  readonly payload: Buffer;
  /** `Unhandled` for errors (including timeouts and crashes), as AWS reports them. */
  readonly functionError?: 'Unhandled' | 'Handled';
  /** Base64 of the last 4 KB of log output when requested. */
  readonly logTail?: string;
  /** A streaming function's content type (its payload is the chunks `onChunk` did not take). */
  readonly streamContentType?: string;
  readonly durationMs: number;
  readonly billedDurationMs: number;
  readonly initDurationMs?: number;
}

/** What a provisioned concurrency configuration has: started and initialized environments. */
export interface ProvisionState {
  readonly allocated: number;
  readonly available: number;
  /** Why provisioning stopped (e.g. FUNCTION_ERROR_INIT_FAILURE). */
  readonly failure?: string;
}

export interface EnvironmentPool {
  /** Runs one invocation in a warm environment of the image, or a new one. Never rejects for function faults. */
  invoke(request: InvokeRequest): Promise<InvokeResult>;
  /** Stops idle and future-unused environments of a function (e.g. after an update or delete). */
  retire(accountId: string, region: string, functionName: string): Promise<void>;
  /**
   * Keeps `count` environments of the image initialized ahead of need for `owner` (a provisioned
   * concurrency configuration); no image or 0 releases them. `retry` clears an earlier failure.
   */
  provision(owner: string, image: FunctionImage | undefined, count: number, retry?: boolean): ProvisionState;
  /** What `owner`'s provisioned environments are now (nothing changes). */
  provisioned(owner: string): ProvisionState;
  /** How Nimbus enforces memory limits on this machine: for the startup banner. */
  describeLimits(): string;
  close(): Promise<void>;
}

/**
 * A log event. A platform line (REPORT) may come as a function that formats it when the event is
 * stored: the invocation's caller does not wait for its formatting or for the memory reading in it.
 */
export interface LogEvent {
  readonly timestamp: number;
  readonly message: string | (() => string);
}

/** Where environments write log events (implemented by the CloudWatch Logs store). */
export interface LogSink {
  put(accountId: string, region: string, group: string, stream: string, events: ReadonlyArray<LogEvent>): void;
  /** Whether the log group exists (Step Functions checks a logging destination when a machine is created). */
  hasGroup?(accountId: string, region: string, group: string): boolean;
}
