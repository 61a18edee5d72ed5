import type { KafkaInstance } from '../dms/wire';
import { waitBudgetMs } from '../exec/deadline';
import type { ActContext } from './context';
import { type Fresh, readFresh } from './fresh';
import type { WriteKind } from './write-kinds';

/**
 * The first look after a lost answer comes at once; then 2, 4, 8, 16 s and
 * every 30 s: about 7 reads of each doubtful instance across a 2-minute onset.
 */
const ONSET_POLL_MS = 2_000;
const ONSET_POLL_MAX_MS = 30_000;
const MAX_LOOKS = 20;

/** What a read-back after a lost answer needs from the write. */
export interface OnsetWatch {
  /** DMS may still show no sign of the write for `ActContext.onsetMs` after it. */
  showsLate?: boolean | undefined;
  tookEffect(fresh: Fresh): boolean;
  evidence?: WriteKind['evidence'];
}

/**
 * Reads each instance again. For those whose last call's outcome is
 * unknown (`doubtful`), and a write that DMS shows only after an onset (a
 * restart is RUNNING for a few seconds before it is RESTARTING), it looks
 * again, backing off, until the write shows, the onset since the last send
 * has passed, or no time is left to wait. Only then may a read of "not
 * taken" be believed: a resend during the onset would restart twice.
 */
export async function readBack(
  ctx: ActContext,
  kind: OnsetWatch,
  instances: readonly KafkaInstance[],
  doubtful: ReadonlySet<string>,
  sentAt: ReadonlyMap<string, number>,
): Promise<Map<string, Fresh>> {
  const fresh = await readFresh(ctx, instances);
  const onsetMs = ctx.onsetMs;
  if (!kind.showsLate || doubtful.size === 0) return fresh;
  await withEvidence(ctx, kind, fresh, instances, doubtful);
  const endsAt = (id: string) => (sentAt.get(id) ?? 0) + onsetMs;
  // Bounded also in looks, should a clock not move: what is still open is then never resent.
  for (let n = 1; n <= MAX_LOOKS; n++) {
    const now = ctx.clock.now();
    // Only an instance that reads as not taken could be sent again; one that is gone
    // or unreadable never is, so waiting for it would change nothing.
    const open = instances.filter((i) => {
      const f = fresh.get(i.instance_id);
      return (
        doubtful.has(i.instance_id) &&
        f !== undefined &&
        'instance' in f &&
        !kind.tookEffect(f) &&
        endsAt(i.instance_id) > now
      );
    });
    if (open.length === 0) return fresh;
    const until = Math.min(...open.map((i) => endsAt(i.instance_id) - now));
    const pause = Math.max(1, Math.min(ONSET_POLL_MS * 2 ** (n - 1), ONSET_POLL_MAX_MS, until));
    if (waitBudgetMs(ctx.deadline) < pause) return fresh;
    await ctx.clock.sleep(pause);
    for (const [id, f] of await readFresh(ctx, open)) fresh.set(id, f);
    await withEvidence(ctx, kind, fresh, open, doubtful);
  }
  return fresh;
}

/** Marks the doubtful instances whose status does not show the write, but other evidence does. */
async function withEvidence(
  ctx: ActContext,
  kind: OnsetWatch,
  fresh: Map<string, Fresh>,
  instances: readonly KafkaInstance[],
  doubtful: ReadonlySet<string>,
): Promise<void> {
  if (!kind.evidence) return;
  const unshown = instances.filter((i) => {
    const f = fresh.get(i.instance_id);
    return doubtful.has(i.instance_id) && f !== undefined && 'instance' in f && !kind.tookEffect(f);
  });
  if (unshown.length === 0) return;
  const shown = await kind.evidence(ctx, unshown);
  for (const id of shown) {
    const f = fresh.get(id);
    if (f && 'instance' in f) fresh.set(id, { ...f, reRegistered: true });
  }
}

/** True while a write sent at `sentAt` may still show itself. */
export function inOnset(ctx: ActContext, kind: OnsetWatch, sentAt: number | undefined): boolean {
  return kind.showsLate === true && sentAt !== undefined && ctx.clock.now() < sentAt + ctx.onsetMs;
}
