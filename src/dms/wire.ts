import { z } from 'zod';

/**
 * What DMS for Kafka sends on the wire, in its own snake_case. These are our
 * types, not the kafka SDK's models: the SDK's camelCase getters are
 * undefined at run time because core hands back plain JSON.
 */

export const tagSchema = z.object({ key: z.string(), value: z.string().default('') });
export type Tag = z.infer<typeof tagSchema>;

/**
 * An instance as the run keeps it: only the fields it reads. Everything else
 * DMS sends (addresses, specs, broker details: about 1.5 KB an instance) is
 * dropped at parsing, so 10,000 listed instances fit in a 128 MB function.
 * `maintain_begin`/`maintain_end` are kept for maintenance-window campaigns.
 */
/** The only engine this project acts on, as DMS writes it. */
export const KAFKA_ENGINE = 'kafka';

export interface KafkaInstance {
  instance_id: string;
  name: string;
  /** Any non-empty text: a status we don't know is skipped, never guessed at. */
  status: string;
  engine?: string;
  tags: Tag[];
  created_at?: string;
  maintain_begin?: string;
  maintain_end?: string;
  /**
   * How many brokers the instance has. ShowCluster lists only the brokers
   * registered now, so a broker that is down may be missing rather than
   * unhealthy: this is the count its listing is held against.
   */
  broker_num?: number;
}

/** Why a body is not an instance: where, and what. */
export interface WireIssue {
  path: string;
  message: string;
}

const OPTIONAL_TEXT = ['engine', 'created_at', 'maintain_begin', 'maintain_end'] as const;

/**
 * Reads one instance off the wire, keeping only {@link KafkaInstance}'s
 * fields. Hand-written rather than a zod schema: a listing parses 10,000 of
 * these, and this is several times faster and leaves no garbage behind.
 * Refuses what the schema would: a missing or empty id or status, a name or
 * optional field that is not text, tags that are not `{key, value}` text.
 * Indexed loops, not `for...of`: in a cold process this runs unoptimized,
 * where every iteration of `for...of` allocates.
 */
export function readInstance(raw: unknown): KafkaInstance | WireIssue {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { path: '', message: 'expected an object' };
  }
  const r = raw as Record<string, unknown>;
  const id = requiredText(r, 'instance_id');
  if (typeof id !== 'string') return id;
  const status = requiredText(r, 'status');
  if (typeof status !== 'string') return status;
  if (typeof r.name !== 'string') return { path: 'name', message: textIssue(r.name) };
  const inst: KafkaInstance = { instance_id: id, name: r.name, status, tags: [] };
  for (let k = 0; k < OPTIONAL_TEXT.length; k++) {
    const key = OPTIONAL_TEXT[k] as (typeof OPTIONAL_TEXT)[number];
    const v = r[key];
    if (v === undefined) continue;
    if (typeof v !== 'string') return { path: key, message: textIssue(v) };
    inst[key] = v;
  }
  const brokers = r.broker_num;
  // Not ours to refuse: an instance without a usable count is judged by what ShowCluster lists.
  if (typeof brokers === 'number' && Number.isInteger(brokers) && brokers > 0) {
    inst.broker_num = brokers;
  }
  const tags = r.tags;
  if (tags !== undefined && tags !== null) {
    if (!Array.isArray(tags)) return { path: 'tags', message: 'expected an array' };
    for (let i = 0; i < tags.length; i++) {
      const t = tags[i] as { key?: unknown; value?: unknown } | null;
      if (t === null || typeof t !== 'object') {
        return { path: `tags.${i}`, message: 'expected an object' };
      }
      if (typeof t.key !== 'string') return { path: `tags.${i}.key`, message: textIssue(t.key) };
      const value = t.value ?? '';
      if (typeof value !== 'string') {
        return { path: `tags.${i}.value`, message: textIssue(t.value) };
      }
      inst.tags.push({ key: t.key, value });
    }
  }
  return inst;
}

function requiredText(r: Record<string, unknown>, key: string): string | WireIssue {
  const v = r[key];
  if (typeof v !== 'string') return { path: key, message: textIssue(v) };
  if (v === '') return { path: key, message: 'must not be empty' };
  return v;
}

/** True when {@link readInstance} refused the body. */
export function isWireIssue(v: KafkaInstance | WireIssue): v is WireIssue {
  return 'message' in v && !('instance_id' in v);
}

function textIssue(v: unknown): string {
  return v === undefined
    ? 'Required'
    : `Expected string, received ${v === null ? 'null' : typeof v}`;
}

/**
 * A ListInstances page. Huawei's SDK models make every field optional: an
 * empty project's answer may leave out `instances` and `instance_num`, and
 * is an empty listing. A page with instances must say how many there are.
 */
export const listPageSchema = z
  .object({
    instances: z.array(z.unknown()).optional(),
    instance_num: z.number().int().nonnegative().optional(),
  })
  .transform((p, ctx) => {
    const instances = p.instances ?? [];
    if (p.instance_num === undefined && instances.length > 0) {
      ctx.addIssue({
        code: z.ZodIssueCode.invalid_type,
        expected: 'number',
        received: 'undefined',
        path: ['instance_num'],
      });
      return z.NEVER;
    }
    return { instances, instance_num: p.instance_num ?? 0 };
  });

export const actionResultSchema = z.object({
  result: z.enum(['success', 'failed']),
  instance: z.string().min(1),
});
export type ActionResult = z.infer<typeof actionResultSchema>;

export const actionResponseSchema = z.object({ results: z.array(actionResultSchema) });

/**
 * A batch action's answer. `results` is absent when DMS answered without
 * per-instance results (as it does to `all_failure`).
 */
export interface ActionResponse {
  requestId: string | undefined;
  results: ActionResult[] | undefined;
}

/** The instance's tags as a map; on a duplicated key the last one wins. */
export function tagMap(instance: Pick<KafkaInstance, 'tags'>): ReadonlyMap<string, string> {
  return new Map(instance.tags.map((t) => [t.key, t.value]));
}

/**
 * An instance's Kafka cluster as ShowCluster shows it, read by dms/kafka.ts.
 * Every field is optional in Huawei's own models (the Go SDK's
 * `model_show_cluster_resp_cluster.go`, the Node SDK's `ShowClusterRespCluster`):
 * a field DMS left out is `undefined` here, which the judgement reads as
 * unknown (src/plan/preflight.ts), never as healthy or as zero.
 */
export interface KafkaCluster {
  /** The brokers registered now; undefined when ShowCluster gave no list. */
  brokers?: KafkaBroker[] | undefined;
  partitions?: number | undefined;
  onlinePartitions?: number | undefined;
  replicas?: number | undefined;
  inSyncReplicas?: number | undefined;
}

/** One broker in ShowCluster; a field left out is undefined. */
export interface KafkaBroker {
  id?: string | undefined;
  healthy?: boolean | undefined;
  /**
   * ShowCluster's `register_time`, the broker's registration time in
   * ZooKeeper: a broker that restarts registers again, so the value moves.
   * Its unit is not documented: values are only ever compared with values
   * read earlier.
   */
  registeredAt?: number | undefined;
}

/** A topic as ListInstanceTopics shows it. */
export interface KafkaTopic {
  name: string;
  replication: number;
}
