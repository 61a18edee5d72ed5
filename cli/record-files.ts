/**
 * A recording's files: the answers with every credential redacted, ids and
 * names hashed when asked, written into a folder that is empty (or, with
 * `--force`, whose earlier recording is replaced). See simulator/recording.ts.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  PER_INSTANCE,
  RECORDING_FILES,
  type RecordingManifest,
  SAFE_ID,
} from '../simulator/recording';
import { createRedactor } from '../src/cloud/scrub';
import { hashName, idReplacer, isIdKey } from './record-hash';
import { UsageError } from './usage';

/** What one pass read, as it came; each map by instance id. */
export interface Recording {
  manifest: RecordingManifest;
  /** ListInstances' pages as one answer: `{instance_num, instances}`. */
  instances: unknown;
  shown: Map<string, unknown>;
  clusters: Map<string, unknown>;
  topics: Map<string, unknown>;
}

export interface Disguise {
  hashIds: boolean;
  hashNames: boolean;
  /** The keys the pass signed with: redacted wherever an answer repeats one. */
  secrets: ReadonlyArray<string | undefined>;
}

/**
 * Refuses a folder that holds anything, unless `force`; a file is refused
 * whatever `force` says. Checked before the pass, so nothing is read for nothing.
 */
export function checkDir(dir: string, force: boolean): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new UsageError(`--record ${dir}: not a folder`);
  if (!force && readdirSync(dir).length > 0) {
    throw new UsageError(
      `--record ${dir}: the folder is not empty; name an empty or new one, or add --force to replace a recording there`,
    );
  }
}

/** Every text (object keys too) of a JSON value through `edit`; `name` values through `named`. */
function walk(v: unknown, edit: (s: string) => string, named?: (s: string) => string): unknown {
  if (typeof v === 'string') return edit(v);
  if (Array.isArray(v)) return v.map((x) => walk(x, edit, named));
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    out[edit(k)] = k === 'name' && named && typeof x === 'string' ? named(x) : walk(x, edit, named);
  }
  return out;
}

/** Every id in the answers: the project's, each `*_id` text but `broker_id`, each instance's. */
function idsIn(rec: Recording): Set<string> {
  const ids = new Set<string>([rec.manifest.projectId]);
  const collect = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(collect);
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (isIdKey(k) && typeof x === 'string') ids.add(x);
        else collect(x);
      }
    }
  };
  collect(rec.instances);
  for (const m of [rec.shown, rec.clusters, rec.topics]) {
    for (const [id, body] of m) {
      ids.add(id);
      collect(body);
    }
  }
  return ids;
}

/**
 * The recording as it is written: redacted, then names and ids hashed as
 * asked. Counts the redacted texts into the manifest.
 */
export function disguise(rec: Recording, d: Disguise): Recording {
  const redactor = createRedactor(d.secrets);
  let redacted = 0;
  const redact = (s: string) => {
    const out = redactor(s);
    if (out !== s) redacted++;
    return out;
  };
  const ids = d.hashIds ? idReplacer(idsIn(rec)) : (s: string) => s;
  const named = d.hashNames ? (s: string) => hashName(redact(s)) : undefined;
  const edit = (s: string) => ids(redact(s));
  const each = (m: Map<string, unknown>) =>
    new Map([...m].map(([id, body]) => [ids(id), walk(body, edit, named)] as const));
  const out: Recording = {
    instances: walk(rec.instances, edit, named),
    shown: each(rec.shown),
    clusters: each(rec.clusters),
    topics: each(rec.topics),
    manifest: rec.manifest,
  };
  const manifest = walk(rec.manifest, edit) as RecordingManifest;
  out.manifest = {
    ...manifest,
    hashed: { ids: d.hashIds, names: d.hashNames },
    redacted: rec.manifest.redacted + redacted,
  };
  return out;
}

const text = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/**
 * Writes the recording into `dir`. With `force`, the files of an earlier
 * recording there go first (the two files and the three folders' `.json`
 * files), so no answer of another pass is left beside this one; nothing else
 * in the folder is touched.
 */
export function writeRecording(dir: string, rec: Recording, force: boolean): void {
  checkDir(dir, force);
  for (const m of [rec.shown, rec.clusters, rec.topics]) {
    for (const id of m.keys()) {
      if (!SAFE_ID.test(id)) {
        throw new UsageError(
          `instance id ${JSON.stringify(id.slice(0, 80))} cannot name a file; nothing was written`,
        );
      }
    }
  }
  mkdirSync(dir, { recursive: true });
  rmSync(join(dir, RECORDING_FILES.manifest), { force: true });
  for (const folder of PER_INSTANCE) {
    const path = join(dir, folder);
    if (existsSync(path)) {
      for (const f of readdirSync(path)) if (f.endsWith('.json')) rmSync(join(path, f));
    }
    mkdirSync(path, { recursive: true });
  }
  writeFileSync(join(dir, RECORDING_FILES.instances), text(rec.instances));
  const files: Array<[string, Map<string, unknown>]> = [
    [RECORDING_FILES.shown, rec.shown],
    [RECORDING_FILES.clusters, rec.clusters],
    [RECORDING_FILES.topics, rec.topics],
  ];
  for (const [folder, m] of files) {
    for (const [id, body] of m) writeFileSync(join(dir, folder, `${id}.json`), text(body));
  }
  // Last: a folder with a manifest holds a whole recording.
  writeFileSync(join(dir, RECORDING_FILES.manifest), text(rec.manifest));
}
