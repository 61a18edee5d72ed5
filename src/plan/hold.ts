/**
 * The hold: a tag a campaign leaves on an instance whose cluster did not
 * heal after its restart. Any campaign that selects the instance starts no
 * wave while it is there; a run that finds the cluster whole again takes it
 * off, and so may a person (`docs/kafka-checks.md`). It lives on the
 * instance, like the marks, so that it holds across invocations.
 *
 * Key and value meet both documented rule sets for DMS tags (see mark.ts).
 */
import type { KafkaInstance, Tag } from '../dms/wire';
import { markValue } from './mark';

export const HOLD_KEY = 'dms-maintenance.unhealthy';

/** An instance on hold, and since when. */
export interface Hold {
  instance: KafkaInstance;
  /** The tag value as written, `YYYY-MM-DDTHH:MM:SSZ`; or what a person put there. */
  since: string;
}

export function holdTag(at: number): Tag {
  return { key: HOLD_KEY, value: markValue(at) };
}

/** The instance's hold, whatever its value (a person may have written one), or undefined. */
export function holdOf(instance: Pick<KafkaInstance, 'tags'>): string | undefined {
  return instance.tags.find((t) => t.key === HOLD_KEY)?.value;
}

/** The instances that carry a hold. */
export function holdsAmong(instances: readonly KafkaInstance[]): Hold[] {
  const out: Hold[] = [];
  for (const instance of instances) {
    const since = holdOf(instance);
    if (since !== undefined) out.push({ instance, since });
  }
  return out;
}
