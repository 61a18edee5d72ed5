import type { KafkaInstance } from '../dms/wire';
import { waitBudgetMs } from '../exec/deadline';
import type { Campaign } from '../plan/campaign';
import { MARK_VANISHED } from '../plan/select';
import type { WaitForRunning } from '../policy/resolve';
import type { ActContext } from './context';
import { DEADLINE } from './context';
import { type BatchResult, writeBatch } from './engine';
import { confirmWave, refs, STOPPED_AFTER_BAD_WAVE, type Tally } from './gate';
import type { BeforeWave } from './kafka-checks';
import { markBatch, removeAgedMarks, unmark } from './marking';
import { tagText } from './tag-calls';
import { restartWithEvidence } from './write-kinds';

/** What a wave needs from its campaign, and what it adds to the campaign's progress. */
export interface WaveProgress extends Tally {
  /** Instances whose restart may have applied: their marks stay. */
  kept: Set<string>;
  /** Marks this run wrote. */
  marked: number;
  /** Marks this run wrote that were gone at the re-check. */
  vanished: Set<string>;
}

export interface WaveInput {
  campaign: Campaign;
  wait: WaitForRunning | undefined;
  /** See `CampaignInput.settleMs`. */
  settleMs: number;
}

/**
 * One wave: mark, settle, re-check and restart, take marks off where the
 * restart provably did not apply (and aged ones where it did), and, with
 * `wait`, confirm RUNNING. Returns why the campaign stops, if it does.
 */
export async function runWave(
  ctx: ActContext,
  input: WaveInput,
  p: WaveProgress,
  n: number,
  batch: readonly KafkaInstance[],
  before: BeforeWave,
): Promise<string | undefined> {
  const { campaign, wait } = input;
  const m = await markBatch(ctx, campaign, batch, before.registered);
  p.marked += m.marked.length;
  const result = await restartMarked(ctx, input, p, m.marked, before);
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

/**
 * The marked instances' restart, after the settle; each is re-checked before
 * its call. That read is the marks' read-back: a mark this run wrote that it
 * does not show (DMS answered the tag call and did not keep the tag, or
 * someone took it off) means no restart, and a warning names the instance
 * and the mark.
 */
async function restartMarked(
  ctx: ActContext,
  input: WaveInput,
  p: WaveProgress,
  marked: readonly KafkaInstance[],
  before: BeforeWave,
): Promise<BatchResult> {
  if (marked.length === 0) return { succeeded: [], failed: 0, maybeApplied: new Set() };
  const settle = Math.min(input.settleMs, waitBudgetMs(ctx.deadline));
  if (settle > 0) await ctx.clock.sleep(settle);
  const watching: ActContext = {
    ...ctx,
    judge: (instance) => {
      const v = ctx.judge(instance);
      const id = instance.instance_id;
      if (v.verdict !== 'skip' || v.reason !== MARK_VANISHED || p.vanished.has(id)) return v;
      p.vanished.add(id);
      const mark = input.campaign.written.get(id) ?? [];
      ctx.report.warn({
        message: `this run's mark ${tagText(mark)} is not on the instance when read back before its restart: the tag call was answered, but DMS does not show the mark (it did not take, or was taken off); not restarted without it`,
        instanceId: id,
        tags: mark,
      });
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
