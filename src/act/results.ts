/** What a batch's write hands back, and how a first call is made. */
import type { DmsClient } from '../dms/client';
import type { ActionResponse, KafkaInstance } from '../dms/wire';
import type { OutcomeDetail } from '../report/report';

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
