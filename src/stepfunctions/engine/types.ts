// Types shared by the interpreter and the task integrations.
import type { Json, JsonObject, Randomness } from '../asl/index.js';
import type { LambdaInvoker } from '../../lambda/invoker.js';
import type { Clock } from './clock.js';

/** The execution being interpreted (what the context object and history need). */
export interface ExecutionInfo {
  readonly arn: string;
  readonly name: string;
  readonly machineArn: string;
  readonly machineName: string;
  readonly roleArn: string;
  readonly input: Json;
  readonly startMs: number;
  /** Undefined for synchronous Express executions, whose context object has no RedriveCount on AWS. */
  readonly redriveCount: number | undefined;
  readonly region: string;
  readonly accountId: string;
  readonly type: 'STANDARD' | 'EXPRESS';
}

/** How a callback (task token) ended. */
export type TokenOutcome =
  | { readonly ok: true; readonly output: Json }
  | { readonly ok: false; readonly error: string; readonly cause?: string };

/** Task tokens: durable registration and waiting for SendTask* (implemented by executions/). */
export interface TokenHost {
  /** Generates a new token (format checked by the API). */
  newToken(): string;
  /** Records the token durably (activity tasks become visible to GetActivityTask). */
  register(token: string, executionArn: string, stepKey: string, activityArn?: string, input?: string): Promise<void>;
  /** Whether the activity exists now (an activity task on a deleted activity fails before it is scheduled). */
  activityExists?(activityArn: string): boolean;
  /**
   * Waits for SendTaskSuccess/Failure. Rejects with a heartbeat TaskTimeoutError (recorded as States.Timeout) when
   * `heartbeatSeconds` pass without a heartbeat, and with the signal's reason on abort.
   * Resolves at once if the outcome was recorded before (e.g. before a restart).
   */
  wait(token: string, heartbeatSeconds: number | undefined, signal: AbortSignal): Promise<TokenOutcome>;
  /** Activity tasks: resolves with the worker name once a worker picked the task up. */
  started(token: string, signal: AbortSignal): Promise<string>;
  /** The token is no longer awaited (task ended): late SendTask* calls get TaskTimedOut. */
  close(token: string): void;
}

/** Starting another state machine's execution (arn:aws:states:::states:startExecution). */
export interface ExecutionStarter {
  start(request: {
    stateMachineArn: string; input: string; name?: string; region: string; accountId: string;
    parentArn: string; traceHeader?: string;
  }): Promise<{ executionArn: string; startDate: number }>;
  /** Resolves when the execution ends: DescribeExecution's shape (output as a string). */
  waitFor(executionArn: string, signal: AbortSignal): Promise<JsonObject>;
  stop(executionArn: string, error?: string, cause?: string): Promise<void>;
}

/** EventBridge's PutEvents (each entry on its EventBusName, default when absent), as the events service answers it. */
export interface EventPublisher {
  putEvents(scope: { accountId: string; region: string }, entries: Json[]): { FailedEntryCount: number; Entries: Json[] };
}

export interface EngineHost {
  readonly clock: Clock;
  readonly randomness: Randomness;
  readonly lambda?: LambdaInvoker;
  readonly events?: EventPublisher;
  /** Nimbus's own endpoint (empty until it listens): AWS SDK integrations call the services there. */
  readonly endpoint?: string;
  readonly tokens: TokenHost;
  readonly executions?: ExecutionStarter;
}
