import type { DmsClient } from '../dms/client';
import type { KafkaInstance } from '../dms/wire';
import type { RetryContext } from '../exec/retry';
import type { Verdict } from '../plan/select';
import type { Report } from '../report/report';

/** What acting needs: the client, time and retry settings, the policy's judgement, the report. */
export interface ActContext extends RetryContext {
  dms: DmsClient;
  report: Report;
  /** The policy, applied again to each instance read fresh right before a write. */
  judge: (instance: KafkaInstance) => Verdict;
  /**
   * How long after DMS accepted a restart the instance may still show no
   * sign of it (`RESTART_ONSET_MS`; default `RESTART_ONSET_MS` of `dms/status`).
   */
  onsetMs: number;
  /**
   * The Kafka checks are on: a restarted instance is back only once its
   * cluster is whole again (every broker healthy, every replica in sync).
   */
  heal?: boolean;
}

export { DEADLINE } from '../report/report';

/** How many instance reads run at once. */
export const READ_CONCURRENCY = 5;
