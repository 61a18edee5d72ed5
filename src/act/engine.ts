import type { DmsClient } from '../dms/client';
import {
  DmsFailureKind,
  isDmsApiError,
  leavesOutcomeUnknown,
  provesNotApplied,
} from '../dms/errors';
import type { ActionResponse, KafkaInstance } from '../dms/wire';
import { pastWriteCutoff, waitBudgetMs } from '../exec/deadline';
import { backoffMs } from '../exec/retry';
import { Outcome } from '../report/records';
import type { OutcomeDetail } from '../report/report';
import { type ActContext, DEADLINE } from './context';
import {
  answersFor,
  confirmed,
  decide,
  type Earlier,
  errorFields,
  MAX_SENDS_PER_INSTANCE,
  type Pending,
} from './decide';
import { describeFresh, type Fresh, readFresh } from './fresh';
import type { WriteKind } from './kind';
import { inOnset, readBack } from './onset';

/** A first call made differently from the resends: `all_failure`. */
export interface FirstCall {
  operation: string;
  send(dms: DmsClient): Promise<ActionResponse>;
}

/** An instance the write reached and DMS took. */
export interface Success {
  instance: KafkaInstance;
  detail: OutcomeDetail;
  /** A read already showed the write under way (a restart seen RESTARTING). */
  seenRestarting?: boolean;
  /**
   * An earlier run's restart, marked but not yet seen to begin. It does not
   * fail the wave: what to record if it never shows (that run stopped before
   * its restart call), or if that run's mark `key` is taken off (its restart
   * did not apply, and the instance is left to a later run).
   */
  earlier?: { key: string; neverBegun: OutcomeDetail; unmarked: OutcomeDetail };
}

export interface BatchResult {
  /** Not yet recorded: the caller records them, after confirming them if it waits. */
  succeeded: Success[];
  /** How many of the batch this call recorded as failed. */
  failed: number;
  /** Set when the deadline stopped the batch; the rest are recorded skipped. */
  stopped?: typeof DEADLINE;
  /**
   * Ids some call may have applied to: answered success, or a call whose
   * outcome is unknown. Every other id of the batch provably was not
   * changed by this batch: never sent, or refused by DMS's own answer.
   */
  maybeApplied: ReadonlySet<string>;
}

/**
 * The one place that decides, for restart and delete alike, what is sent,
 * what is sent again, what is read back, and what is recorded.
 *
 * Every call is preceded by a fresh read of each instance it would carry,
 * and the policy is applied again to what DMS shows now: an instance that
 * changed since the listing (status, tags, name, or gone) is not sent. The
 * read also decides, after a call whose answer was lost, whether the call
 * took (a restart lasts minutes, so a restarted instance still shows
 * RESTARTING seconds later) or may be sent again.
 *
 * - Throttled or busy: DMS did nothing; wait (Retry-After, else backoff),
 *   read again, resend.
 * - Lost answer, a server error, a timeout, a malformed answer, an answer
 *   without per-instance results, an id missing from the answer: read back;
 *   took → success, still eligible → resend (at most
 *   {@link MAX_SENDS_PER_INSTANCE} sends), else failed.
 * - Answered `failed`: read back; still eligible → resend once, else failed.
 * - Any other error (4xx, a redirect): DMS refused; failed, never resent.
 *
 * A line (`kind: "action"`) is written before every call. Failed and
 * skipped outcomes are recorded here as they are known; successes are
 * handed back to the caller.
 */
export async function writeBatch(
  ctx: ActContext,
  kind: WriteKind,
  batch: readonly KafkaInstance[],
  first?: FirstCall,
): Promise<BatchResult> {
  const sends = new Map<string, number>();
  const sentAt = new Map<string, number>();
  const resentAfterFailed = new Set<string>();
  const maybeApplied = new Set<string>();
  const succeeded: Success[] = [];
  let failed = 0;
  let notAppliedRounds = 0;
  let firstCall = first;
  const attempts = (inst: KafkaInstance) => sends.get(inst.instance_id) || undefined;
  const fail = (inst: KafkaInstance, reason: string, more: Partial<OutcomeDetail> = {}) => {
    failed++;
    ctx.report.add(inst, { outcome: Outcome.Failed, reason, attempts: attempts(inst), ...more });
  };
  const skip = (inst: KafkaInstance, reason: string) =>
    ctx.report.add(inst, { outcome: Outcome.Skipped, reason, attempts: attempts(inst) });
  // Why a call that carried an instance may have taken: kept through later rounds, so a
  // resend that is throttled or answered failed never hides that an earlier call took.
  const unknown = new Map<string, Earlier>();
  const doubt = (inst: KafkaInstance, why: Earlier) => {
    maybeApplied.add(inst.instance_id);
    if (!unknown.has(inst.instance_id)) unknown.set(inst.instance_id, why);
  };
  /**
   * The deadline stops the batch. An instance no call reached is not reached;
   * one a call may have reached is read back while reads still may go, and is
   * recorded as what the read shows, or failed with its outcome unknown.
   */
  const stopAt = async (list: readonly KafkaInstance[]): Promise<BatchResult> => {
    const doubtful = list.filter((i) => unknown.has(i.instance_id));
    const live = doubtful.length > 0 ? await readFresh(ctx, doubtful) : new Map<string, Fresh>();
    for (const inst of list) {
      const why = unknown.get(inst.instance_id);
      const f = live.get(inst.instance_id);
      if (!why) skip(inst, DEADLINE);
      else if (f && kind.tookEffect(f)) {
        succeeded.push({
          instance: inst,
          detail: confirmed(kind, f, why, attempts(inst)),
          seenRestarting: true,
        });
      } else {
        const seen = f ? `; ${describeFresh(f)}` : '';
        fail(inst, `${why.cause}; the deadline came before its outcome was known${seen}`, {
          requestId: why.requestId,
        });
      }
    }
    return { succeeded, failed, stopped: DEADLINE, maybeApplied };
  };

  // The caller that makes a first `all_failure` call has just re-listed the
  // fleet and re-decided; a read of each instance would add nothing.
  let pending: Pending[] = batch.map((inst) => ({ inst, why: 'first' }));
  let fresh: Map<string, Fresh> | undefined;

  while (pending.length > 0) {
    if (pastWriteCutoff(ctx.deadline)) return stopAt(pending.map((p) => p.inst));
    fresh = firstCall
      ? undefined
      : await readBack(
          ctx,
          kind,
          pending.map((p) => p.inst),
          new Set(pending.filter((p) => p.why === 'unknown').map((p) => p.inst.instance_id)),
          sentAt,
        );
    const toSend: KafkaInstance[] = [];
    for (const p of pending) {
      const f = fresh?.get(p.inst.instance_id) ?? { instance: p.inst };
      const verdict = decide(
        ctx,
        kind,
        p,
        f,
        sends.get(p.inst.instance_id) ?? 0,
        unknown.get(p.inst.instance_id),
        inOnset(ctx, kind, sentAt.get(p.inst.instance_id)),
      );
      if (verdict.send) toSend.push(p.inst);
      else if (verdict.outcome === Outcome.Skipped) skip(p.inst, verdict.reason);
      else if (verdict.outcome === Outcome.Failed) fail(p.inst, verdict.reason, verdict.more);
      else
        succeeded.push({
          instance: p.inst,
          detail: { ...verdict.detail, attempts: attempts(p.inst) },
          seenRestarting: true,
        });
    }
    if (toSend.length === 0) break;
    if (pastWriteCutoff(ctx.deadline)) return stopAt(toSend);

    const ids = toSend.map((i) => i.instance_id);
    for (const id of ids) sends.set(id, (sends.get(id) ?? 0) + 1);
    for (const id of ids) sentAt.set(id, ctx.clock.now());
    const call = firstCall;
    firstCall = undefined;
    ctx.report.action(
      call?.operation ?? kind.operation,
      Math.max(...ids.map((id) => sends.get(id) ?? 1)),
      toSend,
    );
    let res: ActionResponse;
    try {
      res = await (call ? call.send(ctx.dms) : kind.send(ctx.dms, ids));
    } catch (e) {
      if (!isDmsApiError(e)) throw e;
      if (e.kind === DmsFailureKind.Deadline) return stopAt(toSend);
      if (provesNotApplied(e)) {
        notAppliedRounds++;
        const wait = Math.max(e.retryAfterMs ?? 0, backoffMs(ctx.settings, notAppliedRounds));
        if (notAppliedRounds >= ctx.settings.attempts) {
          for (const inst of toSend) {
            fail(inst, `${e.message}; not resent after ${notAppliedRounds} tries`, errorFields(e));
          }
          break;
        }
        if (waitBudgetMs(ctx.deadline) < wait) return stopAt(toSend);
        ctx.log.warn({
          kind: 'retry',
          operation: call?.operation ?? kind.operation,
          attempt: notAppliedRounds + 1,
          of: ctx.settings.attempts,
          reason: e.kind,
          httpStatus: e.httpStatus,
          errorCode: e.errorCode,
          requestId: e.requestId,
          retryAfterMs: e.retryAfterMs,
          note: 'not applied; re-checked before it is sent again',
        });
        await ctx.clock.sleep(wait);
        pending = toSend.map((inst) => ({ inst, why: 'not-applied' }));
        continue;
      }
      if (leavesOutcomeUnknown(e)) {
        for (const inst of toSend) doubt(inst, { cause: e.message, requestId: e.requestId });
        pending = toSend.map((inst) => ({ inst, why: 'unknown', cause: e.message, error: e }));
        continue;
      }
      for (const inst of toSend) fail(inst, e.message, errorFields(e));
      break;
    }

    if (res.results === undefined) {
      const cause = 'DMS answered without per-instance results';
      const requestId = res.requestId;
      for (const inst of toSend) doubt(inst, { cause, requestId });
      pending = toSend.map((inst) => ({ inst, why: 'unknown', cause, requestId }));
      continue;
    }
    const answers = answersFor(ctx, toSend, res);
    const next: Pending[] = [];
    for (const inst of toSend) {
      const a = answers.get(inst.instance_id);
      if (a !== 'failed') maybeApplied.add(inst.instance_id);
      if (a === 'success') {
        succeeded.push({
          instance: inst,
          detail: { outcome: kind.success, requestId: res.requestId, attempts: attempts(inst) },
        });
      } else if (a === undefined) {
        doubt(inst, { cause: 'DMS gave no result for this instance', requestId: res.requestId });
        next.push({
          inst,
          why: 'unknown',
          cause: 'DMS gave no result for this instance',
          requestId: res.requestId,
        });
      } else if (resentAfterFailed.has(inst.instance_id)) {
        fail(inst, 'DMS answered failed, also on the resend', { requestId: res.requestId });
      } else {
        resentAfterFailed.add(inst.instance_id);
        next.push({ inst, why: 'answered-failed', requestId: res.requestId });
      }
    }
    pending = next;
  }
  return { succeeded, failed, maybeApplied };
}
