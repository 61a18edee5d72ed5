/** Sliding one-second window: at most N requests admitted in any second. */
export class RateLimit {
  private perSecond: number | null = null;
  private admitted: number[] = [];

  constructor(private readonly clock: () => number = () => performance.now()) {}

  set(perSecond: number | null): void {
    if (perSecond !== null && (!Number.isInteger(perSecond) || perSecond < 0)) {
      throw new Error(`rate limit must be a non-negative integer or null, got ${perSecond}`);
    }
    this.perSecond = perSecond;
    this.admitted = [];
  }

  /** True when the request may proceed; it then counts against the window. */
  admit(): boolean {
    if (this.perSecond === null) return true;
    const now = this.clock();
    this.admitted = this.admitted.filter((t) => now - t < 1000);
    if (this.admitted.length >= this.perSecond) return false;
    this.admitted.push(now);
    return true;
  }
}
