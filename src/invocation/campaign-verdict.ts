import type { RunSummary } from '../report/records';

/**
 * Why a restart campaign's run must be reported failed, beyond failed
 * instances, or undefined when it may resolve:
 * - the campaign is stopped in this window (every run in it says so, by name);
 * - every mark the run wrote was gone at its re-check: it restarted nothing,
 *   and every later run would do the same;
 * - the run ended inside the window's cutoff with instances not restarted,
 *   so an unfinished campaign always raises an alarm.
 * A dry run never rejects for the window.
 */
export function campaignFailure(policy: string, s: RunSummary): string | undefined {
  if (s.stoppedBy?.length) {
    return `policy ${policy}: campaign stopped by ${s.stoppedBy.join('; ')}; ${s.remaining ?? 0} instances not restarted`;
  }
  if (s.marked && s.marksVanished === s.marked) {
    return `policy ${policy}: every mark this run wrote (${s.marked}) was gone at the re-check, so nothing was restarted; DMS accepted the tag calls but does not show the tags`;
  }
  if (!s.dryRun && s.window === 'open' && s.inCutoff && (s.remaining ?? 0) > 0) {
    return `policy ${policy}: window closing with ${s.remaining} instances not restarted`;
  }
  if (!s.dryRun && s.unfinished?.length) {
    return `policy ${policy}: the window that closed at ${s.windowClosed} left ${s.unfinished.length} instances not restarted, on hold or not back to RUNNING: ${s.unfinished.join(', ')}`;
  }
  return undefined;
}

/**
 * A run of a windowed policy cut by its deadline resolves: the next timer
 * in the window continues where it stopped, and `remaining` says how far.
 */
export function deadlineMayResolve(s: RunSummary): boolean {
  return s.window === 'open' && s.error === undefined;
}
