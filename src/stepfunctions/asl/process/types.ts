// Outcome types of the per-state processing functions.
import type { Json, JsonObject } from '../model.js';
import type { StateOutcome } from '../env.js';

export interface ChoiceOutcome extends StateOutcome {
  /** The state to go to (a matched branch's Next, else Default). */
  readonly next: string;
}

export interface WaitOutcome extends StateOutcome {
  /** Epoch milliseconds at which the wait ends (nowMs + Seconds*1000, or the Timestamp). */
  readonly untilMs: number;
}

export interface FailOutcome {
  readonly error?: string;
  readonly cause?: string;
}

export interface TaskInvocation {
  /** The effective parameters sent to the resource (JSONPath: InputPath+Parameters; JSONata: Arguments). */
  readonly payload: Json;
  /** Resolved TimeoutSeconds / TimeoutSecondsPath (undefined = no state timeout given). */
  readonly timeoutSeconds?: number;
  readonly heartbeatSeconds?: number;
  /** Resolved Credentials object (e.g. {RoleArn}), if any. */
  readonly credentials?: JsonObject;
}

export interface MapPlan {
  /** The items to iterate (ItemsPath / Items, after InputPath). */
  readonly items: Json[];
  /** 0 = unlimited. */
  readonly maxConcurrency: number;
  readonly toleratedFailureCount?: number;
  readonly toleratedFailurePercentage?: number;
  /** Resolved ItemBatcher (DISTRIBUTED Map), if any: the engine groups items into `{...batchInput, Items: [...]}`. */
  readonly batcher?: ItemBatcherPlan;
}

export interface ItemBatcherPlan {
  readonly maxItemsPerBatch?: number;
  readonly maxInputBytesPerBatch?: number;
  readonly batchInput?: Json;
}
