/**
 * A concurrency limiter, like p-limit, that also slows down when the API
 * says "too many requests" (HTTP 429, API Gateway's APIG.0308). DMS
 * publishes no rate limit, so the limiter learns one.
 *
 * Two bounds, both adapted AIMD-style (cut hard on a 429, grow slowly):
 * - **concurrency**: at most this many calls in flight; starts at the
 *   maximum, halves on a 429, grows by one per window of successes;
 * - **rate**: at most this many calls started in any sliding window
 *   (1 s). Unbounded until the first 429; then set just under the number
 *   of calls that got through in the last window, and raised slowly while
 *   nothing is throttled. A later 429 cuts the rate itself by 10%: by then
 *   the calls that got through in the last window undercount what the API
 *   admits (some are still in flight, and the window held retries that
 *   waited), and cutting to them dropped the rate by a quarter or more.
 *   Once a rate is set, calls start evenly spaced, one every window / rate. Concurrency alone cannot do this: with short latencies
 *   even one call at a time can exceed a rate limit.
 *
 * A 429 from a call started before the last cut is not taken as a new
 * signal: it was already in flight when the limiter reacted.
 */

export interface AdaptiveLimiterOptions {
  /** The most calls in flight at once. */
  maxConcurrency: number;
  /** True for a failure that means the caller is being throttled. */
  isThrottle: (e: unknown) => boolean;
  /** Milliseconds; default `Date.now`. */
  now?: () => number;
  /** The rate window; default 1000 ms. */
  windowMs?: number;
}

/** What the limiter has seen and where its bounds stand. */
export interface LimiterStats {
  /** Calls started. */
  calls: number;
  /** Calls that failed as throttled. */
  throttled: number;
  /** The current concurrency bound. */
  concurrency: number;
  /** The current rate bound per window; `undefined` before any 429. */
  rate: number | undefined;
  /** The most calls ever in flight at once. */
  peakActive: number;
}

/** Cut applied to the concurrency on a 429. */
export const CONCURRENCY_CUT = 0.5;
/**
 * On the first 429, the share of the calls that got through in the last
 * window that the rate is set to; on a later one, the share of the rate.
 */
export const RATE_CUT = 0.9;
/** Rate growth per window of successes, in calls per window. */
export const RATE_GROWTH = 0.25;

interface Waiter {
  start: () => void;
}

/**
 * @example
 * const limiter = new AdaptiveLimiter({ maxConcurrency: 8, isThrottle: (e) => is429(e) });
 * const page = await limiter.run(() => fetchPage(50));
 */
export class AdaptiveLimiter {
  private readonly max: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly isThrottle: (e: unknown) => boolean;
  private concurrency: number;
  private rate: number | undefined;
  private active = 0;
  private lastCutAt = Number.NEGATIVE_INFINITY;
  private readonly queue: Waiter[] = [];
  /** Start times in the current window, oldest first. */
  private starts: number[] = [];
  /** Start times of the calls that succeeded, in the current window. */
  private passed: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private counts = { calls: 0, throttled: 0, peakActive: 0 };

  constructor(opts: AdaptiveLimiterOptions) {
    if (!Number.isInteger(opts.maxConcurrency) || opts.maxConcurrency < 1) {
      throw new Error(`maxConcurrency must be a positive integer, got ${opts.maxConcurrency}`);
    }
    this.max = opts.maxConcurrency;
    this.concurrency = opts.maxConcurrency;
    this.windowMs = opts.windowMs ?? 1000;
    this.now = opts.now ?? Date.now;
    this.isThrottle = opts.isThrottle;
  }

  /** Runs `fn` when both bounds allow, and learns from how it ends. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        start: () => {
          const startedAt = this.now();
          this.active++;
          this.counts.calls++;
          this.counts.peakActive = Math.max(this.counts.peakActive, this.active);
          this.starts.push(startedAt);
          let p: Promise<T>;
          try {
            p = fn();
          } catch (e) {
            p = Promise.reject(e);
          }
          p.then(
            (v) => {
              this.succeeded(startedAt);
              resolve(v);
            },
            (e: unknown) => {
              this.failed(startedAt, e);
              reject(e);
            },
          );
        },
      });
      this.pump();
    });
  }

  get stats(): LimiterStats {
    return {
      ...this.counts,
      concurrency: Math.floor(this.concurrency),
      rate: this.rate === undefined ? undefined : Math.floor(this.rate),
    };
  }

  private succeeded(startedAt: number): void {
    this.active--;
    this.passed.push(startedAt);
    this.concurrency = Math.min(this.max, this.concurrency + 1 / this.concurrency);
    if (this.rate !== undefined) this.rate += RATE_GROWTH / this.rate;
    this.pump();
  }

  private failed(startedAt: number, e: unknown): void {
    this.active--;
    if (this.isThrottle(e)) {
      this.counts.throttled++;
      if (startedAt >= this.lastCutAt) this.cut();
    }
    this.pump();
  }

  private cut(): void {
    const now = this.now();
    this.lastCutAt = now;
    this.concurrency = Math.max(1, this.concurrency * CONCURRENCY_CUT);
    this.prune(now);
    const next =
      this.rate === undefined ? Math.floor(this.passed.length * RATE_CUT) : this.rate * RATE_CUT;
    this.rate = Math.max(1, next);
  }

  private prune(now: number): void {
    const from = now - this.windowMs;
    let i = 0;
    while (i < this.starts.length && (this.starts[i] as number) <= from) i++;
    if (i > 0) this.starts = this.starts.slice(i);
    let j = 0;
    while (j < this.passed.length && (this.passed[j] as number) <= from) j++;
    if (j > 0) this.passed = this.passed.slice(j);
  }

  private pump(): void {
    while (this.queue.length > 0 && this.active < Math.floor(this.concurrency)) {
      if (this.rate !== undefined) {
        const now = this.now();
        this.prune(now);
        const allowed = Math.floor(this.rate);
        if (this.starts.length >= allowed) {
          const frees = (this.starts[this.starts.length - allowed] as number) + this.windowMs;
          this.wake(Math.max(1, frees - now + 1));
          return;
        }
        // Evenly spaced, not in bursts: after a pause (a slow answer, a stalled
        // event loop) a whole window's calls would otherwise go at once, and
        // arrive at the API closer together than they were started.
        const last = this.starts.at(-1);
        const gap = this.windowMs / this.rate;
        if (last !== undefined && now - last < gap) {
          this.wake(Math.max(1, Math.ceil(last + gap - now)));
          return;
        }
      }
      this.queue.shift()?.start();
    }
  }

  private wake(ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, ms);
  }
}
