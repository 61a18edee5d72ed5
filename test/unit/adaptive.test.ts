import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AdaptiveLimiter } from '../../src/exec/adaptive';

class Throttled extends Error {
  override name = 'Throttled';
}
const isThrottle = (e: unknown) => e instanceof Throttled;

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A call that settles after `ms` of fake time. */
function settleIn<T>(ms: number, value: T | Error): () => Promise<T> {
  return () =>
    new Promise<T>((resolve, reject) =>
      setTimeout(() => (value instanceof Error ? reject(value) : resolve(value)), ms),
    );
}

/** 20 calls get through at once, then the 21st is throttled: the first cut. */
async function twentyThenThrottled(limiter: AdaptiveLimiter): Promise<void> {
  const burst = Array.from({ length: 20 }, () => limiter.run(settleIn(1, 'ok')));
  await vi.advanceTimersByTimeAsync(5);
  await Promise.all(burst);
  const t = limiter.run(settleIn(1, new Throttled())).catch(() => undefined);
  await vi.advanceTimersByTimeAsync(5);
  await t;
}

describe('adaptive limiter', () => {
  it('runs at most maxConcurrency calls at once, in order, and hands back results', async () => {
    const limiter = new AdaptiveLimiter({ maxConcurrency: 3, isThrottle });
    let active = 0;
    let peak = 0;
    const order: number[] = [];
    const all = Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        limiter.run(async () => {
          order.push(i);
          active++;
          peak = Math.max(peak, active);
          await settleIn(10, null)();
          active--;
          return i * 2;
        }),
      ),
    );
    await vi.runAllTimersAsync();
    expect(await all).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(peak).toBe(3);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(limiter.stats).toMatchObject({
      calls: 10,
      throttled: 0,
      peakActive: 3,
      rate: undefined,
    });
  });

  it('passes failures through and keeps going', async () => {
    const limiter = new AdaptiveLimiter({ maxConcurrency: 2, isThrottle });
    const a = limiter.run(settleIn(5, new Error('boom')));
    const b = limiter.run(() => {
      throw new Error('sync boom');
    });
    const c = limiter.run(settleIn(5, 'ok'));
    const settled = Promise.allSettled([a, b, c]);
    await vi.runAllTimersAsync();
    const [ra, rb, rc] = await settled;
    expect(ra).toMatchObject({ status: 'rejected', reason: { message: 'boom' } });
    expect(rb).toMatchObject({ status: 'rejected', reason: { message: 'sync boom' } });
    expect(rc).toEqual({ status: 'fulfilled', value: 'ok' });
    expect(limiter.stats.concurrency).toBe(2);
  });

  it('halves concurrency on a 429 and counts one cut for calls that were already in flight', async () => {
    const limiter = new AdaptiveLimiter({ maxConcurrency: 8, isThrottle });
    const calls = Array.from({ length: 8 }, () =>
      limiter.run(settleIn(10, new Throttled())).catch(() => 'throttled'),
    );
    await vi.runAllTimersAsync();
    await Promise.all(calls);
    // Eight 429s from one burst: one cut, not eight.
    expect(limiter.stats).toMatchObject({ throttled: 8, concurrency: 4 });
  });

  it('grows concurrency back slowly: by one per window of successes, up to the maximum', async () => {
    const limiter = new AdaptiveLimiter({ maxConcurrency: 8, isThrottle });
    for (let i = 0; i < 2; i++) {
      const p = limiter.run(settleIn(1, new Throttled())).catch(() => undefined);
      await vi.runAllTimersAsync();
      await p;
    }
    expect(limiter.stats.concurrency).toBe(2);
    const ok = async (n: number) => {
      const p = Promise.all(Array.from({ length: n }, () => limiter.run(settleIn(1, 'ok'))));
      await vi.runAllTimersAsync();
      await p;
    };
    await ok(2);
    expect(limiter.stats.concurrency).toBe(2);
    await ok(3);
    expect(limiter.stats.concurrency).toBe(3);
    await ok(200);
    expect(limiter.stats.concurrency).toBe(8);
  });

  it('after a 429, starts no more calls in any second than got through in the last one, less 10%', async () => {
    const limiter = new AdaptiveLimiter({ maxConcurrency: 4, isThrottle });
    await twentyThenThrottled(limiter);
    expect(limiter.stats.rate).toBe(18);

    const startedAt: number[] = [];
    const later = Array.from({ length: 54 }, () =>
      limiter.run(async () => {
        startedAt.push(Date.now());
        return settleIn(1, 'ok')();
      }),
    );
    await vi.advanceTimersByTimeAsync(10_000);
    await Promise.all(later);
    // No sliding second holds more than the learnt rate (which grows slowly).
    for (const s of startedAt) {
      const inWindow = startedAt.filter((x) => x >= s && x < s + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(19);
    }
    // Nothing started until the burst's second was over.
    expect(Math.min(...startedAt)).toBeGreaterThanOrEqual(1000);
    expect(limiter.stats.rate).toBeGreaterThanOrEqual(18);
  });

  it('cuts the rate itself by 10% on a later 429, not to the few calls of the last window', async () => {
    const limiter = new AdaptiveLimiter({ maxConcurrency: 4, isThrottle });
    await twentyThenThrottled(limiter);
    expect(limiter.stats.rate).toBe(18);
    // A quiet stretch: five calls get through in the next second, then one is throttled.
    await vi.advanceTimersByTimeAsync(2000);
    const few = Array.from({ length: 5 }, () => limiter.run(settleIn(1, 'ok')));
    await vi.advanceTimersByTimeAsync(500);
    await Promise.all(few);
    const later = limiter.run(settleIn(1, new Throttled())).catch(() => undefined);
    await vi.advanceTimersByTimeAsync(5);
    await later;
    expect(limiter.stats.rate).toBe(16);
  });

  it('after a 429, spaces the calls it starts evenly instead of in bursts', async () => {
    const limiter = new AdaptiveLimiter({ maxConcurrency: 8, isThrottle });
    await twentyThenThrottled(limiter);
    expect(limiter.stats.rate).toBe(18);
    // A whole window later, 18 calls are allowed at once by the window, yet go one by one.
    await vi.advanceTimersByTimeAsync(2000);
    const startedAt: number[] = [];
    const later = Array.from({ length: 18 }, () =>
      limiter.run(async () => {
        startedAt.push(Date.now());
        return settleIn(1, 'ok')();
      }),
    );
    await vi.advanceTimersByTimeAsync(2000);
    await Promise.all(later);
    const gaps = startedAt.slice(1).map((s, i) => s - (startedAt[i] as number));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(Math.floor(1000 / 18));
  });

  it('does not cut again for a 429 from a call started before the last cut', async () => {
    const limiter = new AdaptiveLimiter({ maxConcurrency: 8, isThrottle });
    const slow = limiter.run(settleIn(50, new Throttled())).catch(() => undefined);
    const fast = limiter.run(settleIn(10, new Throttled())).catch(() => undefined);
    await vi.advanceTimersByTimeAsync(20);
    expect(limiter.stats.concurrency).toBe(4);
    await vi.advanceTimersByTimeAsync(50);
    await Promise.all([slow, fast]);
    expect(limiter.stats.concurrency).toBe(4);
    const again = limiter.run(settleIn(10, new Throttled())).catch(() => undefined);
    await vi.runAllTimersAsync();
    await again;
    expect(limiter.stats.concurrency).toBe(2);
  });

  it('never drops below one call at a time', async () => {
    const limiter = new AdaptiveLimiter({ maxConcurrency: 2, isThrottle });
    for (let i = 0; i < 5; i++) {
      const p = limiter.run(settleIn(1, new Throttled())).catch(() => undefined);
      await vi.runAllTimersAsync();
      await p;
    }
    expect(limiter.stats).toMatchObject({ concurrency: 1, rate: 1, throttled: 5 });
    const p = limiter.run(settleIn(1, 'still runs'));
    await vi.runAllTimersAsync();
    expect(await p).toBe('still runs');
  });

  it('refuses a maximum that is not a positive integer', () => {
    expect(() => new AdaptiveLimiter({ maxConcurrency: 0, isThrottle })).toThrow(/positive/);
    expect(() => new AdaptiveLimiter({ maxConcurrency: 1.5, isThrottle })).toThrow(/positive/);
  });
});
