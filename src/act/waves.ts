import { InstanceStatus, RESTART_IN_PROGRESS } from '../dms/status';
import { waitBudgetMs } from '../exec/deadline';
import { Outcome } from '../report/records';
import type { ActContext } from './context';
import type { Success } from './engine';
import { describeFresh, readFresh } from './fresh';

/** How long to wait for a restarted wave to be RUNNING again, and how often to look. */
export interface WaitForRunning {
  timeoutMs: number;
  pollMs: number;
}

export const STOPPED_AFTER_BAD_WAVE = 'not started: an earlier wave was not confirmed RUNNING';

export interface WaveResult {
  /** Instances that did not come back to RUNNING in time, or landed elsewhere. */
  bad: number;
  /** The deadline came before every instance was confirmed. */
  cutByDeadline: boolean;
}

/**
 * Polls the instances a wave restarted until each is RUNNING again, and
 * records each the moment it settles. One that lands anywhere else, or is
 * still not back at the timeout, is recorded failed. Polling stops at the
 * write cutoff; those not yet confirmed are then recorded restarted, with
 * the reason.
 */
export async function confirmWave(
  ctx: ActContext,
  wait: WaitForRunning,
  restarted: readonly Success[],
): Promise<WaveResult> {
  const started = ctx.clock.now();
  const waiting = new Map(restarted.map((s) => [s.instance.instance_id, s]));
  let bad = 0;
  let cutByDeadline = false;
  let lastSeen = new Map<string, string>();

  while (waiting.size > 0) {
    const untilTimeout = started + wait.timeoutMs - ctx.clock.now();
    const untilCutoff = waitBudgetMs(ctx.deadline);
    if (untilCutoff <= 0) cutByDeadline = true;
    if (untilTimeout <= 0 || untilCutoff <= 0) break;
    await ctx.clock.sleep(Math.min(wait.pollMs, untilTimeout, untilCutoff));
    const live = await readFresh(
      ctx,
      [...waiting.values()].map((s) => s.instance),
    );
    lastSeen = new Map();
    for (const [id, s] of waiting) {
      const f = live.get(id);
      if (!f) continue;
      lastSeen.set(id, describeFresh(f));
      // An unreadable status may be a passing fault: look again next time.
      if ('unreadable' in f) continue;
      if ('instance' in f && RESTART_IN_PROGRESS.has(f.instance.status)) continue;
      waiting.delete(id);
      if ('instance' in f && f.instance.status === InstanceStatus.Running) {
        ctx.report.add(s.instance, { ...s.detail, recoveredMs: ctx.clock.now() - started });
      } else {
        bad++;
        const landed =
          'instance' in f ? `status ${f.instance.status}` : 'the instance no longer exists';
        ctx.report.add(s.instance, {
          ...s.detail,
          outcome: Outcome.Failed,
          reason: `restarted, but then ${landed} instead of RUNNING`,
        });
      }
    }
  }
  for (const [id, s] of waiting) {
    const seen = lastSeen.get(id);
    if (cutByDeadline) {
      ctx.report.add(s.instance, {
        ...s.detail,
        reason: 'restart accepted; RUNNING not confirmed before the deadline',
      });
    } else {
      bad++;
      ctx.report.add(s.instance, {
        ...s.detail,
        outcome: Outcome.Failed,
        reason: `restarted, but not RUNNING after ${Math.round(wait.timeoutMs / 1000)} s${seen ? ` (last seen: ${seen})` : ''}`,
      });
    }
  }
  return { bad, cutByDeadline };
}
