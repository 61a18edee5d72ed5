import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../simulator';
import { cli, jsonLines } from '../support/cli';
import { mk, RESTART_POLICY, staging } from '../support/fleet';
import { actions, runHandler, simEnv, writePolicyFile, writes } from '../support/harness';

const sims: Simulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.stop()));
});

const fleet = () => [
  ...staging(3),
  mk('prot', 'kafka-stg-protected', 'RUNNING', {
    env: 'staging',
    'restart-window': 'any',
    'maintenance-protect': 'true',
  }),
  mk('busy', 'kafka-stg-busy', 'RESTARTING', { env: 'staging', 'restart-window': 'any' }),
];

describe('validate', () => {
  it('accepts a good file with exit 0 and one line', async () => {
    // Run where there are no deploy files to check the policy against.
    const r = await cli(['validate', writePolicyFile(RESTART_POLICY)], {}, tmpdir());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/valid, 1 policy: restart \(restart\)/);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('lists every problem with its path, briefly, and exits 1', async () => {
    const bad = RESTART_POLICY.replace('batchSize: 10', 'batchSize: 99\n    dryrun: true');
    const r = await cli(['validate', writePolicyFile(bad)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/policies\.restart\.batchSize: /);
    expect(r.stderr).toMatch(/policies\.restart\.dryrun: unknown key/);
    expect(r.stderr.split('\n').length).toBeLessThan(6);
    expect(r.stdout).toBe('');
  });

  it('uses POLICY_FILE when no file is named, and needs no network', async () => {
    const r = await cli(
      ['validate'],
      { POLICY_FILE: writePolicyFile(RESTART_POLICY), DMS_ENDPOINT: 'http://127.0.0.1:1' },
      tmpdir(),
    );
    expect(r.code).toBe(0);
  });

  it('checks the deploy files against the policy file: timers name real policies, crons are seconds-first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dms-validate-'));
    cpSync('deploy/terraform', join(dir, 'deploy/terraform'), { recursive: true });
    cpSync('policies.yaml', join(dir, 'policies.yaml'));
    const good = await cli(['validate'], {}, dir);
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/checked against deploy\/terraform/);
    const sls = readFileSync('serverless.yml', 'utf8')
      .replace('userEvent: weekly-staging-restart', 'userEvent: weekly-restart')
      .replace(/schedule: (CRON_TZ=\S+ )0 30 1 \* \* \?/, 'schedule: $130 1 * * *');
    writeFileSync(join(dir, 'serverless.yml'), sls);
    const bad = await cli(['validate'], {}, dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /serverless\.yml functions\.\w+\.events\[\d\]: names policy "weekly-restart"/,
    );
    expect(bad.stderr).toMatch(/schedule: expected 6 fields \(seconds first\), got 5/);
  });

  it('says a missing file is missing, in one line, with no stack', async () => {
    const r = await cli(['validate', '/nonexistent/policies.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot read the policy file \(ENOENT\)/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});

describe("validate: regions against Huawei's region tables", () => {
  const targets = (target: string) => `version: 1
policies:
  restart:
    action: restart
    select: { tags: { env: staging } }
    targets: [${target}]
`;

  it('refuses a target in a region DMS has no endpoint for, unless an endpoint is named for it', async () => {
    const file = writePolicyFile(targets('{ region: xx-nowhere-1, projectId: p1 }'));
    const r = await cli(['validate', file], {}, tmpdir());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "policies.restart.targets[0].region: no DMS endpoint is known for region xx-nowhere-1 (not in Huawei's region table, src/cloud/regions.ts); name one with DMS_ENDPOINT",
    );
    expect(
      (await cli(['validate', file], { DMS_ENDPOINT: 'https://dms-vpcep.example' })).code,
    ).toBe(0);
    const own = targets(
      '{ region: xx-nowhere-1, projectId: p1, endpoint: "https://dms-vpcep.example" }',
    );
    expect((await cli(['validate', writePolicyFile(own)], {}, tmpdir())).code).toBe(0);
    const known = targets('{ region: cn-north-9, projectId: p1 }');
    expect((await cli(['validate', writePolicyFile(known)], {}, tmpdir())).code).toBe(0);
  });

  it("refuses an account by id none of whose regions STS's table holds, naming STS_ENDPOINT", async () => {
    const text = `version: 1
accounts:
  - { name: north1, domainId: a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1, agency: dms-kafka-maintenance, regions: [cn-north-1] }
policies:
  restart:
    action: restart
    select: { tags: { env: staging } }
`;
    const file = writePolicyFile(text);
    const r = await cli(['validate', file], {}, tmpdir());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'accounts.north1.regions: no STS endpoint is known for region cn-north-1',
    );
    expect(r.stderr).toContain('name one with STS_ENDPOINT');
    expect(r.stderr).not.toContain('no DMS endpoint');
    expect(
      (await cli(['validate', file], { STS_ENDPOINT: 'https://sts-vpcep.example' })).code,
    ).toBe(0);
  });

  it('refuses a Terraform region or SMN topic the tables do not hold, and takes SMN in cn-north-2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dms-deploy-'));
    cpSync('deploy/terraform', join(dir, 'tf'), { recursive: true });
    writeFileSync(join(dir, 'p.yaml'), RESTART_POLICY);
    // No timers: only the regions are held against the tables here.
    const vars = (v: object) =>
      writeFileSync(join(dir, 'tf/terraform.tfvars.json'), JSON.stringify({ schedules: {}, ...v }));
    const project = '0b5e7d3a9c8f4e21a6d2c4b8f1e3a5c7';
    vars({
      regions: { 'cn-north-4': {}, 'xx-nowhere-1': {} },
      smn_topic_urn: `urn:smn:xx-nowhere-1:${project}:ops`,
    });
    const r = await cli(['validate', 'p.yaml', '--deploy', 'tf'], {}, dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'tf variable.regions["xx-nowhere-1"]: no DMS endpoint is known for region xx-nowhere-1',
    );
    expect(r.stderr).toContain(
      'tf variable.smn_topic_urn: no SMN endpoint is known for region xx-nowhere-1',
    );
    expect(r.stderr).not.toContain('cn-north-4"]');
    vars({ region: 'cn-north-2', smn_topic_urn: `urn:smn:cn-north-2:${project}:ops` });
    const north2 = await cli(['validate', 'p.yaml', '--deploy', 'tf'], {}, dir);
    expect(north2.code, north2.stderr).toBe(0);
  });
});

describe('validate: timers against windows', () => {
  const BERLIN = `version: 1
policies:
  weekly-staging-restart:
    action: restart
    select: { tags: { env: staging } }
    window: { timezone: Europe/Berlin, days: [sat, sun], start: "02:00", end: "05:00", cutoffMinutes: 20 }
    batchSize: 2
    maxInstances: 20
    waitForRunning: { timeoutSeconds: 720, pollSeconds: 20 }
  nightly-failed-cleanup:
    action: cleanup-failed
`;
  const terraformCopy = () => {
    const dir = mkdtempSync(join(tmpdir(), 'dms-deploy-'));
    cpSync('deploy/terraform', join(dir, 'tf'), { recursive: true });
    return dir;
  };

  it('passes every example from the repository root, saying no deploy files were checked', async () => {
    for (const f of [
      'examples/nightly-cleanup.yaml',
      'examples/production-campaign.yaml',
      'examples/weekly-staging-restart.yaml',
    ]) {
      const r = await cli(['validate', f]);
      expect(r.code, `${f}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/no deploy files were checked \(name them with --deploy DIR\)/);
    }
  });

  it('refuses a Terraform timer in Asia/Shanghai that never fires inside a Berlin window, naming both zones', async () => {
    const dir = terraformCopy();
    writeFileSync(join(dir, 'p.yaml'), BERLIN);
    const r = await cli(['validate', 'p.yaml', '--deploy', 'tf'], {}, dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /tf variable\.schedules\["weekly-staging-restart"\] in Asia\/Shanghai \(time_zone\): policy weekly-staging-restart: the timer "0 0 2 \? \* SUN" \(Asia\/Shanghai\) never fires inside the window \(sat,sun 02:00-05:00 Europe\/Berlin, cutoff 20 min\)/,
    );
    expect(r.stderr).toMatch(
      /the timer fires: Sun \S+ 02:00 Asia\/Shanghai = Sat \S+ 19:00 Europe\/Berlin/,
    );
    expect(r.stderr).toMatch(
      /the window opens: Sat \S+ 02:00 Europe\/Berlin = Sat \S+ 09:00 Asia\/Shanghai, for 3 h/,
    );
  });

  it('accepts it once terraform.tfvars.json puts the timers in Berlin, warns that one run a window is too few, and says what it did not read', async () => {
    const dir = terraformCopy();
    writeFileSync(join(dir, 'p.yaml'), BERLIN);
    writeFileSync(join(dir, 'tf/terraform.tfvars.json'), '{"time_zone": "Europe/Berlin"}');
    writeFileSync(join(dir, 'tf/terraform.tfvars'), 'time_zone = "Asia/Shanghai"\n');
    const r = await cli(['validate', 'p.yaml', '--deploy', 'tf'], {}, dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/checked against tf, tf\/terraform\.tfvars\.json/);
    expect(r.stderr).toMatch(/warning: tf\/terraform\.tfvars: HCL, not read/);
    expect(r.stderr).toMatch(
      /warning: .*the timer fires inside a window only once, and a campaign of up to 20 instances \(batchSize 2, 1 wave a run at timeout 900 s\) needs 10 runs/,
    );
    expect(r.stdout).toMatch(
      /weekly-staging-restart: window sat,sun 02:00-05:00 Europe\/Berlin; next:\n {2}(Sat|Sun) \S+ 02:00 Europe\/Berlin = (Sat|Sun) \S+ 0[01]:00 UTC, for 3 h/,
    );
  });

  it('plan --deploy holds the forecast against the timers: enough runs, or none at all', async () => {
    const sim = await startSimulator({ fleet: staging(5) });
    sims.push(sim);
    const dir = terraformCopy();
    writeFileSync(join(dir, 'p.yaml'), BERLIN);
    const args = [
      'plan',
      '-p',
      'weekly-staging-restart',
      '-f',
      'p.yaml',
      '--deploy',
      'tf',
      '--at',
      '2026-12-12T02:30:00+01:00',
    ];
    const never = await cli(args, simEnv(sim), dir);
    expect(never.code, never.stderr).toBe(0);
    expect(never.stdout).toMatch(
      /timer tf variable\.schedules\["weekly-staging-restart"\] in Asia\/Shanghai \(time_zone\): never fires inside the window in the next 8 weeks; this campaign would restart nothing/,
    );
    writeFileSync(
      join(dir, 'tf/terraform.tfvars.json'),
      '{"time_zone": "Europe/Berlin", "schedules": {"weekly-staging-restart": "0 0,30 2-4 ? * SAT,SUN"}}',
    );
    const ok = await cli(args, simEnv(sim), dir);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(
      /forecast: 5 left in this period, 3 waves of up to 2; .*: 3 runs inside the window to finish/,
    );
    expect(ok.stdout).toMatch(
      /timer tf variable\.schedules\["weekly-staging-restart"\] in Europe\/Berlin \(time_zone\): fires inside 16 of the next 16 windows, at least 6 times in each it serves; this campaign needs 3: enough/,
    );
  });

  it('holds a serverless.yml timer with CRON_TZ against the window too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dms-deploy-'));
    writeFileSync(join(dir, 'p.yaml'), BERLIN);
    writeFileSync(join(dir, 'serverless.yml'), readFileSync('serverless.yml', 'utf8'));
    const r = await cli(['validate', 'p.yaml', '--deploy', 'serverless.yml'], {}, dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /serverless\.yml functions\.\w+\.events\[\d\] in Asia\/Shanghai: policy weekly-staging-restart: .*never fires inside the window/,
    );
  });
});

describe('command-line habits', () => {
  it('prints its version', async () => {
    const r = await cli(['--version']);
    expect(r.code).toBe(0);
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('refuses DRY_RUN=1 with one message, before the simulator starts, and prints no table', async () => {
    const r = await cli(['run', '--all', '--simulator', '-f', writePolicyFile(RESTART_POLICY)], {
      DRY_RUN: '1',
    });
    expect(r.code).toBe(1);
    expect(r.stderr.match(/env\.DRY_RUN: must be true or false, got "1"/g)).toHaveLength(1);
    expect(r.stderr).not.toMatch(/simulator at/);
    expect(r.stdout).not.toMatch(/policy\s+instance/);
  });

  it('run --dry-run changes nothing on a live policy, and counts would-restart apart from succeeded', async () => {
    const sim = await startSimulator({ fleet: fleet() });
    sims.push(sim);
    const r = await cli(
      ['run', '-p', 'restart', '-f', writePolicyFile(RESTART_POLICY), '--dry-run'],
      simEnv(sim),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(writes(sim)).toHaveLength(0);
    expect(r.stdout).toMatch(
      /restart: dry run, listed \d+, matched \d+, would restart 3, failed 0/,
    );
  });

  it('--region names the region for one command; one DMS has no endpoint for is refused at once, and one DNS does not know fails at once, without retries', async () => {
    const started = Date.now();
    const keys = {
      HUAWEICLOUD_SDK_AK: 'AKEXAMPLE0000000000',
      HUAWEICLOUD_SDK_SK: 'SKEXAMPLE0000000000',
    };
    const project = ['--project', '0123456789abcdef0123456789abcdef'];
    const file = writePolicyFile(RESTART_POLICY);
    const r = await cli(
      ['plan', '-p', 'restart', '-f', file, '--region', 'xx-nowhere-9', ...project],
      { ...keys, DMS_REGION: 'cn-north-4', DMS_ENDPOINT: 'http://127.0.0.1:1' },
    );
    expect(r.code).toBe(1);
    // Never made up from a pattern: a region outside Huawei's table is refused, naming what to set.
    expect(r.stderr).toMatch(
      /env\.DMS_REGION: no DMS endpoint is known for region xx-nowhere-9 \(not in Huawei's region table, src\/cloud\/regions\.ts\); name one with DMS_ENDPOINT/,
    );
    const dns = await cli(['plan', '-p', 'restart', '-f', file, ...project], {
      ...keys,
      DMS_ENDPOINT: 'https://dms.xx-nowhere-9.invalid',
    });
    expect(dns.code).toBe(1);
    expect(dns.stderr).toMatch(
      /ENOTFOUND dms\.xx-nowhere-9\.invalid: DNS does not know this host; check DMS_REGION or DMS_ENDPOINT/,
    );
    expect(r.stderr + dns.stderr).not.toMatch(/retrying/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('numbers progress across policies, and shows a negative headroom as over by N', async () => {
    const sim = await startSimulator({ fleet: fleet() });
    sims.push(sim);
    const two = `${RESTART_POLICY}  again:\n    action: restart\n    select: { tags: { env: staging } }\n    maxInstances: 1\n`;
    const r = await cli(['plan', '--all', '-f', writePolicyFile(two)], simEnv(sim));
    // The first policy records five; the second goes on from six.
    expect(r.stderr).toMatch(/^ {2}6\. /m);
    expect(r.stdout).toMatch(/maxInstances 1: 3 selected, over by 2/);
  });
});

describe('fleet', () => {
  it('lists every instance as the function sees it, with its last mark, and counts by status and by tag', async () => {
    const sim = await startSimulator({
      fleet: [...fleet(), mk('f', 'kafka-failed', 'CREATEFAILED', { env: 'dev' })],
    });
    sims.push(sim);
    sim.setTags('stg-000', {
      env: 'staging',
      'restart-window': 'any',
      'dms-maintenance.mark-abc': '2026-12-05T02:10:00Z',
    });
    const r = await cli(['fleet', '--count-by', 'status', '--count-by', 'env'], simEnv(sim));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^kafka-stg-0\s+stg-000\s+RUNNING\s+env=staging restart-window=any\s+2026-12-05T02:10:00Z$/m,
    );
    expect(r.stdout).toMatch(/kafka-failed\s+f\s+CREATEFAILED\s+env=dev/);
    expect(r.stdout).toMatch(/^6 instances$/m);
    expect(r.stdout).toMatch(/^by status: RUNNING \(4\), CREATEFAILED \(1\), RESTARTING \(1\)$/m);
    expect(r.stdout).toMatch(/^by env: staging \(5\), dev \(1\)$/m);
    expect(writes(sim)).toHaveLength(0);
    const json = await cli(['fleet', '--json'], simEnv(sim));
    expect(jsonLines(json.stdout)).toContainEqual({
      name: 'kafka-stg-0',
      id: 'stg-000',
      status: 'RUNNING',
      tags: { env: 'staging', 'restart-window': 'any' },
      lastMark: '2026-12-05T02:10:00Z',
    });
  });
});

describe('fleet, and instances being deleted', () => {
  it('shows what ListInstances gives: none being deleted or in the recycle bin', async () => {
    const sim = await startSimulator({
      fleet: [
        ...fleet(),
        mk('del', 'kafka-deleting', 'DELETING'),
        mk('bin', 'kafka-binned', 'RECYCLE'),
      ],
    });
    sims.push(sim);
    const r = await cli(['fleet', '--count-by', 'status'], simEnv(sim));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/kafka-deleting|kafka-binned/);
    expect(r.stdout).toMatch(/^5 instances$/m);
    expect(r.stdout).toMatch(/^by status: RUNNING \(4\), RESTARTING \(1\)$/m);
  });
});

describe('plan, forecast with waves', () => {
  it("says how many runs a campaign needs at the function's timeout", async () => {
    const sim = await startSimulator({ fleet: staging(5) });
    sims.push(sim);
    const file = writePolicyFile(
      RESTART_POLICY.replace(
        'batchSize: 10',
        'batchSize: 2\n    waitForRunning: { timeoutSeconds: 720, pollSeconds: 20 }',
      ),
    );
    const r = await cli(['plan', '-p', 'restart', '-f', file], {
      ...simEnv(sim),
      RUN_TIMEOUT_MS: '900000',
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /forecast: 5 left in this period, 3 waves of up to 2; a wave takes up to 12 min; 1 wave a run of up to 15 min: 3 runs to finish/,
    );
    const twice = await cli(['plan', '-p', 'restart', '-f', file], {
      ...simEnv(sim),
      RUN_TIMEOUT_MS: '1800000',
    });
    expect(twice.stdout).toMatch(/; 2 waves a run of up to 30 min: 2 runs to finish/);
  });
});

describe('plan --explain', () => {
  it("applies every rule to the instance, by name or id, with what it saw and the run's verdict", async () => {
    const sim = await startSimulator({ fleet: fleet() });
    sims.push(sim);
    const file = writePolicyFile(RESTART_POLICY);
    const byName = await cli(
      ['plan', '-p', 'restart', '-f', file, '--explain', 'kafka-stg-protected'],
      simEnv(sim),
    );
    expect(byName.code, byName.stderr).toBe(0);
    expect(byName.stdout).toMatch(/kafka-stg-protected \(prot\) under restart:/);
    expect(byName.stdout).toMatch(/holds {2}select\.tags "env" is "staging": saw "staging"/);
    expect(byName.stdout).toMatch(
      /FAILS {2}exclude\.tags "maintenance-protect" is not "true" .*: saw "maintenance-protect"="true"/,
    );
    expect(byName.stdout).toMatch(/verdict: skipped: excluded by tag maintenance-protect=true/);
    const byId = await cli(['plan', '-p', 'restart', '-f', file, '--explain', 'busy'], simEnv(sim));
    expect(byId.stdout).toMatch(/FAILS {2}status is one of RUNNING .*: saw "RESTARTING"/);
    const missing = await cli(
      ['plan', '-p', 'restart', '-f', file, '--explain', 'nope'],
      simEnv(sim),
    );
    expect(missing.stdout).toMatch(/nope: not in the listing for restart/);
    expect(writes(sim)).toHaveLength(0);
  });

  it("gives the plan's own verdict, the pre-flight included, for the README's demo", async () => {
    const r = await cli([
      'plan',
      '-p',
      'weekly-staging-restart',
      '--simulator',
      '--explain',
      'kafka-stg-payments-02',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /FAILS {2}pre-flight: the cluster can lose a broker: saw 1 topic with one replica \(payments-audit-log\)/,
    );
    expect(r.stdout).toMatch(/verdict: skipped: pre-flight: 1 topic with one replica/);
    expect(r.stdout).not.toMatch(/verdict: would restart/);
    const table = r.stdout
      .split('\n')
      .find((l) => l.includes('kafka-stg-payments-02') && l.includes('skipped'));
    expect(table).toBeDefined();
  });

  it("counts one way in the README's demo: forecast, maxInstances line, body, summary and plan --out", async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'demo-out-')), 'approved.json');
    const r = await cli(['plan', '-p', 'weekly-staging-restart', '--simulator', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    // 5 selected: 3 would restart, 2 the pre-flight keeps off.
    expect(r.stdout).toMatch(/forecast: 3 left in this period \(2 more kept off by the pre-flight/);
    expect(r.stdout).toMatch(/maxInstances 20: 5 selected, headroom 15/);
    expect(r.stdout).toMatch(/listed 19, matched 9: would restart 3, skipped 6;/);
    expect(r.stdout).toMatch(/dry run, listed 19, matched 9, would restart 3, failed 0, skipped 6/);
    expect(r.stderr).toMatch(/: 3 instances to restart, valid until/);
    const approved = JSON.parse(readFileSync(out, 'utf8')) as {
      targets: { instances: { name: string }[] }[];
    };
    expect(approved.targets.flatMap((t) => t.instances.map((i) => i.name)).sort()).toEqual([
      'kafka-stg-events-05',
      'kafka-stg-orders-01',
      'kafka-stg-search-03',
    ]);
  });
});

describe('an approved plan: plan --out, then run --plan', () => {
  // ERROR restarts too: only the approval's fingerprint can tell that stg-001 changed.
  const EITHER = RESTART_POLICY.replace(
    'restart-window: [sun-0200, any] }',
    'restart-window: [sun-0200, any] }\n      status: [RUNNING, ERROR]',
  );

  it('restarts exactly the approved instances that did not change, and says why each other one was not', async () => {
    const sim = await startSimulator({
      fleet: [
        ...staging(4),
        mk('prot', 'kafka-stg-protected', 'RUNNING', {
          env: 'staging',
          'restart-window': 'any',
          'maintenance-protect': 'true',
        }),
      ],
      restartDelayMs: 60_000,
    });
    sims.push(sim);
    const dir = mkdtempSync(join(tmpdir(), 'dms-approve-'));
    const file = join(dir, 'p.yaml');
    writeFileSync(file, EITHER);
    const out = join(dir, 'approved.json');
    const planned = await cli(['plan', '-p', 'restart', '-f', file, '--out', out], simEnv(sim));
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stderr).toMatch(/wrote .*approved\.json: 4 instances to restart, valid until /);
    const approved = JSON.parse(readFileSync(out, 'utf8'));
    expect(approved).toMatchObject({
      policy: 'restart',
      action: 'restart',
      targets: [{ projectId: sim.projectId }],
    });
    expect(approved.targets[0].instances.map((i: { id: string }) => i.id).sort()).toEqual([
      'stg-000',
      'stg-001',
      'stg-002',
      'stg-003',
    ]);
    // Between approval and the run: one instance turns ERROR, one loses its selected tag
    // value, and the protected one loses its protect tag (now eligible, but never approved).
    sim.setStatus('stg-001', 'ERROR');
    sim.setTags('stg-002', { env: 'production', 'restart-window': 'any' });
    sim.setTags('prot', { env: 'staging', 'restart-window': 'any' });
    const dry = await cli(['run', '--plan', out, '-f', file, '--dry-run'], simEnv(sim));
    expect(dry.code, dry.stderr).toBe(0);
    expect(writes(sim)).toHaveLength(0);
    expect(dry.stdout).toMatch(/would restart 2/);
    const r = await cli(['run', '--plan', out, '-f', file, '--json'], simEnv(sim));
    expect(r.code, r.stderr).toBe(0);
    expect(
      actions(sim)
        .flatMap((a) => (a.body as { instances: string[] }).instances)
        .sort(),
    ).toEqual(['stg-000', 'stg-003']);
    const outcomes = jsonLines(r.stdout).filter((l) => l.kind === 'outcome');
    const byId = Object.fromEntries(outcomes.map((o) => [o.instanceId, o]));
    expect(byId.prot).toMatchObject({ outcome: 'skipped', reason: 'not in the approved plan' });
    expect(byId['stg-001']).toMatchObject({ outcome: 'skipped' });
    expect(byId['stg-001']).toMatchObject({
      reason: 'changed since the plan was approved: status RUNNING -> ERROR',
    });
    expect(byId['stg-002']).toMatchObject({
      outcome: 'skipped',
      reason:
        'in the approved plan, but the policy no longer matches it; changed since the plan was approved: tag env "staging" -> "production"',
    });
  });

  it('refuses, before any call, a plan that expired, one made from another policy file, and one for another policy', async () => {
    const sim = await startSimulator({ fleet: staging(2) });
    sims.push(sim);
    const dir = mkdtempSync(join(tmpdir(), 'dms-approve-'));
    const file = join(dir, 'p.yaml');
    writeFileSync(file, RESTART_POLICY);
    const out = join(dir, 'approved.json');
    expect(
      (
        await cli(
          ['plan', '-p', 'restart', '-f', file, '--out', out, '--valid-for', '90m'],
          simEnv(sim),
        )
      ).code,
    ).toBe(0);
    sim.clearRequests();
    const approved = JSON.parse(readFileSync(out, 'utf8'));
    expect(Date.parse(approved.validUntil) - Date.parse(approved.createdAt)).toBe(90 * 60_000);
    writeFileSync(
      join(dir, 'expired.json'),
      JSON.stringify({ ...approved, validUntil: '2026-01-01T00:00:00.000Z' }),
    );
    const expired = await cli(
      ['run', '--plan', join(dir, 'expired.json'), '-f', file],
      simEnv(sim),
    );
    expect(expired.code).toBe(1);
    expect(expired.stderr).toMatch(/validUntil: the plan expired at 2026-01-01T00:00:00.000Z/);
    const other = join(dir, 'other.yaml');
    writeFileSync(other, RESTART_POLICY.replace('batchSize: 10', 'batchSize: 5'));
    const changed = await cli(['run', '--plan', out, '-f', other], simEnv(sim));
    expect(changed.code).toBe(1);
    expect(changed.stderr).toMatch(/policyDigest: the plan was made from another policy file/);
    const wrongPolicy = await cli(['run', '--plan', out, '-f', file, '-p', 'cleanup'], simEnv(sim));
    expect(wrongPolicy.code).toBe(2);
    expect(wrongPolicy.stderr).toMatch(/--plan runs the approved plan's policy, restart, alone/);
    expect(sim.requests).toHaveLength(0);
  });

  it('writes no plan that was refused', async () => {
    const sim = await startSimulator({ fleet: staging(3) });
    sims.push(sim);
    const dir = mkdtempSync(join(tmpdir(), 'dms-approve-'));
    const out = join(dir, 'approved.json');
    const r = await cli(
      [
        'plan',
        '-p',
        'restart',
        '-f',
        writePolicyFile(RESTART_POLICY.replace('maxInstances: 50', 'maxInstances: 2')),
        '--out',
        out,
      ],
      simEnv(sim),
    );
    expect(r.stderr).toMatch(/not written to .*approved\.json: a plan failed or was refused/);
    expect(() => readFileSync(out)).toThrow();
  });
});

describe('plan --at, and a closed window looked ahead', () => {
  const windowed = (days: string) => `version: 1
policies:
  w:
    action: restart
    dryRun: false
    select: { tags: { env: staging } }
    window: { timezone: Europe/Berlin, days: [${days}], start: "02:00", end: "05:00", cutoffMinutes: 20 }
    batchSize: 2
    maxInstances: 50
`;
  const plan = async (days: string, extra: string[]) => {
    const sim = await startSimulator({ fleet: staging(3) });
    sims.push(sim);
    const file = writePolicyFile(windowed(days));
    const r = await cli(['plan', '--policy', 'w', '--file', file, ...extra], simEnv(sim));
    return { r, sim };
  };

  it('judges the window as at --at: open, it plans the waves, with the listing of now', async () => {
    const { r, sim } = await plan('sat, sun', ['--at', '2026-12-12T02:30:00+01:00']);
    expect(r.code, r.stderr).toBe(0);
    expect(writes(sim)).toHaveLength(0);
    expect(r.stdout).toMatch(
      /as at 2026-12-12T01:30:00Z: the window, its cutoff and the marks as then/,
    );
    expect(r.stdout).toMatch(
      /window 2026-12-12T01:00:00Z to 2026-12-12T04:00:00Z; no new restart starts from 2026-12-12T03:40:00Z/,
    );
    expect(r.stdout).toMatch(/call 1: restart /);
    expect(r.stdout).toMatch(/would-restart/);
    expect(r.stdout).toMatch(
      /forecast: 3 left in this period, 2 waves of up to 2; without waiting; every wave in one run: 1 run inside the window to finish/,
    );
  });

  it('inside the cutoff at --at, starts no wave', async () => {
    const { r } = await plan('sat, sun', ['--at', '2026-12-12T03:50:00Z']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /inside the window's cutoff: no wave starts; 3 left for the next window/,
    );
    expect(r.stdout).not.toMatch(/(call|wave) 1:/);
  });

  it('closed at --at, says so and when it opens, and lists nothing', async () => {
    const { r, sim } = await plan('sat, sun', ['--at', '2026-12-12T12:00:00+01:00']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /w: window closed at 2026-12-12T11:00:00Z: nothing is written until it opens at 2026-12-13T01:00:00Z \(2026-12-13T02:00:00\+01:00\)/,
    );
    expect(sim.requests.filter((q) => q.route === 'listInstances')).toHaveLength(0);
  });

  it('refuses a time without a zone, before any call', async () => {
    const { r, sim } = await plan('sat, sun', ['--at', '2026-12-12 02:30']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /--at "2026-12-12 02:30": write an instant in ISO 8601 with Z or an offset/,
    );
    expect(sim.requests).toHaveLength(0);
  });

  it('without --at, plans a window closed now as it next opens', async () => {
    const names = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
    const inThreeDays = names[(new Date().getUTCDay() + 3) % 7] as string;
    const { r, sim } = await plan(inThreeDays, []);
    expect(r.code, r.stderr).toBe(0);
    expect(writes(sim)).toHaveLength(0);
    expect(r.stdout).toMatch(
      /w: window closed: nothing is written until it opens at \S+Z \(\S+T02:00:00\+01:00\); the plan shows what a run would do then/,
    );
    expect(r.stdout).toMatch(/as at \S+: the window, its cutoff and the marks as then/);
    expect(r.stdout).toMatch(/call 1: restart /);
  });
});

describe('plan', () => {
  it('never writes, even for a live policy with DRY_RUN=false, and names every instance it would act on', async () => {
    const sim = await startSimulator({ fleet: fleet() });
    sims.push(sim);
    const file = writePolicyFile(RESTART_POLICY);
    const r = await cli(['plan', '--policy', 'restart', '--file', file, '--json'], {
      ...simEnv(sim),
      DRY_RUN: 'false',
    });
    expect(r.code).toBe(0);
    expect(writes(sim)).toHaveLength(0);
    const lines = jsonLines(r.stdout);
    const would = lines.filter((l) => l.outcome === 'would-restart').map((l) => l.instanceId);
    expect(would.sort()).toEqual(['stg-000', 'stg-001', 'stg-002']);
    expect(lines.find((l) => l.kind === 'plan')).toMatchObject({
      policy: 'restart',
      maxInstances: 50,
      headroom: 47,
      refused: false,
      batches: [
        [{ id: 'stg-002' }, { id: 'stg-001' }, { id: 'stg-000' }].map((i) =>
          expect.objectContaining(i),
        ),
      ],
    });
    expect(lines.find((l) => l.kind === 'summary')).toMatchObject({ dryRun: true });
    // stdout is JSON lines only; the words for people go to stderr.
    expect(r.stderr).toMatch(/Planning \(nothing will be changed\)/);
  });

  it("breaks the pre-flight's kept-off count down by reason, a field missing from ShowCluster included", async () => {
    const sim = await startSimulator({
      fleet: staging(4),
      kafka: {
        'stg-000': { omit: ['isr_replicas_count'] },
        'stg-001': { outOfSync: 3 },
        'stg-003': { omit: ['brokers'] },
      },
    });
    sims.push(sim);
    const r = await cli(
      ['plan', '-p', 'restart', '-f', writePolicyFile(RESTART_POLICY)],
      simEnv(sim),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      'pre-flight (Kafka, read now): 1 pass, 3 kept off (replicas out of sync: 1, field missing from ShowCluster: 2); a live run reads again right before each restart',
    );
    expect(r.stdout).toMatch(
      /kafka-stg-0 +RUNNING +skipped +pre-flight: ShowCluster gave no in-sync replica count/,
    );
    expect(writes(sim)).toHaveLength(0);
  });

  it('shows the cleanup mode and the rule that chose it', async () => {
    const sim = await startSimulator({
      fleet: [
        mk('f1', 'kafka-f1', 'CREATEFAILED'),
        mk('f2', 'kafka-f2', 'CREATEFAILED', { 'maintenance-protect': 'true' }),
      ],
    });
    sims.push(sim);
    const file = writePolicyFile(`version: 1
defaults:
  exclude: { tags: { maintenance-protect: "true" } }
policies:
  cleanup:
    action: cleanup-failed
    dryRun: false
`);
    const r = await cli(['plan', '-p', 'cleanup', '-f', file], simEnv(sim));
    expect(r.code).toBe(0);
    expect(writes(sim)).toHaveLength(0);
    expect(r.stdout).toMatch(
      /mode: by-id \(the policy excludes by tag \(maintenance-protect\); all_failure would ignore a protection added before DMS runs it\)/,
    );
    expect(r.stdout).toMatch(/call 1: delete kafka-f1\n/);
  });
});

describe('plan, for a campaign', () => {
  it('says when a closed window opens next, and what a run would do then, with reads only', async () => {
    const sim = await startSimulator({ fleet: fleet() });
    sims.push(sim);
    // Open on one weekday only, and never today's: always closed now.
    const today = new Date().getUTCDay();
    const day = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][(today + 3) % 7];
    const file = writePolicyFile(
      RESTART_POLICY.replace(
        'batchSize: 10',
        `batchSize: 10\n    window: { timezone: UTC, days: [${day}], start: "02:00", end: "03:00" }`,
      ),
    );
    const r = await cli(['plan', '-p', 'restart', '-f', file], simEnv(sim));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /restart: window closed: nothing is written until it opens at \d{4}-\d\d-\d\dT02:00:00Z \(\d{4}-\d\d-\d\dT02:00:00\+00:00\); the plan shows what a run would do then/,
    );
    expect(sim.requests.length).toBeGreaterThan(0);
    expect(sim.requests.every((q) => q.method === 'GET')).toBe(true);
  });
});

describe('run', () => {
  it('writes the same records as one invocation of the handler', async () => {
    const a = await startSimulator({ fleet: fleet(), restartDelayMs: 60_000 });
    const b = await startSimulator({ fleet: fleet(), restartDelayMs: 60_000 });
    sims.push(a, b);
    const file = writePolicyFile(RESTART_POLICY);
    const r = await cli(['run', '--policy', 'restart', '--file', file, '--json'], simEnv(a));
    expect(r.code).toBe(0);
    const viaHandler = await runHandler(b, { policyFile: file, event: { policy: 'restart' } });
    const shape = (o: Record<string, unknown>) => [o.instanceId, o.outcome, o.reason ?? ''];
    const fromCli = jsonLines(r.stdout).filter((l) => l.kind === 'outcome');
    expect(fromCli.map(shape)).toEqual(
      viaHandler.outcomes.map((o) => shape(o as unknown as Record<string, unknown>)),
    );
    // The same calls, marks and restarts (a mark carries its own time and run id).
    const calls = (s: Simulator) =>
      writes(s).map((q) => [q.route, q.path.split('/').slice(3).join('/')]);
    expect(calls(a)).toEqual(calls(b));
    expect(actions(a).map((q) => q.body)).toEqual(actions(b).map((q) => q.body));
    // Progress, for a person, on stderr.
    expect(r.stderr).toMatch(
      /RestartInstances \(attempt 1\): kafka-stg-2, kafka-stg-1, kafka-stg-0/,
    );
  });

  it('exits 1 with a short error when the run fails', async () => {
    const sim = await startSimulator({ fleet: staging(1) });
    sims.push(sim);
    sim.inject({
      route: 'instanceAction',
      kind: 'raw',
      status: 403,
      body: '{"error_code":"DMS.00403000","error_msg":"forbidden"}',
    });
    const r = await cli(
      ['run', '-p', 'restart', '-f', writePolicyFile(RESTART_POLICY)],
      simEnv(sim),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: policy restart: 1 of 1 instances failed/);
    expect(r.stderr.length).toBeLessThan(2000);
    for (const secret of [sim.ak, sim.sk]) {
      expect(r.stdout + r.stderr).not.toContain(secret);
    }
  });

  it('refuses to guess which policies to run', async () => {
    const r = await cli(['run', '-f', writePolicyFile(RESTART_POLICY)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--policy NAME, or run them all with --all/);
  });
});

describe('a process that would print its own signed headers', () => {
  for (const nodeDebug of ['http', 'fs,NET', '*', 'ht*']) {
    it(`refuses to start with NODE_DEBUG=${nodeDebug}, in one line, without a call`, async () => {
      const sim = await startSimulator({ fleet: staging(1) });
      sims.push(sim);
      const r = await cli(['run', '-p', 'restart', '-f', writePolicyFile(RESTART_POLICY)], {
        ...simEnv(sim),
        NODE_DEBUG: nodeDebug,
      });
      expect(r.code).toBe(1);
      // Node's own debug lines may come first (NODE_DEBUG=* names them all); ours is one line.
      const ours = r.stderr.split('\n').filter((l) => l.includes('NODE_DEBUG'));
      expect(ours).toHaveLength(1);
      expect(ours[0]).toMatch(/^NODE_DEBUG names .*Authorization.*unset NODE_DEBUG/);
      expect(sim.requests).toHaveLength(0);
      expect(r.stdout + r.stderr).not.toContain(sim.ak);
    });
  }

  it('refuses in the handler too, before any call', async () => {
    const sim = await startSimulator({ fleet: staging(1) });
    sims.push(sim);
    const run = await runHandler(sim, { policy: RESTART_POLICY, env: { NODE_DEBUG: 'tls' } });
    expect(run.error?.message).toMatch(/env\.NODE_DEBUG: names "tls"/);
    expect(sim.requests).toHaveLength(0);
  });

  it('starts with NODE_DEBUG naming only sections that print no request', async () => {
    const sim = await startSimulator({ fleet: staging(1) });
    sims.push(sim);
    const run = await runHandler(sim, { policy: RESTART_POLICY, env: { NODE_DEBUG: 'fs,timer' } });
    expect(run.error).toBeUndefined();
  });
});

describe('validate, with values too long to read', () => {
  it('cuts a 200,000-character tag key in its message', async () => {
    const key = 'k'.repeat(200_000);
    const file = join(mkdtempSync(join(tmpdir(), 'dms-long-')), 'policies.json');
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        policies: {
          p: {
            action: 'restart',
            select: { tags: { env: 'x' } },
            exclude: { tags: { [key]: 'x' } },
          },
        },
      }),
    );
    const r = await cli(['validate', file], {}, tmpdir());
    expect(r.code).toBe(1);
    expect(r.stderr.length + r.stdout.length).toBeLessThan(1000);
    expect(r.stdout + r.stderr).toContain(`${'k'.repeat(64)}…(200000 characters)`);
  });
});

describe('across accounts', () => {
  it('plans a dry run in every account of the example, with an account column and a line per account', async () => {
    const r = await cli(['plan', '-f', 'examples/accounts.yaml', '--all', '--simulator']);
    // legacy-analytics has no agency in the demo organization: the plan of that policy fails.
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /error: policy nightly-failed-cleanup: 1 of 3 accounts could not be entered: legacy-analytics: agency dms-kafka-maintenance: STS AssumeAgency failed: HTTP 404/,
    );
    expect(r.stdout).toMatch(/^policy\s+account\s+target\s+instance/m);
    expect(r.stdout).toMatch(
      /nightly-failed-cleanup\s+payments-prod\s+ap-southeast-1\/e1000000000000000000000000000002\s+kafka-payments-prod-ap-southeast-1-3\s+CREATEFAILED\s+would-delete/,
    );
    expect(r.stdout).toMatch(
      /plan for weekly-staging-restart \(restart\) in account search-staging, cn-north-4/,
    );
    expect(r.stdout).toMatch(/in 3 accounts \(1 did not succeed\)/);
    expect(r.stdout).toMatch(/ {2}account legacy-analytics: failed, 0 targets/);
    expect(r.stdout).not.toMatch(/payments-prod.*would-restart/);
  });

  it('runs in the accounts --account names, and refuses a name that is not one', async () => {
    const one = await cli([
      'run',
      '-f',
      'examples/accounts.yaml',
      '-p',
      'nightly-failed-cleanup',
      '--account',
      'payments-prod',
      '--simulator',
    ]);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(
      /in 1 account \(0 did not succeed\): dry run, listed 6, matched 2, would delete 2/,
    );
    const bad = await cli([
      'plan',
      '-f',
      'examples/accounts.yaml',
      '--all',
      '--account',
      'nope',
      '--simulator',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /--account: "nope": not an account of this policy; its accounts: payments-prod, search-staging, legacy-analytics/,
    );
  });

  it('validates the accounts offline, from the file or from ACCOUNTS_FILE', async () => {
    const r = await cli(['validate', resolve('examples/accounts.yaml')], {}, tmpdir());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /weekly-staging-restart: runs in 1 account:\n {2}search-staging: agency dms-kafka-maintenance in f2f2/,
    );
    // ACCOUNTS_FILE reaches only the policies that ask for accounts.
    const c7nFile = { ACCOUNTS_FILE: resolve('examples/accounts.c7n.yml') };
    const unasked = await cli(['validate', resolve('policies.yaml')], c7nFile, tmpdir());
    expect(unasked.code).toBe(1);
    expect(unasked.stderr).toMatch(
      /policies\.weekly-staging-restart\.accounts: ACCOUNTS_FILE names accounts: say which/,
    );
    const asking = writePolicyFile(
      `${RESTART_POLICY.trimEnd()}\n    accounts: { tags: { env: staging } }\n`,
    );
    const c7n = await cli(['validate', asking], c7nFile, tmpdir());
    expect(c7n.code).toBe(0);
    expect(c7n.stdout).toMatch(
      /restart: runs in 1 account:\n {2}search-staging: agency dms-kafka-maintenance/,
    );
    const broken = writePolicyFile(
      'accounts:\n  - { name: x, agency: a, regions: [cn-north-4] }\n',
    );
    const bad = await cli(
      ['validate', resolve('policies.yaml')],
      { ACCOUNTS_FILE: broken },
      tmpdir(),
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /accounts\[0\]\.domainId: an account entered through an agency needs its domainId/,
    );
  });
});
