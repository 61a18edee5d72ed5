import type { CloudApiError } from '../cloud/errors';
import type { ActionResponse, KafkaInstance } from '../dms/wire';
import { Outcome } from '../report/records';
import type { OutcomeDetail } from '../report/report';
import type { ActContext } from './context';
import { describeChange, describeFresh, type Fresh } from './fresh';
import type { WriteKind } from './write-kinds';

/**
 * The write engine's judgements, one instance at a time: what to do with
 * an instance about to be (re)sent, given what DMS shows now; what a
 * read-back proves; which of an answer's results are ours.
 */

/** Sends to one instance at most this many times after unanswered calls. */
export const MAX_SENDS_PER_INSTANCE = 3;

/** Why an instance is about to be (re)sent. */
export type Why =
  | { why: 'first' }
  | { why: 'not-applied' }
  | {
      why: 'unknown';
      cause: string;
      error?: CloudApiError | undefined;
      requestId?: string | undefined;
    }
  | { why: 'answered-failed'; requestId: string | undefined };

export type Pending = { inst: KafkaInstance } & Why;

/** Why an earlier call may have taken, for the reason when a read-back shows it did. */
export interface Earlier {
  cause: string;
  requestId?: string | undefined;
}

export function confirmed(
  kind: WriteKind,
  f: Fresh,
  why: Earlier,
  attempts: number | undefined,
): OutcomeDetail {
  const shown =
    'instance' in f
      ? f.reRegistered
        ? `its brokers registering again (status ${f.instance.status})`
        : `status ${f.instance.status}`
      : 'the instance being gone';
  return {
    outcome: kind.success,
    reason: `confirmed by ${shown} after: ${why.cause}`,
    requestId: why.requestId,
    attempts,
  };
}

type Decision =
  | { send: true }
  | { send: false; outcome: typeof Outcome.Skipped; reason: string }
  | {
      send: false;
      outcome: typeof Outcome.Failed;
      reason: string;
      more?: Partial<OutcomeDetail>;
    }
  | { send: false; outcome: 'success'; detail: OutcomeDetail };

/** What to do with one pending instance, given what DMS shows now. */
export function nextStep(
  ctx: ActContext,
  kind: WriteKind,
  p: Pending,
  f: Fresh,
  sent: number,
  earlier: Earlier | undefined,
  onset: boolean,
): Decision {
  const took =
    p.why === 'unknown'
      ? { cause: p.cause, requestId: p.requestId ?? p.error?.requestId }
      : earlier;
  if (took && kind.tookEffect(f)) {
    return { send: false, outcome: 'success', detail: confirmed(kind, f, took, undefined) };
  }
  const before = p.why === 'first' || p.why === 'not-applied';
  const verdict = 'instance' in f ? ctx.judge(f.instance) : undefined;
  if (verdict?.verdict === 'act') {
    if (p.why === 'unknown' && sent >= MAX_SENDS_PER_INSTANCE) {
      return failed(p, `${p.cause}; not sent again after ${sent} sends`);
    }
    if (p.why === 'unknown' && onset) {
      // No time was left to watch for the write to show: it may still begin.
      return failed(
        p,
        `${p.cause}; not resent: it may still begin, and there was no time left to wait for it`,
      );
    }
    return { send: true };
  }
  if (!before) return failed(p, describeFresh(f));
  if ('unreadable' in f) {
    return {
      send: false,
      outcome: Outcome.Failed,
      reason: `not sent: the instance could not be re-checked before the ${kind.verb}: ${f.unreadable}`,
    };
  }
  if (!('instance' in f))
    return { send: false, outcome: Outcome.Skipped, reason: describeFresh(f) };
  const why =
    verdict?.verdict === 'skip' ? verdict.reason : "it no longer matches the policy's selection";
  return {
    send: false,
    outcome: Outcome.Skipped,
    reason: `changed since the listing (${describeChange(p.inst, f.instance)}): ${why}`,
  };
}

function failed(p: Pending, now: string): Decision {
  if (p.why === 'answered-failed') {
    return {
      send: false,
      outcome: Outcome.Failed,
      reason: `DMS answered failed; ${now}`,
      more: { requestId: p.requestId },
    };
  }
  const cause = p.why === 'unknown' ? p.cause : 'not sent';
  const e = p.why === 'unknown' ? p.error : undefined;
  return {
    send: false,
    outcome: Outcome.Failed,
    reason: `${cause}; ${now}`,
    more: e ? errorFields(e) : {},
  };
}

export function errorFields(e: CloudApiError): Partial<OutcomeDetail> {
  return { errorCode: e.errorCode, requestId: e.requestId };
}

/**
 * The answer's per-instance results for the ids we sent. An id answered
 * twice, or one we did not send, is one warning, never an extra record.
 */
export function answersFor(
  ctx: ActContext,
  sent: readonly KafkaInstance[],
  res: ActionResponse,
): Map<string, 'success' | 'failed'> {
  const ours = new Set(sent.map((i) => i.instance_id));
  const answers = new Map<string, 'success' | 'failed'>();
  const duplicated: string[] = [];
  const unknown: string[] = [];
  for (const r of res.results ?? []) {
    if (!ours.has(r.instance)) unknown.push(r.instance);
    else if (answers.has(r.instance)) duplicated.push(r.instance);
    else answers.set(r.instance, r.result);
  }
  if (duplicated.length > 0 || unknown.length > 0) {
    ctx.report.warn({
      message: 'the answer named instances twice or that were not sent; those results were ignored',
      requestId: res.requestId,
      duplicated,
      notSent: unknown,
    });
  }
  return answers;
}
