import type { KafkaInstance } from '../src/dms/wire';
import { systemClock } from '../src/exec/clock';
import { readEnv } from '../src/invocation/env';
import { listFleet } from '../src/invocation/fleet';
import { LEGACY_MARK_BY_KEY, LEGACY_MARK_KEY, MARK_PREFIX, readMark } from '../src/plan/mark';
import { createLogger } from '../src/report/logger';
import type { Io } from './io';
import { commandEnv, startDemo } from './run';

export interface FleetOptions {
  json?: boolean;
  simulator?: boolean;
  region?: string;
  project?: string;
  /** `status`, or a tag key: counts of instances by each value. */
  countBy?: string[];
}

const isMark = (key: string) =>
  key.startsWith(MARK_PREFIX) || key === LEGACY_MARK_KEY || key === LEGACY_MARK_BY_KEY;

/**
 * `fleet`: the project's listing as the function sees it (failed instances
 * included), each instance with its status, its tags and its last mark;
 * with `--count-by`, how many instances have each status or tag value.
 * Only reads.
 */
export async function fleetCommand(o: FleetOptions, io: Io): Promise<number> {
  const env = commandEnv(o, io.env);
  const sim = o.simulator ? await startDemo(env) : undefined;
  // Retries are logged by the client; `fleet` prints only the listing.
  const log = createLogger({ write: () => {} });
  let listed: KafkaInstance[];
  try {
    listed = await listFleet(readEnv(env, process.cwd()), { log, clock: systemClock });
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
  out.write(`${rows.length} instances\n`);
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
