import { InstanceStatus, RESTART_IN_PROGRESS } from '../dms/status';
import { waitBudgetMs } from '../exec/deadline';
import type { WaitForRunning } from '../policy/resolve';
import { Outcome } from '../report/records';
import type { ActContext } from './context';
import type { Success } from './engine';
import { describeFresh, type Fresh, readFresh } from './fresh';
import { HealWatch } from './heal';

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
export function confirmWave(
  ctx: ActContext,
  wait: WaitForRunning,
  restarted: readonly Success[],
  since?: (s: Success) => number,
): Promise<WaveResult> {
  return new WaveWatch(ctx, wait, restarted, since).run();
}

/** One wave's instances, polled until each is back, bad, or out of time. */
class WaveWatch {
  private readonly started: number;
  private readonly waiting: Map<string, Success>;
  /** Seen leave RUNNING (RESTARTING or STARTING), now or by the engine's read-back. */
  private readonly left: Set<string>;
  private readonly onsetMs: number;
  private readonly lastSeen = new Map<string, string>();
  /** RUNNING again, waiting for the cluster to be whole (with `ctx.heal`). */
  private readonly healing: HealWatch;
  private bad = 0;

  constructor(
    private readonly ctx: ActContext,
    private readonly wait: WaitForRunning,
    restarted: readonly Success[],
    private readonly since?: (s: Success) => number,
  ) {
    this.started = ctx.clock.now();
    this.waiting = new Map(restarted.map((s) => [s.instance.instance_id, s]));
    this.left = new Set(
      restarted.filter((s) => s.seenRestarting).map((s) => s.instance.instance_id),
    );
    this.onsetMs = Math.min(ctx.onsetMs, wait.timeoutMs);
    this.healing = new HealWatch(ctx, wait);
  }

  async run(): Promise<WaveResult> {
    const { ctx, waiting, healing } = this;
    let cutByDeadline = false;
    while (waiting.size > 0 || healing.size > 0) {
      const now = ctx.clock.now();
      for (const [id, s] of waiting) {
        if (this.dueAt(id, s) > now) continue;
        waiting.delete(id);
        this.timedOut(id, s);
      }
      this.bad += healing.timeOuts(now);
      if (waiting.size === 0 && healing.size === 0) break;
      const untilTimeout = Math.min(
        ...[...waiting].map(([id, s]) => this.dueAt(id, s) - now),
        healing.nextDue(now),
      );
      const untilCutoff = waitBudgetMs(ctx.deadline);
      if (untilCutoff <= 0) {
        cutByDeadline = true;
        break;
      }
      await ctx.clock.sleep(Math.max(0, Math.min(this.wait.pollMs, untilTimeout, untilCutoff)));
      await this.poll();
    }
    this.recordUnconfirmed();
    await healing.end();
    return { bad: this.bad, cutByDeadline };
  }

  /** One look at every instance still waited for: status, or its cluster. */
  private async poll(): Promise<void> {
    const { ctx, waiting, healing } = this;
    const [live] = await Promise.all([
      waiting.size > 0
        ? readFresh(
            ctx,
            [...waiting.values()].map((s) => s.instance),
          )
        : undefined,
      healing.read(),
    ]);
    if (!live) return;
    for (const [id, s] of waiting) {
      const f = live.get(id);
      if (f) this.look(id, s, f);
    }
  }

  private sinceOf(s: Success): number {
    return this.since?.(s) ?? this.started;
  }

  /** The time by which an instance must have shown what it waits for: leaving RUNNING, then RUNNING. */
  private dueAt(id: string, s: Success): number {
    return this.sinceOf(s) + (this.left.has(id) ? this.wait.timeoutMs : this.onsetMs);
  }

  /** What one read shows: still on its way, back, or landed elsewhere. */
  private look(id: string, s: Success, f: Fresh): void {
    const { ctx } = this;
    this.lastSeen.set(id, describeFresh(f));
    // An unreadable status may be a passing fault: look again next time.
    if ('unreadable' in f) return;
    if ('instance' in f && RESTART_IN_PROGRESS.has(f.instance.status)) {
      this.left.add(id);
      return;
    }
    const earlier = s.earlier;
    if (earlier && !this.left.has(id) && 'instance' in f) {
      if (!f.instance.tags.some((t) => t.key === earlier.key)) {
        this.waiting.delete(id);
        ctx.report.add(s.instance, earlier.unmarked);
        return;
      }
    }
    // Still RUNNING before it was ever seen restarting: the restart has not begun yet.
    const running = 'instance' in f && f.instance.status === InstanceStatus.Running;
    if (running && !this.left.has(id)) return;
    this.waiting.delete(id);
    if (running) {
      const detail = { ...s.detail, recoveredMs: ctx.clock.now() - this.sinceOf(s) };
      if (ctx.heal) this.healing.add({ ...s, detail });
      else ctx.report.add(s.instance, detail);
      return;
    }
    this.bad++;
    const landed =
      'instance' in f ? `status ${f.instance.status}` : 'the instance no longer exists';
    ctx.report.add(s.instance, {
      ...s.detail,
      outcome: Outcome.Failed,
      reason: `restarted, but then ${landed} instead of RUNNING`,
    });
  }

  private timedOut(id: string, s: Success): void {
    const seen = this.lastSeen.get(id);
    if (s.earlier && !this.left.has(id)) {
      this.ctx.report.add(s.instance, s.earlier.neverBegun);
      return;
    }
    this.bad++;
    const last = seen ? ` (last seen: ${seen})` : '';
    this.ctx.report.add(s.instance, {
      ...s.detail,
      outcome: Outcome.Failed,
      reason: this.left.has(id)
        ? `restarted, but not RUNNING after ${Math.round(this.wait.timeoutMs / 1000)} s${last}`
        : `restart accepted, but never seen to begin: not seen RESTARTING within ${Math.round(this.onsetMs / 1000)} s${last}`,
    });
  }

  /** Those the deadline left unconfirmed, recorded with their detail and why. */
  private recordUnconfirmed(): void {
    for (const [id, s] of this.waiting) {
      const what = this.left.has(id)
        ? 'RUNNING not confirmed before the deadline'
        : 'not yet seen restarting when the deadline came';
      this.ctx.report.add(s.instance, {
        ...s.detail,
        reason: s.detail.reason ? `${s.detail.reason}; ${what}` : `restart accepted; ${what}`,
      });
    }
  }
}
