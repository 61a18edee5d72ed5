import { chooseMode, cleanupFailed } from './act/cleanup';
import type { ActContext } from './act/context';
import { restartInstances } from './act/restart';
import type { DmsClient } from './dms/client';
import { isKnownStatus } from './dms/status';
import type { KafkaInstance } from './dms/wire';
import type { Clock } from './exec/clock';
import type { Deadline } from './exec/deadline';
import type { RetrySettings } from './exec/retry';
import type { Policy } from './policy/resolve';
import type { Logger } from './report/logger';
import { Outcome, type RunSummary } from './report/records';
import { Report } from './report/report';
import { createJudge, selectInstances } from './select';

export interface RunDeps {
  /** A client whose reads retry and whose calls honour `deadline`. */
  dms: DmsClient;
  log: Logger;
  clock: Clock;
  deadline: Deadline;
  retry: RetrySettings;
}

export interface RunInput {
  policy: Policy;
  /** The effective dry-run flag: policy, event and DRY_RUN combined. */
  dryRun: boolean;
  invocationId: string;
}

export interface RunResult {
  summary: RunSummary;
  report: Report;
}

/**
 * Runs one policy, top to bottom: list, select, check the limit, then act
 * or describe what would be done, and report. The summary is written
 * whatever happens, also when the run throws.
 */
export async function runPolicy(deps: RunDeps, input: RunInput): Promise<RunResult> {
  const { policy, dryRun } = input;
  const started = deps.clock.now();
  const cleanup = policy.action === 'cleanup-failed';
  const report = new Report(deps.log, {
    policy: policy.name,
    action: cleanup ? 'delete' : 'restart',
    dryRun,
    invocationId: input.invocationId,
  });
  const ctx: ActContext = { ...deps, settings: deps.retry, report, judge: createJudge(policy) };
  let eligible: KafkaInstance[] = [];
  const finish = (error?: string): RunSummary => {
    for (const inst of eligible) {
      if (!report.has(inst.instance_id)) {
        report.add(inst, {
          outcome: Outcome.Failed,
          reason: `the run stopped before this instance was handled: ${error ?? 'unknown error'}`,
        });
      }
    }
    const summary = report.summary(deps.clock.now() - started, error);
    const bad = summary.failed > 0 || summary.refused || !summary.complete;
    deps.log[bad ? 'error' : 'info'](summary);
    return summary;
  };
  try {
    // Failed instances are listed only on request; cleanup needs them.
    const listed = await deps.dms.listInstances({ includeFailure: cleanup });
    report.setListed(listed.length);
    warnUnknownStatuses(report, listed);
    const selection = selectInstances(listed, policy);
    for (const c of selection.candidates) {
      if (c.verdict === 'skip')
        report.add(c.instance, { outcome: Outcome.Skipped, reason: c.reason });
    }
    eligible = selection.eligible;

    if (eligible.length > policy.maxInstances) {
      const reason = `${eligible.length} instances match, more than maxInstances ${policy.maxInstances}; nothing was changed`;
      for (const inst of eligible) report.add(inst, { outcome: Outcome.Refused, reason });
    } else if (dryRun) {
      if (cleanup) {
        const choice = chooseMode(policy, listed, selection);
        report.setMode(choice.mode, choice.reason);
      }
      const outcome = cleanup ? Outcome.WouldDelete : Outcome.WouldRestart;
      for (const inst of eligible) report.add(inst, { outcome });
    } else if (cleanup) {
      await cleanupFailed(ctx, policy, listed, selection);
    } else {
      await restartInstances(ctx, eligible, policy.batchSize, policy.waitForRunning);
    }
  } catch (e) {
    finish(e instanceof Error ? e.message : String(e));
    throw e;
  }
  return { summary: finish(), report };
}

/** One warning per status DMS never documented: the instances are listed, never acted on. */
function warnUnknownStatuses(report: Report, listed: readonly KafkaInstance[]): void {
  const unknown = new Map<string, string[]>();
  for (const i of listed) {
    if (!isKnownStatus(i.status))
      unknown.set(i.status, [...(unknown.get(i.status) ?? []), i.instance_id]);
  }
  for (const [status, ids] of unknown) {
    report.warn({
      message: 'instances in a status DMS does not document are never acted on',
      status,
      instances: ids,
    });
  }
}
