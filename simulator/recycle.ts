/**
 * ShowRecycleInstances: `GET /v2/{project_id}/recycle`, the project's recycle
 * bin. Source: https://support.huaweicloud.com/intl/en-us/api-kafka/ShowRecycleInstances.html
 * (`retention_days` 1 to 7, `default_use_recycle`, `recycle_instances[]`).
 */
import type { HandlerContext } from './context';
import { json, type Reply } from './reply';

/** How long the simulated bin keeps an instance, in days (the API allows 1 to 7). */
export const RETENTION_DAYS = 7;
const DAY_MS = 86_400_000;

export function showRecycle(ctx: HandlerContext): Reply {
  return json(200, {
    retention_days: RETENTION_DAYS,
    default_use_recycle: ctx.store.keepsRecycleBin,
    recycle_instances: ctx.store.recycled().map(({ instance, at }) => ({
      instance_id: instance.instance_id,
      status: instance.status,
      name: instance.name,
      engine: instance.engine,
      in_recycle_time: at,
      save_time: RETENTION_DAYS,
      auto_delete_time: at + RETENTION_DAYS * DAY_MS,
    })),
  });
}
