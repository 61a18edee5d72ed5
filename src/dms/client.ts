import { ConfigError } from '../errors';
import { AdaptiveLimiter } from '../exec/adaptive';
import type { Clock } from '../exec/clock';
import type { Deadline } from '../exec/deadline';
import { backoffMs, type RetrySettings, withRetry } from '../exec/retry';
import type { Logger } from '../report/logger';
import { instance, parse, shownInstance } from './answers';
import { coreClient, type DmsCredentials } from './core';
import { dmsEndpoint } from './endpoint';
import { DmsFailureKind, isDmsApiError, isInstanceNotFound } from './errors';
import { type ListPage, listConsistent, listOnce } from './list';
import { createScrubber } from './scrub';
import type { HcClient } from './sdk';
import { type DmsRequest, type DmsResponse, sendWithin } from './transport';
import {
  type ActionResponse,
  actionResponseSchema,
  type KafkaInstance,
  listPageSchema,
  type Tag,
} from './wire';

export type { DmsCredentials } from './core';

export interface DmsClientOptions {
  credentials: DmsCredentials;
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
}

export interface ListOptions {
  /** CREATEFAILED instances are listed only with this set. */
  includeFailure?: boolean;
}

/** The DMS for Kafka calls this project makes. */
export interface DmsClient {
  /**
   * Every Kafka instance of the project, as a listing that proved itself
   * consistent; see {@link listOnce}. Throws `ListingInconsistentError` when
   * the fleet kept changing under three listings.
   */
  listInstances(opts?: ListOptions): Promise<KafkaInstance[]>;
  /** The instance now, or `undefined` when DMS answers that it does not exist. */
  showInstance(id: string): Promise<KafkaInstance | undefined>;
  restartInstances(ids: readonly string[]): Promise<ActionResponse>;
  deleteInstances(ids: readonly string[], opts?: DeleteOptions): Promise<ActionResponse>;
  /** `all_failure: "kafka"`: deletes every CREATEFAILED Kafka instance in the project. */
  deleteAllFailed(opts?: DeleteOptions): Promise<ActionResponse>;
  /**
   * BatchCreateOrDeleteKafkaTag: `create` sets each key to its value (a key
   * already there takes the new value); `delete` removes the keys. Both are
   * idempotent, so this call is retried like a read. DMS answers 204.
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
/** DMS caps `limit` at 50. */
export const PAGE_SIZE = 50;
/** How many listings may fail their consistency check before the run gives up. */
export const LISTING_TRIES = 3;
const MAX_PAGES = 10_000;
const NO_DEADLINE: Deadline = { remainingMs: () => Infinity, marginMs: 0, reserveMs: 0 };

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
  if (!opts.projectId) throw ConfigError.at('projectId', 'a project id is required');
  if (!opts.credentials.ak || !opts.credentials.sk) {
    throw ConfigError.at('credentials', 'an access key and a secret key are required');
  }
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw ConfigError.at('timeoutMs', `must be a positive integer, got ${timeoutMs}`);
  }
  const endpoint = dmsEndpoint(opts);
  // The SDK core (and axios under it) loads on the first call, not with the
  // bundle: a cold start that fails on its inputs never pays for it.
  let hc: Promise<HcClient> | undefined;
  const client = () => {
    hc ??= coreClient(opts, endpoint);
    return hc;
  };
  const maxConcurrency = opts.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY;
  const { min, max } = MAX_CONCURRENCY_RANGE;
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < min || maxConcurrency > max) {
    throw ConfigError.at(
      'maxConcurrency',
      `must be a whole number from ${min} to ${max}, got ${maxConcurrency}`,
    );
  }
  // One limiter for every call this client makes: listing pages, instance
  // reads and writes learn from the same 429s.
  const limiter = new AdaptiveLimiter({
    maxConcurrency,
    isThrottle: (e) => isDmsApiError(e) && e.kind === DmsFailureKind.Throttled,
  });
  const deadline = opts.deadline ?? NO_DEADLINE;
  const pathParams = { project_id: opts.projectId };
  const { ak, sk, securityToken } = opts.credentials;
  const scrub = createScrubber([ak, sk, securityToken]);
  // The name and status go into records and reasons as they are: scrub them like any
  // other text from the network. In place: each instance is a fresh one from
  // readInstance, and a listing has thousands.
  const cleaned = (i: KafkaInstance): KafkaInstance => {
    i.name = scrub(i.name);
    i.status = scrub(i.status);
    return i;
  };

  const call = async (req: DmsRequest): Promise<DmsResponse> => {
    const sdk = await client();
    return limiter.run(() => sendNow(sdk, req));
  };
  // The budget is measured when the limiter lets the call go, not when it was queued.
  const sendNow = (sdk: HcClient, req: DmsRequest): Promise<DmsResponse> =>
    sendWithin(
      deadline,
      sdk,
      { ...req, pathParams: { ...pathParams, ...req.pathParams } },
      {
        timeoutMs,
        scrub,
      },
    );
  const retry = opts.retry;
  const read = (req: DmsRequest): Promise<DmsResponse> =>
    retry ? withRetry({ ...retry, deadline }, req.operation, () => call(req)) : call(req);

  const batch = async (operation: string, body: Record<string, unknown>) => {
    const res = await call({
      operation,
      method: 'POST',
      url: '/v2/{project_id}/instances/action',
      body,
    });
    if (res.status === 204) return { requestId: res.requestId, results: undefined };
    const parsed = parse(operation, actionResponseSchema, res.body, res.requestId);
    return { requestId: res.requestId, results: parsed.results };
  };

  const listPage = async (offset: number, includeFailure: boolean): Promise<ListPage> => {
    const op = 'ListInstances';
    const queryParams: Record<string, string | number> = {
      engine: 'kafka',
      limit: PAGE_SIZE,
      offset,
    };
    if (includeFailure) queryParams.include_failure = 'true';
    const res = await read({
      operation: op,
      method: 'GET',
      url: '/v2/{project_id}/instances',
      queryParams,
    });
    const body = parse(op, listPageSchema, res.body, res.requestId);
    const instances = body.instances.map((raw, i) =>
      cleaned(instance(`${op} (offset ${offset}, item ${i})`, raw, res.requestId)),
    );
    return { instances, total: body.instance_num };
  };

  return {
    listInstances(o = {}) {
      const pass = () =>
        listOnce(
          (offset) => listPage(offset, o.includeFailure === true),
          PAGE_SIZE,
          MAX_PAGES,
          maxConcurrency,
        );
      return listConsistent(pass, LISTING_TRIES, async (n) => {
        if (retry) await retry.clock.sleep(backoffMs(retry.settings, n));
      });
    },
    async showInstance(id) {
      try {
        const res = await read({
          operation: 'ShowInstance',
          method: 'GET',
          url: '/v2/{project_id}/instances/{instance_id}',
          pathParams: { instance_id: id },
        });
        return cleaned(shownInstance(id, res.body, res.requestId));
      } catch (e) {
        if (isInstanceNotFound(e)) return undefined;
        throw e;
      }
    },
    restartInstances(ids) {
      return batch('RestartInstances', { action: 'restart', instances: nonEmpty(ids) });
    },
    deleteInstances(ids, d = {}) {
      return batch('DeleteInstances', {
        action: 'delete',
        instances: nonEmpty(ids),
        ...forced(d),
      });
    },
    deleteAllFailed(d = {}) {
      // `all_failure` is the v2 wire key; `allFailure` belongs to the old v1 API.
      return batch('DeleteAllFailedInstances', {
        action: 'delete',
        all_failure: 'kafka',
        ...forced(d),
      });
    },
    async tagInstance(id, action, tags) {
      const res = await read({
        operation: action === 'create' ? 'CreateInstanceTags' : 'DeleteInstanceTags',
        method: 'POST',
        url: '/v2/{project_id}/kafka/{instance_id}/tags/action',
        pathParams: { instance_id: id },
        body: {
          action,
          tags: tags.map((t) =>
            action === 'create' ? { key: t.key, value: t.value } : { key: t.key },
          ),
        },
      });
      return { requestId: res.requestId };
    },
  };
}

function forced(d: DeleteOptions): { force_delete?: true } {
  return d.force ? { force_delete: true } : {};
}

function nonEmpty(ids: readonly string[]): string[] {
  if (ids.length === 0) throw new Error('a batch action needs at least one instance id');
  return [...ids];
}
