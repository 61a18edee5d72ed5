import type { ActContext } from '../act/context';
import { DEADLINE } from '../act/context';
import { type BatchResult, type Success, writeBatch } from '../act/engine';
import { restartKind } from '../act/restart';
import { confirmWave, STOPPED_AFTER_BAD_WAVE, type WaitForRunning } from '../act/waves';
import type { KafkaInstance } from '../dms/wire';
import { pastWriteCutoff, waitBudgetMs } from '../exec/deadline';
import { Outcome } from '../report/records';
import type { Candidate, Selection } from '../select';
import { type Earlier, sortEarlier } from './earlier';
import { markBatch, unmark } from './marking';
import { type Campaign, utc } from './plan';

export interface CampaignInput {
  campaign: Campaign;
  selection: Selection;
  batchSize: number;
  wait: WaitForRunning | undefined;
  invocationId: string;
  /**
   * How long to wait between writing a wave's marks and the re-check before
   * the restart call (`MARK_SETTLE_MS`, default 2 s). Two runs that both saw
   * an instance unmarked and both marked it are told apart by that re-check:
   * the later mark wins and the other run skips the instance, as long as
   * neither took longer than this from its re-check to its mark landing
   * (Fischer's mutual exclusion, with the tag as the shared variable).
   */
  settleMs: number;
}

/**
 * One invocation's share of a restart campaign:
 * 1. Instances earlier runs marked in this period: RUNNING is done;
 *    RESTARTING is waited for (with `wait`) and counts against `batchSize`;
 *    anything else, or not back within `timeoutSeconds` of its mark, stops
 *    the campaign for the rest of the period.
 * 2. Then waves of `batchSize` from the instances not yet done: re-check,
 *    mark, settle, re-check and restart, remove the mark where the restart
 *    provably did not apply, and (with `wait`) confirm RUNNING before the
 *    next wave. No wave starts inside the window's cutoff or past the
 *    deadline.
 */
export async function runCampaign(ctx: ActContext, input: CampaignInput): Promise<void> {
  const { campaign, selection, batchSize, wait } = input;
  const eligible = selection.eligible;
  const earlier = earlierOf(selection.candidates);
  const sorted = sortEarlier(earlier, ctx.clock.now(), wait);
  const kept = new Set<string>();
  const counts = () => ({
    done: earlier.length + kept.size,
    remaining: eligible.length - kept.size,
  });
  const finish = () => {
    const w = campaign.window;
    ctx.report.setCampaign({
      remaining: counts().remaining,
      ...(w ? { inCutoff: ctx.clock.now() >= w.cutoffAt } : {}),
    });
  };
  const stop = (by: string[]) => {
    ctx.report.setCampaign({ stoppedBy: by });
    const names = by.join('; ');
    ctx.report.skipAll(
      eligible.filter((i) => !ctx.report.has(i.instance_id)),
      `not started: the campaign is stopped in this ${campaign.window ? 'window' : 'interval'} by ${names}`,
    );
    finish();
  };

  for (const e of sorted.done) ctx.report.add(e.instance, skipped(e.reason));
  if (sorted.bad.length > 0) {
    for (const e of sorted.bad) {
      ctx.report.add(e.instance, {
        outcome: Outcome.Failed,
        reason: `${e.reason}, ${e.why}; no further restart in this ${campaign.window ? 'window' : 'interval'}`,
      });
    }
    for (const e of sorted.restarting) ctx.report.add(e.instance, skipped(e.reason));
    return stop(sorted.bad.map((e) => `${label(e.instance)}: ${e.why}`));
  }

  if (sorted.restarting.length > 0 && wait) {
    const inFlight: Success[] = sorted.restarting.map((e) => ({
      instance: e.instance,
      detail: skipped(`${e.reason}; RUNNING again`),
    }));
    const marks = new Map(sorted.restarting.map((e) => [e.instance.instance_id, e.mark.at]));
    const w = await confirmWave(ctx, wait, inFlight, (s) => marks.get(s.instance.instance_id) ?? 0);
    ctx.report.wave({
      event: 'confirmed',
      wave: 0,
      instances: refs(inFlight.map((s) => s.instance)),
      ...counts(),
    });
    if (w.bad > 0) {
      const bad = ctx.report.records.filter(
        (r) => marks.has(r.instanceId) && r.outcome === Outcome.Failed,
      );
      return stop(bad.map((r) => `${r.instanceName} (${r.instanceId}): ${r.reason ?? ''}`));
    }
    if (w.cutByDeadline) {
      ctx.report.skipAll(eligible, DEADLINE);
      return finish();
    }
  } else {
    for (const e of sorted.restarting) {
      ctx.report.add(e.instance, skipped(`${e.reason}; status ${e.instance.status}`));
    }
  }

  for (let i = 0, n = 1; i < eligible.length; i += batchSize, n++) {
    const batch = eligible.slice(i, i + batchSize);
    const w = campaign.window;
    if (w && ctx.clock.now() >= w.cutoffAt) {
      ctx.report.skipAll(
        eligible.slice(i),
        `not started: no restart starts in the last ${w.cutoffMinutes} minutes of the window (from ${utc(w.cutoffAt)})`,
      );
      break;
    }
    if (pastWriteCutoff(ctx.deadline)) {
      ctx.report.skipAll(eligible.slice(i), DEADLINE);
      break;
    }
    ctx.report.wave({ event: 'started', wave: n, instances: refs(batch), ...counts() });
    const m = await markBatch(ctx, campaign, input.invocationId, batch);
    let result: BatchResult = { succeeded: [], failed: 0, maybeApplied: new Set() };
    if (m.marked.length > 0) {
      const settle = Math.min(input.settleMs, waitBudgetMs(ctx.deadline));
      if (settle > 0) await ctx.clock.sleep(settle);
      result = await writeBatch(ctx, restartKind, m.marked);
    }
    for (const id of result.maybeApplied) kept.add(id);
    await unmark(
      ctx,
      campaign,
      m.marked.filter((inst) => !result.maybeApplied.has(inst.instance_id)),
    );
    let stopReason: string | undefined = m.stopped ?? result.stopped;
    if (wait) {
      const marks = (s: Success) =>
        Date.parse(campaign.ownMarks.get(s.instance.instance_id)?.[0]?.value ?? '') ||
        ctx.clock.now();
      const confirmed = await confirmWave(ctx, wait, result.succeeded, marks);
      if (m.failed + result.failed + confirmed.bad > 0) stopReason = STOPPED_AFTER_BAD_WAVE;
      else if (confirmed.cutByDeadline) stopReason ??= DEADLINE;
    } else {
      for (const s of result.succeeded) ctx.report.add(s.instance, s.detail);
    }
    ctx.report.wave({ event: 'confirmed', wave: n, instances: refs(batch), ...counts() });
    if (stopReason) {
      ctx.report.skipAll(eligible.slice(i + batchSize), stopReason);
      break;
    }
  }
  finish();
}

/**
 * A dry run of the campaign: what a live run would do now, without a write.
 * Done instances are skipped as a live run would skip them.
 */
export function dryRunCampaign(ctx: ActContext, campaign: Campaign, selection: Selection): void {
  for (const e of earlierOf(selection.candidates)) ctx.report.add(e.instance, skipped(e.reason));
  const w = campaign.window;
  if (w && ctx.clock.now() >= w.cutoffAt) {
    ctx.report.skipAll(selection.eligible, 'not started: inside the window cutoff');
  } else {
    for (const inst of selection.eligible) ctx.report.add(inst, { outcome: Outcome.WouldRestart });
  }
  ctx.report.setCampaign({ remaining: selection.eligible.length });
}

/** The candidates a campaign mark made skip. */
export function earlierOf(candidates: readonly Candidate[]): Earlier[] {
  const out: Earlier[] = [];
  for (const c of candidates) {
    if (c.verdict === 'skip' && c.mark)
      out.push({ instance: c.instance, mark: c.mark, reason: c.reason });
  }
  return out;
}

function skipped(reason: string) {
  return { outcome: Outcome.Skipped, reason };
}

function label(i: KafkaInstance): string {
  return `${i.name} (${i.instance_id})`;
}

function refs(items: readonly KafkaInstance[]) {
  return items.map((i) => ({ id: i.instance_id, name: i.name }));
}
