// The lines Lambda itself writes to a function's log stream, in the function's log format: Text
// (`START RequestId: …`, `END …`, `REPORT …`) or JSON records (`platform.start`,
// `platform.runtimeDone`, `platform.report`, shaped as AWS writes them for LoggingConfig JSON).

export interface ReportFigures {
  /** When the invocation ended (epoch ms): the line itself is formatted later. */
  readonly at: number;
  readonly requestId: string;
  readonly durationMs: number;
  readonly billedDurationMs: number;
  readonly memorySizeMb: number;
  readonly maxMemoryUsedMb: number;
  readonly initDurationMs: number | undefined;
  readonly status: InvocationStatus;
}

/** How an invocation ended, as platform records name it. */
export type InvocationStatus = 'success' | 'error' | 'timeout' | 'failure';

export interface PlatformLog {
  start(requestId: string, version: string): string;
  end(requestId: string, status: InvocationStatus, durationMs: number, producedBytes: number): string;
  report(figures: ReportFigures): string;
  initError(durationMs: number, errorType: string): string;
}

const textLog: PlatformLog = {
  start: (requestId, version) => `START RequestId: ${requestId} Version: ${version}\n`,
  end: (requestId) => `END RequestId: ${requestId}\n`,
  report: (f) =>
    `REPORT RequestId: ${f.requestId}\tDuration: ${f.durationMs.toFixed(2)} ms\tBilled Duration: ${f.billedDurationMs} ms\t` +
    `Memory Size: ${f.memorySizeMb} MB\tMax Memory Used: ${f.maxMemoryUsedMb} MB\t` +
    (f.initDurationMs !== undefined ? `Init Duration: ${f.initDurationMs.toFixed(2)} ms\t` : '') +
    (f.status === 'timeout' ? 'Status: timeout\n' : '\n'),
  initError: (durationMs, errorType) =>
    `INIT_REPORT Init Duration: ${durationMs.toFixed(2)} ms\tPhase: init\tStatus: error\tError Type: ${errorType}\n`,
};

const ms = (n: number) => Math.round(n * 1000) / 1000;
const record = (type: string, body: Record<string, unknown>, at = Date.now()) =>
  `${JSON.stringify({ time: new Date(at).toISOString(), type, record: body })}\n`;

const jsonLog: PlatformLog = {
  start: (requestId, version) => record('platform.start', { requestId, version }),
  end: (requestId, status, durationMs, producedBytes) =>
    record('platform.runtimeDone', { requestId, status, metrics: { durationMs: ms(durationMs), producedBytes } }),
  report: (f) =>
    record(
      'platform.report',
      {
        requestId: f.requestId,
        status: f.status,
        metrics: {
          durationMs: ms(f.durationMs),
          billedDurationMs: f.billedDurationMs,
          memorySizeMB: f.memorySizeMb,
          maxMemoryUsedMB: f.maxMemoryUsedMb,
          ...(f.initDurationMs !== undefined ? { initDurationMs: ms(f.initDurationMs) } : {}),
        },
      },
      f.at,
    ),
  initError: (durationMs, errorType) =>
    record('platform.initReport', { initializationType: 'on-demand', phase: 'init', status: 'error', errorType, metrics: { durationMs: ms(durationMs) } }),
};

/** Undefined when nothing is written: platform records are INFO, a SystemLogLevel of WARN drops them. */
export function platformLog(format: 'Text' | 'JSON', systemLogLevel: string | undefined): PlatformLog | undefined {
  if (format === 'Text') return textLog;
  return systemLogLevel === 'WARN' ? undefined : jsonLog;
}
