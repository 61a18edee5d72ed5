import type { Credentials } from '../cloud/core';
import { createScrubber, type Scrub } from '../cloud/scrub';
import { RunFailedError } from '../errors';
import type { Clock } from '../exec/clock';
import { deadlineFrom } from '../exec/deadline';
import type { RetrySettings } from '../exec/retry';
import type { Logger } from '../report/logger';
import { buildNotification, type Notification } from './message';
import type { ObservedRun } from './observe';
import { type Published, publishToTopic } from './smn';
import { type NotifySettings, parseTopicUrn } from './topic';

/** Longest piece of server or error text kept in a notification, per line. */
const MAX_LINE = 1000;

/** What {@link notifyOnFailure} reads of the environment (the shell's `Env` has it). */
export interface NotifyEnv {
  notify: NotifySettings | undefined;
  credentials: Credentials | undefined;
  projectId: string | undefined;
  localTimeoutMs: number;
  requestTimeoutMs: number;
  retry: RetrySettings;
}

/** What {@link notifyOnFailure} reads of the invocation (the shell's `Invocation` has it). */
export interface NotifyInvocation {
  requestId: string;
  platform: 'functiongraph' | 'lambda' | 'local';
  remainingMs: () => unknown;
  credentials: Credentials | undefined;
}

/** What {@link notifyOnFailure} needs from the invocation. */
export interface NotifyContext {
  env: NotifyEnv;
  invocation: NotifyInvocation;
  /** The real logger: the `notify` line is not part of the run's records. */
  log: Logger;
  clock: Clock;
}

/**
 * Tells the SMN topic in `SMN_TOPIC_URN`, when there is one, that this
 * invocation failed: a config error, a refusal, failed instances, a run cut
 * short by the deadline, or an error that stopped it. One message, built from
 * the records `run` saw. Never throws: a message that cannot be sent is a
 * `kind: "notify"` line at error level, and the invocation's own outcome
 * stays what it was.
 */
export async function notifyOnFailure(
  ctx: NotifyContext,
  error: unknown,
  run: ObservedRun,
): Promise<void> {
  const settings = ctx.env.notify;
  if (!settings) return;
  const { topicUrn } = settings;
  const credentials = ctx.invocation.credentials ?? ctx.env.credentials;
  const scrub = createScrubber(
    [credentials?.ak, credentials?.sk, credentials?.securityToken],
    MAX_LINE,
  );
  try {
    // The topic's own project signs the call when the environment names none
    // (a policy with targets needs no project id of its own).
    const projectId = ctx.env.projectId ?? parseTopicUrn(topicUrn)?.projectId;
    if (!credentials || !projectId) {
      ctx.log.error({
        kind: 'notify',
        topicUrn,
        sent: false,
        message: `not sent: no ${credentials ? 'project id' : 'credentials'} to sign the request with`,
      });
      return;
    }
    const notification = failureNotification(ctx, error, run, scrub);
    const sent = await publish(ctx, { credentials, projectId, settings }, notification, scrub);
    ctx.log.info({
      kind: 'notify',
      topicUrn,
      sent: true,
      messageId: sent.messageId,
      requestId: sent.requestId,
    });
  } catch (e) {
    ctx.log.error({
      kind: 'notify',
      topicUrn,
      sent: false,
      message: `not sent: ${scrub(e instanceof Error ? e.message : String(e))}`,
    });
  }
}

/** The message for a failed invocation, from the records `run` saw and the error. */
function failureNotification(
  ctx: NotifyContext,
  error: unknown,
  run: ObservedRun,
  scrub: Scrub,
): Notification {
  const thrown = error instanceof RunFailedError ? error.summary : undefined;
  return buildNotification(
    {
      error: error instanceof Error ? error.message : String(error),
      invocationId: ctx.invocation.requestId,
      platform: ctx.invocation.platform,
      summary: run.summary() ?? (thrown?.kind === 'summary' ? thrown : undefined),
      total: run.total() ?? (thrown?.kind === 'total' ? thrown : undefined),
      records: run.records,
    },
    scrub,
  );
}

/** Who signs the message, and the topic it goes to. */
interface PublishTarget {
  credentials: Credentials;
  projectId: string;
  settings: NotifySettings;
}

/** Publishes `notification` within what is left of the invocation's time. */
function publish(
  ctx: NotifyContext,
  { credentials, projectId, settings }: PublishTarget,
  notification: Notification,
  scrub: Scrub,
): Promise<Published> {
  const deadline = deadlineFrom(ctx.invocation.remainingMs, {
    // The run is over: the whole remaining time, less the reserve, is the message's.
    marginMs: 0,
    fallbackMs: ctx.env.localTimeoutMs,
    clock: ctx.clock,
  });
  return publishToTopic(
    {
      credentials,
      projectId,
      topicUrn: settings.topicUrn,
      endpoint: settings.endpoint,
      timeoutMs: ctx.env.requestTimeoutMs,
      retry: { settings: ctx.env.retry, clock: ctx.clock, deadline, log: ctx.log },
      scrub,
    },
    notification,
  );
}
