import type { Clock } from './clock';

/**
 * How long the invocation has left, and every rule derived from it, in one
 * place. FunctionGraph and Lambda tell us the time left; a local run uses a
 * configured budget.
 *
 * Two lines are drawn before the platform's end:
 * - `marginMs`: no new write starts with less than this left, so a write's
 *   read-back and record fit in the time that remains;
 * - `reserveMs`: every call, read or write, is aborted this long before the
 *   end, so the summary is always written before the platform stops us.
 */
export interface Deadline {
  remainingMs(): number;
  readonly marginMs: number;
  readonly reserveMs: number;
}

/** Time kept back from every call for writing the records and the summary. */
export const SUMMARY_RESERVE_MS = 250;

export interface DeadlineOptions {
  marginMs: number;
  /** Used when the platform's own answer is not a finite number. */
  fallbackMs: number;
  clock: Clock;
  /** Told once when the platform's answer cannot be used. */
  onBadRemaining?: (got: unknown) => void;
}

/** The time left of a budget of `ms` from now: for a run whose platform gives no time left. */
export function countdown(ms: number, clock: Clock): () => number {
  const endsAt = clock.now() + ms;
  return () => endsAt - clock.now();
}

/**
 * A deadline from the platform's remaining-time function. An answer that is
 * not a finite number (a broken context, a mock) never turns the deadline
 * off: the run falls back to `fallbackMs` from now, and says so once.
 */
export function deadlineFrom(remaining: () => unknown, opts: DeadlineOptions): Deadline {
  const fallbackEnd = opts.clock.now() + opts.fallbackMs;
  let warned = false;
  return {
    marginMs: opts.marginMs,
    reserveMs: SUMMARY_RESERVE_MS,
    remainingMs() {
      let got: unknown;
      try {
        got = remaining();
      } catch (e) {
        got = e;
      }
      if (typeof got === 'number' && Number.isFinite(got)) return got;
      if (!warned) {
        warned = true;
        opts.onBadRemaining?.(got);
      }
      return fallbackEnd - opts.clock.now();
    },
  };
}

/** True when a new write call must not start. */
export function pastWriteCutoff(d: Deadline): boolean {
  return d.remainingMs() < d.marginMs;
}

/** How long a call may take from now; zero or less means it must not start. */
export function callBudgetMs(d: Deadline): number {
  return d.remainingMs() - d.reserveMs;
}

/** How long the run may wait before its next write without crossing the write cutoff. */
export function waitBudgetMs(d: Deadline): number {
  return d.remainingMs() - d.marginMs;
}

/** What a platform gave for its time left, when it was not a number: for a warning. */
export function describeRemaining(v: unknown): string {
  if (v instanceof Error) return `threw ${v.name}`;
  return typeof v === 'number' ? String(v) : typeof v;
}
