/**
 * `npm run bench`: every performance figure beside its baseline, measured in
 * this one run on this machine, printed as one table.
 *
 * The simulator runs in its own process (bench/sim-child.ts); the client
 * under measurement runs here, or in cold child processes for the bundle.
 * Medians where a figure is repeated. Never run from the test suite.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHandler } from '../handlers/index';
import { createDmsClient, DEFAULT_MAX_CONCURRENCY, type DmsClient } from '../src/dms/client';
import type { HcClient } from '../src/dms/sdk';
import { systemClock } from '../src/exec/clock';
import { DEFAULT_RETRY } from '../src/exec/retry';
import { createLogger } from '../src/report/logger';
import { organization } from './organization';
import type { Command, FleetSpec, SimStats } from './sim-child';

const RUNS = Math.max(9, Number(process.env.BENCH_RUNS ?? 9));
const FLEET = 10_000;
const LATENCY_MS = 50;
const PAGE = 50;
const NAIVE_PAGE = 10;

interface Endpoint {
  endpoint: string;
  ak: string;
  sk: string;
  projectId: string;
}

type Row = [figure: string, value: string, baseline: string, target: string, verdict: string];
const rows: Row[] = [];
const verdicts: boolean[] = [];
function row(figure: string, value: string, baseline: string, target = '', ok?: boolean): void {
  if (ok !== undefined) verdicts.push(ok);
  rows.push([figure, value, baseline, target, ok === undefined ? '' : ok ? 'met' : 'NOT met']);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};
const ms = (n: number) => `${n.toFixed(0)} ms`;
const sec = (n: number) => `${(n / 1000).toFixed(2)} s`;
const x = (n: number) => `${n.toFixed(2)}x`;

/** The simulator process, one request at a time over IPC. */
class SimProcess {
  private constructor(private readonly child: ChildProcess) {}

  static async start(): Promise<SimProcess> {
    const child = fork(join(__dirname, 'sim-child.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const p = new SimProcess(child);
    await p.next();
    return p;
  }

  private next<T>(): Promise<T> {
    return new Promise((resolve) => this.child.once('message', (m) => resolve(m as T)));
  }

  async send<T>(cmd: Command): Promise<T> {
    const answer = this.next<T>();
    this.child.send(cmd);
    return answer;
  }

  serve(fleet: FleetSpec, latencyMs: number, ratePerSecond: number | null = null, burst?: number) {
    return this.send<Endpoint>({
      op: 'start',
      fleet,
      latencyMs,
      ratePerSecond,
      ...(burst === undefined ? {} : { burst }),
    });
  }
  clear() {
    return this.send<object>({ op: 'clear' });
  }
  stats() {
    return this.send<SimStats>({ op: 'stats' });
  }
  stop() {
    return this.send<object>({ op: 'stop' });
  }
}

const silent = createLogger({ write: () => {} });

function projectClient(ep: Endpoint): DmsClient {
  return createDmsClient({
    credentials: { ak: ep.ak, sk: ep.sk },
    projectId: ep.projectId,
    endpoint: ep.endpoint,
    retry: { settings: DEFAULT_RETRY, clock: systemClock, log: silent },
  });
}

/** Sequential pages of the API's default 10, through the same SDK core. */
async function naiveList(ep: Endpoint): Promise<number> {
  const { BasicCredentials, ClientBuilder } = await import('../src/dms/sdk.js');
  const hc = new ClientBuilder<HcClient>((c) => c)
    .withCredential(new BasicCredentials().withAk(ep.ak).withSk(ep.sk).withProjectId(ep.projectId))
    .withEndpoint(ep.endpoint)
    .withOptions({ customUserAgent: 'bench-naive' })
    .build();
  let listed = 0;
  for (let offset = 0; ; offset += NAIVE_PAGE) {
    const res = (await hc.sendRequest({
      method: 'GET',
      url: '/v2/{project_id}/instances',
      pathParams: { project_id: ep.projectId },
      queryParams: { engine: 'kafka', limit: NAIVE_PAGE, offset },
      headers: {},
      contentType: 'application/json',
    } as Parameters<typeof hc.sendRequest>[0])) as { instances: unknown[]; instance_num: number };
    listed += res.instances.length;
    if (res.instances.length < NAIVE_PAGE || listed >= res.instance_num) return listed;
  }
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

async function listing(sim: SimProcess): Promise<void> {
  const ep = await sim.serve({ size: FLEET }, LATENCY_MS);
  // Warm the SDK core and the connection pool once; not measured.
  await projectClient(ep).showInstance('warm-up');

  await sim.clear();
  const naive = await timed(() => naiveList(ep));
  await sim.clear();
  const ours = await timed(() => projectClient(ep).listInstances());
  const oursStats = await sim.stats();
  const pages = Math.ceil(FLEET / PAGE);
  const rounds = 1 + Math.ceil((pages - 1) / DEFAULT_MAX_CONCURRENCY);
  const critical = rounds * LATENCY_MS;
  const speedup = naive.ms / ours.ms;
  row(
    `listing ${FLEET} at ${LATENCY_MS} ms, concurrency ${DEFAULT_MAX_CONCURRENCY} (${oursStats.byRoute.listInstances} pages of ${PAGE})`,
    sec(ours.ms),
    `naive, ${naive.value / NAIVE_PAGE} pages of ${NAIVE_PAGE} in turn: ${sec(naive.ms)}`,
  );
  row('  speed-up over naive', x(speedup), '', '>= 10x', speedup >= 10);
  row(
    '  time / critical path',
    x(ours.ms / critical),
    `${rounds} rounds x ${LATENCY_MS} ms = ${ms(critical)}`,
    '<= 2x',
    ours.ms / critical <= 2,
  );
  row(
    '  simulator busy during the listing',
    `${(oursStats.busy * 100).toFixed(0)} %`,
    `peak ${oursStats.peakInFlight} requests in flight`,
  );

  // The simulator's own overhead: the same listing with no latency at all.
  const ep0 = await sim.serve({ size: FLEET }, 0);
  await projectClient(ep0).showInstance('warm-up');
  await sim.clear();
  const zero = await timed(() => projectClient(ep0).listInstances());
  const zeroStats = await sim.stats();
  row(
    `listing ${FLEET} at 0 ms (simulator + client overhead)`,
    sec(zero.ms),
    `${(zero.ms / zeroStats.total).toFixed(1)} ms a page; simulator busy ${(zeroStats.busy * 100).toFixed(0)} %`,
  );
}

/**
 * The listing against API Gateway's limit, modelled as a token bucket of
 * `rate` a second holding `rate` (its burst), at two rates and two
 * latencies. The floor is what a client that knew the limit would take: the
 * burst at once, every other call at the rate, and one latency for the last.
 */
const THROTTLE_CASES = [
  { rate: 20, latencyMs: 20 },
  { rate: 20, latencyMs: 100 },
  { rate: 10, latencyMs: 20 },
  { rate: 10, latencyMs: 100 },
] as const;

async function throttled(sim: SimProcess): Promise<void> {
  // The SDK core loads on a client's first call; the cold-start rows measure
  // that. Here it is loaded already, as after any other part of the bench.
  await import('../src/dms/sdk.js');
  for (const { rate, latencyMs } of THROTTLE_CASES) {
    const ep = await sim.serve({ size: FLEET }, latencyMs, rate, rate);
    await sim.clear();
    const run = await timed(() => projectClient(ep).listInstances());
    const s = await sim.stats();
    const through = s.total - s.throttled;
    const floor = (Math.max(0, through - rate) / rate) * 1000 + latencyMs;
    const share = s.throttled / s.total;
    row(
      `listing ${FLEET} at ${latencyMs} ms, limit ${rate} requests/s (burst ${rate})`,
      sec(run.ms),
      `floor (${through} - ${rate}) calls / ${rate} per s + ${latencyMs} ms = ${sec(floor)}`,
    );
    row('  time / floor', x(run.ms / floor), '', '<= 1.15x', run.ms / floor <= 1.15);
    row(
      '  calls throttled (429 APIG.0308)',
      `${(share * 100).toFixed(1)} %`,
      `${s.throttled} of ${s.total} calls`,
      '<= 5 %',
      share <= 0.05,
    );
  }
}

/** The handler, its records dropped, pointed at the simulator and a policy file. */
function liveHandler(ep: Endpoint, policyFile: string) {
  return createHandler({
    destination: { write: () => {} },
    env: {
      DMS_ENDPOINT: ep.endpoint,
      HUAWEICLOUD_SDK_AK: ep.ak,
      HUAWEICLOUD_SDK_SK: ep.sk,
      HUAWEICLOUD_SDK_PROJECT_ID: ep.projectId,
      POLICY_FILE: policyFile,
      DEADLINE_MARGIN_MS: '0',
    },
  });
}

async function writes(sim: SimProcess, policyDir: string): Promise<void> {
  const matched = 2000;
  const latency = 10;
  const policyFile = join(policyDir, 'bench-restart.yaml');
  writeFileSync(
    policyFile,
    'version: 1\npolicies:\n  bench-restart:\n    action: restart\n    dryRun: false\n    select: { tags: { wave: bench } }\n    batchSize: 50\n    maxInstances: 2000\n',
  );
  const ep = await sim.serve({ size: FLEET, tagged: matched }, latency);
  await sim.clear();
  const run = await timed(() => liveHandler(ep, policyFile)({ policy: 'bench-restart' }));
  const s = await sim.stats();
  const list = s.byRoute.listInstances ?? 0;
  const show = s.byRoute.showInstance ?? 0;
  const act = s.byRoute.instanceAction ?? 0;
  const tag = s.byRoute.tagAction ?? 0;
  const acted = run.value.succeeded;
  const reads = (list + show) / acted;
  row(
    `live restart: ${acted} of ${FLEET} in batches of 50, ${latency} ms latency`,
    sec(run.ms),
    `${list} list + ${show} ShowInstance + ${act} restart + ${tag} mark calls`,
  );
  row(
    '  reads per instance acted on (one ShowInstance after each mark)',
    reads.toFixed(2),
    '',
    '<= 1.5',
    reads <= 1.5,
  );
  row(
    '  calls per instance acted on, writes included',
    ((list + show + act + tag) / acted).toFixed(2),
    '',
  );

  // The other way to re-check: list the fleet again before every batch.
  const batches = Math.ceil(acted / 50);
  await sim.clear();
  const dms = projectClient(ep);
  const relist = await timed(async () => {
    for (let b = 0; b < batches; b++) await dms.listInstances();
  });
  const r = await sim.stats();
  const relistReads = (list + (r.byRoute.listInstances ?? 0)) / acted;
  row(
    '  reads per instance if re-checked by listing again',
    relistReads.toFixed(2),
    `${batches} listings, ${sec(relist.ms)} of re-checks`,
  );
}

/**
 * The Kafka checks' cost: one 200-instance campaign (batches of 50, 10 ms
 * latency) with the pre-flight and again without it, on the same fleet
 * shape, in the same run.
 */
async function kafkaChecks(sim: SimProcess, policyDir: string): Promise<void> {
  const matched = 200;
  const latency = 10;
  const figures: Record<string, { ms: number; calls: number; kafka: number; acted: number }> = {};
  for (const checks of ['on', 'off'] as const) {
    const policyFile = join(policyDir, `bench-kafka-${checks}.yaml`);
    writeFileSync(
      policyFile,
      `version: 1\npolicies:\n  bench-kafka:\n    action: restart\n    dryRun: false\n    select: { tags: { wave: bench } }\n    batchSize: 50\n    maxInstances: ${matched}\n${checks === 'off' ? '    kafkaChecks: false\n' : ''}`,
    );
    const ep = await sim.serve({ size: 1000, tagged: matched }, latency);
    await sim.clear();
    const run = await timed(() => liveHandler(ep, policyFile)({ policy: 'bench-kafka' }));
    const st = await sim.stats();
    const kafka = (st.byRoute.showCluster ?? 0) + (st.byRoute.listTopics ?? 0);
    figures[checks] = { ms: run.ms, calls: st.total, kafka, acted: run.value.succeeded };
  }
  const on = figures.on;
  const off = figures.off;
  if (!on || !off) return;
  row(
    `campaign of ${matched}, batches of 50, ${latency} ms latency, Kafka checks on`,
    sec(on.ms),
    `${on.acted} restarted; ${on.kafka} ShowCluster + ListInstanceTopics calls; ${(on.ms / off.ms).toFixed(2)}x the run without`,
  );
  row(`  the same, kafkaChecks: false`, sec(off.ms), `${off.acted} restarted`);
  row(
    '  calls per restarted instance, checks on / off',
    `${(on.calls / on.acted).toFixed(2)} / ${(off.calls / off.acted).toFixed(2)}`,
    'every call: listing, reads, marks, restarts',
  );
  const kafkaPer = on.kafka / on.acted;
  row(
    '  Kafka reads per restarted instance',
    kafkaPer.toFixed(2),
    'one cluster + one topics page',
    '<= 2.0',
    kafkaPer <= 2,
  );
}

interface ColdChild {
  ms: number;
  out: string;
}

/** The environment for a cold child process: a dry run of the tagged instances. */
function dryRunEnv(ep: Endpoint, policyFile: string): NodeJS.ProcessEnv {
  writeFileSync(
    policyFile,
    // The Kafka checks off: these rows measure loading, listing and selecting, as they
    // always have. A dry run with them on also reads two calls per instance it would
    // restart; their cost is the Kafka rows' (and grows with maxInstances).
    'version: 1\npolicies:\n  bench:\n    action: restart\n    dryRun: true\n    select: { tags: { wave: bench } }\n    maxInstances: 10000\n    kafkaChecks: false\n',
  );
  return {
    ...process.env,
    DMS_ENDPOINT: ep.endpoint,
    HUAWEICLOUD_SDK_AK: ep.ak,
    HUAWEICLOUD_SDK_SK: ep.sk,
    HUAWEICLOUD_SDK_PROJECT_ID: ep.projectId,
    POLICY_FILE: policyFile,
    BENCH_POLICY: 'bench',
  };
}

async function coldStart(sim: SimProcess, policyDir: string): Promise<void> {
  const ep = await sim.serve({ size: 1000, tagged: 300 }, 0);
  const env = dryRunEnv(ep, join(policyDir, 'bench-dry.yaml'));
  const child = (args: string[]) =>
    new Promise<ColdChild>((resolve, reject) => {
      const t = process.hrtime.bigint();
      const p = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      p.stdout.on('data', (d) => {
        out += d;
      });
      p.on('exit', (code) =>
        code === 0
          ? resolve({ ms: Number(process.hrtime.bigint() - t) / 1e6, out })
          : reject(new Error(`${args.join(' ')}: exit ${code}`)),
      );
    });
  const bare: number[] = [];
  const core: number[] = [];
  const bundle: number[] = [];
  const firstRun: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    bare.push((await child(['-e', '0'])).ms);
    core.push(
      (await child(['-e', "require('@huaweicloud/huaweicloud-sdk-core/ClientBuilder')"])).ms,
    );
    bundle.push((await child(['-e', "require('./dist/index.js')"])).ms);
    const r = await child(['bench/probe.cjs']);
    firstRun.push(r.ms);
  }
  const b = median(bare);
  row(`cold process, bare node -e 0 (median of ${RUNS})`, ms(b), '');
  row(
    '  + require SDK core ClientBuilder, unbundled',
    ms(median(core) - b),
    'core alone, over bare',
  );
  row(
    '  + require dist/index.js, over bare node',
    ms(median(bundle) - b),
    `${ms(median(core) - median(bundle))} less than core alone`,
    '<= 80 ms',
    median(bundle) - b <= 80,
  );
  row(
    '  + load and a first dry run over 1,000 instances, over bare',
    ms(median(firstRun) - b),
    '',
    '<= 250 ms',
    median(firstRun) - b <= 250,
  );
}

async function memory(sim: SimProcess, policyDir: string): Promise<void> {
  const ep = await sim.serve({ size: FLEET, tagged: 2000 }, LATENCY_MS);
  const env = dryRunEnv(ep, join(policyDir, 'bench-dry10k.yaml'));
  const run = (args: string[]) =>
    new Promise<string>((resolve, reject) => {
      const p = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      p.stdout.on('data', (d) => {
        out += d;
      });
      p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}`))));
    });
  const bare = JSON.parse(
    await run([
      '-e',
      'process.stdout.write(JSON.stringify({maxRssMiB: process.resourceUsage().maxRSS/1024}))',
    ]),
  ) as { maxRssMiB: number };
  const r = JSON.parse(await run(['bench/probe.cjs'])) as {
    maxRssMiB: number;
    listed: number;
    matched: number;
    invokeMs: number;
  };
  row(
    `peak RSS, dry run of ${r.listed} (${r.matched} matched) via dist/index.js`,
    `${r.maxRssMiB.toFixed(1)} MiB`,
    `bare node ${bare.maxRssMiB.toFixed(1)} MiB`,
    '<= 128 MB',
    r.maxRssMiB * 2 ** 20 <= 128 * 1e6,
  );
  const small = JSON.parse(await run(['--max-semi-space-size=4', 'bench/probe.cjs'])) as {
    maxRssMiB: number;
  };
  row(
    '  the same with NODE_OPTIONS=--max-semi-space-size=4',
    `${small.maxRssMiB.toFixed(1)} MiB`,
    'V8 young generation capped at 4 MiB a half',
  );
}

/** What each dependency costs to load on its own, bundled and minified as in dist/. */
async function dependencyCosts(policyDir: string): Promise<void> {
  const { build } = await import('esbuild');
  const cold = (file: string) =>
    new Promise<number>((resolve, reject) => {
      const t = process.hrtime.bigint();
      const p = spawn(process.execPath, ['-e', `require(${JSON.stringify(file)})`], {
        stdio: 'inherit',
      });
      p.on('exit', (code) =>
        code === 0
          ? resolve(Number(process.hrtime.bigint() - t) / 1e6)
          : reject(new Error(`${file}: exit ${code}`)),
      );
    });
  const files: Array<[string, string]> = [];
  for (const pkg of ['yaml', 'zod', 'pino', 'exponential-backoff', 'p-limit']) {
    const file = join(policyDir, `bench-dep-${pkg}.js`);
    await build({
      stdin: {
        contents: `module.exports = require(${JSON.stringify(pkg)});`,
        resolveDir: process.cwd(),
      },
      outfile: file,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      minify: true,
      logLevel: 'error',
    });
    files.push([pkg, file]);
  }
  files.push([
    'dist/sdk.js: SDK core, axios, https-proxy-agent, uuid (first call)',
    join(process.cwd(), 'dist/sdk.js'),
  ]);
  const bare: number[] = [];
  const each = new Map<string, number[]>();
  for (let i = 0; i < 5; i++) {
    bare.push(await cold(join(policyDir, 'bench-dep-none.js')));
    for (const [name, file] of files) each.set(name, [...(each.get(name) ?? []), await cold(file)]);
  }
  const b = median(bare);
  for (const [name, times] of each) {
    row(`  load cost, ${name}`, ms(Math.max(0, median(times) - b)), 'over bare node, median of 5');
  }
}

function print(): void {
  const head: Row = ['figure', 'value', 'baseline (same run)', 'target', ''];
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: Row) =>
    `| ${r.map((c, i) => (i === 1 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}

/** The parts `BENCH_ONLY` may name (comma-separated), in the order they run. */
const PARTS = ['listing', 'throttle', 'memory', 'writes', 'kafka', 'org', 'cold', 'deps'] as const;
type Part = (typeof PARTS)[number];

/** BENCH_ONLY=cold (or throttle, writes, ...): some parts alone, for a quick look after a change. */
function chosenParts(): ReadonlySet<Part> {
  const only = process.env.BENCH_ONLY;
  if (!only) return new Set(PARTS);
  const names = only.split(',').map((s) => s.trim());
  for (const n of names) {
    if (!(PARTS as readonly string[]).includes(n)) {
      throw new Error(`BENCH_ONLY: ${n} is not one of ${PARTS.join(', ')}`);
    }
  }
  return new Set(names as Part[]);
}

async function main(): Promise<void> {
  const parts = chosenParts();
  const policyDir = tmpdir();
  const sim = await SimProcess.start();
  try {
    if (parts.has('listing')) await listing(sim);
    if (parts.has('throttle')) await throttled(sim);
    if (parts.has('memory')) await memory(sim, policyDir);
    if (parts.has('writes')) await writes(sim, policyDir);
    if (parts.has('kafka')) await kafkaChecks(sim, policyDir);
    if (parts.has('org')) {
      const send = <T>(cmd: Command) => sim.send<T>(cmd);
      await organization({ send, row, policyDir, latencyMs: LATENCY_MS });
    }
    if (parts.has('cold')) await coldStart(sim, policyDir);
    if (parts.has('deps')) {
      writeFileSync(join(policyDir, 'bench-dep-none.js'), '');
      await dependencyCosts(policyDir);
    }
  } finally {
    await sim.stop();
  }
  console.log(
    `machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}, ${new Date().toISOString()}`,
  );
  print();
  const met = verdicts.filter(Boolean).length;
  console.log(`\ntargets met: ${met} of ${verdicts.length}`);
  if (met < verdicts.length) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
