// Token buckets for API Gateway throttling: account (per region), stage/method settings, usage plan
// per API key and usage-plan method throttles. A bucket holds `burst` tokens and refills at `rate`
// per second; a request takes one token or is throttled (429). Time is injected for tests.
import type { ThrottleSettings } from '../core/model.js';

export type Clock = () => number;

export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    readonly rate: number,
    readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Takes one token if available. */
  take(now: number): boolean {
    if (now > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
      this.last = now;
    }
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }
}

/**
 * Buckets by key; a bucket is replaced when its limits change (so UpdateStage takes effect at once)
 * and dropped on `clear`. Limits of -1/undefined mean "not set": no bucket, nothing throttled here.
 */
export class BucketSet {
  private readonly buckets = new Map<string, TokenBucket>();
  constructor(private readonly clock: Clock = Date.now) {}

  /** True when the request may pass. */
  take(key: string, limits: ThrottleSettings | undefined): boolean {
    const rate = limits?.rateLimit;
    const burst = limits?.burstLimit;
    if (rate === undefined || burst === undefined || rate < 0 || burst < 0) return true;
    const now = this.clock();
    let bucket = this.buckets.get(key);
    if (!bucket || bucket.rate !== rate || bucket.burst !== burst) {
      // A burst of 0 blocks everything (the bucket never holds a token), as AWS does.
      bucket = new TokenBucket(rate, burst, now);
      this.buckets.set(key, bucket);
    }
    return bucket.take(now);
  }

  clear(prefix?: string): void {
    if (prefix === undefined) {
      this.buckets.clear();
      return;
    }
    for (const k of this.buckets.keys()) if (k.startsWith(prefix)) this.buckets.delete(k);
  }
}
