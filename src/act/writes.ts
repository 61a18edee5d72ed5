import {
  type DmsApiError,
  isDmsApiError,
  leavesOutcomeUnknown,
  provesNotApplied,
} from '../dms/errors';
import type { ActionResponse, KafkaInstance } from '../dms/wire';
import { pastWriteCutoff } from '../exec/deadline';
import { withRetry } from '../exec/retry';
import { Outcome } from '../report/records';
import type { OutcomeDetail } from '../report/report';
import { type ActContext, DEADLINE } from './context';
import { type LiveStatus, readStatuses } from './status';

/** One kind of batch write: restart, or delete by id. */
export interface WriteKind {
  operation: string;
  success: typeof Outcome.Restarted | typeof Outcome.Deleted;
  send(ctx: ActContext, ids: string[]): Promise<ActionResponse>;
  /** May the action still be sent to an instance in this status? */
  eligible(status: string): boolean;
  /** Does this status show that an earlier, unanswered call took effect? */
  tookEffect(status: string): boolean;
}

/** What the run decided for one instance, before it is recorded. */
export interface Decision {
  instance: KafkaInstance;
  detail: OutcomeDetail;
}

/**
 * Looks at a finished batch before its outcomes are recorded. It may change
 * them, and may stop the batches after it, giving the reason.
 */
export type AfterBatch = (
  decisions: readonly Decision[],
) => Promise<{ decisions: Decision[]; stop?: string | undefined }>;

/** Sends to one instance at most this many times, whatever happens. */
export const MAX_SENDS_PER_INSTANCE = 3;

/**
 * Acts on `instances` in batches of `batchSize` and records one outcome for
 * each. Without `afterBatch`, each outcome is recorded the moment it is
 * known. Returns false when the deadline or `afterBatch` stopped it; the
 * instances not reached are then recorded as skipped, with the reason.
 */
export async function writeInBatches(
  ctx: ActContext,
  kind: WriteKind,
  instances: readonly KafkaInstance[],
  batchSize: number,
  afterBatch?: AfterBatch,
): Promise<boolean> {
  const recordNow = (d: Decision) => ctx.report.add(d.instance, d.detail);
  for (let i = 0; i < instances.length; i += batchSize) {
    const batch = instances.slice(i, i + batchSize);
    let stop: string | undefined;
    if (afterBatch) {
      const held: Decision[] = [];
      const finished = await writeBatch(ctx, kind, batch, (d) => held.push(d));
      const checked = finished ? await afterBatch(held) : { decisions: held, stop: DEADLINE };
      checked.decisions.forEach(recordNow);
      stop = checked.stop;
    } else if (!(await writeBatch(ctx, kind, batch, recordNow))) {
      stop = DEADLINE;
    }
    if (stop) {
      ctx.report.skipAll(instances.slice(i + batchSize), stop);
      return false;
    }
  }
  return true;
}

async function writeBatch(
  ctx: ActContext,
  kind: WriteKind,
  batch: readonly KafkaInstance[],
  decide: (d: Decision) => void,
): Promise<boolean> {
  const sends = new Map<string, number>(batch.map((i) => [i.instance_id, 0]));
  const resentAfterFailed = new Set<string>();
  const record = (instance: KafkaInstance, d: OutcomeDetail) =>
    decide({ instance, detail: { ...d, attempts: sends.get(instance.instance_id) } });
  let pending = [...batch];

  while (pending.length > 0) {
    if (pastWriteCutoff(ctx.deadline)) {
      for (const inst of pending) record(inst, { outcome: Outcome.Skipped, reason: DEADLINE });
      return false;
    }
    const ids = pending.map((i) => i.instance_id);
    let res: ActionResponse;
    try {
      res = await withRetry(
        ctx,
        kind.operation,
        () => {
          for (const id of ids) sends.set(id, (sends.get(id) ?? 0) + 1);
          return kind.send(ctx, ids);
        },
        provesNotApplied,
      );
    } catch (e) {
      if (!isDmsApiError(e)) throw e;
      if (!leavesOutcomeUnknown(e)) {
        for (const inst of pending) {
          record(inst, {
            outcome: Outcome.Failed,
            reason: e.message,
            errorCode: e.errorCode,
            requestId: e.requestId,
          });
        }
        return true;
      }
      // The call may or may not have reached DMS. Sending it again blindly
      // could restart an instance twice, so read each instance back first.
      // A restart lasts 3-15 minutes, so an instance that took the first
      // call still shows RESTARTING when we look a few seconds later.
      pending = await reconcile(ctx, kind, pending, sends, e, record);
      continue;
    }

    if (res.results === null) {
      // A 204 to a by-id call says nothing per instance: check, don't assume.
      pending = await reconcile(ctx, kind, pending, sends, undefined, record);
      continue;
    }
    const answers = new Map(res.results.map((r) => [r.instance, r.result]));
    const failedNow: KafkaInstance[] = [];
    for (const inst of pending) {
      const answer = answers.get(inst.instance_id);
      if (answer === 'success') {
        record(inst, { outcome: kind.success, requestId: res.requestId });
      } else if (answer === undefined) {
        record(inst, {
          outcome: Outcome.Failed,
          reason: 'no result from DMS',
          requestId: res.requestId,
        });
      } else if (resentAfterFailed.has(inst.instance_id)) {
        record(inst, {
          outcome: Outcome.Failed,
          reason: 'DMS answered failed, also on the retry',
          requestId: res.requestId,
        });
      } else {
        failedNow.push(inst);
      }
    }
    pending = [];
    if (failedNow.length > 0) {
      const live = await readStatuses(ctx, failedNow);
      for (const inst of failedNow) {
        const st = live.get(inst.instance_id);
        if (st && 'status' in st && kind.eligible(st.status)) {
          resentAfterFailed.add(inst.instance_id);
          pending.push(inst);
        } else {
          record(inst, {
            outcome: Outcome.Failed,
            reason: `DMS answered failed; ${describe(st)}`,
            requestId: res.requestId,
          });
        }
      }
    }
  }
  return true;
}

async function reconcile(
  ctx: ActContext,
  kind: WriteKind,
  pending: readonly KafkaInstance[],
  sends: ReadonlyMap<string, number>,
  cause: DmsApiError | undefined,
  record: (inst: KafkaInstance, d: OutcomeDetail) => void,
): Promise<KafkaInstance[]> {
  const why = cause ? cause.message : 'DMS answered 204 without per-instance results';
  const live = await readStatuses(ctx, pending);
  const again: KafkaInstance[] = [];
  for (const inst of pending) {
    const st = live.get(inst.instance_id);
    if (st && 'status' in st && kind.tookEffect(st.status)) {
      record(inst, {
        outcome: kind.success,
        reason: `confirmed by status ${st.status} after: ${why}`,
      });
    } else if (
      st &&
      'status' in st &&
      kind.eligible(st.status) &&
      (sends.get(inst.instance_id) ?? 0) < MAX_SENDS_PER_INSTANCE
    ) {
      again.push(inst);
    } else {
      record(inst, {
        outcome: Outcome.Failed,
        reason: `${why}; ${describe(st)}`,
        errorCode: cause?.errorCode,
        requestId: cause?.requestId,
      });
    }
  }
  return again;
}

function describe(st: LiveStatus | undefined): string {
  if (!st) return 'status unknown';
  if ('unreadable' in st) return `status could not be read: ${st.unreadable}`;
  return st.status === 'GONE' ? 'the instance no longer exists' : `status now ${st.status}`;
}
