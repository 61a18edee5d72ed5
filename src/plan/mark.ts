import { type KafkaInstance, type Tag, tagMap } from '../dms/wire';

/**
 * The mark a campaign leaves on an instance right before restarting it: one
 * tag whose key is the campaign run's own (`dms-maintenance.mark-` and 12
 * random letters and digits) and whose value is the time it was written.
 *
 * Each run writes its own key, so a run never overwrites another run's mark:
 * a mark is only ever removed by the run that wrote it (its restart did not
 * apply) or, once it has aged out of every period, by a later restart of the
 * instance. That is what lets the one read after the mark decide alone (see
 * `src/act/marking.ts`).
 *
 * Key and value satisfy both documented rule sets for DMS tags: the older
 * one (key at most 36, value at most 43 characters, none of `=*<>,|/`) and
 * the newer one (letters, digits, spaces and `_.:=+-@`, key not starting with
 * `sys`). `test/unit/mark.test.ts` checks them against both.
 */
export const MARK_PREFIX = 'dms-maintenance.mark-';

/**
 * The mark of earlier builds, two tags shared by every run. It is still
 * read (a mark in this period means done), and removed once it has aged out.
 */
export const LEGACY_MARK_KEY = 'dms-maintenance.restarted-at';
export const LEGACY_MARK_BY_KEY = 'dms-maintenance.restarted-by';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/**
 * A new run's mark key: the prefix and 12 characters (60 bits) made of 12
 * random bytes, which the caller draws (`randomBytes(12)`): the core draws none.
 */
export function newMarkKey(bytes: Uint8Array): string {
  let suffix = '';
  for (let i = 0; i < 12; i++) suffix += ALPHABET[(bytes[i] ?? 0) % 32];
  return `${MARK_PREFIX}${suffix}`;
}

/** A mark as read from an instance's tags. */
export interface Mark {
  /** Epoch ms. */
  at: number;
  /** The tag value as written: `YYYY-MM-DDTHH:MM:SSZ`, and `@` and the brokers' registration when read. */
  value: string;
  /** The tag key: the run's own, or the earlier builds' shared one. */
  key: string;
  /**
   * The latest `register_time` of the instance's brokers, read right before
   * the mark: a broker whose `register_time` is later has registered again
   * since, so it restarted. Absent when the cluster was not read.
   */
  registered?: number;
}

const VALUE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z(?:@(\d{1,16}))?$/;

/** `YYYY-MM-DDTHH:MM:SSZ`, UTC, whole seconds. */
export function markValue(t: number): string {
  return `${new Date(t).toISOString().slice(0, 19)}Z`;
}

/** The epoch ms of a mark value, or undefined when it is not one. */
export function parseMarkValue(v: string): number | undefined {
  return parseMark(v)?.at;
}

/** A mark value's time and, when it carries one, the brokers' registration it was written after. */
function parseMark(v: string): { at: number; registered?: number } | undefined {
  const m = VALUE.exec(v);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  if (markValue(t) !== v.slice(0, 20)) return undefined;
  return m[7] === undefined ? { at: t } : { at: t, registered: Number(m[7]) };
}

/** Every mark on the instance, oldest first. A value that is not a mark (edited by hand) is no mark. */
export function readMarks(instance: Pick<KafkaInstance, 'tags'>): Mark[] {
  const out: Mark[] = [];
  for (const t of instance.tags) {
    if (t.key !== LEGACY_MARK_KEY && !t.key.startsWith(MARK_PREFIX)) continue;
    const parsed = parseMark(t.value);
    if (parsed !== undefined) out.push({ ...parsed, value: t.value, key: t.key });
  }
  return out.sort((a, b) => a.at - b.at);
}

/**
 * The instance's newest mark, leaving out the keys in `ignore` (a run's own
 * mark, written for a restart it has not yet sent), or undefined.
 */
export function readMark(
  instance: Pick<KafkaInstance, 'tags'>,
  ignore: readonly Tag[] = [],
): Mark | undefined {
  const own = new Set(ignore.map((t) => t.key));
  return readMarks(instance)
    .filter((m) => !own.has(m.key))
    .at(-1);
}

/**
 * The tag that makes a mark: the time, and the brokers' latest registration
 * read before it when there is one (see {@link Mark.registered}). Rounded up,
 * so a broker that did not register again never reads as later. At most 37
 * characters, within the older rule set's 43; `@` is allowed by both sets.
 */
export function markTags(at: number, key: string, registered?: number): Tag[] {
  const evidence =
    registered !== undefined && Number.isFinite(registered) && registered >= 0 && registered < 1e16
      ? `@${Math.ceil(registered)}`
      : '';
  return [{ key, value: `${markValue(at)}${evidence}` }];
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
    return `already restarted in this window at ${markValue(mark.at)}`;
  }
  if (mark.at >= period.intervalFrom) {
    return `already restarted at ${markValue(mark.at)}, less than minIntervalMinutes ago`;
  }
  return undefined;
}

/**
 * The marks on the instance that count for nothing in `period`, as tags to
 * delete (the earlier builds' pair together), leaving out the key `keep`.
 * Removing them after a restart keeps an instance from collecting one tag
 * per campaign run: DMS allows 20 tags on an instance.
 */
export function agedMarks(
  instance: Pick<KafkaInstance, 'tags'>,
  period: Period,
  keep: string,
): Tag[] {
  const out: Tag[] = [];
  for (const m of readMarks(instance)) {
    if (m.key === keep || doneReason(m, period) !== undefined) continue;
    out.push({ key: m.key, value: m.value });
    if (m.key === LEGACY_MARK_KEY) {
      const by = instance.tags.find((t) => t.key === LEGACY_MARK_BY_KEY);
      if (by) out.push({ key: by.key, value: by.value });
    }
  }
  return out;
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
