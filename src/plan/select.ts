import { FAILED_STATUS, isKnownStatus } from '../dms/status';
import type { KafkaInstance, Tag } from '../dms/wire';
import { cut } from '../errors';
import type { Policy } from '../policy/resolve';
import { HOLD_KEY, holdOf } from './hold';
import {
  doneReason,
  isOwnMark,
  type Mark,
  markValue,
  type OwnMarks,
  type Period,
  readMark,
} from './mark';
import { namePattern } from './name-pattern';
import { duplicatedKey, firstMatch, fold, isKafka, matchesAll, type Wanted } from './tag-match';

/** What the policy says about one instance. */
export type Verdict =
  | { verdict: 'act' }
  /** `mark`: skipped because a campaign already restarted it in this period. */
  | { verdict: 'skip'; reason: string; mark?: Mark }
  /** Outside the selection altogether: counted, never logged one by one. */
  | { verdict: 'no-match' };

/** A matched instance and whether the run may act on it. */
export type Candidate =
  | { instance: KafkaInstance; verdict: 'act' }
  | { instance: KafkaInstance; verdict: 'skip'; reason: string; mark?: Mark };

/** Why a run does not restart an instance whose mark, written by this run, is gone. */
export const MARK_VANISHED = "this run's mark is no longer on it";

/** What the judgement needs besides the policy. */
export interface JudgeOptions {
  /** Epoch ms, for the age of a failed instance. */
  now?: number;
  /** Restart: marks in this period mean done. */
  period?: Period;
  /** Restart: marks this run wrote itself, which do not mean done. */
  ownMarks?: OwnMarks;
  /**
   * A further check on every verdict to act (an approved plan's, see
   * approval.ts): it may turn the verdict into a skip, never the reverse.
   */
  confirm?: (instance: KafkaInstance) => Verdict | undefined;
}

export interface Selection {
  /** Every instance that matched, acted on or skipped, in listing order. */
  candidates: Candidate[];
  eligible: KafkaInstance[];
  /** Listed instances that did not match at all. */
  notMatched: number;
  /**
   * Restart with a `period`: instances marked in it that the selection no
   * longer takes up for their mark (excluded since, no longer matching, a
   * status now outside it). Their restart is still the campaign's: it counts
   * against `batchSize` and passes the gate like any other. Holds aside.
   */
  markedOutside?: Array<{ instance: KafkaInstance; mark: Mark; reason: string }>;
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
 * - restart with a `period`: an instance carrying a mark in it is skipped
 *   as done, whatever its status. The mark this run wrote for a restart it
 *   has yet to send does not count, but must still be there.
 * - cleanup-failed: only CREATEFAILED instances ever match; with
 *   `minAgeHours`, one younger than that (or of unknown age) is skipped.
 */
export function createJudge(
  policy: Policy,
  opts: JudgeOptions = {},
): (instance: KafkaInstance) => Verdict {
  const nameMatchers = namePatterns(policy.select?.names ?? []);
  const allowed = new Set<string>(policy.select?.status ?? []);
  const cleanup = policy.action === 'cleanup-failed';
  // Once per policy, not once per instance: most of a listing does not match.
  const wanted = policy.select ? Object.entries(policy.select.tags) : [];
  // Folded once per policy: NFKC and the rest cost more than a comparison.
  const excluded = Object.entries(policy.exclude).map(([k, w]): [string, Wanted] => [fold(k), w]);
  const judge = (instance: KafkaInstance): Verdict => {
    if (!isKafka(instance)) {
      return {
        verdict: 'skip',
        reason: `engine ${JSON.stringify(cut(instance.engine ?? ''))} is not Kafka; never acted on`,
      };
    }
    const matches =
      (!cleanup || instance.status === FAILED_STATUS) &&
      (!policy.select || matchesAll(instance.tags, wanted)) &&
      (nameMatchers.length === 0 || nameMatchers.some((m) => m(instance.name)));
    if (!matches) return { verdict: 'no-match' };
    const refused = judgeTags(instance.tags, excluded);
    if (refused) return refused;
    if (cleanup) return judgeAge(instance, policy.minAgeMs, opts.now);
    const held = holdOf(instance);
    if (held !== undefined) return { verdict: 'skip', reason: onHold(held) };
    if (opts.period) {
      const marked = judgeMark(instance, opts.period, opts.ownMarks);
      if (marked) return marked;
    }
    return judgeStatus(instance.status, allowed);
  };
  const { confirm } = opts;
  if (!confirm) return judge;
  return (instance) => {
    const v = judge(instance);
    return v.verdict === 'act' ? (confirm(instance) ?? v) : v;
  };
}

/**
 * A matched instance's tags that keep it off: an exclusion tag, or a key
 * that appears twice. Undefined when neither does.
 */
function judgeTags(
  tags: readonly Tag[],
  excluded: ReadonlyArray<[string, Wanted]>,
): Verdict | undefined {
  const excludedBy = excluded.length > 0 ? firstMatch(tags, excluded) : undefined;
  if (excludedBy) return { verdict: 'skip', reason: `excluded by tag ${excludedBy}` };
  const twice = duplicatedKey(tags);
  if (twice === undefined) return undefined;
  return {
    verdict: 'skip',
    reason: `tag key ${JSON.stringify(cut(twice))} appears more than once; which value holds is unknown, so it is never acted on`,
  };
}

/** Why an instance on hold is not restarted; see hold.ts. */
export function onHold(since: string): string {
  return `on hold since ${since}: its cluster did not heal after a restart; never restarted while the ${HOLD_KEY} tag is on it`;
}

/** `select.names` as matchers: `*` and `?` only, nothing else a glob may mean. */
export function namePatterns(names: readonly string[]): ((name: string) => boolean)[] {
  return names.map(namePattern);
}

/**
 * Restart: a skip when a mark in `period` says the instance is done, or when
 * this run's own mark on it vanished. Undefined when the marks allow a restart.
 */
function judgeMark(
  instance: KafkaInstance,
  period: Period,
  ownMarks: OwnMarks | undefined,
): Verdict | undefined {
  // A run about to restart what it marked reads past its own mark, and
  // requires it: a mark that vanished no longer keeps other runs off.
  const own = ownMarks?.get(instance.instance_id);
  if (own && !isOwnMark(ownMarks ?? new Map(), instance)) {
    return { verdict: 'skip', reason: MARK_VANISHED };
  }
  const mark = readMark(instance, own);
  const done = mark && doneReason(mark, period);
  if (!mark || !done) return undefined;
  // Beside this run's own mark, another run's: it restarts the instance,
  // or it too backs off and a later run does.
  const reason = own
    ? `another run marked it too, at ${markValue(mark.at)}; left to that run or the next`
    : done;
  return { verdict: 'skip', reason, mark };
}

/** Restart: only a status DMS documents, and one of `select.status`, is acted on. */
function judgeStatus(status: string, allowed: ReadonlySet<string>): Verdict {
  if (!isKnownStatus(status)) {
    return {
      verdict: 'skip',
      reason: `status ${JSON.stringify(status)} is not one DMS documents; it is never acted on`,
    };
  }
  if (!allowed.has(status)) {
    return {
      verdict: 'skip',
      reason: `status ${status} is not one of ${[...allowed].join(', ')}`,
    };
  }
  return { verdict: 'act' };
}

/**
 * A failed instance younger than `minAgeMs` is kept so someone can still
 * look at why it failed; one whose age cannot be read is kept too.
 */
function judgeAge(instance: KafkaInstance, minAgeMs: number, now: number | undefined): Verdict {
  if (minAgeMs <= 0) return { verdict: 'act' };
  const created = Number(instance.created_at);
  if (!instance.created_at || !Number.isFinite(created) || now === undefined) {
    return { verdict: 'skip', reason: 'its age is unknown (no created_at); kept for minAgeHours' };
  }
  const ageMs = now - created;
  if (ageMs >= minAgeMs) return { verdict: 'act' };
  const hours = (ms: number) => `${Math.round((ms / 3_600_000) * 10) / 10} h`;
  return {
    verdict: 'skip',
    reason: `created ${hours(Math.max(0, ageMs))} ago, younger than minAgeHours ${hours(minAgeMs)}; kept so its failure can be looked at`,
  };
}

/** Applies the policy to a listing. */
export function selectInstances(
  instances: readonly KafkaInstance[],
  policy: Policy,
  opts: JudgeOptions = {},
): Selection {
  const judge = createJudge(policy, opts);
  const candidates: Candidate[] = [];
  const markedOutside: NonNullable<Selection['markedOutside']> = [];
  let notMatched = 0;
  for (const instance of instances) {
    const v = judge(instance);
    if (v.verdict === 'no-match') notMatched++;
    else candidates.push({ instance, ...v });
    if (v.verdict === 'act' || (v.verdict === 'skip' && v.mark) || !opts.period) continue;
    const mark = isKafka(instance) && holdOf(instance) === undefined && readMark(instance);
    const done = mark && doneReason(mark, opts.period);
    if (mark && done) markedOutside.push({ instance, mark, reason: `${done}; no longer selected` });
  }
  return {
    candidates,
    eligible: candidates.filter((c) => c.verdict === 'act').map((c) => c.instance),
    notMatched,
    ...(markedOutside.length > 0 ? { markedOutside } : {}),
  };
}
