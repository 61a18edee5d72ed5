import { InstanceStatus, type RestartableStatus } from '../dms/status';
import { ConfigError, type ConfigIssue } from '../errors';
import { type Account, resolveAccounts, selectAccounts } from './accounts';
import type { PolicyAction, PolicyFile, PolicySpec, TagSelector } from './schema';
import { DAYS, type WindowSpec } from './window';

/** One policy with the file's defaults applied: what the run acts on. */
export interface Policy {
  name: string;
  action: PolicyAction;
  dryRun: boolean;
  /** Absent for a cleanup-failed policy that uses `all_failure`. */
  select: Selector | undefined;
  /** The policy's `exclude.tags` joined with the defaults' (unless it drops them). */
  exclude: TagSelector;
  /** The defaults' exclude keys the policy drops with `dropDefaults: true`. */
  excludeDropped: readonly string[];
  maxInstances: number;
  batchSize: number;
  /** Restart only: wait for each batch to be RUNNING again before the next. */
  waitForRunning: WaitForRunning | undefined;
  /**
   * Restart only: read each instance's Kafka cluster before its restart
   * and wait for it to heal after; undefined when the policy turned it off.
   */
  kafkaChecks: KafkaChecks | undefined;
  /** Restart only: when the campaign may act. */
  window: WindowSpec | undefined;
  /** Restart only: a mark younger than this means done. */
  minIntervalMs: number;
  /** Cleanup only: a failed instance younger than this is kept. */
  minAgeMs: number;
  /** Cleanup only: `force_delete`, skipping the recycle bin. */
  forceDelete: boolean;
  /**
   * The regions and projects the policy runs on, each with its own client;
   * undefined for the one project the environment names.
   */
  targets: readonly Target[] | undefined;
  /**
   * The accounts the policy runs in, each through its agency; undefined
   * when the file names no accounts. Never set beside `targets`.
   */
  accounts: readonly Account[] | undefined;
}

/** One region and project a policy runs on; see docs/targets.md. */
export interface Target {
  region: string;
  projectId: string;
  /** Overrides the region's public endpoint. */
  endpoint?: string | undefined;
  /** In a run across accounts: the account's name, for plans and tables to show. */
  account?: string | undefined;
}

/** The Kafka checks' one choice: whether topics with one replica may go dark during a restart. */
export interface KafkaChecks {
  allowSingleReplicaTopics: boolean;
}

/** How long to wait for a restarted wave to be RUNNING again, and how often to look. */
export interface WaitForRunning {
  timeoutMs: number;
  pollMs: number;
}

export interface Selector {
  tags: TagSelector;
  /** Restart only; cleanup always means CREATEFAILED. */
  status: readonly RestartableStatus[];
  names: readonly string[];
}

export const DEFAULT_MAX_INSTANCES = 10;
export const DEFAULT_BATCH_SIZE = 10;
export const DEFAULT_WAIT_TIMEOUT_SECONDS = 720;
export const DEFAULT_POLL_SECONDS = 20;
export const DEFAULT_MIN_INTERVAL_MINUTES = 60;

/**
 * Applies `defaults` to each policy. A key the policy sets replaces the
 * default whole, but for `exclude.tags`: protections add up, so a policy's
 * join the defaults' unless it says `dropDefaults: true`.
 * `dryRun` defaults to true: nothing changes until a policy says otherwise.
 */
export function resolvePolicies(
  file: PolicyFile,
  accountsFile?: readonly Account[],
  source = 'policy file',
): Map<string, Policy> {
  const d = file.defaults ?? {};
  const out = new Map<string, Policy>();
  const issues: ConfigIssue[] = [];
  if (file.accounts && accountsFile) {
    issues.push({
      path: 'accounts',
      message: 'accounts are named both here and in ACCOUNTS_FILE; keep one of them',
    });
  }
  const all = file.accounts ? resolveAccounts(file.accounts) : accountsFile;
  // Accounts from ACCOUNTS_FILE reach only the policies that ask for them.
  const mustAsk = !file.accounts && accountsFile !== undefined;
  for (const [name, p] of Object.entries(file.policies)) {
    const targets = p.targets ?? d.targets;
    const accounts = accountsOf(
      name,
      p,
      { hasTargets: targets !== undefined, mustAsk },
      all,
      issues,
    );
    out.set(name, {
      name,
      action: p.action,
      dryRun: p.dryRun ?? d.dryRun ?? true,
      select: p.select && {
        tags: p.select.tags ?? {},
        status: p.select.status ?? [InstanceStatus.Running],
        names: p.select.names ?? [],
      },
      ...excludeOf(p.exclude, d.exclude),
      maxInstances: p.maxInstances ?? d.maxInstances ?? DEFAULT_MAX_INSTANCES,
      batchSize: p.batchSize ?? d.batchSize ?? DEFAULT_BATCH_SIZE,
      waitForRunning: resolveWait(p.waitForRunning),
      kafkaChecks:
        p.action === 'restart' && p.kafkaChecks !== false
          ? { allowSingleReplicaTopics: p.allowSingleReplicaTopics ?? false }
          : undefined,
      window: p.window && {
        timezone: p.window.timezone,
        days: p.window.days ?? DAYS,
        start: p.window.start,
        end: p.window.end,
        cutoffMinutes: p.window.cutoffMinutes ?? 0,
      },
      minIntervalMs: (p.minIntervalMinutes ?? DEFAULT_MIN_INTERVAL_MINUTES) * 60_000,
      minAgeMs: Math.round((p.minAgeHours ?? 0) * 3_600_000),
      forceDelete: p.forceDelete ?? false,
      targets: targets?.map((t) => ({ ...t })),
      accounts,
    });
  }
  if (issues.length > 0) throw new ConfigError(issues, source);
  return out;
}

/**
 * The accounts one policy runs in. A policy runs on `targets` or in
 * accounts, never both: which fleet a write reaches is never a guess.
 */
function accountsOf(
  name: string,
  p: PolicySpec,
  { hasTargets, mustAsk }: { hasTargets: boolean; mustAsk: boolean },
  all: readonly Account[] | undefined,
  issues: ConfigIssue[],
): readonly Account[] | undefined {
  const at = `policies.${name}`;
  if (!all) {
    if (p.accounts) {
      issues.push({
        path: `${at}.accounts`,
        message: 'the file names no accounts (an accounts section, or ACCOUNTS_FILE)',
      });
    }
    return undefined;
  }
  if (hasTargets) {
    issues.push({
      path: p.targets ? `${at}.targets` : 'defaults.targets',
      message:
        "a policy runs on targets or in accounts, not both; put these projects under an account (one without agency is this function's own)",
    });
    return undefined;
  }
  if (mustAsk && !p.accounts) {
    // Setting ACCOUNTS_FILE must never send a policy, live or not, into accounts it did not name.
    issues.push({
      path: `${at}.accounts`,
      message:
        'ACCOUNTS_FILE names accounts: say which this policy runs in (accounts: {} for every one of them)',
    });
    return undefined;
  }
  const chosen = selectAccounts(all, p.accounts);
  const unknown = (p.accounts?.names ?? []).filter((n) => !all.some((a) => a.name === n));
  if (unknown.length > 0) {
    issues.push({
      path: `${at}.accounts.names`,
      message: `no account is named ${unknown.map((n) => JSON.stringify(n)).join(', ')}; known: ${all.map((a) => a.name).join(', ')}`,
    });
  } else if (chosen.length === 0) {
    issues.push({
      path: `${at}.accounts`,
      message: `selects none of the ${all.length} accounts`,
    });
  }
  return chosen;
}

type ExcludeSpec = PolicySpec['exclude'];

/** A policy's exclusions: its own tags and the defaults', a key in both taking either's values. */
function excludeOf(
  own: ExcludeSpec,
  defaults: ExcludeSpec,
): Pick<Policy, 'exclude' | 'excludeDropped'> {
  const inherited = defaults?.tags ?? {};
  if (own?.dropDefaults === true) {
    return { exclude: { ...(own.tags ?? {}) }, excludeDropped: Object.keys(inherited) };
  }
  const exclude: TagSelector = { ...inherited };
  for (const [key, want] of Object.entries(own?.tags ?? {})) {
    const had = exclude[key];
    exclude[key] = had === undefined ? want : eitherOf(had, want);
  }
  return { exclude, excludeDropped: [] };
}

type Want = TagSelector[string];

/** The values two exclusions of one key match together: any value when either says so. */
function eitherOf(a: Want, b: Want): Want {
  if (typeof a === 'object' && !Array.isArray(a)) return a;
  if (typeof b === 'object' && !Array.isArray(b)) return b;
  const values = [...new Set([a, b].flat())];
  return values.length === 1 ? (values[0] as string) : values;
}

function resolveWait(w: PolicySpec['waitForRunning']): WaitForRunning | undefined {
  if (w === undefined) return undefined;
  const o = w === true ? {} : w;
  return {
    timeoutMs: (o.timeoutSeconds ?? DEFAULT_WAIT_TIMEOUT_SECONDS) * 1000,
    pollMs: (o.pollSeconds ?? DEFAULT_POLL_SECONDS) * 1000,
  };
}
