// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Terraform templates
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cronProblem } from '../../cli/deploy/cron';
import { PACKAGE, writePackage } from '../../scripts/pack';
import { loadPolicyFile } from '../../src/policy/load';
import { readTerraformJson, withStubResources } from '../support/terraform';

/**
 * Runs `terraform plan` on deploy/terraform with stand-ins for the provider's
 * resources (see withStubResources), in a scratch copy of the repository
 * with a freshly packaged zip. Needs the terraform binary; without it the
 * suite is skipped, and test/unit/terraform.test.ts still checks the files.
 */
const HAVE_TERRAFORM = spawnSync('terraform', ['version'], { stdio: 'ignore' }).status === 0;
const ENV = { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0' };

interface PlannedResource {
  name: string;
  index?: string | number;
  values: { input: Record<string, unknown> };
}

let root = '';
let dir = '';

function terraform(
  command: string,
  args: string[],
): { status: number | null; out: string; stdout: string } {
  const r = spawnSync('terraform', [command, '-no-color', ...args], {
    cwd: dir,
    env: ENV,
    encoding: 'utf8',
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}`, stdout: r.stdout };
}

/** The planned stand-ins, by resource name, or the plan's error output. */
function plan(vars: string[] = []): Map<string, PlannedResource[]> | string {
  const p = terraform('plan', ['-out=plan.bin', ...vars.flatMap((v) => ['-var', v])]);
  if (p.status !== 0) return p.out;
  const shown = terraform('show', ['-json', 'plan.bin']);
  const json = JSON.parse(shown.stdout) as {
    planned_values: { root_module: { resources: PlannedResource[] } };
  };
  const byName = new Map<string, PlannedResource[]>();
  for (const r of json.planned_values.root_module.resources) {
    byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  }
  return byName;
}

function planned(vars: string[] = []): Map<string, PlannedResource[]> {
  const p = plan(vars);
  if (typeof p === 'string') throw new Error(p);
  return p;
}

describe.skipIf(!HAVE_TERRAFORM)('terraform plan of deploy/terraform', () => {
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'tf-'));
    dir = join(root, 'deploy/terraform');
    mkdirSync(dir, { recursive: true });
    cpSync('iam', join(root, 'iam'), { recursive: true });
    cpSync('policies.yaml', join(root, 'policies.yaml'));
    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, PACKAGE.bundle), 'exports.handler = async () => ({});\n');
    writeFileSync(join(root, PACKAGE.sdk), 'exports.ClientBuilder = class {};\n');
    await writePackage({ policyFile: join(root, 'policies.yaml'), root });
    const stub = withStubResources(readTerraformJson('deploy/terraform'), {
      huaweicloud_fgs_function: {
        urn: 'urn:fss:${each.key}:p:function:default:${var.function_name}',
      },
    });
    writeFileSync(join(dir, 'main.tf.json'), JSON.stringify(stub, null, 2));
    const init = terraform('init', ['-backend=false']);
    if (init.status !== 0) throw new Error(init.out);
  }, 60_000);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('plans the function with the required settings and the packaged zip', () => {
    const [fn, ...more] = planned().get('huaweicloud_fgs_function__maintenance') ?? [];
    expect(more).toHaveLength(0);
    expect(fn?.index).toBe('cn-north-4');
    const input = fn?.values.input ?? {};
    expect(input).toMatchObject({
      region: 'cn-north-4',
      name: 'dms-kafka-maintenance',
      functiongraph_version: 'v2',
      runtime: 'Node.js20.15',
      handler: 'index.handler',
      timeout: 900,
      max_instance_num: '1',
      memory_size: 256,
      code_type: 'zip',
      code_filename: 'function.zip',
      agency: 'dms-kafka-maintenance',
    });
    expect(JSON.parse(String(input.user_data))).toEqual({ DMS_REGION: 'cn-north-4' });
    const zip = readFileSync(join(root, PACKAGE.zip));
    expect(Buffer.from(String(input.func_code), 'base64').equals(zip)).toBe(true);
  }, 60_000);

  it('plans one TIMER per scheduled policy, naming policies that exist, with CRON_TZ', async () => {
    const policies = await loadPolicyFile('policies.yaml');
    const timers = planned().get('huaweicloud_fgs_function_trigger__timer') ?? [];
    expect(timers.map((t) => t.index).sort()).toEqual(
      [...policies.keys()].map((p) => `cn-north-4/${p}`).sort(),
    );
    for (const t of timers) {
      const { input } = t.values;
      expect(input).toMatchObject({ type: 'TIMER', status: 'ACTIVE', region: 'cn-north-4' });
      expect(input.function_urn).toBe(
        'urn:fss:cn-north-4:p:function:default:dms-kafka-maintenance',
      );
      const event = JSON.parse(String(input.event_data)) as Record<string, string>;
      expect(Object.keys(event).sort()).toEqual([
        'name',
        'schedule',
        'schedule_type',
        'user_event',
      ]);
      expect(event.schedule_type).toBe('Cron');
      expect(event.name).toBe(event.user_event);
      expect(policies.has(event.user_event ?? '')).toBe(true);
      expect(event.schedule).toMatch(/^CRON_TZ=Asia\/Shanghai /);
      expect(cronProblem(event.schedule ?? '')).toBeUndefined();
    }
  }, 60_000);

  it('plans the identity policy from iam/ and the agency that holds it', () => {
    const p = planned();
    const [policy] = p.get('huaweicloud_identity_policy__maintenance') ?? [];
    const [agency] = p.get('huaweicloud_identity_service_agency__maintenance') ?? [];
    const document = JSON.parse(String(policy?.values.input.policy_document));
    expect(document).toEqual(
      JSON.parse(readFileSync('iam/dms-kafka-maintenance-policy.json', 'utf8')),
    );
    expect(agency?.values.input).toMatchObject({
      name: 'dms-kafka-maintenance',
      delegated_service_name: 'service.FunctionGraph',
      policy_names: ['dms-kafka-maintenance-policy'],
    });
  }, 60_000);

  it('plans one function and its timers per region of var.regions', () => {
    const p = planned(['regions={"cn-north-4"={}, "ap-southeast-1"={time_zone="Asia/Singapore"}}']);
    const fns = p.get('huaweicloud_fgs_function__maintenance') ?? [];
    expect(fns.map((f) => f.index).sort()).toEqual(['ap-southeast-1', 'cn-north-4']);
    const timers = p.get('huaweicloud_fgs_function_trigger__timer') ?? [];
    expect(timers).toHaveLength(4);
    const sg = timers.filter((t) => t.values.input.region === 'ap-southeast-1');
    for (const t of sg)
      expect(String(t.values.input.event_data)).toContain('CRON_TZ=Asia/Singapore');
  }, 60_000);

  it('refuses a timer for a policy that the policy file does not have', () => {
    const out = plan([
      'schedules={"nightly-failed-cleanup"="0 30 1 * * ?", "ghost"="0 0 1 * * ?"}',
    ]);
    expect(out).toMatch(/names a policy that the policy file does not have/);
  }, 60_000);

  it('refuses a malformed or minutes-first cron before planning anything', () => {
    expect(plan(['schedules={"nightly-failed-cleanup"="30 1 * * *"}'])).toMatch(
      /six fields, seconds first/,
    );
  }, 60_000);

  it('refuses to deploy a zip packed from another policy file', () => {
    const other = join(root, 'other.yaml');
    writeFileSync(
      other,
      readFileSync('policies.yaml', 'utf8').replace('maxInstances: 10', 'maxInstances: 9'),
    );
    expect(plan([`policy_file=${other}`])).toMatch(/packed from another policy file/);
  }, 60_000);

  it('refuses a zip that its manifest does not describe', () => {
    const stray = join(root, 'stray.zip');
    writeFileSync(stray, 'not the packaged zip');
    expect(plan([`package_zip=${stray}`])).toMatch(/does not match dist\/function\.json/);
  }, 60_000);

  it('names the packaged accounts.yaml in ACCOUNTS_FILE, and only then', async () => {
    const policyFile = join(root, 'policies.yaml');
    writeFileSync(
      policyFile,
      readFileSync('policies.yaml', 'utf8')
        .replace(/^( {4}action: restart\n)/m, '$1    accounts: { tags: { env: staging } }\n')
        .replace(/^( {4}action: cleanup-failed\n)/m, '$1    accounts: {}\n'),
    );
    await writePackage({ policyFile, accountsFile: 'examples/accounts.c7n.yml', root });
    try {
      const [fn] = planned().get('huaweicloud_fgs_function__maintenance') ?? [];
      expect(JSON.parse(String(fn?.values.input?.user_data))).toEqual({
        DMS_REGION: 'cn-north-4',
        ACCOUNTS_FILE: 'accounts.yaml',
      });
    } finally {
      cpSync('policies.yaml', policyFile);
      await writePackage({ policyFile, root });
    }
  }, 60_000);
});
