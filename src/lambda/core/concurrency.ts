// Concurrency accounting for synchronous execution: a function with reserved concurrency has its
// own pool; every other function shares what is left of the account limit. Counts are this
// node's in-flight invocations (in memory: they die with the process, as the invocations do).
import type { FunctionVersion } from './model.js';

/** Fields must not change after the object is first seen (true of the registry's versions). */
type FunctionKey = Readonly<Pick<FunctionVersion, 'accountId' | 'region' | 'functionName'>>;

export type ThrottleReason = 'ReservedFunctionConcurrentInvocationLimitExceeded' | 'ConcurrentInvocationLimitExceeded';

export class ConcurrencyLimiter {
  /** In-flight per function key (`account/region/name`). */
  private readonly inFlight = new Map<string, number>();
  /** In-flight of functions without reserved concurrency, per `account/region`. */
  private readonly unreservedInFlight = new Map<string, number>();
  /**
   * The two keys of a function version object, built once: every invocation acquires, counts and
   * releases with the same (immutable) version object the registry caches.
   */
  private readonly keys = new WeakMap<object, { scope: string; key: string }>();

  constructor(
    private readonly accountLimit: number,
    /** Sum of reserved concurrency in the account and region. */
    private readonly totalReserved: (accountId: string, region: string) => number,
  ) {}

  /** Takes a slot or answers why not. `reserved` is the function's reserved concurrency, if any. */
  tryAcquire(fn: FunctionKey, reserved: number | undefined): ThrottleReason | undefined {
    const { scope, key } = this.keysOf(fn);
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

  release(fn: FunctionKey, reserved: number | undefined): void {
    const { scope, key } = this.keysOf(fn);
    const current = this.inFlight.get(key) ?? 1;
    if (current <= 1) this.inFlight.delete(key);
    else this.inFlight.set(key, current - 1);
    if (reserved === undefined) this.unreservedInFlight.set(scope, Math.max(0, (this.unreservedInFlight.get(scope) ?? 1) - 1));
  }

  /** In-flight executions of one function (for metrics). */
  concurrent(fn: FunctionKey): number {
    return this.inFlight.get(this.keysOf(fn).key) ?? 0;
  }

  private keysOf(fn: FunctionKey): { scope: string; key: string } {
    let keys = this.keys.get(fn);
    if (!keys) {
      const scope = `${fn.accountId}/${fn.region}`;
      keys = { scope, key: `${scope}/${fn.functionName}` };
      this.keys.set(fn, keys);
    }
    return keys;
  }

  get limit(): number {
    return this.accountLimit;
  }
}
