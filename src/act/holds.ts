/**
 * The hold (plan/hold.ts) put on and taken off. DMS answers a tag call 204
 * whether or not it took, so each is read back from the instance, and the
 * read decides: a hold not shown on is not on, and one still shown is not
 * off (docs/kafka-checks.md).
 */
import type { KafkaInstance } from '../dms/wire';
import { HOLD_KEY, type Hold, holdOf, holdTag } from '../plan/hold';
import { clusterProblem, healthLine } from '../plan/preflight';
import { Outcome } from '../report/records';
import type { ActContext } from './context';
import { readKafka } from './kafka-checks';
import { notShown, readAfter, type TagCall, tagCall, tagText } from './tag-calls';

/** Why the campaign stops (one line an instance; empty when it may go on), and the holds taken off. */
export interface Settled {
  stoppedBy: string[];
  lifted: string[];
}

/**
 * Instances on hold, looked at before any wave: a cluster whole again has
 * its hold taken off; one still not whole (or unreadable) stops the
 * campaign, and is recorded failed with the counts it shows now, so the
 * run fails and notifies until a person looks. A hold that a read after its
 * removal still shows stops the campaign too, as any hold does.
 */
export async function settleHolds(ctx: ActContext, holds: readonly Hold[]): Promise<Settled> {
  if (holds.length === 0) return { stoppedBy: [], lifted: [] };
  const reads = await readKafka(
    ctx.dms,
    holds.map((h) => h.instance),
    false,
  );
  const stoppedBy: string[] = [];
  const whole: Array<{ hold: Hold; health: string }> = [];
  for (const hold of holds) {
    const { instance, since } = hold;
    const read = reads.get(instance.instance_id) ?? {};
    const problem = read.cluster
      ? clusterProblem(read.cluster, read.brokerNum)
      : `unreadable: ${read.unreadable}`;
    if (read.cluster && !problem) {
      whole.push({ hold, health: healthLine(read.cluster, read.brokerNum) });
      continue;
    }
    const counts = read.cluster ? ` (${healthLine(read.cluster, read.brokerNum)})` : '';
    const why = `on hold since ${since}, still not healthy: ${problem}${counts}; remove the tag ${HOLD_KEY} from it to go on without waiting`;
    ctx.report.add(instance, { outcome: Outcome.Failed, reason: why });
    stoppedBy.push(`${label(instance)}: ${why}`);
  }
  const off = await liftHolds(ctx, whole);
  return { stoppedBy: [...stoppedBy, ...off.stoppedBy], lifted: off.lifted };
}

/**
 * Takes the holds of clusters whole again off, each with the value it
 * carries, and reads each instance back: a hold gone (or the instance gone)
 * is lifted, with a warning line; one the read still shows, with any value,
 * or that could not be read, is not: the instance is recorded failed, naming
 * the tag, and the campaign stops on it. The next run tries again.
 */
async function liftHolds(
  ctx: ActContext,
  whole: ReadonlyArray<{ hold: Hold; health: string }>,
): Promise<Settled> {
  const calls: TagCall[] = [];
  for (const { hold } of whole) {
    calls.push(await tagCall(ctx, hold.instance, 'delete', [holdAs(hold.since)]));
  }
  const fresh = await readAfter(ctx, calls);
  const out: Settled = { stoppedBy: [], lifted: [] };
  for (const [k, { hold, health }] of whole.entries()) {
    const { instance, since } = hold;
    const f = fresh.get(instance.instance_id);
    const call = calls[k] as TagCall;
    // Any hold still on is on, whatever its value: a person may have written another since.
    const now = f && 'instance' in f ? holdOf(f.instance) : undefined;
    const why = notShown(now === undefined ? call : { ...call, tags: [holdAs(now)] }, f);
    if (why === undefined) {
      out.lifted.push(instance.instance_id);
      ctx.report.warn({
        message: `hold lifted: the cluster is whole again (${health})`,
        instanceId: instance.instance_id,
        holdSince: since,
      });
      continue;
    }
    const reason = `its cluster is whole again (${health}), but the hold ${tagText(call.tags)} could not be taken off (${why}); the campaign waits for it as for any hold: remove the tag ${HOLD_KEY} from it to go on`;
    ctx.report.add(instance, { outcome: Outcome.Failed, reason });
    out.stoppedBy.push(`${label(instance)}: ${reason}`);
  }
  return out;
}

/**
 * Puts the hold on each instance whose restart the gate could not confirm,
 * and reads each back. The hold is the only record of the danger a later
 * run reads, so one that is not shown on (refused, or answered and not
 * kept, or not readable) is handed back, one line each, naming the
 * instance and the tag, and the campaign stops on it rather than going on
 * with a warning.
 */
export async function putHolds(
  ctx: ActContext,
  held: readonly { instance: KafkaInstance }[],
): Promise<string[]> {
  const at = ctx.clock.now();
  const calls: TagCall[] = [];
  for (const { instance } of held) {
    ctx.report.action('HoldUnhealthy', 1, [instance]);
    calls.push(await tagCall(ctx, instance, 'create', [holdTag(at)]));
  }
  const fresh = await readAfter(ctx, calls);
  const notWritten: string[] = [];
  for (const c of calls) {
    const why = notShown(c, fresh.get(c.instance.instance_id));
    if (why === undefined) continue;
    const line = `${label(c.instance)}: its restart was not confirmed and the hold ${tagText(c.tags)} could not be put on it (${why}); no later run would know`;
    ctx.report.warn({ message: line, instanceId: c.instance.instance_id, tags: c.tags });
    notWritten.push(line);
  }
  return notWritten;
}

/** The hold as a tag, with the value it carries. */
function holdAs(value: string) {
  return { key: HOLD_KEY, value };
}

function label(i: KafkaInstance): string {
  return `${i.name} (${i.instance_id})`;
}
