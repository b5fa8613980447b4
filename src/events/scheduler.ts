// Fires due scheduled rules: one timer armed for the earliest next fire across all enabled rules.
// The next fire time is written to SQLite *before* the targets are invoked, so a crash or restart
// never fires the same instant twice; fires missed while Nimbus was down collapse into one fire on
// start (as EventBridge delivers a late scheduled event rather than a backlog).
import { randomUUID } from 'node:crypto';
import type { LambdaInvoker } from '../lambda/invoker.js';
import { STATES_ARN, eventTimestamp, ruleArn, targetPayload, type EventsCore } from './core.js';

/** Starts a Step Functions execution in-process (the Step Functions service's StartExecution). */
export type StartExecution = (req: { accountId: string; region: string; stateMachineArn: string; input: string }) => Promise<unknown>;
import type { RuleRow } from './repository.js';

/** Longest single sleep: bounds how late a wall-clock jump is noticed. */
const MAX_SLEEP_MS = 30_000;

export class RuleScheduler {
  private timer: NodeJS.Timeout | undefined;
  private closed = true;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly core: EventsCore,
    private readonly lambda: LambdaInvoker,
    private readonly log: (msg: string) => void,
    private readonly now: () => number = Date.now,
    private readonly startExecution?: StartExecution,
  ) {}

  start(): void {
    this.closed = false;
    this.core.onChange = () => this.arm();
    this.tick();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.core.onChange = () => {};
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.allSettled([...this.inFlight]);
  }

  private arm(): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    const earliest = this.core.repo.earliestFire();
    const wait = earliest === undefined ? MAX_SLEEP_MS : Math.min(MAX_SLEEP_MS, Math.max(0, earliest - this.now()));
    this.timer = setTimeout(() => this.tick(), wait);
    this.timer.unref();
  }

  private tick(): void {
    this.timer = undefined;
    if (this.closed) return;
    const now = this.now();
    try {
      for (const rule of this.core.repo.dueRules(now)) {
        try {
          this.fire(rule, now);
        } catch (err) {
          // Never leave a rule due after a failure: it would wake the timer in a tight loop.
          this.log(`events: rule ${rule.name} could not fire and is unscheduled: ${(err as Error).message}`);
          this.core.repo.setNextFire(rule, rule.name, null);
        }
      }
    } catch (err) {
      this.log(`events: scheduler error: ${(err as Error).message}`);
    }
    this.arm();
  }

  private fire(rule: RuleRow, now: number): void {
    const due = rule.next_fire_ms!;
    this.core.repo.setNextFire(rule, rule.name, this.core.followingFire(rule, due, now));
    const scope = { accountId: rule.account, region: rule.region };
    // The event AWS sends for a scheduled rule; `time` is the scheduled instant, to the second.
    this.deliver(rule, {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: rule.account,
      time: eventTimestamp(due),
      region: rule.region,
      resources: [ruleArn(scope, rule.bus, rule.name)],
      detail: {},
    });
  }

  /** Sends one event to every target of the rule (a scheduled fire, or a PutEvents match). */
  deliver(rule: RuleRow, event: Record<string, unknown>): void {
    for (const target of this.core.repo.targets(rule, rule.name)) {
      const payload = targetPayload(target, event);
      const delivered = STATES_ARN.test(target.arn)
        ? this.startExecution
          ? this.startExecution({ accountId: rule.account, region: rule.region, stateMachineArn: target.arn, input: payload })
          : Promise.reject(Object.assign(new Error('Step Functions is not wired to EventBridge'), { name: 'ServiceUnavailable' }))
        : this.lambda.invoke({
          accountId: rule.account,
          region: rule.region,
          functionName: target.arn,
          invocationType: 'Event',
          payload: Buffer.from(payload),
        });
      const p = delivered
        .then(
          () => undefined,
          (err: Error) => this.log(`events: rule ${rule.name} target ${target.id} (${target.arn}) failed: ${err.name}: ${err.message}`),
        );
      this.inFlight.add(p);
      void p.finally(() => this.inFlight.delete(p));
    }
  }
}
