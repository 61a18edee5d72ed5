import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import type { ConfigIssue } from '../../src/errors';
import type { Policy } from '../../src/policy/resolve';
import { cronProblem, timerNameProblem, timeZoneProblem } from './cron';
import { terraformRegionIssues } from './regions';
import { HCL_NOT_READ, readTerraformJson, terraformValues } from './terraform';
import { type TimerWindowInput, timerWindowCheck } from './window-check';

export const TERRAFORM_DIR = 'deploy/terraform';
export const SERVERLESS_FILE = 'serverless.yml';

export interface DeployCheck {
  /** The deploy files found and read, relative to the root, or as named. */
  checked: string[];
  issues: ConfigIssue[];
  /** Timers that act too rarely inside their window, and files not read. */
  warnings: string[];
  /** The well-formed timers of policies that exist, each in the zone it fires in. */
  timers: TimerWindowInput[];
}

type Policies = ReadonlyMap<string, Policy>;

/**
 * Checks the deploy files under `root` against the policies: every timer
 * names a policy that exists, every schedule is a well-formed FunctionGraph
 * cron (six fields, seconds first) in a known time zone, and a windowed
 * policy's timer fires inside its window (see {@link timerWindowCheck}).
 * Files that are not there are not checked. No network.
 */
export function checkDeployFiles(root: string, policies: Policies, now = Date.now()): DeployCheck {
  const out: DeployCheck = { checked: [], issues: [], warnings: [], timers: [] };
  if (existsSync(join(root, TERRAFORM_DIR))) {
    add(out, checkTerraform(join(root, TERRAFORM_DIR), TERRAFORM_DIR, policies, now));
  }
  if (existsSync(join(root, SERVERLESS_FILE))) {
    add(out, checkServerless(join(root, SERVERLESS_FILE), SERVERLESS_FILE, policies, now));
  }
  return out;
}

/**
 * `validate --deploy PATH`: a Terraform folder (its `*.tf.json`), a
 * Serverless file, or a folder that holds `deploy/terraform` or
 * `serverless.yml` as this repository does.
 */
export function checkDeployPath(path: string, policies: Policies, now = Date.now()): DeployCheck {
  const shown = relative(process.cwd(), path) || '.';
  if (!existsSync(path)) {
    return {
      checked: [],
      issues: [{ path: shown, message: 'no such file or folder' }],
      warnings: [],
      timers: [],
    };
  }
  if (statSync(path).isFile()) return checkServerless(path, shown, policies, now);
  if (readdirSync(path).some((f) => f.endsWith('.tf.json'))) {
    return checkTerraform(path, shown, policies, now);
  }
  if (existsSync(join(path, SERVERLESS_FILE)) || existsSync(join(path, TERRAFORM_DIR))) {
    return checkDeployFiles(path, policies, now);
  }
  const message = `holds no deploy files: no *.tf.json, no ${SERVERLESS_FILE}, no ${TERRAFORM_DIR}/`;
  return { checked: [], issues: [{ path: shown, message }], warnings: [], timers: [] };
}

function add(into: DeployCheck, more: DeployCheck): void {
  into.checked.push(...more.checked);
  into.issues.push(...more.issues);
  into.warnings.push(...more.warnings);
  into.timers.push(...more.timers);
}

/** Holds each windowed policy's timer against its window; see {@link timerWindowCheck}. */
export function checkWindows(check: DeployCheck): DeployCheck {
  for (const t of check.timers) {
    const fit = timerWindowCheck(t);
    if (fit.issue) check.issues.push(fit.issue);
    if (fit.warning) check.warnings.push(fit.warning);
  }
  return check;
}

function checkTerraform(dir: string, shown: string, policies: Policies, now: number): DeployCheck {
  const out: DeployCheck = { checked: [shown], issues: [], warnings: [], timers: [] };
  let tf: ReturnType<typeof readTerraformJson>;
  try {
    tf = readTerraformJson(dir);
  } catch (e) {
    out.issues.push({ path: shown, message: (e as Error).message });
    return out;
  }
  const vars = terraformValues(dir, tf);
  out.checked.push(...vars.read.map((f) => `${shown}/${f}`));
  out.warnings.push(...vars.notRead.map((f) => `${shown}/${f}: ${HCL_NOT_READ}`));
  const zones = timerZones(shown, vars.values);
  out.issues.push(...zones.issues, ...terraformRegionIssues(shown, vars.values));
  const timeoutS = typeof vars.values.timeout === 'number' ? vars.values.timeout : 900;
  const schedules = (vars.values.schedules ?? {}) as Record<string, unknown>;
  for (const [policy, cron] of Object.entries(schedules)) {
    const at = `${shown} variable.schedules["${policy}"]`;
    const timer = timerIssues(at, policy, cron, policies);
    out.issues.push(...timer);
    const p = policies.get(policy);
    if (timer.length > 0 || !p || typeof cron !== 'string') continue;
    for (const { zone, where } of zones.zones) {
      out.timers.push({ at: `${at} in ${where}`, policy: p, cron, zone, timeoutS, now });
    }
  }
  return out;
}

/** The zones the Terraform's timers run in: each region's own, else `time_zone`. */
function timerZones(shown: string, values: Record<string, unknown>) {
  const issues: ConfigIssue[] = [];
  const zones: { zone: string; where: string }[] = [];
  const home = typeof values.time_zone === 'string' ? values.time_zone : 'Asia/Shanghai';
  const bad = timeZoneProblem(home);
  if (bad) issues.push({ path: `${shown} variable.time_zone`, message: bad });
  const regions = (values.regions ?? {}) as Record<string, { time_zone?: unknown }>;
  const seen = new Set<string>();
  for (const [region, body] of Object.entries(regions)) {
    const own = typeof body?.time_zone === 'string' ? body.time_zone : undefined;
    const zone = own ?? home;
    const problem = own ? timeZoneProblem(own) : undefined;
    if (problem)
      issues.push({ path: `${shown} variable.regions["${region}"].time_zone`, message: problem });
    else if (!seen.has(zone) && !(zone === home && bad)) {
      seen.add(zone);
      zones.push({ zone, where: own ? `${zone} (region ${region})` : `${zone} (time_zone)` });
    }
  }
  if (Object.keys(regions).length === 0 && !bad)
    zones.push({ zone: home, where: `${home} (time_zone)` });
  return { zones, issues };
}

function checkServerless(
  file: string,
  shown: string,
  policies: Policies,
  now: number,
): DeployCheck {
  const out: DeployCheck = { checked: [shown], issues: [], warnings: [], timers: [] };
  let doc: { functions?: Record<string, { events?: unknown[]; timeout?: unknown }> };
  try {
    doc = parse(readFileSync(file, 'utf8')) ?? {};
  } catch (e) {
    const message = (e as Error).message.split('\n')[0] ?? 'not YAML';
    out.issues.push({ path: shown, message });
    return out;
  }
  for (const [fn, body] of Object.entries(doc.functions ?? {})) {
    const timeoutS = typeof body.timeout === 'number' ? body.timeout : 900;
    for (const [i, ev] of (body.events ?? []).entries()) {
      const e = ev as { triggerTypeCode?: string; eventData?: Record<string, unknown> };
      if (e.triggerTypeCode !== 'TIMER') continue;
      const at = `${shown} functions.${fn}.events[${i}]`;
      const data = e.eventData ?? {};
      if (typeof data.name === 'string') {
        const p = timerNameProblem(data.name);
        if (p) out.issues.push({ path: `${at}.eventData.name`, message: p });
      }
      const timer = timerIssues(at, data.userEvent, data.schedule, policies);
      out.issues.push(...timer);
      const policy = typeof data.userEvent === 'string' ? policies.get(data.userEvent) : undefined;
      if (timer.length > 0 || !policy?.window || typeof data.schedule !== 'string') continue;
      const m = /^(?:CRON_TZ=(\S+)\s+)?(.+)$/.exec(data.schedule.trim());
      const [, zone, cron = ''] = m ?? [];
      if (!zone) {
        out.warnings.push(
          `${at}: no CRON_TZ, so FunctionGraph runs it in the region's time zone, which validate does not know; not held against ${policy.name}'s window (add CRON_TZ=<zone>)`,
        );
        continue;
      }
      out.timers.push({ at: `${at} in ${zone}`, policy, cron, zone, timeoutS, now });
    }
  }
  return out;
}

function timerIssues(
  at: string,
  policy: unknown,
  cron: unknown,
  policies: Policies,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (typeof policy !== 'string' || !policies.has(policy)) {
    issues.push({
      path: at,
      message: `names policy ${JSON.stringify(policy)}, which the policy file does not have (it has: ${[...policies.keys()].join(', ')})`,
    });
  }
  const problem = typeof cron === 'string' ? cronProblem(cron) : 'the schedule is missing';
  if (problem) issues.push({ path: at, message: `schedule: ${problem}` });
  return issues;
}
