import type { Policy } from '../policy/resolve';
import type { RunSummary, TargetVerdict } from '../report/records';
import { campaignFailure, deadlineMayResolve } from './campaign-verdict';

/** Why a finished run must be reported failed, and how it ended. */
export interface RunFailure {
  verdict: Exclude<TargetVerdict, 'succeeded' | 'stopped'>;
  /** The message the invocation rejects with, starting `policy <name>: `. */
  message: string;
}

/**
 * Judges a run that finished (it did not throw): refused, a stopped or
 * closing campaign, failed instances, or matched instances the deadline
 * left unhandled. Undefined when the run may resolve.
 *
 * @param refused how many instances were recorded `refused`
 */
export function judgeRun(
  policy: Policy,
  summary: RunSummary,
  refused: number,
): RunFailure | undefined {
  if (summary.refused) {
    return {
      verdict: 'refused',
      message: `policy ${policy.name}: refused, ${refused} instances would be acted on and maxInstances is ${policy.maxInstances}; nothing was changed`,
    };
  }
  const campaignStop = campaignFailure(policy.name, summary);
  if (campaignStop) return { verdict: 'failed', message: campaignStop };
  if (summary.failed > 0) {
    return {
      verdict: 'failed',
      message: `policy ${policy.name}: ${summary.failed} of ${summary.matched} instances failed (${summary.succeeded} succeeded, ${summary.skipped} skipped)`,
    };
  }
  if (!summary.complete && !deadlineMayResolve(summary)) {
    return {
      verdict: 'incomplete',
      message: `policy ${policy.name}: incomplete: ${summary.notReached} of ${summary.matched} not reached before the deadline`,
    };
  }
  return undefined;
}
