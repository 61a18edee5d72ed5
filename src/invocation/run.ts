import { randomBytes } from 'node:crypto';
import { dryRunCampaign } from '../act/campaign';
import type { ActContext } from '../act/context';
import { executePlan } from '../act/execute';
import type { DmsClient } from '../dms/client';
import type { KafkaInstance } from '../dms/wire';
import type { Clock } from '../exec/clock';
import type { Deadline } from '../exec/deadline';
import type { RetrySettings } from '../exec/retry';
import { planCampaign, utc } from '../plan/campaign';
import { earlierOf } from '../plan/earlier';
import { newMarkKey } from '../plan/mark';
import { makePlan, type Plan } from '../plan/plan';
import { createJudge, type JudgeOptions, selectInstances } from '../plan/select';
import type { Policy } from '../policy/resolve';
import type { Logger } from '../report/logger';
import { Outcome, type RunSummary } from '../report/records';
import { Report } from '../report/report';
import { campaignFailure } from './campaign-verdict';

export interface RunDeps {
  /** A client whose reads retry and whose calls honour `deadline`. */
  dms: DmsClient;
  log: Logger;
  clock: Clock;
  deadline: Deadline;
  retry: RetrySettings;
  /** A campaign's wait between its marks and the re-check before the restart. */
  markSettleMs: number;
  /** How long DMS may take to show RESTARTING after it accepted a restart. */
  restartOnsetMs: number;
  /** Handed the summary as it is written, also when the run then throws. */
  onSummary?: (summary: RunSummary) => void;
}

export interface RunInput {
  policy: Policy;
  /** The effective dry-run flag: policy, event and DRY_RUN combined. */
  dryRun: boolean;
  invocationId: string;
}

export interface RunResult {
  summary: RunSummary;
  report: Report;
  /** Absent when the run stopped before it could plan (window closed, listing failed). */
  plan: Plan | undefined;
}

/**
 * Runs one policy, top to bottom: for a restart campaign, check its window
 * first (closed: no call at all); then list, plan (select, check the limit,
 * choose how), then carry the plan out or describe it, and report. The
 * summary is written whatever happens, also when the run throws.
 */
export async function runPolicy(deps: RunDeps, input: RunInput): Promise<RunResult> {
  const { policy, dryRun } = input;
  const started = deps.clock.now();
  const cleanup = policy.action === 'cleanup-failed';
  const report = new Report(deps.log, {
    policy: policy.name,
    action: cleanup ? 'delete' : 'restart',
    dryRun,
    invocationId: input.invocationId,
  });
  const where = cleanup ? undefined : planCampaign(policy, started, newMarkKey(randomBytes(12)));
  const campaign = where?.open ? where.campaign : undefined;
  const judging: JudgeOptions = {
    now: started,
    period: campaign?.period,
    ownMarks: campaign?.ownMarks,
  };
  const ctx: ActContext = {
    ...deps,
    settings: deps.retry,
    onsetMs: deps.restartOnsetMs,
    report,
    judge: createJudge(policy, judging),
  };
  let plan: Plan | undefined;
  // Every instance owed a record: a run that stops early still accounts for each.
  let owed: readonly KafkaInstance[] = [];
  const finish = (error?: string): RunSummary => {
    for (const inst of owed) {
      if (!report.has(inst.instance_id)) {
        report.add(inst, {
          outcome: Outcome.Failed,
          reason: `the run stopped before this instance was handled: ${error ?? 'unknown error'}`,
        });
      }
    }
    const summary = report.summary(deps.clock.now() - started, error);
    const bad =
      summary.failed > 0 ||
      summary.refused ||
      !summary.complete ||
      campaignFailure(policy.name, summary) !== undefined;
    deps.log[bad ? 'error' : 'info'](summary);
    deps.onSummary?.(summary);
    return summary;
  };
  if (where && !where.open) {
    report.setCampaign({ window: 'closed', windowOpens: utc(where.nextOpensAt) });
    return { summary: finish(), report, plan };
  }
  if (campaign?.window) {
    report.setCampaign({
      window: 'open',
      windowCloses: utc(campaign.window.closesAt),
      cutoffAt: utc(campaign.window.cutoffAt),
    });
  }
  try {
    // Failed instances are listed only on request; cleanup needs them.
    const listed = await deps.dms.listInstances({ includeFailure: cleanup });
    plan = makePlan(policy, listed, judging);
    report.setListed(listed.length);
    for (const [status, ids] of plan.unknownStatuses) {
      report.warn({
        message: 'instances in a status DMS does not document are never acted on',
        status,
        instances: ids,
      });
    }
    // Instances a campaign already marked are the campaign's to record: it looks at each again.
    for (const c of plan.selection.candidates) {
      if (c.verdict === 'skip' && !c.mark)
        report.add(c.instance, { outcome: Outcome.Skipped, reason: c.reason });
    }
    const eligible = plan.selection.eligible;
    const earlier = earlierOf(plan.selection.candidates).map((e) => e.instance);
    owed = [...eligible, ...earlier];
    if (plan.refusal) {
      for (const inst of eligible)
        report.add(inst, { outcome: Outcome.Refused, reason: plan.refusal });
      report.skipAll(earlier, 'already restarted in this period');
    } else if (campaign && dryRun) {
      dryRunCampaign(ctx, campaign, plan.selection);
    } else if (dryRun) {
      if (plan.mode) report.setMode(plan.mode.mode, plan.mode.reason);
      const outcome = cleanup ? Outcome.WouldDelete : Outcome.WouldRestart;
      for (const inst of eligible) report.add(inst, { outcome });
    } else {
      await executePlan(ctx, plan, {
        campaign,
        settleMs: deps.markSettleMs,
        relist: async () => selectInstances(await deps.dms.listInstances(), policy, judging),
      });
    }
  } catch (e) {
    finish(e instanceof Error ? e.message : String(e));
    throw e;
  }
  return { summary: finish(), report, plan };
}
