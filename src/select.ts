import picomatch from 'picomatch';
import { type KafkaInstance, tagMap } from './dms/wire';
import type { Policy } from './policy/resolve';
import type { TagSelector } from './policy/schema';

/** A matched instance and whether the run may act on it. */
export type Candidate =
  | { instance: KafkaInstance; verdict: 'act' }
  | { instance: KafkaInstance; verdict: 'skip'; reason: string };

export interface Selection {
  /** Every instance that matched, acted on or skipped, in listing order. */
  candidates: Candidate[];
  eligible: KafkaInstance[];
  /** Listed instances that did not match at all; counted, never logged one by one. */
  notMatched: number;
}

/** What a cleanup may delete, and nothing else. */
export const FAILED_STATUS = 'CREATEFAILED';

/**
 * Chooses the instances a policy applies to. Pure: same input, same answer.
 *
 * - `select.tags`: every key must match. A string matches exactly (case
 *   sensitive), a list matches any of its values, `{ present: true }` any value.
 * - `select.names`: glob patterns (`*`, `?`); any one may match.
 * - `exclude.tags`: any one key matching excludes the instance.
 * - restart: a matched instance whose status is not in `select.status` is skipped.
 * - cleanup-failed: only CREATEFAILED instances ever match.
 */
export function selectInstances(instances: readonly KafkaInstance[], policy: Policy): Selection {
  const nameMatchers = (policy.select?.names ?? []).map((p) =>
    picomatch(p, { nobrace: true, noextglob: true, nonegate: true, noglobstar: true, dot: true }),
  );
  const allowed = new Set<string>(policy.select?.status ?? []);
  const candidates: Candidate[] = [];
  let notMatched = 0;

  for (const instance of instances) {
    const tags = tagMap(instance);
    const cleanup = policy.action === 'cleanup-failed';
    const matches =
      (!cleanup || instance.status === FAILED_STATUS) &&
      (!policy.select || matchesAll(tags, policy.select.tags)) &&
      (nameMatchers.length === 0 || nameMatchers.some((m) => m(instance.name)));
    if (!matches) {
      notMatched++;
      continue;
    }
    const excludedBy = firstMatch(tags, policy.exclude);
    if (excludedBy) {
      candidates.push({ instance, verdict: 'skip', reason: `excluded by tag ${excludedBy}` });
    } else if (!cleanup && !allowed.has(instance.status)) {
      candidates.push({
        instance,
        verdict: 'skip',
        reason: `status ${instance.status} is not one of ${[...allowed].join(', ')}`,
      });
    } else {
      candidates.push({ instance, verdict: 'act' });
    }
  }
  return {
    candidates,
    eligible: candidates.filter((c) => c.verdict === 'act').map((c) => c.instance),
    notMatched,
  };
}

function valueMatches(actual: string | undefined, want: TagSelector[string]): boolean {
  if (actual === undefined || want === undefined) return false;
  if (typeof want === 'string') return actual === want;
  return Array.isArray(want) ? want.includes(actual) : want.present;
}

function matchesAll(tags: ReadonlyMap<string, string>, selector: TagSelector): boolean {
  return Object.entries(selector).every(([k, want]) => valueMatches(tags.get(k), want));
}

/**
 * The exclusion rule: the first instance tag the selector matches, as
 * `key=value` for the skip reason. Unlike `select.tags`, keys and values
 * are compared ignoring case and surrounding whitespace: a protect tag
 * written `Maintenance-Protect: " True"` still means protect, and a miss
 * here restarts or deletes an instance someone meant to keep.
 */
function firstMatch(tags: ReadonlyMap<string, string>, selector: TagSelector): string | undefined {
  for (const [k, want] of Object.entries(selector)) {
    const key = fold(k);
    for (const [actualKey, actual] of tags) {
      if (fold(actualKey) === key && looselyMatches(actual, want)) {
        return `${actualKey}=${actual}`;
      }
    }
  }
  return undefined;
}

function looselyMatches(actual: string, want: TagSelector[string]): boolean {
  const a = fold(actual);
  if (typeof want === 'string') return a === fold(want);
  return Array.isArray(want) ? want.some((w) => fold(w) === a) : want.present;
}

function fold(s: string): string {
  return s.trim().toLowerCase();
}
