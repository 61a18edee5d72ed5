/**
 * The gateway's rate limit, in one of two shapes:
 * - **window** (the default): at most N requests admitted in any one second;
 * - **bucket**: a token bucket that holds at most `burst` tokens and gains N
 *   a second; a request takes one token or is throttled. It starts full, so a
 *   client's first `burst` calls pass at once and the rest at N a second.
 */
export interface RateLimitShape {
  /** Token-bucket capacity; without it the limit is a sliding one-second window. */
  burst?: number;
}

export class RateLimit {
  private perSecond: number | null = null;
  private burst: number | undefined;
  private admitted: number[] = [];
  private tokens = 0;
  private filledAt = 0;

  constructor(private readonly clock: () => number = () => performance.now()) {}

  set(perSecond: number | null, shape: RateLimitShape = {}): void {
    if (perSecond !== null && (!Number.isInteger(perSecond) || perSecond < 0)) {
      throw new Error(`rate limit must be a non-negative integer or null, got ${perSecond}`);
    }
    const { burst } = shape;
    if (burst !== undefined && (!Number.isInteger(burst) || burst < 1)) {
      throw new Error(`burst must be a positive integer, got ${burst}`);
    }
    this.perSecond = perSecond;
    this.burst = burst;
    this.admitted = [];
    this.tokens = burst ?? 0;
    this.filledAt = this.clock();
  }

  /** True when the request may proceed; it then counts against the limit. */
  admit(): boolean {
    if (this.perSecond === null) return true;
    const now = this.clock();
    if (this.burst !== undefined) {
      this.tokens = Math.min(
        this.burst,
        this.tokens + ((now - this.filledAt) * this.perSecond) / 1000,
      );
      this.filledAt = now;
      if (this.tokens < 1) return false;
      this.tokens -= 1;
      return true;
    }
    this.admitted = this.admitted.filter((t) => now - t < 1000);
    if (this.admitted.length >= this.perSecond) return false;
    this.admitted.push(now);
    return true;
  }
}
