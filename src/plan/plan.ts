/**
 * A plan: what a run would do, as plain data that survives a round trip
 * through JSON. The one function that makes it is `decide` (decision.ts);
 * everything here is read from its verdicts, so no count a person sees can
 * tell another story than the verdicts do.
 */
import { isKnownStatus } from '../dms/status';
import type { KafkaInstance } from '../dms/wire';
import type { Policy } from '../policy/resolve';
import { Outcome } from '../report/records';
import type { Campaign } from './campaign';
import type { UnusedExclude } from './exclude-hints';
import type { Hold } from './hold';
import type { Mark, Period } from './mark';
import type { ModeChoice } from './mode';
import type { PlannedPreflight } from './preflight';
import type { Selection } from './select';

/** A restart campaign as the plan sees it: the period whose marks mean done, and the window. */
export interface CampaignView {
  period: Period;
  window?: Campaign['window'];
}

/**
 * What decided an instance's verdict:
 * - `selection`, `approval`, `refusal`: every run records it before any call;
 * - `hold`, `earlier`: a campaign looks at the instance first (its hold, or
 *   the restart an earlier run marked), and records what it finds;
 * - `preflight`: its cluster, as read, cannot lose a broker now;
 * - `not-started`: no wave starts (the window's cutoff, or a hold);
 * - `acted`: it would be restarted or deleted, in wave `wave`.
 */
export type DecidedBy =
  | 'selection'
  | 'approval'
  | 'refusal'
  | 'hold'
  | 'earlier'
  | 'preflight'
  | 'not-started'
  | 'acted';

/** One instance's verdict: the outcome a run records for it, and why. */
export interface InstanceVerdict {
  instance: KafkaInstance;
  outcome: Outcome;
  reason?: string;
  by: DecidedBy;
  /** The write call it goes in, from 1, when acted on. */
  wave?: number;
  /** `earlier`: the mark an earlier run wrote in this period. */
  mark?: Mark;
}

/** Verdicts every run records before any call. */
const UPFRONT: ReadonlySet<DecidedBy> = new Set(['selection', 'approval', 'refusal']);

/**
 * What a run would do: the selection, the refusal if there is one, the
 * cleanup mode and the rule that chose it, a campaign's period and window,
 * one verdict per selected instance, and the write calls in order. A live
 * run carries it out, re-checking every instance before every call; a dry
 * run and `plan` record the verdicts and print them.
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
  /** One verdict per instance, in the order a dry run records them. */
  verdicts: InstanceVerdict[];
  /** Why the selection found nothing, or a selected key matched no instance; see hints.ts. */
  noMatch: string[];
  /** Exclude keys no listed instance carries, with the fleet's near misses; see exclude-hints.ts. */
  unusedExcludes: UnusedExclude[];
  /** Instances in a status DMS never documented: status to instance ids. */
  unknownStatuses: Record<string, string[]>;
  /**
   * A restart campaign's instances on hold (their cluster did not heal after
   * a restart): the campaign looks at them first, and starts no wave while
   * one is still not healthy. See hold.ts.
   */
  held: Hold[];
  /** The pre-flight's verdicts in words, by instance id, for the clusters read. */
  preflight?: Record<string, PlannedPreflight>;
}

/** The verdicts every run records before any call. */
export function upfrontOf(plan: Pick<Plan, 'verdicts'>): InstanceVerdict[] {
  return plan.verdicts.filter((v) => UPFRONT.has(v.by));
}

/** The verdicts a run records from the plan alone: all of them for a dry run. */
export function recordedOf(
  plan: Pick<Plan, 'verdicts' | 'refusal'>,
  dryRun: boolean,
): InstanceVerdict[] {
  return dryRun && !plan.refusal ? plan.verdicts : upfrontOf(plan);
}

/** The counts of a plan, each read from its verdicts. */
export interface PlanCounts {
  /** Would be restarted or deleted now. */
  acting: number;
  skipped: number;
  refused: number;
  /** Kept off by the pre-flight as read. */
  preflight: number;
  /** Selected to act on before the pre-flight: what maxInstances holds to. */
  selected: number;
  /** Every instance with a verdict. */
  matched: number;
}

/** Verdicts of instances the selection takes up to act on, whatever kept them off later. */
export const TAKEN_UP: ReadonlySet<DecidedBy> = new Set(['acted', 'preflight', 'not-started']);

export function countsOf(plan: Pick<Plan, 'verdicts'>): PlanCounts {
  const c: PlanCounts = {
    acting: 0,
    skipped: 0,
    refused: 0,
    preflight: 0,
    selected: 0,
    matched: 0,
  };
  for (const v of plan.verdicts) {
    c.matched++;
    if (v.outcome === Outcome.Refused) c.refused++;
    else if (v.outcome === Outcome.Skipped) c.skipped++;
    else c.acting++;
    if (v.by === 'preflight') c.preflight++;
    if (v.outcome === Outcome.Refused || TAKEN_UP.has(v.by)) c.selected++;
  }
  return c;
}

export function byUnknownStatus(listed: readonly KafkaInstance[]): Record<string, string[]> {
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
