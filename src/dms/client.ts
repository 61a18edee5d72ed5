import type { z } from 'zod';
import { ConfigError } from '../errors';
import { dmsEndpoint } from './endpoint';
import { DmsApiError, DmsFailureKind } from './errors';
import { createScrubber } from './scrub';
import { BasicCredentials, ClientBuilder, type HcClient } from './sdk';
import { type DmsRequest, send } from './transport';
import {
  type ActionResponse,
  actionResponseSchema,
  instanceSchema,
  type KafkaInstance,
  listPageSchema,
  type Tag,
  tagsResponseSchema,
} from './wire';

export interface DmsCredentials {
  ak: string;
  sk: string;
  /** Present with temporary credentials (FunctionGraph agency, STS). */
  securityToken?: string | undefined;
}

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
}

export interface CallOptions {
  /** Aborts the request, e.g. when the invocation's deadline nears. */
  signal?: AbortSignal | undefined;
}

export interface ListOptions extends CallOptions {
  /** CREATEFAILED instances are listed only with this set. */
  includeFailure?: boolean;
  status?: string;
  /**
   * Wraps each page request, e.g. with retries. Retrying page by page keeps
   * a throttled listing moving instead of starting over from offset 0.
   */
  eachPage?: <T>(fetchPage: () => Promise<T>) => Promise<T>;
}

/** The DMS for Kafka calls this project makes. */
export interface DmsClient {
  listInstances(opts?: ListOptions): Promise<KafkaInstance[]>;
  showInstance(id: string, opts?: CallOptions): Promise<KafkaInstance>;
  restartInstances(ids: readonly string[], opts?: CallOptions): Promise<ActionResponse>;
  deleteInstances(ids: readonly string[], opts?: CallOptions): Promise<ActionResponse>;
  /** `all_failure: "kafka"`: deletes every CREATEFAILED Kafka instance in the project. */
  deleteAllFailed(opts?: CallOptions): Promise<ActionResponse>;
  listTags(id: string, opts?: CallOptions): Promise<Tag[]>;
  setTags(id: string, tags: readonly Tag[], opts?: CallOptions): Promise<void>;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
/** DMS caps `limit` at 50. */
export const PAGE_SIZE = 50;
const USER_AGENT = 'dms-kafka-maintenance';

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
  const hc = buildHcClient(opts, dmsEndpoint(opts));
  const pathParams = { project_id: opts.projectId };
  const { ak, sk, securityToken } = opts.credentials;
  const scrub = createScrubber([ak, sk, securityToken]);

  const call = (req: DmsRequest, o?: CallOptions) =>
    send(
      hc,
      { ...req, pathParams: { ...pathParams, ...req.pathParams } },
      {
        timeoutMs,
        signal: o?.signal,
        scrub,
      },
    );

  const batch = async (
    operation: string,
    body: Record<string, unknown>,
    o?: CallOptions,
  ): Promise<ActionResponse> => {
    const res = await call(
      { operation, method: 'POST', url: '/v2/{project_id}/instances/action', body },
      o,
    );
    if (res.status === 204) return { requestId: res.requestId, results: null };
    const parsed = parse(operation, actionResponseSchema, res.body, res.requestId);
    return { requestId: res.requestId, results: parsed.results };
  };

  return {
    async listInstances(o = {}) {
      return listAll(call, o);
    },
    async showInstance(id, o) {
      const res = await call(
        {
          operation: 'ShowInstance',
          method: 'GET',
          url: '/v2/{project_id}/instances/{instance_id}',
          pathParams: { instance_id: id },
        },
        o,
      );
      return parse('ShowInstance', instanceSchema, res.body, res.requestId);
    },
    restartInstances(ids, o) {
      return batch('RestartInstances', { action: 'restart', instances: nonEmpty(ids) }, o);
    },
    deleteInstances(ids, o) {
      return batch('DeleteInstances', { action: 'delete', instances: nonEmpty(ids) }, o);
    },
    deleteAllFailed(o) {
      // `all_failure` is the v2 wire key; `allFailure` belongs to the old v1 API.
      return batch('DeleteAllFailedInstances', { action: 'delete', all_failure: 'kafka' }, o);
    },
    async listTags(id, o) {
      const res = await call(
        {
          operation: 'ShowKafkaTags',
          method: 'GET',
          url: '/v2/{project_id}/kafka/{instance_id}/tags',
          pathParams: { instance_id: id },
        },
        o,
      );
      return parse('ShowKafkaTags', tagsResponseSchema, res.body, res.requestId).tags;
    },
    async setTags(id, tags, o) {
      await call(
        {
          operation: 'BatchCreateOrDeleteKafkaTag',
          method: 'POST',
          url: '/v2/{project_id}/kafka/{instance_id}/tags/action',
          pathParams: { instance_id: id },
          body: { action: 'create', tags: tags.map((t) => ({ key: t.key, value: t.value })) },
        },
        o,
      );
    },
  };
}

type Call = (req: DmsRequest, o?: CallOptions) => ReturnType<typeof send>;

/**
 * Pages through ListInstances by offset until `instance_num` instances are
 * in hand. An empty page before that ends the listing (the fleet shrank
 * while we paged). A repeated id means the pages overlapped, and a listing
 * we cannot trust is an error rather than something to act on.
 */
async function listAll(call: Call, o: ListOptions): Promise<KafkaInstance[]> {
  const op = 'ListInstances';
  const seen = new Map<string, KafkaInstance>();
  const maxPages = 10_000;
  for (let page = 0; page < maxPages; page++) {
    const offset = seen.size;
    const queryParams: Record<string, string | number> = {
      engine: 'kafka',
      limit: PAGE_SIZE,
      offset,
    };
    if (o.includeFailure) queryParams.include_failure = 'true';
    if (o.status) queryParams.status = o.status;
    const fetchPage = () =>
      call({ operation: op, method: 'GET', url: '/v2/{project_id}/instances', queryParams }, o);
    const res = await (o.eachPage ? o.eachPage(fetchPage) : fetchPage());
    const body = parse(op, listPageSchema, res.body, res.requestId);
    for (const [i, raw] of body.instances.entries()) {
      const inst = parse(`${op} (offset ${offset}, item ${i})`, instanceSchema, raw, res.requestId);
      if (seen.has(inst.instance_id)) {
        throw malformed(op, `instance ${inst.instance_id} is listed twice`, res.requestId);
      }
      seen.set(inst.instance_id, inst);
    }
    if (body.instances.length === 0 || seen.size >= body.instance_num) {
      return [...seen.values()];
    }
  }
  throw malformed(op, `the listing did not end after ${maxPages} pages`, undefined);
}

function parse<S extends z.ZodTypeAny>(
  operation: string,
  schema: S,
  body: unknown,
  requestId: string | undefined,
): z.output<S> {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'body';
  throw malformed(
    operation,
    `unexpected response: ${where}: ${issue?.message ?? 'invalid'}`,
    requestId,
  );
}

function malformed(operation: string, message: string, requestId: string | undefined): DmsApiError {
  return new DmsApiError({ operation, kind: DmsFailureKind.Malformed, message, requestId });
}

function nonEmpty(ids: readonly string[]): string[] {
  if (ids.length === 0) throw new Error('a batch action needs at least one instance id');
  return [...ids];
}

function buildHcClient(opts: DmsClientOptions, endpoint: string): HcClient {
  const cred = new BasicCredentials()
    .withAk(opts.credentials.ak)
    .withSk(opts.credentials.sk)
    .withProjectId(opts.projectId);
  if (opts.credentials.securityToken) cred.withSecurityToken(opts.credentials.securityToken);
  // customUserAgent keeps build() from writing ~/.huaweicloud/application_id.
  return new ClientBuilder<HcClient>((c) => c)
    .withCredential(cred)
    .withEndpoint(endpoint)
    .withOptions({ customUserAgent: USER_AGENT })
    .build();
}
