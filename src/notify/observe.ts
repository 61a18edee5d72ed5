import type { Logger } from '../report/logger';
import type { OutcomeRecord, RunSummary } from '../report/records';

/** What one invocation logged that a notification is made of. */
export interface ObservedRun {
  /** Log through this: every line still goes to the real logger, unchanged. */
  readonly log: Logger;
  /** The `kind: "outcome"` records, in the order they were logged. */
  readonly records: OutcomeRecord[];
  /** The `kind: "summary"` record, once the run wrote it. */
  summary(): RunSummary | undefined;
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
 * them over.
 */
export function observeRun(log: Logger): ObservedRun {
  const records: OutcomeRecord[] = [];
  let summary: RunSummary | undefined;
  const keep = (first: unknown) => {
    if (first === null || typeof first !== 'object') return;
    const kind = (first as { kind?: unknown }).kind;
    if (kind === 'outcome') records.push({ ...(first as OutcomeRecord) });
    else if (kind === 'summary') summary = { ...(first as RunSummary) };
  };
  const wrap = (target: Logger): Logger =>
    new Proxy(target, {
      get(t, prop) {
        const value: unknown = Reflect.get(t, prop, t);
        if (typeof value !== 'function') return value;
        if (LEVELS.has(prop)) {
          return (...args: unknown[]) => {
            keep(args[0]);
            return value.apply(t, args);
          };
        }
        // A child logs for the same run.
        if (prop === 'child') return (...args: unknown[]) => wrap(value.apply(t, args));
        return value.bind(t);
      },
    });
  return { log: wrap(log), records, summary: () => summary };
}
