import { explain } from '../src/plan/explain';
import type { Plan } from '../src/plan/plan';

/**
 * `plan --explain NAME|ID`: every rule of the plan's policy applied to the
 * instance, as judged for the plan (its time, its campaign period), with
 * what each rule saw and the verdict a run would reach.
 */
export function printExplanation(plan: Plan, which: string, out: NodeJS.WritableStream): void {
  const p = plan.policy;
  const found = plan.listed.filter((i) => i.instance_id === which || i.name === which);
  if (found.length === 0) {
    const hint = p.action === 'restart' ? '' : ' (a cleanup lists failed instances too)';
    out.write(`\n${which}: not in the listing for ${p.name}${hint}\n`);
    return;
  }
  for (const instance of found) {
    const { checks, verdict } = explain(p, instance, {
      now: plan.judgedAt,
      period: plan.campaign?.period,
    });
    out.write(`\n${instance.name} (${instance.instance_id}) under ${p.name}:\n`);
    for (const c of checks) {
      out.write(`  ${c.holds ? 'holds' : 'FAILS'}  ${c.rule}: saw ${c.saw}\n`);
    }
    const would = p.action === 'restart' ? 'would restart' : 'would delete';
    const said =
      verdict.verdict === 'act'
        ? would
        : verdict.verdict === 'skip'
          ? `skipped: ${verdict.reason}`
          : 'not matched by the selection';
    out.write(`  verdict: ${said}\n`);
  }
}
