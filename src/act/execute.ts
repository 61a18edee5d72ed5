import type { Campaign } from '../plan/campaign';
import type { Plan } from '../plan/plan';
import type { Selection } from '../plan/select';
import { runCampaign } from './campaign';
import { cleanupFailed } from './cleanup';
import type { ActContext } from './context';

export interface ExecuteOptions {
  /** A restart policy's campaign in this invocation (its window is open). */
  campaign: Campaign | undefined;
  settleMs: number;
  /** A fresh listing, judged: a campaign looks at the fleet again before each wave. */
  relist: () => Promise<Selection>;
}

/**
 * Carries out a plan: the writes, their read-backs and their records. Each
 * instance is read again and judged by the policy right before every call,
 * so the plan is a proposal, never a licence.
 */
export async function executePlan(ctx: ActContext, plan: Plan, o: ExecuteOptions): Promise<void> {
  if (plan.policy.action === 'cleanup-failed') return cleanupFailed(ctx, plan);
  if (!o.campaign) throw new Error('a restart runs as a campaign; its window is closed');
  await runCampaign(
    ctx,
    {
      campaign: o.campaign,
      selection: plan.selection,
      batchSize: plan.policy.batchSize,
      wait: plan.policy.waitForRunning,
      settleMs: o.settleMs,
      kafka: plan.policy.kafkaChecks,
      holds: plan.held,
    },
    o.relist,
  );
}
