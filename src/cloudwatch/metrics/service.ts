// Builds the CloudWatch metrics service (`monitoring`): repository + MetricsStore + core + wire,
// plus the alarms (../alarms/), which share its operation table and evaluate over its store.
import type { Service } from '../../server/context.js';
import type { Platform } from '../../server/compose.js';
import { handleMetricsRequest } from './api.js';
import { MetricsCore } from './core.js';
import { MetricsRepository } from './repository.js';
import { MetricsStore } from './store.js';
import { createAlarms } from '../alarms/service.js';
import type { LambdaInvoker } from '../../lambda/invoker.js';

export interface MetricsService {
  readonly service: Service;
  /** In-process writes (`putMetric`) and queries (`statistics`, `listMetrics`) without HTTP. */
  readonly metrics: MetricsStore;
  /** Lets alarms invoke Lambda function actions (Lambda is built after this service). */
  attachAlarmActions(invoker: LambdaInvoker): void;
}

const MAINTENANCE_MS = 10 * 60_000;

export function createMetricsService(platform: Pick<Platform, 'store' | 'log'>): MetricsService {
  const metrics = new MetricsStore(new MetricsRepository(platform.store), platform.log);
  const core = new MetricsCore(metrics);
  const alarms = createAlarms(platform, metrics, core);
  let timer: NodeJS.Timeout | undefined;
  const maintain = () => {
    try {
      metrics.maintain();
    } catch (err) {
      platform.log(`metrics: roll-up failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const service: Service = {
    name: 'monitoring',
    protocol: 'json',
    handle: (ctx) => handleMetricsRequest(core, ctx, alarms.operations),
    start() {
      timer = setInterval(maintain, MAINTENANCE_MS);
      timer.unref();
      alarms.start();
    },
    close() {
      if (timer) clearInterval(timer);
      alarms.close();
      metrics.close();
    },
  };
  return { service, metrics, attachAlarmActions: (invoker) => alarms.attachInvoker(invoker) };
}
