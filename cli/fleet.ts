import { resolve } from 'node:path';
import type { KafkaInstance } from '../src/dms/wire';
import { systemClock } from '../src/exec/clock';
import { type Env, readEnv } from '../src/invocation/env';
import { listFleet } from '../src/invocation/fleet';
import { LEGACY_MARK_BY_KEY, LEGACY_MARK_KEY, MARK_PREFIX, readMark } from '../src/plan/mark';
import { createLogger, type Logger } from '../src/report/logger';
import type { Io } from './io';
import { plural } from './plural';
import { recordPass } from './record';
import { checkDir, disguise, type Recording, writeRecording } from './record-files';
import { commandEnv, startDemo } from './run';
import { UsageError } from './usage';

export interface FleetOptions {
  json?: boolean;
  simulator?: boolean;
  region?: string;
  project?: string;
  /** `status`, or a tag key: counts of instances by each value. */
  countBy?: string[];
  /** Keep every answer of this pass in this folder, for `simulator --from`. */
  record?: string;
  /** With `record`: ids replaced by stable hashes. */
  hashIds?: boolean;
  /** With `record`: instance and topic names replaced by stable hashes. */
  hashNames?: boolean;
  /** With `record`: write into a folder that is not empty, replacing a recording there. */
  force?: boolean;
}

const isMark = (key: string) =>
  key.startsWith(MARK_PREFIX) || key === LEGACY_MARK_KEY || key === LEGACY_MARK_BY_KEY;

/**
 * `fleet`: the project's listing as the function sees it (failed instances
 * included), each instance with its status, its tags and its last mark;
 * with `--count-by`, how many instances have each status or tag value.
 * With `--record DIR`, every answer of the pass is kept there too.
 * Only reads.
 */
export async function fleetCommand(o: FleetOptions, io: Io): Promise<number> {
  const dir = recordDir(o);
  const env = commandEnv(o, io.env);
  const sim = o.simulator ? await startDemo(env) : undefined;
  // Retries are logged by the client; `fleet` prints only the listing.
  const log = createLogger({ write: () => {} });
  let listed: KafkaInstance[];
  try {
    const e = readEnv(env, process.cwd());
    listed = dir
      ? await record(dir, o, e, { log, io })
      : await listFleet(e, { log, clock: systemClock });
  } finally {
    await sim?.stop();
  }
  const rows = listed.map(row);
  if (o.json) {
    for (const r of rows) io.stdout.write(`${JSON.stringify(r)}\n`);
  } else {
    printRows(rows, io.stdout);
  }
  for (const by of o.countBy ?? []) {
    const counts = countBy(listed, by);
    const line = [...counts]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([v, n]) => `${v} (${n})`)
      .join(', ');
    (o.json ? io.stderr : io.stdout).write(`by ${by}: ${line || 'none'}\n`);
  }
  return 0;
}

/** `--record`'s folder, checked before any call; its companions refused without it. */
function recordDir(o: FleetOptions): string | undefined {
  if (!o.record) {
    if (o.hashIds || o.hashNames || o.force) {
      throw new UsageError('--hash-ids, --hash-names and --force go with --record DIR');
    }
    return undefined;
  }
  const dir = resolve(o.record);
  checkDir(dir, o.force === true);
  return dir;
}

/** The pass, its recording written into `dir` as asked, and one line on stderr. */
async function record(
  dir: string,
  o: FleetOptions,
  env: Env,
  deps: { log: Logger; io: Io },
): Promise<KafkaInstance[]> {
  const { listed, recording } = await recordPass(env, { log: deps.log, clock: systemClock });
  const c = env.credentials;
  const written = disguise(recording, {
    hashIds: o.hashIds === true,
    hashNames: o.hashNames === true,
    secrets: [c?.ak, c?.sk, c?.securityToken],
  });
  writeRecording(dir, written, o.force === true);
  deps.io.stderr.write(`${recordedLine(dir, written)}\n`);
  return listed;
}

function recordedLine(dir: string, r: Recording): string {
  const m = r.manifest;
  const hashed = [m.hashed.ids && 'ids', m.hashed.names && 'names'].filter(Boolean).join(' and ');
  return [
    `recorded ${plural(m.listing.instances, 'instance')} (${plural(m.listing.pages, 'listing page')}), ${m.files.shown} ShowInstance, ${m.files.clusters} ShowCluster and ${plural(m.files.topics, 'topic answer')} into ${dir}`,
    m.failures.length > 0
      ? `; ${plural(m.failures.length, 'read')} refused, listed in manifest.json`
      : '',
    m.redacted > 0 ? `; ${plural(m.redacted, 'text')} redacted` : '',
    hashed ? `; ${hashed} hashed` : '',
  ].join('');
}

interface FleetRow {
  name: string;
  id: string;
  status: string;
  tags: Record<string, string>;
  lastMark: string | undefined;
}

function row(i: KafkaInstance): FleetRow {
  const tags: Record<string, string> = {};
  for (const t of i.tags) if (!isMark(t.key)) tags[t.key] = t.value;
  return { name: i.name, id: i.instance_id, status: i.status, tags, lastMark: readMark(i)?.value };
}

function printRows(rows: readonly FleetRow[], out: NodeJS.WritableStream): void {
  const cells = rows.map((r) => [
    r.name,
    r.id,
    r.status,
    Object.entries(r.tags)
      .map(([k, v]) => `${k}=${v}`)
      .join(' '),
    r.lastMark ?? '',
  ]);
  const head = ['name', 'id', 'status', 'tags', 'last mark'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const fmt = (c: string[]) =>
    c
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  out.write(`${fmt(head)}\n${fmt(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const c of cells) out.write(`${fmt(c)}\n`);
  out.write(`${plural(rows.length, 'instance')}\n`);
}

/** `status`, or a tag key (`(none)` for an instance without it). */
function countBy(listed: readonly KafkaInstance[], by: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const i of listed) {
    const v =
      by === 'status'
        ? i.status
        : ([...i.tags].reverse().find((t) => t.key === by)?.value ?? '(none)');
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return counts;
}
