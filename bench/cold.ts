/** Cold-start, memory and dependency figures, each in fresh child processes. */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Endpoint, FLEET, LATENCY_MS, median, ms, RUNS, row, type SimProcess } from './kit';

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

export async function coldStart(sim: SimProcess, policyDir: string): Promise<void> {
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

export async function memory(sim: SimProcess, policyDir: string): Promise<void> {
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
export async function dependencyCosts(policyDir: string): Promise<void> {
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
