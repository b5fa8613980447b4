// Builds the alarm half of the `monitoring` service: repository, core and evaluation scheduler,
// on top of the metrics store and core. ../metrics/service.ts serves the operations and calls
// start/close. NIMBUS_ALARM_EVALUATION_MS fixes the per-alarm evaluation interval (tests).
import type { Platform } from '../../server/compose.js';
import type { MetricsCore } from '../metrics/core.js';
import type { MetricsStore } from '../metrics/store.js';
import type { LambdaInvoker } from '../../lambda/invoker.js';
import { alarmOperations, type ExtraOperation } from './api.js';
import { AlarmsCore } from './core.js';
import { AlarmsRepository } from './repository.js';
import { AlarmScheduler } from './scheduler.js';

export interface Alarms {
  readonly operations: Record<string, ExtraOperation>;
  readonly core: AlarmsCore;
  /** Enables Lambda function alarm actions. */
  attachInvoker(invoker: LambdaInvoker): void;
  start(): void;
  close(): void;
}

const PRUNE_MS = 3_600_000;

export function createAlarms(platform: Pick<Platform, 'store' | 'log'>, store: MetricsStore, metrics: MetricsCore): Alarms {
  const repo = new AlarmsRepository(platform.store);
  const override = Number(process.env.NIMBUS_ALARM_EVALUATION_MS);
  let core: AlarmsCore | undefined;
  const scheduler = new AlarmScheduler({
    evaluate: (a, r, n) => core!.evaluateAlarm(a, r, n),
    log: platform.log,
    ...(Number.isFinite(override) && override > 0 ? { intervalMs: override } : {}),
  });
  core = new AlarmsCore(repo, store, metrics, scheduler);
  let pruner: NodeJS.Timeout | undefined;
  return {
    operations: alarmOperations(core),
    core,
    attachInvoker: (invoker) => core!.attachInvoker(invoker),
    start() {
      scheduler.start(core!.scheduled());
      pruner = setInterval(() => {
        try {
          core!.pruneHistory();
        } catch (err) {
          platform.log(`alarms: history pruning failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      }, PRUNE_MS);
      pruner.unref();
    },
    close() {
      scheduler.stop();
      if (pruner) clearInterval(pruner);
    },
  };
}
