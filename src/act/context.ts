import type { DmsClient } from '../dms/client';
import type { KafkaInstance } from '../dms/wire';
import { pastWriteCutoff } from '../exec/deadline';
import type { RetryContext } from '../exec/retry';
import type { Verdict } from '../plan/select';
import type { Report } from '../report/report';
import { DEADLINE } from '../report/report';

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
  /**
   * Checked before every write call, resends included: why none may go out
   * now (a campaign's window in its cutoff, or closed), or undefined.
   */
  mayWrite?: () => string | undefined;
}

export { DEADLINE } from '../report/report';

/** Why no write call may go out now: the deadline's margin, or `ctx.mayWrite`; else undefined. */
export function noWriteNow(ctx: ActContext): string | undefined {
  return pastWriteCutoff(ctx.deadline) ? DEADLINE : ctx.mayWrite?.();
}

/** How many instance reads run at once. */
export const READ_CONCURRENCY = 5;
