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
export const instanceSchema = z.object({
  instance_id: z.string().min(1),
  name: z.string(),
  // Any non-empty text: a status we don't know is skipped, never guessed at.
  status: z.string().min(1),
  engine: z.string().optional(),
  tags: z
    .array(tagSchema)
    .nullish()
    .transform((t) => t ?? []),
  created_at: z.string().optional(),
  maintain_begin: z.string().optional(),
  maintain_end: z.string().optional(),
});
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
