import type { KafkaInstance } from '../dms/wire';
import { cut } from '../errors';
import type { Policy } from '../policy/resolve';
import type { Selection } from './select';

/** The most values of one key a hint names, most frequent first. */
const MAX_VALUES = 8;

type Want = string | readonly string[] | { present: true };

/**
 * Why a selection found nothing, in the fleet's own words. For every tag
 * key the selector names that no listed instance satisfies: the values the
 * fleet does have for that key, with counts, and the keys that differ from
 * it only by case or spaces. Only when the selection matched nothing, or a
 * selected key matched no instance.
 *
 * @example ['env: "prod" matches no instance; the fleet has env=production (40), env=Staging (12)']
 */
export function noMatchHints(
  policy: Policy,
  listed: readonly KafkaInstance[],
  selection: Selection,
): string[] {
  const tags = Object.entries(policy.select?.tags ?? {}) as [string, Want][];
  const hints: string[] = [];
  for (const [key, want] of tags) {
    if (listed.some((i) => i.tags.some((t) => t.key === key && satisfies(t.value, want)))) continue;
    hints.push(hintFor(key, want, listed));
  }
  if (hints.length === 0 && selection.candidates.length === 0 && listed.length > 0) {
    hints.push(
      `each selected tag matches some instance, but no instance matches them all${policy.select?.names.length ? ' and a name pattern' : ''}`,
    );
  }
  return hints;
}

function satisfies(value: string, want: Want): boolean {
  if (typeof want === 'string') return value === want;
  if (Array.isArray(want)) return want.includes(value);
  return true;
}

function hintFor(key: string, want: Want, listed: readonly KafkaInstance[]): string {
  const asked =
    typeof want === 'string'
      ? JSON.stringify(cut(want))
      : Array.isArray(want)
        ? `any of ${want.map((w) => JSON.stringify(cut(w))).join(', ')}`
        : 'any value';
  const values = new Map<string, number>();
  const lookalikes = new Map<string, number>();
  const norm = (k: string) => k.trim().toLowerCase();
  for (const i of listed) {
    for (const t of i.tags) {
      if (t.key === key) values.set(t.value, (values.get(t.value) ?? 0) + 1);
      else if (norm(t.key) === norm(key)) lookalikes.set(t.key, (lookalikes.get(t.key) ?? 0) + 1);
    }
  }
  const has =
    values.size === 0
      ? `no instance has the key ${JSON.stringify(cut(key))}`
      : `the fleet has ${top(values, (v) => `${cut(key)}=${cut(v)}`)}`;
  const alike =
    lookalikes.size === 0
      ? ''
      : `; keys that differ only by case or spaces: ${top(lookalikes, (k) => JSON.stringify(cut(k)))}`;
  return `${cut(key)}: ${asked} matches no instance; ${has}${alike}`;
}

function top(counts: ReadonlyMap<string, number>, show: (v: string) => string): string {
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const shown = sorted.slice(0, MAX_VALUES).map(([v, n]) => `${show(v)} (${n})`);
  const more = sorted.length > MAX_VALUES ? `, and ${sorted.length - MAX_VALUES} more` : '';
  return `${shown.join(', ')}${more}`;
}
