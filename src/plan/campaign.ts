import type { Policy } from '../policy/resolve';
import { windowAt } from '../policy/window';
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
  return {
    open: true,
    campaign: {
      period: { window: { opensAt: w.opensAt, closesAt: w.closesAt }, intervalFrom },
      window: { ...w, cutoffMinutes: policy.window.cutoffMinutes },
      ...fresh,
    },
  };
}

/** UTC, whole seconds: `2026-03-07T01:00:00Z`, as a mark carries it. */
export { markValue as utc } from './mark';
