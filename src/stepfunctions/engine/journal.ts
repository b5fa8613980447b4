// The journal is how the interpreter records what happened: history events (ids assigned here,
// written at commit) and step checkpoints. Replay: a step whose checkpoint is `done` is never run
// again — its recorded output, next state and assignments are applied instead; a step that was only
// `started` resumes from its checkpoint (Wait deadline, retry count, task token). Standard
// executions use a durable journal (SQLite, see executions/durable-journal.ts); Express ones the
// in-memory journal below.
import type { Json, JsonObject } from '../asl/index.js';

export interface HistoryEvent {
  readonly id: number;
  readonly type: string;
  readonly timestamp: number;
  readonly previousEventId: number;
  /** Field name of the details member (`stateEnteredEventDetails`…) and its value. */
  readonly detailsKey?: string;
  readonly details?: Record<string, unknown>;
}

/** What a checkpoint holds. `started` fields while running, the others once done. */
export interface StepData {
  entered?: number;
  enteredTime?: string;
  /** Retry counts per retrier index. */
  retries?: number[];
  /** Epoch ms of the next retry (durable backoff timer). */
  retryAtMs?: number;
  /** Epoch ms a Wait ends (durable timer). */
  untilMs?: number;
  /** Epoch ms the current task attempt was scheduled (for TimeoutSeconds after a restart). */
  scheduledAtMs?: number;
  token?: string;
  attempt?: number;
  /** The task's callback/job was submitted (or its activity picked up): await it, do not resubmit. */
  submitted?: boolean;
  submittedOutput?: Json;
  /** Wait: result computed at entry. */
  pendingOutput?: Json;
  pendingAssigned?: JsonObject;
  // done
  next?: string | null;
  output?: Json;
  assigned?: JsonObject;
  prev?: number;
}

export interface StepRecord {
  readonly done: boolean;
  readonly data: StepData;
}

export interface Journal {
  /** Allocates the next event id (the event itself may be written later, e.g. with its exit event). */
  reserve(): number;
  /** Records an event with a reserved id. */
  write(id: number, type: string, previousEventId: number, detailsKey?: string, details?: Record<string, unknown>): void;
  /** reserve + write. */
  emit(type: string, previousEventId: number, detailsKey?: string, details?: Record<string, unknown>): number;
  step(key: string): StepRecord | undefined;
  putStep(key: string, done: boolean, data: StepData): void;
  /** Makes everything recorded so far durable; `undefined` when there is nothing to wait for (memory). */
  commit(): Promise<void> | undefined;
  /** Number of events recorded (for the 25,000-event history limit). */
  readonly eventCount: number;
  /** False when nobody will read event details (Express without logging): callers skip building them. */
  readonly detailed: boolean;
}

/** Express executions and TestState: events and checkpoints live in memory only. */
export class MemoryJournal implements Journal {
  readonly events: HistoryEvent[] = [];
  private readonly steps = new Map<string, StepRecord>();
  private next = 1;
  readonly detailed: boolean;
  constructor(private readonly now: () => number, private readonly onEvent?: (e: HistoryEvent) => void, detailed = true) {
    this.detailed = detailed || onEvent !== undefined;
  }
  get eventCount(): number {
    return this.next - 1;
  }
  reserve(): number {
    return this.next++;
  }
  write(id: number, type: string, previousEventId: number, detailsKey?: string, details?: Record<string, unknown>): void {
    // Unlogged Express runs keep no events: nobody can read them (AWS has no history for Express).
    if (!this.detailed) return;
    const e: HistoryEvent = { id, type, timestamp: this.now(), previousEventId, detailsKey, details };
    this.events.push(e);
    this.onEvent?.(e);
  }
  emit(type: string, previousEventId: number, detailsKey?: string, details?: Record<string, unknown>): number {
    const id = this.reserve();
    this.write(id, type, previousEventId, detailsKey, details);
    return id;
  }
  step(key: string): StepRecord | undefined {
    return this.steps.get(key);
  }
  putStep(key: string, done: boolean, data: StepData): void {
    // Checkpoints serve replay, which in-memory runs never do; TestState (detailed) reads the first one.
    if (this.detailed) this.steps.set(key, { done, data });
  }
  commit(): undefined {
    return undefined;
  }
}
