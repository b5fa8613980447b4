// Task tokens (callbacks and activities) and activities themselves. A token's outcome
// (SendTaskSuccess/Failure) is written to SQLite before the call is acknowledged, so a restart
// between the callback and the state's completion loses nothing. Activity tasks wait in the same
// table until a worker's GetActivityTask (long poll) claims one.
import { randomBytes } from 'node:crypto';
import { StatesError, StatesErrors, TaskTimeoutError, type Json } from '../asl/index.js';
import type { Sqlite } from '../../store/database.js';
import type { Clock } from '../engine/clock.js';
import type { TokenHost, TokenOutcome } from '../engine/types.js';
import { SfnErrors } from './errors.js';
import { activityArn as makeActivityArn, expectArn, validateName } from './arns.js';
import type { GroupCommit } from './group-commit.js';
import type { SfnRepository } from './repository.js';
import { decodeToken, encodeToken } from './paging.js';
import { pageSize, type Tag } from './machines.js';

const TOKEN_FORMAT = /^[A-Za-z0-9+/=_-]{16,2048}$/;
/** GetActivityTask holds the connection this long before answering with no task (AWS: 60 s). */
const ACTIVITY_POLL_MS = 60_000;

interface Waiter {
  resolve(o: TokenOutcome): void;
  reject(e: unknown): void;
  heartbeat?(): void;
}

export class Tokens implements TokenHost {
  private readonly waiters = new Map<string, Waiter>();
  private readonly startWaiters = new Map<string, (worker: string) => void>();
  /** Pollers per activity ARN, woken when a task is scheduled. */
  private readonly pollers = new Map<string, Set<() => void>>();

  constructor(
    private readonly repo: SfnRepository,
    private readonly db: Sqlite,
    private readonly gc: GroupCommit,
    private readonly clock: Clock,
  ) {}

  newToken(): string {
    return randomBytes(96).toString('base64url');
  }

  async register(token: string, executionArn: string, stepKey: string, activityArn?: string, input?: string): Promise<void> {
    const status = activityArn ? 'SCHEDULED' : 'WAITING';
    await this.gc.write(() => this.repo.insertToken(token, executionArn, stepKey, activityArn ?? null, input ?? null, status, this.clock.now()));
    if (activityArn) for (const wake of this.pollers.get(activityArn) ?? []) wake();
  }

  wait(token: string, heartbeatSeconds: number | undefined, signal: AbortSignal): Promise<TokenOutcome> {
    const row = this.repo.token(token);
    if (row?.outcome) return Promise.resolve(JSON.parse(row.outcome) as TokenOutcome);
    // An already-aborted signal never fires 'abort' again: answer now, or the caller waits forever.
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<TokenOutcome>((resolve, reject) => {
      let hb: AbortController | undefined;
      const arm = () => {
        if (heartbeatSeconds === undefined) return;
        hb?.abort('reset');
        const ctl = new AbortController();
        hb = ctl;
        this.clock.sleep(heartbeatSeconds * 1000, ctl.signal).then(
          () => finish(() => reject(new TaskTimeoutError(true))),
          () => undefined,
        );
      };
      const onAbort = () => finish(() => reject(signal.reason));
      const finish = (f: () => void) => {
        if (this.waiters.get(token) !== waiter) return;
        this.waiters.delete(token);
        hb?.abort('done');
        signal.removeEventListener('abort', onAbort);
        f();
      };
      const waiter: Waiter = {
        resolve: (o) => finish(() => resolve(o)),
        reject: (e) => finish(() => reject(e)),
        heartbeat: arm,
      };
      this.waiters.set(token, waiter);
      signal.addEventListener('abort', onAbort, { once: true });
      arm();
    });
  }

  started(token: string, signal: AbortSignal): Promise<string> {
    const row = this.repo.token(token);
    if (row && row.status !== 'SCHEDULED') return Promise.resolve(row.worker ?? '');
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<string>((resolve, reject) => {
      const onAbort = () => {
        this.startWaiters.delete(token);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.startWaiters.set(token, (worker) => {
        signal.removeEventListener('abort', onAbort);
        this.startWaiters.delete(token);
        resolve(worker);
      });
    });
  }

  close(token: string): void {
    this.waiters.delete(token);
    this.startWaiters.delete(token);
    void this.gc.write(() => {
      const row = this.repo.token(token);
      if (row && !row.outcome) this.repo.setTokenOutcome(token, 'CLOSED', null);
    }).catch(() => undefined);
  }

  // ── API: callbacks ────────────────────────────────────────────────────────────────────────

  private openRow(token: string) {
    if (!TOKEN_FORMAT.test(token)) throw SfnErrors.InvalidToken(`Invalid Token: 'Invalid token'`);
    const row = this.repo.token(token);
    if (!row) throw SfnErrors.InvalidToken(`Invalid Token: 'Invalid token'`);
    if (row.outcome || row.status === 'CLOSED') {
      throw SfnErrors.TaskTimedOut(`Task Timed Out: 'Provided task does not exist anymore'`);
    }
    return row;
  }

  async sendSuccess(token: string, output: string): Promise<void> {
    let value: Json;
    try {
      value = JSON.parse(output) as Json;
    } catch {
      throw SfnErrors.InvalidOutput(`Invalid Output: '${output.slice(0, 200)}'`);
    }
    await this.settle(token, { ok: true, output: value });
  }

  async sendFailure(token: string, error: string | undefined, cause: string | undefined): Promise<void> {
    await this.settle(token, { ok: false, error: error ?? '', ...(cause !== undefined ? { cause } : {}) });
  }

  private async settle(token: string, outcome: TokenOutcome): Promise<void> {
    this.openRow(token);
    // Durable before acknowledged; the check is repeated inside the write so two racing callers
    // cannot both succeed.
    await this.gc.write(() => {
      const row = this.repo.token(token);
      if (!row || row.outcome || row.status === 'CLOSED') {
        throw SfnErrors.TaskTimedOut(`Task Timed Out: 'Provided task does not exist anymore'`);
      }
      this.repo.setTokenOutcome(token, outcome.ok ? 'SUCCEEDED' : 'FAILED', JSON.stringify(outcome));
    });
    this.waiters.get(token)?.resolve(outcome);
  }

  heartbeat(token: string): void {
    this.openRow(token);
    this.waiters.get(token)?.heartbeat?.();
  }

  // ── activities ────────────────────────────────────────────────────────────────────────────

  createActivity(accountId: string, region: string, name: string, tags: Tag[] | undefined) {
    validateName(name);
    const arn = makeActivityArn(region, accountId, name);
    return this.db.transaction(() => {
      const existing = this.repo.activity(arn);
      if (existing) return { activityArn: arn, creationDate: existing.created_at };
      const now = this.clock.now();
      this.repo.insertActivity({ arn, account: accountId, region, name, created_at: now });
      for (const t of tags ?? []) this.repo.putTag(arn, t.key, t.value);
      return { activityArn: arn, creationDate: now };
    })();
  }

  activityExists(arn: string): boolean {
    return this.repo.activity(arn) !== undefined;
  }

  private activity(arn: string) {
    expectArn(arn, 'activity');
    const a = this.repo.activity(arn);
    if (!a) throw SfnErrors.ActivityDoesNotExist(`Activity Does Not Exist: '${arn}'`);
    return a;
  }

  describeActivity(arn: string) {
    const a = this.activity(arn);
    return { activityArn: a.arn, name: a.name, creationDate: a.created_at, encryptionConfiguration: { type: 'AWS_OWNED_KEY' } };
  }

  deleteActivity(arn: string): void {
    expectArn(arn, 'activity');
    this.db.transaction(() => this.repo.deleteActivity(arn))();
  }

  listActivities(accountId: string, region: string, maxResults: number | undefined, nextToken: string | undefined) {
    const after = nextToken ? decodeToken<{ a: string }>(nextToken).a : '';
    const limit = pageSize(maxResults);
    const rows = this.repo.listActivities(accountId, region, after, limit + 1);
    const page = rows.slice(0, limit);
    return {
      activities: page.map((a) => ({ activityArn: a.arn, name: a.name, creationDate: a.created_at })),
      ...(rows.length > limit ? { nextToken: encodeToken({ a: page[page.length - 1]!.arn }) } : {}),
    };
  }

  /** Long poll: a scheduled task of the activity, or `{}` after 60 s (or when the client goes away). */
  async getActivityTask(arn: string, workerName: string | undefined, gone: AbortSignal): Promise<{ taskToken?: string; input?: string }> {
    this.activity(arn);
    const deadline = this.clock.now() + ACTIVITY_POLL_MS;
    for (;;) {
      const claimed = this.db.transaction(() => {
        const row = this.repo.nextActivityTask(arn);
        if (!row) return undefined;
        this.repo.claimToken(row.token, workerName ?? null);
        return row;
      })();
      if (claimed) {
        this.startWaiters.get(claimed.token)?.(workerName ?? '');
        return { taskToken: claimed.token, input: claimed.input ?? '{}' };
      }
      const left = deadline - this.clock.now();
      if (left <= 0 || gone.aborted) return {};
      await new Promise<void>((resolve) => {
        const set = this.pollers.get(arn) ?? new Set();
        this.pollers.set(arn, set);
        const ctl = new AbortController();
        const done = () => {
          set.delete(done);
          ctl.abort('done');
          gone.removeEventListener('abort', done);
          resolve();
        };
        set.add(done);
        gone.addEventListener('abort', done, { once: true });
        this.clock.sleep(left, ctl.signal).then(done, () => undefined);
      });
    }
  }
}
