/**
 * A recorded fleet: what `fleet --record DIR` writes and `simulator --from DIR`
 * reads. Each file holds DMS's answers as they came, one file per call kind:
 *
 * - `manifest.json`: this format and version, when, the region, the project
 *   id, whether ids and names were hashed, the counts, and the reads that failed;
 * - `instances.json`: every page of ListInstances (failed instances included)
 *   as one answer: `{instance_num, instances}`, in listing order;
 * - `shown/<id>.json`: ShowInstance's answer;
 * - `clusters/<id>.json`: ShowCluster's answer;
 * - `topics/<id>.json`: ListInstanceTopics' answer, every page's topics in one.
 *
 * No header is kept (no credential, signature, token or cookie ever reaches a
 * file) and no request id.
 */

export const RECORDING_FORMAT = 'dms-kafka-maintenance fleet recording';
export const RECORDING_VERSION = 1;

export const RECORDING_FILES = {
  manifest: 'manifest.json',
  instances: 'instances.json',
  shown: 'shown',
  clusters: 'clusters',
  topics: 'topics',
} as const;

/** The folders holding one file per instance, named after its id. */
export const PER_INSTANCE = [
  RECORDING_FILES.shown,
  RECORDING_FILES.clusters,
  RECORDING_FILES.topics,
] as const;

/** Ids name files: only these characters, so a name never leaves its folder. */
export const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** The reads made for each instance. */
export type RecordedCall = 'ShowInstance' | 'ShowCluster' | 'ListInstanceTopics';

/** A read that DMS did not answer with success, as the manifest keeps it. */
export interface RecordedFailure {
  call: RecordedCall;
  instance: string;
  /** The failure's kind: `client`, `server`, `malformed`, `busy`, or `not-found`. */
  kind: string;
  status?: number | undefined;
  error_code?: string | undefined;
  error_msg?: string | undefined;
}

export interface RecordingManifest {
  format: typeof RECORDING_FORMAT;
  version: typeof RECORDING_VERSION;
  /** When the listing began, ISO 8601 UTC. */
  recordedAt: string;
  /** DMS_REGION, or null when only an endpoint was given. */
  region: string | null;
  /** The project recorded (hashed with `--hash-ids`): the simulator's own. */
  projectId: string;
  hashed: { ids: boolean; names: boolean };
  listing: { instances: number; pages: number; pageSize: number; includeFailure: true };
  files: { shown: number; clusters: number; topics: number };
  failures: RecordedFailure[];
  /** Texts in the answers where a credential or a signed header was found, and redacted. */
  redacted: number;
}
