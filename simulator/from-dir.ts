/**
 * `simulator --from DIR`: a fleet recorded by `fleet --record DIR` (see
 * recording.ts), read back as the simulator's fleet and Kafka. Every answer
 * is given as it came; a file that is missing, not JSON or not in the shape
 * the recording writes is refused with its path and what is wrong.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordedError, RecordedKafka, SimKafka, SimTopic } from './kafka';
import {
  RECORDING_FILES,
  RECORDING_FORMAT,
  RECORDING_VERSION,
  type RecordedFailure,
  type RecordingManifest,
  SAFE_ID,
} from './recording';
import type { SimInstance } from './types';

/** A recording that cannot be read: the message names the file and the place in it. */
export class RecordingError extends Error {
  override name = 'RecordingError';
}

export interface LoadedRecording {
  manifest: RecordingManifest;
  /** In listing order, each with what ShowInstance added to the listing's fields. */
  fleet: SimInstance[];
  kafka: Record<string, Partial<SimKafka>>;
}

type Json = Record<string, unknown>;

const asRecord = (v: unknown): Json | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;

/** The file's JSON, `undefined` when it is optional and absent. */
function readJson(path: string, optional: boolean): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && optional) return undefined;
    const what = code === 'ENOENT' ? 'missing' : `cannot be read (${code ?? String(e)})`;
    throw new RecordingError(`${path}: ${what}; a recording is made by fleet --record DIR`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new RecordingError(`${path}: not JSON (${(e as Error).message})`);
  }
}

const fail = (path: string, at: string, message: string): never => {
  throw new RecordingError(`${path}: ${at ? `${at}: ` : ''}${message}`);
};

function readManifest(dir: string): RecordingManifest {
  const path = join(dir, RECORDING_FILES.manifest);
  const m = asRecord(readJson(path, false)) ?? fail(path, '', 'expected an object');
  if (m.format !== RECORDING_FORMAT) {
    fail(path, 'format', `expected "${RECORDING_FORMAT}", got ${JSON.stringify(m.format)}`);
  }
  if (m.version !== RECORDING_VERSION) {
    fail(path, 'version', `this build reads version ${RECORDING_VERSION}, got ${m.version}`);
  }
  if (typeof m.projectId !== 'string' || !SAFE_ID.test(m.projectId)) {
    fail(path, 'projectId', 'expected a project id of letters, digits, ".", "_" and "-"');
  }
  if (!Array.isArray(m.failures)) fail(path, 'failures', 'expected an array');
  return m as unknown as RecordingManifest;
}

/** One listed instance, checked for what the simulator serves it by. */
function readInstance(path: string, at: string, raw: unknown): SimInstance {
  const i = asRecord(raw) ?? fail(path, at, 'expected an object');
  if (typeof i.instance_id !== 'string' || !SAFE_ID.test(i.instance_id)) {
    fail(path, `${at}.instance_id`, 'expected an id of letters, digits, ".", "_" and "-"');
  }
  for (const key of ['name', 'status', 'engine', 'created_at']) {
    if (typeof i[key] !== 'string') fail(path, `${at}.${key}`, 'expected text');
  }
  const tags = i.tags ?? [];
  if (!Array.isArray(tags)) fail(path, `${at}.tags`, 'expected an array');
  (tags as unknown[]).forEach((t, n) => {
    const tag = asRecord(t);
    if (typeof tag?.key !== 'string' || typeof (tag.value ?? '') !== 'string') {
      fail(path, `${at}.tags[${n}]`, 'expected {key, value} as text');
    }
  });
  return { ...i, tags } as unknown as SimInstance;
}

function readListing(dir: string): SimInstance[] {
  const path = join(dir, RECORDING_FILES.instances);
  const body = asRecord(readJson(path, false)) ?? fail(path, '', 'expected an object');
  if (!Array.isArray(body.instances)) fail(path, 'instances', 'expected an array');
  const seen = new Set<string>();
  return (body.instances as unknown[]).map((raw, n) => {
    const inst = readInstance(path, `instances[${n}]`, raw);
    if (seen.has(inst.instance_id)) fail(path, `instances[${n}].instance_id`, 'listed twice');
    seen.add(inst.instance_id);
    return inst;
  });
}

/** ShowInstance's fields that the listing does not give; the listing's own win. */
function withShown(dir: string, inst: SimInstance): SimInstance {
  const path = join(dir, RECORDING_FILES.shown, `${inst.instance_id}.json`);
  const raw = readJson(path, true);
  if (raw === undefined) return inst;
  const shown = asRecord(raw) ?? fail(path, '', 'expected an object');
  return { ...shown, ...inst };
}

/** Each recorded topic, as the model counts it and as ListInstanceTopics gives it. */
function readTopics(path: string, raw: unknown): SimTopic[] {
  const body = asRecord(raw) ?? fail(path, '', 'expected an object');
  const topics = body.topics ?? [];
  if (!Array.isArray(topics)) fail(path, 'topics', 'expected an array');
  return (topics as unknown[]).map((t, n) => {
    const fields = asRecord(t) ?? fail(path, `topics[${n}]`, 'expected an object');
    const whole = (v: unknown, min: number) =>
      typeof v === 'number' && Number.isInteger(v) && v >= min ? v : min;
    return {
      name: typeof fields.name === 'string' ? fields.name : '',
      replication: whole(fields.replication, 1),
      partitions: whole(fields.partition, 0),
      fields,
    };
  });
}

/** An error DMS answered to a read, when it answered at all. */
function errorOf(f: RecordedFailure | undefined): RecordedError | undefined {
  if (!f || typeof f.status !== 'number') return undefined;
  if (f.status < 400 && f.error_code === undefined) return undefined;
  return { status: f.status, error_code: f.error_code, error_msg: f.error_msg };
}

/** The instance's Kafka from its recorded answers; undefined when none was recorded. */
function readKafka(
  dir: string,
  inst: SimInstance,
  failures: readonly RecordedFailure[],
): Partial<SimKafka> | undefined {
  const id = inst.instance_id;
  const failed = (call: string) => failures.find((f) => f.instance === id && f.call === call);
  const clusterPath = join(dir, RECORDING_FILES.clusters, `${id}.json`);
  const cluster = readJson(clusterPath, true);
  const topicsPath = join(dir, RECORDING_FILES.topics, `${id}.json`);
  const topicsBody = readJson(topicsPath, true);
  const recorded: RecordedKafka = {
    ...(cluster === undefined ? {} : { cluster }),
    clusterError: cluster === undefined ? errorOf(failed('ShowCluster')) : undefined,
    topicsError: topicsBody === undefined ? errorOf(failed('ListInstanceTopics')) : undefined,
  };
  if (cluster === undefined && topicsBody === undefined && !recorded.clusterError) {
    return undefined;
  }
  const listed = asRecord(asRecord(cluster)?.cluster)?.brokers;
  const brokers =
    Array.isArray(listed) && listed.length > 0
      ? listed.length
      : typeof inst.broker_num === 'number' && inst.broker_num > 0
        ? inst.broker_num
        : undefined;
  return {
    ...(brokers === undefined ? {} : { brokers }),
    ...(topicsBody === undefined ? {} : { topics: readTopics(topicsPath, topicsBody) }),
    recorded,
  };
}

/**
 * The recording in `dir`: its manifest, its fleet in listing order and each
 * instance's Kafka. Throws {@link RecordingError} naming the file.
 */
export function loadRecording(dir: string): LoadedRecording {
  const manifest = readManifest(dir);
  const fleet = readListing(dir).map((i) => withShown(dir, i));
  const kafka: Record<string, Partial<SimKafka>> = {};
  for (const inst of fleet) {
    const k = readKafka(dir, inst, manifest.failures);
    if (k) kafka[inst.instance_id] = k;
  }
  return { manifest, fleet, kafka };
}
