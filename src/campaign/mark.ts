import type { KafkaInstance, Tag } from '../dms/wire';
import { tagMap } from '../dms/wire';

/**
 * The mark a campaign leaves on an instance right before restarting it.
 *
 * Both tags satisfy both documented rule sets for DMS tags: the older one
 * (key at most 36, value at most 43 characters, none of `=*<>,|/`) and the
 * newer one (letters, digits, spaces and `_.:=+-@`, key not starting with
 * `sys`). `test/unit/mark.test.ts` checks them against both.
 */
export const MARK_KEY = 'dms-maintenance.restarted-at';
/** The invocation that wrote the mark: tells two runs' marks apart within one second. */
export const MARK_BY_KEY = 'dms-maintenance.restarted-by';

/** A mark as read from an instance's tags. */
export interface Mark {
  /** Epoch ms. */
  at: number;
  /** The tag value as written, `YYYY-MM-DDTHH:MM:SSZ`. */
  value: string;
  by: string | undefined;
}

const VALUE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

/** `YYYY-MM-DDTHH:MM:SSZ`, UTC, whole seconds. */
export function markValue(t: number): string {
  return `${new Date(t).toISOString().slice(0, 19)}Z`;
}

/** The epoch ms of a mark value, or undefined when it is not one. */
export function parseMarkValue(v: string): number | undefined {
  const m = VALUE.exec(v);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  return markValue(t) === v ? t : undefined;
}

/**
 * The instance's mark. A value that is not a mark (edited by hand) is no
 * mark: the next restart overwrites it.
 */
export function readMark(instance: Pick<KafkaInstance, 'tags'>): Mark | undefined {
  const tags = tagMap(instance);
  const value = tags.get(MARK_KEY);
  const at = value === undefined ? undefined : parseMarkValue(value);
  if (value === undefined || at === undefined) return undefined;
  return { at, value, by: tags.get(MARK_BY_KEY) };
}

/** The tags that make a mark. */
export function markTags(at: number, by: string): Tag[] {
  return [
    { key: MARK_KEY, value: markValue(at) },
    { key: MARK_BY_KEY, value: markBy(by) },
  ];
}

/** An invocation id as a tag value both rule sets accept. */
export function markBy(invocationId: string): string {
  const clean = invocationId.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 43);
  return clean || 'unknown';
}

/** Which stretch of time a mark counts as done in. */
export interface Period {
  /** The current window occurrence, when the policy has a window. */
  window?: { opensAt: number; closesAt: number } | undefined;
  /** A mark at or after this is younger than `minIntervalMinutes`. */
  intervalFrom: number;
}

/**
 * Why a mark means the instance is done for now, or undefined when it does
 * not: outside the window occurrence and older than the interval.
 */
export function doneReason(mark: Mark, period: Period): string | undefined {
  const w = period.window;
  if (w && mark.at >= w.opensAt && mark.at < w.closesAt) {
    return `already restarted in this window at ${mark.value}`;
  }
  if (mark.at >= period.intervalFrom) {
    return `already restarted at ${mark.value}, less than minIntervalMinutes ago`;
  }
  return undefined;
}

/** The marks this run wrote itself, by instance id. */
export type OwnMarks = Map<string, Tag[]>;

/** True when the instance carries exactly the mark this run wrote on it. */
export function isOwnMark(own: OwnMarks, instance: KafkaInstance): boolean {
  const wrote = own.get(instance.instance_id);
  if (!wrote) return false;
  const tags = tagMap(instance);
  return wrote.every((t) => tags.get(t.key) === t.value);
}
