import { RESTART_IN_PROGRESS } from '../dms/status';
import type { KafkaInstance } from '../dms/wire';
import { Outcome } from '../report/records';
import type { ActContext } from './context';
import { DEADLINE } from './context';
import { type WriteKind, writeBatch } from './engine';
import { confirmWave, STOPPED_AFTER_BAD_WAVE, type WaitForRunning } from './waves';

export const restartKind: WriteKind = {
  verb: 'restart',
  operation: 'RestartInstances',
  success: Outcome.Restarted,
  send: (dms, ids) => dms.restartInstances(ids),
  // A restart lasts 3-15 minutes: one that took still shows it seconds later.
  tookEffect: (f) => 'instance' in f && RESTART_IN_PROGRESS.has(f.instance.status),
};

/**
 * Restarts the planned batches in order. With `wait`, each batch is a wave:
 * the next starts only once every instance of this one is seen RUNNING
 * again. Any instance of a wave that is not confirmed (failed, answer lost
 * and unreadable, or landed anywhere but RUNNING) stops the waves after it.
 * Without `wait`, batches go back to back.
 */
export async function restartInstances(
  ctx: ActContext,
  batches: readonly (readonly KafkaInstance[])[],
  wait?: WaitForRunning,
): Promise<void> {
  for (const [i, batch] of batches.entries()) {
    const result = await writeBatch(ctx, restartKind, batch);
    let stop: string | undefined = result.stopped;
    if (wait) {
      const wave = await confirmWave(ctx, wait, result.succeeded);
      if (result.failed > 0 || wave.bad > 0) stop = STOPPED_AFTER_BAD_WAVE;
      else if (wave.cutByDeadline) stop ??= DEADLINE;
    } else {
      for (const s of result.succeeded) ctx.report.add(s.instance, s.detail);
    }
    if (stop) {
      ctx.report.skipAll(batches.slice(i + 1).flat(), stop);
      return;
    }
  }
}
