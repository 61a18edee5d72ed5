/** ListInstances and ShowInstance. */
import type { HandlerContext } from './context';
import { dms } from './errors';
import { json, type Reply } from './reply';

const MAX_LIMIT = 50;
const DEFAULT_LIMIT = 10;
const INTEGER = /^\d+$/;

function booleanParam(query: Record<string, string>, name: string): boolean | Reply {
  const value = query[name];
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  return dms.invalidParameter(`${name} must be true or false`);
}

export { byCreatedDesc } from './store';

/**
 * Once its delete has begun, DMS leaves an instance out of ListInstances, while
 * ShowInstance answers it (DELETING, then RECYCLE where the bin is on) until it is
 * gone (404). Source: Huawei's Terraform provider,
 * `huaweicloud/services/kafka/resource_huaweicloud_dms_kafka_instance_batch_action.go`
 * (`refreshBatchActionInstancesState`): "When an instance is deleted, the query
 * instance list API returns data that no longer contains the instance, but the
 * instance is actually in the deletion state", so it polls ShowInstance, 404 or
 * RECYCLE meaning done. That RECYCLE and DELETED stay out too, whatever the
 * `status` or `instance_id` filter asks, is assumed: the bin has its own listing
 * (ShowRecycleInstances). `deletingListed` keeps them listed, as before.
 */
const UNLISTED: ReadonlySet<string> = new Set(['DELETING', 'RECYCLE', 'DELETED']);

export function listInstances(ctx: HandlerContext): Reply {
  const q = ctx.query;
  if (q.engine === undefined || q.engine === '') return dms.invalidParameter('engine is required');
  if (q.engine !== 'kafka') return dms.unsupportedEngine();
  const limitText = q.limit ?? String(DEFAULT_LIMIT);
  const limit = Number(limitText);
  if (!INTEGER.test(limitText) || limit < 1 || limit > MAX_LIMIT) {
    return dms.invalidParameter(`limit must be an integer from 1 to ${MAX_LIMIT}`);
  }
  const offsetText = q.offset ?? '0';
  if (!INTEGER.test(offsetText))
    return dms.invalidParameter('offset must be a non-negative integer');
  const offset = Number(offsetText);
  const includeFailure = booleanParam(q, 'include_failure');
  if (typeof includeFailure !== 'boolean') return includeFailure;
  const exactName = booleanParam(q, 'exact_match_name');
  if (typeof exactName !== 'boolean') return exactName;

  const key = JSON.stringify([
    includeFailure,
    exactName,
    q.status,
    q.instance_id,
    q.enterprise_project_id,
    q.name,
  ]);
  const matching = ctx.store.listing(
    key,
    (i) =>
      i.engine === 'kafka' &&
      (ctx.deletingListed || !UNLISTED.has(i.status)) &&
      (includeFailure || i.status !== 'CREATEFAILED') &&
      (q.status === undefined || i.status === q.status) &&
      (q.instance_id === undefined || i.instance_id === q.instance_id) &&
      (q.enterprise_project_id === undefined ||
        i.enterprise_project_id === q.enterprise_project_id) &&
      (q.name === undefined ||
        q.name === '' ||
        (exactName ? i.name === q.name : i.name.includes(q.name))),
  );
  // As DMS: a page past the end is refused, not answered empty (the first page never is).
  if (offset > 0 && offset >= matching.length) return dms.offsetInvalid();
  return json(200, {
    instances: matching.slice(offset, offset + limit),
    instance_num: matching.length,
  });
}

export function showInstance(ctx: HandlerContext): Reply {
  const instance = ctx.instanceId === undefined ? undefined : ctx.store.get(ctx.instanceId);
  return instance ? json(200, instance) : dms.instanceNotFound();
}
