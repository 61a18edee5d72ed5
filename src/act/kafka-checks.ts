import pLimit from 'p-limit';
import { isCloudApiError } from '../cloud/errors';
import type { DmsClient } from '../dms/client';
import type { KafkaInstance } from '../dms/wire';
import { decide, type Known } from '../plan/decision';
import { latestRegistration } from '../plan/evidence';
import { HOLD_KEY, type Hold, holdTag } from '../plan/hold';
import type { Plan } from '../plan/plan';
import {
  clusterProblem,
  healthLine,
  type KafkaRead,
  type Preflight,
  preflightVerdict,
} from '../plan/preflight';
import type { KafkaChecks } from '../policy/resolve';
import { Outcome } from '../report/records';
import { type ActContext, READ_CONCURRENCY } from './context';

/**
 * A dry run's (and `plan`'s) pre-flight: each instance the plan would
 * restart has its cluster read now, and the plan is decided again with
 * those verdicts. A live run reads right before each wave instead
 * ({@link preflight}), and never twice.
 */
export async function preflightPlan(dms: DmsClient, known: Known, plan: Plan): Promise<Plan> {
  const checks = plan.policy.kafkaChecks;
  const would = plan.verdicts.filter((v) => v.by === 'acted').map((v) => v.instance);
  if (!checks || plan.refusal || would.length === 0) return plan;
  const reads = await readKafka(dms, would, true);
  const verdicts = new Map<string, Preflight>();
  for (const [id, read] of reads)
    verdicts.set(id, preflightVerdict(read, checks.allowSingleReplicaTopics));
  return decide({ ...known, preflight: verdicts });
}

/**
 * The reads the Kafka checks make: one ShowCluster per instance, and its
 * topics only when the cluster passed. A read that fails is `unreadable`,
 * never a guess.
 */
export async function readKafka(
  dms: DmsClient,
  instances: readonly KafkaInstance[],
  withTopics: boolean,
): Promise<Map<string, KafkaRead>> {
  const limit = pLimit(READ_CONCURRENCY);
  const entries = await Promise.all(
    instances.map((inst) =>
      limit(async (): Promise<[string, KafkaRead]> => {
        const id = inst.instance_id;
        const brokerNum = inst.broker_num;
        try {
          const cluster = await dms.showCluster(id);
          if (!withTopics || clusterProblem(cluster, brokerNum))
            return [id, { cluster, brokerNum }];
          return [id, { cluster, brokerNum, topics: await dms.listTopics(id) }];
        } catch (e) {
          if (!isCloudApiError(e)) throw e;
          return [id, { unreadable: e.message, brokerNum }];
        }
      }),
    ),
  );
  return new Map(entries);
}

/** One instance's read before its wave: the pre-flight's verdict, and the brokers' latest registration. */
export interface WaveRead {
  verdict: Preflight;
  registered?: number;
}

/** The pre-flight's reads for instances about to be taken into a wave. */
export async function readPreflight(
  ctx: ActContext,
  checks: KafkaChecks,
  instances: readonly KafkaInstance[],
): Promise<Map<string, WaveRead>> {
  const reads = await readKafka(ctx.dms, instances, true);
  const out = new Map<string, WaveRead>();
  for (const inst of instances) {
    const read = reads.get(inst.instance_id) ?? {};
    const latest = read.cluster && latestRegistration(read.cluster);
    out.set(inst.instance_id, {
      verdict: preflightVerdict(read, checks.allowSingleReplicaTopics),
      ...(latest === undefined ? {} : { registered: latest }),
    });
  }
  return out;
}

/** What a wave's marks and gate take from reads before it: counts and registrations. */
export interface BeforeWave {
  health: Map<string, string>;
  registered: Map<string, number>;
}

/**
 * A wave whose instances all passed the pre-flight: their counts, which
 * the records carry, and their registration, which each mark carries.
 * Counts the instances let through with topics of one replica into the summary.
 */
export function passedPreflight(
  ctx: ActContext,
  reads: ReadonlyMap<string, WaveRead>,
  batch: readonly KafkaInstance[],
): BeforeWave {
  const before: BeforeWave = { health: new Map(), registered: new Map() };
  let allowed = 0;
  for (const inst of batch) {
    const r = reads.get(inst.instance_id);
    if (!r?.verdict.pass) continue;
    if (r.verdict.singleReplicaAllowed) allowed++;
    before.health.set(inst.instance_id, r.verdict.health);
    if (r.registered !== undefined) before.registered.set(inst.instance_id, r.registered);
  }
  if (allowed > 0) ctx.report.countSingleReplicaAllowed(allowed);
  return before;
}

/**
 * Without the Kafka checks, with `wait`: the brokers' latest registration,
 * read before the marks, which each mark carries as the evidence a later
 * look compares with.
 */
export async function readRegistrations(
  ctx: ActContext,
  wait: boolean,
  batch: readonly KafkaInstance[],
): Promise<BeforeWave> {
  const before: BeforeWave = { health: new Map(), registered: new Map() };
  if (!wait || batch.length === 0) return before;
  const reads = await readKafka(ctx.dms, batch, false);
  for (const [id, r] of reads) {
    const latest = r.cluster && latestRegistration(r.cluster);
    if (latest !== undefined) before.registered.set(id, latest);
  }
  return before;
}

/**
 * Instances on hold, looked at before any wave: a cluster whole again has
 * its hold taken off; one still not whole (or unreadable) stops the
 * campaign, and is recorded failed with the counts it shows now, so the
 * run fails and notifies until a person looks. Returns why the campaign
 * stops, one line an instance (empty when it may go on), and the holds
 * taken off.
 */
export async function settleHolds(
  ctx: ActContext,
  holds: readonly Hold[],
): Promise<{ stoppedBy: string[]; lifted: string[] }> {
  const lifted: string[] = [];
  if (holds.length === 0) return { stoppedBy: [], lifted };
  const reads = await readKafka(
    ctx.dms,
    holds.map((h) => h.instance),
    false,
  );
  const stoppedBy: string[] = [];
  for (const { instance, since } of holds) {
    const read = reads.get(instance.instance_id) ?? {};
    const problem = read.cluster
      ? clusterProblem(read.cluster, read.brokerNum)
      : `unreadable: ${read.unreadable}`;
    if (read.cluster && !problem) {
      await liftHold(ctx, instance, since);
      lifted.push(instance.instance_id);
      ctx.report.warn({
        message: `hold lifted: the cluster is whole again (${healthLine(read.cluster, read.brokerNum)})`,
        instanceId: instance.instance_id,
        holdSince: since,
      });
      continue;
    }
    const counts = read.cluster ? ` (${healthLine(read.cluster, read.brokerNum)})` : '';
    const why = `on hold since ${since}, still not healthy: ${problem}${counts}; remove the tag ${HOLD_KEY} from it to go on without waiting`;
    ctx.report.add(instance, { outcome: Outcome.Failed, reason: why });
    stoppedBy.push(`${instance.name} (${instance.instance_id}): ${why}`);
  }
  return { stoppedBy, lifted };
}

/** Takes a hold off. One that cannot be taken off is told, and the next run tries again. */
async function liftHold(ctx: ActContext, instance: KafkaInstance, since: string): Promise<void> {
  try {
    await ctx.dms.tagInstance(instance.instance_id, 'delete', [{ key: HOLD_KEY, value: since }]);
  } catch (e) {
    if (!isCloudApiError(e)) throw e;
    ctx.report.warn({
      message: `the hold could not be taken off (${e.message}); the cluster is whole, so this run goes on`,
      instanceId: instance.instance_id,
    });
  }
}

/**
 * Puts the hold on each instance whose restart the gate could not confirm.
 * The hold is the only record of the danger a later run reads, so one that
 * cannot be written is handed back, one line each, and the campaign stops
 * on it rather than going on with a warning.
 */
export async function putHolds(
  ctx: ActContext,
  held: readonly { instance: KafkaInstance }[],
): Promise<string[]> {
  const notWritten: string[] = [];
  const at = ctx.clock.now();
  for (const { instance } of held) {
    ctx.report.action('HoldUnhealthy', 1, [instance]);
    try {
      await ctx.dms.tagInstance(instance.instance_id, 'create', [holdTag(at)]);
    } catch (e) {
      if (!isCloudApiError(e)) throw e;
      const line = `${instance.name} (${instance.instance_id}): its restart was not confirmed and the hold ${HOLD_KEY} could not be put on it (${e.message}); no later run would know`;
      ctx.report.warn({ message: line, instanceId: instance.instance_id });
      notWritten.push(line);
    }
  }
  return notWritten;
}
