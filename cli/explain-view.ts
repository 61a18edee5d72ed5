import type { KafkaInstance } from '../src/dms/wire';
import { explain } from '../src/plan/explain';
import type { Plan } from '../src/plan/plan';

/**
 * `plan --explain NAME|ID`: every rule of the plan's policy applied to the
 * instance, as judged for the plan (its time, its campaign period), with
 * what each rule saw, the pre-flight where the plan read it, and the
 * plan's own verdict: the explanation shows the inputs of the one verdict
 * the plan reached, never a judgement of its own.
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
    const { checks } = explain(p, instance, { now: plan.judgedAt, period: plan.campaign?.period });
    const pre = plan.preflight?.[instance.instance_id];
    if (pre)
      checks.push({
        rule: 'pre-flight: the cluster can lose a broker',
        saw: pre.text.replace(/^pre-flight: /, ''),
        holds: pre.pass,
      });
    out.write(`\n${instance.name} (${instance.instance_id}) under ${p.name}:\n`);
    for (const c of checks) {
      out.write(`  ${c.holds ? 'holds' : 'FAILS'}  ${c.rule}: saw ${c.saw}\n`);
    }
    out.write(`  verdict: ${planVerdict(plan, instance)}\n`);
  }
}

/** The plan's verdict for the instance, in words; nothing when the selection does not match it. */
function planVerdict(plan: Plan, instance: KafkaInstance): string {
  const v = plan.verdicts.find((x) => x.instance.instance_id === instance.instance_id);
  if (!v) return 'not matched by the selection';
  const words = v.outcome.replace('would-', 'would ');
  const wave = v.wave === undefined ? '' : ` (call ${v.wave} of ${plan.batches.length})`;
  return v.reason ? `${words}${wave}: ${v.reason}` : `${words}${wave}`;
}
