import picomatch from 'picomatch';
import { FAILED_STATUS, isKnownStatus } from './dms/status';
import { type KafkaInstance, tagMap } from './dms/wire';
import type { Policy } from './policy/resolve';
import type { TagSelector } from './policy/schema';

/** What the policy says about one instance. */
export type Verdict =
  | { verdict: 'act' }
  | { verdict: 'skip'; reason: string }
  /** Outside the selection altogether: counted, never logged one by one. */
  | { verdict: 'no-match' };

/** A matched instance and whether the run may act on it. */
export type Candidate =
  | { instance: KafkaInstance; verdict: 'act' }
  | { instance: KafkaInstance; verdict: 'skip'; reason: string };

export interface Selection {
  /** Every instance that matched, acted on or skipped, in listing order. */
  candidates: Candidate[];
  eligible: KafkaInstance[];
  /** Listed instances that did not match at all. */
  notMatched: number;
}

/**
 * Builds the policy's judgement of one instance. Pure: same instance, same
 * verdict. The run applies it to the listing, and again to each instance
 * read fresh right before a write.
 *
 * - `select.tags`: every key must match. A string matches exactly (case
 *   sensitive), a list matches any of its values, `{ present: true }` any value.
 * - `select.names`: glob patterns (`*`, `?`); any one may match.
 * - `exclude.tags`: any one key matching excludes the instance.
 * - restart: a matched instance whose status is not in `select.status` is
 *   skipped; so is one whose status DMS never documented.
 * - cleanup-failed: only CREATEFAILED instances ever match.
 */
export function createJudge(policy: Policy): (instance: KafkaInstance) => Verdict {
  const nameMatchers = (policy.select?.names ?? []).map((p) =>
    picomatch(p, { nobrace: true, noextglob: true, nonegate: true, noglobstar: true, dot: true }),
  );
  const allowed = new Set<string>(policy.select?.status ?? []);
  const cleanup = policy.action === 'cleanup-failed';
  return (instance) => {
    const tags = tagMap(instance);
    const matches =
      (!cleanup || instance.status === FAILED_STATUS) &&
      (!policy.select || matchesAll(tags, policy.select.tags)) &&
      (nameMatchers.length === 0 || nameMatchers.some((m) => m(instance.name)));
    if (!matches) return { verdict: 'no-match' };
    const excludedBy = firstMatch(tags, policy.exclude);
    if (excludedBy) return { verdict: 'skip', reason: `excluded by tag ${excludedBy}` };
    if (cleanup) return { verdict: 'act' };
    if (!isKnownStatus(instance.status)) {
      return {
        verdict: 'skip',
        reason: `status ${JSON.stringify(instance.status)} is not one DMS documents; it is never acted on`,
      };
    }
    if (!allowed.has(instance.status)) {
      return {
        verdict: 'skip',
        reason: `status ${instance.status} is not one of ${[...allowed].join(', ')}`,
      };
    }
    return { verdict: 'act' };
  };
}

/** Applies the policy to a listing. */
export function selectInstances(instances: readonly KafkaInstance[], policy: Policy): Selection {
  const judge = createJudge(policy);
  const candidates: Candidate[] = [];
  let notMatched = 0;
  for (const instance of instances) {
    const v = judge(instance);
    if (v.verdict === 'no-match') notMatched++;
    else candidates.push({ instance, ...v });
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
