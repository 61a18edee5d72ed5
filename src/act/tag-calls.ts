/**
 * Tag calls read back. DMS answers BatchCreateOrDeleteKafkaTag with 204
 * whether or not it did what was asked: a delete whose value matches no tag
 * removes nothing, and a write may not take. So every mark and hold this
 * project puts on or takes off is read back from the instance, and what the
 * read shows decides, not the answer (docs/fidelity.md, "Tags").
 */
import { isCloudApiError } from '../cloud/errors';
import type { KafkaInstance, Tag } from '../dms/wire';
import type { ActContext } from './context';
import { type Fresh, readFresh } from './fresh';

/** One tag call made, and the failure DMS answered it with, if any. */
export interface TagCall {
  instance: KafkaInstance;
  action: 'create' | 'delete';
  tags: readonly Tag[];
  /** The call's own failure; the read-back still decides whether it took. */
  failed?: string;
}

/** Makes a tag call; a failure DMS (or IAM) answered is kept in the call, anything else is thrown. */
export async function tagCall(
  ctx: ActContext,
  instance: KafkaInstance,
  action: 'create' | 'delete',
  tags: readonly Tag[],
): Promise<TagCall> {
  try {
    await ctx.dms.tagInstance(instance.instance_id, action, tags);
    return { instance, action, tags };
  } catch (e) {
    if (!isCloudApiError(e)) throw e;
    return { instance, action, tags, failed: e.message };
  }
}

/** Each instance a call was made on, read once, a few at a time. */
export function readAfter(ctx: ActContext, calls: readonly TagCall[]): Promise<Map<string, Fresh>> {
  return readFresh(
    ctx,
    calls.map((c) => c.instance),
  );
}

/** Tags as a message names them: `key=value`, comma-separated. */
export function tagText(tags: readonly Tag[]): string {
  return tags.map((t) => `${t.key}=${t.value}`).join(', ');
}

/** The tags of `asked` the instance carries: key and value, or the key alone for an empty value. */
export function stillOn(instance: Pick<KafkaInstance, 'tags'>, asked: readonly Tag[]): Tag[] {
  return asked.filter((a) =>
    instance.tags.some((t) => t.key === a.key && (a.value === '' || t.value === a.value)),
  );
}

/**
 * Why a read after the call does not show it, or undefined when it does:
 * every tag written there with its value; every tag deleted gone (or the
 * instance gone with it). The call's own failure comes first in the words.
 */
export function notShown(call: TagCall, f: Fresh | undefined): string | undefined {
  const why = shownWhy(call, f);
  if (why === undefined) return undefined;
  return call.failed === undefined ? why : `${call.failed}; ${why}`;
}

function shownWhy(call: TagCall, f: Fresh | undefined): string | undefined {
  if (!f) return 'the instance was not read back';
  if ('unreadable' in f) return `the instance could not be read back: ${f.unreadable}`;
  if ('gone' in f) return call.action === 'delete' ? undefined : 'the instance no longer exists';
  const answered = call.failed === undefined ? 'DMS answered the call, but ' : '';
  if (call.action === 'delete') {
    const left = stillOn(f.instance, call.tags);
    return left.length === 0
      ? undefined
      : `${answered}read back, it still carries ${tagText(left)}`;
  }
  const missing = call.tags.filter(
    (a) => !f.instance.tags.some((t) => t.key === a.key && t.value === a.value),
  );
  if (missing.length === 0) return undefined;
  return `${answered}read back, it does not carry ${tagText(missing)}`;
}
