/**
 * Kafka-aware judgement, pure: is an instance's cluster fit to lose one
 * broker at a time (before a restart), and is it whole again (after)?
 *
 * DMS restarts an instance's brokers one at a time; a topic with several
 * in-sync replicas stays available, a topic with one replica cannot take
 * messages while its broker restarts, and a cluster already short of
 * in-sync replicas can lose partitions when another broker goes down.
 * Source: https://support.huaweicloud.com/intl/en-us/usermanual-kafka/kafka-ug-180604015.html
 */
import type { KafkaCluster, KafkaTopic } from '../dms/wire';

/** What the reads before a restart gave: the cluster, its topics, or why not. */
export interface KafkaRead {
  cluster?: KafkaCluster;
  /** The instance's `broker_num`: the brokers the cluster must list. */
  brokerNum?: number | undefined;
  /** Read only when the cluster passed. */
  topics?: readonly KafkaTopic[];
  /** A read that failed or was answered malformed: no evidence of health. */
  unreadable?: string;
}

export type Preflight =
  | {
      pass: true;
      /** "3 brokers healthy, 300 of 300 replicas in sync, 120 of 120 partitions online". */
      health: string;
      /** Topics with one replica that the policy lets go dark during the restart. */
      singleReplicaAllowed?: number;
    }
  | { pass: false; reason: string };

/** How many single-replica topics a reason names. */
const NAMED = 5;

/**
 * Why a cluster is not whole: a broker missing or down, offline partitions,
 * replicas out of sync. Kafka's metadata lists only the brokers registered
 * now, so one that is down may be missing rather than unhealthy: the brokers
 * listed are held against the instance's `broker_num` when it is known.
 */
export function clusterProblem(c: KafkaCluster, brokerNum?: number): string | undefined {
  const expected = Math.max(brokerNum ?? 0, c.brokers.length);
  if (c.brokers.length < expected) {
    return `${expected - c.brokers.length} of ${expected} brokers missing from the cluster (${c.brokers.length} listed)`;
  }
  const sick = c.brokers.filter((b) => !b.healthy).map((b) => b.id);
  if (sick.length > 0) {
    return `broker ${sick.join(', ')} of ${c.brokers.length} not healthy`;
  }
  if (c.onlinePartitions < c.partitions) {
    return `${c.partitions - c.onlinePartitions} of ${c.partitions} partitions offline`;
  }
  if (c.inSyncReplicas < c.replicas) {
    return `${c.replicas - c.inSyncReplicas} of ${c.replicas} replicas out of sync`;
  }
  return undefined;
}

/** The counts a record carries, in words. */
export function healthLine(c: KafkaCluster, brokerNum?: number): string {
  const healthy = c.brokers.filter((b) => b.healthy).length;
  const of = Math.max(brokerNum ?? 0, c.brokers.length);
  return `${healthy} of ${of} brokers healthy, ${c.inSyncReplicas} of ${c.replicas} replicas in sync, ${c.onlinePartitions} of ${c.partitions} partitions online`;
}

/**
 * The verdict before a restart. A read that failed is never taken for
 * health; a cluster not whole, or with topics of one replica the policy does
 * not accept, is skipped with the counts.
 */
export function preflightVerdict(read: KafkaRead, allowSingleReplicaTopics: boolean): Preflight {
  if (read.unreadable !== undefined || !read.cluster) {
    return {
      pass: false,
      reason: `pre-flight: the cluster could not be read (${read.unreadable ?? 'no answer'}); no evidence that a restart is safe`,
    };
  }
  const c = read.cluster;
  const problem = clusterProblem(c, read.brokerNum);
  if (problem) {
    return {
      pass: false,
      reason: `pre-flight: ${problem}; a restart now could take partitions offline (${healthLine(c, read.brokerNum)})`,
    };
  }
  if (!read.topics) {
    return {
      pass: false,
      reason: 'pre-flight: the topics could not be read; no evidence that a restart is safe',
    };
  }
  const single = read.topics.filter((t) => t.replication < 2).map((t) => t.name);
  if (single.length > 0 && !allowSingleReplicaTopics) {
    const named = single.slice(0, NAMED).join(', ');
    const more = single.length > NAMED ? ` and ${single.length - NAMED} more` : '';
    return {
      pass: false,
      reason: `pre-flight: ${single.length === 1 ? '1 topic' : `${single.length} topics`} with one replica (${named}${more}) cannot take messages while ${single.length === 1 ? 'its broker restarts' : 'their brokers restart'}; set allowSingleReplicaTopics: true if the owner accepts that`,
    };
  }
  const health = healthLine(c, read.brokerNum);
  return single.length > 0
    ? { pass: true, health, singleReplicaAllowed: single.length }
    : { pass: true, health };
}

/** One instance's pre-flight in a plan: the verdict in words. */
export interface PlannedPreflight {
  pass: boolean;
  /** The counts when it passes; the reason when it does not. */
  text: string;
}

/** A passing verdict in words: the counts, and the single-replica topics the policy allows. */
export function preflightText(v: Extract<Preflight, { pass: true }>): string {
  const single = v.singleReplicaAllowed
    ? `; ${v.singleReplicaAllowed} single-replica topics allowed by the policy`
    : '';
  return `${v.health}${single}`;
}
