import type { ActContext } from '../act/context';
import { DEADLINE } from '../act/context';
import { describeChange, describeFresh, readFresh } from '../act/fresh';
import { DmsFailureKind, isDmsApiError, leavesOutcomeUnknown } from '../dms/errors';
import { RESTART_IN_PROGRESS } from '../dms/status';
import type { KafkaInstance } from '../dms/wire';
import { pastWriteCutoff } from '../exec/deadline';
import { Outcome } from '../report/records';
import { isOwnMark, MARK_BY_KEY, MARK_KEY, markTags } from './mark';
import type { Campaign } from './plan';

export interface Marked {
  /** Marked by this run, ready for the restart call. */
  marked: KafkaInstance[];
  /** Instances of the batch recorded failed here. */
  failed: number;
  /** The deadline came first; the rest of the batch is recorded skipped. */
  stopped?: typeof DEADLINE;
}

/**
 * Marks a wave's instances, one tag call each, after reading each again and
 * applying the policy to what DMS shows now (an instance another run marked
 * meanwhile is skipped as done). An instance is restarted only if its mark
 * was written: one whose mark was refused, or whose tag call's outcome stayed
 * unknown, is recorded failed and not restarted (the latter's mark, if it
 * landed, is removed again).
 */
export async function markBatch(
  ctx: ActContext,
  campaign: Campaign,
  invocationId: string,
  batch: readonly KafkaInstance[],
): Promise<Marked> {
  const out: Marked = { marked: [], failed: 0 };
  const fail = (inst: KafkaInstance, reason: string, more = {}) => {
    out.failed++;
    ctx.report.add(inst, { outcome: Outcome.Failed, reason, ...more });
  };
  const fresh = await readFresh(ctx, batch);
  for (const [k, inst] of batch.entries()) {
    const f = fresh.get(inst.instance_id) ?? { unreadable: 'not read' };
    if ('unreadable' in f) {
      fail(inst, `not restarted: it could not be re-checked before its mark: ${f.unreadable}`);
      continue;
    }
    if (!('instance' in f)) {
      ctx.report.add(inst, { outcome: Outcome.Skipped, reason: describeFresh(f) });
      continue;
    }
    const v = ctx.judge(f.instance);
    if (v.verdict !== 'act') {
      const why = v.verdict === 'skip' ? v.reason : "it no longer matches the policy's selection";
      const reason = `changed since the listing (${describeChange(inst, f.instance)}): ${why}`;
      ctx.report.add(inst, { outcome: Outcome.Skipped, reason });
      continue;
    }
    if (pastWriteCutoff(ctx.deadline)) {
      ctx.report.skipAll(batch.slice(k), DEADLINE);
      return { ...out, stopped: DEADLINE };
    }
    const tags = markTags(ctx.clock.now(), invocationId);
    ctx.report.action('MarkRestarted', 1, [inst]);
    try {
      await ctx.dms.tagInstance(inst.instance_id, 'create', tags);
      campaign.ownMarks.set(inst.instance_id, tags);
      campaign.written.set(inst.instance_id, tags);
      out.marked.push(inst);
    } catch (e) {
      if (!isDmsApiError(e)) throw e;
      if (e.kind === DmsFailureKind.Deadline) {
        ctx.report.skipAll(batch.slice(k), DEADLINE);
        return { ...out, stopped: DEADLINE };
      }
      fail(inst, `not restarted: its mark could not be written: ${e.message}`, {
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
 * Removes this run's mark from instances the restart provably did not
 * reach (never sent, or refused by DMS's answer), so a refused restart
 * does not count as done. The instance is read first and the mark removed
 * only if it is still exactly the one this run wrote, on an instance that
 * is not restarting: another run's mark is never removed, and neither is a
 * mark that may now stand for another run's restart. A removal that fails leaves the instance counted as
 * restarted in this period, which is the safe side; a warning says so.
 */
export async function unmark(
  ctx: ActContext,
  campaign: Campaign,
  instances: readonly KafkaInstance[],
): Promise<void> {
  for (const inst of instances) {
    let reason: string | undefined;
    try {
      const now = await ctx.dms.showInstance(inst.instance_id);
      if (!now || !isOwnMark(campaign.written, now)) continue;
      // Restarting now can only be another run's restart under our mark:
      // keep the mark, it is the evidence.
      if (RESTART_IN_PROGRESS.has(now.status)) continue;
      ctx.report.action('UnmarkRestarted', 1, [inst]);
      await ctx.dms.tagInstance(inst.instance_id, 'delete', [
        { key: MARK_KEY, value: '' },
        { key: MARK_BY_KEY, value: '' },
      ]);
      campaign.written.delete(inst.instance_id);
    } catch (e) {
      if (!isDmsApiError(e)) throw e;
      reason = e.message;
    }
    if (reason !== undefined) {
      ctx.report.warn({
        message: `the mark could not be removed after the restart was not applied; the instance counts as restarted in this window: ${reason}`,
        instanceId: inst.instance_id,
      });
    }
  }
}
