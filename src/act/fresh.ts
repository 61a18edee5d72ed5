import pLimit from 'p-limit';
import { isCloudApiError } from '../cloud/errors';
import type { KafkaInstance } from '../dms/wire';
import type { Selection } from '../plan/select';
import { Outcome } from '../report/records';
import { type ActContext, READ_CONCURRENCY } from './context';

/** An instance as DMS shows it now. */
export type Fresh =
  /** `reRegistered`: its brokers registered again since the restart's mark (see plan/evidence.ts). */
  | { instance: KafkaInstance; reRegistered?: boolean }
  /** DMS answered that it does not exist. */
  | { gone: true }
  | { unreadable: string };

/**
 * Reads each instance again, a few at a time. The client retries what can
 * be retried; what still fails is `unreadable`, never a guess.
 */
export async function readFresh(
  ctx: ActContext,
  instances: readonly KafkaInstance[],
): Promise<Map<string, Fresh>> {
  const limit = pLimit(READ_CONCURRENCY);
  const entries = await Promise.all(
    instances.map((inst) =>
      limit(async (): Promise<[string, Fresh]> => {
        try {
          const now = await ctx.dms.showInstance(inst.instance_id);
          return [inst.instance_id, now ? { instance: now } : { gone: true }];
        } catch (e) {
          // IAM's error too: a read whose keys could not be renewed fails with it.
          if (!isCloudApiError(e)) throw e;
          return [inst.instance_id, { unreadable: e.message }];
        }
      }),
    ),
  );
  return new Map(entries);
}

/** A few words on what a fresh read showed, for a reason. */
export function describeFresh(f: Fresh): string {
  if ('gone' in f) return 'the instance no longer exists';
  if ('unreadable' in f) return `its status could not be read: ${f.unreadable}`;
  return `status now ${f.instance.status}`;
}

/** Tags this project writes itself (a campaign's mark): not news in a reason. */
const OWN_TAG_PREFIX = 'dms-maintenance.';

/** What changed between the listing and a fresh read, for a skip reason. */
export function describeChange(listed: KafkaInstance, now: KafkaInstance): string {
  const parts: string[] = [];
  if (listed.status !== now.status) parts.push(`status ${listed.status} -> ${now.status}`);
  if (listed.name !== now.name) parts.push(`name ${listed.name} -> ${now.name}`);
  const before = new Map(listed.tags.map((t) => [t.key, t.value]));
  const after = new Map(now.tags.map((t) => [t.key, t.value]));
  for (const [k, v] of after) {
    if (k.startsWith(OWN_TAG_PREFIX)) continue;
    if (!before.has(k)) parts.push(`tag ${k}=${v} added`);
    else if (before.get(k) !== v) parts.push(`tag ${k} ${before.get(k)} -> ${v}`);
  }
  for (const k of before.keys()) {
    if (!after.has(k) && !k.startsWith(OWN_TAG_PREFIX)) parts.push(`tag ${k} removed`);
  }
  return parts.length > 0 ? parts.join(', ') : 'no visible change';
}

/**
 * The plan's instances, as a fresh listing's selection shows them. One
 * that became eligible since the plan waits for the next run, which checks
 * `maxInstances` again (the core holds the decision to the plan). A planned
 * instance that no longer qualifies is recorded skipped, with what changed;
 * one that is no longer listed, or no longer matches at all, is recorded
 * skipped too. Instances another run marked stay, for the campaign to look at.
 */
export function recordChanged(
  ctx: ActContext,
  now: Selection,
  planned: ReadonlyMap<string, KafkaInstance>,
): void {
  const seen = new Set<string>();
  for (const c of now.candidates) {
    seen.add(c.instance.instance_id);
    const listed = planned.get(c.instance.instance_id);
    if (!listed || c.verdict !== 'skip' || c.mark || ctx.report.has(listed.instance_id)) continue;
    ctx.report.add(listed, {
      outcome: Outcome.Skipped,
      reason: `changed since the listing (${describeChange(listed, c.instance)}): ${c.reason}`,
    });
  }
  for (const [id, listed] of planned) {
    if (seen.has(id) || ctx.report.has(id)) continue;
    ctx.report.add(listed, {
      outcome: Outcome.Skipped,
      reason:
        "changed since the listing: no longer listed, or no longer matches the policy's selection",
    });
  }
}
