import type { DmsClient } from '../dms/client';
import type { ActionResponse, KafkaInstance } from '../dms/wire';
import type { Outcome } from '../report/records';
import type { ActContext } from './context';
import type { Fresh } from './fresh';

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
