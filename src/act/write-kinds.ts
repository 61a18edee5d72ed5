/**
 * What a batch write is: its kinds (restart; delete by id, and past the
 * recycle bin), a first call made differently (`all_failure`), and what the
 * write engine hands back.
 */
import type { DmsClient } from '../dms/client';
import { DELETE_IN_PROGRESS, RESTART_IN_PROGRESS } from '../dms/status';
import type { ActionResponse, KafkaInstance } from '../dms/wire';
import { reRegistration } from '../plan/evidence';
import { Outcome } from '../report/records';
import type { OutcomeDetail } from '../report/report';
import type { ActContext } from './context';
import type { Fresh } from './fresh';
import { readKafka } from './kafka-checks';

/** One kind of batch write: restart, or delete by id. */
export interface WriteKind {
  /** `restart` or `delete`, for reasons. */
  verb: string;
  operation: string;
  success: typeof Outcome.Restarted | typeof Outcome.Deleted;
  send(dms: DmsClient, ids: string[]): Promise<ActionResponse>;
  /** After a call whose answer was lost: does the instance now show that it took? */
  tookEffect(fresh: Fresh): boolean;
  /** DMS shows that a call took only after an onset (`ActContext.onsetMs`); see `readBack`. */
  showsLate?: boolean;
  /**
   * Evidence beyond the status, for instances whose status does not show
   * the write: the ids that show it otherwise (a restart's brokers that
   * registered again). Read only after a call whose answer was lost.
   */
  evidence?(ctx: ActContext, instances: readonly KafkaInstance[]): Promise<ReadonlySet<string>>;
}

export const restartKind: WriteKind = {
  verb: 'restart',
  operation: 'RestartInstances',
  success: Outcome.Restarted,
  send: (dms, ids) => dms.restartInstances(ids),
  // A restart lasts 3-15 minutes: one that took still shows it seconds later;
  // one that came and went already left its brokers registered again.
  tookEffect: (f) =>
    'instance' in f && (RESTART_IN_PROGRESS.has(f.instance.status) || f.reRegistered === true),
  // DMS shows RESTARTING only seconds after it takes a restart.
  showsLate: true,
};

/**
 * A restart that also takes the brokers' word for it: an instance any of
 * whose brokers registered again since `registered` (read before its mark)
 * has restarted, whatever its status shows, and is never sent again.
 */
export function restartWithEvidence(registered: ReadonlyMap<string, number>): WriteKind {
  if (registered.size === 0) return restartKind;
  return {
    ...restartKind,
    async evidence(ctx, instances) {
      const known = instances.filter((i) => registered.has(i.instance_id));
      const shown = new Set<string>();
      if (known.length === 0) return shown;
      const reads = await readKafka(ctx.dms, known, false);
      for (const i of known) {
        const r = reRegistration(reads.get(i.instance_id)?.cluster, registered.get(i.instance_id));
        if (r === 'all' || r === 'some') shown.add(i.instance_id);
      }
      return shown;
    },
  };
}

/** Delete by id: only ever sent to instances the policy selects as CREATEFAILED. */
export const deleteKind: WriteKind = {
  verb: 'delete',
  operation: 'DeleteInstances',
  success: Outcome.Deleted,
  send: (dms, ids) => dms.deleteInstances(ids),
  tookEffect: (f) => 'gone' in f || ('instance' in f && DELETE_IN_PROGRESS.has(f.instance.status)),
};

/** Delete by id with `force_delete: true`: past the recycle bin. */
export const forceDeleteKind: WriteKind = {
  ...deleteKind,
  send: (dms, ids) => dms.deleteInstances(ids, { force: true }),
};

/** A first call made differently from the resends: `all_failure`. */
export interface FirstCall {
  operation: string;
  send(dms: DmsClient): Promise<ActionResponse>;
}

/** An instance the write reached and DMS took. */
export interface Success {
  instance: KafkaInstance;
  detail: OutcomeDetail;
  /** A read already showed the write under way (a restart seen RESTARTING). */
  seenRestarting?: boolean;
  /** When the last call carrying it went out: a restart's onset and timeout count from it. */
  sentAt?: number;
  /**
   * An earlier run's restart, marked but not yet seen to begin. It does not
   * fail the wave: what to record if it never shows (that run stopped before
   * its restart call), or if that run's mark `key` is taken off (its restart
   * did not apply, and the instance is left to a later run).
   */
  earlier?: { key: string; neverBegun: OutcomeDetail; unmarked: OutcomeDetail };
}

export interface BatchResult {
  /** Not yet recorded: the caller records them, after confirming them if it waits. */
  succeeded: Success[];
  /** How many of the batch this call recorded as failed. */
  failed: number;
  /** Why the batch stopped early (the deadline, a window's cutoff); the rest are recorded skipped. */
  stopped?: string;
  /**
   * Ids some call may have applied to: answered success, or a call whose
   * outcome is unknown. Every other id of the batch provably was not
   * changed by this batch: never sent, or refused by DMS's own answer.
   */
  maybeApplied: ReadonlySet<string>;
}
