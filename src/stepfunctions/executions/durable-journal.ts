// The Standard executions' journal: events and checkpoints are buffered per execution and written
// by the shared group commit; `commit()` resolves only once they are on disk. Loaded back from
// SQLite when an execution resumes after a restart.
import type { HistoryEvent, Journal, StepData, StepRecord } from '../engine/journal.js';
import type { GroupCommit } from './group-commit.js';
import type { SfnRepository } from './repository.js';

export class DurableJournal implements Journal {
  private nextId: number;
  private readonly steps = new Map<string, StepRecord>();
  private pendingEvents: Array<[number, string, number, number, string | null]> = [];
  private pendingSteps = new Map<string, StepRecord>();
  readonly detailed = true;
  /** Called for every event (e.g. to log it to CloudWatch Logs). */
  onEvent?: (e: HistoryEvent) => void;

  constructor(
    private readonly arn: string,
    private readonly repo: SfnRepository,
    private readonly gc: GroupCommit,
    private readonly now: () => number,
    resume: boolean,
  ) {
    // A new execution already has ExecutionStarted (id 1), written with its row.
    this.nextId = resume ? repo.maxEventId(arn) + 1 : 2;
    if (resume) {
      for (const row of repo.steps(arn)) {
        this.steps.set(row.key, { done: row.done === 1, data: JSON.parse(row.data) as StepData });
      }
    }
  }

  get eventCount(): number {
    return this.nextId - 1;
  }
  reserve(): number {
    return this.nextId++;
  }
  write(id: number, type: string, prev: number, detailsKey?: string, details?: Record<string, unknown>): void {
    const ts = this.now();
    this.pendingEvents.push([id, type, ts, prev, detailsKey ? JSON.stringify({ [detailsKey]: details ?? {} }) : null]);
    this.onEvent?.({ id, type, timestamp: ts, previousEventId: prev, detailsKey, details });
  }
  emit(type: string, prev: number, detailsKey?: string, details?: Record<string, unknown>): number {
    const id = this.reserve();
    this.write(id, type, prev, detailsKey, details);
    return id;
  }
  step(key: string): StepRecord | undefined {
    return this.steps.get(key);
  }
  putStep(key: string, done: boolean, data: StepData): void {
    const rec = { done, data };
    this.steps.set(key, rec);
    this.pendingSteps.set(key, rec);
  }
  commit(): Promise<void> {
    if (this.pendingEvents.length === 0 && this.pendingSteps.size === 0) return Promise.resolve();
    const events = this.pendingEvents;
    const steps = this.pendingSteps;
    this.pendingEvents = [];
    this.pendingSteps = new Map();
    return this.gc.write(() => {
      for (const e of events) this.repo.insertEvent(this.arn, e[0], e[1], e[2], e[3], e[4]);
      for (const [k, r] of steps) this.repo.putStep(this.arn, k, r.done, JSON.stringify(r.data));
    });
  }
  /** Queues the execution's final update with the pending events, in the same transaction. */
  commitWith(op: () => void): Promise<void> {
    const events = this.pendingEvents;
    const steps = this.pendingSteps;
    this.pendingEvents = [];
    this.pendingSteps = new Map();
    return this.gc.write(() => {
      for (const e of events) this.repo.insertEvent(this.arn, e[0], e[1], e[2], e[3], e[4]);
      for (const [k, r] of steps) this.repo.putStep(this.arn, k, r.done, JSON.stringify(r.data));
      op();
    });
  }
}
