// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are Terraform templates, compared as written
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimPolicy } from '../../simulator';
import { runHandler } from '../support/harness';
import { AGENCY, accountsYaml, MEMBERS, orgEnv, startOrganization } from '../support/organization';
import {
  readTerraformJson,
  type TfBody,
  type TfConfig,
  withStubResources,
} from '../support/terraform';

/**
 * deploy/terraform/member-account (applied in each member account) and the
 * central deploy's side of it (member_agencies). The first suite reads the
 * files as written; the second has `terraform plan` evaluate them, with
 * stand-ins for the provider's resources (see withStubResources), and is
 * skipped without the terraform binary.
 */
const MEMBER = 'deploy/terraform/member-account';
const CENTRAL = 'deploy/terraform';
const POLICY_FILE = 'iam/dms-kafka-maintenance-policy.json';
const DOMAIN_ID = '0123456789abcdef0123456789abcdef';

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string[];
  Resource?: string[];
  Condition?: unknown;
}

const dmsPolicy = JSON.parse(readFileSync(POLICY_FILE, 'utf8')) as {
  Version: string;
  Statement: Statement[];
};
/** What a member account needs of iam/: every statement but those that only publish to SMN. */
const memberStatements = dmsPolicy.Statement.filter(
  (s) => !s.Action.every((a) => a.startsWith('smn:')),
);

const member = readTerraformJson(MEMBER);
const central = readTerraformJson(CENTRAL);
const policy = member.resource.huaweicloud_identity_policy?.maintenance ?? {};
const agency = member.resource.huaweicloud_identity_agency?.maintenance ?? {};
const attach = member.resource.huaweicloud_identity_policy_agency_attach?.maintenance ?? {};
const assume = central.resource.huaweicloud_identity_policy?.assume_member_agencies ?? {};
const serviceAgency = central.resource.huaweicloud_identity_service_agency?.maintenance ?? {};

/** Every `var.NAME` and `local.NAME` written anywhere in `cfg`, comments included. */
function references(cfg: TfConfig): Array<['var' | 'local', string]> {
  const { files: _files, ...body } = cfg;
  return [...JSON.stringify(body).matchAll(/\b(var|local)\.(\w+)/g)].map(([, kind, name]) => [
    kind === 'var' ? 'var' : 'local',
    String(name),
  ]);
}

describe('deploy/terraform/member-account, as written', () => {
  it("creates the policy, the agency and the attachment, and nothing else, with Huawei's provider", () => {
    expect(Object.keys(member.resource).sort()).toEqual([
      'huaweicloud_identity_agency',
      'huaweicloud_identity_policy',
      'huaweicloud_identity_policy_agency_attach',
    ]);
    for (const byName of Object.values(member.resource)) {
      expect(Object.keys(byName)).toEqual(['maintenance']);
    }
    const providers = member.terraform.map((t) => t.required_providers);
    expect(providers).toContainEqual({
      huaweicloud: { source: 'huaweicloud/huaweicloud', version: '>= 1.86.0, < 2.0.0' },
    });
  });

  it('reads its policy from iam/ and leaves out only the statement that publishes to SMN', () => {
    expect(policy.policy_document).toBe('${jsonencode(local.member_policy)}');
    const path = /file\("\$\{path\.module\}\/([^"]+)"\)/.exec(member.locals.dms_policy ?? '')?.[1];
    expect(path && normalize(join(MEMBER, path))).toBe(POLICY_FILE);
    expect(member.locals.member_policy).toContain(
      '[for s in local.dms_policy.Statement : s if !alltrue([for a in s.Action : startswith(a, "smn:")])]',
    );
    const dropped = dmsPolicy.Statement.filter((s) => !memberStatements.includes(s));
    expect(dropped.flatMap((s) => s.Action)).toEqual(['smn:topic:publish']);
    expect(memberStatements.map((s) => s.Sid)).toContain('NeverRestartOrDeleteProtectedInstances');
  });

  it('trusts the central account named by a required variable, and hard-codes no account', () => {
    expect(agency).toMatchObject({
      name: '${var.agency_name}',
      delegated_domain_name: '${var.central_domain_name}',
      duration: '${var.agency_duration}',
    });
    expect(member.variable.central_domain_name).not.toHaveProperty('default');
    expect(member.variable.account_name).not.toHaveProperty('default');
    expect(member.variable.agency_name?.default).toBe('dms-kafka-maintenance');
    expect(member.variable.agency_duration?.default).toBe('FOREVER');
    for (const roles of [
      'project_role',
      'domain_roles',
      'all_resources_roles',
      'enterprise_project_roles',
    ]) {
      expect(agency, roles).not.toHaveProperty(roles);
    }
    expect(attach).toMatchObject({
      policy_id: '${huaweicloud_identity_policy.maintenance.id}',
      agency_id: '${huaweicloud_identity_agency.maintenance.id}',
    });
    for (const file of member.files) {
      expect(readFileSync(join(MEMBER, file), 'utf8'), file).not.toMatch(/[0-9a-f]{32}/i);
    }
  });

  it('outputs the agency, the domain id and the entry for the accounts: list', () => {
    expect(Object.keys(member.output).sort()).toEqual([
      'accounts_entry',
      'agency_name',
      'domain_id',
    ]);
    expect(member.output.accounts_entry?.value).toBe('${local.accounts_entry}');
    expect(member.locals.accounts_entry).toBe(
      '${{ name = var.account_name, domainId = local.domain_id, agency = huaweicloud_identity_agency.maintenance.name, regions = local.regions }}',
    );
    expect(member.locals.domain_id).toBe(
      '${split(":", huaweicloud_identity_policy.maintenance.urn)[2]}',
    );
  });

  it('refers only to variables and locals it declares', () => {
    const refs = references(member);
    expect(refs.map(([, n]) => n)).toEqual(
      expect.arrayContaining(['central_domain_name', 'account_name', 'regions', 'member_policy']),
    );
    for (const [kind, name] of refs) {
      expect(kind === 'var' ? member.variable : member.locals, `${kind}.${name}`).toHaveProperty(
        name,
      );
    }
  });
});

describe('deploy/terraform: member_agencies, as written', () => {
  it('declares member_agencies as a list of { domain_id, agency_name }, empty by default', () => {
    expect(central.variable.member_agencies).toMatchObject({
      type: 'list(object({ domain_id = string, agency_name = string }))',
      default: [],
    });
  });

  it('creates the assume policy only when member_agencies is not empty, and attaches it', () => {
    expect(assume.count).toBe('${var.create_agency && length(var.member_agencies) > 0 ? 1 : 0}');
    expect(serviceAgency.policy_names).toBe(
      '${concat([huaweicloud_identity_policy.maintenance[0].name], huaweicloud_identity_policy.assume_member_agencies[*].name)}',
    );
  });

  it('grants sts:agencies:assume, the action of the call the function makes, on the listed agencies alone', () => {
    const document = String(assume.policy_document);
    expect([...document.matchAll(/Action = (\[[^\]]*\])/g)].map(([, a]) => a)).toEqual([
      // AssumeAgency's documented action (api-iam5/AssumeAgency.html), the call src/iam/sts.ts makes.
      '["sts:agencies:assume"]',
    ]);
    expect(document).toContain('Effect = "Allow"');
    expect(document).toContain(
      'Resource = [for m in var.member_agencies : "iam::${m.domain_id}:agency:${m.agency_name}"]',
    );
    expect(document).not.toContain('NotAction');
  });

  it('refers only to variables and locals it declares', () => {
    const refs = references(central);
    expect(refs).toContainEqual(['var', 'member_agencies']);
    for (const [kind, name] of refs) {
      expect(kind === 'var' ? central.variable : central.locals, `${kind}.${name}`).toHaveProperty(
        name,
      );
    }
  });
});

const HAVE_TERRAFORM = spawnSync('terraform', ['version'], { stdio: 'ignore' }).status === 0;
const ENV = { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0' };

interface Planned {
  resources: Array<{ name: string; index?: number | string; values: { input: TfBody } }>;
  outputs: Record<string, unknown>;
}

/** A scratch directory holding `stub` as its configuration, initialised. */
function scratch(root: string, dir: string, stub: object): string {
  const at = join(root, dir);
  mkdirSync(at, { recursive: true });
  writeFileSync(join(at, 'main.tf.json'), JSON.stringify(stub, null, 2));
  const init = spawnSync('terraform', ['init', '-no-color', '-backend=false'], {
    cwd: at,
    env: ENV,
    encoding: 'utf8',
  });
  if (init.status !== 0) throw new Error(`${init.stdout}${init.stderr}`);
  return at;
}

/** `terraform plan` in `dir` with `vars`: what it would create, or its error output. */
function plan(dir: string, vars: string[]): Planned | string {
  const run = (args: string[]) =>
    spawnSync('terraform', args, { cwd: dir, env: ENV, encoding: 'utf8' });
  const p = run(['plan', '-no-color', '-out=plan.bin', ...vars.flatMap((v) => ['-var', v])]);
  if (p.status !== 0) return `${p.stdout}${p.stderr}`;
  const json = JSON.parse(run(['show', '-json', 'plan.bin']).stdout) as {
    planned_values: {
      root_module: { resources?: Planned['resources'] };
      outputs?: Record<string, { value: unknown }>;
    };
  };
  const outputs = Object.fromEntries(
    Object.entries(json.planned_values.outputs ?? {}).map(([k, o]) => [k, o.value]),
  );
  return { resources: json.planned_values.root_module.resources ?? [], outputs };
}

function planned(dir: string, vars: string[]): Planned {
  const p = plan(dir, vars);
  if (typeof p === 'string') throw new Error(p);
  return p;
}

describe.skipIf(!HAVE_TERRAFORM)('terraform plan of member-account and member_agencies', () => {
  let root = '';
  let memberDir = '';
  let centralDir = '';
  const required = ['central_domain_name=central-account', 'account_name=team-a'];

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'tf-member-'));
    cpSync('iam', join(root, 'iam'), { recursive: true });
    const memberStub = {
      ...withStubResources(member, {
        huaweicloud_identity_policy: {
          id: 'policy-id',
          urn: `iam::${DOMAIN_ID}:policy:\${var.identity_policy_name}`,
        },
        huaweicloud_identity_agency: { id: 'agency-id' },
      }),
      output: {
        accounts_entry: { value: '${local.accounts_entry}' },
        domain_id: { value: '${local.domain_id}' },
      },
    };
    memberDir = scratch(root, MEMBER, memberStub);
    const pick = (names: string[]) =>
      Object.fromEntries(
        names.map((n) => {
          const v = central.variable[n];
          if (!v) throw new Error(`deploy/terraform declares no variable ${n}`);
          return [n, v] as const;
        }),
      );
    const assumeOnly: TfConfig = {
      ...central,
      locals: {},
      output: {},
      variable: pick(['create_agency', 'identity_policy_name', 'member_agencies']),
      resource: { huaweicloud_identity_policy: { assume_member_agencies: assume } },
    };
    centralDir = scratch(root, CENTRAL, withStubResources(assumeOnly));
  }, 60_000);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('gives the member agency exactly the statements of iam/ but SMN, tag guard included', () => {
    const p = planned(memberDir, required);
    const [doc] = p.resources.filter((r) => r.name === 'huaweicloud_identity_policy__maintenance');
    const document = JSON.parse(String(doc?.values.input.policy_document)) as typeof dmsPolicy;
    expect(document.Version).toBe(dmsPolicy.Version);
    expect(document.Statement).toEqual(memberStatements);
    const actions = (s: Statement[]) => [...new Set(s.flatMap((x) => x.Action))].sort();
    expect(actions(document.Statement)).toEqual(
      actions(dmsPolicy.Statement).filter((a) => !a.startsWith('smn:')),
    );
    const [ag] = p.resources.filter((r) => r.name === 'huaweicloud_identity_agency__maintenance');
    expect(ag?.values.input).toMatchObject({
      name: 'dms-kafka-maintenance',
      delegated_domain_name: 'central-account',
      duration: 'FOREVER',
    });
  }, 60_000);

  it('refuses to plan without the central account or the entry name', () => {
    const unset = (name: string) => new RegExp(`input variable "${name}" is not set`);
    expect(plan(memberDir, ['account_name=team-a'])).toMatch(unset('central_domain_name'));
    expect(plan(memberDir, ['central_domain_name=central-account'])).toMatch(unset('account_name'));
  }, 60_000);

  it('prints the entry for the accounts: list, its regions defaulting to the provider region', () => {
    const two = planned(memberDir, [...required, 'regions=["cn-north-4","ap-southeast-1"]']);
    expect(two.outputs.accounts_entry).toEqual({
      name: 'team-a',
      domainId: DOMAIN_ID,
      agency: 'dms-kafka-maintenance',
      regions: ['cn-north-4', 'ap-southeast-1'],
    });
    expect(two.outputs.domain_id).toBe(DOMAIN_ID);
    const one = planned(memberDir, [...required, 'region=ap-southeast-3']);
    expect(one.outputs.accounts_entry).toMatchObject({ regions: ['ap-southeast-3'] });
  }, 60_000);

  it('creates no assume policy while member_agencies is empty', () => {
    expect(planned(centralDir, []).resources).toEqual([]);
    const withoutAgency = planned(centralDir, [
      `member_agencies=[{domain_id="${DOMAIN_ID}", agency_name="dms-kafka-maintenance"}]`,
      'create_agency=false',
    ]);
    expect(withoutAgency.resources).toEqual([]);
  }, 60_000);

  it('grants sts:agencies:assume on the listed member agencies, and on nothing else', () => {
    const other = 'fedcba9876543210fedcba9876543210';
    const p = planned(centralDir, [
      `member_agencies=[{domain_id="${DOMAIN_ID}", agency_name="dms-kafka-maintenance"}, {domain_id="${other}", agency_name="kafka-ops"}]`,
    ]);
    expect(p.resources).toHaveLength(1);
    const input = p.resources[0]?.values.input ?? {};
    expect(input.name).toBe('dms-kafka-maintenance-policy-assume');
    expect(JSON.parse(String(input.policy_document))).toEqual({
      Version: '5.0',
      Statement: [
        {
          Sid: 'AssumeMemberAgencies',
          Effect: 'Allow',
          Action: ['sts:agencies:assume'],
          Resource: [
            `iam::${DOMAIN_ID}:agency:dms-kafka-maintenance`,
            `iam::${other}:agency:kafka-ops`,
          ],
        },
      ],
    });
  }, 60_000);

  it('lets the function enter the member account with the call it makes, and no grant short of it does', async () => {
    const grant = (domainId: string) => {
      const p = planned(centralDir, [
        `member_agencies=[{domain_id="${domainId}", agency_name="${AGENCY}"}]`,
      ]);
      return JSON.parse(String(p.resources[0]?.values.input.policy_document)) as SimPolicy;
    };
    const enter = async (policies: SimPolicy[]) => {
      const sim = await startOrganization({ callerPolicies: policies });
      try {
        const text = `version: 1\naccounts:\n${accountsYaml(sim, ['search'])}\npolicies:\n  look:\n    action: restart\n    select: { tags: { env: staging } }\n`;
        const r = await runHandler(sim, {
          policy: text,
          event: { policy: 'look' },
          env: orgEnv(sim),
        });
        return { error: r.error?.message, calls: sim.requests.map((q) => q.route) };
      } finally {
        await sim.stop();
      }
    };
    // The grant the deploy ships, for search's agency: the run enters search through STS.
    const shipped = await enter([grant(MEMBERS.search.domainId)]);
    expect(shipped.error).toBeUndefined();
    expect(shipped.calls).toContain('assumeAgency');
    expect(shipped.calls).toContain('listInstances');
    // The same grant for another account's agency, or IAM v3's action in its place: refused, no DMS call.
    const other = await enter([grant(DOMAIN_ID)]);
    expect(other.error).toMatch(
      /search: agency dms-kafka-maintenance: STS AssumeAgency failed: HTTP 403, PAP5\.0001/,
    );
    expect(other.calls).not.toContain('listInstances');
    const older = grant(MEMBERS.search.domainId);
    for (const s of older.Statement) s.Action = ['iam:tokens:assume'];
    expect((await enter([older])).error).toMatch(/STS AssumeAgency failed: HTTP 403/);
  }, 60_000);

  it('refuses a member agency without a domain id', () => {
    expect(
      plan(centralDir, ['member_agencies=[{domain_id="", agency_name="dms-kafka-maintenance"}]']),
    ).toMatch(/domain id/);
  }, 60_000);
});
