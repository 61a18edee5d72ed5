import type { RunSummary, TotalSummary } from './report/records';

/**
 * The project's error hierarchy. Every error we throw on purpose is a
 * {@link MaintenanceError}; the subclass says when it was found.
 *
 * - {@link ConfigError}: found while reading inputs, before any API call.
 * - {@link ExecutionError}: found while talking to DMS or acting on instances.
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
    const lines = issues.map((i) => `  ${i.path || '(root)'}: ${i.message}`);
    super(`invalid configuration${where}:\n${lines.join('\n')}`);
    this.issues = issues;
  }

  static at(path: string, message: string, source?: string): ConfigError {
    return new ConfigError([{ path, message }], source);
  }
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
