// Asynchronous invocation: events are written to SQLite before Invoke answers 202, then run here.
// A function error is retried (twice by default, after 1 and 2 minutes as Lambda does); throttles
// and platform faults are retried until the event's maximum age; the outcome goes to the
// OnSuccess / OnFailure destination. An event leaves the queue in the same transaction that hands
// its record to a destination, so a crash at any point re-runs at most the last attempt.
import { randomUUID } from 'node:crypto';
import { isServiceError } from '../../protocol/errors.js';
import type { FunctionRegistry } from './functions.js';
import type { InvokeCore } from './invoke.js';
import { LATEST, functionArn } from './model.js';
import { parseFunctionRef } from './names.js';
import type { AsyncEvent, LambdaRepository } from './repository.js';

export interface AsyncQueueOptions {
  /** Delay before retry n is n × this (Lambda: one minute, then two). */
  retryBaseMs: number;
  /** Events worked on at once. */
  maxParallel: number;
  log: (msg: string) => void;
}

const DEFAULT_MAX_RETRIES = 2;
const DEFAULT_MAX_AGE_SECONDS = 21_600;
const MAX_THROTTLE_BACKOFF_MS = 300_000;

type Outcome = 'Success' | 'RetriesExhausted' | 'EventAgeExceeded';

export class AsyncInvocationQueue {
  private readonly inFlight = new Set<string>();
  private readonly throttles = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private closed = false;

  constructor(
    private readonly repo: LambdaRepository,
    private readonly registry: FunctionRegistry,
    private readonly core: InvokeCore,
    private readonly options: AsyncQueueOptions,
  ) {}

  start(): void {
    this.pump();
  }

  enqueue(input: { accountId: string; region: string; functionName: string; qualifier: string | undefined; payload: Buffer; requestId: string }): void {
    const now = Date.now();
    this.repo.enqueue({
      id: input.requestId,
      accountId: input.accountId,
      region: input.region,
      functionName: input.functionName,
      qualifier: input.qualifier,
      payload: input.payload,
      attempts: 0,
      enqueuedAt: now,
      nextAttemptAt: now,
    });
    setImmediate(() => this.pump());
  }

  /** Stops taking events. Attempts still running end without a verdict: they run again after a restart. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private pump(): void {
    if (this.closed) return;
    const now = Date.now();
    const free = this.options.maxParallel - this.inFlight.size;
    if (free > 0) {
      for (const event of this.repo.dueEvents(now, free + this.inFlight.size)) {
        if (this.inFlight.has(event.id) || this.inFlight.size >= this.options.maxParallel) continue;
        this.inFlight.add(event.id);
        void this.process(event).finally(() => {
          this.inFlight.delete(event.id);
          this.pump();
        });
      }
    }
    this.schedule();
  }

  private schedule(): void {
    const next = this.repo.nextDueAt();
    if (next === undefined || this.closed) return;
    const at = Math.max(next, Date.now() + 5);
    if (this.timer && at >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.pump();
    }, at - Date.now());
    this.timer.unref();
  }

  private async process(event: AsyncEvent): Promise<void> {
    const scope = { accountId: event.accountId, region: event.region };
    let resolved;
    try {
      resolved = this.registry.resolve(scope, parseFunctionRef(event.functionName, event.qualifier));
    } catch {
      this.options.log(`async event ${event.id}: ${event.functionName} no longer exists, dropped`);
      this.repo.removeEvent(event.id);
      return;
    }
    const config = this.registry.eventInvokeConfig(scope, event.functionName, resolved.qualifier);
    const maxRetries = config?.maximumRetryAttempts ?? DEFAULT_MAX_RETRIES;
    const maxAgeMs = (config?.maximumEventAgeInSeconds ?? DEFAULT_MAX_AGE_SECONDS) * 1000;
    const invokedArn = functionArn(event.region, event.accountId, event.functionName, event.qualifier);

    if (Date.now() - event.enqueuedAt > maxAgeMs) {
      this.finish(event, 'EventAgeExceeded', config?.onFailure, undefined);
      return;
    }
    try {
      const record = await this.core.run(resolved, invokedArn, event.id, event.payload, undefined, false);
      if (this.closed) return;
      this.throttles.delete(event.id);
      const attempts = event.attempts + 1;
      if (!record.result.functionError) {
        this.finish({ ...event, attempts }, 'Success', config?.onSuccess, record);
      } else if (attempts > maxRetries) {
        this.finish({ ...event, attempts }, 'RetriesExhausted', config?.onFailure, record);
      } else {
        this.repo.reschedule(event.id, attempts, Date.now() + this.options.retryBaseMs * attempts);
      }
    } catch (err) {
      if (this.closed) return;
      // Throttled or a platform fault: not the function's failure, so it does not use up a retry.
      const n = (this.throttles.get(event.id) ?? 0) + 1;
      this.throttles.set(event.id, n);
      const delay = Math.min(MAX_THROTTLE_BACKOFF_MS, 1000 * 2 ** (n - 1));
      if (!isServiceError(err) || err.status >= 500) this.options.log(`async event ${event.id}: ${String(err)}`);
      this.repo.reschedule(event.id, event.attempts, Date.now() + delay);
    }
  }

  /** Removes the event and, atomically, queues its record for the destination function. */
  private finish(
    event: AsyncEvent,
    condition: Outcome,
    destination: string | undefined,
    record: Awaited<ReturnType<InvokeCore['run']>> | undefined,
  ): void {
    this.throttles.delete(event.id);
    const target = destination ? parseLambdaDestination(destination) : undefined;
    if (destination && !target) {
      this.options.log(`async event ${event.id}: destination ${destination} is not a Lambda function; Nimbus delivers only to functions`);
    }
    this.repo.transaction(() => {
      this.repo.removeEvent(event.id);
      if (!target) return;
      const body = {
        version: '1.0',
        timestamp: new Date().toISOString(),
        requestContext: {
          requestId: event.id,
          functionArn: functionArn(event.region, event.accountId, event.functionName, event.qualifier ?? LATEST),
          condition,
          approximateInvokeCount: event.attempts,
        },
        requestPayload: parseOrString(event.payload),
        ...(record
          ? {
              responseContext: {
                statusCode: 200,
                executedVersion: record.version.version,
                ...(record.result.functionError ? { functionError: record.result.functionError } : {}),
              },
              responsePayload: parseOrString(record.result.payload),
            }
          : {}),
      };
      const now = Date.now();
      this.repo.enqueue({
        id: randomUUID(),
        accountId: target.accountId ?? event.accountId,
        region: target.region ?? event.region,
        functionName: target.name,
        qualifier: target.qualifier,
        payload: Buffer.from(JSON.stringify(body)),
        attempts: 0,
        enqueuedAt: now,
        nextAttemptAt: now,
      });
    });
  }
}

function parseLambdaDestination(arn: string) {
  if (!/^arn:aws[a-zA-Z-]*:lambda:/.test(arn)) return undefined;
  try {
    return parseFunctionRef(arn);
  } catch {
    return undefined;
  }
}

function parseOrString(payload: Buffer): unknown {
  if (payload.length === 0) return null;
  const text = payload.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
