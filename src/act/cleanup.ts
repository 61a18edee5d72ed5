import type { KafkaInstance } from '../dms/wire';
import { decide, writeCalls } from '../plan/decision';
import type { Plan } from '../plan/plan';
import type { ActContext } from './context';
import { writeBatch } from './engine';
import { recordUnplanned } from './unplanned';
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

function sameIds(a: readonly KafkaInstance[], b: readonly KafkaInstance[]): boolean {
  const ids = new Set(a.map((i) => i.instance_id));
  return a.length === b.length && b.every((i) => ids.has(i.instance_id));
}
