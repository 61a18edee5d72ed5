import pLimit from 'p-limit';
import { isDmsApiError } from '../dms/errors';
import type { KafkaInstance } from '../dms/wire';
import { withRetry } from '../exec/retry';
import { type ActContext, READ_CONCURRENCY } from './context';

/** An instance's current status; `GONE` when DMS no longer knows it. */
export type LiveStatus = { status: string } | { status: 'GONE' } | { unreadable: string };

/** Reads the current status of each instance, a few at a time, with read retries. */
export async function readStatuses(
  ctx: ActContext,
  instances: readonly KafkaInstance[],
): Promise<Map<string, LiveStatus>> {
  const limit = pLimit(READ_CONCURRENCY);
  const entries = await Promise.all(
    instances.map((inst) =>
      limit(async (): Promise<[string, LiveStatus]> => {
        try {
          const live = await withRetry(ctx, 'ShowInstance', () =>
            ctx.dms.showInstance(inst.instance_id),
          );
          return [inst.instance_id, { status: live.status }];
        } catch (e) {
          if (isDmsApiError(e) && e.httpStatus === 404)
            return [inst.instance_id, { status: 'GONE' }];
          return [inst.instance_id, { unreadable: e instanceof Error ? e.message : String(e) }];
        }
      }),
    ),
  );
  return new Map(entries);
}
