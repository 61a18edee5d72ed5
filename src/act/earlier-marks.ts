import { RESTART_IN_PROGRESS } from '../dms/status';
import type { KafkaInstance } from '../dms/wire';
import type { Earlier } from '../plan/earlier';
import { sortEarlier } from '../plan/earlier';
import type { WaitForRunning } from '../policy/resolve';
import { Outcome } from '../report/records';
import type { ActContext } from './context';
import { DEADLINE } from './context';
import type { Success } from './engine';
import { confirmWave } from './waves';

/** A campaign's counts, as its wave lines carry them. */
export interface Tally {
  /** Instances earlier runs restarted in this period, and this run found done or waited for. */
  earlierDone: number;
  counts(): { done: number; remaining: number };
}

export interface EarlierInput {
  wait: WaitForRunning | undefined;
  /** `window` or `interval`: the campaign's period, in reasons. */
  per: string;
}

/**
 * Settles the instances earlier runs marked in this period before the next
 * wave: RUNNING is done; restarting is waited for (with `wait`), so that at
 * most `batchSize` are ever restarting at once, counting other runs';
 * anything else, or not back within `timeoutSeconds` of its mark, stops the
 * campaign for the rest of the period. True when the campaign stops here;
 * `todo` is then recorded skipped, with why.
 */
export async function settleEarlier(
  ctx: ActContext,
  input: EarlierInput,
  tally: Tally,
  earlier: readonly Earlier[],
  todo: readonly KafkaInstance[],
): Promise<boolean> {
  const { wait, per } = input;
  const sorted = sortEarlier(earlier, ctx.clock.now(), wait, ctx.onsetMs);
  tally.earlierDone += sorted.done.length + sorted.restarting.length;
  for (const e of sorted.done) ctx.report.add(e.instance, skipped(e.reason));
  let stoppedBy: string[] = sorted.bad.map((e) => `${label(e.instance)}: ${e.why}`);
  for (const e of sorted.bad) {
    ctx.report.add(e.instance, {
      outcome: Outcome.Failed,
      reason: `${e.reason}, ${e.why}; no further restart in this ${per}`,
    });
  }
  if (stoppedBy.length === 0 && sorted.restarting.length > 0 && wait) {
    const waited = await waitForEarlier(ctx, wait, sorted.restarting, tally);
    stoppedBy = waited.stoppedBy;
    if (stoppedBy.length === 0 && waited.cutByDeadline) {
      ctx.report.skipAll(todo, DEADLINE);
      return true;
    }
  } else {
    for (const e of sorted.restarting) {
      ctx.report.add(e.instance, skipped(`${e.reason}; status ${e.instance.status}`));
    }
  }
  if (stoppedBy.length === 0) return false;
  ctx.report.setCampaign({ stoppedBy });
  ctx.report.skipAll(
    todo,
    `not started: the campaign is stopped in this ${per} by ${stoppedBy.join('; ')}`,
  );
  return true;
}

/**
 * Waits, as for a wave of this run's own (wave 0), for the instances earlier
 * runs are restarting: listed restarting, each seen leave RUNNING; or
 * RUNNING and freshly marked by another run.
 */
async function waitForEarlier(
  ctx: ActContext,
  wait: WaitForRunning,
  restarting: readonly Earlier[],
  tally: Tally,
): Promise<{ stoppedBy: string[]; cutByDeadline: boolean }> {
  const inFlight: Success[] = restarting.map((e) => ({
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
  const marks = new Map(restarting.map((e) => [e.instance.instance_id, e.mark.at]));
  const w = await confirmWave(ctx, wait, inFlight, (s) => marks.get(s.instance.instance_id) ?? 0);
  ctx.report.wave({
    event: w.bad > 0 || w.cutByDeadline ? 'ended' : 'confirmed',
    wave: 0,
    instances: refs(inFlight.map((s) => s.instance)),
    ...tally.counts(),
  });
  const stoppedBy = ctx.report.failures
    .filter((r) => marks.has(r.instanceId))
    .map((r) => `${r.instanceName} (${r.instanceId}): ${r.reason ?? ''}`);
  return { stoppedBy, cutByDeadline: w.cutByDeadline };
}

export function skipped(reason: string) {
  return { outcome: Outcome.Skipped, reason };
}

function label(i: KafkaInstance): string {
  return `${i.name} (${i.instance_id})`;
}

/** Instances as a wave line names them. */
export function refs(items: readonly KafkaInstance[]) {
  return items.map((i) => ({ id: i.instance_id, name: i.name }));
}
