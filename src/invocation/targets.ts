import type { Target } from '../policy/resolve';
import type { RunSummary, TargetResult, TotalSummary } from '../report/records';
import { type PolicyRun, type ProjectRun, runOnProject, type Wired } from './run';

/**
 * How many targets run at once. Each has its own client, whose own limiter
 * allows `DMS_MAX_CONCURRENCY` calls in flight, so at most this many times
 * that are in flight across the invocation.
 */
export const TARGET_CONCURRENCY = 4;

/** A policy's run on the targets it names. */
export interface TargetsRun extends PolicyRun {
  targets: readonly Target[];
}

export interface TargetsResult {
  total: TotalSummary;
  /** The message the invocation rejects with, naming each target that did not succeed. */
  failure: string | undefined;
}

/**
 * Runs one policy on every target, {@link TARGET_CONCURRENCY} at a time in
 * the policy's order. Each target gets its own client (its project, its
 * region or endpoint, its own limiter) and writes its own records, each
 * carrying `region` and `projectId`, and its own `kind: "summary"`. One
 * target's failure (a listing that fails, failed instances, a refusal) never
 * stops another. The invocation's deadline is shared: targets run side by
 * side, so each has the whole time left; a target that waits for a free slot
 * starts with what is left then, and past the write cutoff records what it
 * would act on `skipped` for the deadline, which makes it incomplete.
 * Ends with one `kind: "total"` line.
 */
export async function runTargets(deps: Wired, input: TargetsRun): Promise<TargetsResult> {
  const started = deps.clock.now();
  const runs = await runTargetList(deps, input);
  const total = totalOf(input, runs, deps.clock.now() - started);
  deps.log[total.targetsFailed > 0 ? 'error' : 'info'](total);
  const bad = targetsFailure(total);
  return { total, failure: bad && `policy ${input.policy.name}: ${bad}` };
}

/** Every target run, {@link TARGET_CONCURRENCY} at a time; results in the targets' order. */
export function runTargetList(deps: Wired, input: TargetsRun): Promise<TargetRun[]> {
  return inPool(input.targets, TARGET_CONCURRENCY, (t) => runTarget(deps, input, t));
}

/** Each target that did not succeed, and why, for the rejection; undefined when all did. */
export function targetsFailure(total: TotalSummary): string | undefined {
  const bad = total.targets.filter((t) => t.verdict !== 'succeeded');
  return bad.length === 0
    ? undefined
    : `${bad.length} of ${total.targets.length} targets did not succeed: ${bad
        .map((t) => `${targetName(t)}: ${t.reason ?? t.verdict}`)
        .join('; ')}`;
}

/** `region/projectId`, or `account/region/projectId`, as messages name a target. */
export function targetName(t: { account?: string; region: string; projectId: string }): string {
  return `${t.account ? `${t.account}/` : ''}${t.region}/${t.projectId}`;
}

/** How one target ended: its summary, when its run wrote one, and its line in the total. */
export interface TargetRun {
  summary: RunSummary | undefined;
  result: TargetResult;
}

/** One target, start to end. Never throws: what stopped it is its verdict. */
async function runTarget(deps: Wired, input: TargetsRun, target: Target): Promise<TargetRun> {
  const where = {
    ...(input.account ? { account: input.account.name, domainId: input.account.domainId } : {}),
    region: target.region,
    projectId: target.projectId,
  };
  // Every line this target's run writes carries its region and project.
  const log = deps.log.child(where);
  const prefix = `policy ${input.policy.name}: `;
  const reasonOf = (message: string) =>
    message.startsWith(prefix) ? message.slice(prefix.length) : message;
  const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));
  let run: ProjectRun;
  try {
    run = await runOnProject(
      {
        ...deps,
        log,
        onPlan:
          deps.onPlan &&
          ((plan) => deps.onPlan?.(plan, { ...target, account: input.account?.name })),
      },
      target,
      input,
    );
  } catch (e) {
    // Stopped before its run began: no summary, so an error line instead.
    log.error({ kind: 'error', errorType: errorType(e), message: messageOf(e) });
    const reason = `stopped: ${messageOf(e)}`;
    return { summary: undefined, result: { ...where, verdict: 'stopped', reason } };
  }
  const { summary, failure, stopped } = run;
  // A run that an error stopped wrote its summary with the error in it.
  if (stopped) {
    const reason = `stopped: ${messageOf(stopped.error)}`;
    return { summary, result: { ...where, verdict: 'stopped', reason } };
  }
  return {
    summary,
    result: failure
      ? { ...where, verdict: failure.verdict, reason: reasonOf(failure.message) }
      : { ...where, verdict: 'succeeded' },
  };
}

function errorType(e: unknown): string {
  return e instanceof Error ? e.name : 'UnexpectedError';
}

/** The counts of `runs`' summaries, summed: a target without a summary counts nothing. */
export function countsOf(
  runs: readonly TargetRun[],
): Pick<TotalSummary, 'listed' | 'matched' | 'succeeded' | 'failed' | 'skipped' | 'notReached'> {
  const sum = (pick: (s: RunSummary) => number) =>
    runs.reduce((n, r) => n + (r.summary ? pick(r.summary) : 0), 0);
  return {
    listed: sum((s) => s.listed),
    matched: sum((s) => s.matched),
    succeeded: sum((s) => s.succeeded),
    failed: sum((s) => s.failed),
    skipped: sum((s) => s.skipped),
    notReached: sum((s) => s.notReached),
  };
}

/** The total of `runs`: counts summed, each target's line. */
export function totalOf(
  input: Pick<PolicyRun, 'policy' | 'dryRun' | 'invocationId'>,
  runs: readonly TargetRun[],
  durationMs: number,
): TotalSummary {
  const summaries = runs.map((r) => r.summary);
  const results = runs.map((r) => r.result);
  return {
    kind: 'total',
    policy: input.policy.name,
    action: input.policy.action === 'cleanup-failed' ? 'delete' : 'restart',
    dryRun: input.dryRun,
    invocationId: input.invocationId,
    ...countsOf(runs),
    refused: summaries.some((s) => s?.refused === true),
    complete: summaries.every((s) => s?.complete === true),
    durationMs,
    targets: results,
    targetsFailed: results.filter((r) => r.verdict !== 'succeeded').length,
  };
}

/** `fn` over `items`, at most `limit` at once, results in the items' order. */
export async function inPool<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
