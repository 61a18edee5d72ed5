// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are Terraform templates, compared as written
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cronProblem, timerNameProblem, timeZoneProblem } from '../../cli/deploy/cron';
import { PACKAGE } from '../../scripts/pack';
import { loadPolicyFile } from '../../src/policy/load';
import { readTerraformJson, type TfBody } from '../support/terraform';

const DIR = 'deploy/terraform';
const tf = readTerraformJson(DIR);
const fn = tf.resource.huaweicloud_fgs_function?.maintenance ?? {};
const timer = tf.resource.huaweicloud_fgs_function_trigger?.timer ?? {};
const schedules = tf.variable.schedules?.default as Record<string, string>;
const timeZone = tf.variable.time_zone?.default as string;

/** The repository path that a `${path.module}/...` inside `template` names. */
function fromModule(template: string): string {
  const m = /\$\{path\.module\}\/([^"\\]+)/.exec(template);
  if (!m?.[1]) throw new Error(`no \${path.module} path in ${template}`);
  return normalize(join(DIR, m[1]));
}

/** Every string in a block body, nested blocks included. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

describe('deploy/terraform', () => {
  it("is written in Terraform's JSON syntax for Huawei's own provider", () => {
    expect(tf.files).toContain('versions.tf.json');
    const providers = tf.terraform.map((t) => t.required_providers as TfBody | undefined);
    expect(providers).toContainEqual({
      huaweicloud: expect.objectContaining({ source: 'huaweicloud/huaweicloud' }),
    });
    expect(Object.keys(tf.resource).sort()).toEqual([
      'huaweicloud_fgs_async_invoke_configuration',
      'huaweicloud_fgs_function',
      'huaweicloud_fgs_function_trigger',
      'huaweicloud_identity_policy',
      'huaweicloud_identity_service_agency',
    ]);
  });

  it('deploys index.handler on Node.js 20.15, var.timeout (900 s), at most one instance, with the agency', () => {
    expect(fn).toMatchObject({
      for_each: '${local.regions}',
      region: '${each.key}',
      functiongraph_version: 'v2',
      runtime: 'Node.js20.15',
      handler: 'index.handler',
      timeout: '${var.timeout}',
      max_instance_num: '1',
      code_type: 'zip',
      memory_size: '${var.memory_size}',
    });
    const timeout = tf.variable.timeout as {
      default: number;
      validation: Array<{ condition: string }>;
    };
    expect(timeout.default).toBe(900);
    expect(timeout.validation[0]?.condition).toMatch(/>= 3 .*<= 259200/);
  });

  it('turns asynchronous retries off for the timers, and tells SMN when the platform gives up', () => {
    const cfg = tf.resource.huaweicloud_fgs_async_invoke_configuration?.maintenance as TfBody;
    expect(cfg).toMatchObject({
      for_each: '${local.regions}',
      function_urn: '${huaweicloud_fgs_function.maintenance[each.key].urn}',
      max_async_retry_attempts: 0,
      max_async_event_age_in_seconds: '${var.async_event_max_age_seconds}',
    });
    expect(JSON.stringify(cfg.dynamic)).toMatch(/"destination":"SMN"/);
    expect(JSON.stringify(cfg.dynamic)).toMatch(/var\.smn_topic_urn == null \? \[\]/);
    expect(fn.agency).toMatch(/huaweicloud_identity_service_agency\.maintenance\[0\]\.name/);
    expect(fn.agency).toMatch(/var\.agency_name/);
  });

  it('sets no relative POLICY_FILE (policies.yaml is in the code root), and ACCOUNTS_FILE only for a packaged accounts.yaml', () => {
    expect(fn.user_data).toBe(
      '${jsonencode(merge({ DMS_REGION = each.key }, var.smn_topic_urn == null ? {} : { SMN_TOPIC_URN = var.smn_topic_urn }, contains(try(jsondecode(file(local.package_manifest)).files, []), "accounts.yaml") ? { ACCOUNTS_FILE = "accounts.yaml" } : {}))}',
    );
    expect(fn.encrypted_user_data).toBeUndefined();
  });

  it('uploads the zip that npm run package writes, checked against its manifest', () => {
    expect(fn.func_code).toBe('${filebase64(local.package_zip)}');
    expect(fn.code_filename).toBe(basename(PACKAGE.zip));
    expect(fromModule(tf.locals.package_zip ?? '')).toBe(PACKAGE.zip);
    expect(tf.locals.package_manifest).toBe('${trimsuffix(local.package_zip, ".zip")}.json');
    expect(PACKAGE.manifest).toBe(PACKAGE.zip.replace(/\.zip$/, '.json'));
    const checks = strings((fn.lifecycle as TfBody).precondition).join('\n');
    expect(checks).toMatch(/zipSha256[^\n]*filesha256\(local\.package_zip\)/);
    expect(checks).toMatch(/policiesSha256[^\n]*filesha256\(local\.policy_file\)/);
  });

  it('has one TIMER per scheduled policy and region, its user_event the policy name', () => {
    expect(timer).toMatchObject({
      for_each: '${local.timers}',
      region: '${each.value.region}',
      type: 'TIMER',
      status: 'ACTIVE',
      function_urn: '${huaweicloud_fgs_function.maintenance[each.value.region].urn}',
      event_data:
        '${jsonencode({ name = each.value.policy, schedule_type = "Cron", schedule = each.value.schedule, user_event = each.value.policy })}',
    });
    expect(tf.locals.timers).toContain(
      'schedule = "CRON_TZ=${coalesce(cfg.time_zone, var.time_zone)} ${cron}"',
    );
    expect(strings((timer.lifecycle as TfBody).precondition).join('\n')).toContain(
      'contains(local.policy_names, each.value.policy)',
    );
  });

  it('schedules every policy of the packed policy file, and only those', async () => {
    const file = fromModule(tf.locals.policy_file ?? '');
    expect(file).toBe('policies.yaml');
    const policies = await loadPolicyFile(file);
    expect(Object.keys(schedules).sort()).toEqual([...policies.keys()].sort());
  });

  it('uses well-formed, seconds-first crons, valid timer names and a known time zone', () => {
    expect(timeZoneProblem(timeZone)).toBeUndefined();
    for (const [policy, cron] of Object.entries(schedules)) {
      expect(timerNameProblem(policy)).toBeUndefined();
      expect(cronProblem(`CRON_TZ=${timeZone} ${cron}`), policy).toBeUndefined();
    }
  });

  it('gives the agency the identity policy from iam/ and nothing else', () => {
    const policy = tf.resource.huaweicloud_identity_policy?.maintenance ?? {};
    const agency = tf.resource.huaweicloud_identity_service_agency?.maintenance ?? {};
    const document = fromModule(String(policy.policy_document));
    expect(document).toBe('iam/dms-kafka-maintenance-policy.json');
    expect(JSON.parse(readFileSync(document, 'utf8'))).toMatchObject({ Version: '5.0' });
    expect(agency.policy_names).toBe(
      '${concat([huaweicloud_identity_policy.maintenance[0].name], huaweicloud_identity_policy.assume_member_agencies[*].name)}',
    );
    expect(agency.delegated_service_name).toBe('${var.agency_service}');
    expect(tf.variable.agency_service?.default).toMatch(/^service\./);
  });

  it('refers only to variables and locals it declares', () => {
    const text = strings(tf).join('\n');
    for (const [, kind, name] of text.matchAll(/\b(var|local)\.(\w+)/g)) {
      const declared = kind === 'var' ? tf.variable : tf.locals;
      expect(declared, `${kind}.${name}`).toHaveProperty(name as string);
    }
    for (const f of tf.files) expect(existsSync(join(DIR, f))).toBe(true);
  });
});
