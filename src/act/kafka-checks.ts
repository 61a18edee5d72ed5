import pLimit from 'p-limit';
import { isCloudApiError } from '../cloud/errors';
import type { DmsClient } from '../dms/client';
import type { KafkaInstance } from '../dms/wire';
import { decide, type Known } from '../plan/decision';
import { latestRegistration } from '../plan/evidence';
import type { Plan } from '../plan/plan';
import {
  clusterProblem,
  type KafkaRead,
  type Preflight,
  preflightVerdict,
} from '../plan/preflight';
import type { KafkaChecks } from '../policy/resolve';
import { type ActContext, READ_CONCURRENCY } from './context';

/**
 * A dry run's (and `plan`'s) pre-flight: each instance the plan would
 * restart has its cluster read now, and the plan is decided again with
 * those verdicts. A live run reads right before each wave instead
 * ({@link readPreflight}, as each wave comes), and never twice.
 */
export async function preflightPlan(dms: DmsClient, known: Known, plan: Plan): Promise<Plan> {
  const checks = plan.policy.kafkaChecks;
  const would = plan.verdicts.filter((v) => v.by === 'acted').map((v) => v.instance);
  if (!checks || plan.refusal || would.length === 0) return plan;
  const reads = await readPreflight(dms, checks, would);
  return decide({ ...known, preflight: new Map([...reads].map(([id, r]) => [id, r.verdict])) });
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
  dms: DmsClient,
  checks: KafkaChecks,
  instances: readonly KafkaInstance[],
): Promise<Map<string, WaveRead>> {
  const reads = await readKafka(dms, instances, true);
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
