// Fires the Schedule events of a deployed stack whose targets Nimbus's EventBridge does not deliver
// from the client side, while `nimbus local start-api` or `nimbus schedules` runs. Lambda and Step
// Functions targets are not fired here: the deployer puts them on real EventBridge rules inside Nimbus
// (src/events), which fire durably without any client. Each rule keeps its own virtual clock; `timeScale` compresses the waits
// (0.001: rate(1 minute) fires every 60 ms). Targets get what EventBridge sends: the scheduled
// event (or the target's Input) — Lambda asynchronously, Step Functions through StartExecution.
import { randomUUID } from 'node:crypto';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Clients } from './deploy/clients.js';
import type { StackRecord } from './deploy/stack-store.js';
import { nextFire, parseSchedule } from './schedule.js';
import { describe } from './deploy/deployer.js';

export interface ScheduleRunnerOptions {
  clients: Clients;
  record: StackRecord;
  timeScale?: number;
  log: (line: string) => void;
}

export interface ScheduleRunner {
  /** Rules being fired: logical id → expression. */
  readonly rules: ReadonlyArray<{ id: string; expression: string }>;
  stop(): void;
}

export function startSchedules(opts: ScheduleRunnerOptions): ScheduleRunner {
  const scale = opts.timeScale ?? 1;
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  const rules: Array<{ id: string; expression: string }> = [];
  for (const [id, rec] of Object.entries(opts.record.resources)) {
    if (rec.type !== 'AWS::Events::Rule') continue;
    const p = rec.properties as { ScheduleExpression?: string; State?: string; Targets?: Array<{ Arn: string; Input?: string }> };
    if (!p.ScheduleExpression || p.State === 'DISABLED') continue;
    const clientTargets = (p.Targets ?? []).filter((t) => !/^arn:aws[a-z-]*:(lambda|states):/.test(t.Arn));
    if (!clientTargets.length) continue;
    const schedule = parseSchedule(p.ScheduleExpression);
    const ruleArn = String(rec.attributes.Arn);
    rules.push({ id, expression: p.ScheduleExpression });
    const start = Date.now();
    let virtual = start;
    const arm = () => {
      if (stopped) return;
      const next = nextFire(schedule, virtual, start);
      if (next === undefined) return;
      const t = setTimeout(() => {
        timers.delete(t);
        virtual = next;
        void fire(id, ruleArn, next, clientTargets).finally(arm);
      }, Math.max(0, (next - virtual) * scale));
      timers.add(t);
    };
    arm();
  }

  async function fire(id: string, ruleArn: string, at: number, targets: Array<{ Arn: string; Input?: string }>) {
    const event = JSON.stringify({
      version: '0', id: randomUUID(), 'detail-type': 'Scheduled Event', source: 'aws.events', account: '000000000000',
      time: new Date(at).toISOString().replace(/\.\d+Z$/, 'Z'), region: opts.clients.region, resources: [ruleArn], detail: {},
    });
    for (const target of targets) {
      const input = target.Input ?? event;
      try {
        if (/:states:/.test(target.Arn)) await opts.clients.sfn.send(new StartExecutionCommand({ stateMachineArn: target.Arn, input }));
        else await opts.clients.lambda.send(new InvokeCommand({ FunctionName: target.Arn, InvocationType: 'Event', Payload: Buffer.from(input) }));
        opts.log(`Schedule ${id} fired → ${target.Arn}`);
      } catch (err) {
        opts.log(`Schedule ${id} could not reach ${target.Arn}: ${describe(err)}`);
      }
    }
  }

  return {
    rules,
    stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
