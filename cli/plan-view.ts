import { unusedExcludeText } from '../src/plan/exclude-hints';
import { type Forecast, forecast } from '../src/plan/forecast';
import { countsOf, type Plan } from '../src/plan/plan';
import { keptOffTally } from '../src/plan/preflight';
import type { Target } from '../src/policy/resolve';
import { type TimerWindowInput, timerLines } from './deploy/window-check';
import { plural } from './plural';

const utc = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');

/**
 * A plan for a person: what would be done to which instance and why, in
 * order. With `targets`, one plan per target, headed by its region and project.
 */
export function printPlan(
  plan: Plan,
  out: NodeJS.WritableStream,
  o: {
    target?: Target | undefined;
    now?: number;
    runMs?: number;
    /** With `--deploy`: the deployed timers, to hold against the forecast. */
    timers?: readonly TimerWindowInput[] | undefined;
  } = {},
): void {
  const p = plan.policy;
  const verb = p.action === 'restart' ? 'restart' : 'delete';
  const { target } = o;
  const on = target
    ? ` in ${target.account ? `account ${target.account}, ` : ''}${target.region}, project ${target.projectId}`
    : '';
  out.write(`\nplan for ${p.name} (${p.action})${on}; nothing has been changed\n`);
  for (const l of headLines(plan, verb, o.now)) out.write(`  ${l}\n`);
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
  const f = o.runMs === undefined ? undefined : forecast(plan, o.runMs);
  if (f && !plan.refusal) out.write(`  ${forecastLine(f, plan.campaign?.window !== undefined)}\n`);
  if (f && o.timers) for (const l of timerLines(o.timers, p, f.runs)) out.write(`  ${l}\n`);
  for (const l of countLines(plan, verb)) out.write(`  ${l}\n`);
}

/** When the plan is judged, the window, a refusal or nothing to do, no-match hints, unused exclude keys, the mode. */
function headLines(plan: Plan, verb: string, now: number | undefined): string[] {
  const lines: string[] = [];
  const at = plan.judgedAt;
  if (at !== undefined && now !== undefined && Math.abs(at - now) > 60_000) {
    lines.push(
      `as at ${utc(at)}: the window, its cutoff and the marks as then, with the listing of now`,
    );
  }
  const w = plan.campaign?.window;
  if (w) {
    lines.push(
      `window ${utc(w.opensAt)} to ${utc(w.closesAt)}; no new restart starts from ${utc(w.cutoffAt)}`,
    );
  }
  if (plan.refusal) {
    lines.push(`REFUSED: ${plan.refusal}`);
  } else if (plan.inCutoff) {
    const n = countsOf(plan).selected;
    lines.push(`inside the window's cutoff: no wave starts; ${n} left for the next window`);
  } else if (plan.batches.length === 0) {
    lines.push(`nothing to ${verb}`);
  }
  for (const h of plan.noMatch) lines.push(`no match: ${h}`);
  for (const u of plan.unusedExcludes) lines.push(`warning: ${unusedExcludeText(u)}`);
  if (plan.mode) lines.push(`mode: ${plan.mode.mode} (${plan.mode.reason})`);
  return lines;
}

/** maxInstances and headroom, the pre-flight's tally, the counts: each read from the verdicts. */
function countLines(plan: Plan, verb: string): string[] {
  const p = plan.policy;
  const c = countsOf(plan);
  const room = plan.headroom < 0 ? `over by ${-plan.headroom}` : `headroom ${plan.headroom}`;
  const lines = [`maxInstances ${p.maxInstances}: ${c.selected} selected, ${room}`];
  const checked = Object.values(plan.preflight ?? {});
  if (checked.length > 0) {
    const pass = checked.filter((x) => x.pass).length;
    const kept = checked.length - pass;
    const why = kept > 0 ? ` (${keptOffTally(checked)})` : '';
    lines.push(
      `pre-flight (Kafka, read now): ${pass} pass, ${kept} kept off${why}; a live run reads again right before each restart`,
    );
  }
  const acting = plan.refusal ? `refused ${c.refused}` : `would ${verb} ${c.acting}`;
  lines.push(
    `listed ${plan.listed.length}, matched ${c.matched}: ${acting}, skipped ${c.skipped}; every instance is read again right before its call`,
  );
  return lines;
}

const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;

/** A campaign's forecast in one line. */
function forecastLine(f: Forecast, windowed: boolean): string {
  if (f.left === 0) {
    const kept = f.keptOff > 0 ? ` but the ${f.keptOff} the pre-flight keeps off` : '';
    return `forecast: nothing left to restart in this period${kept}`;
  }
  const where = windowed ? ' inside the window' : '';
  const wave =
    f.waveMaxMs === undefined ? 'without waiting' : `a wave takes up to ${minutes(f.waveMaxMs)}`;
  const perRun =
    f.waveMaxMs === undefined
      ? 'every wave in one run'
      : `${plural(f.wavesPerRun, 'wave')} a run of up to ${minutes(f.runMs)}`;
  const kept = f.keptOff > 0 ? ` (${f.keptOff} more kept off by the pre-flight as read now)` : '';
  return `forecast: ${f.left} left in this period${kept}, ${plural(f.waves, 'wave')} of up to ${f.batchSize}; ${wave}; ${perRun}: ${plural(f.runs, 'run')}${where} to finish`;
}
