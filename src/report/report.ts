import type { KafkaInstance } from '../dms/wire';
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

export type OutcomeDetail = Pick<
  OutcomeRecord,
  'outcome' | 'reason' | 'requestId' | 'errorCode' | 'attempts' | 'recoveredMs'
>;

/** The skip reason for instances the invocation ran out of time for. */
export const DEADLINE = 'deadline';

/**
 * Collects one run's outcomes. Each record is logged the moment it is made,
 * so a run cut short still leaves every decision it reached in the log.
 * An instance gets one record, whatever happens: a second is refused with a
 * warning, so the counts always add up.
 */
export class Report {
  readonly records: OutcomeRecord[] = [];
  private listed = 0;
  private mode: { mode: CleanupMode; reason: string } | undefined;
  private recorded = new Set<string>();
  private campaign: CampaignFields = {};

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

  setMode(mode: CleanupMode, reason: string): void {
    this.mode = { mode, reason };
  }

  /** Adds to the campaign fields of the summary. */
  setCampaign(fields: CampaignFields): void {
    this.campaign = { ...this.campaign, ...fields };
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

  add(instance: KafkaInstance, detail: OutcomeDetail): void {
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
    this.records.push(rec);
    this.recorded.add(rec.instanceId);
    const level =
      rec.outcome === Outcome.Failed || rec.outcome === Outcome.Refused ? 'error' : 'info';
    this.log[level](rec);
  }

  /** Records every one of `instances` as skipped, for one reason. */
  skipAll(instances: readonly KafkaInstance[], reason: string): void {
    for (const inst of instances) this.add(inst, { outcome: Outcome.Skipped, reason });
  }

  /** The line before a write call. */
  action(operation: string, attempt: number, instances: readonly KafkaInstance[]): void {
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
    const count = (pred: (r: OutcomeRecord) => boolean) => this.records.filter(pred).length;
    const notReached = count((r) => r.outcome === Outcome.Skipped && r.reason === DEADLINE);
    const s: RunSummary = {
      kind: 'summary',
      policy: this.base.policy,
      action: this.base.action,
      dryRun: this.base.dryRun,
      listed: this.listed,
      matched: this.records.length,
      succeeded: count((r) => isSuccess(r.outcome)),
      failed: count((r) => r.outcome === Outcome.Failed),
      skipped: count((r) => r.outcome === Outcome.Skipped),
      refused: this.records.some((r) => r.outcome === Outcome.Refused),
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
    if (error) s.error = error;
    return s;
  }
}
