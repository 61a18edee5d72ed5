import { isDmsApiError, leavesOutcomeUnknown, provesNotApplied } from '../dms/errors';
import type { KafkaInstance } from '../dms/wire';
import { pastWriteCutoff } from '../exec/deadline';
import { withRetry } from '../exec/retry';
import { Outcome } from '../report/records';
import { FAILED_STATUS } from '../select';
import { type ActContext, DEADLINE } from './context';
import { readStatuses } from './status';
import { type WriteKind, writeInBatches } from './writes';

/** Delete by id: only ever sent to CREATEFAILED instances. */
export const deleteKind: WriteKind = {
  operation: 'DeleteInstances',
  success: Outcome.Deleted,
  send: (ctx, ids) => ctx.dms.deleteInstances(ids),
  eligible: (s) => s === FAILED_STATUS,
  tookEffect: (s) => s === 'DELETING' || s === 'DELETED' || s === 'GONE',
};

/**
 * Deletes the given CREATEFAILED instances by id. Each one's status is read
 * again just before, and anything no longer CREATEFAILED is left alone.
 */
export async function deleteFailedById(
  ctx: ActContext,
  instances: readonly KafkaInstance[],
  batchSize: number,
): Promise<boolean> {
  if (instances.length === 0) return true;
  if (pastWriteCutoff(ctx.deadline)) {
    ctx.report.skipAll(instances, DEADLINE);
    return false;
  }
  const live = await readStatuses(ctx, instances);
  const still: KafkaInstance[] = [];
  for (const inst of instances) {
    const st = live.get(inst.instance_id);
    if (!st || 'unreadable' in st) {
      // Not deleted, and we cannot say why not: that is a failure to report.
      const why = st ? st.unreadable : 'no answer';
      ctx.report.add(inst, {
        outcome: Outcome.Failed,
        reason: `status could not be re-checked before the delete: ${why}`,
      });
    } else if (st.status === FAILED_STATUS) {
      still.push(inst);
    } else {
      const reason =
        st.status === 'GONE'
          ? 'no longer exists'
          : `status is now ${st.status}, not ${FAILED_STATUS}`;
      ctx.report.add(inst, { outcome: Outcome.Skipped, reason });
    }
  }
  return writeInBatches(ctx, deleteKind, still, batchSize);
}

/**
 * One `all_failure: "kafka"` call for the pre-listed CREATEFAILED instances.
 * DMS deletes every failed instance it knows at that moment, so this is used
 * only when no failed instance is excluded. If the answer is lost, nothing is
 * resent with `all_failure`, which could catch instances that failed after our
 * listing: the survivors are deleted by id instead.
 */
export async function deleteAllFailed(
  ctx: ActContext,
  prelisted: readonly KafkaInstance[],
  batchSize: number,
): Promise<boolean> {
  if (pastWriteCutoff(ctx.deadline)) {
    ctx.report.skipAll(prelisted, DEADLINE);
    return false;
  }
  let res: Awaited<ReturnType<ActContext['dms']['deleteAllFailed']>>;
  try {
    res = await withRetry(
      ctx,
      'DeleteAllFailedInstances',
      () => ctx.dms.deleteAllFailed(),
      provesNotApplied,
    );
  } catch (e) {
    if (!isDmsApiError(e)) throw e;
    if (!leavesOutcomeUnknown(e)) {
      for (const inst of prelisted) {
        ctx.report.add(inst, {
          outcome: Outcome.Failed,
          reason: e.message,
          errorCode: e.errorCode,
          requestId: e.requestId,
          attempts: 1,
        });
      }
      return true;
    }
    return finishAfterUnknown(ctx, prelisted, batchSize, e.message);
  }

  if (res.results === null) {
    for (const inst of prelisted) {
      ctx.report.add(inst, { outcome: Outcome.Deleted, requestId: res.requestId, attempts: 1 });
    }
    return true;
  }
  const answers = new Map(res.results.map((r) => [r.instance, r.result]));
  const retry: KafkaInstance[] = [];
  for (const inst of prelisted) {
    const a = answers.get(inst.instance_id);
    if (a === 'success') {
      ctx.report.add(inst, { outcome: Outcome.Deleted, requestId: res.requestId, attempts: 1 });
    } else if (a === 'failed') {
      retry.push(inst);
    } else {
      ctx.report.add(inst, {
        outcome: Outcome.Failed,
        reason: 'no result from DMS',
        requestId: res.requestId,
        attempts: 1,
      });
    }
  }
  const known = new Set(prelisted.map((i) => i.instance_id));
  for (const r of res.results) {
    if (known.has(r.instance)) continue;
    // DMS deleted something that failed after our listing. Say so.
    const stub: KafkaInstance = {
      instance_id: r.instance,
      name: '',
      status: FAILED_STATUS,
      tags: [],
    };
    ctx.report.add(stub, {
      outcome: r.result === 'success' ? Outcome.Deleted : Outcome.Failed,
      reason: 'answered by all_failure but not in the pre-listing',
      requestId: res.requestId,
      attempts: 1,
    });
  }
  return deleteFailedById(ctx, retry, batchSize);
}

async function finishAfterUnknown(
  ctx: ActContext,
  prelisted: readonly KafkaInstance[],
  batchSize: number,
  why: string,
): Promise<boolean> {
  const live = await readStatuses(ctx, prelisted);
  const survivors: KafkaInstance[] = [];
  for (const inst of prelisted) {
    const st = live.get(inst.instance_id);
    if (st && 'status' in st && deleteKind.tookEffect(st.status)) {
      ctx.report.add(inst, {
        outcome: Outcome.Deleted,
        reason: `confirmed by status ${st.status} after: ${why}`,
        attempts: 1,
      });
    } else {
      survivors.push(inst);
    }
  }
  return deleteFailedById(ctx, survivors, batchSize);
}
