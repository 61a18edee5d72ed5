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

/**
 * What kept an instance off, for the plan's tally (`2 kept off (replicas
 * out of sync: 1, field missing from ShowCluster: 1)`).
 */
export type KeptOffKind =
  | 'brokers-missing'
  | 'broker-unhealthy'
  | 'partitions-offline'
  | 'replicas-out-of-sync'
  | 'single-replica'
  | 'field-missing'
  | 'topics-unreadable'
  | 'unreadable';

/** Each kind in the words of the plan's tally, in its order: what was seen, then what was not. */
export const KEPT_OFF_WORDS: Readonly<Record<KeptOffKind, string>> = {
  'brokers-missing': 'brokers missing',
  'broker-unhealthy': 'broker not healthy',
  'partitions-offline': 'partitions offline',
  'replicas-out-of-sync': 'replicas out of sync',
  'single-replica': 'single-replica topics',
  'field-missing': 'field missing from ShowCluster',
  'topics-unreadable': 'topics unreadable',
  unreadable: 'cluster unreadable',
};

export type Preflight =
  | {
      pass: true;
      /** "3 brokers healthy, 300 of 300 replicas in sync, 120 of 120 partitions online". */
      health: string;
      /** Topics with one replica that the policy lets go dark during the restart. */
      singleReplicaAllowed?: number;
    }
  | { pass: false; reason: string; kind: KeptOffKind };

/** How many single-replica topics a reason names. */
const NAMED = 5;

/** Why a cluster is not whole, and what kind of reason that is. */
export interface ClusterFault {
  kind: KeptOffKind;
  text: string;
}

/**
 * Why a cluster is not whole: a broker missing or down, offline partitions,
 * replicas out of sync, or, when none of those shows, a field the judgement
 * needs that ShowCluster left out. Kafka's metadata lists only the brokers
 * registered now, so one that is down may be missing rather than unhealthy:
 * the brokers listed are held against the instance's `broker_num` when it is
 * known. A field left out is unknown, never taken for health.
 */
export function clusterFault(c: KafkaCluster, brokerNum?: number): ClusterFault | undefined {
  const brokers = c.brokers;
  if (brokers) {
    const expected = Math.max(brokerNum ?? 0, brokers.length);
    if (brokers.length < expected) {
      const text = `${expected - brokers.length} of ${expected} brokers missing from the cluster (${brokers.length} listed)`;
      return { kind: 'brokers-missing', text };
    }
    const sick = brokers.flatMap((b, i) => (b.healthy === false ? [brokerLabel(b.id, i)] : []));
    if (sick.length > 0) {
      const text = `broker ${sick.join(', ')} of ${brokers.length} not healthy`;
      return { kind: 'broker-unhealthy', text };
    }
  }
  const { partitions: all, onlinePartitions: online, replicas, inSyncReplicas: isr } = c;
  if (all !== undefined && online !== undefined && online < all) {
    return { kind: 'partitions-offline', text: `${all - online} of ${all} partitions offline` };
  }
  if (replicas !== undefined && isr !== undefined && isr < replicas) {
    const text = `${replicas - isr} of ${replicas} replicas out of sync`;
    return { kind: 'replicas-out-of-sync', text };
  }
  const missing = missingFields(c);
  return missing.length === 0
    ? undefined
    : { kind: 'field-missing', text: `ShowCluster gave no ${missing.join(', no ')}` };
}

/** {@link clusterFault} in words, or undefined when the cluster is whole. */
export function clusterProblem(c: KafkaCluster, brokerNum?: number): string | undefined {
  return clusterFault(c, brokerNum)?.text;
}

/** The fields the judgement needs that ShowCluster left out, each in words with its wire name. */
function missingFields(c: KafkaCluster): string[] {
  const out: string[] = [];
  if (!c.brokers) out.push('broker list (brokers)');
  const unknown = (c.brokers ?? []).flatMap((b, i) =>
    b.healthy === undefined ? [brokerLabel(b.id, i)] : [],
  );
  if (unknown.length > 0) out.push(`health of broker ${unknown.join(', ')} (is_health)`);
  if (c.partitions === undefined) out.push('partition count (partitions_count)');
  if (c.onlinePartitions === undefined) {
    out.push('online partition count (online_partitions_count)');
  }
  if (c.replicas === undefined) out.push('replica count (replicas_count)');
  if (c.inSyncReplicas === undefined) out.push('in-sync replica count (isr_replicas_count)');
  return out;
}

/** A broker by its id, or by its place in the list when ShowCluster gave no `broker_id`. */
function brokerLabel(id: string | undefined, index: number): string {
  return id ?? `#${index + 1} (no broker_id)`;
}

/** The counts a record carries, in words; `?` for a count ShowCluster left out. */
export function healthLine(c: KafkaCluster, brokerNum?: number): string {
  const brokers = c.brokers;
  const healthy = brokers ? String(brokers.filter((b) => b.healthy === true).length) : '?';
  const of = brokers ? Math.max(brokerNum ?? 0, brokers.length) : (brokerNum ?? '?');
  const n = (v: number | undefined) => (v === undefined ? '?' : String(v));
  return `${healthy} of ${of} brokers healthy, ${n(c.inSyncReplicas)} of ${n(c.replicas)} replicas in sync, ${n(c.onlinePartitions)} of ${n(c.partitions)} partitions online`;
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
      kind: 'unreadable',
      reason: `pre-flight: the cluster could not be read (${read.unreadable ?? 'no answer'}); no evidence that a restart is safe`,
    };
  }
  const c = read.cluster;
  const fault = clusterFault(c, read.brokerNum);
  if (fault) {
    const counts = healthLine(c, read.brokerNum);
    const why =
      fault.kind === 'field-missing'
        ? 'no evidence that a restart is safe'
        : 'a restart now could take partitions offline';
    return {
      pass: false,
      kind: fault.kind,
      reason: `pre-flight: ${fault.text}; ${why} (${counts})`,
    };
  }
  if (!read.topics) {
    return {
      pass: false,
      kind: 'topics-unreadable',
      reason: 'pre-flight: the topics could not be read; no evidence that a restart is safe',
    };
  }
  return topicsVerdict(read.topics, allowSingleReplicaTopics, healthLine(c, read.brokerNum));
}

/** A whole cluster's verdict on its topics: single-replica ones keep it off unless allowed. */
function topicsVerdict(
  topics: readonly KafkaTopic[],
  allowSingleReplicaTopics: boolean,
  health: string,
): Preflight {
  const single = topics.filter((t) => t.replication < 2).map((t) => t.name);
  if (single.length > 0 && !allowSingleReplicaTopics) {
    const named = single.slice(0, NAMED).join(', ');
    const more = single.length > NAMED ? ` and ${single.length - NAMED} more` : '';
    return {
      pass: false,
      kind: 'single-replica',
      reason: `pre-flight: ${single.length === 1 ? '1 topic' : `${single.length} topics`} with one replica (${named}${more}) cannot take messages while ${single.length === 1 ? 'its broker restarts' : 'their brokers restart'}; set allowSingleReplicaTopics: true if the owner accepts that`,
    };
  }
  return single.length > 0
    ? { pass: true, health, singleReplicaAllowed: single.length }
    : { pass: true, health };
}

/** One instance's pre-flight in a plan: the verdict in words. */
export interface PlannedPreflight {
  pass: boolean;
  /** The counts when it passes; the reason when it does not. */
  text: string;
  /** What kept it off, when it did not pass. */
  kind?: KeptOffKind;
}

/** A passing verdict in words: the counts, and the single-replica topics the policy allows. */
export function preflightText(v: Extract<Preflight, { pass: true }>): string {
  const single = v.singleReplicaAllowed
    ? `; ${v.singleReplicaAllowed} single-replica topics allowed by the policy`
    : '';
  return `${v.health}${single}`;
}

/**
 * The instances a plan's pre-flight kept off, counted by kind, in the order
 * of {@link KEPT_OFF_WORDS}: `1 replicas out of sync, 1 field missing from ShowCluster`.
 */
export function keptOffTally(planned: readonly PlannedPreflight[]): string {
  const counts = new Map<string, number>();
  for (const p of planned) {
    if (p.pass) continue;
    const words = p.kind ? KEPT_OFF_WORDS[p.kind] : 'other';
    counts.set(words, (counts.get(words) ?? 0) + 1);
  }
  const order = [...Object.values(KEPT_OFF_WORDS), 'other'];
  return order
    .filter((w) => counts.has(w))
    .map((w) => `${w}: ${counts.get(w)}`)
    .join(', ');
}
