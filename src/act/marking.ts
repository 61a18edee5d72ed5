import { FailureKind, isCloudApiError } from '../cloud/errors';
import { isInstanceNotFound, leavesOutcomeUnknown } from '../dms/errors';
import type { KafkaInstance } from '../dms/wire';
import type { Campaign } from '../plan/campaign';
import { agedMarks, markTags } from '../plan/mark';
import { Outcome } from '../report/records';
import type { ActContext } from './context';
import { DEADLINE, noWriteNow } from './context';
import { notShown, readAfter, type TagCall, tagCall, tagText } from './tag-calls';

export interface Marked {
  /** Marked by this run, ready for the re-check and the restart call. */
  marked: KafkaInstance[];
  /** Instances of the batch recorded failed here. */
  failed: number;
  /** The deadline or the window's cutoff came first; the rest of the batch is recorded skipped. */
  stopped?: string;
}

/**
 * Writes this run's mark on each instance of a wave, one tag call each, as
 * the listing showed it. No read comes first: the write engine reads each
 * instance once after its mark, and restarts it only if this run's mark is
 * there, no other run's mark of this period is, and the policy still
 * applies to what DMS shows.
 *
 * Why one read is enough when runs overlap: every run writes its own key,
 * so no mark is ever overwritten. If two runs both restarted an instance,
 * the later one's read came after the earlier one's read, which saw the
 * earlier one's mark in place; that mark stays (it is removed only when its
 * restart did not apply), so the later read saw it too and skipped. Two
 * runs that read at about the same time see each other's marks and both
 * skip; a later wave or run restarts the instance.
 *
 * A mark DMS refuses means no restart: `failed`. DMS answers a tag call 204
 * also when the tag did not take, so the read after the mark is its
 * read-back too: a mark it does not show means no restart, and a warning
 * names the instance and the mark (`restartMarked` in wave.ts). An instance
 * gone since the listing is skipped. A tag call whose outcome stays unknown is `failed`,
 * and its mark, if it landed, is removed again.
 */
export async function markBatch(
  ctx: ActContext,
  campaign: Campaign,
  batch: readonly KafkaInstance[],
  registered: ReadonlyMap<string, number> = new Map(),
): Promise<Marked> {
  const out: Marked = { marked: [], failed: 0 };
  for (const [k, inst] of batch.entries()) {
    const closed = noWriteNow(ctx);
    if (closed) {
      ctx.report.skipAll(batch.slice(k), closed);
      return { ...out, stopped: closed };
    }
    const tags = markTags(ctx.clock.now(), campaign.markKey, registered.get(inst.instance_id));
    ctx.report.action('MarkRestarted', 1, [inst]);
    try {
      await ctx.dms.tagInstance(inst.instance_id, 'create', tags);
      campaign.ownMarks.set(inst.instance_id, tags);
      campaign.written.set(inst.instance_id, tags);
      out.marked.push(inst);
    } catch (e) {
      if (!isCloudApiError(e)) throw e;
      if (e.kind === FailureKind.Deadline) {
        ctx.report.skipAll(batch.slice(k), DEADLINE);
        return { ...out, stopped: DEADLINE };
      }
      if (isInstanceNotFound(e)) {
        ctx.report.add(inst, {
          outcome: Outcome.Skipped,
          reason: 'changed since the listing: the instance no longer exists',
        });
        continue;
      }
      out.failed++;
      ctx.report.add(inst, {
        outcome: Outcome.Failed,
        reason: `not restarted: its mark could not be written: ${e.message}`,
        errorCode: e.errorCode,
        requestId: e.requestId,
      });
      if (leavesOutcomeUnknown(e)) {
        campaign.written.set(inst.instance_id, tags);
        await unmark(ctx, campaign, [inst]);
      }
    }
  }
  return out;
}

/**
 * Removes this run's mark from instances its restart provably did not reach
 * (never sent, skipped at the re-check, or refused by DMS's answer), so the
 * instance does not count as done. Only this run's own key is deleted, with
 * the value it wrote: another run's mark is never touched. Each instance is
 * read back after its call: a mark still there (the call failed, or DMS
 * answered it and removed nothing) leaves the instance counted as restarted
 * in this period, which is the safe side; a warning names the instance and
 * the mark.
 */
export async function unmark(
  ctx: ActContext,
  campaign: Campaign,
  instances: readonly KafkaInstance[],
): Promise<void> {
  const calls: TagCall[] = [];
  for (const inst of instances) {
    const tags = campaign.written.get(inst.instance_id);
    if (!tags) continue;
    ctx.report.action('UnmarkRestarted', 1, [inst]);
    calls.push(await tagCall(ctx, inst, 'delete', tags));
  }
  const fresh = await readAfter(ctx, calls);
  for (const c of calls) {
    const id = c.instance.instance_id;
    const why = notShown(c, fresh.get(id));
    if (why === undefined) {
      campaign.written.delete(id);
      continue;
    }
    ctx.report.warn({
      message: `the mark ${tagText(c.tags)} could not be removed after the restart was not applied (${why}); the instance counts as restarted in this period`,
      instanceId: id,
      tags: c.tags,
    });
  }
}

/**
 * After a restart, removes the marks that count for nothing any more (older
 * runs', aged out of this period) from the instance, as the listing showed
 * it, each with its value: a mark written since the listing is of this
 * period and stays. Another policy with a longer period may still have
 * counted one of them as done; this run's own mark, newer than all of them,
 * now says that for it. Each instance is read back after its call; a mark
 * still there only costs a tag, and is a warning naming it.
 */
export async function removeAgedMarks(
  ctx: ActContext,
  campaign: Campaign,
  instances: readonly KafkaInstance[],
): Promise<void> {
  const calls: TagCall[] = [];
  for (const inst of instances) {
    const aged = agedMarks(inst, campaign.period, campaign.markKey);
    if (aged.length === 0) continue;
    ctx.report.action('RemoveAgedMarks', 1, [inst]);
    calls.push(await tagCall(ctx, inst, 'delete', aged));
  }
  const fresh = await readAfter(ctx, calls);
  for (const c of calls) {
    const why = notShown(c, fresh.get(c.instance.instance_id));
    if (why === undefined) continue;
    ctx.report.warn({
      message: `marks of earlier periods could not be removed: ${tagText(c.tags)} (${why})`,
      instanceId: c.instance.instance_id,
      tags: c.tags,
    });
  }
}
