import { isDmsApiError } from '../dms/errors';
import { HOLD_KEY, holdTag } from '../plan/hold';
import { clusterProblem, healthLine } from '../plan/preflight';
import type { WaitForRunning } from '../policy/resolve';
import { Outcome } from '../report/records';
import type { ActContext } from './context';
import type { Success } from './engine';
import { readKafka } from './kafka-checks';

interface Healing {
  s: Success;
  /** When it was seen RUNNING again. */
  since: number;
  /** When the next cluster read is due. */
  nextAt: number;
  reads: number;
  /** What the last read showed, for a reason. */
  last: string;
}

/** Cluster reads back off from the poll interval up to this many times it. */
const MAX_BACKOFF = 4;

/**
 * Instances RUNNING again after a restart, watched until their cluster is
 * whole: every broker healthy, every replica in sync, no partition offline.
 * The cluster gets `timeoutSeconds` from RUNNING, read at the poll interval
 * and then less often (up to {@link MAX_BACKOFF} times it). One that does
 * not heal in time is recorded failed, with the counts it last showed, and
 * put on hold (a tag, see plan/hold.ts): no campaign that selects it starts
 * a wave, in this invocation or a later one, until a run finds it whole
 * again or a person takes the tag off. One the deadline leaves unjudged is
 * put on hold too, for the next run to look at first.
 */
export class HealWatch {
  private readonly healing = new Map<string, Healing>();
  private readonly toHold: Success[] = [];

  constructor(
    private readonly ctx: ActContext,
    private readonly wait: WaitForRunning,
  ) {}

  get size(): number {
    return this.healing.size;
  }

  add(s: Success): void {
    const now = this.ctx.clock.now();
    const last = 'not read yet';
    this.healing.set(s.instance.instance_id, { s, since: now, nextAt: now, reads: 0, last });
  }

  /** Records those out of time as failed; returns how many. */
  timeOuts(now: number): number {
    let bad = 0;
    for (const [id, h] of this.healing) {
      if (h.since + this.wait.timeoutMs > now) continue;
      this.healing.delete(id);
      bad++;
      this.toHold.push(h.s);
      this.ctx.report.add(h.s.instance, {
        ...h.s.detail,
        outcome: Outcome.Failed,
        kafka: h.last,
        reason: `restarted and RUNNING, but its cluster did not heal within ${Math.round(this.wait.timeoutMs / 1000)} s (last seen: ${h.last}); the campaign stops, and waits for it, until its cluster is whole again or the tag ${HOLD_KEY} is taken off it`,
      });
    }
    return bad;
  }

  /** Milliseconds until the next cluster read or time-out; Infinity when none waits. */
  nextDue(now: number): number {
    let next = Number.POSITIVE_INFINITY;
    for (const h of this.healing.values()) {
      next = Math.min(next, h.nextAt - now, h.since + this.wait.timeoutMs - now);
    }
    return next;
  }

  /** Reads the clusters due now; records each one whole again. */
  async read(): Promise<void> {
    const now = this.ctx.clock.now();
    const due = [...this.healing.values()].filter((h) => h.nextAt <= now);
    if (due.length === 0) return;
    const reads = await readKafka(
      this.ctx.dms,
      due.map((h) => h.s.instance),
      false,
    );
    const at = this.ctx.clock.now();
    for (const h of due) {
      const r = reads.get(h.s.instance.instance_id) ?? {};
      h.reads++;
      h.nextAt = at + this.wait.pollMs * Math.min(2 ** (h.reads - 1), MAX_BACKOFF);
      if (!r.cluster) {
        h.last = `the cluster could not be read: ${r.unreadable}`;
        continue;
      }
      const problem = clusterProblem(r.cluster);
      h.last = problem ? `${problem} (${healthLine(r.cluster)})` : healthLine(r.cluster);
      if (problem) continue;
      this.healing.delete(h.s.instance.instance_id);
      this.ctx.report.add(h.s.instance, {
        ...h.s.detail,
        kafka: h.last,
        healedMs: at - h.since,
      });
    }
  }

  /**
   * The end of the watch: those the deadline left unjudged are recorded
   * restarted, with what was last seen, and like those that did not heal,
   * are put on hold.
   */
  async end(): Promise<void> {
    for (const h of this.healing.values()) {
      const what = `RUNNING again; its cluster not yet whole when the deadline came (last seen: ${h.last}), so it is put on hold for the next run to look at first`;
      this.ctx.report.add(h.s.instance, {
        ...h.s.detail,
        kafka: h.last,
        reason: h.s.detail.reason ? `${h.s.detail.reason}; ${what}` : what,
      });
      this.toHold.push(h.s);
    }
    this.healing.clear();
    const at = this.ctx.clock.now();
    for (const s of this.toHold) {
      try {
        await this.ctx.dms.tagInstance(s.instance.instance_id, 'create', [holdTag(at)]);
      } catch (e) {
        if (!isDmsApiError(e)) throw e;
        this.ctx.report.warn({
          message: `the hold could not be put on (${e.message}); a later run will not know this cluster did not heal`,
          instanceId: s.instance.instance_id,
        });
      }
    }
  }
}
