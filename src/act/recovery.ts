import { Outcome } from '../report/records';
import type { OutcomeDetail } from '../report/report';
import { type ActContext, DEADLINE } from './context';
import { readStatuses } from './status';
import type { AfterBatch, Decision } from './writes';

/** How long to wait for a restarted wave to be RUNNING again, and how often to look. */
export interface WaitForRunning {
  timeoutMs: number;
  pollMs: number;
}

/** Statuses on the way back from a restart. */
const ON_THE_WAY = new Set(['RESTARTING', 'STARTING']);

export const STOPPED_AFTER_BAD_WAVE = 'not started: an earlier wave did not return to RUNNING';

/**
 * Makes restarts go in safe waves: after each batch, polls the instances it
 * restarted until they are RUNNING again. One that lands anywhere else, or
 * is still restarting at the timeout, is recorded as failed, and the waves
 * after it are not started. Polling stops at the invocation's safety margin;
 * instances not yet confirmed then stay `restarted`, with the reason.
 */
export function waitForRunning(ctx: ActContext, wait: WaitForRunning): AfterBatch {
  return async (decisions) => {
    const started = ctx.clock.now();
    const waiting = new Map<string, Decision>();
    for (const d of decisions) {
      if (d.detail.outcome === Outcome.Restarted) waiting.set(d.instance.instance_id, d);
    }
    const settled = new Map<string, OutcomeDetail>();
    let bad = 0;
    let cutByDeadline = false;

    while (waiting.size > 0) {
      const untilTimeout = started + wait.timeoutMs - ctx.clock.now();
      const untilMargin = ctx.deadline.remainingMs() - ctx.deadline.marginMs;
      if (untilMargin <= 0) cutByDeadline = true;
      if (untilTimeout <= 0 || untilMargin <= 0) break;
      await ctx.clock.sleep(Math.min(wait.pollMs, untilTimeout, untilMargin));
      const live = await readStatuses(
        ctx,
        [...waiting.values()].map((d) => d.instance),
      );
      for (const [id, d] of waiting) {
        const st = live.get(id);
        // An unreadable status may be a passing fault: look again next time.
        if (!st || 'unreadable' in st || ON_THE_WAY.has(st.status)) continue;
        waiting.delete(id);
        if (st.status === 'RUNNING') {
          settled.set(id, { ...d.detail, recoveredMs: ctx.clock.now() - started });
        } else {
          bad++;
          const now =
            st.status === 'GONE' ? 'the instance no longer exists' : `status ${st.status}`;
          settled.set(id, {
            ...d.detail,
            outcome: Outcome.Failed,
            reason: `restarted, but then ${now} instead of RUNNING`,
          });
        }
      }
    }
    for (const [id, d] of waiting) {
      if (cutByDeadline) {
        settled.set(id, {
          ...d.detail,
          reason: 'restart accepted; RUNNING not confirmed before the deadline',
        });
      } else {
        bad++;
        settled.set(id, {
          ...d.detail,
          outcome: Outcome.Failed,
          reason: `restarted, but not RUNNING after ${Math.round(wait.timeoutMs / 1000)} s`,
        });
      }
    }
    return {
      decisions: decisions.map((d) => ({
        instance: d.instance,
        detail: settled.get(d.instance.instance_id) ?? d.detail,
      })),
      stop: bad > 0 ? STOPPED_AFTER_BAD_WAVE : cutByDeadline ? DEADLINE : undefined,
    };
  };
}
