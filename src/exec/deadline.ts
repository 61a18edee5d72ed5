/**
 * How long the invocation has left. FunctionGraph and Lambda tell us; a
 * local run uses a configured budget.
 */
export interface Deadline {
  remainingMs(): number;
  /** No new write may start with less than this left. */
  readonly marginMs: number;
}

export function deadlineFrom(remainingMs: () => number, marginMs: number): Deadline {
  return { remainingMs, marginMs };
}

/** True when a new write call must not start. */
export function pastWriteCutoff(d: Deadline): boolean {
  return d.remainingMs() < d.marginMs;
}
