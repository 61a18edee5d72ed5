/** BatchRestartOrDeleteInstances: POST /v2/{project_id}/instances/action. */
import { isStringArray, parseObjectBody } from './body';
import type { HandlerContext } from './context';
import { dms } from './errors';
import { json, noContent, type Reply } from './reply';

interface Outcome {
  instance: string;
  result: 'success' | 'failed';
}

export function instanceAction(ctx: HandlerContext): Reply {
  const parsed = parseObjectBody(ctx.rawBody);
  if (!parsed.ok) return parsed.reply;
  const body = parsed.value;
  const { action, instances, all_failure: allFailure, force_delete: forceDelete } = body;
  if (action !== 'restart' && action !== 'delete') {
    return dms.invalidParameter('action must be restart or delete');
  }
  if (instances !== undefined && !isStringArray(instances)) {
    return dms.invalidParameter('instances must be a list of instance ids');
  }
  if (forceDelete !== undefined && typeof forceDelete !== 'boolean') {
    return dms.invalidParameter('force_delete must be a boolean');
  }
  if (allFailure !== undefined) {
    if (allFailure !== 'kafka') return dms.invalidParameter('all_failure must be kafka');
    if (action !== 'delete')
      return dms.invalidParameter('all_failure is only valid with action delete');
    return deleteAllFailed(ctx, forceDelete === true);
  }
  if (instances === undefined || instances.length === 0) {
    return dms.invalidParameter('instances or all_failure is required');
  }
  if (action === 'restart' && refusesRestart(ctx, instances)) return dms.busy();
  const results: Outcome[] = [];
  for (const id of instances) {
    if (ctx.outcome?.omitIds.has(id)) continue;
    const ok = act(ctx, action, id, forceDelete === true);
    if (ctx.outcome?.omitAppliedIds.has(id)) continue;
    results.push({ instance: id, result: ok ? 'success' : 'failed' });
  }
  return json(200, { results: results.map(({ result, instance }) => ({ result, instance })) });
}

/**
 * A restart of an instance DMS holds in a state it cannot restart from (one
 * not RUNNING, ERROR or FAULTY, or a restart already accepted) is refused
 * for the whole call, `400 DMS.00400026`, and no instance of it restarts.
 * Source: Huawei's Terraform provider, `restartKafkaInstance` in
 * `huaweicloud/services/kafka/resource_huaweicloud_dms_kafka_instance.go`,
 * resends a restart answered `400` with `DMS.00400026` (its
 * `handleMultiOperationsError`), which DMS's error table words "The operation
 * is not allowed due to the instance status". The provider restarts one
 * instance per call: that one such instance refuses a batch of several is
 * assumed. An id DMS does not know is still answered `failed` (assumed).
 * Ids a `results` fault decides are left to it. `restartRefusedPerInstance`
 * answers each refused instance `failed` instead, as before.
 */
function refusesRestart(ctx: HandlerContext, ids: readonly string[]): boolean {
  if (ctx.restartRefusedPerInstance) return false;
  const o = ctx.outcome;
  return ids.some(
    (id) =>
      !(o?.failIds.has(id) || o?.omitIds.has(id) || o?.ignoreIds.has(id)) &&
      ctx.store.get(id) !== undefined &&
      !ctx.store.canRestart(id),
  );
}

function act(
  ctx: HandlerContext,
  action: 'restart' | 'delete',
  id: string,
  force = false,
): boolean {
  if (ctx.outcome?.failIds.has(id)) return false;
  if (ctx.outcome?.ignoreIds.has(id)) return true;
  const { store } = ctx;
  const allowed = action === 'restart' ? store.canRestart(id) : store.canDelete(id);
  if (allowed && ctx.apply) {
    if (action === 'restart') store.restart(id);
    else store.delete(id, force);
  }
  return allowed;
}

function deleteAllFailed(ctx: HandlerContext, force: boolean): Reply {
  const results: Outcome[] = [];
  for (const id of ctx.store.failedIds()) {
    if (ctx.outcome?.omitIds.has(id)) continue;
    results.push({ instance: id, result: act(ctx, 'delete', id, force) ? 'success' : 'failed' });
  }
  if (ctx.allFailureResponse === 204) return noContent();
  return json(200, { results: results.map(({ result, instance }) => ({ result, instance })) });
}
