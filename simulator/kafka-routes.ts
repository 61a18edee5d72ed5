/**
 * ShowCluster and ListInstanceTopics, with the fields and paging the API
 * pages give (sources in simulator/kafka.ts and src/dms/kafka.ts).
 */
import type { HandlerContext } from './context';
import { dms } from './errors';
import type { ShowClusterField } from './kafka';
import { recordedError, replayCluster } from './replay';
import { json, type Reply } from './reply';

const INTEGER = /^\d+$/;
const MAX_LIMIT = 200;
const DEFAULT_LIMIT = 50;

export function showCluster(ctx: HandlerContext): Reply {
  const instance = ctx.instanceId === undefined ? undefined : ctx.store.get(ctx.instanceId);
  if (!instance) return dms.instanceNotFound();
  const k = ctx.store.kafka.of(instance.instance_id, instance.broker_num);
  if (k.recorded?.clusterError) return recordedError(k.recorded.clusterError);
  const since = Number(instance.created_at) || 0;
  const c = ctx.store.kafka.cluster(
    instance.instance_id,
    ctx.store.clockNow(),
    instance.broker_num,
    since,
  );
  if (k.recorded?.cluster !== undefined) {
    return json(200, replayCluster(k.recorded.cluster, k, c, since));
  }
  const hosts = (instance.connect_address ?? '').split(',');
  const cluster: Record<string, unknown> = {
    controller: '0',
    brokers: c.brokers.map((b) => ({
      host: hosts[b.broker_id] ?? `192.168.0.${10 + b.broker_id}`,
      port: instance.port ?? 9092,
      broker_id: String(b.broker_id),
      is_controller: b.broker_id === 0,
      version: instance.engine_version,
      register_time: b.registeredAt,
      is_health: b.healthy,
    })),
    topics_count: k.topics.length,
    partitions_count: c.partitions,
    online_partitions_count: c.online,
    replicas_count: c.replicas,
    isr_replicas_count: c.inSync,
    consumers_count: 0,
  };
  return json(200, { cluster: without(cluster, k.omit ?? []) });
}

/** The answer with the fields `omit` names left out: the cluster's own, or each broker's. */
function without(
  cluster: Record<string, unknown>,
  omit: readonly ShowClusterField[],
): Record<string, unknown> {
  const out = { ...cluster };
  for (const f of omit) {
    const [outer, inner] = f.split('.') as [string, string | undefined];
    if (inner === undefined) delete out[outer];
    else if (Array.isArray(out.brokers)) {
      out.brokers = out.brokers.map((b: Record<string, unknown>) => {
        const { [inner]: _left, ...rest } = b;
        return rest;
      });
    }
  }
  return out;
}

export function listTopics(ctx: HandlerContext): Reply {
  const instance = ctx.instanceId === undefined ? undefined : ctx.store.get(ctx.instanceId);
  if (!instance) return dms.instanceNotFound();
  const limitText = ctx.query.limit ?? String(DEFAULT_LIMIT);
  const offsetText = ctx.query.offset ?? '0';
  const limit = Number(limitText);
  if (!INTEGER.test(limitText) || limit > MAX_LIMIT) {
    return dms.invalidParameter(`limit must be an integer from 0 to ${MAX_LIMIT}`);
  }
  if (!INTEGER.test(offsetText))
    return dms.invalidParameter('offset must be a non-negative integer');
  const offset = Number(offsetText);
  const k = ctx.store.kafka.of(instance.instance_id, instance.broker_num);
  if (k.recorded?.topicsError) return recordedError(k.recorded.topicsError);
  const all = k.topics.map((t) =>
    // A recorded topic is given as it came.
    t.fields
      ? { ...t.fields }
      : {
          name: t.name,
          replication: t.replication,
          partition: t.partitions,
          retention_time: 72,
          sync_replication: false,
          sync_message_flush: false,
          topic_type: 0,
          policies_only: false,
          created_at: Number(instance.created_at),
        },
  );
  const used = k.topics.reduce((n, t) => n + t.partitions, 0);
  const max = Number(instance.partition_num ?? 300);
  return json(200, {
    total: all.length,
    size: all.length,
    remain_partitions: Math.max(0, max - used),
    max_partitions: max,
    topic_max_partitions: 200,
    topics: all.slice(offset, offset + (limit || DEFAULT_LIMIT)),
  });
}
