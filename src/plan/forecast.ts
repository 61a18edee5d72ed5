import type { Policy } from '../policy/resolve';
import { countsOf, type Plan } from './plan';

/** How a campaign's work divides into waves and runs. */
export interface Runs {
  waves: number;
  /** Waves one run can finish; all of them without waiting. */
  wavesPerRun: number;
  /** Runs (timer firings inside the window) needed to finish. */
  runs: number;
}

/** A campaign's remaining work, as {@link Runs}, with what it rests on. */
export interface Forecast extends Runs {
  /**
   * Instances the plan would restart, now or once no cutoff or hold keeps
   * its waves back: its verdicts, less those the pre-flight keeps off.
   */
  left: number;
  /** Kept off by the pre-flight as read: not counted in `left`. */
  keptOff: number;
  batchSize: number;
  /** The longest a wave may take: `waitForRunning.timeoutSeconds`; undefined without waiting. */
  waveMaxMs: number | undefined;
  /** How long one run may last. */
  runMs: number;
}

/**
 * Restarting `instances` under `policy` when one run may last `runMs` (the
 * function's timeout). Worst case: every wave takes its whole
 * `waitForRunning` timeout; without waiting, one run sends every wave.
 */
export function campaignRuns(policy: Policy, instances: number, runMs: number): Runs {
  const waves = Math.ceil(instances / policy.batchSize);
  const wait = policy.waitForRunning;
  const wavesPerRun = wait ? Math.max(1, Math.floor(runMs / wait.timeoutMs)) : Math.max(waves, 1);
  return { waves, wavesPerRun, runs: waves === 0 ? 0 : Math.ceil(waves / wavesPerRun) };
}

/** What finishing a campaign's period takes, from its plan. */
export function forecast(plan: Plan, runMs: number): Forecast | undefined {
  if (!plan.campaign || plan.policy.action !== 'restart') return undefined;
  const counts = countsOf(plan);
  const left = counts.selected - counts.preflight;
  return {
    left,
    keptOff: counts.preflight,
    batchSize: plan.policy.batchSize,
    waveMaxMs: plan.policy.waitForRunning?.timeoutMs,
    runMs,
    ...campaignRuns(plan.policy, left, runMs),
  };
}
