/**
 * The five promises of a campaign, checked against what the simulator saw,
 * never against what the function says it did:
 * - P1 at most `batchSize` instances restarting at once (in their onset or
 *   RESTARTING), counted at the instant each restart is taken;
 * - P2 each instance restarted at most once in the window;
 * - P3 no restart outside the window or inside its cutoff (by the clock of
 *   the invocation that sent it);
 * - P4 no restart while an instance the campaign selects carries the hold,
 *   or while an instance restarted by an earlier wave has a cluster that is
 *   not whole (a person who takes the hold off overrides that instance);
 * - P5 by the end, every selected instance restarted in the window, or some
 *   run rejected (or an SMN message went out).
 */
import type { RecordedRequest, RestartEvent, SimInstance, Simulator } from '../../simulator';
import { HOLD_KEY } from '../../src/plan/hold';
import { MIN, type Scenario, WINDOW_START } from './generator';

export type Promise5 = 'P1' | 'P2' | 'P3' | 'P4' | 'P5';

export interface Violation {
  promise: Promise5;
  step: number;
  /** Fleet time. */
  at: number;
  detail: string;
}

/** What the checker needs to know of the invocation running now. */
export interface Running {
  step: number;
  skewMs: number;
  cutoffMinutes: number;
  /** The first request seq of this invocation. */
  firstSeq: number;
}

export const hhmmss = (t: number) => new Date(t).toISOString().slice(11, 19);

const tag = (i: SimInstance, key: string) => i.tags.find((t) => t.key === key)?.value;

/** Selected by the policy: `env: prod`, and not protected. */
export function selected(i: SimInstance): boolean {
  return tag(i, 'env') === 'prod' && tag(i, 'maintenance-protect') !== 'true';
}

export class Checker {
  readonly violations: Violation[] = [];
  /** Instance id to the times its restarts were taken. */
  readonly accepted = new Map<string, number[]>();
  /** Instances in a restart now: taken, and not ended. */
  private readonly busy = new Set<string>();
  /** Instances whose hold a person took off: their cluster is theirs to judge from then on. */
  readonly overridden = new Set<string>();
  /**
   * When a person put a hold on, as the first request seq that could see it
   * (a seq and a half: between two requests).
   */
  private readonly personHolds = new Map<string, number>();
  running: Running | undefined;

  constructor(
    private readonly sim: Simulator,
    private readonly s: Scenario,
  ) {}

  onRestart(e: RestartEvent): void {
    if (e.kind === 'ended') this.busy.delete(e.id);
    if (e.kind !== 'accepted') return;
    this.busy.add(e.id);
    const run = this.running;
    const step = run?.step ?? -1;
    const fail = (promise: Promise5, detail: string) =>
      this.violations.push({ promise, step, at: e.at, detail: `${e.id}: ${detail}` });
    const before = this.accepted.get(e.id) ?? [];
    if (before.length > 0) {
      fail('P2', `restarted again at ${hhmmss(e.at)}, first at ${hhmmss(before[0] ?? 0)}`);
    }
    if (this.busy.size > this.s.batchSize) {
      fail(
        'P1',
        `restart taken at ${hhmmss(e.at)} with ${this.busy.size} restarting at once (${[...this.busy].sort().join(', ')}), batchSize ${this.s.batchSize}`,
      );
    }
    if (run) this.window(e, run, fail);
    this.heldOrUnhealthy(e, run, fail);
    this.accepted.set(e.id, [...before, e.at]);
  }

  private window(e: RestartEvent, run: Running, fail: (p: Promise5, d: string) => void): void {
    const seen = e.at + run.skewMs;
    const end = WINDOW_START + this.s.windowMinutes * MIN;
    const cutoffAt = end - run.cutoffMinutes * MIN;
    const when = `taken at ${hhmmss(seen)} by the run's clock`;
    if (seen < WINDOW_START) fail('P3', `${when}, before the window opened at 02:00:00`);
    else if (seen >= end) fail('P3', `${when}, after the window closed at ${hhmmss(end)}`);
    else if (seen >= cutoffAt) fail('P3', `${when}, inside the cutoff from ${hhmmss(cutoffAt)}`);
  }

  /** A person put a hold on `id`, seen from request `seq` on; or took it off (undefined). */
  personHold(id: string, seq: number | undefined): void {
    if (seq === undefined) this.personHolds.delete(id);
    else this.personHolds.set(id, seq);
  }

  /** The first request seq that could see the hold `id` carries now. */
  private holdSince(id: string): number {
    let since = this.personHolds.get(id) ?? Number.NEGATIVE_INFINITY;
    for (const r of this.sim.requests) {
      if (r.route !== 'tagAction' || !r.path.includes(`/${id}/`)) continue;
      if (r.status === 0 && r.fault !== 'lost-response') continue;
      const b = r.body as { action?: string; tags?: Array<{ key: string }> } | undefined;
      if (b?.action === 'create' && b.tags?.some((t) => t.key === HOLD_KEY)) {
        since = Math.max(since, r.seq + 0.5);
      }
    }
    return since;
  }

  /**
   * The last request before `id`'s restart from which the run could know of
   * a hold on `other`: the listing its wave was chosen from (and, for the
   * instance itself, its re-check read). A hold that appears later, in the
   * middle of the wave, is for the next wave to see.
   */
  private decidedAt(id: string, other: string, run: Running | undefined): number {
    const now = this.sim.requests.at(-1)?.seq ?? 0;
    if (!run) return now;
    const mine = this.sim.requests.filter((r) => r.seq >= run.firstSeq);
    const marked = mine
      .filter((r) => r.route === 'tagAction' && r.path.includes(`/${id}/`))
      .filter((r) => (r.body as { action?: string } | undefined)?.action === 'create')
      .at(-1)?.seq;
    const before = marked ?? now;
    let at = mine.filter((r) => r.route === 'listInstances' && r.seq < before).at(-1)?.seq;
    if (other === id) {
      const read = mine.filter((r) => r.route === 'showInstance' && r.path.endsWith(`/${id}`));
      at = Math.max(at ?? 0, read.at(-1)?.seq ?? 0);
    }
    return at ?? run.firstSeq;
  }

  private heldOrUnhealthy(
    e: RestartEvent,
    run: Running | undefined,
    fail: (p: Promise5, d: string) => void,
  ): void {
    const fleet = this.sim.instances();
    const held = fleet.filter(
      (i) =>
        selected(i) &&
        tag(i, HOLD_KEY) !== undefined &&
        this.holdSince(i.instance_id) <= this.decidedAt(e.id, i.instance_id, run),
    );
    if (held.length > 0) {
      fail(
        'P4',
        `restart taken at ${hhmmss(e.at)} while ${held.map((i) => i.instance_id).join(', ')} of the campaign ${held.length === 1 ? 'is' : 'are'} on hold, since before the listing this wave was chosen from`,
      );
    }
    const mates = run ? this.waveMates(e.id, run) : new Set<string>();
    for (const [id, times] of this.accepted) {
      if (id === e.id || mates.has(id) || this.overridden.has(id)) continue;
      if (!times.some((t) => t < e.at)) continue;
      const problem = this.clusterProblem(id);
      if (problem) {
        fail(
          'P4',
          `restart taken at ${hhmmss(e.at)} while ${id}, restarted at ${hhmmss(times[0] ?? 0)} by an earlier wave, has a cluster not whole: ${problem}`,
        );
      }
    }
  }

  /** The instances that shared a restart call with `id` in this invocation: its own wave. */
  private waveMates(id: string, run: Running): Set<string> {
    const mates = new Set<string>();
    for (const r of this.sim.requests) {
      if (r.seq < run.firstSeq || r.route !== 'instanceAction') continue;
      const ids = idsOf(r);
      if (ids.includes(id)) for (const m of ids) mates.add(m);
    }
    return mates;
  }

  /** What is wrong with the cluster now, as the simulator knows it, or undefined. */
  clusterProblem(id: string): string | undefined {
    const c = this.sim.observe.cluster(id);
    if (!c) return undefined;
    const down = c.brokers.filter((b) => !b.healthy).map((b) => b.broker_id);
    const parts: string[] = [];
    if (down.length > 0) parts.push(`broker ${down.join(', ')} down`);
    if (c.inSync < c.replicas) parts.push(`${c.inSync} of ${c.replicas} replicas in sync`);
    if (c.online < c.partitions) parts.push(`${c.online} of ${c.partitions} partitions online`);
    return parts.length > 0 ? parts.join(', ') : undefined;
  }

  /**
   * P5, at the end: every selected instance was restarted in the window, or
   * some run raised an alarm. `missedByDesign` are instances a killed run
   * marked: one it never restarted counts as done for the window, the
   * documented trade-off ("a missed restart", docs/campaigns.md); not counted.
   */
  finish(step: number, at: number, alarmed: boolean, missedByDesign: ReadonlySet<string>): void {
    const left = this.sim
      .instances()
      .filter((i) => selected(i) && !this.accepted.has(i.instance_id))
      .map((i) => i.instance_id)
      .filter((id) => !missedByDesign.has(id));
    if (left.length === 0 || alarmed) return;
    this.violations.push({
      promise: 'P5',
      step,
      at,
      detail: `the window closed with ${left.sort().join(', ')} never restarted, and no run rejected or notified`,
    });
  }
}

/** The instance ids a restart or delete call carried. */
export function idsOf(r: RecordedRequest): string[] {
  return (r.body as { instances?: string[] } | undefined)?.instances ?? [];
}
