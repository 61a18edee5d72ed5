import { ExecutionError } from '../errors';
import type { KafkaInstance } from './wire';

/** One ListInstances page, parsed. */
export interface ListPage {
  instances: KafkaInstance[];
  /** What DMS says the whole listing holds. */
  total: number;
}

/** The fleet changed under every listing we tried; nothing listed may be acted on. */
export class ListingInconsistentError extends ExecutionError {
  override name = 'ListingInconsistentError';
  constructor(
    readonly tries: number,
    readonly lastReason: string,
  ) {
    super(
      `the fleet kept changing while it was listed: ${tries} listings in a row were not consistent (last: ${lastReason})`,
    );
  }
}

export type Pass = { ok: true; instances: KafkaInstance[] } | { ok: false; reason: string };

/**
 * Pages through one listing by offset and checks that it proves itself a
 * snapshot: every page reports the same `instance_num`, no id is seen twice,
 * and the ids add up to `instance_num`. A fleet that changes between pages
 * shifts the offsets, and one of these checks then fails.
 */
export async function listOnce(
  fetchPage: (offset: number) => Promise<ListPage>,
  pageSize: number,
  maxPages: number,
): Promise<Pass> {
  const seen = new Map<string, KafkaInstance>();
  let total: number | undefined;
  for (let page = 0; page < maxPages; page++) {
    const offset = page * pageSize;
    const { instances, total: reported } = await fetchPage(offset);
    if (total === undefined) total = reported;
    if (reported !== total) {
      return { ok: false, reason: `instance_num went from ${total} to ${reported} between pages` };
    }
    for (const inst of instances) {
      if (seen.has(inst.instance_id)) {
        return { ok: false, reason: `instance ${inst.instance_id} was listed twice` };
      }
      seen.set(inst.instance_id, inst);
    }
    const short = instances.length < pageSize;
    if (seen.size >= total || short) {
      return seen.size === total
        ? { ok: true, instances: [...seen.values()] }
        : { ok: false, reason: `${seen.size} instances listed, but instance_num says ${total}` };
    }
  }
  return { ok: false, reason: `the listing did not end after ${maxPages} pages` };
}

/**
 * Lists until one pass is consistent, at most `tries` times, waiting
 * `backoff(n)` between passes. Errors from a page (after the client's own
 * read retries) end the listing at once.
 */
export async function listConsistent(
  pass: () => Promise<Pass>,
  tries: number,
  backoff: (failedPasses: number) => Promise<void>,
): Promise<KafkaInstance[]> {
  let last = 'no listing was made';
  for (let n = 1; n <= tries; n++) {
    const r = await pass();
    if (r.ok) return r.instances;
    last = r.reason;
    if (n < tries) await backoff(n);
  }
  throw new ListingInconsistentError(tries, last);
}
