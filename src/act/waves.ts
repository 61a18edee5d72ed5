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
 * still not back `timeoutMs` after it was restarted, is recorded failed.
 * Polling stops at the write cutoff; those not yet confirmed are then
 * recorded with their detail and the reason.
 *
 * `since` says when an instance was restarted; by default, now. A campaign
 * passes the time of its mark for instances an earlier invocation restarted.
 */
export async function confirmWave(
  ctx: ActContext,
  wait: WaitForRunning,
  restarted: readonly Success[],
  since?: (s: Success) => number,
): Promise<WaveResult> {
  const started = ctx.clock.now();
  const sinceOf = (s: Success) => since?.(s) ?? started;
  const waiting = new Map(restarted.map((s) => [s.instance.instance_id, s]));
  let bad = 0;
  let cutByDeadline = false;
  const lastSeen = new Map<string, string>();
  const timedOut = (s: Success) => {
    bad++;
    const seen = lastSeen.get(s.instance.instance_id);
    ctx.report.add(s.instance, {
      ...s.detail,
      outcome: Outcome.Failed,
      reason: `restarted, but not RUNNING after ${Math.round(wait.timeoutMs / 1000)} s${seen ? ` (last seen: ${seen})` : ''}`,
    });
  };

  while (waiting.size > 0) {
    const now = ctx.clock.now();
    for (const [id, s] of waiting) {
      if (sinceOf(s) + wait.timeoutMs <= now) {
        waiting.delete(id);
        timedOut(s);
      }
    }
    if (waiting.size === 0) break;
    const untilTimeout = Math.min(
      ...[...waiting.values()].map((s) => sinceOf(s) + wait.timeoutMs - now),
    );
    const untilCutoff = waitBudgetMs(ctx.deadline);
    if (untilCutoff <= 0) {
      cutByDeadline = true;
      break;
    }
    await ctx.clock.sleep(Math.min(wait.pollMs, untilTimeout, untilCutoff));
    const live = await readFresh(
      ctx,
      [...waiting.values()].map((s) => s.instance),
    );
    for (const [id, s] of waiting) {
      const f = live.get(id);
      if (!f) continue;
      lastSeen.set(id, describeFresh(f));
      // An unreadable status may be a passing fault: look again next time.
      if ('unreadable' in f) continue;
      if ('instance' in f && RESTART_IN_PROGRESS.has(f.instance.status)) continue;
      waiting.delete(id);
      if ('instance' in f && f.instance.status === InstanceStatus.Running) {
        ctx.report.add(s.instance, { ...s.detail, recoveredMs: ctx.clock.now() - sinceOf(s) });
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
  for (const s of waiting.values()) {
    ctx.report.add(s.instance, {
      ...s.detail,
      reason: s.detail.reason
        ? `${s.detail.reason}; RUNNING not confirmed before the deadline`
        : 'restart accepted; RUNNING not confirmed before the deadline',
    });
  }
  return { bad, cutByDeadline };
}
