import { DELETE_IN_PROGRESS } from '../dms/status';
import type { KafkaInstance } from '../dms/wire';
import { Outcome } from '../report/records';
import type { ActContext } from './context';
import { type Fresh, readFresh } from './fresh';

/** An instance an `all_failure` call may have deleted without a plan, and why it is thought so. */
interface Unplanned {
  inst: KafkaInstance;
  reason: string;
}

const NOT_PLANNED = 'which this run did not plan for it';

const deleting = (i: KafkaInstance) => DELETE_IN_PROGRESS.has(i.status);

/**
 * `all_failure` deletes what DMS holds failed when it runs the call, and an
 * instance can fail (or arrive failed) between our last listing and then.
 * That cannot be prevented, so it is made visible: the fleet is listed again
 * right after the call and held against `before`, the listing right before it.
 *
 * DMS leaves an instance out of ListInstances once its delete has begun
 * (Huawei's Terraform provider, `refreshBatchActionInstancesState`), so what
 * the call deleted mostly vanishes from the listing. Every instance listed
 * before the call, not being deleted then, without a record of this run and
 * no longer listed is read again (ShowInstance): gone (`DMS.00404022`),
 * deleting, in the recycle bin, or unreadable, it is `deleted-unplanned`.
 * The call may have deleted it, or someone else did: with `all_failure` this
 * run cannot tell which, so it never passes in silence. One DMS still shows
 * in another status was not deleted, and is a warning. Where DMS still lists
 * deleting instances, one listed deleting after the call and not before,
 * without a record, is `deleted-unplanned` too. Any of them is a warning, and
 * the run fails and notifies. A listing that fails is a warning: nothing more
 * can be known.
 *
 * What no listing shows: an instance that arrived failed after `before` and
 * that the call deleted is in neither listing where DMS leaves deleting
 * instances out.
 */
export async function recordUnplanned(
  ctx: ActContext,
  before: readonly KafkaInstance[],
): Promise<void> {
  let after: KafkaInstance[];
  try {
    after = await ctx.dms.listInstances({ includeFailure: true });
  } catch (e) {
    ctx.report.warn({
      message: `the listing after all_failure failed; instances it may have deleted without a plan are not known: ${e instanceof Error ? e.message : String(e)}`,
    });
    return;
  }
  const found = [...listedDeleting(ctx, before, after), ...(await vanished(ctx, before, after))];
  if (found.length === 0) return;
  ctx.report.warn({
    message: 'all_failure deleted instances this run did not plan to delete',
    instances: found.map(({ inst }) => ({ id: inst.instance_id, name: inst.name })),
  });
  for (const { inst, reason } of found) {
    ctx.report.add(inst, { outcome: Outcome.DeletedUnplanned, reason });
  }
}

/** Listed deleting after the call, not before, and without a record (DMS listing deleting instances). */
function listedDeleting(
  ctx: ActContext,
  before: readonly KafkaInstance[],
  after: readonly KafkaInstance[],
): Unplanned[] {
  const already = new Set(before.filter(deleting).map((i) => i.instance_id));
  return after
    .filter((i) => deleting(i) && !already.has(i.instance_id) && !ctx.report.has(i.instance_id))
    .map((inst) => ({
      inst,
      reason: `status ${inst.status} right after the all_failure call, ${NOT_PLANNED}: it failed or appeared after the listing`,
    }));
}

/** Listed before the call, not deleting then, without a record, and no longer listed: each read again. */
async function vanished(
  ctx: ActContext,
  before: readonly KafkaInstance[],
  after: readonly KafkaInstance[],
): Promise<Unplanned[]> {
  const still = new Set(after.map((i) => i.instance_id));
  const gone = before.filter(
    (i) => !deleting(i) && !still.has(i.instance_id) && !ctx.report.has(i.instance_id),
  );
  if (gone.length === 0) return [];
  const fresh = await readFresh(ctx, gone);
  const found: Unplanned[] = [];
  for (const inst of gone) {
    const f: Fresh = fresh.get(inst.instance_id) ?? { unreadable: 'not read' };
    if ('instance' in f && !deleting(f.instance)) {
      ctx.report.warn({
        message: `no longer listed right after the all_failure call, but DMS shows it ${f.instance.status}: not deleted`,
        instanceId: inst.instance_id,
      });
      continue;
    }
    found.push({ inst: 'instance' in f ? f.instance : inst, reason: vanishedReason(inst, f) });
  }
  return found;
}

function vanishedReason(listed: KafkaInstance, f: Fresh): string {
  const was = `listed ${listed.status} right before the call`;
  const why = 'the call deleted it if it failed after the listing, or someone else deleted it';
  if ('instance' in f) {
    return `status ${f.instance.status} right after the all_failure call (no longer listed; read by ShowInstance), ${NOT_PLANNED} (${was}): ${why}`;
  }
  if ('gone' in f) {
    return `gone right after the all_failure call (no longer listed, and DMS answers that it does not exist), ${NOT_PLANNED} (${was}): ${why}`;
  }
  return `no longer listed right after the all_failure call, ${NOT_PLANNED} (${was}), and its status could not be read: ${f.unreadable}; it may have been deleted`;
}
