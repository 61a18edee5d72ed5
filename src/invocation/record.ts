import type { KafkaInstance } from '../dms/wire';
import type { Clock } from '../exec/clock';
import { unusedExcludeText } from '../plan/exclude-hints';
import { countsOf, type Plan, recordedOf } from '../plan/plan';
import type { Policy } from '../policy/resolve';
import type { Logger } from '../report/logger';
import { Outcome, type RunSummary } from '../report/records';
import type { Report } from '../report/report';
import { campaignFailure } from './campaign-verdict';

/** Where {@link finishRun} writes the summary, and the clock its duration is read from. */
interface FinishDeps {
  log: Logger;
  clock: Clock;
}

/**
 * Records what a plan says without a call: its warnings and the records
 * every run writes first; for a dry run (not refused), also what it would
 * do, with the cleanup mode or the campaign's remaining count. A dry run is
 * exactly this.
 */
export function recordPlan(report: Report, plan: Plan, dryRun: boolean): void {
  for (const [status, ids] of Object.entries(plan.unknownStatuses)) {
    report.warn({
      message: 'instances in a status DMS does not document are never acted on',
      status,
      instances: ids,
    });
  }
  for (const u of plan.unusedExcludes) {
    // A key on no instance with nothing close is the usual protect tag nobody needed yet: the
    // plan shows it; a run warns only when the fleet has a key it was probably meant to be.
    if (u.near.length === 0) continue;
    report.warn({ message: unusedExcludeText(u), key: u.key, near: u.near.map((n) => n.key) });
  }
  if (plan.noMatch.length > 0) report.setNoMatch(plan.noMatch);
  for (const { instance, outcome, reason } of recordedOf(plan, dryRun)) {
    report.add(instance, reason === undefined ? { outcome } : { outcome, reason });
  }
  if (!dryRun || plan.refusal) return;
  if (plan.campaign) report.setCampaign({ remaining: countsOf(plan).selected });
  else if (plan.mode) report.setMode(plan.mode.mode, plan.mode.reason);
}

/**
 * Writes the summary, after a failed record for every instance the run owed
 * one and never gave it, and logs it at error when the run went wrong.
 */
export function finishRun(
  deps: FinishDeps,
  report: Report,
  o: {
    policy: Policy;
    started: number;
    owed: readonly KafkaInstance[];
    error?: string | undefined;
  },
): RunSummary {
  for (const inst of o.owed) {
    if (!report.has(inst.instance_id)) {
      report.add(inst, {
        outcome: Outcome.Failed,
        reason: `the run stopped before this instance was handled: ${o.error ?? 'unknown error'}`,
      });
    }
  }
  const summary = report.summary(deps.clock.now() - o.started, o.error);
  const bad =
    summary.failed > 0 ||
    summary.refused ||
    !summary.complete ||
    campaignFailure(o.policy.name, summary) !== undefined;
  deps.log[bad ? 'error' : 'info'](summary);
  return summary;
}
