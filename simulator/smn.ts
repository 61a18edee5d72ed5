/** SMN's PublishMessage: `POST /v2/{project_id}/notifications/topics/{topic_urn}/publish`. */
import { randomUUID } from 'node:crypto';
import { parseObjectBody } from './body';
import type { HandlerContext } from './context';
import { json, type Reply } from './reply';

/** SMN's limits, in bytes of UTF-8. */
export const MAX_SUBJECT_BYTES = 512;
export const MAX_MESSAGE_BYTES = 256 * 1024;
const TOPIC_URN = /^urn:smn:[a-z]{2}-[a-z]+-\d{1,3}:[A-Za-z0-9]+:[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/;

// The simulator's own code: SMN's error codes are not modelled.
function invalid(msg: string): Reply {
  return json(400, { error_code: 'SMN.SIM00400', error_msg: msg });
}

const hex = () => randomUUID().replace(/-/g, '');

/**
 * Accepts a message for a well-formed topic URN and keeps it in
 * `ctx.published`; answers `{request_id, message_id}` as SMN does.
 */
export function publish(ctx: HandlerContext): Reply {
  const topicUrn = ctx.topicUrn ?? '';
  if (!TOPIC_URN.test(topicUrn)) return invalid('Invalid topic_urn.');
  const parsed = parseObjectBody(ctx.rawBody);
  if (!parsed.ok) return parsed.reply;
  const { subject, message } = parsed.value;
  if (typeof message !== 'string' || message === '') return invalid('message is required.');
  if (Buffer.byteLength(message) > MAX_MESSAGE_BYTES) {
    return invalid(`message is longer than ${MAX_MESSAGE_BYTES} bytes.`);
  }
  if (subject !== undefined) {
    if (typeof subject !== 'string') return invalid('subject must be a string.');
    if (Buffer.byteLength(subject) > MAX_SUBJECT_BYTES) {
      return invalid(`subject is longer than ${MAX_SUBJECT_BYTES} bytes.`);
    }
  }
  const messageId = hex();
  if (ctx.apply) {
    ctx.published.push({
      topicUrn,
      ...(subject === undefined ? {} : { subject }),
      message,
      messageId,
      at: ctx.now(),
    });
  }
  return json(200, { request_id: hex(), message_id: messageId });
}
