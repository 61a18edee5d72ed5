/**
 * The organization figures of `npm run bench`: one dry run across 20
 * accounts x 3 regions x 100 instances, against the slowest single target
 * alone, its peak memory, and its calls to IAM.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHandler } from '../handlers/index';
import type { Command, SimStats } from './sim-child';

export const ORG = {
  accounts: 20,
  regions: ['cn-north-4', 'ap-southeast-1', 'eu-west-101'],
  size: 100,
};
const TAGGED = 10;

interface OrgEndpoint {
  endpoint: string;
  ak: string;
  sk: string;
  accounts: Array<{ domainId: string; projects: string[] }>;
}

export interface BenchKit {
  send<T>(cmd: Command): Promise<T>;
  row(figure: string, value: string, baseline: string, target?: string, ok?: boolean): void;
  policyDir: string;
  latencyMs: number;
}

/** The accounts section: every account, or one account with one region. */
function policyText(
  org: OrgEndpoint,
  checks: boolean,
  only?: { account: number; region: number },
): string {
  const entries = org.accounts
    .map((a, i) => ({ a, i }))
    .filter(({ i }) => only === undefined || i === only.account)
    .map(({ a, i }) => {
      const regions = ORG.regions.filter((_, r) => only === undefined || r === only.region);
      return `  - { name: acct-${i + 1}, domainId: ${a.domainId}, agency: bench, regions: [${regions.join(', ')}] }`;
    });
  return `version: 1\naccounts:\n${entries.join('\n')}\npolicies:\n  bench-org:\n    action: restart\n    dryRun: true\n    select: { tags: { wave: bench } }\n    maxInstances: 100\n${checks ? '' : '    kafkaChecks: false\n'}`;
}

function orgEnv(org: OrgEndpoint, policyFile: string): Record<string, string> {
  return {
    DMS_ENDPOINT: org.endpoint,
    IAM_ENDPOINT: org.endpoint,
    STS_ENDPOINT: org.endpoint,
    HUAWEICLOUD_SDK_AK: org.ak,
    HUAWEICLOUD_SDK_SK: org.sk,
    POLICY_FILE: policyFile,
    DEADLINE_MARGIN_MS: '0',
  };
}

async function timedRun(env: Record<string, string>): Promise<{ ms: number; listed: number }> {
  const handler = createHandler({ destination: { write: () => {} }, env });
  const t = performance.now();
  const total = await handler({ policy: 'bench-org' }, undefined);
  return { ms: performance.now() - t, listed: total.listed };
}

/**
 * Twice: with the Kafka checks off, the listing and selecting every dry-run
 * row measures; and with them on, as a restart policy runs by default,
 * which adds two reads for each of the 600 instances it would restart.
 */
export async function organization(kit: BenchKit): Promise<void> {
  const org = await kit.send<OrgEndpoint>({
    op: 'org',
    accounts: ORG.accounts,
    regions: ORG.regions,
    fleet: { size: ORG.size, tagged: TAGGED },
    latencyMs: kit.latencyMs,
  });
  for (const checks of [false, true]) await organizationRun(kit, org, checks);
}

async function organizationRun(kit: BenchKit, org: OrgEndpoint, checks: boolean): Promise<void> {
  // Every target alone, each a run of its own: one account, one region.
  let slowest = 0;
  for (let a = 0; a < ORG.accounts; a++) {
    for (let r = 0; r < ORG.regions.length; r++) {
      const file = join(kit.policyDir, `bench-org-${a}-${r}.yaml`);
      writeFileSync(file, policyText(org, checks, { account: a, region: r }));
      slowest = Math.max(slowest, (await timedRun(orgEnv(org, file))).ms);
    }
  }
  const file = join(kit.policyDir, 'bench-org.yaml');
  writeFileSync(file, policyText(org, checks));
  await kit.send({ op: 'clear' });
  const whole = await timedRun(orgEnv(org, file));
  const st = await kit.send<SimStats>({ op: 'stats' });
  const targets = ORG.accounts * ORG.regions.length;
  kit.row(
    `dry run across ${ORG.accounts} accounts x ${ORG.regions.length} regions x ${ORG.size}, ${kit.latencyMs} ms, Kafka checks ${checks ? 'on' : 'off'}`,
    `${(whole.ms / 1000).toFixed(2)} s`,
    `slowest of the ${targets} targets alone ${(slowest / 1000).toFixed(2)} s; ${(whole.ms / slowest).toFixed(2)}x; simulator busy ${(st.busy * 100).toFixed(0)} %`,
    '<= 2x',
    whole.ms <= 2 * slowest,
  );
  const assumes = st.byRoute.assumeAgency ?? 0;
  kit.row(
    '  IAM calls: assume agency / project look-ups',
    `${assumes} / ${st.byRoute.listProjects ?? 0}`,
    `${ORG.accounts} accounts, ${targets} regions; ${whole.listed} listed; ${st.total} calls in all`,
    `${ORG.accounts} assumes`,
    assumes === ORG.accounts,
  );
  const rss = await peakRss(orgEnv(org, file));
  kit.row(
    '  peak RSS of that dry run, in a cold process (dist/index.js)',
    `${rss.toFixed(1)} MiB`,
    '',
    '<= 128 MB',
    rss * 2 ** 20 <= 128 * 1e6,
  );
  const small = await peakRss(orgEnv(org, file), ['--max-semi-space-size=4']);
  kit.row(
    '  the same with NODE_OPTIONS=--max-semi-space-size=4',
    `${small.toFixed(1)} MiB`,
    'V8 young generation capped at 4 MiB a half',
  );
}

/** The dry run in a cold process through the bundle, as the function runs it. */
function peakRss(env: Record<string, string>, node: string[] = []): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...node, 'bench/probe.cjs'], {
      env: { ...process.env, ...env, BENCH_POLICY: 'bench-org' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (d) => {
      out += d;
    });
    p.on('exit', (code) =>
      code === 0
        ? resolve((JSON.parse(out) as { maxRssMiB: number }).maxRssMiB)
        : reject(new Error(`exit ${code}`)),
    );
  });
}
