import type { KafkaInstance } from '../dms/wire';
import { RESTARTABLE_STATUSES } from '../policy/schema';
import { Outcome } from '../report/records';
import type { ActContext } from './context';
import { type WaitForRunning, waitForRunning } from './recovery';
import { type WriteKind, writeInBatches } from './writes';

const restartable = new Set<string>(RESTARTABLE_STATUSES);

/** DMS accepts a restart from RUNNING or ERROR; RESTARTING shows one in progress. */
export const restartKind: WriteKind = {
  operation: 'RestartInstances',
  success: Outcome.Restarted,
  send: (ctx, ids) => ctx.dms.restartInstances(ids),
  eligible: (s) => restartable.has(s),
  tookEffect: (s) => s === 'RESTARTING',
};

/**
 * Restarts the instances in batches; see {@link writeInBatches}. With
 * `wait`, each batch is a wave that must be RUNNING again before the next.
 */
export function restartInstances(
  ctx: ActContext,
  instances: readonly KafkaInstance[],
  batchSize: number,
  wait?: WaitForRunning,
): Promise<boolean> {
  return writeInBatches(ctx, restartKind, instances, batchSize, wait && waitForRunning(ctx, wait));
}
