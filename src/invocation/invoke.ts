import type { Credentials } from '../dms/client';
import { ConfigError, RunFailedError } from '../errors';
import type { Clock } from '../exec/clock';
import type { Deadline } from '../exec/deadline';
import type { ApprovedPlan } from '../plan/approval';
import { approvalProblems } from '../plan/approval-binding';
import type { Plan } from '../plan/plan';
import type { Account } from '../policy/accounts';
import { loadPolicyFile } from '../policy/load';
import type { Policy, Target } from '../policy/resolve';
import type { Logger } from '../report/logger';
import type { RunSummary, TotalSummary } from '../report/records';
import { runAccounts } from './accounts';
import type { Env } from './env';
import { parseEvent } from './event';
import { type ProjectTarget, runProject } from './run';
import { runTargets } from './targets';

/** One invocation, whatever platform it came from. */
export interface Invocation {
  requestId: string;
  platform: 'functiongraph' | 'lambda' | 'local';
  event: unknown;
  /** The platform's answer, unchecked: the deadline copes with one that is not a number. */
  remainingMs: () => unknown;
  /** Temporary credentials from the platform, read for this invocation only. */
  credentials: Credentials | undefined;
}

export interface InvokeDeps {
  env: Env;
  log: Logger;
  clock: Clock;
  /** The invocation's deadline: the platform's time left, less the margin. */
  deadline: Deadline;
}

export interface InvokeOptions {
  /**
   * Plan only: a dry run on a client whose writes are refused before they
   * are sent, whatever the policy, the event or DRY_RUN say.
   */
  planOnly?: boolean;
  /**
   * Handed the plan once the run has carried it out or described it: once
   * per target, with the target, when the policy has `targets`.
   */
  onPlan?: (plan: Plan, target?: Target) => void;
  /**
   * Plan only: judge the window, the cutoff and the marks as at this instant
   * (epoch ms). Without it a plan judges now, and, for a window closed now,
   * as it next opens.
   */
  judgeAt?: number;
  /** An approved plan: only its instances, as they were when approved, are acted on. */
  approved?: ApprovedPlan;
  /** With accounts: run in only these (by name); every one must be an account of the policy. */
  accounts?: readonly string[];
}

/** What an invocation resolves with: the run's summary, or with `targets` the total. */
export type InvocationResult = RunSummary | TotalSummary;

/**
 * Runs the policy an invocation asks for. Everything that can be wrong with
 * the inputs is found before the first API call. Resolves with the summary
 * (with `targets`, the total); rejects when the inputs are bad, any instance
 * failed, the run was refused or incomplete (with `targets`: any target).
 */
export async function invoke(
  inv: Invocation,
  deps: InvokeDeps,
  opts: InvokeOptions = {},
): Promise<InvocationResult> {
  const { env } = deps;
  const request = parseEvent(inv.event);
  const policies = await loadPolicyFile(env.policyFile, env.accountsFile);
  const policy = pickPolicy(policies, request.policy);
  const credentials = inv.credentials ?? env.credentials;
  if (!credentials) {
    throw ConfigError.at(
      'credentials',
      'none found: give the function an agency (FunctionGraph) or set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK',
    );
  }
  // Without targets or accounts, the one project the environment names.
  const accounts = policy.accounts && chosenAccounts(policy.accounts, opts.accounts);
  if (opts.accounts && !accounts) {
    throw ConfigError.at('--account', `policy ${policy.name} runs in no accounts`);
  }
  const project = policy.targets || accounts ? undefined : projectOf(env);
  // An event may make a run safer, never bolder; a plan never writes.
  const dryRun =
    opts.planOnly === true || env.forceDryRun || request.dryRun === true || policy.dryRun;
  const run = {
    env,
    log: deps.log,
    clock: deps.clock,
    credentials,
    deadline: deps.deadline,
    planOnly: opts.planOnly === true,
    onPlan: opts.onPlan,
  };
  const judgeAt = opts.planOnly ? (opts.judgeAt ?? ('next-opening' as const)) : undefined;
  if (opts.approved) {
    const run = { policy, accounts: accounts ?? [] };
    const issues = approvalProblems(opts.approved, run, deps.clock.now());
    if (issues.length > 0) throw new ConfigError(issues, 'the approved plan');
  }
  const input = { policy, dryRun, invocationId: inv.requestId, judgeAt, approval: opts.approved };
  const ran = accounts
    ? await runAccounts(run, { ...input, accounts })
    : project
      ? await runProject(run, project, input)
      : await runTargets(run, { ...input, targets: policy.targets ?? [] });
  if (ran.failure) throw new RunFailedError(ran.failure, ran.total);
  return ran.total;
}

/** The policy's accounts, or those of them `names` picks; an unknown name is an error. */
export function chosenAccounts(
  all: readonly Account[],
  names: readonly string[] | undefined,
): Account[] {
  if (!names) return [...all];
  const unknown = names.filter((n) => !all.some((a) => a.name === n));
  if (unknown.length > 0) {
    throw ConfigError.at(
      '--account',
      `${unknown.map((n) => JSON.stringify(n)).join(', ')}: not an account of this policy; its accounts: ${all.map((a) => a.name).join(', ')}`,
    );
  }
  return all.filter((a) => names.includes(a.name));
}

function projectOf(env: Env): ProjectTarget {
  if (!env.projectId) {
    throw ConfigError.at('env.HUAWEICLOUD_SDK_PROJECT_ID', 'set it, or RUNTIME_PROJECT_ID');
  }
  if (!env.region && !env.endpoint) {
    throw ConfigError.at('env.DMS_REGION', 'set it, or DMS_ENDPOINT');
  }
  return { projectId: env.projectId, region: env.region, endpoint: env.endpoint };
}

function pickPolicy(policies: Map<string, Policy>, name: string | undefined): Policy {
  const known = [...policies.keys()];
  if (name === undefined) {
    const only = policies.values().next().value;
    if (policies.size === 1 && only) return only;
    throw ConfigError.at(
      'event.policy',
      `the event names no policy and the file has ${policies.size}: ${known.join(', ')}`,
    );
  }
  const p = policies.get(name);
  if (!p)
    throw ConfigError.at(
      'event.policy',
      `unknown policy ${JSON.stringify(name)}; known: ${known.join(', ')}`,
    );
  return p;
}
