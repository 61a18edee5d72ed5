/**
 * The core: pure functions from a policy, a listing, the time and the marks
 * to a {@link Plan} that says everything a run will do. Nothing here calls
 * DMS, logs, or reads a clock.
 */
import { isKnownStatus } from '../dms/status';
import type { KafkaInstance } from '../dms/wire';
import type { Policy } from '../policy/resolve';
import { Outcome } from '../report/records';
import { type ApprovedInstance, approvedOutside } from './approval';
import type { Campaign } from './campaign';
import { earlierOf } from './earlier';
import { noMatchHints } from './hints';
import { type Hold, holdsAmong } from './hold';
import type { Period } from './mark';
import { chooseMode, type ModeChoice } from './mode';
import type { PlannedPreflight } from './preflight';
import { type JudgeOptions, onHold, type Selection, selectInstances } from './select';

/** A record a run writes for one instance without any call. */
export interface Intended {
  instance: KafkaInstance;
  outcome: Outcome;
  reason?: string;
}

/** A restart campaign as the plan sees it: the period whose marks mean done, and the window. */
export interface CampaignView {
  period: Period;
  window?: Campaign['window'];
}

/**
 * What a run would do, as plain data that survives a round trip through
 * JSON: the selection, the refusal if there is one, the cleanup mode and the
 * rule that chose it, a campaign's period and window, the write calls in
 * order, and the records a run writes without a call. A live run carries
 * it out, re-checking every instance before every call; a dry run and the
 * `plan` command record `upfront` and `wouldDo` and print it.
 */
export interface Plan {
  policy: Policy;
  listed: readonly KafkaInstance[];
  selection: Selection;
  /** Set when more instances would be acted on than `maxInstances`: nothing is done. */
  refusal: string | undefined;
  /** How many more instances `maxInstances` would allow (negative when refused). */
  headroom: number;
  /** Cleanup only. */
  mode: ModeChoice | undefined;
  /** The write calls in order: restart waves or delete batches; one for `all_failure`. */
  batches: KafkaInstance[][];
  /** A restart policy's campaign; undefined for cleanup. */
  campaign: CampaignView | undefined;
  /** The instant the window, the cutoff, the marks and ages were judged at, epoch ms. */
  judgedAt: number | undefined;
  /** A campaign judged inside its window's cutoff: no wave starts, so `batches` is empty. */
  inCutoff: boolean;
  /**
   * Written by every run before any call: the skipped (but not what a
   * campaign already restarted: the campaign looks at those again), and, when
   * refused, every instance it would have acted on.
   */
  upfront: Intended[];
  /** What a dry run records besides; empty when refused. */
  wouldDo: Intended[];
  /** Why the selection found nothing, or a selected key matched no instance; see {@link noMatchHints}. */
  noMatch: string[];
  /** Instances in a status DMS never documented: status to instance ids. */
  unknownStatuses: Record<string, string[]>;
  /**
   * A restart campaign's instances on hold (their cluster did not heal after
   * a restart): the campaign looks at them first, and starts no wave while
   * one is still not healthy. See hold.ts.
   */
  held: Hold[];
  /**
   * A restart plan's pre-flight verdicts, by instance id, when the cluster
   * was read (a dry run, `plan`); see preflight.ts. A live run reads again
   * right before each restart.
   */
  preflight?: Record<string, PlannedPreflight>;
}

/**
 * Plans a run from a listing. Pure: the same listing, policy and judging
 * (the time, a campaign's period and marks) give the same plan.
 *
 * @example makePlan(policy, await dms.listInstances({ includeFailure: true }))
 */
export function makePlan(
  policy: Policy,
  listed: readonly KafkaInstance[],
  judging: JudgeOptions = {},
  campaign?: CampaignView,
  approved?: readonly ApprovedInstance[],
): Plan {
  const selection = selectInstances(listed, policy, judging);
  const eligible = selection.eligible;
  const held = campaign ? holdsAmong(selection.candidates.map((c) => c.instance)) : [];
  const headroom = policy.maxInstances - eligible.length;
  const refusal =
    headroom < 0
      ? `${eligible.length} instances match, more than maxInstances ${policy.maxInstances}; nothing was changed`
      : undefined;
  const mode =
    policy.action === 'cleanup-failed'
      ? chooseMode(policy, listed, selection, { approved: approved !== undefined })
      : undefined;
  const cutoffAt = campaign?.window?.cutoffAt;
  const inCutoff = cutoffAt !== undefined && judging.now !== undefined && judging.now >= cutoffAt;
  const batches =
    eligible.length === 0 || inCutoff
      ? []
      : mode?.mode === 'all_failure'
        ? [[...eligible]]
        : chunk(eligible, policy.batchSize);
  return {
    policy,
    listed,
    selection,
    refusal,
    headroom,
    mode,
    batches,
    campaign,
    judgedAt: judging.now,
    inCutoff,
    upfront: [
      ...upfront(selection, refusal, held),
      ...outsideApproval(approved ?? [], listed, selection, policy),
    ],
    wouldDo: refusal ? [] : wouldDo(policy, selection, campaign, inCutoff, held),
    noMatch: noMatchHints(policy, listed, selection),
    unknownStatuses: byUnknownStatus(listed),
    held,
  };
}

/** An approved plan's instances the selection no longer holds: a record each, never a call. */
function outsideApproval(
  approved: readonly ApprovedInstance[],
  listed: readonly KafkaInstance[],
  selection: Selection,
  policy: Policy,
): Intended[] {
  if (approved.length === 0) return [];
  const matched = new Set(selection.candidates.map((c) => c.instance.instance_id));
  const byId = new Map(listed.map((i) => [i.instance_id, i]));
  return approvedOutside(approved, listed, matched, policy).map(({ approved: a, reason }) => ({
    instance: byId.get(a.id) ?? {
      instance_id: a.id,
      name: a.name,
      status: a.fingerprint.status,
      tags: [],
    },
    outcome: Outcome.Skipped,
    reason,
  }));
}

function upfront(
  selection: Selection,
  refusal: string | undefined,
  held: readonly Hold[],
): Intended[] {
  const out: Intended[] = [];
  // A campaign records its instances on hold itself, once it has looked at them, and so
  // those marked in its period that it no longer selects: their restart is still its own.
  const onHold = new Set(
    refusal ? [] : [...held, ...(selection.markedOutside ?? [])].map((h) => h.instance.instance_id),
  );
  for (const c of selection.candidates) {
    if (c.verdict === 'skip' && !c.mark && !onHold.has(c.instance.instance_id))
      out.push({ instance: c.instance, outcome: Outcome.Skipped, reason: c.reason });
  }
  if (!refusal) return out;
  for (const instance of selection.eligible)
    out.push({ instance, outcome: Outcome.Refused, reason: refusal });
  for (const e of earlierOf(selection.candidates))
    out.push({
      instance: e.instance,
      outcome: Outcome.Skipped,
      reason: 'already restarted in this period',
    });
  return out;
}

/**
 * A dry run's records: a campaign's instances on hold, its earlier
 * instances as done, then each eligible instance as it would be acted on,
 * or, inside a window's cutoff or behind a hold, as not started.
 */
function wouldDo(
  policy: Policy,
  selection: Selection,
  campaign: CampaignView | undefined,
  inCutoff: boolean,
  held: readonly Hold[],
): Intended[] {
  if (!campaign) {
    const outcome = policy.action === 'cleanup-failed' ? Outcome.WouldDelete : Outcome.WouldRestart;
    return selection.eligible.map((instance) => ({ instance, outcome }));
  }
  const out: Intended[] = held.map((h) => ({
    instance: h.instance,
    outcome: Outcome.Skipped,
    reason: `${onHold(h.since)}; a run looks at its cluster first and goes on only if it is whole again`,
  }));
  for (const e of earlierOf(selection.candidates)) {
    out.push({ instance: e.instance, outcome: Outcome.Skipped, reason: e.reason });
  }
  const heldBy = held.map((h) => h.instance.name).join(', ');
  for (const instance of selection.eligible) {
    out.push(
      inCutoff
        ? { instance, outcome: Outcome.Skipped, reason: 'not started: inside the window cutoff' }
        : held.length > 0
          ? {
              instance,
              outcome: Outcome.Skipped,
              reason: `not started unless ${heldBy} ${held.length === 1 ? 'is' : 'are'} healthy again: the campaign is on hold`,
            }
          : { instance, outcome: Outcome.WouldRestart },
    );
  }
  return out;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function byUnknownStatus(listed: readonly KafkaInstance[]): Record<string, string[]> {
  // No prototype: a status is text from the network, and may be `__proto__`.
  const unknown: Record<string, string[]> = Object.create(null);
  for (const i of listed) {
    if (isKnownStatus(i.status)) continue;
    const ids = unknown[i.status];
    if (ids) ids.push(i.instance_id);
    else unknown[i.status] = [i.instance_id];
  }
  return unknown;
}
