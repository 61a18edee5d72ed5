import type { Plan } from '../src/plan/plan';
import type { Target } from '../src/policy/resolve';

const utc = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');

/**
 * A plan for a person: what would be done to which instance and why, in
 * order. With `targets`, one plan per target, headed by its region and project.
 */
export function printPlan(
  plan: Plan,
  out: NodeJS.WritableStream,
  o: { target?: Target | undefined; now?: number } = {},
): void {
  const p = plan.policy;
  const verb = p.action === 'restart' ? 'restart' : 'delete';
  const { target } = o;
  const on = target ? ` in ${target.region}, project ${target.projectId}` : '';
  out.write(`\nplan for ${p.name} (${p.action})${on}; nothing has been changed\n`);
  const at = plan.judgedAt;
  if (at !== undefined && o.now !== undefined && Math.abs(at - o.now) > 60_000) {
    out.write(
      `  as at ${utc(at)}: the window, its cutoff and the marks as then, with the listing of now\n`,
    );
  }
  const w = plan.campaign?.window;
  if (w) {
    out.write(
      `  window ${utc(w.opensAt)} to ${utc(w.closesAt)}; no new restart starts from ${utc(w.cutoffAt)}\n`,
    );
  }
  if (plan.refusal) {
    out.write(`  REFUSED: ${plan.refusal}\n`);
  } else if (plan.inCutoff) {
    const n = plan.selection.eligible.length;
    out.write(`  inside the window's cutoff: no wave starts; ${n} left for the next window\n`);
  } else if (plan.batches.length === 0) {
    out.write(`  nothing to ${verb}\n`);
  }
  for (const h of plan.noMatch) out.write(`  no match: ${h}\n`);
  if (plan.mode) out.write(`  mode: ${plan.mode.mode} (${plan.mode.reason})\n`);
  const kind = p.action === 'restart' && p.waitForRunning ? 'wave' : 'call';
  if (!plan.refusal) {
    for (const [i, batch] of plan.batches.entries()) {
      const names = batch.map((b) => b.name || b.instance_id).join(', ');
      out.write(`  ${kind} ${i + 1}: ${verb} ${names}\n`);
    }
    if (kind === 'wave' && plan.batches.length > 0) {
      out.write('  each wave starts only when the one before is RUNNING again\n');
    }
  }
  const acting = plan.selection.eligible.length;
  const room = plan.headroom < 0 ? `over by ${-plan.headroom}` : `headroom ${plan.headroom}`;
  out.write(`  maxInstances ${p.maxInstances}: ${acting} to ${verb}, ${room}\n`);
  const skipped = plan.selection.candidates.filter((c) => c.verdict === 'skip').length;
  out.write(
    `  listed ${plan.listed.length}, matched ${acting + skipped}, skipped ${skipped}; every instance is read again right before its call\n`,
  );
}
