/** ShowKafkaTags, BatchCreateOrDeleteKafkaTag and ShowKafkaProjectTags. */
import { parseObjectBody } from './body';
import type { HandlerContext } from './context';
import { dms } from './errors';
import { json, noContent, type Reply } from './reply';
import type { SimTag } from './types';

const MAX_KEY = 128;
const MAX_VALUE = 255;
export const MAX_TAGS_PER_INSTANCE = 20;

export function showTags(ctx: HandlerContext): Reply {
  const instance = ctx.instanceId === undefined ? undefined : ctx.store.get(ctx.instanceId);
  if (!instance) return dms.instanceNotFound();
  return json(200, { tags: instance.tags.map(({ key, value }) => ({ key, value })) });
}

function parseTags(value: unknown, needValue: boolean): SimTag[] | string {
  if (!Array.isArray(value) || value.length === 0) return 'tags must be a non-empty list';
  const tags: SimTag[] = [];
  for (const item of value) {
    if (item === null || typeof item !== 'object') return 'each tag must be an object';
    const { key, value: tagValue } = item as Record<string, unknown>;
    if (typeof key !== 'string' || key.trim() === '' || key.length > MAX_KEY) {
      return `tag key must be a string of 1 to ${MAX_KEY} characters`;
    }
    if (tagValue !== undefined && (typeof tagValue !== 'string' || tagValue.length > MAX_VALUE)) {
      return `tag value must be a string of at most ${MAX_VALUE} characters`;
    }
    if (needValue && tagValue === undefined) return 'tag value is required';
    tags.push({ key, value: typeof tagValue === 'string' ? tagValue : '' });
  }
  return tags;
}

export function tagAction(ctx: HandlerContext): Reply {
  const instance = ctx.instanceId === undefined ? undefined : ctx.store.get(ctx.instanceId);
  if (!instance) return dms.instanceNotFound();
  const parsed = parseObjectBody(ctx.rawBody);
  if (!parsed.ok) return parsed.reply;
  const { action, tags: rawTags } = parsed.value;
  if (action !== 'create' && action !== 'delete') {
    return dms.invalidParameter('action must be create or delete');
  }
  const tags = parseTags(rawTags, action === 'create');
  if (typeof tags === 'string') return dms.invalidParameter(tags);
  if (action === 'create') {
    const keys = new Set([...instance.tags.map((t) => t.key), ...tags.map((t) => t.key)]);
    if (keys.size > MAX_TAGS_PER_INSTANCE) {
      return dms.invalidParameter(`an instance can have at most ${MAX_TAGS_PER_INSTANCE} tags`);
    }
    if (ctx.apply) ctx.store.addTags(instance.instance_id, tags);
  } else if (ctx.apply) {
    ctx.store.removeTags(
      instance.instance_id,
      tags.map((t) => t.key),
    );
  }
  return noContent();
}

export function projectTags(ctx: HandlerContext): Reply {
  const values = new Map<string, Set<string>>();
  for (const instance of ctx.store.all()) {
    for (const { key, value } of instance.tags) {
      const set = values.get(key) ?? new Set<string>();
      set.add(value);
      values.set(key, set);
    }
  }
  const tags = [...values.keys()]
    .sort()
    .map((key) => ({ key, values: [...(values.get(key) ?? [])].sort() }));
  return json(200, { tags });
}
