import type { KafkaInstance } from '../dms/wire';
import type { Logger } from './logger';
import {
  isSuccess,
  Outcome,
  type OutcomeRecord,
  type RecordAction,
  type RunSummary,
} from './records';

export type OutcomeDetail = Pick<
  OutcomeRecord,
  'outcome' | 'reason' | 'requestId' | 'errorCode' | 'attempts' | 'recoveredMs'
>;

/**
 * Collects one run's outcomes. Each record is logged the moment it is made,
 * so a run cut short still leaves every decision it reached in the log.
 */
export class Report {
  readonly records: OutcomeRecord[] = [];
  private listed = 0;
  private mode: RunSummary['mode'];
  private recorded = new Set<string>();

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

  setMode(mode: NonNullable<RunSummary['mode']>): void {
    this.mode = mode;
  }

  has(instanceId: string): boolean {
    return this.recorded.has(instanceId);
  }

  add(instance: KafkaInstance, detail: OutcomeDetail): void {
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

  summary(durationMs: number, error?: string): RunSummary {
    const count = (pred: (r: OutcomeRecord) => boolean) => this.records.filter(pred).length;
    const s: RunSummary = {
      kind: 'summary',
      policy: this.base.policy,
      action: this.base.action,
      dryRun: this.base.dryRun,
      listed: this.listed,
      matched: new Set(this.records.map((r) => r.instanceId)).size,
      succeeded: count((r) => isSuccess(r.outcome)),
      failed: count((r) => r.outcome === Outcome.Failed),
      skipped: count((r) => r.outcome === Outcome.Skipped),
      refused: this.records.some((r) => r.outcome === Outcome.Refused),
      durationMs,
      invocationId: this.base.invocationId,
    };
    if (this.mode) s.mode = this.mode;
    if (error) s.error = error;
    return s;
  }
}
