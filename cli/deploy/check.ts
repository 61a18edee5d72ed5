import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ConfigIssue } from '../../src/errors';
import { cronProblem, timerNameProblem, timeZoneProblem } from './cron';
import { readTerraformJson } from './terraform';

export const TERRAFORM_DIR = 'deploy/terraform';
export const SERVERLESS_FILE = 'serverless.yml';

export interface DeployCheck {
  /** The deploy files found and read, relative to the root. */
  checked: string[];
  issues: ConfigIssue[];
}

/**
 * Checks the deploy files under `root` against the policy names: every timer
 * names a policy that exists, and every schedule is a well-formed
 * FunctionGraph cron (six fields, seconds first) in a known time zone.
 * Files that are not there are not checked. No network.
 */
export function checkDeployFiles(root: string, policies: ReadonlySet<string>): DeployCheck {
  const out: DeployCheck = { checked: [], issues: [] };
  if (existsSync(join(root, TERRAFORM_DIR))) {
    out.checked.push(TERRAFORM_DIR);
    out.issues.push(...checkTerraform(join(root, TERRAFORM_DIR), policies));
  }
  if (existsSync(join(root, SERVERLESS_FILE))) {
    out.checked.push(SERVERLESS_FILE);
    out.issues.push(...checkServerless(join(root, SERVERLESS_FILE), policies));
  }
  return out;
}

function checkTerraform(dir: string, policies: ReadonlySet<string>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  let tf: ReturnType<typeof readTerraformJson>;
  try {
    tf = readTerraformJson(dir);
  } catch (e) {
    return [{ path: TERRAFORM_DIR, message: (e as Error).message }];
  }
  const schedules = (tf.variable.schedules?.default ?? {}) as Record<string, unknown>;
  const zone = tf.variable.time_zone?.default;
  if (typeof zone === 'string') {
    const p = timeZoneProblem(zone);
    if (p) issues.push({ path: `${TERRAFORM_DIR} variable.time_zone`, message: p });
  }
  for (const [policy, cron] of Object.entries(schedules)) {
    const at = `${TERRAFORM_DIR} variable.schedules["${policy}"]`;
    issues.push(...timerIssues(at, policy, cron, policies));
  }
  return issues;
}

function checkServerless(file: string, policies: ReadonlySet<string>): ConfigIssue[] {
  let doc: { functions?: Record<string, { events?: unknown[] }> };
  try {
    doc = parse(readFileSync(file, 'utf8')) ?? {};
  } catch (e) {
    return [{ path: SERVERLESS_FILE, message: (e as Error).message.split('\n')[0] ?? 'not YAML' }];
  }
  const issues: ConfigIssue[] = [];
  for (const [fn, body] of Object.entries(doc.functions ?? {})) {
    for (const [i, ev] of (body.events ?? []).entries()) {
      const e = ev as { triggerTypeCode?: string; eventData?: Record<string, unknown> };
      if (e.triggerTypeCode !== 'TIMER') continue;
      const at = `${SERVERLESS_FILE} functions.${fn}.events[${i}]`;
      const data = e.eventData ?? {};
      const name = data.name;
      if (typeof name === 'string') {
        const p = timerNameProblem(name);
        if (p) issues.push({ path: `${at}.eventData.name`, message: p });
      }
      issues.push(...timerIssues(at, data.userEvent, data.schedule, policies));
    }
  }
  return issues;
}

function timerIssues(
  at: string,
  policy: unknown,
  cron: unknown,
  policies: ReadonlySet<string>,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (typeof policy !== 'string' || !policies.has(policy)) {
    issues.push({
      path: at,
      message: `names policy ${JSON.stringify(policy)}, which the policy file does not have (it has: ${[...policies].join(', ')})`,
    });
  }
  const problem = typeof cron === 'string' ? cronProblem(cron) : 'the schedule is missing';
  if (problem) issues.push({ path: at, message: `schedule: ${problem}` });
  return issues;
}
