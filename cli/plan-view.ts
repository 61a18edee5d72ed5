import type { Plan } from '../src/plan/plan';
import type { Target } from '../src/policy/resolve';

/**
 * A plan for a person: what would be done to which instance and why, in
 * order. With `targets`, one plan per target, headed by its region and project.
 */
export function printPlan(plan: Plan, out: NodeJS.WritableStream, target?: Target): void {
  const p = plan.policy;
  const verb = p.action === 'restart' ? 'restart' : 'delete';
  const on = target ? ` in ${target.region}, project ${target.projectId}` : '';
  out.write(`\nplan for ${p.name} (${p.action})${on}; nothing has been changed\n`);
  if (plan.refusal) {
    out.write(`  REFUSED: ${plan.refusal}\n`);
  } else if (plan.batches.length === 0) {
    out.write(`  nothing to ${verb}\n`);
  }
  if (plan.mode) out.write(`  mode: ${plan.mode.mode} (${plan.mode.reason})\n`);
  const kind = p.action === 'restart' && p.waitForRunning ? 'wave' : 'call';
  if (!plan.refusal) {
    for (const [i, batch] of plan.batches.entries()) {
      const names = batch.map((b) => b.name || b.instance_id).join(', ');
      out.write(`  ${kind} ${i + 1}: ${verb} ${names}\n`);
    }
    if (kind === 'wave') {
      out.write('  each wave starts only when the one before is RUNNING again\n');
    }
  }
  const acting = plan.selection.eligible.length;
  out.write(`  maxInstances ${p.maxInstances}: ${acting} to ${verb}, headroom ${plan.headroom}\n`);
  const skipped = plan.selection.candidates.filter((c) => c.verdict === 'skip').length;
  out.write(
    `  listed ${plan.listed.length}, matched ${acting + skipped}, skipped ${skipped}; every instance is read again right before its call\n`,
  );
}
