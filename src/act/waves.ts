import { InstanceStatus, RESTART_IN_PROGRESS } from '../dms/status';
import { waitBudgetMs } from '../exec/deadline';
import type { WaitForRunning } from '../policy/resolve';
import { Outcome } from '../report/records';
import type { ActContext } from './context';
import type { Success } from './engine';
import { describeFresh, readFresh } from './fresh';

export const STOPPED_AFTER_BAD_WAVE = 'not started: an earlier wave was not confirmed RUNNING';

export interface WaveResult {
  /** Instances that did not come back to RUNNING in time, or landed elsewhere. */
  bad: number;
  /** The deadline came before every instance was confirmed. */
  cutByDeadline: boolean;
}

/**
 * Polls the instances a wave restarted until each is RUNNING again, and
 * records each the moment it settles. DMS shows RESTARTING only a little
 * after it accepts a restart, so an instance is back only once it was seen
 * leave RUNNING (RESTARTING or STARTING) and return. One still RUNNING
 * `ctx.onsetMs` (or `timeoutMs`, if shorter) after its restart
 * was accepted never began it, and is recorded failed; so is one that lands
 * anywhere else, or is still not back `timeoutMs` after it was restarted.
 * Polling stops at the write cutoff; those not yet confirmed are then
 * recorded with their detail and the reason.
 *
 * `since` says when an instance was restarted; by default, now. A campaign
 * passes the time of its mark for instances an earlier invocation restarted.
 * A {@link Success} with `seenRestarting` was already seen leave RUNNING.
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
  const left = new Set(
    restarted.filter((s) => s.seenRestarting).map((s) => s.instance.instance_id),
  );
  const onsetMs = Math.min(ctx.onsetMs, wait.timeoutMs);
  // The time by which an instance must have shown what it waits for: leaving RUNNING, then RUNNING.
  const dueAt = (id: string, s: Success) => sinceOf(s) + (left.has(id) ? wait.timeoutMs : onsetMs);
  let bad = 0;
  let cutByDeadline = false;
  const lastSeen = new Map<string, string>();
  const timedOut = (id: string, s: Success) => {
    const seen = lastSeen.get(id);
    if (s.earlier && !left.has(id)) {
      ctx.report.add(s.instance, s.earlier.neverBegun);
      return;
    }
    bad++;
    ctx.report.add(s.instance, {
      ...s.detail,
      outcome: Outcome.Failed,
      reason: left.has(id)
        ? `restarted, but not RUNNING after ${Math.round(wait.timeoutMs / 1000)} s${seen ? ` (last seen: ${seen})` : ''}`
        : `restart accepted, but never seen to begin: not seen RESTARTING within ${Math.round(onsetMs / 1000)} s${seen ? ` (last seen: ${seen})` : ''}`,
    });
  };

  while (waiting.size > 0) {
    const now = ctx.clock.now();
    for (const [id, s] of waiting) {
      if (dueAt(id, s) <= now) {
        waiting.delete(id);
        timedOut(id, s);
      }
    }
    if (waiting.size === 0) break;
    const untilTimeout = Math.min(...[...waiting].map(([id, s]) => dueAt(id, s) - now));
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
      if ('instance' in f && RESTART_IN_PROGRESS.has(f.instance.status)) {
        left.add(id);
        continue;
      }
      const earlier = s.earlier;
      if (earlier && !left.has(id) && 'instance' in f) {
        if (!f.instance.tags.some((t) => t.key === earlier.key)) {
          waiting.delete(id);
          ctx.report.add(s.instance, earlier.unmarked);
          continue;
        }
      }
      // Still RUNNING before it was ever seen restarting: the restart has not begun yet.
      if ('instance' in f && f.instance.status === InstanceStatus.Running && !left.has(id)) {
        continue;
      }
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
  for (const [id, s] of waiting) {
    const what = left.has(id)
      ? 'RUNNING not confirmed before the deadline'
      : 'not yet seen restarting when the deadline came';
    ctx.report.add(s.instance, {
      ...s.detail,
      reason: s.detail.reason ? `${s.detail.reason}; ${what}` : `restart accepted; ${what}`,
    });
  }
  return { bad, cutByDeadline };
}
