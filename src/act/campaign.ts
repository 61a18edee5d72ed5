import type { KafkaInstance } from '../dms/wire';
import { pastWriteCutoff } from '../exec/deadline';
import type { Campaign } from '../plan/campaign';
import { decide, type Known, pastCutoff } from '../plan/decision';
import type { Earlier } from '../plan/earlier';
import { type Plan, TAKEN_UP } from '../plan/plan';
import type { KafkaChecks, WaitForRunning } from '../policy/resolve';
import type { ActContext } from './context';
import { DEADLINE } from './context';
import { settleEarlier, skipped } from './earlier-marks';
import { recordChanged } from './fresh';
import { refs } from './gate';
import { settleHolds } from './holds';
import { passedPreflight, readPreflight, readRegistrations, type WaveRead } from './kafka-checks';
import { runWave, type WaveProgress } from './wave';

export interface CampaignInput {
  campaign: Campaign;
  /** The run's plan: its listing is the first view, and only its instances are acted on. */
  plan: Plan;
  /** What the plan was decided from: each wave is decided again from it, with what the run learned. */
  known: Known;
  wait: WaitForRunning | undefined;
  /**
   * How long to wait between writing a wave's marks and the re-check before
   * the restart call (`MARK_SETTLE_MS`, default 2 s). Safety does not rest on
   * it (see `markBatch`): it gives a mark another run wrote at about the same
   * time a chance to be seen, so that both runs skip rather than rely on
   * which read came first.
   */
  settleMs: number;
  /** The Kafka checks before each restart and, with `wait`, after; undefined when off. */
  kafka: KafkaChecks | undefined;
}

/** What one invocation's share of a campaign has seen and done so far. */
interface Progress extends WaveProgress {
  /** The current view of the fleet: the plan's listing at first, then a fresh one. */
  listed: readonly KafkaInstance[];
  /** The plan's instances, and no others: maxInstances was checked against the plan. */
  planned: ReadonlyMap<string, KafkaInstance>;
  plannedIds: ReadonlySet<string>;
  /** `listed` is a fresh listing the plan's changed instances are not yet recorded from. */
  fresh: boolean;
  /** Instances this run took up. */
  seen: Set<string>;
  /** Holds already looked at, and those found whole again and taken off. */
  looked: Set<string>;
  lifted: Set<string>;
  /** The pre-flight's reads so far, for the next wave's instances as each wave comes. */
  reads: Map<string, WaveRead>;
}

/**
 * One invocation's share of a restart campaign. Before each wave the core
 * decides again ({@link decide}) from the current view of the fleet (the
 * run's own listing at first; then, when it waits for RUNNING, a fresh
 * one), what this run recorded and the pre-flight it read, so runs that
 * overlap see each other's marks. This adds only the effects:
 * 1. holds looked at first (a cluster whole again has its hold taken off);
 * 2. instances a run marked in this period: see {@link settleEarlier};
 * 3. the next wave's clusters read (the pre-flight), and the wave decided
 *    again until every instance in it passed;
 * 4. the wave: mark, settle, re-check and restart, remove the mark where
 *    the restart provably did not apply (and aged marks where it did), and
 *    (with `wait`) confirm it on evidence. No wave starts inside the
 *    window's cutoff or past the deadline.
 */
export async function runCampaign(run: ActContext, input: CampaignInput): Promise<void> {
  const w = input.campaign.window;
  // Every write call, resends included, is held to the window's cutoff, not only each wave.
  const ctx: ActContext = { ...run, mayWrite: () => pastCutoff(w, run.clock.now()) };
  const p = startProgress(input.plan);
  const earlierInput = { wait: input.wait, per: w ? 'window' : 'interval' };
  ctx.report.setCampaign({ markKey: input.campaign.markKey });
  for (let n = 1; ; n++) {
    let d = decideNow(ctx, input, p);
    if (p.fresh) recordChanged(ctx, d.selection, p.planned);
    p.fresh = false;
    const held = await heldBack(ctx, p, d);
    if (held.stopped) {
      recordNotStarted(ctx, decideNow(ctx, input, p));
      break;
    }
    if (held.lifted) d = decideNow(ctx, input, p);
    const todo = todoOf(d);
    for (const i of todo) p.seen.add(i.instance_id);
    if (await settleEarlier(ctx, earlierInput, p, earlierOf(d), todo)) break;
    if (todo.length === 0) break;
    if (!d.inCutoff && !pastWriteCutoff(ctx.deadline)) d = await readNextWave(ctx, input, p, d);
    recordKeptOff(ctx, d);
    if (d.inCutoff) {
      recordNotStarted(ctx, d);
      break;
    }
    if (pastWriteCutoff(ctx.deadline)) {
      ctx.report.skipAll(unrecorded(ctx, todoOf(d)), DEADLINE);
      break;
    }
    const wave = d.batches[0];
    if (!wave) break;
    ctx.report.wave({ event: 'started', wave: n, instances: refs(wave), ...p.counts() });
    const before = input.kafka
      ? passedPreflight(ctx, p.reads, wave)
      : await readRegistrations(ctx, input.wait !== undefined, wave);
    const stop = await runWave(ctx, input, p, n, wave, before);
    const rest = unrecorded(ctx, todoOf(d));
    if (stop) {
      ctx.report.skipAll(rest, stop);
      break;
    }
    if (rest.length === 0 || !(await nextView(ctx, input, p, rest))) break;
  }
  finishCampaign(ctx, input.campaign, p);
}

/** The core's decision for the next wave, from the run's current view and what it learned. */
function decideNow(ctx: ActContext, input: CampaignInput, p: Progress): Plan {
  const preflight = new Map([...p.reads].map(([id, r]) => [id, r.verdict]));
  return decide({
    ...input.known,
    listed: p.listed,
    now: ctx.clock.now(),
    recorded: (id) => ctx.report.has(id),
    planned: p.plannedIds,
    holdsLifted: p.lifted,
    ...(input.kafka ? { preflight } : {}),
  });
}

/** The instances still to restart: acted on next, kept back, or kept off by the pre-flight. */
function todoOf(d: Plan): KafkaInstance[] {
  return d.verdicts.filter((v) => TAKEN_UP.has(v.by)).map((v) => v.instance);
}

function unrecorded(ctx: ActContext, instances: readonly KafkaInstance[]): KafkaInstance[] {
  return instances.filter((i) => !ctx.report.has(i.instance_id));
}

/** The instances a run already marked in this period, as the decision names them. */
function earlierOf(d: Plan): Earlier[] {
  const out: Earlier[] = [];
  for (const v of d.verdicts)
    if (v.by === 'earlier' && v.mark)
      out.push({ instance: v.instance, mark: v.mark, reason: v.reason ?? '' });
  return out;
}

/** The decision's verdicts for instances no wave starts on: recorded with its reason. */
function recordNotStarted(ctx: ActContext, d: Plan): void {
  for (const v of d.verdicts)
    if (v.by === 'not-started') ctx.report.add(v.instance, skipped(v.reason ?? ''));
}

/** Instances the pre-flight keeps off, recorded as the decision gives them. */
function recordKeptOff(ctx: ActContext, d: Plan): void {
  for (const v of d.verdicts)
    if (v.by === 'preflight' && !ctx.report.has(v.instance.instance_id))
      ctx.report.add(v.instance, skipped(v.reason ?? ''));
}

/**
 * The next wave's clusters, read right before its marks: the pre-flight
 * with the Kafka checks (and the brokers' latest registration). An instance
 * it keeps off leaves the wave, and the next one in order takes its place,
 * read in turn, as the core decides again.
 */
async function readNextWave(
  ctx: ActContext,
  input: CampaignInput,
  p: Progress,
  d: Plan,
): Promise<Plan> {
  if (!input.kafka) return d;
  for (;;) {
    // No read for a wave that can no longer start: what is left is the deadline's, or the cutoff's.
    if (noWaveNow(ctx, input)) return d;
    const unread = (d.batches[0] ?? []).filter((i) => !p.reads.has(i.instance_id));
    if (unread.length === 0) return d;
    const reads = await readPreflight(ctx.dms, input.kafka, unread);
    // Reads the deadline may have cut are no verdict on the cluster.
    if (noWaveNow(ctx, input)) return d;
    for (const [id, r] of reads) p.reads.set(id, r);
    d = decideNow(ctx, input, p);
  }
}

function noWaveNow(ctx: ActContext, input: CampaignInput): boolean {
  return (
    pastWriteCutoff(ctx.deadline) ||
    pastCutoff(input.campaign.window, ctx.clock.now()) !== undefined
  );
}

/**
 * Instances on hold first: the campaign goes on only when each one's
 * cluster is whole again. True when it stops; the instances on hold that
 * are still not healthy are recorded failed, with why.
 */
async function heldBack(
  ctx: ActContext,
  p: Progress,
  d: Plan,
): Promise<{ stopped: boolean; lifted: boolean }> {
  const fresh = d.held.filter((h) => !p.looked.has(h.instance.instance_id));
  for (const h of fresh) p.looked.add(h.instance.instance_id);
  const { stoppedBy, lifted } = await settleHolds(ctx, fresh);
  for (const id of lifted) p.lifted.add(id);
  if (stoppedBy.length === 0) return { stopped: false, lifted: lifted.length > 0 };
  ctx.report.setCampaign({ stoppedBy });
  for (const i of todoOf(d)) p.seen.add(i.instance_id);
  return { stopped: true, lifted: lifted.length > 0 };
}

function startProgress(plan: Plan): Progress {
  const p: Progress = {
    listed: plan.listed,
    planned: new Map(plan.selection.eligible.map((i) => [i.instance_id, i])),
    plannedIds: new Set(plan.selection.eligible.map((i) => i.instance_id)),
    fresh: false,
    seen: new Set(),
    kept: new Set(),
    earlierDone: 0,
    marked: 0,
    looked: new Set(),
    lifted: new Set(),
    reads: new Map(),
    vanished: new Set(),
    counts: () => ({
      done: p.earlierDone + p.kept.size,
      remaining: [...p.seen].filter((id) => !p.kept.has(id)).length,
    }),
  };
  return p;
}

/**
 * The view of the fleet for the next wave. Without waiting there is nothing
 * to look at again: batches go back to back, each instance read again after
 * its mark, right before its restart. With waiting, a fresh listing, unless
 * the deadline is near (then `rest` is recorded skipped, and false); the
 * next decision records the plan's instances that changed since.
 */
async function nextView(
  ctx: ActContext,
  input: CampaignInput,
  p: Progress,
  rest: KafkaInstance[],
): Promise<boolean> {
  if (!input.wait) return true;
  if (pastWriteCutoff(ctx.deadline)) {
    ctx.report.skipAll(rest, DEADLINE);
    return false;
  }
  p.listed = await ctx.dms.listInstances();
  p.fresh = true;
  return true;
}

function finishCampaign(ctx: ActContext, campaign: Campaign, p: Progress): void {
  const w = campaign.window;
  if (p.vanished.size > 0) {
    ctx.report.warn({
      message: `${p.vanished.size} of the ${p.marked} marks this run wrote were gone at the re-check; those instances were not restarted`,
      markKey: campaign.markKey,
      instances: [...p.vanished],
    });
  }
  ctx.report.setCampaign({
    marked: p.marked,
    marksVanished: p.vanished.size,
    remaining: p.counts().remaining,
    ...(w ? { inCutoff: ctx.clock.now() >= w.cutoffAt } : {}),
  });
}
