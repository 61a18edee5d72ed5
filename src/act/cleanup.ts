import { DELETE_IN_PROGRESS } from '../dms/status';
import type { KafkaInstance } from '../dms/wire';
import { decide, writeCalls } from '../plan/decision';
import type { Plan } from '../plan/plan';
import { Outcome } from '../report/records';
import type { ActContext } from './context';
import { writeBatch } from './engine';
import { deleteKind, forceDeleteKind } from './write-kinds';

/**
 * Deletes the plan's CREATEFAILED instances, in the calls the core decided.
 * For `all_failure`, the fleet is listed again right before the call and
 * the core decides again: only if it still chooses `all_failure`, for the
 * same failed set, does the one call go. A lost answer is never resent with
 * `all_failure`: the engine reads each instance back and deletes any
 * survivor by id.
 */
export async function cleanupFailed(ctx: ActContext, plan: Plan): Promise<void> {
  const { policy } = plan;
  const targets = plan.batches.flat();
  if (!plan.mode) throw new Error('a cleanup plan has a mode');
  let choice = plan.mode;
  let now: readonly KafkaInstance[] = plan.listed;
  if (choice.mode === 'all_failure' && targets.length > 0) {
    now = await ctx.dms.listInstances({ includeFailure: true });
    const again = decide({ policy, listed: now, now: ctx.clock.now() });
    const recheck = again.mode ?? choice;
    if (recheck.mode !== 'all_failure') {
      choice = { mode: 'by-id', reason: `changed since the listing: ${recheck.reason}` };
    } else if (!sameIds(again.batches.flat(), targets)) {
      choice = {
        mode: 'by-id',
        reason: 'changed since the listing: the set of failed instances is not the same',
      };
    }
  }
  ctx.report.setMode(choice.mode, choice.reason);
  if (targets.length === 0) return;

  const kind = policy.forceDelete ? forceDeleteKind : deleteKind;
  const force = { force: policy.forceDelete };
  if (choice.mode === 'all_failure') {
    const r = await writeBatch(ctx, kind, targets, {
      operation: 'DeleteAllFailedInstances',
      send: (dms) => dms.deleteAllFailed(force),
    });
    for (const s of r.succeeded) ctx.report.add(s.instance, s.detail);
    await recordUnplanned(ctx, now);
    return;
  }
  // By id after all: the core's calls, unless it decided one all_failure call.
  const calls =
    plan.mode.mode === 'all_failure'
      ? writeCalls(targets, policy.batchSize, 'by-id')
      : plan.batches;
  for (const [n, batch] of calls.entries()) {
    const r = await writeBatch(ctx, kind, batch);
    for (const s of r.succeeded) ctx.report.add(s.instance, s.detail);
    if (r.stopped) {
      ctx.report.skipAll(calls.slice(n + 1).flat(), r.stopped);
      return;
    }
  }
}

/**
 * `all_failure` deletes what DMS holds failed when it runs the call, and an
 * instance can fail (or arrive failed) between our last listing and then.
 * That cannot be prevented, so it is made visible: a listing right after the
 * call, and every instance it shows being deleted without a record of ours
 * (and was not already being deleted before it) is recorded
 * `deleted-unplanned`, with a warning; the run then fails and notifies. A listing that fails is a warning: nothing more can be known.
 */
async function recordUnplanned(ctx: ActContext, before: readonly KafkaInstance[]): Promise<void> {
  const deleting = new Set(
    before.filter((i) => DELETE_IN_PROGRESS.has(i.status)).map((i) => i.instance_id),
  );
  let after: KafkaInstance[];
  try {
    after = await ctx.dms.listInstances({ includeFailure: true });
  } catch (e) {
    ctx.report.warn({
      message: `the listing after all_failure failed; instances it may have deleted without a plan are not known: ${e instanceof Error ? e.message : String(e)}`,
    });
    return;
  }
  const unplanned = after.filter(
    (i) =>
      DELETE_IN_PROGRESS.has(i.status) &&
      !deleting.has(i.instance_id) &&
      !ctx.report.has(i.instance_id),
  );
  if (unplanned.length === 0) return;
  ctx.report.warn({
    message: 'all_failure deleted instances this run did not plan to delete',
    instances: unplanned.map((i) => ({ id: i.instance_id, name: i.name })),
  });
  for (const inst of unplanned) {
    ctx.report.add(inst, {
      outcome: Outcome.DeletedUnplanned,
      reason: `status ${inst.status} right after the all_failure call, which this run did not plan for it: it failed or appeared after the listing`,
    });
  }
}

function sameIds(a: readonly KafkaInstance[], b: readonly KafkaInstance[]): boolean {
  const ids = new Set(a.map((i) => i.instance_id));
  return a.length === b.length && b.every((i) => ids.has(i.instance_id));
}
