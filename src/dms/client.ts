import type { AnswerListener, CallSettings } from '../cloud/calls';
import { isCredentialSource, type Keys } from '../cloud/core';
import { dmsEndpoint } from '../cloud/endpoint';
import { ConfigError } from '../errors';
import type { Clock } from '../exec/clock';
import type { Deadline } from '../exec/deadline';
import type { RetrySettings } from '../exec/retry';
import type { Logger } from '../report/logger';
import { createDmsCalls } from './calls';
import { listTopics, showCluster } from './kafka';
import * as reads from './reads';
import type { ActionResponse, KafkaCluster, KafkaInstance, KafkaTopic, Tag } from './wire';
import * as writes from './writes';

export type { AnswerListener } from '../cloud/calls';
export type { CredentialSource, Credentials, Keys } from '../cloud/core';
export { LISTING_TRIES, PAGE_SIZE } from './reads';
export type { KafkaCluster, KafkaTopic } from './wire';

export interface DmsClientOptions {
  /** Fixed keys, or a source that renews them (an agency's). */
  credentials: Keys;
  /** Always required: without it core asks IAM for one, and may create a project. */
  projectId: string;
  /** A region id such as `cn-north-4`; ignored when `endpoint` is set. */
  region?: string | undefined;
  /** A full URL: VPC endpoint, proxy or the simulator. */
  endpoint?: string | undefined;
  /** Per-request timeout. Default 10 s. */
  timeoutMs?: number | undefined;
  /**
   * Retries for reads (throttling, 5xx, dropped connections). Writes are
   * never resent here: whether a write may go again is the caller's call.
   * Without this, every call is tried once.
   */
  retry?: { settings: RetrySettings; clock: Clock; log: Logger } | undefined;
  /** Every call ends before this deadline's reserve; none starts after it. */
  deadline?: Deadline | undefined;
  /**
   * The most calls in flight at once, listing pages and instance reads
   * together (`DMS_MAX_CONCURRENCY`). Default {@link DEFAULT_MAX_CONCURRENCY}.
   * Fewer when DMS throttles: see {@link AdaptiveLimiter}.
   */
  maxConcurrency?: number | undefined;
  /**
   * Told of every answer DMS gave with success, before it is read: the
   * request (operation, path and query parameters) and the parsed JSON body,
   * as it came. `fleet --record` keeps them; nothing else listens.
   */
  onAnswer?: AnswerListener | undefined;
}

export interface ListOptions {
  /** CREATEFAILED instances are listed only with this set. */
  includeFailure?: boolean;
}

/** The DMS for Kafka calls this project makes. */
export interface DmsClient {
  /**
   * Every Kafka instance of the project, as a listing that proved itself
   * consistent; see `listOnce` in list.ts. Throws `ListingInconsistentError` when
   * the fleet kept changing under three listings.
   */
  listInstances(opts?: ListOptions): Promise<KafkaInstance[]>;
  /** The instance now, or `undefined` when DMS answers that it does not exist. */
  showInstance(id: string): Promise<KafkaInstance | undefined>;
  /** ShowCluster: brokers' health, partitions online, replicas in sync. */
  showCluster(id: string): Promise<KafkaCluster>;
  /** ListInstanceTopics, every page: each topic's replication factor. */
  listTopics(id: string): Promise<KafkaTopic[]>;
  restartInstances(ids: readonly string[]): Promise<ActionResponse>;
  deleteInstances(ids: readonly string[], opts?: DeleteOptions): Promise<ActionResponse>;
  /** `all_failure: "kafka"`: deletes every CREATEFAILED Kafka instance in the project. */
  deleteAllFailed(opts?: DeleteOptions): Promise<ActionResponse>;
  /**
   * BatchCreateOrDeleteKafkaTag: `create` sets each key to its value (a key
   * already there takes the new value); `delete` removes each tag whose key
   * and value both match (by key alone when the value is empty). Both are
   * idempotent, so this call is retried like a read. DMS answers 204, also
   * when a delete matched nothing or a write did not take: read it back.
   */
  tagInstance(id: string, action: 'create' | 'delete', tags: readonly Tag[]): Promise<TagResponse>;
}

export interface DeleteOptions {
  /** `force_delete: true`: the instance skips the recycle bin. Sent only when true. */
  force?: boolean | undefined;
}

export interface TagResponse {
  requestId: string | undefined;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
/** Calls in flight at once, unless `DMS_MAX_CONCURRENCY` says otherwise. */
export const DEFAULT_MAX_CONCURRENCY = 8;
/** The range `DMS_MAX_CONCURRENCY` accepts. */
export const MAX_CONCURRENCY_RANGE = { min: 1, max: 32 } as const;

/**
 * A typed DMS for Kafka client on the SDK core, which signs and sends.
 *
 * @example
 * const dms = createDmsClient({
 *   credentials: { ak, sk },
 *   projectId: '0a1b...',
 *   region: 'cn-north-4',
 * });
 * const all = await dms.listInstances({ includeFailure: true });
 */
export function createDmsClient(opts: DmsClientOptions): DmsClient {
  const calls = createDmsCalls(checkedSettings(opts));
  return {
    listInstances(o = {}) {
      return reads.listInstances(calls, o.includeFailure === true);
    },
    showInstance(id) {
      return reads.showInstance(calls, id);
    },
    showCluster(id) {
      return showCluster(calls, id);
    },
    listTopics(id) {
      return listTopics(calls, id);
    },
    restartInstances(ids) {
      return writes.restartInstances(calls, ids);
    },
    deleteInstances(ids, d = {}) {
      return writes.deleteInstances(calls, ids, d);
    },
    deleteAllFailed(d = {}) {
      return writes.deleteAllFailed(calls, d);
    },
    tagInstance(id, action, tags) {
      return writes.tagInstance(calls, id, action, tags);
    },
  };
}

/** The options checked, in this order, and the endpoint they name; throws `ConfigError`. */
function checkedSettings(opts: DmsClientOptions): Omit<CallSettings, 'service'> {
  if (!opts.projectId) throw ConfigError.at('projectId', 'a project id is required');
  if (!isCredentialSource(opts.credentials) && (!opts.credentials.ak || !opts.credentials.sk)) {
    throw ConfigError.at('credentials', 'an access key and a secret key are required');
  }
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw ConfigError.at('timeoutMs', `must be a positive integer, got ${timeoutMs}`);
  }
  const endpoint = dmsEndpoint(opts);
  const maxConcurrency = opts.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY;
  const { min, max } = MAX_CONCURRENCY_RANGE;
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < min || maxConcurrency > max) {
    throw ConfigError.at(
      'maxConcurrency',
      `must be a whole number from ${min} to ${max}, got ${maxConcurrency}`,
    );
  }
  return {
    credentials: opts.credentials,
    projectId: opts.projectId,
    endpoint,
    timeoutMs,
    maxConcurrency,
    deadline: opts.deadline,
    retry: opts.retry,
    onAnswer: opts.onAnswer,
  };
}
