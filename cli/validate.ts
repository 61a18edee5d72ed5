import { resolve } from 'node:path';
import { ConfigError, cut } from '../src/errors';
import { loadPolicyFile } from '../src/policy/load';
import { nearMisses } from '../src/policy/near-miss';
import type { Policy } from '../src/policy/resolve';
import { windowOccurrences } from '../src/policy/window';
import { checkDeployFiles, checkDeployPath, checkWindows, type DeployCheck } from './deploy/check';
import { duration, inBoth } from './deploy/fit';
import { plural } from './plural';
import { regionIssues } from './regions';
import type { Io } from './run';

export interface ValidateOptions {
  /** Deploy files to hold the policy file against: a Terraform folder or a serverless.yml. */
  deploy?: string | undefined;
  now?: number;
}

/**
 * `validate [FILE] [--deploy DIR]`: checks the policy file, then deploy files
 * against it (those `--deploy` names; without FILE, the working directory's;
 * with FILE alone, none), with no network call. Prints each windowed
 * policy's next openings. Exit 0 when all is valid (warnings included);
 * otherwise every problem with its path, and 1.
 */
export async function validateCommand(
  file: string | undefined,
  io: Io,
  o: ValidateOptions = {},
): Promise<number> {
  const path = resolve(file ?? io.env.POLICY_FILE ?? 'policies.yaml');
  const now = o.now ?? Date.now();
  const accountsFile = io.env.ACCOUNTS_FILE ? resolve(io.env.ACCOUNTS_FILE) : undefined;
  let policies: Map<string, Policy>;
  try {
    policies = await loadPolicyFile(path, accountsFile);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    io.stderr.write(`${e.message}\n`);
    return 1;
  }
  const unknown = regionIssues(policies.values(), io.env);
  if (unknown.length > 0) {
    io.stderr.write(`${new ConfigError(unknown, path).message}\n`);
    return 1;
  }
  const found: DeployCheck | undefined = o.deploy
    ? checkDeployPath(resolve(o.deploy), policies, now)
    : file === undefined
      ? checkDeployFiles(process.cwd(), policies, now)
      : undefined;
  const deploy = found && checkWindows(found);
  if (deploy && deploy.issues.length > 0) {
    // Not through ConfigError, which shortens each message: these are ours, several lines long.
    io.stderr.write('invalid configuration in the deploy files:\n');
    for (const i of deploy.issues) io.stderr.write(`  ${i.path}: ${i.message}\n`);
    for (const w of deploy.warnings) io.stderr.write(`warning: ${w}\n`);
    return 1;
  }
  const names = [...policies.values()].map(
    (p) => `${p.name} (${p.action}${p.dryRun ? ', dry run' : ''})`,
  );
  const against = !deploy
    ? '; no deploy files were checked (name them with --deploy DIR)'
    : deploy.checked.length > 0
      ? `; checked against ${deploy.checked.join(', ')}`
      : '';
  io.stdout.write(
    `${path}: valid, ${plural(policies.size, 'policy', 'policies')}: ${names.join(', ')}${against}\n`,
  );
  for (const w of deploy?.warnings ?? []) io.stderr.write(`warning: ${w}\n`);
  for (const w of policyWarnings(policies.values())) io.stderr.write(`warning: ${w}\n`);
  for (const line of accountLines(policies.values())) io.stdout.write(`${line}\n`);
  for (const line of windowLines(policies.values(), now)) io.stdout.write(`${line}\n`);
  return 0;
}

/** What a valid file says that may not be what was meant: safety off, protections dropped or misspelt. */
export function policyWarnings(policies: Iterable<Policy>): string[] {
  const all = [...policies];
  const out: string[] = [];
  for (const p of all) {
    if (p.action === 'restart' && !p.kafkaChecks) {
      out.push(
        `policies.${p.name}.kafkaChecks: false: restarts are judged by the DMS status alone; a topic with one replica goes dark during each restart, and a cluster already out of sync can lose partitions`,
      );
    }
    if (p.excludeDropped.length > 0) {
      const keys = p.excludeDropped.map((k) => JSON.stringify(cut(k))).join(', ');
      out.push(
        `policies.${p.name}.exclude.dropDefaults: true: the defaults' exclude.tags ${keys} do not protect this policy's instances`,
      );
    }
  }
  return [...out, ...excludeNearMisses(all)];
}

/**
 * Offline, with no fleet to look at: exclude keys close to another key the
 * file names (a select key, another exclusion) but not the same, so likely
 * misspelt. Whether any instance carries a key only `plan` can say.
 */
function excludeNearMisses(policies: readonly Policy[]): string[] {
  const named = new Set(
    policies.flatMap((p) => [...Object.keys(p.select?.tags ?? {}), ...Object.keys(p.exclude)]),
  );
  const byKey = new Map<string, { near: string[]; policies: string[] }>();
  for (const p of policies) {
    for (const key of Object.keys(p.exclude)) {
      const near = nearMisses(key, named);
      if (near.length === 0) continue;
      const seen = byKey.get(key) ?? { near, policies: [] };
      seen.policies.push(p.name);
      byKey.set(key, seen);
    }
  }
  return [...byKey].map(([key, { near, policies: names }]) => {
    const show = (k: string) => JSON.stringify(cut(k));
    return `exclude.tags ${show(key)} (${names.map((n) => `policies.${n}`).join(', ')}) is close to ${near.map(show).join(', ')}, also in this file: a misspelt exclude key protects nothing; plan shows which keys the fleet carries`;
  });
}

/** Each policy that runs across accounts: the accounts, their agencies and regions. */
export function accountLines(policies: Iterable<Policy>): string[] {
  const lines: string[] = [];
  for (const p of policies) {
    if (!p.accounts) continue;
    lines.push(
      `${p.name}: runs in ${p.accounts.length} account${p.accounts.length === 1 ? '' : 's'}:`,
    );
    for (const a of p.accounts) {
      const through = a.agency
        ? `agency ${a.agency} in ${a.domainId ?? a.domainName}`
        : "this function's own keys";
      const regions = a.regions
        .map((r) => `${r.region}${r.projectId ? ` (project ${r.projectId})` : ''}`)
        .join(', ');
      lines.push(`  ${a.name}: ${through}; ${regions}`);
    }
  }
  return lines;
}

/** Each windowed policy's next three openings, in the window's zone and in UTC, with the duration. */
export function windowLines(policies: Iterable<Policy>, now: number): string[] {
  const lines: string[] = [];
  for (const p of policies) {
    if (!p.window) continue;
    const next = windowOccurrences(p.window, now, now + 5 * 7 * 86_400_000).slice(0, 3);
    lines.push(
      `${p.name}: window ${p.window.days.join(',')} ${p.window.start}-${p.window.end} ${p.window.timezone}; next:`,
    );
    for (const w of next) {
      const open = w.opensAt <= now ? ' (open now)' : '';
      lines.push(
        `  ${inBoth(w.opensAt, p.window.timezone, 'UTC')}, for ${duration(w.closesAt - w.opensAt)}${open}`,
      );
    }
  }
  return lines;
}
