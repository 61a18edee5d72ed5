/**
 * Before a live `run` on a terminal: what it will do, per policy, and the
 * question, as `terraform apply` asks it. Only `yes` goes on; `--yes` skips
 * the question, and without a terminal on stdin nothing is asked, so a
 * timer, a script or CI never waits for an answer.
 */
import { createInterface } from 'node:readline';
import { createHandler } from '../handlers/index';
import { readEnv } from '../src/invocation/env';
import type { InvokeOptions } from '../src/invocation/invoke';
import type { ApprovedPlan } from '../src/plan/approval';
import { loadPolicyFile } from '../src/policy/load';
import type { Io } from './io';
import { lineSink } from './lines';
import { plural } from './plural';
import type { TargetPlan } from './run-view';

export const QUESTION = "Do you want to run these actions? Only 'yes' will be accepted: ";

export interface Live {
  names: readonly string[];
  approval: ApprovedPlan | undefined;
  dryRun?: boolean | undefined;
  yes?: boolean | undefined;
  account?: readonly string[] | undefined;
}

/**
 * Whether the run may go on: true without a question (a dry run, `--yes`,
 * no terminal, nothing live); else the preview, the question and its answer.
 * With an approved plan that the policy or the run keeps dry, says so.
 */
export async function confirmLive(
  o: Live,
  io: Io,
  env: Record<string, string | undefined>,
): Promise<boolean> {
  const e = readEnv(env, process.cwd());
  // A file that does not load is reported by the run, per policy, as it always was.
  const policies = await loadPolicyFile(e.policyFile, e.accountsFile).catch(() => undefined);
  if (!policies) return true;
  const why = (name: string) =>
    o.dryRun
      ? '--dry-run'
      : e.forceDryRun
        ? 'DRY_RUN=true'
        : policies.get(name)?.dryRun
          ? 'dryRun: true in the policy'
          : undefined;
  if (o.approval) {
    const dry = why(o.approval.policy);
    if (dry) {
      io.stderr.write(
        `policy ${o.approval.policy} is a dry run (${dry}): nothing will be changed; the approved plan is only recorded\n`,
      );
    }
  }
  // An unknown name is not asked about: the run refuses it as it always has.
  const live = o.names.filter((n) => policies.has(n) && why(n) === undefined);
  if (live.length === 0 || o.yes || io.isTTY !== true || !io.stdin) return true;
  const plans = await preview(live, o, env, io);
  io.stderr.write('\nThis run will write:\n');
  for (const name of live) {
    const mine = plans.filter((p) => p.plan.policy.name === name);
    if (mine.length === 0) io.stderr.write(`  ${name}: nothing to do now\n`);
    for (const p of mine) io.stderr.write(`  ${summaryLine(p)}\n`);
  }
  io.stderr.write(`\n${QUESTION}`);
  const answer = await readLine(io.stdin);
  return answer.trim() === 'yes';
}

/** A plan-only pass of the live policies, judged now, as `plan --at now` shows them. */
async function preview(
  names: readonly string[],
  o: Live,
  env: Record<string, string | undefined>,
  io: Io,
): Promise<TargetPlan[]> {
  const plans: TargetPlan[] = [];
  const invoke: InvokeOptions = {
    planOnly: true,
    judgeAt: Date.now(),
    onPlan: (plan, target) => plans.push({ plan, target }),
    ...(o.approval ? { approved: o.approval } : {}),
    ...(o.account && o.account.length > 0 ? { accounts: o.account } : {}),
  };
  const handler = createHandler({ destination: lineSink(() => {}), env: { ...env }, invoke });
  for (const policy of names) {
    try {
      await handler({ policy }, undefined);
    } catch (e) {
      // The live run meets the same problem and reports it; the preview only names it.
      io.stderr.write(`  ${policy}: no preview: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  }
  return plans;
}

/** `weekly (restart) in cn-north-4, project p: 3 instances in 2 waves`. */
export function summaryLine({ plan, target }: TargetPlan): string {
  const p = plan.policy;
  const on = target
    ? ` in ${target.account ? `account ${target.account}, ` : ''}${target.region}, project ${target.projectId}`
    : '';
  const head = `${p.name} (${p.action})${on}`;
  if (plan.refusal) return `${head}: REFUSED: ${plan.refusal}`;
  const verb = p.action === 'restart' ? 'restart' : 'delete';
  const n = plan.batches.reduce((sum, b) => sum + b.length, 0);
  if (n === 0) return `${head}: nothing to ${verb}`;
  const kind = p.action === 'restart' && p.waitForRunning ? 'wave' : 'call';
  return `${head}: ${verb} ${plural(n, 'instance')} in ${plural(plan.batches.length, kind)}`;
}

/** One line from `input`; '' when it ends first. */
function readLine(input: NodeJS.ReadableStream): Promise<string> {
  return new Promise((done) => {
    const rl = createInterface({ input, terminal: false });
    let line: string | undefined;
    rl.once('line', (l) => {
      line = l;
      rl.close();
    });
    rl.once('close', () => done(line ?? ''));
  });
}
