import { distance } from 'fastest-levenshtein';

/**
 * Near misses: the words a misspelt one was probably meant to be. The one
 * edit distance the project uses (the event's `dryrun`, exclude keys the
 * fleet does not carry), on fastest-levenshtein.
 */

/** Longer than this, a string is not taken for a typo of another. */
const MAX_TYPO_LENGTH = 64;

/** Levenshtein distance, or Infinity for strings too long to be a typo. */
export function editDistance(a: string, b: string): number {
  return a.length > MAX_TYPO_LENGTH || b.length > MAX_TYPO_LENGTH
    ? Number.POSITIVE_INFINITY
    : distance(a, b);
}

/** Where a tag key splits into words: `maintenance-protect` is `maintenance` and `protect`. */
const WORD_BREAK = /[\s_.:/-]+/;

/**
 * The candidates `word` is probably a misspelling of, closest first: those
 * at most 2 edits away (1 for a word of 4 characters or fewer), whole or
 * against one of their words of 4 characters or more, so that `maintenence`
 * finds `maintenance-protect`. Compared as `norm` gives them; a candidate
 * equal to `word` under `norm` is no miss and is left out.
 *
 * @example nearMisses('maintenence', ['maintenance-protect', 'env']) // ['maintenance-protect']
 */
export function nearMisses(
  word: string,
  candidates: Iterable<string>,
  norm: (s: string) => string = (s) => s.trim().toLowerCase(),
): string[] {
  const w = norm(word);
  const limit = w.length <= 4 ? 1 : 2;
  const found: Array<[string, number]> = [];
  for (const c of new Set(candidates)) {
    const n = norm(c);
    if (n === w) continue;
    const parts = n.split(WORD_BREAK).filter((p) => p.length >= 4 && p !== n);
    const d = Math.min(editDistance(w, n), ...parts.map((p) => editDistance(w, p)));
    if (d <= limit) found.push([c, d]);
  }
  return found.sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0])).map(([c]) => c);
}
