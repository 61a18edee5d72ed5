/**
 * When a restart counts as done: the one gate every wave passes, whether the
 * run that restarted it watches it to the end or a later run finds it.
 *
 * A restart is done when three things are shown, within `timeoutSeconds` of
 * the restart call (for a restart an earlier run made, of its mark):
 * 1. DMS shows the instance RUNNING;
 * 2. the restart happened: DMS was seen to show it restarting, or every
 *    broker registered again in ZooKeeper since the mark (ShowCluster's
 *    `register_time`, later than the latest value read before the mark:
 *    values compared with values, never read as a unit of time);
 * 3. with the Kafka checks on, the cluster is whole: every broker of
 *    `broker_num` listed and healthy, every replica in sync, every partition
 *    online.
 * Pure: what was read comes in, the judgement goes out.
 */
import { InstanceStatus, RESTART_IN_PROGRESS } from '../dms/status';
import type { KafkaCluster } from '../dms/wire';
import { clusterProblem, healthLine } from './preflight';

/** What the brokers' registration times say about a restart since `registered` was read. */
export type ReRegistration = 'all' | 'some' | 'none' | 'unknown';

/** The latest `register_time` among the brokers, or undefined when none gives one. */
export function latestRegistration(c: KafkaCluster): number | undefined {
  let latest: number | undefined;
  for (const b of c.brokers ?? []) {
    if (b.registeredAt !== undefined) latest = Math.max(latest ?? b.registeredAt, b.registeredAt);
  }
  return latest;
}

/**
 * Which brokers registered again since `registered` (the latest value read
 * before the mark). `all` needs every broker the instance has listed, each
 * later than that value; unknown when there is nothing to compare.
 */
export function reRegistration(
  c: KafkaCluster | undefined,
  registered: number | undefined,
  brokerNum?: number,
): ReRegistration {
  if (!c?.brokers || registered === undefined) return 'unknown';
  const times = c.brokers.map((b) => b.registeredAt);
  if (times.length === 0 || times.some((t) => t === undefined)) return 'unknown';
  const later = times.filter((t) => (t ?? 0) > registered).length;
  if (later === 0) return 'none';
  const all = later === times.length && times.length >= (brokerNum ?? 0);
  return all ? 'all' : 'some';
}

/** Everything the gate looks at for one restarted instance. */
export interface RestartLook {
  /** The status DMS shows now; `gone` or `unreadable` when it shows none. */
  status: string | { gone: true } | { unreadable: string };
  /** DMS showed the instance restarting at some read since the restart call. */
  seenRestarting: boolean;
  /** The last cluster read, or why there is none. */
  cluster: KafkaCluster | { unreadable: string } | undefined;
  /** The brokers' latest registration before the mark, when it was read. */
  registered: number | undefined;
  brokerNum: number | undefined;
  /** The Kafka checks are on: the cluster must be whole. */
  heal: boolean;
  /** Since the restart call (or the mark, for an earlier run's restart). */
  elapsedMs: number;
  onsetMs: number;
  timeoutMs: number;
}

export type RestartState =
  | { state: 'waiting'; last: string }
  | { state: 'confirmed'; evidence: string; kafka?: string }
  | { state: 'bad'; reason: string; kafka?: string; last?: string }
  /** RUNNING, no broker registered again and never seen restarting, past the onset. */
  | { state: 'not-begun'; last: string; kafka?: string; whole: boolean };

/** The gate's judgement of one restart, from what was read last. */
export function judgeRestart(look: RestartLook): RestartState {
  const s = look.status;
  if (typeof s !== 'string') {
    if ('gone' in s) return { state: 'bad', reason: 'the instance no longer exists' };
    return late(look, `its status could not be read: ${s.unreadable}`);
  }
  if (RESTART_IN_PROGRESS.has(s)) return late(look, `status now ${s}`);
  if (s !== InstanceStatus.Running)
    return { state: 'bad', reason: `status ${s} instead of RUNNING` };
  const c = look.cluster && 'brokers' in look.cluster ? look.cluster : undefined;
  const rereg = reRegistration(c, look.registered, look.brokerNum);
  const kafka = c ? healthLine(c, look.brokerNum) : undefined;
  const problem = c ? clusterProblem(c, look.brokerNum) : undefined;
  const whole = c !== undefined && problem === undefined;
  if (!look.seenRestarting && rereg !== 'all') {
    const broken = look.heal && problem ? `; ${problem} (${kafka})` : '';
    const last = `RUNNING, ${registrationWords(rereg)}${broken}`;
    if (look.elapsedMs < Math.min(look.onsetMs, look.timeoutMs) || rereg === 'some') {
      return late(look, last);
    }
    return { state: 'not-begun', last, whole, ...(kafka ? { kafka } : {}) };
  }
  const evidence = [
    ...(look.seenRestarting ? ['DMS showed it restarting'] : []),
    ...(rereg === 'all' ? ['every broker registered again'] : []),
  ].join(', and ');
  if (!look.heal) return { state: 'confirmed', evidence };
  if (whole) return { state: 'confirmed', evidence, ...(kafka ? { kafka } : {}) };
  const why = c
    ? `${problem} (${kafka})`
    : `the cluster could not be read${look.cluster && 'unreadable' in look.cluster ? `: ${look.cluster.unreadable}` : ''}`;
  return late(look, why, kafka);
}

/** Still waiting, or out of time: `timeoutSeconds` since the restart call is all it gets. */
function late(look: RestartLook, last: string, kafka?: string): RestartState {
  if (look.elapsedMs < look.timeoutMs) return { state: 'waiting', last };
  return {
    state: 'bad',
    reason: `not confirmed within ${Math.round(look.timeoutMs / 1000)} s of its restart (last seen: ${last})`,
    last,
    ...(kafka ? { kafka } : {}),
  };
}

function registrationWords(r: ReRegistration): string {
  if (r === 'some') return 'only some brokers registered again since its mark';
  if (r === 'none') return 'no broker registered again since its mark';
  return 'not seen restarting';
}
