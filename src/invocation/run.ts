import { randomBytes } from 'node:crypto';
import type { ActContext } from '../act/context';
import { executePlan } from '../act/execute';
import { readKafka } from '../act/kafka-checks';
import type { DmsClient } from '../dms/client';
import type { KafkaInstance } from '../dms/wire';
import type { Clock } from '../exec/clock';
import type { Deadline } from '../exec/deadline';
import type { RetrySettings } from '../exec/retry';
import { type ApprovedInstance, approvalCheck } from '../plan/approval';
import { type Campaign, planCampaign, utc } from '../plan/campaign';
import { earlierOf } from '../plan/earlier';
import { newMarkKey } from '../plan/mark';
import { makePlan, type Plan } from '../plan/plan';
import { withPreflight } from '../plan/preflight';
import { createJudge, type JudgeOptions, selectInstances } from '../plan/select';
import type { Policy } from '../policy/resolve';
import { localIso } from '../policy/window';
import type { Logger } from '../report/logger';
import { Outcome, type RunSummary } from '../report/records';
import { Report } from '../report/report';
import { campaignFailure } from './campaign-verdict';
import { recordPlan } from './record-plan';

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
  /**
   * A plan only (never with writes): judge the window, the cutoff and the
   * marks as at this instant instead of now; or `next-opening`: now, or, when
   * a campaign's window is closed now, as it next opens.
   */
  judgeAt?: number | 'next-opening' | undefined;
  /** An approved plan's instances for this project: nothing else is acted on. */
  approved?: readonly ApprovedInstance[] | undefined;
}

export interface RunResult {
  summary: RunSummary;
  report: Report;
  /** Absent when the run stopped before it could plan (window closed, listing failed). */
  plan: Plan | undefined;
}

/**
 * Runs one policy, top to bottom: for a restart campaign, check its window
 * first (closed: no call at all); then list and plan; then carry the plan
 * out, or record it (a dry run, a refusal); and report. The summary is
 * written whatever happens, also when the run throws.
 */
export async function runPolicy(deps: RunDeps, input: RunInput): Promise<RunResult> {
  const { policy } = input;
  const started = deps.clock.now();
  const report = openReport(deps, input);
  const { where, judgedAt, lookedAhead } = campaignFor(report, input, started);
  const campaign = where?.open ? where.campaign : undefined;
  const judging: JudgeOptions = {
    now: judgedAt,
    period: campaign?.period,
    ownMarks: campaign?.ownMarks,
    ...(input.approved ? { confirm: approvalCheck(input.approved, policy) } : {}),
  };
  // Every instance owed a record: a run that stops early still accounts for each.
  let owed: readonly KafkaInstance[] = [];
  const finish = (error?: string) => finishRun(deps, report, { policy, started, owed, error });
  if (where && !where.open) return { summary: finish(), report, plan: undefined };
  if (campaign?.window && !lookedAhead) {
    report.setCampaign({
      window: 'open',
      windowCloses: utc(campaign.window.closesAt),
      windowClosesLocal: localIso(campaign.window.closesAt, policy.window?.timezone ?? 'UTC'),
      cutoffAt: utc(campaign.window.cutoffAt),
    });
  }
  let plan: Plan | undefined;
  try {
    // Failed instances are listed only on request; cleanup needs them.
    const listed = await deps.dms.listInstances({
      includeFailure: policy.action === 'cleanup-failed',
    });
    plan = makePlan(
      policy,
      listed,
      judging,
      campaign && { period: campaign.period, window: campaign.window },
      input.approved,
    );
    if (input.dryRun) plan = await readPreflight(deps.dms, plan);
    report.setListed(listed.length);
    owed = [
      ...plan.selection.eligible,
      ...earlierOf(plan.selection.candidates).map((e) => e.instance),
    ];
    recordPlan(report, plan, input.dryRun);
    if (!plan.refusal && !input.dryRun) await carryOut(deps, report, plan, { campaign, judging });
  } catch (e) {
    finish(e instanceof Error ? e.message : String(e));
    throw e;
  }
  return { summary: finish(), report, plan };
}

function openReport(deps: RunDeps, input: RunInput): Report {
  const cleanup = input.policy.action === 'cleanup-failed';
  return new Report(deps.log, {
    policy: input.policy.name,
    action: cleanup ? 'delete' : 'restart',
    dryRun: input.dryRun,
    invocationId: input.invocationId,
  });
}

/** A restart policy's campaign at `now`, with a mark key new to this run; none for cleanup. */
function campaignAt(policy: Policy, now: number) {
  if (policy.action === 'cleanup-failed') return undefined;
  return planCampaign(policy, now, newMarkKey(randomBytes(12)));
}

/**
 * The campaign the run judges by, and the instant it judges at: now, or a
 * plan's `judgeAt`. A window closed then is recorded as such; a plan that
 * looks ahead then judges as at the next opening.
 */
function campaignFor(report: Report, input: RunInput, now: number) {
  const asked = input.judgeAt;
  if (asked !== undefined && !input.dryRun) throw new Error('judgeAt is for plans only');
  let judgedAt = typeof asked === 'number' ? asked : now;

  let where = campaignAt(input.policy, judgedAt);
  if (!where || where.open) return { where, judgedAt, lookedAhead: false };
  report.setCampaign({
    window: 'closed',
    windowOpens: utc(where.nextOpensAt),
    windowOpensLocal: localIso(where.nextOpensAt, input.policy.window?.timezone ?? 'UTC'),
  });
  if (asked !== 'next-opening') return { where, judgedAt, lookedAhead: false };
  judgedAt = where.nextOpensAt;
  where = campaignAt(input.policy, judgedAt);
  return { where, judgedAt, lookedAhead: true };
}

/**
 * A dry run's (and `plan`'s) pre-flight: each instance it would restart has
 * its cluster read now, and the plan shows the verdicts. A live run reads
 * right before each restart instead, and never twice.
 */
async function readPreflight(dms: DmsClient, plan: Plan): Promise<Plan> {
  const checks = plan.policy.kafkaChecks;
  const would = plan.wouldDo.filter((w) => w.outcome === Outcome.WouldRestart);
  if (!checks || plan.refusal || would.length === 0) return plan;
  const reads = await readKafka(
    dms,
    would.map((w) => w.instance),
    true,
  );
  return withPreflight(plan, reads, checks.allowSingleReplicaTopics);
}

/** A live run: the plan's calls, with the effects' context wired here. */
async function carryOut(
  deps: RunDeps,
  report: Report,
  plan: Plan,
  o: { campaign: Campaign | undefined; judging: JudgeOptions },
): Promise<void> {
  const ctx: ActContext = {
    ...deps,
    settings: deps.retry,
    onsetMs: deps.restartOnsetMs,
    heal: plan.policy.kafkaChecks !== undefined,
    report,
    judge: createJudge(plan.policy, o.judging),
  };
  await executePlan(ctx, plan, {
    campaign: o.campaign,
    settleMs: deps.markSettleMs,
    relist: async () => selectInstances(await deps.dms.listInstances(), plan.policy, o.judging),
  });
}

/**
 * Writes the summary, after a failed record for every instance the run owed
 * one and never gave it, and logs it at error when the run went wrong.
 */
function finishRun(
  deps: RunDeps,
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
  deps.onSummary?.(summary);
  return summary;
}
