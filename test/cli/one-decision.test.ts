/**
 * One decision, seen everywhere: for generated fleets and policies, the
 * plan's body, its forecast and counts, `plan --explain`, `plan --out`, a
 * dry run and a dry run of the approved plan must tell the same story for
 * every instance. Each seed is a fleet (statuses, tags, holds, earlier
 * marks, ages, Kafka health) and a policy (restart or cleanup, checks,
 * window open or in its cutoff, batch size, maxInstances) on the simulator,
 * run through the command line in this process.
 *
 * ONE_DECISION_SEEDS=200 runs more seeds; ONE_DECISION_SEED=n runs one.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../cli/run';
import { type SimInstance, type SimKafka, startSimulator } from '../../simulator';
import { HOLD_KEY } from '../../src/plan/hold';
import { markTags, markValue, newMarkKey } from '../../src/plan/mark';
import { mk } from '../support/fleet';

const SEEDS = Number(process.env.ONE_DECISION_SEEDS ?? 30);
const ONLY = process.env.ONE_DECISION_SEED;

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Case {
  fleet: SimInstance[];
  kafka: Record<string, Partial<SimKafka>>;
  policyFile: string;
  action: 'restart' | 'cleanup-failed';
}

const STATUSES = ['RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'RESTARTING', 'CREATING', 'ERROR'];

/** A fleet and one policy from a seed, judged against the clock now. */
function generate(seed: number, now: number): Case {
  const r = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const cleanup = r() < 0.3;
  const fleet: SimInstance[] = [];
  const kafka: Record<string, Partial<SimKafka>> = {};
  const size = 4 + Math.floor(r() * 9);
  for (let i = 0; i < size; i++) {
    const id = `s${seed}-${i}`;
    const status = cleanup && r() < 0.6 ? 'CREATEFAILED' : pick(STATUSES);
    const tags: Record<string, string> = { env: r() < 0.75 ? 'staging' : 'dev' };
    if (r() < 0.1) tags['maintenance-protect'] = 'true';
    const inst = mk(id, `kafka-${seed}-${i}`, status, tags);
    if (!cleanup && r() < 0.08)
      inst.tags.push({ key: HOLD_KEY, value: markValue(now - 3_600_000) });
    if (!cleanup && r() < 0.12)
      inst.tags.push(...markTags(now - 10 * 60_000, newMarkKey(new Uint8Array(12).fill(i + 1))));
    inst.created_at = String(now - (r() < 0.2 ? 10 * 60_000 : 2 * 86_400_000));
    fleet.push(inst);
    const k = r();
    if (k < 0.1) kafka[id] = { outOfSync: 5 };
    else if (k < 0.25) kafka[id] = { topics: [{ name: 'solo', replication: 1, partitions: 3 }] };
    else if (k < 0.3) kafka[id] = { brokenBroker: 2 };
    else if (k < 0.35) kafka[id] = { unlisted: [2] };
  }
  const policy = cleanup ? cleanupPolicy(r) : restartPolicy(r, now);
  return { fleet, kafka, policyFile: policy, action: cleanup ? 'cleanup-failed' : 'restart' };
}

function restartPolicy(r: () => number, now: number): string {
  const checks = r() < 0.6;
  const single = r() < 0.2;
  const w = r();
  // A zone where it is about noon now: the window 09:00-15:00 is open, far from its edges.
  const hour = new Date(now).getUTCHours();
  const offset = ((12 - hour + 36) % 24) - 12;
  const zone = offset === 0 ? 'UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
  const cutoff = w < 0.25 ? 300 : 30;
  const window =
    w < 0.6
      ? `\n    window: { timezone: ${zone}, days: [mon, tue, wed, thu, fri, sat, sun], start: "09:00", end: "15:00", cutoffMinutes: ${cutoff} }`
      : '';
  return `version: 1
defaults:
  exclude: { tags: { maintenance-protect: "true" } }
policies:
  p:
    action: restart
    dryRun: true
    select: { tags: { env: staging } }
    batchSize: ${1 + Math.floor(r() * 4)}
    maxInstances: ${r() < 0.15 ? 1 : 50}${window}${r() < 0.5 ? '\n    waitForRunning: { pollSeconds: 5, timeoutSeconds: 600 }' : ''}\n    kafkaChecks: ${checks}${checks && single ? '\n    allowSingleReplicaTopics: true' : ''}
`;
}

function cleanupPolicy(r: () => number): string {
  const select = r() < 0.5 ? '\n    select: { tags: { env: dev } }' : '';
  return `version: 1
defaults:
  exclude: { tags: { maintenance-protect: "true" } }
policies:
  p:
    action: cleanup-failed
    dryRun: true${select}
    batchSize: ${1 + Math.floor(r() * 4)}
    maxInstances: ${r() < 0.15 ? 1 : 50}
    minAgeHours: ${r() < 0.5 ? 1 : 0}
`;
}

const dir = mkdtempSync(join(tmpdir(), 'one-decision-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function command(args: Record<string, unknown>, env: NodeJS.ProcessEnv) {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (b) => out.push(String(b)));
  stderr.on('data', (b) => err.push(String(b)));
  const code = await runCommand({ policy: ['p'], ...args }, { stdout, stderr, env });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

type Line = Record<string, unknown>;
const lines = (text: string): Line[] =>
  text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Line);
const outcomes = (ls: Line[]) =>
  new Map(
    ls
      .filter((l) => l.kind === 'outcome')
      .map((l) => [String(l.instanceName), `${String(l.outcome)}|${String(l.reason ?? '')}`]),
  );
const acting = (ls: Line[]) =>
  ls
    .filter((l) => l.kind === 'outcome' && String(l.outcome).startsWith('would-'))
    .map((l) => String(l.instanceId))
    .sort();

/** Every story the command line tells about one seed, checked against the dry run's records. */
async function check(seed: number): Promise<void> {
  const now = Date.now();
  const c = generate(seed, now);
  const sim = await startSimulator({ fleet: c.fleet, kafka: c.kafka });
  try {
    const file = join(dir, `p${seed}.yaml`);
    const approved = join(dir, `a${seed}.json`);
    writeFileSync(file, c.policyFile);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      POLICY_FILE: file,
      DMS_ENDPOINT: sim.endpoint,
      HUAWEICLOUD_SDK_AK: sim.ak,
      HUAWEICLOUD_SDK_SK: sim.sk,
      HUAWEICLOUD_SDK_PROJECT_ID: sim.projectId,
      DMS_REGION: 'cn-north-4',
    };
    const dryRun = await command({ dryRun: true, json: true }, env);
    const dry = lines(dryRun.stdout);
    if (!dry.some((l) => l.kind === 'summary'))
      throw new Error(`seed ${seed}: no summary\n${dryRun.stdout}\n${dryRun.stderr}`);
    const summary = dry.find((l) => l.kind === 'summary') as Line;
    const records = outcomes(dry);
    const named = c.fleet[seed % c.fleet.length]?.name ?? '';
    const plan = await command({ plan: true, out: approved, explain: named }, env);
    const planJson = lines((await command({ plan: true, json: true }, env)).stdout);
    const why = `seed ${seed}\n${c.policyFile}\n${plan.stdout}`;

    // The plan records exactly what the dry run records.
    expect(outcomes(planJson), why).toEqual(records);
    // Its counts are the records' counts.
    const body = plan.stdout;
    const listedLine = body.split('\n').find((l) => l.trim().startsWith('listed ')) ?? '';
    expect(Number(/matched (\d+)/.exec(listedLine)?.[1]), why).toBe(summary.matched);
    expect(Number(/skipped (\d+)/.exec(listedLine)?.[1]), why).toBe(summary.skipped);
    const all = [...records.values()];
    const would = all.filter((o) => o.startsWith('would-')).length;
    const notStarted = all.filter((o) => o.includes('|not started')).length;
    const keptOff = all.filter((o) => o.includes('|pre-flight: ')).length;
    const refused = all.filter((o) => o.startsWith('refused|')).length;
    const max = /maxInstances \d+: (\d+)/.exec(body)?.[1];
    expect(Number(max), why).toBe(would + notStarted + keptOff + refused);
    // The forecast counts what the plan would restart.
    const f = /forecast: (?:(\d+) left|nothing left)/.exec(body);
    if (f) expect(Number(f[1] ?? 0), why).toBe(would + notStarted);
    // The calls name exactly what would be acted on.
    const calls = [...body.matchAll(/^ {2}(?:call|wave) \d+: \w+ (.*)$/gm)].flatMap((m) =>
      (m[1] ?? '').split(', '),
    );
    const wouldNames = [...records].filter(([, o]) => o.startsWith('would-')).map(([n]) => n);
    if (summary.refused !== true) expect(calls.sort(), why).toEqual(wouldNames.sort());
    // The explanation's verdict is the record's.
    const v = /verdict: (.*)/.exec(body)?.[1]?.replace(/ \(call \d+ of \d+\)/, '');
    const rec = records.get(named);
    const expected = rec
      ? rec.replace('would-', 'would ').replace(/\|$/, '').replace('|', ': ')
      : 'not matched by the selection';
    expect(v, why).toBe(expected);
    if (summary.refused === true) return;
    // The approved plan holds exactly what the plan would act on, and a run of it does that.
    const approval = JSON.parse(readFileSync(approved, 'utf8')) as {
      targets: { instances: { id: string }[] }[];
    };
    const ids = approval.targets.flatMap((t) => t.instances.map((i) => i.id)).sort();
    expect(ids, why).toEqual(acting(dry));
    const ran = lines(
      (await command({ dryRun: true, json: true, planFile: approved }, env)).stdout,
    );
    expect(acting(ran), why).toEqual(acting(dry));
    await liveAgrees(c, env, planJson, dry, why);
  } finally {
    await sim.stop();
  }
}

/**
 * Last, a live run of the same policy (without waiting, so its waves go
 * back to back) acts on exactly what the dry run would, in the plan's
 * calls. Only for fleets without holds or earlier marks: a live run reads
 * those first, and may go on where a dry run cannot know it would.
 */
async function liveAgrees(
  c: Case,
  env: NodeJS.ProcessEnv,
  planJson: Line[],
  dry: Line[],
  why: string,
) {
  const followed = c.fleet.some((i) => i.tags.some((t) => t.key.startsWith('dms-maintenance.')));
  if (followed) return;
  const file = String(env.POLICY_FILE);
  writeFileSync(
    file,
    c.policyFile.replace('dryRun: true', 'dryRun: false').replace(/\n {4}waitForRunning: .*/, ''),
  );
  const live = lines((await command({ json: true }, { ...env, MARK_SETTLE_MS: '0' })).stdout);
  const done = live
    .filter((l) => l.outcome === 'restarted' || l.outcome === 'deleted')
    .map((l) => String(l.instanceId))
    .sort();
  expect(done, `${why}\nlive: ${JSON.stringify(live.filter((l) => l.kind === 'outcome'))}`).toEqual(
    acting(dry),
  );
  const planned = (planJson.find((l) => l.kind === 'plan')?.batches ?? []) as { id: string }[][];
  const calls = live
    .filter(
      (l) =>
        l.kind === 'action' && l.attempt === 1 && String(l.operation).match(/^(Restart|Delete)/),
    )
    .map((l) => (l.instances as { id: string }[]).map((i) => i.id));
  expect(calls, why).toEqual(planned.map((b) => b.map((i) => i.id)));
  if (calls.length > 0) liveActed++;
}

/** Seeds whose live run acted, so that a generator gone quiet cannot pass unseen. */
let liveActed = 0;

describe('one decision: plan, explanation, forecast, approval and dry run agree', () => {
  const seeds = ONLY ? [Number(ONLY)] : Array.from({ length: SEEDS }, (_, i) => i + 1);
  it(`for ${seeds.length} generated fleets and policies`, async () => {
    for (const seed of seeds) await check(seed);
    if (!ONLY) expect(liveActed).toBeGreaterThan(seeds.length / 5);
  }, 300_000);
});
