/**
 * The one decision: from what is known (the policy, a listing, the judged
 * instant, a campaign's period and window, the marks and holds, pre-flight
 * verdicts where read, an approval where given, and, in a live run, what it
 * already recorded) to one verdict with one reason for every instance the
 * policy selects, and the write calls in order. `plan`, `plan --explain`,
 * the forecast, `plan --out`, a dry run, a live campaign's next wave and a
 * cleanup's deletes all take it from here, and only from here. Pure.
 */
import type { KafkaInstance } from '../dms/wire';
import type { Policy } from '../policy/resolve';
import { Outcome } from '../report/records';
import { type ApprovedInstance, approvalCheck, approvedOutside } from './approval';
import { earlierOf } from './earlier';
import { unusedExcludes } from './exclude-hints';
import { noMatchHints } from './hints';
import { type Hold, holdsAmong } from './hold';
import type { OwnMarks } from './mark';
import { markValue } from './mark';
import { chooseMode } from './mode';
import { byUnknownStatus, type CampaignView, type InstanceVerdict, type Plan } from './plan';
import { type PlannedPreflight, type Preflight, preflightText } from './preflight';
import { type JudgeOptions, onHold, type Selection, selectInstances } from './select';

/** What a run knows when it decides. */
export interface Known {
  policy: Policy;
  listed: readonly KafkaInstance[];
  /** The instant the window, the cutoff, marks and ages are judged at, epoch ms. */
  now?: number | undefined;
  /** A restart policy's campaign; undefined for cleanup. */
  campaign?: CampaignView | undefined;
  /** Marks this run wrote and has not yet followed with its restart call. */
  ownMarks?: OwnMarks | undefined;
  /** An approved plan's instances for this project: nothing else is acted on. */
  approved?: readonly ApprovedInstance[] | undefined;
  /** Pre-flight verdicts by instance id, for the clusters read so far. */
  preflight?: ReadonlyMap<string, Preflight> | undefined;
  /** A live run: instances it already recorded, which are not decided again. */
  recorded?: ((instanceId: string) => boolean) | undefined;
  /**
   * A live run: the plan's instances. A later listing's others are never
   * acted on: maxInstances was held to the plan.
   */
  planned?: ReadonlySet<string> | undefined;
  /** A live run: holds it found whole again and took off. */
  holdsLifted?: ReadonlySet<string> | undefined;
}

/** The judgement a run applies to each instance, for what is known. */
export function judgingOf(k: Known): JudgeOptions {
  return {
    now: k.now,
    period: k.campaign?.period,
    ownMarks: k.ownMarks,
    ...(k.approved ? { confirm: approvalCheck(k.approved, k.policy) } : {}),
  };
}

/**
 * Decides. The verdicts come in the order a dry run records them: those
 * every run records before any call (`upfront`), then the campaign's holds
 * and earlier marks, then each eligible instance, in listing order.
 *
 * @example decide({ policy, listed: await dms.listInstances(), now: Date.now() })
 */
export function decide(k: Known): Plan {
  const { policy, listed } = k;
  const recorded = k.recorded ?? (() => false);
  const selection = within(selectInstances(listed, policy, judgingOf(k)), k.planned);
  // On hold now: every hold among the selected, but those this run took off.
  const standing = k.campaign
    ? holdsAmong(selection.candidates.map((c) => c.instance)).filter(
        (h) => !k.holdsLifted?.has(h.instance.instance_id),
      )
    : [];

  const headroom = policy.maxInstances - selection.eligible.length;
  const refusal =
    headroom < 0
      ? `${selection.eligible.length} instances match, more than maxInstances ${policy.maxInstances}; nothing was changed`
      : undefined;
  const mode =
    policy.action === 'cleanup-failed'
      ? chooseMode(policy, listed, selection, { approved: k.approved !== undefined })
      : undefined;
  const cut = k.now === undefined ? undefined : pastCutoff(k.campaign?.window, k.now);
  const inCutoff = cut !== undefined;
  const verdicts: InstanceVerdict[] = [
    ...upfront(k, selection, refusal, standing),
    ...(refusal ? [] : campaignFirst(k, selection, standing)),
  ];
  const acting: KafkaInstance[] = [];
  if (!refusal) {
    const blocked = cut ?? (standing.length > 0 ? onHoldReason(standing) : '');
    for (const instance of selection.eligible) {
      if (recorded(instance.instance_id)) continue;
      const v = eligibleVerdict(k, instance, blocked);
      verdicts.push(v);
      if (v.outcome !== Outcome.Skipped) acting.push(instance);
    }
  }
  const batches = writeCalls(acting, policy.batchSize, mode?.mode);
  numberWaves(verdicts, batches);
  return {
    policy,
    listed,
    selection,
    refusal,
    headroom,
    mode,
    batches,
    campaign: k.campaign,
    judgedAt: k.now,
    inCutoff,
    verdicts,
    noMatch: noMatchHints(policy, listed, selection),
    unusedExcludes: unusedExcludes(policy, listed),
    unknownStatuses: byUnknownStatus(listed),
    held: standing,
    ...(k.preflight ? { preflight: preflightTexts(k.preflight, selection) } : {}),
  };
}

/** The verdicts every run records before any call: the skipped, and, when refused, the rest. */
function upfront(
  k: Known,
  selection: Selection,
  refusal: string | undefined,
  held: readonly Hold[],
): InstanceVerdict[] {
  const out: InstanceVerdict[] = [];
  // A campaign follows its holds and the instances marked in its period itself.
  const followed = new Set(
    refusal ? [] : [...held, ...(selection.markedOutside ?? [])].map((h) => h.instance.instance_id),
  );
  for (const c of selection.candidates) {
    if (c.verdict === 'skip' && !c.mark && !followed.has(c.instance.instance_id))
      out.push(verdict(c.instance, Outcome.Skipped, 'selection', c.reason));
  }
  out.push(...outsideApproval(k, selection));
  if (!refusal) return out;
  for (const instance of selection.eligible)
    out.push(verdict(instance, Outcome.Refused, 'refusal', refusal));
  for (const c of selection.candidates) {
    if (c.verdict === 'skip' && c.mark)
      out.push(verdict(c.instance, Outcome.Skipped, 'refusal', 'already restarted in this period'));
  }
  return out;
}

/** An approved plan's instances the selection no longer holds: a verdict each, never a call. */
function outsideApproval(k: Known, selection: Selection): InstanceVerdict[] {
  if (!k.approved || k.approved.length === 0) return [];
  const matched = new Set(selection.candidates.map((c) => c.instance.instance_id));
  const byId = new Map(k.listed.map((i) => [i.instance_id, i]));
  return approvedOutside(k.approved, k.listed, matched, k.policy).map(({ approved: a, reason }) =>
    verdict(
      byId.get(a.id) ?? { instance_id: a.id, name: a.name, status: a.fingerprint.status, tags: [] },
      Outcome.Skipped,
      'approval',
      reason,
    ),
  );
}

/** A campaign's holds, then the instances a run already marked in this period. */
function campaignFirst(k: Known, selection: Selection, held: readonly Hold[]): InstanceVerdict[] {
  if (!k.campaign) return [];
  const recorded = k.recorded ?? (() => false);
  const out = held
    .filter((h) => !recorded(h.instance.instance_id))
    .map((h) =>
      verdict(
        h.instance,
        Outcome.Skipped,
        'hold',
        `${onHold(h.since)}; a run looks at its cluster first and goes on only if it is whole again`,
      ),
    );
  for (const e of [...earlierOf(selection.candidates), ...(selection.markedOutside ?? [])]) {
    if (!recorded(e.instance.instance_id))
      out.push({ ...verdict(e.instance, Outcome.Skipped, 'earlier', e.reason), mark: e.mark });
  }
  return out;
}

/** An eligible instance: acted on, or kept off by its pre-flight, the cutoff or a hold. */
function eligibleVerdict(k: Known, instance: KafkaInstance, blocked: string): InstanceVerdict {
  const pre = k.preflight?.get(instance.instance_id);
  if (pre && !pre.pass) return verdict(instance, Outcome.Skipped, 'preflight', pre.reason);
  if (blocked) return verdict(instance, Outcome.Skipped, 'not-started', blocked);
  const act = k.policy.action === 'cleanup-failed' ? Outcome.WouldDelete : Outcome.WouldRestart;
  return pre
    ? verdict(instance, act, 'acted', `pre-flight passed: ${preflightText(pre)}`)
    : verdict(instance, act, 'acted');
}

/** Why no restart may start at `now`: the window's cutoff (or its end) has come; else undefined. */
export function pastCutoff(
  w: { cutoffAt: number; cutoffMinutes: number } | undefined,
  now: number,
): string | undefined {
  return w && now >= w.cutoffAt ? cutoffWords(w) : undefined;
}

function cutoffWords(w: { cutoffAt: number; cutoffMinutes: number }): string {
  return `not started: no restart starts in the last ${w.cutoffMinutes} minutes of the window (from ${markValue(w.cutoffAt)})`;
}

/** The selection, its eligible instances held to the plan's when there is one. */
function within(selection: Selection, planned: ReadonlySet<string> | undefined): Selection {
  if (!planned) return selection;
  return { ...selection, eligible: selection.eligible.filter((i) => planned.has(i.instance_id)) };
}

/** Why no wave starts: instances on hold, not yet seen whole again. */
function onHoldReason(standing: readonly Hold[]): string {
  const names = standing.map((h) => h.instance.name).join(', ');
  return `not started: the campaign is on hold until ${names} ${standing.length === 1 ? 'is' : 'are'} healthy again`;
}

function verdict(
  instance: KafkaInstance,
  outcome: Outcome,
  by: InstanceVerdict['by'],
  reason?: string,
): InstanceVerdict {
  return reason === undefined ? { instance, outcome, by } : { instance, outcome, by, reason };
}

function numberWaves(verdicts: InstanceVerdict[], batches: readonly KafkaInstance[][]): void {
  const wave = new Map<string, number>();
  for (const [n, b] of batches.entries()) for (const i of b) wave.set(i.instance_id, n + 1);
  for (const v of verdicts) {
    const n = v.by === 'acted' ? wave.get(v.instance.instance_id) : undefined;
    if (n !== undefined) v.wave = n;
  }
}

function preflightTexts(
  reads: ReadonlyMap<string, Preflight>,
  selection: Selection,
): Record<string, PlannedPreflight> {
  const out: Record<string, PlannedPreflight> = {};
  for (const i of selection.eligible) {
    const v = reads.get(i.instance_id);
    if (v)
      out[i.instance_id] = v.pass
        ? { pass: true, text: preflightText(v) }
        : { pass: false, text: v.reason, kind: v.kind };
  }
  return out;
}

/**
 * The write calls for the instances acted on, in order: one `all_failure`
 * call, or `batchSize` at a time. The one place a wave's size is decided.
 */
export function writeCalls(
  acting: readonly KafkaInstance[],
  batchSize: number,
  mode?: 'all_failure' | 'by-id' | undefined,
): KafkaInstance[][] {
  if (acting.length === 0) return [];
  if (mode === 'all_failure') return [[...acting]];
  const out: KafkaInstance[][] = [];
  for (let i = 0; i < acting.length; i += batchSize) out.push(acting.slice(i, i + batchSize));
  return out;
}
