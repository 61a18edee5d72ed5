import { CronExpressionParser } from 'cron-parser';
import { type WindowSpec, wallTime, windowAt, windowOccurrences } from '../../src/policy/window';

/** How far ahead a timer is held against its policy's window. */
export const HORIZON_WEEKS = 8;
const WEEK = 7 * 24 * 3_600_000;
/** Enough for a timer that fires every few minutes; a faster one surely meets its window. */
const MAX_FIRINGS = 20_000;

/** A timer held against a window over the horizon. */
export interface TimerFit {
  /** Firings inside an open window, before its cutoff: each a run that may restart. */
  inside: number;
  /** Window occurrences in the horizon. */
  occurrences: number;
  /** Window occurrences with at least one firing inside them. */
  served: number;
  /** The fewest firings inside any one served occurrence; 0 when none is served. */
  fewestInside: number;
  /** The timer's next firings, epoch ms. */
  next: number[];
  /** The window's next opening at or after `from`. */
  nextOpening: { opensAt: number; closesAt: number };
  /**
   * The firings could not be worked out past `after` (cron-parser gives up
   * in some zones around a DST change, e.g. Australia/Lord_Howe): the counts
   * cover only the firings before it.
   */
  cutShort?: { after: number; why: string };
}

/**
 * When a timer (a FunctionGraph cron, seconds first, in `zone`) fires over
 * the next {@link HORIZON_WEEKS} weeks, held against a policy's window:
 * computed in the timer's zone and the window's own, DST included.
 */
export function timerFit(window: WindowSpec, cron: string, zone: string, from: number): TimerFit {
  const until = from + HORIZON_WEEKS * WEEK;
  const occurrences = windowOccurrences(window, from, until);
  const served = new Map<number, number>();
  const next: number[] = [];
  let inside = 0;
  const it = CronExpressionParser.parse(cron, { tz: zone, currentDate: new Date(from) });
  let cutShort: TimerFit['cutShort'];
  let last = from;
  for (let n = 0; n < MAX_FIRINGS; n++) {
    let t: number;
    try {
      t = it.next().getTime();
    } catch (e) {
      cutShort = { after: last, why: e instanceof Error ? e.message : String(e) };
      break;
    }
    last = t;
    if (t >= until) break;
    if (next.length < 3) next.push(t);
    const w = windowAt(window, t);
    if (w.open && t < w.cutoffAt) {
      inside++;
      served.set(w.opensAt, (served.get(w.opensAt) ?? 0) + 1);
    }
  }
  const first = occurrences[0] ?? { opensAt: until, closesAt: until };
  return {
    inside,
    occurrences: occurrences.length,
    served: served.size,
    fewestInside: served.size === 0 ? 0 : Math.min(...served.values()),
    next,
    nextOpening: first,
    ...(cutShort ? { cutShort } : {}),
  };
}

/** `Sat 2026-12-12 19:00 Europe/Berlin = Sat 2026-12-12 18:00 UTC`, or the same with another zone. */
export function inBoth(t: number, zone: string, other: string): string {
  return `${wallTime(t, zone)} ${zone} = ${wallTime(t, other)} ${other}`;
}

/** `3 h`, `1 h 30 min`, `45 min`. */
export function duration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}
