import type { Logger } from '../report/logger';
import type { OutcomeRecord, RunSummary, TotalSummary } from '../report/records';

/** What one invocation logged that a notification is made of. */
export interface ObservedRun {
  /** Log through this: every line still goes to the real logger, unchanged. */
  readonly log: Logger;
  /** The `kind: "outcome"` records, in the order they were logged. */
  readonly records: OutcomeRecord[];
  /** The `kind: "summary"` record, once the run wrote it (with `targets`, the last one). */
  summary(): RunSummary | undefined;
  /** The `kind: "total"` record of a policy with `targets`, once written. */
  total(): TotalSummary | undefined;
}

const LEVELS: ReadonlySet<PropertyKey> = new Set([
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
]);

/**
 * Wraps `log` so that the outcome records and the summary a run writes are
 * also kept for this invocation. The notification is built from exactly the
 * records the log got, whichever way the run ended (a refusal, failures, the
 * deadline, or an error that stopped it), without the run having to hand
 * them over. A record logged through a child logger (a target's) is kept
 * with the child's bindings (`region`, `projectId`), as the log line has them.
 */
export function observeRun(log: Logger): ObservedRun {
  const records: OutcomeRecord[] = [];
  let summary: RunSummary | undefined;
  let total: TotalSummary | undefined;
  const keep = (first: unknown, bindings: object) => {
    if (first === null || typeof first !== 'object') return;
    const kind = (first as { kind?: unknown }).kind;
    if (kind === 'outcome') records.push({ ...bindings, ...(first as OutcomeRecord) });
    else if (kind === 'summary') summary = { ...bindings, ...(first as RunSummary) };
    else if (kind === 'total') total = { ...(first as TotalSummary) };
  };
  const wrap = (target: Logger, bindings: object = {}): Logger =>
    new Proxy(target, {
      get(t, prop) {
        const value: unknown = Reflect.get(t, prop, t);
        if (typeof value !== 'function') return value;
        if (LEVELS.has(prop)) {
          return (...args: unknown[]) => {
            keep(args[0], bindings);
            return value.apply(t, args);
          };
        }
        // A child logs for the same run.
        if (prop === 'child') {
          return (...args: unknown[]) => {
            const more = args[0] !== null && typeof args[0] === 'object' ? args[0] : {};
            return wrap(value.apply(t, args), { ...bindings, ...more });
          };
        }
        return value.bind(t);
      },
    });
  return { log: wrap(log), records, summary: () => summary, total: () => total };
}
