import { z } from 'zod';
import type { Credentials } from '../cloud/core';
import { coreClient } from '../cloud/core';
import { cloudFailure, FailureKind, SmnApiError } from '../cloud/errors';
import type { Scrub } from '../cloud/scrub';
import { type ApiRequest, sendWithin } from '../cloud/transport';
import { type RetryContext, withRetry } from '../exec/retry';
import type { Notification } from './message';

/** Who publishes, to which topic and endpoint, and how patiently. */
export interface PublishOptions {
  credentials: Credentials;
  projectId: string;
  topicUrn: string;
  /** The SMN origin, e.g. `https://smn.cn-north-4.myhuaweicloud.com`. */
  endpoint: string;
  /** Per request; each is also cut to what the deadline leaves. */
  timeoutMs: number;
  /** Retries, the logger for `retry` lines, and the deadline every call ends before. */
  retry: RetryContext;
  scrub: Scrub;
}

/** SMN's receipt for an accepted message. */
export interface Published {
  messageId: string;
  requestId: string | undefined;
}

/** The operation name in errors and `retry` lines. */
export const PUBLISH_OPERATION = 'PublishMessage';

const publishResponse = z.object({ message_id: z.string().min(1) }).passthrough();

/**
 * Publishes one message to an SMN topic
 * (`POST /v2/{project_id}/notifications/topics/{topic_urn}/publish`), signed
 * by the SDK core like every DMS call, through the same transport: no
 * redirects, scrubbed errors, a timeout. Throttling, 5xx, timeouts and
 * dropped connections are retried like a read.
 *
 * @throws SmnApiError when SMN refuses it or cannot be reached.
 */
export async function publishToTopic(opts: PublishOptions, n: Notification): Promise<Published> {
  const hc = await coreClient(opts, opts.endpoint);
  const { deadline } = opts.retry;
  const req: ApiRequest = {
    operation: PUBLISH_OPERATION,
    method: 'POST',
    url: '/v2/{project_id}/notifications/topics/{topic_urn}/publish',
    pathParams: { project_id: opts.projectId, topic_urn: opts.topicUrn },
    body: { subject: n.subject, message: n.message },
  };
  const once = () =>
    sendWithin(deadline, hc, req, { service: 'smn', timeoutMs: opts.timeoutMs, scrub: opts.scrub });
  const res = await withRetry(opts.retry, PUBLISH_OPERATION, once, cloudFailure);
  const parsed = publishResponse.safeParse(res.body);
  if (!parsed.success) {
    throw new SmnApiError({
      operation: PUBLISH_OPERATION,
      kind: FailureKind.Malformed,
      httpStatus: res.status,
      message: 'unexpected response: no message_id',
      requestId: res.requestId,
    });
  }
  return { messageId: opts.scrub(parsed.data.message_id), requestId: res.requestId };
}
