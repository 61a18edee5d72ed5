import { resolve } from 'node:path';
import { createHandler } from '../handlers/index';
import {
  DEMO_DOMAIN_ID,
  demoFleet,
  demoKafka,
  demoOrganization,
  type Simulator,
  startSimulator,
} from '../simulator';
import { ConfigError, MaintenanceError } from '../src/errors';
import { nodeDebugRefusal, readEnv } from '../src/invocation/env';
import { chosenAccounts, type InvokeOptions } from '../src/invocation/invoke';
import type { ApprovedPlan } from '../src/plan/approval';
import type { Plan } from '../src/plan/plan';
import { loadPolicyFile } from '../src/policy/load';
import type { Target } from '../src/policy/resolve';
import type { OutcomeRecord, RunSummary } from '../src/report/records';
import { DEFAULT_VALID_FOR, readApproval, validFor, writeApproval } from './approve';
import { confirmLive } from './confirm';
import { checkDeployPath } from './deploy/check';
import type { TimerWindowInput } from './deploy/window-check';
import { printExplanation } from './explain-view';
import type { Io } from './io';
import { lineSink } from './lines';
import { progressWriter } from './progress';
import { printPlans, printWindows, type TargetPlan, whereWeRun } from './run-view';
import { printTable } from './table';
import { UsageError } from './usage';

export interface RunOptions {
  /** Policy names; with `all`, every policy in the file. */
  policy?: string[];
  all?: boolean;
  file?: string;
  /** JSON lines on stdout instead of a table. */
  json?: boolean;
  /** Plan only: nothing is written, whatever the policy or DRY_RUN say. */
  plan?: boolean;
  /** Run against a simulator with the demo fleet, started for this command. */
  simulator?: boolean;
  /** Plan only: the instant to judge the window, cutoff and marks at, ISO 8601. */
  at?: string;
  /** Plan only: the deploy files whose timers the forecast is held against. */
  deploy?: string;
  /** Plan only: write the plan, to approve, to this file. */
  out?: string;
  /** With `out`: how long the approved plan stays valid, e.g. `24h`. */
  validFor?: string;
  /** Run only: carry out this approved plan, and nothing else. */
  planFile?: string;
  /** Plan only: explain every rule for this instance (a name or an id). */
  explain?: string;
  /** Run only: a dry run, whatever the policy says (as the event's `dryRun: true`). */
  dryRun?: boolean;
  /** Run only: no question before a live run on a terminal. */
  yes?: boolean;
  /** For this command: the region (`DMS_REGION`), instead of the environment's. */
  region?: string;
  /** For this command: the project id (`HUAWEICLOUD_SDK_PROJECT_ID`), instead of the environment's. */
  project?: string;
  /** With accounts: only these (by name), repeatable. */
  account?: string[];
  verbose?: boolean;
}

export type { Io } from './io';

/**
 * `run` and `plan`: one invocation of the handler per policy, exactly as a
 * timer would make it, with the same environment. Records go to stdout (a
 * table, or JSON lines with `--json`); progress and errors go to stderr.
 * Returns the exit code: 0 when every run succeeded.
 */
export async function runCommand(o: RunOptions, io: Io): Promise<number> {
  const debug = nodeDebugRefusal(io.env.NODE_DEBUG);
  if (debug) {
    // One line, before the simulator or any handler starts: no request is ever signed.
    io.stderr.write(`NODE_DEBUG ${debug}\n`);
    return 1;
  }
  const env = commandEnv(o, io.env);
  let sim: Simulator | undefined;
  try {
    const ready = await prepare(o, env);
    if (o.simulator) sim = await startDemo(env);
    io.stderr.write(`${whereWeRun(env, sim, o.plan === true)}\n`);
    if (!o.plan && !(await confirmLive({ ...o, ...ready }, io, env))) {
      io.stderr.write('not confirmed; nothing was changed\n');
      return 1;
    }
    const lines: Array<Record<string, unknown>> = [];
    const progress = progressWriter(io.stderr);
    const plans: TargetPlan[] = [];
    const handler = createHandler({
      destination: lineSink(
        (l) => {
          lines.push(l);
          progress(l);
        },
        o.json ? io.stdout : undefined,
      ),
      env,
      invoke: invokeOptions(o, ready, (plan, target) => plans.push({ plan, target })),
    });
    let failures = 0;
    for (const name of ready.names) {
      try {
        await handler(o.dryRun ? { policy: name, dryRun: true } : { policy: name }, undefined);
      } catch (e) {
        failures++;
        io.stderr.write(`${describeError(e, o.verbose === true)}\n`);
      }
    }
    printResults(o, io, { lines, plans, ...ready });
    if (o.out) io.stderr.write(`${approvalNote(o, plans, failures, ready.policyFile, env)}\n`);
    return failures === 0 ? 0 : 1;
  } finally {
    await sim?.stop();
  }
}

interface Ready {
  /** With `plan --deploy`: the deployed timers of the file's policies. */
  timers: readonly TimerWindowInput[] | undefined;
  /** How long one run may last: the function's timeout, as RUN_TIMEOUT_MS says. */
  runMs: number;
  policyFile: string;
  names: string[];
  judgeAt: number | undefined;
  approval: ApprovedPlan | undefined;
}

/**
 * Everything checked before the simulator or any call: the environment (once,
 * so a bad one is one message, not one a policy), `--at`, `--valid-for`, an
 * approved plan, and the policies to run.
 */
async function prepare(o: RunOptions, env: Record<string, string | undefined>): Promise<Ready> {
  const { localTimeoutMs: runMs } = readEnv(env, process.cwd());
  const policyFile = env.POLICY_FILE ?? resolve('policies.yaml');
  const judgeAt = o.at === undefined ? undefined : instant(o.at);
  if (o.out) validFor(o.validFor ?? DEFAULT_VALID_FOR);
  const approval = o.planFile
    ? readApproval(resolve(o.planFile), policyFile, Date.now())
    : undefined;
  if (approval && ((o.policy?.length ?? 0) > 0 || o.all)) {
    const asked = o.policy ?? [];
    if (o.all || asked.length !== 1 || asked[0] !== approval.policy) {
      throw new UsageError(`--plan runs the approved plan's policy, ${approval.policy}, alone`);
    }
  }
  const names = approval ? [approval.policy] : await policyNames(o, policyFile);
  const timers = o.deploy ? await deployTimers(o.deploy, policyFile) : undefined;
  return { runMs, policyFile, names, judgeAt, approval, timers };
}

function invokeOptions(
  o: RunOptions,
  ready: Ready,
  onPlan: (plan: Plan, target?: Target) => void,
): InvokeOptions | undefined {
  const accounts = o.account && o.account.length > 0 ? { accounts: o.account } : {};
  if (o.plan) {
    return {
      planOnly: true,
      onPlan,
      ...(ready.judgeAt === undefined ? {} : { judgeAt: ready.judgeAt }),
      ...accounts,
    };
  }
  return ready.approval ? { approved: ready.approval, ...accounts } : accounts;
}

/** `plan --out`: writes the plan to approve, unless a plan failed or was refused. */
function approvalNote(
  o: RunOptions,
  plans: TargetPlan[],
  failures: number,
  policyFile: string,
  env: Record<string, string | undefined>,
): string {
  const out = o.out as string;
  if (failures > 0) return `not written to ${out}: a plan failed or was refused`;
  const validFor = o.validFor ?? DEFAULT_VALID_FOR;
  // One project without targets: the environment's, so the plan never applies to another.
  const here = { region: env.DMS_REGION ?? '', projectId: env.HUAWEICLOUD_SDK_PROJECT_ID ?? '' };
  const named = plans.map((p) => ({ plan: p.plan, target: p.target ?? here }));
  // The accounts the run would enter, as the invocation chose them: the approval covers those.
  const all = plans[0]?.plan.policy.accounts;
  const accounts = all && chosenAccounts(all, o.account?.length ? o.account : undefined);
  return writeApproval(named, { out, validFor, policyFile, accounts, now: Date.now() });
}

/** The plans, an explanation, the windows, then the table of records. */
function printResults(
  o: RunOptions,
  io: Io,
  r: {
    lines: Array<Record<string, unknown>>;
    plans: TargetPlan[];
    judgeAt: number | undefined;
    runMs: number;
    timers: readonly TimerWindowInput[] | undefined;
  },
): void {
  if (o.plan) {
    const timers = r.timers;
    printPlans(r.plans, o.json === true, io, { now: Date.now(), runMs: r.runMs, timers });
  }
  if (o.explain) for (const { plan } of r.plans) printExplanation(plan, o.explain, io.stdout);
  if (o.plan && !o.json) printWindows(r.lines, io.stdout, r.judgeAt);
  const table = o.json ? io.stderr : io.stdout;
  printTable(r.lines as unknown as Array<OutcomeRecord | RunSummary>, table);
}

/** `plan --deploy DIR`: the timers there, refused with every problem as `validate` finds it. */
async function deployTimers(dir: string, policyFile: string): Promise<readonly TimerWindowInput[]> {
  const check = checkDeployPath(resolve(dir), await loadPolicyFile(policyFile));
  if (check.issues.length > 0) throw new ConfigError(check.issues, 'the deploy files');
  return check.timers;
}

/** The environment the command's invocations read: the process's, with the command's options. */
export function commandEnv(
  o: RunOptions,
  base: NodeJS.ProcessEnv,
): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...base };
  if (o.file) env.POLICY_FILE = resolve(o.file);
  env.POLICY_FILE ??= resolve('policies.yaml');
  if (o.region) {
    env.DMS_REGION = o.region;
    env.DMS_ENDPOINT = undefined;
  }
  if (o.project) env.HUAWEICLOUD_SDK_PROJECT_ID = o.project;
  return env;
}

/** The built-in simulator with the demo fleet, and the environment pointed at it. */
export async function startDemo(env: Record<string, string | undefined>): Promise<Simulator> {
  const sim = await startSimulator({
    fleet: demoFleet(),
    kafka: demoKafka(),
    organization: demoOrganization(DEMO_DOMAIN_ID),
  });
  Object.assign(env, {
    DMS_ENDPOINT: sim.endpoint,
    IAM_ENDPOINT: sim.endpoint,
    STS_ENDPOINT: sim.endpoint,
    HUAWEICLOUD_SDK_AK: sim.ak,
    HUAWEICLOUD_SDK_SK: sim.sk,
    HUAWEICLOUD_SDK_SECURITY_TOKEN: undefined,
    HUAWEICLOUD_SDK_PROJECT_ID: sim.projectId,
  });
  return sim;
}

async function policyNames(o: RunOptions, file: string): Promise<string[]> {
  if (o.policy && o.policy.length > 0) return o.policy;
  if (!o.all) throw new UsageError('name a policy with --policy NAME, or run them all with --all');
  return [...(await loadPolicyFile(file)).keys()];
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** `--at`: ISO 8601 with `Z` or an offset; a local time without one is ambiguous, and refused. */
function instant(text: string): number {
  const t = ISO_INSTANT.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(t)) {
    throw new UsageError(
      `--at ${JSON.stringify(text)}: write an instant in ISO 8601 with Z or an offset, e.g. 2026-12-12T02:30:00+01:00`,
    );
  }
  return t;
}

export function describeError(e: unknown, verbose: boolean): string {
  if (!(e instanceof Error)) return `error: ${String(e)}`;
  if (verbose && !(e instanceof MaintenanceError)) return e.stack ?? e.message;
  return `error: ${e.message}`;
}
