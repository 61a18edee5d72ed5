import { chooseMode, cleanupFailed } from './act/cleanup';
import type { ActContext } from './act/context';
import { planCampaign, utc } from './campaign/plan';
import { dryRunCampaign, earlierOf, runCampaign } from './campaign/restart';
import type { DmsClient } from './dms/client';
import { isKnownStatus } from './dms/status';
import type { KafkaInstance } from './dms/wire';
import type { Clock } from './exec/clock';
import type { Deadline } from './exec/deadline';
import type { RetrySettings } from './exec/retry';
import type { Policy } from './policy/resolve';
import type { Logger } from './report/logger';
import { Outcome, type RunSummary } from './report/records';
import { Report } from './report/report';
import { createJudge, selectInstances } from './select';

export interface RunDeps {
  /** A client whose reads retry and whose calls honour `deadline`. */
  dms: DmsClient;
  log: Logger;
  clock: Clock;
  deadline: Deadline;
  retry: RetrySettings;
  /** A campaign's wait between its marks and the re-check before the restart. */
  markSettleMs: number;
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
}

/**
 * Runs one policy, top to bottom: for a restart campaign, check its window
 * first (closed: no call at all); then list, select, check the limit, then
 * act or describe what would be done, and report. The summary is written
 * whatever happens, also when the run throws.
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
  const plan = cleanup ? undefined : planCampaign(policy, started);
  const campaign = plan?.open ? plan.campaign : undefined;
  const judging = { now: started, period: campaign?.period, ownMarks: campaign?.ownMarks };
  const ctx: ActContext = {
    ...deps,
    settings: deps.retry,
    report,
    judge: createJudge(policy, judging),
  };
  // Every instance owed a record: a run that stops early still accounts for each.
  let eligible: KafkaInstance[] = [];
  const finish = (error?: string): RunSummary => {
    for (const inst of eligible) {
      if (!report.has(inst.instance_id)) {
        report.add(inst, {
          outcome: Outcome.Failed,
          reason: `the run stopped before this instance was handled: ${error ?? 'unknown error'}`,
        });
      }
    }
    const summary = report.summary(deps.clock.now() - started, error);
    const bad = summary.failed > 0 || summary.refused || !summary.complete;
    deps.log[bad ? 'error' : 'info'](summary);
    return summary;
  };
  if (plan && !plan.open) {
    report.setCampaign({ window: 'closed', windowOpens: utc(plan.nextOpensAt) });
    return { summary: finish(), report };
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
    report.setListed(listed.length);
    warnUnknownStatuses(report, listed);
    const selection = selectInstances(listed, policy, judging);
    // Marked instances are the campaign's to record: it looks at each again.
    for (const c of selection.candidates) {
      if (c.verdict === 'skip' && !c.mark)
        report.add(c.instance, { outcome: Outcome.Skipped, reason: c.reason });
    }
    const earlier = earlierOf(selection.candidates).map((e) => e.instance);
    eligible = [...selection.eligible, ...earlier];

    if (selection.eligible.length > policy.maxInstances) {
      const reason = `${selection.eligible.length} instances match, more than maxInstances ${policy.maxInstances}; nothing was changed`;
      for (const inst of selection.eligible) report.add(inst, { outcome: Outcome.Refused, reason });
      report.skipAll(earlier, 'already restarted in this period');
    } else if (campaign && dryRun) {
      dryRunCampaign(ctx, campaign, selection);
    } else if (dryRun) {
      if (cleanup) {
        const choice = chooseMode(policy, listed, selection);
        report.setMode(choice.mode, choice.reason);
      }
      const outcome = cleanup ? Outcome.WouldDelete : Outcome.WouldRestart;
      for (const inst of selection.eligible) report.add(inst, { outcome });
    } else if (cleanup) {
      await cleanupFailed(ctx, policy, listed, selection);
    } else if (campaign) {
      await runCampaign(
        ctx,
        {
          campaign,
          selection,
          batchSize: policy.batchSize,
          wait: policy.waitForRunning,
          invocationId: input.invocationId,
          settleMs: deps.markSettleMs,
        },
        async () => selectInstances(await deps.dms.listInstances(), policy, judging),
      );
    }
  } catch (e) {
    finish(e instanceof Error ? e.message : String(e));
    throw e;
  }
  return { summary: finish(), report };
}

/** One warning per status DMS never documented: the instances are listed, never acted on. */
function warnUnknownStatuses(report: Report, listed: readonly KafkaInstance[]): void {
  const unknown = new Map<string, string[]>();
  for (const i of listed) {
    if (!isKnownStatus(i.status))
      unknown.set(i.status, [...(unknown.get(i.status) ?? []), i.instance_id]);
  }
  for (const [status, ids] of unknown) {
    report.warn({
      message: 'instances in a status DMS does not document are never acted on',
      status,
      instances: ids,
    });
  }
}
