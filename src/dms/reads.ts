import { backoffMs } from '../exec/retry';
import { instance, parse, shownInstance } from './answers';
import type { DmsCalls } from './calls';
import { isInstanceNotFound } from './errors';
import { type ListPage, listConsistent, listOnce } from './list';
import { type KafkaInstance, listPageSchema } from './wire';

/** DMS caps `limit` at 50. */
export const PAGE_SIZE = 50;
/** How many listings may fail their consistency check before the run gives up. */
export const LISTING_TRIES = 3;
const MAX_PAGES = 10_000;

/**
 * Every Kafka instance of the project, as a listing that proved itself
 * consistent; between listings that did not, waits as a read's retry would.
 */
export function listInstances(calls: DmsCalls, includeFailure: boolean): Promise<KafkaInstance[]> {
  const pass = () =>
    listOnce(
      (offset) => listPage(calls, offset, includeFailure),
      PAGE_SIZE,
      MAX_PAGES,
      calls.maxConcurrency,
    );
  const retry = calls.retry;
  return listConsistent(pass, LISTING_TRIES, async (n) => {
    if (retry) await retry.clock.sleep(backoffMs(retry.settings, n));
  });
}

/** The instance now, or `undefined` when DMS answers that it does not exist. */
export async function showInstance(
  calls: DmsCalls,
  id: string,
): Promise<KafkaInstance | undefined> {
  try {
    const res = await calls.read({
      operation: 'ShowInstance',
      method: 'GET',
      url: '/v2/{project_id}/instances/{instance_id}',
      pathParams: { instance_id: id },
    });
    return calls.cleaned(shownInstance(id, res.body, res.requestId));
  } catch (e) {
    if (isInstanceNotFound(e)) return undefined;
    throw e;
  }
}

/** One ListInstances page from `offset`, its instances read and scrubbed. */
async function listPage(
  calls: DmsCalls,
  offset: number,
  includeFailure: boolean,
): Promise<ListPage> {
  const op = 'ListInstances';
  const queryParams: Record<string, string | number> = {
    engine: 'kafka',
    limit: PAGE_SIZE,
    offset,
  };
  if (includeFailure) queryParams.include_failure = 'true';
  const res = await calls.read({
    operation: op,
    method: 'GET',
    url: '/v2/{project_id}/instances',
    queryParams,
  });
  const body = parse(op, listPageSchema, res.body, res.requestId);
  const instances = body.instances.map((raw, i) =>
    calls.cleaned(instance(`${op} (offset ${offset}, item ${i})`, raw, res.requestId)),
  );
  return { instances, total: body.instance_num };
}
