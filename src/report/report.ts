import type { Logger } from './logger';
import {
  type ActionRecord,
  type CampaignFields,
  type CleanupMode,
  isSuccess,
  Outcome,
  type OutcomeRecord,
  type RecordAction,
  type RunSummary,
  type WaveRecord,
} from './records';

/**
 * What a record names of an instance: the three fields of DMS's instance
 * (`RecordedInstance` in dms/wire.ts) that every record carries.
 */
export interface RecordedInstance {
  instance_id: string;
  name: string;
  status: string;
}

export type OutcomeDetail = Pick<
  OutcomeRecord,
  | 'outcome'
  | 'reason'
  | 'requestId'
  | 'errorCode'
  | 'attempts'
  | 'recoveredMs'
  | 'kafka'
  | 'healedMs'
  | 'evidence'
>;

/** The skip reason for instances the invocation ran out of time for. */
export const DEADLINE = 'deadline';

/** How many outcomes of each kind a run has recorded. */
export interface OutcomeCounts {
  matched: number;
  succeeded: number;
  failed: number;
  skipped: number;
  refused: number;
  /** Skipped because the deadline came first. */
  notReached: number;
}

/**
 * Collects one run's outcomes. Each record is logged the moment it is made,
 * so a run cut short still leaves every decision it reached in the log.
 * The report keeps counts and the ids it has recorded, not the records
 * themselves: the log has them, and a 10,000-instance run need not hold
 * them twice. An instance gets one record, whatever happens: a second is
 * refused with a warning, so the counts always add up.
 */
export class Report {
  private readonly tally: OutcomeCounts = {
    matched: 0,
    succeeded: 0,
    failed: 0,
    skipped: 0,
    refused: 0,
    notReached: 0,
  };
  private readonly failed: OutcomeRecord[] = [];
  private listed = 0;
  private mode: { mode: CleanupMode; reason: string } | undefined;
  private recorded = new Set<string>();
  private campaign: CampaignFields = {};
  private noMatch: string[] = [];

  constructor(
    private readonly log: Logger,
    private readonly base: {
      policy: string;
      action: RecordAction;
      dryRun: boolean;
      invocationId: string;
    },
  ) {}

  setListed(n: number): void {
    this.listed = n;
  }

  /** Why the selection found nothing, in the fleet's own words. */
  setNoMatch(hints: readonly string[]): void {
    this.noMatch = [...hints];
  }

  setMode(mode: CleanupMode, reason: string): void {
    this.mode = { mode, reason };
  }

  /** Adds to the campaign fields of the summary. */
  setCampaign(fields: CampaignFields): void {
    this.campaign = { ...this.campaign, ...fields };
  }

  /** Instances the pre-flight let through with topics of one replica, as the policy allows. */
  countSingleReplicaAllowed(n: number): void {
    this.campaign.singleReplicaAllowed = (this.campaign.singleReplicaAllowed ?? 0) + n;
  }

  /** A campaign's progress line. */
  wave(fields: Omit<WaveRecord, 'kind' | 'policy' | 'invocationId'>): void {
    const rec: WaveRecord = {
      kind: 'wave',
      policy: this.base.policy,
      invocationId: this.base.invocationId,
      ...fields,
    };
    this.log.info(rec);
  }

  has(instanceId: string): boolean {
    return this.recorded.has(instanceId);
  }

  add(instance: RecordedInstance, detail: OutcomeDetail): void {
    if (this.recorded.has(instance.instance_id)) {
      this.warn({
        message: 'a second outcome for one instance was dropped',
        instanceId: instance.instance_id,
        outcome: detail.outcome,
      });
      return;
    }
    const rec: OutcomeRecord = {
      kind: 'outcome',
      policy: this.base.policy,
      action: this.base.action,
      instanceId: instance.instance_id,
      instanceName: instance.name,
      status: instance.status,
      dryRun: this.base.dryRun,
      outcome: detail.outcome,
    };
    if (detail.requestId) rec.requestId = detail.requestId;
    if (detail.reason) rec.reason = detail.reason;
    if (detail.errorCode) rec.errorCode = detail.errorCode;
    if (detail.attempts) rec.attempts = detail.attempts;
    if (detail.recoveredMs !== undefined) rec.recoveredMs = detail.recoveredMs;
    if (detail.kafka) rec.kafka = detail.kafka;
    if (detail.healedMs !== undefined) rec.healedMs = detail.healedMs;
    if (detail.evidence) rec.evidence = detail.evidence;
    this.count(rec);
    this.recorded.add(rec.instanceId);
    const level =
      rec.outcome === Outcome.Failed ||
      rec.outcome === Outcome.Refused ||
      rec.outcome === Outcome.DeletedUnplanned
        ? 'error'
        : 'info';
    this.log[level](rec);
  }

  /** The outcomes recorded so far, by kind. */
  get counts(): Readonly<OutcomeCounts> {
    return { ...this.tally };
  }

  /** The failed records so far: few, and what a campaign stops on. */
  get failures(): readonly OutcomeRecord[] {
    return this.failed;
  }

  private count(rec: OutcomeRecord): void {
    const t = this.tally;
    t.matched++;
    if (isSuccess(rec.outcome)) t.succeeded++;
    else if (rec.outcome === Outcome.Failed || rec.outcome === Outcome.DeletedUnplanned) {
      t.failed++;
      this.failed.push(rec);
    } else if (rec.outcome === Outcome.Refused) t.refused++;
    else if (rec.outcome === Outcome.Skipped) {
      t.skipped++;
      if (rec.reason === DEADLINE) t.notReached++;
    }
  }

  /** Records every one of `instances` as skipped, for one reason. */
  skipAll(instances: readonly RecordedInstance[], reason: string): void {
    for (const inst of instances) this.add(inst, { outcome: Outcome.Skipped, reason });
  }

  /** The line before a write call. */
  action(operation: string, attempt: number, instances: readonly RecordedInstance[]): void {
    const rec: ActionRecord = {
      kind: 'action',
      policy: this.base.policy,
      invocationId: this.base.invocationId,
      operation,
      attempt,
      instances: instances.map((i) => ({ id: i.instance_id, name: i.name })),
    };
    this.log.info(rec);
  }

  /** Something an operator should know that is not an instance's outcome. */
  warn(fields: Record<string, unknown>): void {
    this.log.warn({
      kind: 'warning',
      policy: this.base.policy,
      invocationId: this.base.invocationId,
      ...fields,
    });
  }

  summary(durationMs: number, error?: string): RunSummary {
    const t = this.tally;
    const notReached = t.notReached;
    const s: RunSummary = {
      kind: 'summary',
      policy: this.base.policy,
      action: this.base.action,
      dryRun: this.base.dryRun,
      listed: this.listed,
      matched: t.matched,
      succeeded: t.succeeded,
      failed: t.failed,
      skipped: t.skipped,
      refused: t.refused > 0,
      complete: notReached === 0 && !error,
      notReached,
      durationMs,
      invocationId: this.base.invocationId,
      ...this.campaign,
    };
    if (this.mode) {
      s.mode = this.mode.mode;
      s.modeReason = this.mode.reason;
    }
    if (this.noMatch.length > 0) s.noMatch = this.noMatch;
    if (error) s.error = error;
    return s;
  }
}
