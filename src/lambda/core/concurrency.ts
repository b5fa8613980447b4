// Concurrency accounting for synchronous execution: a function with reserved concurrency has its
// own pool; every other function shares what is left of the account limit. Counts are this
// node's in-flight invocations (in memory: they die with the process, as the invocations do).
import type { FunctionVersion } from './model.js';

export type ThrottleReason = 'ReservedFunctionConcurrentInvocationLimitExceeded' | 'ConcurrentInvocationLimitExceeded';

export class ConcurrencyLimiter {
  /** In-flight per function key (`account/region/name`). */
  private readonly inFlight = new Map<string, number>();
  /** In-flight of functions without reserved concurrency, per `account/region`. */
  private readonly unreservedInFlight = new Map<string, number>();

  constructor(
    private readonly accountLimit: number,
    /** Sum of reserved concurrency in the account and region. */
    private readonly totalReserved: (accountId: string, region: string) => number,
  ) {}

  /** Takes a slot or answers why not. `reserved` is the function's reserved concurrency, if any. */
  tryAcquire(fn: Pick<FunctionVersion, 'accountId' | 'region' | 'functionName'>, reserved: number | undefined): ThrottleReason | undefined {
    const scope = `${fn.accountId}/${fn.region}`;
    const key = `${scope}/${fn.functionName}`;
    const current = this.inFlight.get(key) ?? 0;
    if (reserved !== undefined) {
      if (current >= reserved) return 'ReservedFunctionConcurrentInvocationLimitExceeded';
    } else {
      const shared = this.unreservedInFlight.get(scope) ?? 0;
      if (shared >= this.accountLimit - this.totalReserved(fn.accountId, fn.region)) return 'ConcurrentInvocationLimitExceeded';
      this.unreservedInFlight.set(scope, shared + 1);
    }
    this.inFlight.set(key, current + 1);
    return undefined;
  }

  release(fn: Pick<FunctionVersion, 'accountId' | 'region' | 'functionName'>, reserved: number | undefined): void {
    const scope = `${fn.accountId}/${fn.region}`;
    const key = `${scope}/${fn.functionName}`;
    const current = this.inFlight.get(key) ?? 1;
    if (current <= 1) this.inFlight.delete(key);
    else this.inFlight.set(key, current - 1);
    if (reserved === undefined) this.unreservedInFlight.set(scope, Math.max(0, (this.unreservedInFlight.get(scope) ?? 1) - 1));
  }

  /** In-flight executions of one function (for metrics). */
  concurrent(accountId: string, region: string, functionName: string): number {
    return this.inFlight.get(`${accountId}/${region}/${functionName}`) ?? 0;
  }

  get limit(): number {
    return this.accountLimit;
  }
}
