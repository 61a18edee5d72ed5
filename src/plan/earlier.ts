import { InstanceStatus, RESTART_IN_PROGRESS } from '../dms/status';
import type { KafkaInstance } from '../dms/wire';
import type { WaitForRunning } from '../policy/resolve';
import type { Mark } from './mark';
import type { Candidate } from './select';

/** An instance a run of this campaign already marked in this period. */
export interface Earlier {
  instance: KafkaInstance;
  mark: Mark;
  /** `already restarted in this window at ...` */
  reason: string;
}

export interface EarlierState {
  /** Back to RUNNING: done. */
  done: Earlier[];
  /**
   * Still restarting, or RUNNING and marked less than a restart's onset ago:
   * waited for with waitForRunning, and counted against batchSize.
   */
  restarting: Earlier[];
  /** Anywhere else, or not back in time: these stop the campaign. */
  bad: Array<Earlier & { why: string }>;
  /**
   * Marked in the future (a clock off, a tag edited by hand): never waited
   * for, which would stall every run of the period; reported instead.
   */
  future: Earlier[];
}

/**
 * A mark further ahead of the clock than this was not written by a run of
 * this function a moment ago: runs share the platform's synchronised clock.
 * One closer than this is taken as written now.
 */
export const FUTURE_MARK_MS = 2 * 60_000;

/**
 * Sorts the instances earlier runs marked in this period by what they show
 * now. Without `wait` there is no timeout to apply, so a restarting
 * instance is never bad for being slow.
 */
export function sortEarlier(
  earlier: readonly Earlier[],
  now: number,
  wait: WaitForRunning | undefined,
  onsetMs: number,
): EarlierState {
  const state: EarlierState = { done: [], restarting: [], bad: [], future: [] };
  for (const e of earlier) {
    const status = e.instance.status;
    // One restarting now is waited for all the same: it counts against batchSize.
    if (e.mark.at > now + FUTURE_MARK_MS && !RESTART_IN_PROGRESS.has(status)) {
      state.future.push(e);
      continue;
    }
    // RUNNING with a mark younger than a restart's onset: its restart may be
    // accepted and not yet shown; with waves, it is waited for like one restarting.
    if (status === InstanceStatus.Running && wait && now - e.mark.at < onsetMs) {
      state.restarting.push(e);
    } else if (status === InstanceStatus.Running) state.done.push(e);
    else if (!RESTART_IN_PROGRESS.has(status)) {
      state.bad.push({ ...e, why: `then status ${status} instead of RUNNING` });
    } else if (wait && now - e.mark.at >= wait.timeoutMs) {
      state.bad.push({
        ...e,
        why: `still ${status} ${Math.round((now - e.mark.at) / 1000)} s later, past timeoutSeconds ${wait.timeoutMs / 1000}`,
      });
    } else state.restarting.push(e);
  }
  return state;
}

/** The candidates a campaign mark made skip. */
export function earlierOf(candidates: readonly Candidate[]): Earlier[] {
  const out: Earlier[] = [];
  for (const c of candidates) {
    if (c.verdict === 'skip' && c.mark)
      out.push({ instance: c.instance, mark: c.mark, reason: c.reason });
  }
  return out;
}
