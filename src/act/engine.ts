import { type CloudApiError, FailureKind, isCloudApiError } from '../cloud/errors';
import { leavesOutcomeUnknown, provesNotApplied } from '../dms/errors';
import type { ActionResponse, KafkaInstance } from '../dms/wire';
import { waitBudgetMs } from '../exec/deadline';
import { backoffMs } from '../exec/retry';
import { Outcome } from '../report/records';
import type { OutcomeDetail } from '../report/report';
import { type ActContext, DEADLINE, noWriteNow } from './context';
import { describeFresh, type Fresh, readFresh } from './fresh';
import {
  answersFor,
  confirmed,
  type Earlier,
  errorFields,
  MAX_SENDS_PER_INSTANCE,
  nextStep,
  type Pending,
} from './next-step';
import { inOnset, readBack } from './onset';
import { afterRefusal, retryLine } from './refusal';
import type { BatchResult, FirstCall, Success, WriteKind } from './write-kinds';

export type { BatchResult, FirstCall, Success } from './write-kinds';

/**
 * The one place that decides, for restart and delete alike, what is sent,
 * what is sent again, what is read back, and what is recorded.
 *
 * Every call is preceded by a fresh read of each instance it would carry,
 * and the policy is applied again to what DMS shows now: an instance that
 * changed since the listing (status, tags, name, or gone) is not sent. The
 * read also decides, after a call whose answer was lost, whether the call
 * took or may be sent again. No call, resends included, goes out past the
 * deadline's margin or once `ctx.mayWrite` says no (a window's cutoff).
 *
 * - Throttled or busy: DMS did nothing. Busy (`DMS.00400026`) for a call of
 *   several: split in two, each half re-read and sent on its own
 *   (refusal.ts); else wait (Retry-After, else backoff) and resend.
 * - Lost answer, a server error, a timeout, a malformed answer, an answer
 *   without per-instance results, an id missing from the answer: read back;
 *   took → success, still eligible → resend (at most
 *   {@link MAX_SENDS_PER_INSTANCE} sends), else failed.
 * - Answered `failed`: read back; still eligible → resend once, else failed.
 * - Any other error (4xx, a redirect): DMS refused; failed, never resent.
 *
 * An `action` line goes before every call. Failed and skipped outcomes are
 * recorded here; successes are handed back to the caller.
 */
export function writeBatch(
  ctx: ActContext,
  kind: WriteKind,
  batch: readonly KafkaInstance[],
  first?: FirstCall,
): Promise<BatchResult> {
  return new BatchWrite(ctx, kind, first).run(batch);
}

/** What a call leaves: the calls to look at again (each a group), or the end of its group. */
type Next = Pending[][] | 'done' | 'deadline';

/** One batch's write, round by round, and what it has learnt so far. */
class BatchWrite {
  private readonly sends = new Map<string, number>();
  private readonly sentAt = new Map<string, number>();
  private readonly resentAfterFailed = new Set<string>();
  private readonly maybeApplied = new Set<string>();
  private readonly succeeded: Success[] = [];
  /** Why a call that carried an instance may have taken, kept through later rounds. */
  private readonly unknown = new Map<string, Earlier>();
  private failed = 0;
  /** How many calls carrying each instance DMS did not carry out (throttled, refused whole). */
  private readonly refusals = new Map<string, number>();
  /** Each instance's status as last read, for the reason when DMS keeps refusing it. */
  private readonly lastStatus = new Map<string, string>();

  constructor(
    private readonly ctx: ActContext,
    private readonly kind: WriteKind,
    /**
     * The caller that makes a first `all_failure` call has just re-listed the
     * fleet and re-decided; a read of each instance would add nothing.
     */
    private firstCall: FirstCall | undefined,
  ) {}

  /** One call at a time; the groups a call leaves go first, in order. */
  async run(batch: readonly KafkaInstance[]): Promise<BatchResult> {
    const queue: Pending[][] = [batch.map((inst) => ({ inst, why: 'first' }))];
    for (let group = queue.shift(); group; group = queue.shift()) {
      const rest = queue.flat().map((p) => p.inst);
      const closed = noWriteNow(this.ctx);
      if (closed) return this.stopAt([...group.map((p) => p.inst), ...rest], closed);
      const toSend = await this.judge(group);
      if (toSend.length === 0) continue;
      const late = noWriteNow(this.ctx);
      if (late) return this.stopAt([...toSend, ...rest], late);
      const next = await this.send(toSend);
      if (next === 'deadline') return this.stopAt([...toSend, ...rest]);
      if (next !== 'done') queue.unshift(...next.filter((g) => g.length > 0));
    }
    return { succeeded: this.succeeded, failed: this.failed, maybeApplied: this.maybeApplied };
  }

  /** Reads each instance (but before a first `all_failure` call) and decides; returns what to send. */
  private async judge(pending: readonly Pending[]): Promise<KafkaInstance[]> {
    const { ctx, kind } = this;
    const fresh = this.firstCall
      ? undefined
      : await readBack(
          ctx,
          kind,
          pending.map((p) => p.inst),
          new Set(pending.filter((p) => p.why === 'unknown').map((p) => p.inst.instance_id)),
          this.sentAt,
        );
    const toSend: KafkaInstance[] = [];
    for (const p of pending) {
      const id = p.inst.instance_id;
      const f = fresh?.get(id) ?? { instance: p.inst };
      if ('instance' in f) this.lastStatus.set(id, f.instance.status);
      const sent = this.sends.get(id) ?? 0;
      const onset = inOnset(ctx, kind, this.sentAt.get(id));
      const verdict = nextStep(ctx, kind, p, f, sent, this.unknown.get(id), onset);
      if (verdict.send) toSend.push(p.inst);
      else if (verdict.outcome === Outcome.Skipped) this.skip(p.inst, verdict.reason);
      else if (verdict.outcome === Outcome.Failed) this.fail(p.inst, verdict.reason, verdict.more);
      else
        this.succeeded.push({
          instance: p.inst,
          detail: { ...verdict.detail, attempts: this.attempts(p.inst) },
          seenRestarting: true,
          ...this.sent(p.inst),
        });
    }
    return toSend;
  }

  /** One call, with its `action` line first. */
  private async send(toSend: readonly KafkaInstance[]): Promise<Next> {
    const ids = toSend.map((i) => i.instance_id);
    for (const id of ids) this.sends.set(id, (this.sends.get(id) ?? 0) + 1);
    for (const id of ids) this.sentAt.set(id, this.ctx.clock.now());
    const call = this.firstCall;
    this.firstCall = undefined;
    const operation = call?.operation ?? this.kind.operation;
    this.ctx.report.action(
      operation,
      Math.max(...ids.map((id) => this.sends.get(id) ?? 1)),
      toSend,
    );
    let res: ActionResponse;
    try {
      res = await (call ? call.send(this.ctx.dms) : this.kind.send(this.ctx.dms, ids));
    } catch (e) {
      return this.refused(e, toSend, operation);
    }
    return this.answered(res, toSend);
  }

  /** A call that failed: not applied (wait, resend), outcome unknown (read back), or refused. */
  private async refused(
    e: unknown,
    toSend: readonly KafkaInstance[],
    operation: string,
  ): Promise<Next> {
    // IAM's error too: a call whose keys could not be renewed fails with it.
    if (!isCloudApiError(e)) throw e;
    if (e.kind === FailureKind.Deadline) return 'deadline';
    if (provesNotApplied(e)) return this.notApplied(e, toSend, operation);
    if (leavesOutcomeUnknown(e)) {
      for (const inst of toSend) this.doubt(inst, { cause: e.message, requestId: e.requestId });
      return [toSend.map((inst) => ({ inst, why: 'unknown', cause: e.message, error: e }))];
    }
    for (const inst of toSend) this.fail(inst, e.message, errorFields(e));
    return 'done';
  }

  /**
   * Throttled or busy: DMS did nothing. Split a busy call of several, or wait
   * and resend, re-checked first; see refusal.ts for the bounds.
   */
  private async notApplied(
    e: CloudApiError,
    toSend: readonly KafkaInstance[],
    operation: string,
  ): Promise<Next> {
    const { ctx } = this;
    const r = afterRefusal(e, toSend, this.refusals, ctx.settings.attempts);
    if (!r.again) {
      for (const inst of toSend) {
        const seen = this.lastStatus.get(inst.instance_id);
        const status = seen === undefined ? '' : `; status ${seen} when last read`;
        this.fail(inst, `${e.message}${status}; not resent after ${r.tries} tries`, errorFields(e));
      }
      return 'done';
    }
    // A split resends at once: the others need not wait for the one DMS refuses.
    const backoff = r.split ? 0 : backoffMs(ctx.settings, r.tries);
    const wait = Math.max(e.retryAfterMs ?? 0, backoff);
    if (waitBudgetMs(ctx.deadline) < wait) return 'deadline';
    ctx.log.warn(retryLine(e, operation, r, ctx.settings.attempts));
    await ctx.clock.sleep(wait);
    return r.groups.map((g) => g.map((inst) => ({ inst, why: 'not-applied' })));
  }

  /** An answer: per-instance results, read back where it leaves an instance in doubt. */
  private answered(res: ActionResponse, toSend: readonly KafkaInstance[]): Pending[][] {
    const requestId = res.requestId;
    if (res.results === undefined) {
      const cause = 'DMS answered without per-instance results';
      for (const inst of toSend) this.doubt(inst, { cause, requestId });
      return [toSend.map((inst) => ({ inst, why: 'unknown', cause, requestId }))];
    }
    const answers = answersFor(this.ctx, toSend, res);
    const next: Pending[] = [];
    for (const inst of toSend) {
      const a = answers.get(inst.instance_id);
      if (a !== 'failed') this.maybeApplied.add(inst.instance_id);
      if (a === 'success') {
        const detail = { outcome: this.kind.success, requestId, attempts: this.attempts(inst) };
        this.succeeded.push({ instance: inst, detail, ...this.sent(inst) });
      } else if (a === undefined) {
        const cause = 'DMS gave no result for this instance';
        this.doubt(inst, { cause, requestId });
        next.push({ inst, why: 'unknown', cause, requestId });
      } else if (this.resentAfterFailed.has(inst.instance_id)) {
        this.fail(inst, 'DMS answered failed, also on the resend', { requestId });
      } else {
        this.resentAfterFailed.add(inst.instance_id);
        next.push({ inst, why: 'answered-failed', requestId });
      }
    }
    return [next];
  }

  /**
   * The deadline stops the batch. An instance no call reached is not reached;
   * one a call may have reached is read back while reads still may go, and is
   * recorded as what the read shows, or failed with its outcome unknown.
   */
  private async stopAt(list: readonly KafkaInstance[], reason = DEADLINE): Promise<BatchResult> {
    const { ctx, kind } = this;
    const doubtful = list.filter((i) => this.unknown.has(i.instance_id));
    const live = doubtful.length > 0 ? await readFresh(ctx, doubtful) : new Map<string, Fresh>();
    for (const inst of list) {
      const why = this.unknown.get(inst.instance_id);
      const f = live.get(inst.instance_id);
      if (!why) this.skip(inst, reason);
      else if (f && kind.tookEffect(f)) {
        this.succeeded.push({
          instance: inst,
          detail: confirmed(kind, f, why, this.attempts(inst)),
          seenRestarting: true,
          ...this.sent(inst),
        });
      } else {
        const seen = f ? `; ${describeFresh(f)}` : '';
        const came = reason === DEADLINE ? 'the deadline came' : `no call could go out (${reason})`;
        this.fail(inst, `${why.cause}; ${came} before its outcome was known${seen}`, {
          requestId: why.requestId,
        });
      }
    }
    const { succeeded, failed, maybeApplied } = this;
    return { succeeded, failed, stopped: reason, maybeApplied };
  }

  private sent = (inst: KafkaInstance) => ({
    sentAt: this.sentAt.get(inst.instance_id) ?? this.ctx.clock.now(),
  });

  private attempts(inst: KafkaInstance): number | undefined {
    return this.sends.get(inst.instance_id) || undefined;
  }

  private fail(inst: KafkaInstance, reason: string, more: Partial<OutcomeDetail> = {}): void {
    this.failed++;
    this.ctx.report.add(inst, {
      outcome: Outcome.Failed,
      reason,
      attempts: this.attempts(inst),
      ...more,
    });
  }

  private skip(inst: KafkaInstance, reason: string): void {
    this.ctx.report.add(inst, { outcome: Outcome.Skipped, reason, attempts: this.attempts(inst) });
  }

  private doubt(inst: KafkaInstance, why: Earlier): void {
    this.maybeApplied.add(inst.instance_id);
    if (!this.unknown.has(inst.instance_id)) this.unknown.set(inst.instance_id, why);
  }
}
