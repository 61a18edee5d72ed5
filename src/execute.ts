import { cleanupFailed } from './act/cleanup';
import type { ActContext } from './act/context';
import { restartInstances } from './act/restart';
import type { Plan } from './plan';

/**
 * Carries out a plan: the writes, their read-backs and their records. Each
 * instance is read again and judged by the policy right before every call,
 * so the plan is a proposal, never a licence.
 */
export function executePlan(ctx: ActContext, plan: Plan): Promise<void> {
  return plan.policy.action === 'cleanup-failed'
    ? cleanupFailed(ctx, plan)
    : restartInstances(ctx, plan.batches, plan.policy.waitForRunning);
}
