/** What `plan` and `run` print for a person: plans, windows, where they run. */
import { DEMO_ACCOUNTS, type Simulator } from '../simulator';
import type { Plan } from '../src/plan/plan';
import type { Target } from '../src/policy/resolve';
import type { TimerWindowInput } from './deploy/window-check';
import type { Io } from './io';
import { printPlan } from './plan-view';

/** A plan, and the target it is for when the policy has `targets`. */
export interface TargetPlan {
  plan: Plan;
  target: Target | undefined;
}

export function printPlans(
  plans: readonly TargetPlan[],
  json: boolean,
  io: Io,
  o: { now: number; runMs: number; timers?: readonly TimerWindowInput[] | undefined },
): void {
  for (const { plan, target } of plans) {
    if (json) io.stdout.write(`${JSON.stringify(planLine(plan, target))}\n`);
    else printPlan(plan, io.stdout, { target, now: o.now, runMs: o.runMs, timers: o.timers });
  }
}

/**
 * A campaign's window as the run saw it: closed (and when it opens next),
 * or open (until when, and from when no new restart starts). A closed
 * window lists nothing, so it has no plan of its own.
 */
export function printWindows(
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
    ...(target?.account ? { account: target.account } : {}),
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

export function whereWeRun(
  env: Record<string, string | undefined>,
  sim: Simulator | undefined,
  plan: boolean,
): string {
  const what = plan ? 'Planning (nothing will be changed)' : 'Running';
  if (sim) {
    const members = DEMO_ACCOUNTS.length;
    return `${what} against the built-in DMS simulator at ${sim.endpoint} (${sim.instances().length} demo instances; ${members} member accounts for examples/accounts.yaml).`;
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

/** One or a few lines; the stack only with --verbose. */
