import { randomBytes } from 'node:crypto';
import { runCampaign } from '../act/campaign';
import { cleanupFailed } from '../act/cleanup';
import type { ActContext } from '../act/context';
import { preflightPlan } from '../act/kafka-checks';
import { createDmsClient, type DmsClient, type Keys } from '../dms/client';
import { readOnly } from '../dms/read-only';
import type { KafkaInstance } from '../dms/wire';
import type { Clock } from '../exec/clock';
import type { Deadline } from '../exec/deadline';
import type { RetrySettings } from '../exec/retry';
import { type ApprovedInstance, type ApprovedPlan, approvalFor } from '../plan/approval';
import { type Campaign, judgeCampaign, utc } from '../plan/campaign';
import { decide, judgingOf, type Known } from '../plan/decision';
import { newMarkKey } from '../plan/mark';
import { type DecidedBy, type Plan, TAKEN_UP } from '../plan/plan';
import { createJudge } from '../plan/select';
import type { Policy, Target } from '../policy/resolve';
import { localIso } from '../policy/window';
import type { Logger } from '../report/logger';
import type { RunSummary } from '../report/records';
import { Report } from '../report/report';
import { lookBack } from './closed-window';
import type { Env } from './env';
import { finishRun, recordPlan } from './record';
import { judgeRun, type RunFailure } from './verdict';

/**
 * What the invocation wired, handed down unchanged to every project it runs
 * on: the environment, the logger (with a target's or an account's fields),
 * the clock, the keys, the deadline, and whether it only plans.
 */
export interface Wired {
  env: Env;
  /** Carries the target's region and project on every line, when there are targets. */
  log: Logger;
  clock: Clock;
  credentials: Keys;
  deadline: Deadline;
  /** Plan only: the client refuses writes before they are sent. */
  planOnly: boolean;
  /** Handed each plan, with its target when the policy has targets or accounts. */
  onPlan?: ((plan: Plan, target?: Target) => void) | undefined;
}

/** Where one run goes: a project, and its region or an endpoint. */
export interface ProjectTarget {
  projectId: string;
  region?: string | undefined;
  endpoint?: string | undefined;
}

/** One policy's run, the same on every project it reaches. */
export interface PolicyRun {
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
  /** An approved plan; its entry for each project limits what is acted on there. */
  approval?: ApprovedPlan | undefined;
  /** With accounts: the account the run is in, named on every line. */
  account?: { name: string; domainId: string | undefined } | undefined;
}

export interface ProjectRun extends RunResult {
  /** Why the run must be reported failed; undefined when it may resolve, or when it stopped. */
  failure: RunFailure | undefined;
}

interface RunDeps {
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
}

/** A policy's run on one project: an approved plan's instances for it, when there is one. */
interface RunInput extends Omit<PolicyRun, 'approval' | 'account'> {
  approved?: readonly ApprovedInstance[] | undefined;
}

interface RunResult {
  summary: RunSummary;
  report: Report;
  /** Absent when the run stopped before it could plan (window closed, listing failed). */
  plan: Plan | undefined;
  /** What stopped the run, after its summary was written with it; absent when it ran to its end. */
  stopped?: { error: unknown };
}

/**
 * One policy on one project: its own client (reads retried, every call
 * bounded by the deadline, writes refused in a plan), the run, and the
 * verdict on it. The single-project invocation and each target use it. An
 * error that stopped the run after it began comes back as `stopped`, beside
 * the summary that says so; one before (a client that cannot be made) throws.
 */
export async function runOnProject(
  deps: Wired,
  target: ProjectTarget,
  input: PolicyRun,
): Promise<ProjectRun> {
  const { env } = deps;
  const client = createDmsClient({
    credentials: deps.credentials,
    projectId: target.projectId,
    region: target.region,
    endpoint: target.endpoint,
    timeoutMs: env.requestTimeoutMs,
    maxConcurrency: env.maxConcurrency,
    retry: { settings: env.retry, clock: deps.clock, log: deps.log },
    deadline: deps.deadline,
  });
  const { policy, dryRun, invocationId, judgeAt, approval } = input;
  const run = await runPolicy(
    {
      dms: deps.planOnly ? readOnly(client) : client,
      log: deps.log,
      clock: deps.clock,
      retry: env.retry,
      deadline: deps.deadline,
      markSettleMs: env.markSettleMs,
      restartOnsetMs: env.restartOnsetMs,
    },
    {
      policy,
      dryRun,
      invocationId,
      judgeAt,
      ...(approval ? { approved: approvalFor(approval, target) } : {}),
    },
  );
  if (run.stopped) return { ...run, failure: undefined };
  if (run.plan) deps.onPlan?.(run.plan);
  return { ...run, failure: judgeRun(input.policy, run.summary, run.report.counts.refused) };
}

/**
 * The one project the environment names, with the same result as targets
 * and accounts give: its summary stands for the total. A run an error
 * stopped rejects with that error.
 */
export async function runProject(
  run: Wired,
  project: ProjectTarget,
  input: PolicyRun,
): Promise<{ total: RunSummary; failure: string | undefined }> {
  const { summary, failure, stopped } = await runOnProject(run, project, input);
  if (stopped) throw stopped.error;
  return { total: summary, failure: failure?.message };
}

/**
 * Runs one policy, top to bottom: for a restart campaign, check its window
 * first (closed: no call at all); then list and plan; then carry the plan
 * out, or record it (a dry run, a refusal); and report. The summary is
 * written whatever happens: an error that stops the run is written in it,
 * and comes back as `stopped`.
 */
async function runPolicy(deps: RunDeps, input: RunInput): Promise<RunResult> {
  const { policy } = input;
  const started = deps.clock.now();
  const report = openReport(deps, input);
  const { where, judgedAt, lookedAhead } = campaignFor(report, input, started);
  const campaign = where?.open ? where.campaign : undefined;
  // Every instance owed a record: a run that stops early still accounts for each.
  let owed: readonly KafkaInstance[] = [];
  const finish = (error?: string) => finishRun(deps, report, { policy, started, owed, error });
  if (where && !where.open) {
    try {
      if (!input.dryRun && input.judgeAt === undefined)
        await lookBack(deps.dms, deps.clock, report, policy);
    } catch (e) {
      return { summary: finish(String(e)), report, plan: undefined, stopped: { error: e } };
    }
    return { summary: finish(), report, plan: undefined };
  }
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
    const known: Known = {
      policy,
      listed,
      now: judgedAt,
      campaign: campaign && { period: campaign.period, window: campaign.window },
      ownMarks: campaign?.ownMarks,
      approved: input.approved,
    };
    plan = decide(known);
    if (input.dryRun) plan = await preflightPlan(deps.dms, known, plan);
    report.setListed(listed.length);
    owed = plan.verdicts.filter((v) => OWED.has(v.by)).map((v) => v.instance);
    recordPlan(report, plan, input.dryRun);
    if (!plan.refusal && !input.dryRun) await carryOut(deps, report, plan, { campaign, known });
  } catch (e) {
    const summary = finish(e instanceof Error ? e.message : String(e));
    return { summary, report, plan, stopped: { error: e } };
  }
  return { summary: finish(), report, plan };
}

/** Verdicts a live run records as it goes: a run that stops early still owes each a record. */
const OWED: ReadonlySet<DecidedBy> = new Set([...TAKEN_UP, 'earlier']);

function openReport(deps: RunDeps, input: RunInput): Report {
  const cleanup = input.policy.action === 'cleanup-failed';
  return new Report(deps.log, {
    policy: input.policy.name,
    action: cleanup ? 'delete' : 'restart',
    dryRun: input.dryRun,
    invocationId: input.invocationId,
  });
}

/**
 * The campaign the run judges by (none for cleanup), with a mark key new to
 * this run; a window closed at the judged instant is recorded as such.
 */
function campaignFor(report: Report, input: RunInput, now: number) {
  const { policy, judgeAt } = input;
  if (judgeAt !== undefined && !input.dryRun) throw new Error('judgeAt is for plans only');
  if (policy.action === 'cleanup-failed') {
    const judgedAt = typeof judgeAt === 'number' ? judgeAt : now;
    return { where: undefined, judgedAt, lookedAhead: false };
  }
  const judged = judgeCampaign(policy, now, judgeAt, newMarkKey(randomBytes(12)));
  if (judged.closed) {
    report.setCampaign({
      window: 'closed',
      windowOpens: utc(judged.closed.nextOpensAt),
      windowOpensLocal: localIso(judged.closed.nextOpensAt, policy.window?.timezone ?? 'UTC'),
    });
  }
  return judged;
}

/**
 * A live run: the plan's calls, with the effects' context wired here. Each
 * instance is read again and judged by the policy right before every call,
 * so the plan is a proposal, never a licence.
 */
async function carryOut(
  deps: RunDeps,
  report: Report,
  plan: Plan,
  o: { campaign: Campaign | undefined; known: Known },
): Promise<void> {
  const ctx: ActContext = {
    ...deps,
    settings: deps.retry,
    onsetMs: deps.restartOnsetMs,
    heal: plan.policy.kafkaChecks !== undefined,
    report,
    judge: createJudge(plan.policy, judgingOf(o.known)),
  };
  if (plan.policy.action === 'cleanup-failed') return cleanupFailed(ctx, plan);
  if (!o.campaign) throw new Error('a restart runs as a campaign; its window is closed');
  await runCampaign(ctx, {
    campaign: o.campaign,
    plan,
    known: o.known,
    wait: plan.policy.waitForRunning,
    settleMs: deps.markSettleMs,
    kafka: plan.policy.kafkaChecks,
  });
}
