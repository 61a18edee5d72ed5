import { backOff } from 'exponential-backoff';
import type { Logger } from '../report/logger';
import type { Clock } from './clock';
import { type Deadline, waitBudgetMs } from './deadline';

export interface RetrySettings {
  /** Total tries, the first one included. */
  attempts: number;
  /** The first backoff ceiling; it doubles each time, with full jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetrySettings = { attempts: 5, baseDelayMs: 1000, maxDelayMs: 20_000 };

/**
 * What a failure must tell for a retry to be weighed: whether it may be
 * retried, its kind, and what the service answered. The API's own error
 * class tells all of it; see `cloudFailure` in cloud/errors.ts.
 */
export interface Retryable {
  retryable: boolean;
  kind: string;
  retryAfterMs?: number | undefined;
  httpStatus?: number | undefined;
  errorCode?: string | undefined;
  requestId?: string | undefined;
}

export interface RetryContext {
  settings: RetrySettings;
  clock: Clock;
  deadline: Deadline;
  log: Logger;
}

/** The longest wait before try `done + 1`: the backoff ceiling after `done` tries. */
export function backoffCeilingMs(settings: RetrySettings, done: number): number {
  return Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (done - 1));
}

/** A full-jitter wait before try `done + 1`, as the retries use. */
export function backoffMs(settings: RetrySettings, done: number, random = Math.random): number {
  return Math.round(random() * backoffCeilingMs(settings, done));
}

/**
 * Runs `fn`, retrying the failures `failure` reads as retryable, with
 * exponential backoff and full jitter; any other error ends it at once. A
 * `Retry-After` from the service is waited out first. Gives up early rather
 * than sleep into the invocation's safety margin.
 */
export async function withRetry<T>(
  ctx: RetryContext,
  operation: string,
  fn: () => Promise<T>,
  failure: (e: unknown) => Retryable | undefined,
): Promise<T> {
  const { settings, clock, deadline, log } = ctx;
  return backOff(fn, {
    numOfAttempts: settings.attempts,
    startingDelay: settings.baseDelayMs,
    maxDelay: settings.maxDelayMs,
    timeMultiple: 2,
    jitter: 'full',
    // `done` counts the tries made so far; the library asks after the last one too.
    retry: async (error: unknown, done: number) => {
      const e = done < settings.attempts ? failure(error) : undefined;
      if (!e?.retryable) return false;
      const wait = e.retryAfterMs ?? 0;
      if (waitBudgetMs(deadline) < wait + backoffCeilingMs(settings, done)) return false;
      log.warn({
        kind: 'retry',
        operation,
        attempt: done + 1,
        of: settings.attempts,
        reason: e.kind,
        httpStatus: e.httpStatus,
        errorCode: e.errorCode,
        requestId: e.requestId,
        retryAfterMs: e.retryAfterMs,
      });
      if (wait > 0) await clock.sleep(wait);
      return true;
    },
  });
}
