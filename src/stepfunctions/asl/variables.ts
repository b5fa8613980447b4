// Workflow variable scopes. The top level of an execution is one scope; every Parallel branch and
// every Map iteration runs in a child scope that can read its parents (a DISTRIBUTED Map's child
// cannot: it starts from an empty root). Assignments of a state take effect together after the
// state, so expressions inside one Assign all see the values from state entry.
import type { Json, JsonObject } from './model.js';
import type { VariableReader } from './env.js';

export class VariableScope implements VariableReader {
  private readonly values = new Map<string, Json>();
  constructor(private readonly parent?: VariableReader, initial?: JsonObject) {
    if (initial) for (const [k, v] of Object.entries(initial)) this.values.set(k, v);
  }

  get(name: string): Json | undefined {
    if (this.values.has(name)) return this.values.get(name);
    return this.parent?.get(name);
  }

  /** Apply a state's assignments (a StateOutcome's `assigned`) to this scope. */
  assign(assigned: JsonObject | undefined): void {
    if (!assigned) return;
    for (const [k, v] of Object.entries(assigned)) this.values.set(k, v);
  }

  /** A scope for a Parallel branch or inline Map iteration: reads fall through to this one. */
  child(): VariableScope {
    return new VariableScope(this);
  }

  /** Variables set in this scope only (not parents), e.g. to persist and restore after a crash. */
  own(): JsonObject {
    return Object.fromEntries(this.values);
  }
}
