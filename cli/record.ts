/**
 * `fleet --record DIR`: one read-only pass over the project, its answers kept
 * as they came. The listing (every page, failed instances included), then for
 * each instance ShowInstance, ShowCluster and ListInstanceTopics (every page),
 * at most DMS_MAX_CONCURRENCY instances at a time, through the client's own
 * limiter and retries. The client is the read-only one: no write can be sent.
 */
import pLimit from 'p-limit';
import { RECORDING_FORMAT, RECORDING_VERSION, type RecordedFailure } from '../simulator/recording';
import { isCloudApiError } from '../src/cloud/errors';
import type { ApiRequest, ApiResponse } from '../src/cloud/transport';
import { type DmsClient, PAGE_SIZE } from '../src/dms/client';
import type { KafkaInstance } from '../src/dms/wire';
import { ExecutionError } from '../src/errors';
import type { Clock } from '../src/exec/clock';
import type { Env } from '../src/invocation/env';
import { fleetClient } from '../src/invocation/fleet';
import type { Logger } from '../src/report/logger';
import { plural } from './plural';
import type { Recording } from './record-files';

/** What DMS answered with success, by call, as it came. */
interface Answers {
  /** ListInstances' pages in the order they came: a later listing's pages after an earlier one's. */
  pages: unknown[];
  shown: Map<string, unknown>;
  clusters: Map<string, unknown>;
  /** Each instance's topic pages, by offset. */
  topics: Map<string, Map<number, unknown>>;
}

/** Failures that say nothing of the fleet: a recording with one of them is not written. */
const NO_ANSWER = new Set(['network', 'timeout', 'deadline', 'throttled']);

function listener(a: Answers): (req: ApiRequest, res: ApiResponse) => void {
  return (req, res) => {
    const id = req.pathParams?.instance_id;
    const offset = Number(req.queryParams?.offset ?? 0);
    if (req.operation === 'ListInstances') a.pages.push(res.body);
    else if (id === undefined) return;
    else if (req.operation === 'ShowInstance') a.shown.set(id, res.body);
    else if (req.operation === 'ShowCluster') a.clusters.set(id, res.body);
    else if (req.operation === 'ListInstanceTopics') {
      const pages = a.topics.get(id) ?? new Map<number, unknown>();
      pages.set(offset, res.body);
      a.topics.set(id, pages);
    }
  };
}

/** The reads of one instance; a read DMS refused is a failure of the recording, not of the pass. */
async function readInstance(dms: DmsClient, id: string, failures: RecordedFailure[]) {
  const reads: Array<[RecordedFailure['call'], () => Promise<unknown>]> = [
    ['ShowInstance', () => dms.showInstance(id)],
    ['ShowCluster', () => dms.showCluster(id)],
    ['ListInstanceTopics', () => dms.listTopics(id)],
  ];
  for (const [call, read] of reads) {
    try {
      if ((await read()) === undefined) failures.push({ call, instance: id, kind: 'not-found' });
    } catch (e) {
      if (!isCloudApiError(e)) throw e;
      failures.push({
        call,
        instance: id,
        kind: e.kind,
        ...(e.httpStatus === undefined ? {} : { status: e.httpStatus }),
        ...(e.errorCode === undefined ? {} : { error_code: e.errorCode }),
        error_msg: e.errorMsg,
      });
    }
  }
}

/** The raw instances of the listing, in its order: each id's latest answer. */
function listedRaw(pages: readonly unknown[], listed: readonly KafkaInstance[]): unknown[] {
  const byId = new Map<string, unknown>();
  for (const page of pages) {
    const instances = (page as { instances?: unknown } | null)?.instances;
    if (!Array.isArray(instances)) continue;
    for (const raw of instances) {
      const id = (raw as { instance_id?: unknown } | null)?.instance_id;
      if (typeof id === 'string') byId.set(id, raw);
    }
  }
  return listed.map((i) => byId.get(i.instance_id));
}

/** One answer of ListInstanceTopics' pages: the first page's fields, every page's topics. */
function topicsOf(pages: Map<number, unknown>): unknown {
  const ordered = [...pages].sort((a, b) => a[0] - b[0]).map(([, body]) => body);
  const topics = ordered.flatMap((b) => {
    const t = (b as { topics?: unknown } | null)?.topics;
    return Array.isArray(t) ? t : [];
  });
  const first = ordered[0];
  const fields = first !== null && typeof first === 'object' ? first : {};
  return { ...fields, topics };
}

/** Only the reads that did not fail: a topic listing that failed half-way is no answer. */
function topicFiles(a: Answers, failures: readonly RecordedFailure[]): Map<string, unknown> {
  const failed = new Set(
    failures.filter((f) => f.call === 'ListInstanceTopics').map((f) => f.instance),
  );
  const out = new Map<string, unknown>();
  for (const [id, pages] of a.topics) if (!failed.has(id)) out.set(id, topicsOf(pages));
  return out;
}

/** The reads that got no answer; any makes the pass worth nothing. */
function refuseIncomplete(failures: readonly RecordedFailure[]): void {
  const lost = failures.filter((f) => NO_ANSWER.has(f.kind));
  const first = lost[0];
  if (!first) return;
  throw new ExecutionError(
    `${plural(lost.length, 'read')} got no answer from DMS (first: ${first.call} of ${first.instance}: ${first.kind}, ${first.error_msg}); nothing was written: record again (with a lower DMS_MAX_CONCURRENCY if DMS throttled, a longer RUN_TIMEOUT_MS if time ran out)`,
  );
}

/**
 * One pass over the environment's project: the listing as the function sees
 * it, and the recording of every answer. Throws when a read got no answer.
 */
export async function recordPass(
  env: Env,
  deps: { log: Logger; clock: Clock },
): Promise<{ listed: KafkaInstance[]; recording: Recording }> {
  const answers: Answers = { pages: [], shown: new Map(), clusters: new Map(), topics: new Map() };
  const dms = fleetClient(env, { ...deps, onAnswer: listener(answers) });
  const recordedAt = new Date(deps.clock.now()).toISOString();
  const listed = await dms.listInstances({ includeFailure: true });
  const failures: RecordedFailure[] = [];
  const limit = pLimit(env.maxConcurrency);
  await Promise.all(listed.map((i) => limit(() => readInstance(dms, i.instance_id, failures))));
  // Sorted, so two recordings of one fleet compare line by line.
  failures.sort((a, b) => a.instance.localeCompare(b.instance) || a.call.localeCompare(b.call));
  refuseIncomplete(failures);
  const topics = topicFiles(answers, failures);
  const recording: Recording = {
    manifest: {
      format: RECORDING_FORMAT,
      version: RECORDING_VERSION,
      recordedAt,
      region: env.region ?? null,
      projectId: env.projectId ?? '',
      hashed: { ids: false, names: false },
      listing: {
        instances: listed.length,
        pages: Math.max(1, Math.ceil(listed.length / PAGE_SIZE)),
        pageSize: PAGE_SIZE,
        includeFailure: true,
      },
      files: { shown: answers.shown.size, clusters: answers.clusters.size, topics: topics.size },
      failures,
      redacted: 0,
    },
    instances: { instance_num: listed.length, instances: listedRaw(answers.pages, listed) },
    shown: answers.shown,
    clusters: answers.clusters,
    topics,
  };
  return { listed, recording };
}
