import { parse } from './answers';
import type { DmsCalls } from './calls';
import { type ActionResponse, actionResponseSchema, type Tag } from './wire';

/** `force_delete` as the caller asked for it. */
interface Force {
  force?: boolean | undefined;
}

/** RestartInstances; sent once. Throws at once on an empty `ids`. */
export function restartInstances(calls: DmsCalls, ids: readonly string[]): Promise<ActionResponse> {
  return batch(calls, 'RestartInstances', { action: 'restart', instances: nonEmpty(ids) });
}

/** DeleteInstances; sent once. Throws at once on an empty `ids`. */
export function deleteInstances(
  calls: DmsCalls,
  ids: readonly string[],
  d: Force,
): Promise<ActionResponse> {
  return batch(calls, 'DeleteInstances', {
    action: 'delete',
    instances: nonEmpty(ids),
    ...forced(d),
  });
}

/** `all_failure: "kafka"`: every CREATEFAILED Kafka instance; sent once. */
export function deleteAllFailed(calls: DmsCalls, d: Force): Promise<ActionResponse> {
  // `all_failure` is the v2 wire key; `allFailure` belongs to the old v1 API.
  return batch(calls, 'DeleteAllFailedInstances', {
    action: 'delete',
    all_failure: 'kafka',
    ...forced(d),
  });
}

/**
 * BatchCreateOrDeleteKafkaTag; idempotent, so retried like a read. A delete
 * sends each tag's value with its key, as Huawei's own clients do: DMS
 * removes a tag only when both match (by key alone when the value is empty),
 * and answers 204 when nothing matched too. See docs/fidelity.md.
 */
export async function tagInstance(
  calls: DmsCalls,
  id: string,
  action: 'create' | 'delete',
  tags: readonly Tag[],
): Promise<{ requestId: string | undefined }> {
  const res = await calls.read({
    operation: action === 'create' ? 'CreateInstanceTags' : 'DeleteInstanceTags',
    method: 'POST',
    url: '/v2/{project_id}/kafka/{instance_id}/tags/action',
    pathParams: { instance_id: id },
    body: { action, tags: tags.map((t) => ({ key: t.key, value: t.value })) },
  });
  return { requestId: res.requestId };
}

/** One instances action, sent once: 204 has no results, any other answer is parsed. */
async function batch(
  calls: DmsCalls,
  operation: string,
  body: Record<string, unknown>,
): Promise<ActionResponse> {
  const res = await calls.call({
    operation,
    method: 'POST',
    url: '/v2/{project_id}/instances/action',
    body,
  });
  if (res.status === 204) return { requestId: res.requestId, results: undefined };
  const parsed = parse(operation, actionResponseSchema, res.body, res.requestId);
  return { requestId: res.requestId, results: parsed.results };
}

function forced(d: Force): { force_delete?: true } {
  return d.force ? { force_delete: true } : {};
}

function nonEmpty(ids: readonly string[]): string[] {
  if (ids.length === 0) throw new Error('a batch action needs at least one instance id');
  return [...ids];
}
