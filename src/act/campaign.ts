import { RESTART_IN_PROGRESS } from '../dms/status';
import type { KafkaInstance } from '../dms/wire';
import { pastWriteCutoff, waitBudgetMs } from '../exec/deadline';
import { type Campaign, utc } from '../plan/campaign';
import { earlierOf, sortEarlier } from '../plan/earlier';
import { MARK_VANISHED, type Selection } from '../plan/select';
import type { WaitForRunning } from '../policy/resolve';
import { Outcome } from '../report/records';
import type { ActContext } from './context';
import { DEADLINE } from './context';
import { type BatchResult, type Success, writeBatch } from './engine';
import { describeChange } from './fresh';
import { markBatch, removeAgedMarks, unmark } from './marking';
import { restartKind } from './restart';
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
}

/**
 * One invocation's share of a restart campaign. Before each wave it looks at
 * the fleet (the first time, the run's own listing; then a fresh listing
 * when it waits for RUNNING), so runs that overlap see each other's marks:
 * 1. Instances a run marked in this period and this run has not recorded:
 *    RUNNING is done; RESTARTING is waited for (with `wait`), so that at
 *    most `batchSize` are ever restarting at once, counting other runs';
 *    anything else, or not back within `timeoutSeconds` of its mark, stops
 *    the campaign for the rest of the period.
 * 2. Then one wave from the instances not yet done, in listing order (so
 *    overlapping runs compete for the same instances, and the marks decide):
 *    mark, settle, re-check and restart, remove the mark where the restart
 *    provably did not apply (and aged marks where it did), and (with `wait`)
 *    confirm RUNNING.
 *    No wave starts inside the window's cutoff or past the deadline.
 */
export async function runCampaign(
  ctx: ActContext,
  input: CampaignInput,
  relist: () => Promise<Selection>,
): Promise<void> {
  const { campaign, batchSize, wait } = input;
  const per = campaign.window ? 'window' : 'interval';
  let selection = input.selection;
  // The plan's instances, and no others: maxInstances was checked against the plan.
  const planned = new Map(input.selection.eligible.map((i) => [i.instance_id, i]));
  const seen = new Set<string>();
  const kept = new Set<string>();
  let earlierDone = 0;
  const counts = () => ({
    done: earlierDone + kept.size,
    remaining: [...seen].filter((id) => !kept.has(id)).length,
  });
  const finish = () => {
    const w = campaign.window;
    if (vanished.size > 0) {
      ctx.report.warn({
        message: `${vanished.size} of the ${marked} marks this run wrote were gone at the re-check; those instances were not restarted`,
        markKey: campaign.markKey,
        instances: [...vanished],
      });
    }
    ctx.report.setCampaign({
      marked,
      marksVanished: vanished.size,
      remaining: counts().remaining,
      ...(w ? { inCutoff: ctx.clock.now() >= w.cutoffAt } : {}),
    });
  };

  // Marks that DMS took and then did not show at the re-check: counted, since a
  // campaign whose marks never stick would otherwise restart nothing, silently.
  let marked = 0;
  const vanished = new Set<string>();
  const watching: ActContext = {
    ...ctx,
    judge: (instance) => {
      const v = ctx.judge(instance);
      if (v.verdict === 'skip' && v.reason === MARK_VANISHED) vanished.add(instance.instance_id);
      return v;
    },
  };
  ctx.report.setCampaign({ markKey: campaign.markKey });
  for (let n = 1; ; n++) {
    const todo = selection.eligible.filter((i) => !ctx.report.has(i.instance_id));
    for (const i of todo) seen.add(i.instance_id);
    const earlier = earlierOf(selection.candidates).filter(
      (e) => !ctx.report.has(e.instance.instance_id),
    );
    const sorted = sortEarlier(earlier, ctx.clock.now(), wait, ctx.onsetMs);
    earlierDone += sorted.done.length + sorted.restarting.length;
    for (const e of sorted.done) ctx.report.add(e.instance, skipped(e.reason));

    let stoppedBy: string[] = sorted.bad.map((e) => `${label(e.instance)}: ${e.why}`);
    for (const e of sorted.bad) {
      ctx.report.add(e.instance, {
        outcome: Outcome.Failed,
        reason: `${e.reason}, ${e.why}; no further restart in this ${per}`,
      });
    }
    if (stoppedBy.length === 0 && sorted.restarting.length > 0 && wait) {
      // Listed restarting, each seen leave RUNNING; or RUNNING and freshly marked by another run.
      const inFlight: Success[] = sorted.restarting.map((e) => ({
        instance: e.instance,
        detail: skipped(`${e.reason}; RUNNING again`),
        seenRestarting: RESTART_IN_PROGRESS.has(e.instance.status),
        earlier: {
          key: e.mark.key,
          neverBegun: skipped(
            `${e.reason}; not seen restarting since: its run stopped before the restart call, or it came and went unseen`,
          ),
          unmarked: skipped(
            `${e.reason}, but that run took its mark off: its restart did not apply; left to the next run`,
          ),
        },
      }));
      const marks = new Map(sorted.restarting.map((e) => [e.instance.instance_id, e.mark.at]));
      const w = await confirmWave(
        ctx,
        wait,
        inFlight,
        (s) => marks.get(s.instance.instance_id) ?? 0,
      );
      ctx.report.wave({
        event: w.bad > 0 || w.cutByDeadline ? 'ended' : 'confirmed',
        wave: 0,
        instances: refs(inFlight.map((s) => s.instance)),
        ...counts(),
      });
      stoppedBy = ctx.report.failures
        .filter((r) => marks.has(r.instanceId))
        .map((r) => `${r.instanceName} (${r.instanceId}): ${r.reason ?? ''}`);
      if (stoppedBy.length === 0 && w.cutByDeadline) {
        ctx.report.skipAll(todo, DEADLINE);
        break;
      }
    } else {
      for (const e of sorted.restarting) {
        ctx.report.add(e.instance, skipped(`${e.reason}; status ${e.instance.status}`));
      }
    }
    if (stoppedBy.length > 0) {
      ctx.report.setCampaign({ stoppedBy });
      ctx.report.skipAll(
        todo,
        `not started: the campaign is stopped in this ${per} by ${stoppedBy.join('; ')}`,
      );
      break;
    }

    if (todo.length === 0) break;
    const w = campaign.window;
    if (w && ctx.clock.now() >= w.cutoffAt) {
      ctx.report.skipAll(
        todo,
        `not started: no restart starts in the last ${w.cutoffMinutes} minutes of the window (from ${utc(w.cutoffAt)})`,
      );
      break;
    }
    if (pastWriteCutoff(ctx.deadline)) {
      ctx.report.skipAll(todo, DEADLINE);
      break;
    }
    const batch = todo.slice(0, batchSize);
    ctx.report.wave({ event: 'started', wave: n, instances: refs(batch), ...counts() });
    const m = await markBatch(ctx, campaign, batch);
    marked += m.marked.length;
    let result: BatchResult = { succeeded: [], failed: 0, maybeApplied: new Set() };
    if (m.marked.length > 0) {
      const settle = Math.min(input.settleMs, waitBudgetMs(ctx.deadline));
      if (settle > 0) await ctx.clock.sleep(settle);
      result = await writeBatch(watching, restartKind, m.marked);
    }
    for (const inst of m.marked) campaign.ownMarks.delete(inst.instance_id);
    for (const id of result.maybeApplied) kept.add(id);
    await unmark(
      ctx,
      campaign,
      m.marked.filter((inst) => !result.maybeApplied.has(inst.instance_id)),
    );
    await removeAgedMarks(
      ctx,
      campaign,
      m.marked.filter((inst) => result.maybeApplied.has(inst.instance_id)),
    );
    let stop: string | undefined = m.stopped ?? result.stopped;
    if (wait) {
      const since = (s: Success) =>
        Date.parse(campaign.written.get(s.instance.instance_id)?.[0]?.value ?? '') ||
        ctx.clock.now();
      const confirmed = await confirmWave(ctx, wait, result.succeeded, since);
      if (m.failed + result.failed + confirmed.bad > 0) stop = STOPPED_AFTER_BAD_WAVE;
      else if (confirmed.cutByDeadline) stop ??= DEADLINE;
    } else {
      for (const s of result.succeeded) ctx.report.add(s.instance, s.detail);
    }
    const clean = !stop && batch.every((i) => kept.has(i.instance_id));
    ctx.report.wave({
      event: clean ? 'confirmed' : 'ended',
      wave: n,
      instances: refs(batch),
      ...counts(),
    });
    const rest = todo.slice(batchSize);
    if (stop) {
      ctx.report.skipAll(rest, stop);
      break;
    }
    if (!wait) {
      // Without waiting there is nothing to look at again: batches go back to back,
      // each instance read again after its mark, right before its restart.
      selection = { candidates: [], eligible: rest, notMatched: 0 };
    } else if (pastWriteCutoff(ctx.deadline)) {
      ctx.report.skipAll(rest, DEADLINE);
      break;
    } else {
      selection = withinPlan(ctx, await relist(), planned);
    }
  }
  finish();
}

/**
 * A fresh listing, narrowed to the plan. An instance that became eligible
 * since the plan (an incident, a new tag) waits for the next run, which
 * checks `maxInstances` again. A planned instance that no longer qualifies
 * is recorded skipped, with what changed; one that is no longer listed, or
 * no longer matches at all, is recorded skipped too. Instances another run
 * marked stay, for the campaign to look at.
 */
function withinPlan(
  ctx: ActContext,
  now: Selection,
  planned: ReadonlyMap<string, KafkaInstance>,
): Selection {
  const seen = new Set<string>();
  for (const c of now.candidates) {
    seen.add(c.instance.instance_id);
    const listed = planned.get(c.instance.instance_id);
    if (!listed || c.verdict !== 'skip' || c.mark || ctx.report.has(listed.instance_id)) continue;
    ctx.report.add(
      listed,
      skipped(`changed since the listing (${describeChange(listed, c.instance)}): ${c.reason}`),
    );
  }
  for (const [id, listed] of planned) {
    if (seen.has(id) || ctx.report.has(id)) continue;
    ctx.report.add(
      listed,
      skipped(
        "changed since the listing: no longer listed, or no longer matches the policy's selection",
      ),
    );
  }
  return { ...now, eligible: now.eligible.filter((i) => planned.has(i.instance_id)) };
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

function skipped(reason: string) {
  return { outcome: Outcome.Skipped, reason };
}

function label(i: KafkaInstance): string {
  return `${i.name} (${i.instance_id})`;
}

function refs(items: readonly KafkaInstance[]) {
  return items.map((i) => ({ id: i.instance_id, name: i.name }));
}
