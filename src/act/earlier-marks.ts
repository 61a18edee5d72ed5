import { RESTART_IN_PROGRESS } from '../dms/status';
import type { KafkaInstance } from '../dms/wire';
import { type Earlier, type EarlierState, sortEarlier } from '../plan/earlier';
import { markValue } from '../plan/mark';
import type { WaitForRunning } from '../policy/resolve';
import { Outcome } from '../report/records';
import type { OutcomeDetail } from '../report/report';
import type { ActContext } from './context';
import { DEADLINE } from './context';
import { confirmWave, refs, type Tally, type Watched } from './gate';

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
  for (const e of sorted.future) {
    ctx.report.add(e.instance, {
      outcome: Outcome.Failed,
      reason: `marked at ${markValue(e.mark.at)}, which is in the future (a clock off, or a tag edited by hand); not restarted and not waited for in this ${per}: take the tag ${e.mark.key} off to let it be restarted`,
    });
  }
  let stoppedBy: string[] = sorted.bad.map((e) => `${label(e.instance)}: ${e.why}`);
  for (const e of sorted.bad) {
    ctx.report.add(e.instance, {
      outcome: Outcome.Failed,
      reason: `${e.reason}, ${e.why}; no further restart in this ${per}`,
    });
  }
  if (stoppedBy.length === 0 && wait) {
    const waited = await gateEarlier(ctx, wait, sorted, tally);
    stoppedBy = waited.stoppedBy;
    if (stoppedBy.length === 0 && waited.cutByDeadline) {
      ctx.report.skipAll(todo, DEADLINE);
      return true;
    }
  } else {
    for (const e of sorted.done) ctx.report.add(e.instance, skipped(e.reason));
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
 * The gate, for the restarts earlier runs made in this period (wave 0): an
 * instance back to RUNNING counts as done only once the gate confirms it
 * (evidence of the restart, and with the Kafka checks a whole cluster), as
 * a wave of this run's own would; one still restarting is waited for, so
 * that at most `batchSize` are ever restarting at once, counting other runs'.
 */
async function gateEarlier(
  ctx: ActContext,
  wait: WaitForRunning,
  sorted: EarlierState,
  tally: Tally,
): Promise<{ stoppedBy: string[]; cutByDeadline: boolean }> {
  const now = ctx.clock.now();
  const watched = [
    ...sorted.done.map((e) => earlierWatch(e, skipped(e.reason), now)),
    ...sorted.restarting.map((e) => earlierWatch(e, skipped(`${e.reason}; RUNNING again`), now)),
  ];
  if (watched.length === 0) return { stoppedBy: [], cutByDeadline: false };
  const w = await confirmWave(ctx, wait, watched);
  const ids = new Set(watched.map((x) => x.instance.instance_id));
  const stoppedBy = [
    ...ctx.report.failures
      .filter((r) => ids.has(r.instanceId))
      .map((r) => `${r.instanceName} (${r.instanceId}): ${r.reason ?? ''}`),
    ...w.holdsNotWritten,
  ];
  if (sorted.restarting.length > 0 || stoppedBy.length > 0) {
    ctx.report.wave({
      event: w.bad > 0 || w.cutByDeadline ? 'ended' : 'confirmed',
      wave: 0,
      instances: refs(watched.map((x) => x.instance)),
      ...tally.counts(),
    });
  }
  return { stoppedBy, cutByDeadline: w.cutByDeadline };
}

function earlierWatch(e: Earlier, detail: OutcomeDetail, now: number): Watched {
  return {
    instance: e.instance,
    detail,
    // A mark a moment ahead of this run's clock counts from now: never waited on.
    since: Math.min(e.mark.at, now),
    registered: e.mark.registered,
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
  };
}

export function skipped(reason: string) {
  return { outcome: Outcome.Skipped, reason };
}

function label(i: KafkaInstance): string {
  return `${i.name} (${i.instance_id})`;
}
