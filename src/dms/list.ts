import { ExecutionError } from '../errors';
import { isDmsApiError, OFFSET_PAST_END_CODE } from './errors';
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
 * Lists by offset: the first page, which tells `instance_num`, then every
 * other page at once, at most `concurrency` in flight (the client's limiter
 * may hold them back further). The listing must prove itself a snapshot:
 * every page reports the same `instance_num`, no id is seen twice, and the
 * ids add up to `instance_num`. A fleet that changes between pages shifts
 * the offsets or the count, and one of these checks then fails; the pages
 * not yet asked for are then not asked for.
 */
export async function listOnce(
  fetchPage: (offset: number) => Promise<ListPage>,
  pageSize: number,
  maxPages: number,
  concurrency = 1,
): Promise<Pass> {
  const first = await fetchPage(0);
  const total = first.total;
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  if (pageCount > maxPages) {
    return { ok: false, reason: `instance_num ${total} needs more than ${maxPages} pages` };
  }
  const pages: KafkaInstance[][] = new Array(pageCount);
  pages[0] = first.instances;
  let failure: string | undefined;
  let thrown = false;
  let next = 1;
  const worker = async () => {
    while (failure === undefined && !thrown && next < pageCount) {
      const page = next++;
      let got: ListPage;
      try {
        got = await fetchPage(page * pageSize);
      } catch (e) {
        if (isOffsetPastEnd(e)) {
          // Proof that the fleet shrank since the first page: list again, never this page.
          failure ??= `the page at offset ${page * pageSize} is past the end now (DMS.40050010): the fleet shrank while it was listed`;
          continue;
        }
        thrown = true;
        throw e;
      }
      if (got.total !== total) {
        failure ??= `instance_num went from ${total} to ${got.total} between pages`;
      }
      pages[page] = got.instances;
    }
  };
  const workers = Math.max(1, Math.min(concurrency, pageCount - 1));
  await Promise.all(Array.from({ length: workers }, worker));
  if (failure !== undefined) return { ok: false, reason: failure };

  const seen = new Set<string>();
  const instances: KafkaInstance[] = [];
  for (const page of pages) {
    for (const inst of page ?? []) {
      if (seen.has(inst.instance_id)) {
        return { ok: false, reason: `instance ${inst.instance_id} was listed twice` };
      }
      seen.add(inst.instance_id);
      instances.push(inst);
    }
  }
  return seen.size === total
    ? { ok: true, instances }
    : { ok: false, reason: `${seen.size} instances listed, but instance_num says ${total}` };
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

/** DMS's answer to a page whose offset is at or past the end of the listing. */
function isOffsetPastEnd(e: unknown): boolean {
  return isDmsApiError(e) && e.errorCode === OFFSET_PAST_END_CODE;
}
