import { InstanceStatus, type RestartableStatus } from '../dms/status';
import type { PolicyAction, PolicyFile, PolicySpec, TagSelector } from './schema';
import { DAYS, type WindowSpec } from './window';

/** One policy with the file's defaults applied: what the run acts on. */
export interface Policy {
  name: string;
  action: PolicyAction;
  dryRun: boolean;
  /** Absent for a cleanup-failed policy that uses `all_failure`. */
  select: Selector | undefined;
  exclude: TagSelector;
  maxInstances: number;
  batchSize: number;
  /** Restart only: wait for each batch to be RUNNING again before the next. */
  waitForRunning: WaitForRunning | undefined;
  /**
   * Restart only: read each instance's Kafka cluster before its restart
   * and wait for it to heal after; undefined when the policy turned it off.
   */
  kafkaChecks: KafkaChecks | undefined;
  /** Restart only: when the campaign may act. */
  window: WindowSpec | undefined;
  /** Restart only: a mark younger than this means done. */
  minIntervalMs: number;
  /** Cleanup only: a failed instance younger than this is kept. */
  minAgeMs: number;
  /** Cleanup only: `force_delete`, skipping the recycle bin. */
  forceDelete: boolean;
  /**
   * The regions and projects the policy runs on, each with its own client;
   * undefined for the one project the environment names.
   */
  targets: readonly Target[] | undefined;
}

/** One region and project a policy runs on; see docs/targets.md. */
export interface Target {
  region: string;
  projectId: string;
  /** Overrides the region's public endpoint. */
  endpoint?: string | undefined;
}

/** The Kafka checks' one choice: whether topics with one replica may go dark during a restart. */
export interface KafkaChecks {
  allowSingleReplicaTopics: boolean;
}

/** How long to wait for a restarted wave to be RUNNING again, and how often to look. */
export interface WaitForRunning {
  timeoutMs: number;
  pollMs: number;
}

export interface Selector {
  tags: TagSelector;
  /** Restart only; cleanup always means CREATEFAILED. */
  status: readonly RestartableStatus[];
  names: readonly string[];
}

export const DEFAULT_MAX_INSTANCES = 10;
export const DEFAULT_BATCH_SIZE = 10;
export const DEFAULT_WAIT_TIMEOUT_SECONDS = 720;
export const DEFAULT_POLL_SECONDS = 20;
export const DEFAULT_MIN_INTERVAL_MINUTES = 60;

/**
 * Applies `defaults` to each policy. A key the policy sets replaces the
 * default whole: a policy's `exclude` is not merged with the default one.
 * `dryRun` defaults to true: nothing changes until a policy says otherwise.
 */
export function resolvePolicies(file: PolicyFile): Map<string, Policy> {
  const d = file.defaults ?? {};
  const out = new Map<string, Policy>();
  for (const [name, p] of Object.entries(file.policies)) {
    out.set(name, {
      name,
      action: p.action,
      dryRun: p.dryRun ?? d.dryRun ?? true,
      select: p.select && {
        tags: p.select.tags ?? {},
        status: p.select.status ?? [InstanceStatus.Running],
        names: p.select.names ?? [],
      },
      exclude: (p.exclude ?? d.exclude)?.tags ?? {},
      maxInstances: p.maxInstances ?? d.maxInstances ?? DEFAULT_MAX_INSTANCES,
      batchSize: p.batchSize ?? d.batchSize ?? DEFAULT_BATCH_SIZE,
      waitForRunning: resolveWait(p.waitForRunning),
      kafkaChecks:
        p.action === 'restart' && p.kafkaChecks !== false
          ? { allowSingleReplicaTopics: p.allowSingleReplicaTopics ?? false }
          : undefined,
      window: p.window && {
        timezone: p.window.timezone,
        days: p.window.days ?? DAYS,
        start: p.window.start,
        end: p.window.end,
        cutoffMinutes: p.window.cutoffMinutes ?? 0,
      },
      minIntervalMs: (p.minIntervalMinutes ?? DEFAULT_MIN_INTERVAL_MINUTES) * 60_000,
      minAgeMs: Math.round((p.minAgeHours ?? 0) * 3_600_000),
      forceDelete: p.forceDelete ?? false,
      targets: (p.targets ?? d.targets)?.map((t) => ({ ...t })),
    });
  }
  return out;
}

function resolveWait(w: PolicySpec['waitForRunning']): WaitForRunning | undefined {
  if (w === undefined) return undefined;
  const o = w === true ? {} : w;
  return {
    timeoutMs: (o.timeoutSeconds ?? DEFAULT_WAIT_TIMEOUT_SECONDS) * 1000,
    pollMs: (o.pollSeconds ?? DEFAULT_POLL_SECONDS) * 1000,
  };
}
