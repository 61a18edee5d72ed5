/**
 * Kafka inside each simulated instance: brokers, topics with a replication
 * factor, and what a restart does to them. DMS restarts the brokers one at a
 * time (https://support.huaweicloud.com/intl/en-us/usermanual-kafka/kafka-ug-180604015.html):
 * while a broker is down its replicas are out of sync, and a partition whose
 * only replica it holds is offline; once the restart is over, the last
 * broker's replicas catch up for `isrRecoveryMs`. Each broker registers
 * again in ZooKeeper when it comes back, so ShowCluster's `register_time`
 * moves for every broker a restart brought back, one after the other.
 */

/** A topic inside a simulated instance. */
export interface SimTopic {
  name: string;
  replication: number;
  partitions: number;
  /** The topic as a recording has it (`simulator --from`): ListInstanceTopics gives it as it is. */
  fields?: Record<string, unknown> | undefined;
}

/** An error DMS answered to a recorded read, answered again the same way. */
export interface RecordedError {
  status: number;
  error_code?: string | undefined;
  error_msg?: string | undefined;
}

/**
 * What a recording (`simulator --from`, simulator/from-dir.ts) holds of an
 * instance's Kafka. ShowCluster's answer is given as it was recorded, with
 * what a restart here changes applied on top (simulator/replay.ts): the
 * counts of a real cluster include topics ListInstanceTopics never lists.
 */
export interface RecordedKafka {
  /** ShowCluster's body as it came. */
  cluster?: unknown;
  /** ShowCluster was answered with this error. */
  clusterError?: RecordedError | undefined;
  /** ListInstanceTopics was answered with this error. */
  topicsError?: RecordedError | undefined;
}

/** Kafka inside a simulated instance; see simulator/kafka.ts. */
export interface SimKafka {
  brokers: number;
  topics: SimTopic[];
  /** Replicas out of sync whatever else happens: an instance that starts out of sync. */
  outOfSync?: number;
  /** This broker is down and stays down, its replicas out of sync. */
  brokenBroker?: number | undefined;
  /** The next restart leaves this broker down for good: a broker that never comes back. */
  breaksOnRestart?: number | undefined;
  /**
   * Brokers ShowCluster leaves out: Kafka's metadata lists only the brokers
   * registered now, so a broker that is gone is missing rather than unhealthy.
   */
  unlisted?: number[] | undefined;
  /**
   * Fields ShowCluster leaves out of its answer for this instance: a field
   * of the cluster (`isr_replicas_count`) or of every broker
   * (`brokers.is_health`). Every field of ShowCluster is optional in Huawei's
   * own models (Go SDK `model_show_cluster_resp_cluster.go` and
   * `model_show_cluster_resp_cluster_brokers.go`, Node SDK
   * `ShowClusterRespCluster`), so a client must expect any of them missing.
   * Which ones DMS really leaves out, and when, no source says.
   */
  omit?: ShowClusterField[] | undefined;
  /** When each broker last registered (the `register_time` ShowCluster gives); set by restarts. */
  registeredAt?: number[] | undefined;
  /** What a recording holds: answers given as they came. */
  recorded?: RecordedKafka | undefined;
}

/** A field of ShowCluster's answer, as {@link SimKafka.omit} names it. */
export type ShowClusterField =
  | 'controller'
  | 'brokers'
  | 'topics_count'
  | 'partitions_count'
  | 'online_partitions_count'
  | 'replicas_count'
  | 'isr_replicas_count'
  | 'consumers_count'
  | 'brokers.host'
  | 'brokers.port'
  | 'brokers.broker_id'
  | 'brokers.is_controller'
  | 'brokers.version'
  | 'brokers.register_time'
  | 'brokers.is_health';

const TOPIC_NAMES = ['orders', 'payments', 'audit', 'clicks', 'events', 'metrics'];

/** A healthy default from the id: 3 brokers, a few topics, each with 3 replicas. */
export function defaultKafka(id: string, brokers = 3): SimKafka {
  let h = 7;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  const n = 2 + (h % 3);
  const topics = TOPIC_NAMES.slice(0, n).map((name, i) => ({
    name,
    replication: Math.min(3, brokers),
    partitions: 3 + ((h >>> (i * 3)) % 10),
  }));
  return { brokers, topics };
}

interface Restart {
  start: number;
  end: number;
}

/** Each partition's replicas sit on brokers p, p+1, ... (mod the broker count). */
function replicaBrokers(t: SimTopic, p: number, brokers: number): number[] {
  const r = Math.min(t.replication, brokers);
  return Array.from({ length: r }, (_, k) => (p + k) % brokers);
}

export interface ClusterView {
  /** Brokers that are listed (see `SimKafka.unlisted`), with when each last registered. */
  brokers: { broker_id: number; healthy: boolean; registeredAt: number }[];
  partitions: number;
  online: number;
  replicas: number;
  inSync: number;
}

export class KafkaModel {
  private readonly byId = new Map<string, SimKafka>();
  private readonly restarts = new Map<string, Restart>();

  constructor(
    given: Record<string, Partial<SimKafka>>,
    private readonly isrRecoveryMs: number,
  ) {
    for (const [id, k] of Object.entries(given)) this.set(id, k);
  }

  of(id: string, brokers?: number): SimKafka {
    let k = this.byId.get(id);
    if (!k) {
      k = defaultKafka(id, brokers);
      this.byId.set(id, k);
    }
    return k;
  }

  /** Replaces what is given of the instance's Kafka; the rest stays. */
  set(id: string, k: Partial<SimKafka>): void {
    const now = this.byId.get(id) ?? defaultKafka(id, k.brokers);
    this.byId.set(id, { ...now, ...structuredClone(k) });
  }

  /** The instance is RESTARTING from `start` and back at `end`. */
  restartBegan(id: string, start: number, end: number): void {
    const k = this.byId.get(id);
    const r = this.restarts.get(id);
    // What the previous restart's brokers registered stays theirs.
    if (k && r) k.registeredAt = this.registrations(k, r, Number.POSITIVE_INFINITY, 0);
    this.restarts.set(id, { start, end });
  }

  /**
   * When each broker last registered at `now`: `since` (the instance's
   * creation) or, once a restart brought it back, the moment it came back.
   * A broker that a restart leaves down never registers again.
   */
  private registrations(k: SimKafka, r: Restart | undefined, now: number, since: number): number[] {
    const regs = Array.from({ length: k.brokers }, (_, b) => k.registeredAt?.[b] ?? since);
    if (!r) return regs;
    const slot = Math.max(1, r.end - r.start) / k.brokers;
    for (let b = 0; b < k.brokers; b++) {
      const back = r.start + Math.round((b + 1) * slot);
      const stays = b === k.breaksOnRestart || b === k.brokenBroker;
      if (now >= back && !stays) regs[b] = back;
    }
    return regs;
  }

  /** The restart is over: a broker told to break stays down from now on. */
  restartEnded(id: string): void {
    const k = this.byId.get(id);
    if (k?.breaksOnRestart !== undefined) {
      k.brokenBroker = k.breaksOnRestart;
      k.breaksOnRestart = undefined;
    }
  }

  /** What ShowCluster shows at `now`; `since` is when the instance was made. */
  cluster(id: string, now: number, brokerCount?: number, since = 0): ClusterView {
    const k = this.of(id, brokerCount);
    const down = new Set<number>();
    const lagging = new Set<number>();
    const r = this.restarts.get(id);
    if (r && now >= r.start && now < r.end) {
      const slot = Math.floor(((now - r.start) * k.brokers) / Math.max(1, r.end - r.start));
      down.add(Math.min(slot, k.brokers - 1));
    } else if (r && now >= r.end && now < r.end + this.isrRecoveryMs) {
      lagging.add(k.brokers - 1);
    }
    if (k.brokenBroker !== undefined) down.add(k.brokenBroker);
    let partitions = 0;
    let online = 0;
    let replicas = 0;
    let inSync = 0;
    for (const t of k.topics) {
      for (let p = 0; p < t.partitions; p++) {
        const on = replicaBrokers(t, p, k.brokers);
        partitions++;
        replicas += on.length;
        const live = on.filter((b) => !down.has(b));
        if (live.length > 0) online++;
        inSync += live.filter((b) => !lagging.has(b)).length;
      }
    }
    inSync = Math.max(0, inSync - (k.outOfSync ?? 0));
    const regs = this.registrations(k, r, now, since);
    const unlisted = new Set(k.unlisted ?? []);
    const brokers = Array.from({ length: k.brokers }, (_, b) => ({
      broker_id: b,
      healthy: !down.has(b),
      registeredAt: regs[b] ?? since,
    })).filter((b) => !unlisted.has(b.broker_id));
    return { brokers, partitions, online, replicas, inSync };
  }
}
