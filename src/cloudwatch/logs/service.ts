// Builds the CloudWatch Logs service: repository + buffered sink + core + wire layer, and a
// background retention sweep (AWS deletes expired events asynchronously as well).
import type { Service } from '../../server/context.js';
import type { Platform } from '../../server/compose.js';
import { handleLogsRequest } from './api.js';
import { LogsCore } from './core.js';
import { LogsRepository } from './repository.js';
import { BufferedLogSink } from './sink.js';

const RETENTION_SWEEP_MS = 10 * 60_000;

export interface LogsService {
  readonly service: Service;
  readonly sink: BufferedLogSink;
  /** In-process access for the console and other services (no HTTP). */
  readonly queries: LogsCore;
}

export function createLogsService(platform: Pick<Platform, 'store' | 'log'>): LogsService {
  const repo = new LogsRepository(platform.store);
  const sink = new BufferedLogSink(repo, platform.store, platform.log);
  const core = new LogsCore(repo, sink);
  let sweep: NodeJS.Timeout | undefined;

  const runSweep = () => {
    try {
      core.purgeExpired();
    } catch (err) {
      platform.log(`logs: retention sweep failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  const service: Service = {
    name: 'logs',
    protocol: 'json',
    handle: (ctx) => handleLogsRequest(core, ctx),
    start() {
      runSweep();
      sweep = setInterval(runSweep, RETENTION_SWEEP_MS);
      sweep.unref();
    },
    close() {
      if (sweep) clearInterval(sweep);
      sink.close();
    },
  };
  return { service, sink, queries: core };
}
