import type { DmsClient } from '../dms/client';
import type { RetryContext } from '../exec/retry';
import type { Report } from '../report/report';

/** What acting needs: the client, retry and time settings, and the report. */
export interface ActContext extends RetryContext {
  dms: DmsClient;
  report: Report;
}

/** The skip reason for instances the invocation ran out of time for. */
export const DEADLINE = 'deadline';

/** How many status reads run at once when checking many instances. */
export const READ_CONCURRENCY = 5;
