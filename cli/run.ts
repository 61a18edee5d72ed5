import { resolve } from 'node:path';
import { createHandler } from '../handlers/index';
import { demoFleet, type Simulator, startSimulator } from '../simulator';
import { MaintenanceError } from '../src/errors';
import { nodeDebugRefusal, readEnv } from '../src/invocation/env';
import type { Plan } from '../src/plan/plan';
import { loadPolicyFile } from '../src/policy/load';
import type { Target } from '../src/policy/resolve';
import type { OutcomeRecord, RunSummary } from '../src/report/records';
import { printExplanation } from './explain-view';
import { lineSink } from './lines';
import { printPlan } from './plan-view';
import { progressWriter } from './progress';
import { printTable } from './table';

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
  /** Plan only: explain every rule for this instance (a name or an id). */
  explain?: string;
  /** Run only: a dry run, whatever the policy says (as the event's `dryRun: true`). */
  dryRun?: boolean;
  /** For this command: the region (`DMS_REGION`), instead of the environment's. */
  region?: string;
  /** For this command: the project id (`HUAWEICLOUD_SDK_PROJECT_ID`), instead of the environment's. */
  project?: string;
  verbose?: boolean;
}

export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

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
    // Once, before the simulator or any policy: a bad environment is one message, not one a policy.
    readEnv(env, process.cwd());
    const judgeAt = o.at === undefined ? undefined : instant(o.at);
    const names = await policyNames(o, env.POLICY_FILE ?? resolve('policies.yaml'));
    if (o.simulator) sim = await startDemo(env);
    io.stderr.write(`${whereWeRun(env, sim, o.plan === true)}\n`);
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
      invoke: o.plan
        ? {
            planOnly: true,
            onPlan: (plan, target) => plans.push({ plan, target }),
            ...(judgeAt === undefined ? {} : { judgeAt }),
          }
        : undefined,
    });
    let failures = 0;
    for (const name of names) {
      try {
        await handler(o.dryRun ? { policy: name, dryRun: true } : { policy: name }, undefined);
      } catch (e) {
        failures++;
        io.stderr.write(`${describeError(e, o.verbose === true)}\n`);
      }
    }
    if (o.plan) printPlans(plans, o.json === true, io, Date.now());
    if (o.explain) for (const { plan } of plans) printExplanation(plan, o.explain, io.stdout);
    if (o.plan && !o.json) printWindows(lines, io.stdout, judgeAt);
    const table = o.json ? io.stderr : io.stdout;
    printTable(lines as unknown as Array<OutcomeRecord | RunSummary>, table);
    return failures === 0 ? 0 : 1;
  } finally {
    await sim?.stop();
  }
}

/** The environment the command's invocations read: the process's, with the command's options. */
function commandEnv(o: RunOptions, base: NodeJS.ProcessEnv): Record<string, string | undefined> {
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
async function startDemo(env: Record<string, string | undefined>): Promise<Simulator> {
  const sim = await startSimulator({ fleet: demoFleet() });
  Object.assign(env, {
    DMS_ENDPOINT: sim.endpoint,
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

/** A plan, and the target it is for when the policy has `targets`. */
interface TargetPlan {
  plan: Plan;
  target: Target | undefined;
}

function printPlans(plans: readonly TargetPlan[], json: boolean, io: Io, now: number): void {
  for (const { plan, target } of plans) {
    if (json) io.stdout.write(`${JSON.stringify(planLine(plan, target))}\n`);
    else printPlan(plan, io.stdout, { target, now });
  }
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

/**
 * A campaign's window as the run saw it: closed (and when it opens next),
 * or open (until when, and from when no new restart starts). A closed
 * window lists nothing, so it has no plan of its own.
 */
function printWindows(
  lines: ReadonlyArray<Record<string, unknown>>,
  out: NodeJS.WritableStream,
  at: number | undefined,
): void {
  const when = at === undefined ? '' : ` at ${new Date(at).toISOString().replace('.000Z', 'Z')}`;
  for (const s of lines) {
    if (s.kind !== 'summary' || s.window === undefined) continue;
    const w =
      s.window === 'closed'
        ? `closed${when}: nothing is written until it opens at ${String(s.windowOpens)} (${String(s.windowOpensLocal)})${s.matched === 0 && s.listed === 0 ? '' : '; the plan shows what a run would do then'}`
        : `open until ${String(s.windowCloses)} (${String(s.windowClosesLocal)}); no new restart starts from ${String(s.cutoffAt)}`;
    const left =
      s.remaining === undefined ? '' : `; ${String(s.remaining)} not yet restarted in it`;
    out.write(`${String(s.policy)}: window ${w}${left}\n`);
  }
}

/**
 * The plan as one JSON line, beside the handler's records; with `targets`,
 * one line per target, with its `region` and `projectId`.
 */
export function planLine(plan: Plan, target?: Target): Record<string, unknown> {
  return {
    kind: 'plan',
    policy: plan.policy.name,
    ...(target ? { region: target.region, projectId: target.projectId } : {}),
    action: plan.policy.action,
    refused: plan.refusal !== undefined,
    maxInstances: plan.policy.maxInstances,
    headroom: plan.headroom,
    ...(plan.mode ? { mode: plan.mode.mode, modeReason: plan.mode.reason } : {}),
    waitForRunning: plan.policy.waitForRunning !== undefined,
    batches: plan.batches.map((b) => b.map((i) => ({ id: i.instance_id, name: i.name }))),
  };
}

function whereWeRun(
  env: Record<string, string | undefined>,
  sim: Simulator | undefined,
  plan: boolean,
): string {
  const what = plan ? 'Planning (nothing will be changed)' : 'Running';
  if (sim) {
    return `${what} against the built-in DMS simulator at ${sim.endpoint} (${sim.instances().length} demo instances).`;
  }
  const target = env.DMS_ENDPOINT
    ? `endpoint ${safeOrigin(env.DMS_ENDPOINT)}`
    : `region ${env.DMS_REGION ?? '(unset)'}`;
  const dry = !plan && env.DRY_RUN === 'true' ? ' with DRY_RUN=true' : '';
  return `${what} against Huawei Cloud DMS, ${target}, project ${env.HUAWEICLOUD_SDK_PROJECT_ID ?? env.RUNTIME_PROJECT_ID ?? '(unset)'}${dry}.`;
}

/** The endpoint's origin, never its user or password. */
function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(not a URL)';
  }
}

/** A mistake in how the command was called. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** One or a few lines; the stack only with --verbose. */
export function describeError(e: unknown, verbose: boolean): string {
  if (!(e instanceof Error)) return `error: ${String(e)}`;
  if (verbose && !(e instanceof MaintenanceError)) return e.stack ?? e.message;
  return `error: ${e.message}`;
}
