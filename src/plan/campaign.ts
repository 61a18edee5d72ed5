import type { Policy } from '../policy/resolve';
import { previousClose, windowAt } from '../policy/window';
import type { OwnMarks, Period } from './mark';

/** A restart policy's campaign for one invocation. */
export interface Campaign {
  /** Marks in this period mean done. */
  period: Period;
  /** The window occurrence the run is in, when the policy has a window. */
  window?: { opensAt: number; closesAt: number; cutoffAt: number; cutoffMinutes: number };
  /**
   * Marks this run wrote and has not yet followed with its restart call:
   * the re-check right before that call must not take them for done.
   */
  ownMarks: OwnMarks;
  /** Every mark this run wrote and has not removed again. */
  written: OwnMarks;
  /** This run's own mark key, new for every run of every policy. */
  markKey: string;
}

export type CampaignPlan =
  | { open: true; campaign: Campaign }
  | { open: false; nextOpensAt: number; nextClosesAt: number };

/**
 * Where a restart policy stands at `now`: outside its window (nothing may be
 * written), or inside it, with the period whose marks mean done. A policy
 * without a window is always open, and its period is `minIntervalMinutes`.
 */
export function planCampaign(policy: Policy, now: number, markKey: string): CampaignPlan {
  const intervalFrom = now - policy.minIntervalMs;
  const fresh = { ownMarks: new Map(), written: new Map(), markKey };
  if (!policy.window) return { open: true, campaign: { period: { intervalFrom }, ...fresh } };
  const w = windowAt(policy.window, now);
  if (!w.open) return { open: false, nextOpensAt: w.nextOpensAt, nextClosesAt: w.nextClosesAt };
  // Once per window means once since the window last closed, by the window as it reads
  // now: a window whose start was moved later still counts the marks of this night.
  const since = previousClose(policy.window, w.opensAt) ?? w.opensAt;
  return {
    open: true,
    campaign: {
      period: { window: { opensAt: since, closesAt: w.closesAt }, intervalFrom },
      window: { ...w, cutoffMinutes: policy.window.cutoffMinutes },
      ...fresh,
    },
  };
}

/**
 * How long after a window closes its campaign is looked at once more: runs
 * in this hour list the fleet (no write) and fail when it did not finish, so
 * that an unfinished campaign raises an alarm whatever its cutoff.
 */
export const CLOSED_CHECK_MS = 60 * 60_000;

/**
 * The window occurrence that closed less than {@link CLOSED_CHECK_MS} before
 * `now`, as the period its marks count in; undefined when none did.
 */
export function justClosed(policy: Policy, now: number): Period | undefined {
  if (!policy.window) return undefined;
  const then = windowAt(policy.window, now - CLOSED_CHECK_MS);
  if (!then.open || then.closesAt > now) return undefined;
  const since = previousClose(policy.window, then.opensAt) ?? then.opensAt;
  return {
    window: { opensAt: since, closesAt: then.closesAt },
    intervalFrom: then.closesAt - policy.minIntervalMs,
  };
}

/** The campaign a run judges by, and the instant it judges at. */
export interface JudgedCampaign {
  where: CampaignPlan;
  judgedAt: number;
  /** A plan looked past a closed window to its next opening. */
  lookedAhead: boolean;
  /** The window as closed at the asked instant, when it was. */
  closed?: { nextOpensAt: number };
}

/**
 * Where a restart policy's campaign stands, judged at `now` or at a plan's
 * `judgeAt`: an instant, or `next-opening`, which judges now and, when the
 * window is closed now, as at its next opening.
 */
export function judgeCampaign(
  policy: Policy,
  now: number,
  judgeAt: number | 'next-opening' | undefined,
  markKey: string,
): JudgedCampaign {
  const judgedAt = typeof judgeAt === 'number' ? judgeAt : now;
  const where = planCampaign(policy, judgedAt, markKey);
  if (where.open) return { where, judgedAt, lookedAhead: false };
  const closed = { nextOpensAt: where.nextOpensAt };
  if (judgeAt !== 'next-opening') return { where, judgedAt, lookedAhead: false, closed };
  const ahead = planCampaign(policy, where.nextOpensAt, markKey);
  return { where: ahead, judgedAt: where.nextOpensAt, lookedAhead: true, closed };
}

/** UTC, whole seconds: `2026-03-07T01:00:00Z`, as a mark carries it. */
export { markValue as utc } from './mark';
