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
  /** The tag value as written, `YYYY-MM-DDTHH:MM:SSZ`. */
  value: string;
  /** The tag key: the run's own, or the earlier builds' shared one. */
  key: string;
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

/** Every mark on the instance, oldest first. A value that is not a mark (edited by hand) is no mark. */
export function readMarks(instance: Pick<KafkaInstance, 'tags'>): Mark[] {
  const out: Mark[] = [];
  for (const t of instance.tags) {
    if (t.key !== LEGACY_MARK_KEY && !t.key.startsWith(MARK_PREFIX)) continue;
    const at = parseMarkValue(t.value);
    if (at !== undefined) out.push({ at, value: t.value, key: t.key });
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

/** The tag that makes a mark. */
export function markTags(at: number, key: string): Tag[] {
  return [{ key, value: markValue(at) }];
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
