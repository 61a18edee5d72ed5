/** ShowKafkaTags, BatchCreateOrDeleteKafkaTag and ShowKafkaProjectTags. */
import { parseObjectBody } from './body';
import type { HandlerContext } from './context';
import { dms } from './errors';
import { json, noContent, type Reply } from './reply';
import type { SimTag, TagRules } from './types';

export const MAX_TAGS_PER_INSTANCE = 20;

/**
 * The two documented rule sets for tag keys and values, by region and age.
 * Source: https://support.huaweicloud.com/en-us/api-kafka/BatchCreateOrDeleteKafkaTag.html
 */
const RULES: Record<TagRules, { maxKey: number; maxValue: number; bad: RegExp; what: string }> = {
  newer: {
    maxKey: 128,
    maxValue: 255,
    bad: /[^\p{L}\p{N} _.:=+\-@]/u,
    what: 'letters, digits, spaces and _.:=+-@ only',
  },
  older: {
    maxKey: 36,
    maxValue: 43,
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
    bad: /[=*<>,|/\u0000-\u001f\u007f]/u,
    what: 'none of =*<>,|/ or control characters',
  },
};

/** Why a tag breaks the rules, or undefined when it is fine. */
export function tagProblem(rules: TagRules, key: string, value: string): string | undefined {
  const r = RULES[rules];
  if (key.length === 0 || [...key].length > r.maxKey) {
    return `tag key must be 1 to ${r.maxKey} characters`;
  }
  if (r.bad.test(key)) return `tag key may hold ${r.what}`;
  // The API page and the SDK's model: no space at either end of a key.
  if (key.trim() !== key) return 'tag key must not start or end with a space';
  // Reserved: `sys` on the older API pages, `_sys_` in the SDK's model; both are refused.
  if (rules === 'newer' && /^(sys|_sys_)/i.test(key)) {
    return 'tag key must not start with sys or _sys_';
  }
  if ([...value].length > r.maxValue) return `tag value must be at most ${r.maxValue} characters`;
  if (r.bad.test(value)) return `tag value may hold ${r.what}`;
  return undefined;
}

export function showTags(ctx: HandlerContext): Reply {
  const instance = ctx.instanceId === undefined ? undefined : ctx.store.get(ctx.instanceId);
  if (!instance) return dms.instanceNotFound();
  return json(200, { tags: instance.tags.map(({ key, value }) => ({ key, value })) });
}

function parseTags(value: unknown, needValue: boolean, rules: TagRules): SimTag[] | string {
  if (!Array.isArray(value) || value.length === 0) return 'tags must be a non-empty list';
  const tags: SimTag[] = [];
  for (const item of value) {
    if (item === null || typeof item !== 'object') return 'each tag must be an object';
    const { key, value: tagValue } = item as Record<string, unknown>;
    if (typeof key !== 'string' || key.trim() === '') return 'tag key must be a non-empty string';
    if (tagValue !== undefined && typeof tagValue !== 'string') return 'tag value must be a string';
    if (needValue && tagValue === undefined) return 'tag value is required';
    const tag = { key, value: typeof tagValue === 'string' ? tagValue : '' };
    const problem = needValue ? tagProblem(rules, tag.key, tag.value) : undefined;
    if (problem) return problem;
    tags.push(tag);
  }
  return tags;
}

/**
 * BatchCreateOrDeleteKafkaTag. `create` sets each key to its value. `delete`
 * removes a tag only when its key and value both match the one asked for,
 * or by key alone when the value asked for is absent or empty; a tag that
 * matches nothing is left alone, and the answer is 204 either way, so a
 * delete that removed nothing is silent.
 *
 * Sources: the Kafka page marks `key` and `value` optional and says nothing
 * of matching (https://support.huaweicloud.com/en-us/api-kafka/BatchCreateOrDeleteKafkaTag.html,
 * 204 "Tags are successfully added or deleted"); Huawei's own clients send
 * both on a delete (Terraform provider `huaweicloud/utils/tags.go`,
 * `UpdateResourceTags` deleting the old tags with their values; Go SDK
 * `services/kafka/v2/model/model_tag_entity.go`, whose `TagEntity` says a
 * value may not be left out but may be empty); RDS's tag API of the same
 * shape states the rule ("If value is not empty, delete tags by key/value.
 * If value is empty, delete tags by key.":
 * https://support.huaweicloud.com/en-us/api-rds/rds_06_0038.html); DIS's
 * says a tag that does not exist is deleted successfully
 * (https://support.huaweicloud.com/intl/api-dis/BatchDeleteTags.html).
 * See docs/fidelity.md.
 */
export function tagAction(ctx: HandlerContext): Reply {
  const instance = ctx.instanceId === undefined ? undefined : ctx.store.get(ctx.instanceId);
  if (!instance) return dms.instanceNotFound();
  const parsed = parseObjectBody(ctx.rawBody);
  if (!parsed.ok) return parsed.reply;
  const { action, tags: rawTags } = parsed.value;
  if (action !== 'create' && action !== 'delete') {
    return dms.invalidParameter('action must be create or delete');
  }
  const tags = parseTags(rawTags, action === 'create', ctx.tagRules);
  if (typeof tags === 'string') return dms.invalidParameter(tags);
  if (action === 'create') {
    const keys = new Set([...instance.tags.map((t) => t.key), ...tags.map((t) => t.key)]);
    if (keys.size > MAX_TAGS_PER_INSTANCE) {
      return dms.invalidParameter(`an instance can have at most ${MAX_TAGS_PER_INSTANCE} tags`);
    }
    if (ctx.apply) ctx.store.addTags(instance.instance_id, tags);
  } else if (ctx.apply) {
    ctx.store.removeTags(instance.instance_id, (t) => tags.some((asked) => deletes(asked, t)));
  }
  return noContent();
}

/** The delete rule (see {@link tagAction}): by key and value, or by key when the value is empty. */
function deletes(asked: SimTag, tag: SimTag): boolean {
  return asked.key === tag.key && (asked.value === '' || asked.value === tag.value);
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
