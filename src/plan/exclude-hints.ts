import type { KafkaInstance } from '../dms/wire';
import { cut } from '../errors';
import { nearMisses } from '../policy/near-miss';
import type { Policy } from '../policy/resolve';
import { fold } from './tag-match';

/** The most near misses one key names. */
const MAX_NEAR = 5;

/** An exclude key no listed instance carries, and the fleet's keys close to it, with counts. */
export interface UnusedExclude {
  key: string;
  near: Array<{ key: string; instances: number }>;
}

/**
 * The policy's exclude keys that no listed instance carries, compared as the
 * exclusion compares them ({@link fold}): each protects nothing in this
 * listing. With each, the keys the fleet has that are near misses of it
 * (`maintenence` → `maintenance-protect`). Nothing for an empty listing.
 */
export function unusedExcludes(policy: Policy, listed: readonly KafkaInstance[]): UnusedExclude[] {
  if (listed.length === 0) return [];
  const counts = new Map<string, number>();
  for (const i of listed) {
    for (const key of new Set(i.tags.map((t) => t.key))) {
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  const carried = new Set([...counts.keys()].map(fold));
  return Object.keys(policy.exclude)
    .filter((key) => !carried.has(fold(key)))
    .map((key) => ({
      key,
      near: nearMisses(key, counts.keys(), fold)
        .slice(0, MAX_NEAR)
        .map((k) => ({ key: k, instances: counts.get(k) ?? 0 })),
    }));
}

/**
 * One unused exclude key in words.
 *
 * @example 'exclude.tags "maintenence" is on no listed instance, so it protects none; did you mean "maintenance-protect" (3 instances)?'
 */
export function unusedExcludeText(u: UnusedExclude): string {
  const head = `exclude.tags ${JSON.stringify(cut(u.key))} is on no listed instance, so it protects none`;
  if (u.near.length === 0) return `${head}; no key the fleet has is close to it`;
  const near = u.near
    .map(
      (n) =>
        `${JSON.stringify(cut(n.key))} (${n.instances} instance${n.instances === 1 ? '' : 's'})`,
    )
    .join(', ');
  return `${head}; did you mean ${u.near.length === 1 ? near : `one of ${near}`}?`;
}
