import { InstanceStatus, RESTART_IN_PROGRESS } from '../dms/status';
import type { KafkaCluster, KafkaInstance } from '../dms/wire';
import { waitBudgetMs } from '../exec/deadline';
import { judgeRestart, type RestartLook, type RestartState } from '../plan/evidence';
import type { WaitForRunning } from '../policy/resolve';
import { Outcome } from '../report/records';
import type { ActContext } from './context';
import type { Success } from './engine';
import { describeFresh, readFresh } from './fresh';
import { putHolds } from './holds';
import { readKafka } from './kafka-checks';

export const STOPPED_AFTER_BAD_WAVE = 'not started: an earlier wave was not confirmed RUNNING';

export interface WaveResult {
  /** Instances the gate did not confirm: landed elsewhere, out of time, or never begun. */
  bad: number;
  /** The deadline came before every instance was judged. */
  cutByDeadline: boolean;
  /** Holds that could not be written, one line each: the campaign must stop on them. */
  holdsNotWritten: string[];
}

/** A campaign's counts, as its wave lines carry them. */
export interface Tally {
  /** Instances earlier runs restarted in this period, and this run found done or waited for. */
  earlierDone: number;
  counts(): { done: number; remaining: number };
}

/** Instances as a wave line names them. */
export function refs(items: readonly KafkaInstance[]) {
  return items.map((i) => ({ id: i.instance_id, name: i.name }));
}

/** A restart the gate watches: this run's, or one an earlier run made. */
export interface Watched extends Success {
  /** The restart call (its last send), or an earlier run's mark: onset and timeout count from it. */
  since: number;
  /** The brokers' latest registration read before the mark, when it was read. */
  registered?: number | undefined;
}

/** Cluster reads back off from the poll interval up to this many times it. */
const MAX_BACKOFF = 4;

/**
 * Watches restarted instances until the gate (plan/evidence.ts) confirms
 * each, finds it bad, or the deadline comes, and records each the moment
 * it is judged. Every wave goes through it, a run's own and the ones it
 * finds an earlier run made (wave 0), so no wave counts as done on the DMS
 * status alone. An instance RUNNING whose restart the gate cannot confirm
 * (its cluster not whole, or no evidence it restarted and a cluster not
 * known whole) is put on hold, for every later run to look at first.
 */
export function confirmWave(
  ctx: ActContext,
  wait: WaitForRunning,
  watched: readonly Watched[],
): Promise<WaveResult> {
  return new GateWatch(ctx, wait, watched).run();
}

interface Watch {
  w: Watched;
  status?: RestartLook['status'];
  seen: boolean;
  cluster?: KafkaCluster | { unreadable: string };
  clusterDueAt: number;
  clusterReads: number;
  runningAt?: number;
  last: string;
}

class GateWatch {
  private readonly waiting = new Map<string, Watch>();
  private readonly toHold: Watched[] = [];
  private bad = 0;

  constructor(
    private readonly ctx: ActContext,
    private readonly wait: WaitForRunning,
    watched: readonly Watched[],
  ) {
    for (const w of watched) {
      // An earlier run's restart starts from the listing's status; a run's own from no look yet.
      const status = w.earlier ? w.instance.status : undefined;
      this.waiting.set(w.instance.instance_id, {
        w,
        ...(status ? { status } : {}),
        seen:
          w.seenRestarting === true || (status !== undefined && RESTART_IN_PROGRESS.has(status)),
        clusterDueAt: 0,
        clusterReads: 0,
        last: status ? `status now ${status}` : 'not read yet',
      });
    }
  }

  async run(): Promise<WaveResult> {
    const { ctx, waiting } = this;
    let cutByDeadline = false;
    await this.readClusters();
    for (;;) {
      const now = ctx.clock.now();
      for (const [id, x] of waiting) if (x.status !== undefined) this.judge(id, x, now);
      if (waiting.size === 0) break;
      const budget = waitBudgetMs(ctx.deadline);
      if (budget <= 0) {
        cutByDeadline = true;
        break;
      }
      await ctx.clock.sleep(Math.max(0, Math.min(this.wait.pollMs, this.nextDue(now), budget)));
      // A look the deadline refuses is no evidence either way: what is left stays unjudged.
      if (waitBudgetMs(ctx.deadline) <= 0) {
        cutByDeadline = true;
        break;
      }
      await this.poll();
    }
    this.recordUnconfirmed();
    const holdsNotWritten = await putHolds(ctx, this.toHold);
    return { bad: this.bad, cutByDeadline, holdsNotWritten };
  }

  /** Milliseconds until the next onset or timeout still ahead: a time already past is no reason to look sooner. */
  private nextDue(now: number): number {
    let next = Number.POSITIVE_INFINITY;
    const ahead = (at: number) => {
      if (at > now) next = Math.min(next, at - now);
    };
    for (const x of this.waiting.values()) {
      ahead(x.w.since + this.wait.timeoutMs);
      if (!x.seen) ahead(x.w.since + this.ctx.onsetMs);
    }
    return next;
  }

  /** One look at every instance still waited for: its status, then its cluster where needed. */
  private async poll(): Promise<void> {
    const live = await readFresh(
      this.ctx,
      [...this.waiting.values()].map((x) => x.w.instance),
    );
    for (const [id, x] of this.waiting) {
      const f = live.get(id);
      if (!f) continue;
      x.status = 'instance' in f ? f.instance.status : f;
      x.last = describeFresh(f);
      if ('instance' in f && RESTART_IN_PROGRESS.has(f.instance.status)) x.seen = true;
      const mark = x.w.earlier?.key;
      if (mark && !x.seen && 'instance' in f && !f.instance.tags.some((t) => t.key === mark)) {
        // The earlier run took its mark off: its restart did not apply.
        this.waiting.delete(id);
        this.ctx.report.add(x.w.instance, x.w.earlier?.unmarked ?? x.w.detail);
      }
    }
    await this.readClusters();
  }

  /** Clusters of instances RUNNING whose restart needs them: the heal, or the brokers' evidence. */
  private async readClusters(): Promise<void> {
    const now = this.ctx.clock.now();
    const due = [...this.waiting.values()].filter(
      (x) =>
        x.status === InstanceStatus.Running &&
        (this.ctx.heal || (!x.seen && x.w.registered !== undefined)) &&
        x.clusterDueAt <= now,
    );
    if (due.length === 0) return;
    const reads = await readKafka(
      this.ctx.dms,
      due.map((x) => x.w.instance),
      false,
    );
    const at = this.ctx.clock.now();
    for (const x of due) {
      const r = reads.get(x.w.instance.instance_id) ?? {};
      x.cluster = r.cluster ?? { unreadable: r.unreadable ?? 'no answer' };
      x.clusterReads++;
      x.clusterDueAt = at + this.wait.pollMs * Math.min(2 ** (x.clusterReads - 1), MAX_BACKOFF);
    }
  }

  private judge(id: string, x: Watch, now: number): void {
    const { ctx, wait } = this;
    const st = judgeRestart({
      status: x.status ?? { unreadable: 'not read' },
      seenRestarting: x.seen,
      cluster: x.cluster,
      registered: x.w.registered,
      brokerNum: x.w.instance.broker_num,
      heal: ctx.heal === true,
      elapsedMs: now - x.w.since,
      onsetMs: ctx.onsetMs,
      timeoutMs: wait.timeoutMs,
    });
    if (x.status === InstanceStatus.Running && x.seen && x.runningAt === undefined) {
      x.runningAt = now;
    }
    if (st.state === 'waiting') {
      x.last = st.last;
      return;
    }
    this.waiting.delete(id);
    if (st.state === 'confirmed') {
      this.confirmed(x, st.evidence, st.kafka, now);
      return;
    }
    if (st.state === 'not-begun') {
      this.notBegun(x, st);
      return;
    }
    this.bad++;
    if (x.status === InstanceStatus.Running) this.toHold.push(x.w);
    ctx.report.add(x.w.instance, {
      ...this.failed(x, badReason(x, st.reason, st.last ?? x.last, wait)),
      ...(st.kafka ? { kafka: st.kafka } : {}),
    });
  }

  /**
   * No evidence that the restart happened. An earlier run's, with nothing
   * broken, is a run that stopped before its call: done for this period, and
   * no reason to stop. This run's own is a restart DMS accepted and did not
   * carry out: failed. Either, with a cluster not whole, is put on hold.
   */
  private notBegun(x: Watch, st: Extract<RestartState, { state: 'not-begun' }>): void {
    const { ctx } = this;
    const broken = ctx.heal === true && !st.whole;
    const evidence = `none: ${st.last}`;
    if (x.w.earlier && !broken) {
      ctx.report.add(x.w.instance, { ...x.w.earlier.neverBegun, evidence });
      return;
    }
    this.bad++;
    if (broken) this.toHold.push(x.w);
    const why = neverBegun(ctx.onsetMs, this.wait);
    const reason = broken
      ? `${why}; its cluster is not known whole (${st.kafka ?? 'not read'})`
      : why;
    ctx.report.add(x.w.instance, { ...this.failed(x, reason), evidence });
  }

  private confirmed(x: Watch, evidence: string, kafka: string | undefined, now: number): void {
    const running = x.runningAt ?? now;
    this.ctx.report.add(x.w.instance, {
      ...x.w.detail,
      recoveredMs: running - x.w.since,
      ...(kafka ? { kafka, healedMs: now - running } : {}),
      evidence,
    });
  }

  private failed(x: Watch, reason: string) {
    return { ...x.w.detail, outcome: Outcome.Failed, reason };
  }

  /** Those the deadline left unjudged, recorded with their detail and why; RUNNING ones on hold. */
  private recordUnconfirmed(): void {
    for (const x of this.waiting.values()) {
      // RUNNING, and its cluster not known whole: held, whatever the status polls caught.
      const hold = x.status === InstanceStatus.Running && this.ctx.heal === true;
      const what = hold
        ? `RUNNING; its restart not confirmed when the deadline came (last seen: ${x.last}), so it is put on hold for the next run to look at first`
        : x.seen
          ? 'RUNNING not confirmed before the deadline'
          : 'not yet seen restarting when the deadline came';
      if (hold) this.toHold.push(x.w);
      const d = x.w.detail;
      this.ctx.report.add(x.w.instance, {
        ...d,
        reason: d.reason ? `${d.reason}; ${what}` : `restart accepted; ${what}`,
      });
    }
    this.waiting.clear();
  }
}

function neverBegun(onsetMs: number, wait: WaitForRunning): string {
  const s = Math.round(Math.min(onsetMs, wait.timeoutMs) / 1000);
  return `restart accepted, but never seen to begin: not seen RESTARTING within ${s} s (last seen: status now ${InstanceStatus.Running})`;
}

/** The reasons records have always carried, by what went wrong. */
function badReason(x: Watch, reason: string, last: string, wait: WaitForRunning): string {
  const s = x.status;
  if (typeof s === 'object' && 'gone' in s)
    return 'restarted, but then the instance no longer exists instead of RUNNING';
  if (typeof s === 'string' && s !== InstanceStatus.Running && !RESTART_IN_PROGRESS.has(s)) {
    return `restarted, but then status ${s} instead of RUNNING`;
  }
  const timeout = Math.round(wait.timeoutMs / 1000);
  if (s === InstanceStatus.Running && x.seen) {
    return `restarted and RUNNING, but its cluster did not heal within ${timeout} s (last seen: ${last}); the campaign stops, and waits for it, until its cluster is whole again or the tag dms-maintenance.unhealthy is taken off it`;
  }
  if (x.seen) return `restarted, but not RUNNING after ${timeout} s (last seen: ${last})`;
  return reason;
}
