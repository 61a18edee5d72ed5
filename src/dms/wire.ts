import { z } from 'zod';

/**
 * What DMS for Kafka sends on the wire, in its own snake_case. These are our
 * types, not the kafka SDK's models: the SDK's camelCase getters are
 * undefined at run time because core hands back plain JSON.
 */

/**
 * Every status DMS documents for Kafka instances. A status outside this
 * list means the API changed under us, and we stop rather than guess.
 * Sources: the SDK's status enum and
 * https://support.huaweicloud.com/intl/en-us/api-kafka/kafka-api-180514012.html
 */
export const INSTANCE_STATUSES = [
  'CREATING',
  'RUNNING',
  'RESTARTING',
  'DELETING',
  'ERROR',
  'CREATEFAILED',
  'FREEZING',
  'FROZEN',
  'EXTENDING',
  'SHRINKING',
  'EXTENDEDFAILED',
  'CONFIGURING',
  'ROLLBACK',
  'ROLLBACKFAILED',
  'VOLUMETYPECHANGING',
  'STARTING',
  'UPGRADING',
  'ROLLINGBACK',
  'DELETED',
] as const;
export type InstanceStatus = (typeof INSTANCE_STATUSES)[number];

export const tagSchema = z.object({ key: z.string(), value: z.string().default('') });
export type Tag = z.infer<typeof tagSchema>;

export const instanceSchema = z
  .object({
    instance_id: z.string().min(1),
    name: z.string(),
    status: z.enum(INSTANCE_STATUSES),
    engine: z.string().optional(),
    tags: z
      .array(tagSchema)
      .nullish()
      .transform((t) => t ?? []),
    created_at: z.string().optional(),
  })
  .passthrough();
export type KafkaInstance = z.infer<typeof instanceSchema>;

export const listPageSchema = z.object({
  instances: z.array(z.unknown()),
  instance_num: z.number().int().nonnegative(),
});

export const actionResultSchema = z.object({
  result: z.enum(['success', 'failed']),
  instance: z.string().min(1),
});
export type ActionResult = z.infer<typeof actionResultSchema>;

export const actionResponseSchema = z.object({ results: z.array(actionResultSchema) });

export const tagsResponseSchema = z.object({ tags: z.array(tagSchema) });

/** A batch action's answer. `results` is null when DMS answered 204. */
export interface ActionResponse {
  requestId: string | undefined;
  results: ActionResult[] | null;
}

/** The instance's tags as a map; on a duplicated key the last one wins. */
export function tagMap(instance: Pick<KafkaInstance, 'tags'>): ReadonlyMap<string, string> {
  return new Map(instance.tags.map((t) => [t.key, t.value]));
}
