/**
 * Cold start and memory of the bundled function, each beside a baseline
 * measured in the same run on the same machine:
 * - process start: bare `node -e 0`, against loading dist/index.js;
 * - what loading costs beyond the SDK core alone;
 * - one dry-run invocation over a generated fleet, with its peak RSS,
 *   against the RSS of a bare node process.
 * Prints medians over several runs. Targets: see the end of the output.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateFleet, startSimulator } from '../src/simulator';

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const FLEET = Number(process.env.BENCH_FLEET ?? 1000);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

async function main(): Promise<void> {
  const policyFile = join(tmpdir(), 'bench-policies.yaml');
  writeFileSync(
    policyFile,
    'version: 1\npolicies:\n  bench:\n    action: restart\n    dryRun: true\n    select: { tags: { env: staging } }\n    maxInstances: 10000\n',
  );
  const sim = await startSimulator({ fleet: generateFleet({ size: FLEET, seed: 1 }) });
  // The simulator must keep answering while the children run: run them from
  // a second process so this event loop stays free.
  const env = {
    ...process.env,
    DMS_ENDPOINT: sim.endpoint,
    HUAWEICLOUD_SDK_AK: sim.ak,
    HUAWEICLOUD_SDK_SK: sim.sk,
    HUAWEICLOUD_SDK_PROJECT_ID: sim.projectId,
    POLICY_FILE: policyFile,
    BENCH_POLICY: 'bench',
  };
  const runChild = (args: string[]) =>
    new Promise<{ ms: number; out: string }>((resolve, reject) => {
      const t = process.hrtime.bigint();
      const p = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      p.stdout.on('data', (d) => {
        out += d;
      });
      p.on('exit', (code) =>
        code === 0
          ? resolve({ ms: Number(process.hrtime.bigint() - t) / 1e6, out })
          : reject(new Error(`exit ${code}`)),
      );
    });

  const bare: number[] = [];
  const core: number[] = [];
  const bundle: number[] = [];
  const invocations: Array<Record<string, number> & { wallMs: number }> = [];
  const bareRss: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    bare.push((await runChild(['-e', '0'])).ms);
    bareRss.push(
      Number(
        (await runChild(['-e', 'process.stdout.write(String(process.memoryUsage().rss/2**20))']))
          .out,
      ),
    );
    core.push(
      (await runChild(['-e', "require('@huaweicloud/huaweicloud-sdk-core/ClientBuilder')"])).ms,
    );
    bundle.push((await runChild(['-e', "require('./dist/index.js')"])).ms);
    const r = await runChild(['bench/probe.cjs']);
    invocations.push({ ...JSON.parse(r.out), wallMs: r.ms });
  }
  await sim.stop();

  const m = (k: string) => median(invocations.map((x) => x[k] ?? Number.NaN));
  const rows: Array<[string, number, string]> = [
    ['process start, bare node -e 0 (baseline)', median(bare), 'ms'],
    ['process start + require SDK core ClientBuilder (baseline)', median(core), 'ms'],
    ['process start + require dist/index.js', median(bundle), 'ms'],
    ['  require dist/index.js, in process', m('requireMs'), 'ms'],
    [`  first dry-run invocation, ${FLEET} instances listed`, m('invokeMs'), 'ms'],
    ['  whole cold process: start, load, invoke, exit', m('wallMs'), 'ms'],
    ['RSS of bare node (baseline)', median(bareRss), 'MiB'],
    ['RSS after the invocation', m('rssMiB'), 'MiB'],
    ['heap used after the invocation', m('heapUsedMiB'), 'MiB'],
  ];
  console.log(`median of ${RUNS} runs, node ${process.version}`);
  for (const [name, v, unit] of rows)
    console.log(`${name.padEnd(60)} ${v.toFixed(1).padStart(8)} ${unit}`);
  const loadOverBare = median(bundle) - median(bare);
  const loadOverCore = median(bundle) - median(core);
  console.log(
    `\nload cost over bare node: ${loadOverBare.toFixed(1)} ms; over SDK core alone: ${loadOverCore.toFixed(1)} ms`,
  );
  const rssOver = m('rssMiB') - median(bareRss);
  console.log(
    `memory over bare node: ${rssOver.toFixed(1)} MiB (FunctionGraph's smallest size is 128 MB)`,
  );
  const ok = loadOverBare < 300 && m('rssMiB') < 128;
  console.log(`targets: load over bare node < 300 ms, RSS < 128 MiB: ${ok ? 'met' : 'NOT met'}`);
  if (!ok) process.exitCode = 1;
}

main();
