import type { KafkaInstance } from '../dms/wire';
import { pastWriteCutoff, waitBudgetMs } from '../exec/deadline';
import { type Campaign, nextWave, utc } from '../plan/campaign';
import { type Hold, holdsAmong } from '../plan/hold';
import { type JudgeOptions, MARK_VANISHED, type Selection, selectInstances } from '../plan/select';
import type { KafkaChecks, Policy, WaitForRunning } from '../policy/resolve';
import type { ActContext } from './context';
import { DEADLINE } from './context';
import { refs, settleEarlier, type Tally } from './earlier-marks';
import { type BatchResult, writeBatch } from './engine';
import { withinPlan } from './fresh';
import { readBeforeWave, settleHolds } from './kafka-checks';
import { markBatch, removeAgedMarks, unmark } from './marking';
import { restartWithEvidence } from './restart';
import { confirmWave, STOPPED_AFTER_BAD_WAVE } from './waves';

export interface CampaignInput {
  campaign: Campaign;
  selection: Selection;
  batchSize: number;
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
  /** Instances on hold among the campaign's: looked at before any wave. */
  holds: readonly Hold[];
  /** What a fresh listing is judged by, before each wave after the first: the plan's own. */
  policy: Policy;
  judging: JudgeOptions;
}

/** What one invocation's share of a campaign has seen and done so far. */
interface Progress extends Tally {
  /** The current view of the fleet: the plan's at first, then a fresh listing's. */
  selection: Selection;
  /** The plan's instances, and no others: maxInstances was checked against the plan. */
  planned: ReadonlyMap<string, KafkaInstance>;
  /** Instances this run took up. */
  seen: Set<string>;
  /** Instances whose restart may have applied: their marks stay. */
  kept: Set<string>;
  /** Marks this run wrote. */
  marked: number;
  /** Holds already looked at; undefined until the first look, which takes the plan's. */
  holdsLooked?: Set<string>;
  /**
   * Marks that DMS took and then did not show at the re-check: counted, since a
   * campaign whose marks never stick would otherwise restart nothing, silently.
   */
  vanished: Set<string>;
}

/**
 * One invocation's share of a restart campaign. Before each wave it looks at
 * the fleet (the first time, the run's own listing; then a fresh listing
 * when it waits for RUNNING), so runs that overlap see each other's marks:
 * 1. Instances a run marked in this period and this run has not recorded:
 *    see {@link settleEarlier}.
 * 2. Then one wave, as {@link nextWave} picks it: mark, settle, re-check and
 *    restart, remove the mark where the restart provably did not apply (and
 *    aged marks where it did), and (with `wait`) confirm RUNNING.
 *    No wave starts inside the window's cutoff or past the deadline.
 */
export async function runCampaign(run: ActContext, input: CampaignInput): Promise<void> {
  // Every write call, resends included, is held to the window's cutoff, not only each wave.
  const ctx: ActContext = { ...run, mayWrite: () => inCutoff(run, input.campaign) };
  const p = startProgress(input.selection);
  const earlierInput = { wait: input.wait, per: input.campaign.window ? 'window' : 'interval' };
  ctx.report.setCampaign({ markKey: input.campaign.markKey });
  for (let n = 1; ; n++) {
    if (await heldBack(ctx, input, p)) break;
    const next = nextWave(p.selection, (id) => ctx.report.has(id), input.batchSize);
    for (const i of next.todo) p.seen.add(i.instance_id);
    if (await settleEarlier(ctx, earlierInput, p, next.earlier, next.todo)) break;
    if (next.todo.length === 0) break;
    const closed = noWaveNow(ctx, input.campaign);
    if (closed) {
      ctx.report.skipAll(next.todo, closed);
      break;
    }
    const stop = await runWave(ctx, input, p, n, next.wave);
    if (stop) {
      ctx.report.skipAll(next.rest, stop);
      break;
    }
    const view = await nextView(ctx, input, p, next.rest);
    if (!view) break;
    p.selection = view;
  }
  finishCampaign(ctx, input.campaign, p);
}

/**
 * Instances on hold first: the campaign goes on only when each one's
 * cluster is whole again. True when it stops; every instance it would have
 * taken up is then recorded skipped, with why.
 */
async function heldBack(ctx: ActContext, input: CampaignInput, p: Progress): Promise<boolean> {
  const fresh = (
    p.holdsLooked ? holdsAmong(p.selection.candidates.map((c) => c.instance)) : input.holds
  ).filter((h) => !p.holdsLooked?.has(h.instance.instance_id));
  p.holdsLooked ??= new Set();
  for (const h of fresh) p.holdsLooked.add(h.instance.instance_id);
  const stoppedBy = await settleHolds(ctx, fresh);
  if (stoppedBy.length === 0) return false;
  ctx.report.setCampaign({ stoppedBy });
  const todo = nextWave(p.selection, (id) => ctx.report.has(id), input.batchSize).todo;
  for (const i of todo) p.seen.add(i.instance_id);
  const names = fresh.map((h) => h.instance.name).join(', ');
  ctx.report.skipAll(
    todo,
    `not started: the campaign is on hold until ${names} ${fresh.length === 1 ? 'is' : 'are'} healthy again`,
  );
  return true;
}

function startProgress(selection: Selection): Progress {
  const p: Progress = {
    selection,
    planned: new Map(selection.eligible.map((i) => [i.instance_id, i])),
    seen: new Set(),
    kept: new Set(),
    earlierDone: 0,
    marked: 0,
    vanished: new Set(),
    counts: () => ({
      done: p.earlierDone + p.kept.size,
      remaining: [...p.seen].filter((id) => !p.kept.has(id)).length,
    }),
  };
  return p;
}

/** Why no wave may start now (the window's cutoff, the deadline), or undefined. */
function noWaveNow(ctx: ActContext, campaign: Campaign): string | undefined {
  return inCutoff(ctx, campaign) ?? (pastWriteCutoff(ctx.deadline) ? DEADLINE : undefined);
}

/** Why no restart may start now: the window's cutoff (or its end) has come. */
function inCutoff(ctx: ActContext, campaign: Campaign): string | undefined {
  const w = campaign.window;
  if (!w || ctx.clock.now() < w.cutoffAt) return undefined;
  return `not started: no restart starts in the last ${w.cutoffMinutes} minutes of the window (from ${utc(w.cutoffAt)})`;
}

/**
 * One wave: mark, settle, re-check and restart, take marks off where the
 * restart provably did not apply (and aged ones where it did), and, with
 * `wait`, confirm RUNNING. Returns why the campaign stops, if it does.
 */
async function runWave(
  ctx: ActContext,
  input: CampaignInput,
  p: Progress,
  n: number,
  batch: readonly KafkaInstance[],
): Promise<string | undefined> {
  const { campaign, wait } = input;
  ctx.report.wave({ event: 'started', wave: n, instances: refs(batch), ...p.counts() });
  const before = await readBeforeWave(ctx, input.kafka, input.wait !== undefined, batch);
  const m = await markBatch(ctx, campaign, before.pass, before.registered);
  p.marked += m.marked.length;
  const result = await restartMarked(ctx, p, m.marked, before, input.settleMs);
  for (const inst of m.marked) campaign.ownMarks.delete(inst.instance_id);
  for (const id of result.maybeApplied) p.kept.add(id);
  const applied = (inst: KafkaInstance) => result.maybeApplied.has(inst.instance_id);
  await unmark(
    ctx,
    campaign,
    m.marked.filter((inst) => !applied(inst)),
  );
  await removeAgedMarks(ctx, campaign, m.marked.filter(applied));
  let stop: string | undefined = m.stopped ?? result.stopped;
  if (wait) {
    const watched = result.succeeded.map((s) => ({
      ...s,
      since: s.sentAt ?? ctx.clock.now(),
      registered: before.registered.get(s.instance.instance_id),
    }));
    const confirmed = await confirmWave(ctx, wait, watched);
    if (confirmed.holdsNotWritten.length > 0) {
      ctx.report.setCampaign({ stoppedBy: confirmed.holdsNotWritten });
      stop = STOPPED_AFTER_BAD_WAVE;
    } else if (m.failed + result.failed + confirmed.bad > 0) stop = STOPPED_AFTER_BAD_WAVE;
    else if (confirmed.cutByDeadline) stop ??= DEADLINE;
  } else {
    for (const s of result.succeeded) ctx.report.add(s.instance, s.detail);
  }
  const clean = !stop && batch.every((i) => p.kept.has(i.instance_id));
  ctx.report.wave({
    event: clean ? 'confirmed' : 'ended',
    wave: n,
    instances: refs(batch),
    ...p.counts(),
  });
  return stop;
}

/** The marked instances' restart, after the settle; each is re-checked before its call. */
async function restartMarked(
  ctx: ActContext,
  p: Progress,
  marked: readonly KafkaInstance[],
  before: { health: ReadonlyMap<string, string>; registered: ReadonlyMap<string, number> },
  settleMs: number,
): Promise<BatchResult> {
  if (marked.length === 0) return { succeeded: [], failed: 0, maybeApplied: new Set() };
  const settle = Math.min(settleMs, waitBudgetMs(ctx.deadline));
  if (settle > 0) await ctx.clock.sleep(settle);
  const watching: ActContext = {
    ...ctx,
    judge: (instance) => {
      const v = ctx.judge(instance);
      if (v.verdict === 'skip' && v.reason === MARK_VANISHED) p.vanished.add(instance.instance_id);
      return v;
    },
  };
  const result = await writeBatch(watching, restartWithEvidence(before.registered), marked);
  for (const s of result.succeeded) {
    const h = before.health.get(s.instance.instance_id);
    if (h) s.detail = { ...s.detail, kafka: h };
  }
  return result;
}

/**
 * The view of the fleet for the next wave. Without waiting there is nothing
 * to look at again: batches go back to back, each instance read again after
 * its mark, right before its restart. With waiting, a fresh listing, unless
 * the deadline is near (then `rest` is recorded skipped, and undefined).
 */
async function nextView(
  ctx: ActContext,
  input: CampaignInput,
  p: Progress,
  rest: KafkaInstance[],
): Promise<Selection | undefined> {
  if (!input.wait) return { candidates: [], eligible: rest, notMatched: 0 };
  if (pastWriteCutoff(ctx.deadline)) {
    ctx.report.skipAll(rest, DEADLINE);
    return undefined;
  }
  // The core's own selection, on a fresh listing: never a copy of it.
  const listed = await ctx.dms.listInstances();
  return withinPlan(ctx, selectInstances(listed, input.policy, input.judging), p.planned);
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
