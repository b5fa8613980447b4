// The context object (`$$` in JSONPath, `$states.context` in JSONata), built from values the
// engine supplies, with AWS's key names.
import type { Json, JsonObject } from './model.js';

export interface ContextParts {
  readonly execution: {
    readonly id: string; readonly name: string; readonly input: Json; readonly roleArn: string;
    /** ISO-8601 with milliseconds, e.g. 2024-01-01T00:00:00.000Z. */
    readonly startTime: string;
    readonly redriveCount?: number;
  };
  readonly stateMachine: { readonly id: string; readonly name: string };
  readonly state: { readonly name: string; readonly enteredTime: string; readonly retryCount: number };
  /** Only for `.waitForTaskToken` tasks. */
  readonly task?: { readonly token: string };
}

export interface MapItemContext {
  readonly index: number;
  readonly value: Json;
  /** Distributed Map over S3 objects / JSON object keys. */
  readonly key?: string;
  readonly source?: string;
}

export function buildContext(parts: ContextParts): JsonObject {
  throw new Error(`asl: not implemented yet: buildContext ${parts.state.name}`);
}

/** A copy of `context` with `Map.Item` set (for ItemSelector evaluation). */
export function withMapItem(context: JsonObject, item: MapItemContext): JsonObject {
  throw new Error(`asl: not implemented yet: withMapItem ${Object.keys(context).length} ${item.index}`);
}
