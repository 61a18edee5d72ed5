/**
 * When a campaign may act: a weekly window in an IANA time zone, computed
 * with the platform's Intl (full ICU in Node.js 20), no library.
 *
 * Local times that a DST change skips or repeats are resolved the way
 * RFC 5545 and Temporal's `disambiguation: "compatible"` do:
 * - a skipped time (a gap) means the same wall time read with the offset
 *   before the gap, which is the first instant after it: with Europe/Berlin's
 *   02:00-03:00 gap, a window starting at 02:30 opens at 03:30 CEST;
 * - a repeated time (a fold) means its first occurrence: a window ending at
 *   02:30 on the day Berlin falls back ends at the first 02:30 (CEST).
 * So a window is shorter or longer in elapsed time on those days, and opens
 * once either way. `cutoffMinutes` counts elapsed minutes before the end.
 */

/** Days of the week, in `Date.getUTCDay()` order. */
export const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Day = (typeof DAYS)[number];

export interface WindowSpec {
  /** An IANA time zone name, e.g. `Europe/Berlin`. */
  timezone: string;
  /** The days a window starts on. */
  days: readonly Day[];
  /** `HH:MM`, local. */
  start: string;
  /** `HH:MM`, local; earlier than `start` means the next day. */
  end: string;
  /** No new restart starts this many minutes before the end. */
  cutoffMinutes: number;
}

/** Where `now` falls. Times are epoch milliseconds. */
export type WindowState =
  | { open: true; opensAt: number; closesAt: number; cutoffAt: number }
  | { open: false; nextOpensAt: number; nextClosesAt: number };

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** True when the platform knows `tz` as an IANA time zone. */
export function isTimeZone(tz: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Minutes after midnight of `HH:MM`, or undefined when it is not one. */
export function minutesOf(hhmm: string): number | undefined {
  const m = HHMM.exec(hhmm);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

/**
 * The window occurrence `now` is in, or the next one.
 *
 * @example
 * const w = windowAt(
 *   { timezone: 'Europe/Berlin', days: ['sat', 'sun'], start: '02:00', end: '05:00', cutoffMinutes: 20 },
 *   Date.parse('2026-03-07T01:30:00Z'),
 * );
 * // { open: true, opensAt: 2026-03-07T01:00Z, closesAt: 2026-03-07T04:00Z, cutoffAt: 03:40Z }
 */
export function windowAt(spec: WindowSpec, now: number): WindowState {
  const start = minutesOf(spec.start);
  const end = minutesOf(spec.end);
  if (start === undefined || end === undefined) throw new Error('start and end must be HH:MM');
  const days = new Set(spec.days);
  const today = localParts(spec.timezone, now);
  let next: { opensAt: number; closesAt: number } | undefined;
  // From yesterday (a window that wraps past midnight) to a week ahead.
  for (let k = -1; k <= 8; k++) {
    const date = new Date(Date.UTC(today.y, today.mo - 1, today.d + k));
    if (!days.has(DAYS[date.getUTCDay()] ?? 'sun')) continue;
    const opensAt = localToUtc(spec.timezone, date, start);
    const endDate = end <= start ? new Date(date.getTime() + DAY) : date;
    const closesAt = localToUtc(spec.timezone, endDate, end);
    if (opensAt <= now && now < closesAt) {
      return { open: true, opensAt, closesAt, cutoffAt: closesAt - spec.cutoffMinutes * MINUTE };
    }
    if (opensAt > now && (!next || opensAt < next.opensAt)) next = { opensAt, closesAt };
  }
  if (!next) throw new Error('no window occurrence in the coming week');
  return { open: false, nextOpensAt: next.opensAt, nextClosesAt: next.closesAt };
}

/**
 * When the occurrence before the one that opens at `opensAt` closed, by the
 * window as it reads now: the latest close at or before `opensAt` in the week
 * before it, or undefined when there is none.
 */
export function previousClose(spec: WindowSpec, opensAt: number): number | undefined {
  const start = minutesOf(spec.start);
  const end = minutesOf(spec.end);
  if (start === undefined || end === undefined) throw new Error('start and end must be HH:MM');
  const days = new Set(spec.days);
  const day = localParts(spec.timezone, opensAt);
  let latest: number | undefined;
  for (let k = -8; k <= 0; k++) {
    const date = new Date(Date.UTC(day.y, day.mo - 1, day.d + k));
    if (!days.has(DAYS[date.getUTCDay()] ?? 'sun')) continue;
    const endDate = end <= start ? new Date(date.getTime() + DAY) : date;
    const closesAt = localToUtc(spec.timezone, endDate, end);
    if (closesAt <= opensAt && (latest === undefined || closesAt > latest)) latest = closesAt;
  }
  return latest;
}

/** The window's occurrences that are open at `from` or open before `until`, in order. */
export function windowOccurrences(
  spec: WindowSpec,
  from: number,
  until: number,
): { opensAt: number; closesAt: number }[] {
  const out: { opensAt: number; closesAt: number }[] = [];
  let t = from;
  while (t < until) {
    const w = windowAt(spec, t);
    const occ = w.open
      ? { opensAt: w.opensAt, closesAt: w.closesAt }
      : { opensAt: w.nextOpensAt, closesAt: w.nextClosesAt };
    if (occ.opensAt >= until) break;
    if (out.at(-1)?.opensAt !== occ.opensAt) out.push(occ);
    t = Math.max(occ.closesAt, t + MINUTE);
  }
  return out;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `Sat 2026-12-12 19:00`: the instant as the zone's wall clock shows it, with its weekday. */
export function wallTime(t: number, tz: string): string {
  const p = localParts(tz, t);
  const day = DAYS[new Date(Date.UTC(p.y, p.mo - 1, p.d)).getUTCDay()] ?? 'sun';
  return `${day[0]?.toUpperCase()}${day.slice(1)} ${pad(p.y, 4)}-${pad(p.mo)}-${pad(p.d)} ${pad(p.h)}:${pad(p.mi)}`;
}

/** `2026-12-12T02:00:00+01:00`: the instant as the zone's wall clock shows it, with its offset. */
export function localIso(t: number, tz: string): string {
  const p = localParts(tz, t);
  const off = Math.round(offsetAt(tz, t) / MINUTE);
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off);
  return `${pad(p.y, 4)}-${pad(p.mo)}-${pad(p.d)}T${pad(p.h)}:${pad(p.mi)}:${pad(p.s)}${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

/** The instant a local wall time names in `tz`; gaps and folds as described above. */
export function localToUtc(tz: string, date: Date, minutes: number): number {
  const wall =
    Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()) + minutes * MINUTE;
  const before = offsetAt(tz, wall - DAY);
  const after = offsetAt(tz, wall + DAY);
  const fits = [wall - before, wall - after]
    .filter((t) => t + offsetAt(tz, t) === wall)
    .sort((a, b) => a - b);
  return fits[0] ?? wall - before;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

interface Parts {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
}

function localParts(tz: string, t: number): Parts {
  const p: Record<string, number> = {};
  for (const part of formatter(tz).formatToParts(t)) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  return {
    y: p.year ?? 0,
    mo: p.month ?? 1,
    d: p.day ?? 1,
    h: (p.hour ?? 0) % 24,
    mi: p.minute ?? 0,
    s: p.second ?? 0,
  };
}

/** The zone's offset from UTC at instant `t`, in milliseconds. */
function offsetAt(tz: string, t: number): number {
  const p = localParts(tz, t);
  const asUtc = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s);
  return asUtc - Math.floor(t / 1000) * 1000;
}
