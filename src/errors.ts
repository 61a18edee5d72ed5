import type { RunSummary, TotalSummary } from './report/records';

/**
 * The project's error hierarchy. Every error we throw on purpose is a
 * {@link MaintenanceError}; the subclass says when it was found.
 *
 * - {@link ConfigError}: found while reading inputs, before any API call.
 * - {@link ExecutionError}: found while talking to DMS, IAM or SMN, or acting on instances.
 * - {@link RunFailedError}: the run finished, but not cleanly (failures or a refusal).
 */
export class MaintenanceError extends Error {
  override name = 'MaintenanceError';
}

/**
 * Bad input: the policy file, the event or the environment. `path` names
 * where, e.g. `policies.weekly.select.status[0]` or `env.DRY_RUN`.
 */
export class ConfigError extends MaintenanceError {
  override name = 'ConfigError';
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], source?: string) {
    const where = source ? ` in ${source}` : '';
    // A message quotes values it was given; a 200,000-character key would bury the rest.
    const lines = issues.map((i) => `  ${i.path || '(root)'}: ${cut(i.message, MAX_MESSAGE)}`);
    super(`invalid configuration${where}:\n${lines.join('\n')}`);
    this.issues = issues;
  }

  static at(path: string, message: string, source?: string): ConfigError {
    return new ConfigError([{ path, message }], source);
  }
}

/** The most characters of one value (a key, a name) that a message shows. */
export const MAX_SHOWN = 64;
/** The most characters of one issue's message that an error shows. */
const MAX_MESSAGE = 300;

/**
 * A value as a message shows it: whole when short, else its first `max`
 * characters and how long it was. Never splits a surrogate pair.
 *
 * @example cut('k'.repeat(200_000)) // 'kkk…(200000 characters)', 64 k's
 */
export function cut(text: string, max = MAX_SHOWN): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return `${text.slice(0, end)}…(${text.length} characters)`;
}

export interface ConfigIssue {
  path: string;
  message: string;
}

/** Something went wrong while running against DMS. */
export class ExecutionError extends MaintenanceError {
  override name = 'ExecutionError';
}

/** The run completed its bookkeeping but must be reported as failed. */
export class RunFailedError extends MaintenanceError {
  override name = 'RunFailedError';
  /** The run's summary; with `targets`, the invocation's total. */
  readonly summary: RunSummary | TotalSummary;

  constructor(message: string, summary: RunSummary | TotalSummary) {
    super(message);
    this.summary = summary;
  }
}
