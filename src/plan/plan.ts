import { isKnownStatus } from '../dms/status';
import type { KafkaInstance } from '../dms/wire';
import type { Policy } from '../policy/resolve';
import { chooseMode, type ModeChoice } from './mode';
import { type JudgeOptions, type Selection, selectInstances } from './select';

/**
 * What a run would do, as data: the selection, the refusal if there is one,
 * the cleanup mode and the rule that chose it, and the write calls in order.
 * The run carries it out, re-checking every instance before every call; the
 * `plan` command prints it.
 */
export interface Plan {
  policy: Policy;
  listed: readonly KafkaInstance[];
  selection: Selection;
  /** Set when more instances would be acted on than `maxInstances`: nothing is done. */
  refusal: string | undefined;
  /** How many more instances `maxInstances` would allow (negative when refused). */
  headroom: number;
  /** Cleanup only. */
  mode: ModeChoice | undefined;
  /** The write calls in order: restart waves or delete batches; one for `all_failure`. */
  batches: KafkaInstance[][];
  /** Instances in a status DMS never documented, by status. */
  unknownStatuses: ReadonlyMap<string, readonly string[]>;
}

/**
 * Plans a run from a listing. Pure: the same listing, policy and judging
 * (the time, a campaign's period and marks) give the same plan.
 *
 * @example makePlan(policy, await dms.listInstances({ includeFailure: true }))
 */
export function makePlan(
  policy: Policy,
  listed: readonly KafkaInstance[],
  judging: JudgeOptions = {},
): Plan {
  const selection = selectInstances(listed, policy, judging);
  const eligible = selection.eligible;
  const headroom = policy.maxInstances - eligible.length;
  const refusal =
    headroom < 0
      ? `${eligible.length} instances match, more than maxInstances ${policy.maxInstances}; nothing was changed`
      : undefined;
  const mode =
    policy.action === 'cleanup-failed' ? chooseMode(policy, listed, selection) : undefined;
  const batches =
    eligible.length === 0
      ? []
      : mode?.mode === 'all_failure'
        ? [[...eligible]]
        : chunk(eligible, policy.batchSize);
  return {
    policy,
    listed,
    selection,
    refusal,
    headroom,
    mode,
    batches,
    unknownStatuses: byUnknownStatus(listed),
  };
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function byUnknownStatus(listed: readonly KafkaInstance[]): Map<string, string[]> {
  const unknown = new Map<string, string[]>();
  for (const i of listed) {
    if (isKnownStatus(i.status)) continue;
    unknown.set(i.status, [...(unknown.get(i.status) ?? []), i.instance_id]);
  }
  return unknown;
}
