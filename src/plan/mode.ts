import { isKnownStatus, STILL_CREATING } from '../dms/status';
import type { KafkaInstance } from '../dms/wire';
import { cut } from '../errors';
import type { Policy } from '../policy/resolve';
import type { CleanupMode } from '../report/records';
import type { Selection } from './select';

export interface ModeChoice {
  mode: CleanupMode;
  reason: string;
}

/**
 * Chooses how a cleanup deletes. `all_failure` deletes every creation-failed
 * Kafka instance DMS knows when it runs the call, whatever its tags, so it
 * is used only when that provably is exactly what was recorded: no approved
 * plan limits the run to its own ids, the listing was consistent (or the run
 * would have stopped), the policy selects no subset, no failed instance is
 * excluded, none was still CREATING (it could fail before the call), and
 * none is in a status DMS does not document. Otherwise each instance is
 * deleted by id. Pure.
 */
export function chooseMode(
  policy: Policy,
  listed: readonly KafkaInstance[],
  selection: Selection,
  o: { approved?: boolean } = {},
): ModeChoice {
  const byId = (reason: string): ModeChoice => ({ mode: 'by-id', reason });
  if (o.approved) {
    // all_failure names no instance: it cannot be held to the ids a person approved.
    return byId(
      'an approved plan deletes only the instances it names, each by id; all_failure would delete any instance that failed since',
    );
  }
  if (policy.select) {
    return byId('the policy selects by tag or name; all_failure would ignore that');
  }
  const protect = Object.keys(policy.exclude);
  if (protect.length > 0) {
    return byId(
      `the policy excludes by tag (${protect.map((k) => cut(k)).join(', ')}); all_failure would ignore a protection added before DMS runs it`,
    );
  }
  const excluded = selection.candidates.filter((c) => c.verdict === 'skip').length;
  if (excluded > 0) {
    return byId(
      `${some(excluded, 'failed instance')} skipped (excluded, or younger than minAgeHours); all_failure would delete them too`,
    );
  }
  const creating = listed.filter((i) => i.status === STILL_CREATING).length;
  if (creating > 0) {
    return byId(
      `${some(creating, 'instance')} ${STILL_CREATING} in the listing; one that fails before the call would be deleted by all_failure without a record`,
    );
  }
  const unknown = listed.filter((i) => !isKnownStatus(i.status)).length;
  if (unknown > 0) {
    return byId(`${some(unknown, 'instance')} in a status DMS does not document`);
  }
  return {
    mode: 'all_failure',
    reason:
      'every failed instance is selected; none excluded, none CREATING; the listing was consistent',
  };
}

/** `1 instance is`, `2 instances are`. */
function some(n: number, noun: string): string {
  return n === 1 ? `1 ${noun} is` : `${n} ${noun}s are`;
}
