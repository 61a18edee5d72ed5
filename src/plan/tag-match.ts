/**
 * How the selection compares an instance's tags and engine with a policy:
 * `select.tags` exactly, `exclude.tags` loosely (see {@link fold}).
 */
import { KAFKA_ENGINE, type KafkaInstance, type Tag } from '../dms/wire';
import { cut } from '../errors';
import type { TagSelector } from '../policy/schema';

export type Wanted = TagSelector[string];

export function valueMatches(actual: string | undefined, want: Wanted): boolean {
  if (actual === undefined || want === undefined) return false;
  if (typeof want === 'string') return actual === want;
  return Array.isArray(want) ? want.includes(actual) : want.present;
}

/**
 * Every selector key has a matching value. A key's value is its last tag, as
 * in {@link tagMap}; read off the tags in place, with indexed loops, as this
 * runs for every listed instance.
 */
export function matchesAll(tags: readonly Tag[], wanted: ReadonlyArray<[string, Wanted]>): boolean {
  for (let w = 0; w < wanted.length; w++) {
    // Not destructured: unoptimized, that goes through an array iterator.
    const entry = wanted[w] as [string, Wanted];
    const key = entry[0];
    const want = entry[1];
    let actual: string | undefined;
    for (let i = tags.length - 1; i >= 0; i--) {
      const t = tags[i] as Tag;
      if (t.key === key) {
        actual = t.value;
        break;
      }
    }
    if (!valueMatches(actual, want)) return false;
  }
  return true;
}

/**
 * The exclusion rule (keys already folded): the first instance tag the selector matches, as
 * `key=value` for the skip reason. Unlike `select.tags`, keys and values
 * are compared loosely (see {@link fold}): a protect tag written
 * `Maintenance-Protect: " True"`, or `ｔｒｕｅ` from a CJK input method, still
 * means protect, and a miss here restarts or deletes an instance someone
 * meant to keep. Every tag is looked at, so a key that appears twice
 * excludes when any of its values does.
 */
export function firstMatch(
  tags: readonly Tag[],
  excluded: ReadonlyArray<[string, Wanted]>,
): string | undefined {
  for (const [key, want] of excluded) {
    for (const t of tags) {
      if (fold(t.key) === key && looselyMatches(t.value, want)) {
        return `${cut(t.key)}=${cut(t.value)}`;
      }
    }
  }
  return undefined;
}

/** A tag key the instance carries more than once, or undefined. */
export function duplicatedKey(tags: readonly Tag[]): string | undefined {
  if (tags.length < 2) return undefined;
  const seen = new Set<string>();
  for (const t of tags) {
    if (seen.has(t.key)) return t.key;
    seen.add(t.key);
  }
  return undefined;
}

/**
 * A listing asks DMS for `engine=kafka`, so an instance without an engine
 * is taken as one; any other engine (an answer we did not ask for) is not.
 * ShowInstance answers must name their engine (see the client).
 */
export function isKafka(instance: KafkaInstance): boolean {
  return instance.engine === undefined || instance.engine.toLowerCase() === KAFKA_ENGINE;
}

export function looselyMatches(actual: string, want: Wanted): boolean {
  const a = fold(actual);
  if (typeof want === 'string') return a === fold(want);
  return Array.isArray(want) ? want.some((w) => fold(w) === a) : want.present;
}

// Zero-width space, non-joiner, joiner, word joiner, BOM and the soft hyphen:
// invisible, so a value that holds one looks like the value without it.
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;

/**
 * How exclusion keys and values are compared: Unicode NFKC (full-width
 * `ｔｒｕｅ` becomes `true`), invisible characters removed, surrounding
 * whitespace trimmed, lower case.
 */
export function fold(s: string): string {
  return s.normalize('NFKC').replace(INVISIBLE, '').trim().toLowerCase();
}
