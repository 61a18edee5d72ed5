import type { Plan } from '../plan/plan';
import type { Report } from '../report/report';

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
  if (plan.noMatch.length > 0) report.setNoMatch(plan.noMatch);
  const records = dryRun && !plan.refusal ? [...plan.upfront, ...plan.wouldDo] : plan.upfront;
  for (const { instance, outcome, reason } of records) {
    report.add(instance, reason === undefined ? { outcome } : { outcome, reason });
  }
  if (!dryRun || plan.refusal) return;
  if (plan.campaign) report.setCampaign({ remaining: plan.selection.eligible.length });
  else if (plan.mode) report.setMode(plan.mode.mode, plan.mode.reason);
}
