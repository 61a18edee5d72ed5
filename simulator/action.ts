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
  const results: Outcome[] = [];
  for (const id of instances) {
    if (ctx.outcome?.omitIds.has(id)) continue;
    const ok = act(ctx, action, id, forceDelete === true);
    if (ctx.outcome?.omitAppliedIds.has(id)) continue;
    results.push({ instance: id, result: ok ? 'success' : 'failed' });
  }
  return json(200, { results: results.map(({ result, instance }) => ({ result, instance })) });
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
