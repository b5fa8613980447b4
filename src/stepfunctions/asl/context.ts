// The context object (`$$` in JSONPath, `$states.context` in JSONata), built from values the
// engine supplies, with AWS's key names and order (as recorded: Execution, StateMachine, State).
import type { Json, JsonObject } from './model.js';

export interface ContextParts {
  readonly execution: {
    readonly id: string; readonly name: string; readonly input: Json; readonly roleArn: string;
    /** ISO-8601 with milliseconds, e.g. 2024-01-01T00:00:00.000Z. */
    readonly startTime: string;
    readonly redriveCount?: number;
    /** Synchronous Express executions: AWS's `$$.Execution` has no RedriveCount (express/test_express_sync). */
    readonly withoutRedriveCount?: boolean;
  };
  readonly stateMachine: { readonly id: string; readonly name: string };
  /** retryCount: present for states that can retry (Task, Parallel, Map). */
  readonly state: { readonly name: string; readonly enteredTime: string; readonly retryCount?: number };
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
  const e = parts.execution;
  const state: JsonObject = { Name: parts.state.name, EnteredTime: parts.state.enteredTime };
  if (parts.state.retryCount !== undefined) state.RetryCount = parts.state.retryCount;
  const ctx: JsonObject = {
    Execution: {
      Id: e.id, Input: e.input, StartTime: e.startTime, Name: e.name, RoleArn: e.roleArn,
      ...(e.withoutRedriveCount ? {} : { RedriveCount: e.redriveCount ?? 0 }),
    },
    StateMachine: { Id: parts.stateMachine.id, Name: parts.stateMachine.name },
    State: state,
  };
  if (parts.task) ctx.Task = { Token: parts.task.token };
  return ctx;
}

/** A copy of `context` with `Map.Item` set (for ItemSelector evaluation). */
export function withMapItem(context: JsonObject, item: MapItemContext): JsonObject {
  const it: JsonObject = { Index: item.index, Value: item.value };
  if (item.key !== undefined) it.Key = item.key;
  if (item.source !== undefined) it.Source = item.source;
  return { ...context, Map: { Item: it } };
}
