import { z } from 'zod';
import { parse } from './answers';
import type { DmsCalls } from './calls';
import { DmsApiError, DmsFailureKind, isDmsApiError, OFFSET_PAST_END_CODE } from './errors';
import type { KafkaCluster, KafkaTopic } from './wire';

/**
 * Kafka inside one instance, as two DMS reads show it.
 *
 * ShowCluster, `GET /v2/{project_id}/instances/{instance_id}/management/cluster`:
 * `cluster.{controller, brokers[{broker_id, host, port, is_controller,
 * is_health, ...}], topics_count, partitions_count, online_partitions_count,
 * replicas_count, isr_replicas_count, consumers_count}`.
 * Source: https://support.huaweicloud.com/en-us/api-kafka/ShowCluster.html
 *
 * ListInstanceTopics, `GET /v2/{project_id}/instances/{instance_id}/topics`
 * with `offset`/`limit` (older pages: limit 1-50; newer: 0-200): `total` and
 * `topics[{name, replication, partition, ...}]`.
 * Source: https://support.huaweicloud.com/intl/en-us/api-kafka/ListInstanceTopics.html
 */
const count = z.number().int().nonnegative();
/** A field Huawei's models make optional: absent, or `null` as a Go SDK pointer left nil. */
const maybe = <T extends z.ZodTypeAny>(t: T) => t.nullish().transform((v) => v ?? undefined);

/**
 * Every field is optional, as in Huawei's own models: one DMS left out is
 * read as unknown and judged so (src/plan/preflight.ts: the instance is kept
 * off, naming the field), never as zero or healthy. A field that is there
 * with the wrong type, an empty broker list, or counts that contradict each
 * other are refused as malformed: the cluster is then unreadable.
 */
const clusterSchema = z.object({
  cluster: z
    .object({
      brokers: maybe(
        z
          .array(
            z.object({
              broker_id: maybe(z.union([z.string().min(1), z.number().int().nonnegative()])),
              is_health: maybe(z.boolean()),
              // A number in Huawei's current Go SDK (int64), text in older models: both
              // are read, and anything else is no evidence, never a refused cluster.
              register_time: z.unknown().optional(),
            }),
          )
          .min(1),
      ),
      partitions_count: maybe(count),
      online_partitions_count: maybe(count),
      replicas_count: maybe(count),
      isr_replicas_count: maybe(count),
    })
    .refine((c) => notAbove(c.online_partitions_count, c.partitions_count), {
      message: 'more partitions online than there are',
      path: ['online_partitions_count'],
    })
    .refine((c) => notAbove(c.isr_replicas_count, c.replicas_count), {
      message: 'more replicas in sync than there are',
      path: ['isr_replicas_count'],
    }),
});

/** A part is never more than its whole; with either unknown there is nothing to hold. */
function notAbove(part: number | undefined, whole: number | undefined): boolean {
  return part === undefined || whole === undefined || part <= whole;
}

const topicsPageSchema = z.object({
  total: count.optional(),
  topics: z
    .array(z.object({ name: z.string().min(1), replication: z.number().int().min(1) }))
    .optional(),
});

/** The instance's cluster now. */
export async function showCluster(calls: DmsCalls, id: string): Promise<KafkaCluster> {
  const op = 'ShowCluster';
  const res = await calls.read({
    operation: op,
    method: 'GET',
    url: '/v2/{project_id}/instances/{instance_id}/management/cluster',
    pathParams: { instance_id: id },
  });
  const c = parse(op, clusterSchema, res.body, res.requestId).cluster;
  return {
    brokers: c.brokers?.map((b) => ({
      id: b.broker_id === undefined ? undefined : String(b.broker_id),
      healthy: b.is_health,
      ...registration(b.register_time),
    })),
    partitions: c.partitions_count,
    onlinePartitions: c.online_partitions_count,
    replicas: c.replicas_count,
    inSyncReplicas: c.isr_replicas_count,
  };
}

/** `register_time` as a number, whether DMS sends a number or its digits as text. */
function registration(v: unknown): { registeredAt?: number } {
  const n = typeof v === 'string' && /^\d{1,16}$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? { registeredAt: n } : {};
}

/** The size both the older (1-50) and the newer (0-200) pages accept. */
export const TOPICS_PAGE = 50;
/** 10,000 topics; an instance holds at most a few thousand partitions. */
const MAX_TOPIC_PAGES = 200;

/**
 * Every topic of the instance, page by page. A listing whose total moved
 * while it was read, or whose offset DMS refused as past the end, missed or
 * repeated a topic: it is refused, never taken as complete.
 */
export async function listTopics(calls: DmsCalls, id: string): Promise<KafkaTopic[]> {
  const op = 'ListInstanceTopics';
  const out: KafkaTopic[] = [];
  let total: number | undefined;
  for (let page = 0; page < MAX_TOPIC_PAGES; page++) {
    const offset = page * TOPICS_PAGE;
    const body = await topicsPage(calls, id, offset);
    const seen = body.total ?? 0;
    if (total !== undefined && seen !== total) throw changed(op, body.requestId);
    total = seen;
    for (const t of body.topics) out.push({ name: t.name, replication: t.replication });
    if (offset + TOPICS_PAGE >= total || body.topics.length === 0) break;
  }
  if (out.length !== total) throw changed(op, undefined);
  return out;
}

async function topicsPage(calls: DmsCalls, id: string, offset: number) {
  const op = 'ListInstanceTopics';
  try {
    const res = await calls.read({
      operation: op,
      method: 'GET',
      url: '/v2/{project_id}/instances/{instance_id}/topics',
      pathParams: { instance_id: id },
      queryParams: { offset, limit: TOPICS_PAGE },
    });
    const body = parse(op, topicsPageSchema, res.body, res.requestId);
    if (body.total === undefined && (body.topics?.length ?? 0) > 0) {
      throw new DmsApiError({
        operation: op,
        kind: DmsFailureKind.Malformed,
        message: 'unexpected response: total: expected number, got undefined',
        requestId: res.requestId,
      });
    }
    return { total: body.total, topics: body.topics ?? [], requestId: res.requestId };
  } catch (e) {
    if (offset > 0 && isDmsApiError(e) && e.errorCode === OFFSET_PAST_END_CODE) {
      throw changed(op, e.requestId);
    }
    throw e;
  }
}

function changed(operation: string, requestId: string | undefined): DmsApiError {
  return new DmsApiError({
    operation,
    kind: DmsFailureKind.Malformed,
    message: 'the topics changed while they were listed; the listing is incomplete',
    requestId,
  });
}
