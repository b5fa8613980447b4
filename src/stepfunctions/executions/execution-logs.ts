// Execution history delivered to CloudWatch Logs (a state machine's loggingConfiguration), in the shape
// AWS writes it. Facts from AWS recordings (LocalStack logs/test_logs, test_sfn_api_express):
//   - one JSON message per history event: id, type, details, previous_event_id, event_timestamp,
//     execution_arn, redrive_count (all strings but details);
//   - without includeExecutionData, details lose the data and its *Details companions:
//     ExecutionStarted keeps only roleArn, state events only name, ExecutionSucceeded is `{}`;
//     error and cause stay;
//   - level ERROR keeps failures and the entry of a Fail state; FATAL only the execution's own end
//     (failed, timed out, aborted);
//   - consecutive executions of one machine write to the same log stream.
import { randomUUID } from 'node:crypto';
import type { LogSink } from '../../lambda/environments/types.js';
import type { HistoryEvent } from '../engine/journal.js';
import type { LoggingConfiguration } from './machines.js';

/** Detail fields that carry execution data, left out unless includeExecutionData is true. */
const DATA_FIELDS = new Set(['input', 'inputDetails', 'output', 'outputDetails', 'parameters']);

const ERROR_EVENT = /(Failed|TimedOut|Aborted)$|^FailStateEntered$/;
const FATAL_EVENT = /^Execution(Failed|TimedOut|Aborted)$/;

export function eventInLevel(level: string, type: string): boolean {
  if (level === 'ALL') return true;
  if (level === 'ERROR') return ERROR_EVENT.test(type);
  if (level === 'FATAL') return FATAL_EVENT.test(type);
  return false;
}

export function loggedDetails(details: Record<string, unknown> | undefined, includeData: boolean): Record<string, unknown> {
  if (!details) return {};
  if (includeData) return details;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(details)) if (!DATA_FIELDS.has(k)) out[k] = v;
  return out;
}

export interface ExecutionLogTarget {
  readonly executionArn: string;
  readonly machineArn: string;
  readonly machineName: string;
  readonly redriveCount: number;
}

/** Builds per-execution event writers; remembers one stream per machine, log group and day. */
export class ExecutionLogs {
  private readonly streams = new Map<string, string>();

  constructor(
    private readonly sink: () => LogSink | undefined,
    private readonly now: () => number,
    private readonly log: (message: string) => void,
  ) {}

  writer(target: ExecutionLogTarget, logging: LoggingConfiguration): ((e: HistoryEvent) => void) | undefined {
    const level = logging.level ?? 'OFF';
    const dest = logging.destinations?.[0]?.cloudWatchLogsLogGroup?.logGroupArn;
    if (level === 'OFF' || !dest) return undefined;
    const m = /^arn:aws[a-z-]*:logs:([a-z0-9-]+):(\d{12}):log-group:(.+?)(?::\*)?$/.exec(dest);
    if (!m) return undefined;
    const [, region, account, group] = m as unknown as [string, string, string, string];
    const stream = this.stream(target, dest);
    const include = logging.includeExecutionData === true;
    return (e) => {
      if (!eventInLevel(level, e.type)) return;
      const sink = this.sink();
      if (!sink) return;
      const message = JSON.stringify({
        id: String(e.id), type: e.type, details: loggedDetails(e.details, include), previous_event_id: String(e.previousEventId),
        event_timestamp: String(e.timestamp), execution_arn: target.executionArn, redrive_count: String(target.redriveCount),
      });
      try {
        sink.put(account, region, group, stream, [{ timestamp: e.timestamp, message }]);
      } catch (err) {
        this.log(`logging ${target.executionArn}: ${String(err)}`);
      }
    };
  }

  private stream(target: ExecutionLogTarget, dest: string): string {
    const date = new Date(this.now()).toISOString().slice(0, 10).replace(/-/g, '/');
    const key = `${target.machineArn}\n${dest}\n${date}`;
    let name = this.streams.get(key);
    if (!name) {
      if (this.streams.size >= 10_000) this.streams.clear(); // bounded: streams of past days are never reused
      name = `states/${target.machineName}/${date}/${randomUUID().replace(/-/g, '')}`;
      this.streams.set(key, name);
    }
    return name;
  }
}
