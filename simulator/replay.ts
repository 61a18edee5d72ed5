/**
 * A recorded fleet's Kafka (`simulator --from`): ShowCluster's answer as it
 * was recorded, and ListInstanceTopics' errors as they were. A real cluster's
 * counts include topics ListInstanceTopics never lists (Kafka's own), so the
 * model's counts cannot stand in for them: the recorded answer is given as it
 * is, and what the model changes since (a broker down during a restart here,
 * replicas catching up after it, brokers registering again) is applied on top.
 */
import type { ClusterView, RecordedError, SimKafka } from './kafka';
import { json, type Reply } from './reply';

const asRecord = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;

/** The recorded error, answered again with its status, code and message. */
export function recordedError(e: RecordedError): Reply {
  const body: Record<string, string> = {};
  if (e.error_code !== undefined) body.error_code = e.error_code;
  if (e.error_msg !== undefined) body.error_msg = e.error_msg;
  return json(e.status, body);
}

/** Partitions and replicas of the model's topics with every broker up and every replica in sync. */
function whole(k: SimKafka): { partitions: number; replicas: number } {
  let partitions = 0;
  let replicas = 0;
  for (const t of k.topics) {
    partitions += t.partitions;
    replicas += Math.min(t.replication, k.brokers) * t.partitions;
  }
  return { partitions, replicas };
}

/**
 * ShowCluster's recorded body, with the model's changes: the brokers the
 * model has down are not healthy, a broker a restart here brought back
 * carries its new `register_time`, and the partitions offline and replicas
 * out of sync the model counts now are taken off the recorded counts. The
 * n-th recorded broker is the model's broker n. A body not in ShowCluster's
 * shape is given as it is.
 */
export function replayCluster(
  recorded: unknown,
  k: SimKafka,
  view: ClusterView,
  since: number,
): unknown {
  const body = structuredClone(recorded);
  const c = asRecord(asRecord(body)?.cluster);
  if (!c) return body;
  const all = whole(k);
  const offline = Math.max(0, all.partitions - view.online);
  const outOfSync = Math.max(0, all.replicas - view.inSync);
  const less = (key: string, n: number) => {
    const v = c[key];
    if (typeof v === 'number' && n > 0) c[key] = Math.max(0, v - n);
  };
  less('online_partitions_count', offline);
  less('isr_replicas_count', outOfSync);
  if (Array.isArray(c.brokers)) {
    c.brokers = c.brokers.map((b, i) => {
      const broker = asRecord(b);
      const now = view.brokers.find((m) => m.broker_id === i);
      if (!broker || !now) return b;
      if (!now.healthy) broker.is_health = false;
      if (now.registeredAt !== since) broker.register_time = now.registeredAt;
      return broker;
    });
  }
  return body;
}
