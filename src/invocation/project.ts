import { createDmsClient, type Keys } from '../dms/client';
import { readOnly } from '../dms/read-only';
import type { Clock } from '../exec/clock';
import type { Deadline } from '../exec/deadline';
import { type ApprovedPlan, approvalFor } from '../plan/approval';
import type { Plan } from '../plan/plan';
import type { Policy } from '../policy/resolve';
import type { Logger } from '../report/logger';
import type { Env } from './env';
import { type RunInput, type RunResult, runPolicy } from './run';
import { judgeRun, type RunFailure } from './verdict';

export interface ProjectRunDeps {
  env: Env;
  /** Carries the target's region and project on every line, when there are targets. */
  log: Logger;
  clock: Clock;
  credentials: Keys;
  deadline: Deadline;
  /** Plan only: the client refuses writes before they are sent. */
  planOnly: boolean;
  onPlan?: ((plan: Plan) => void) | undefined;
}

/** Where one run goes: a project, and its region or an endpoint. */
export interface ProjectTarget {
  projectId: string;
  region?: string | undefined;
  endpoint?: string | undefined;
}

export interface ProjectRunInput {
  policy: Policy;
  dryRun: boolean;
  invocationId: string;
  /** A plan only: see {@link RunInput.judgeAt}. */
  judgeAt?: RunInput['judgeAt'];
  /** An approved plan; its entry for this project limits what is acted on. */
  approval?: ApprovedPlan | undefined;
}

export interface ProjectRun extends RunResult {
  /** Why the run must be reported failed; undefined when it may resolve. */
  failure: RunFailure | undefined;
}

/**
 * One policy on one project: its own client (reads retried, every call
 * bounded by the deadline, writes refused in a plan), the run, and the
 * verdict on it. The single-project invocation and each target use it.
 */
export async function runOnProject(
  deps: ProjectRunDeps,
  target: ProjectTarget,
  input: ProjectRunInput,
  onSummary?: (summary: RunResult['summary']) => void,
): Promise<ProjectRun> {
  const { env } = deps;
  const client = createDmsClient({
    credentials: deps.credentials,
    projectId: target.projectId,
    region: target.region,
    endpoint: target.endpoint,
    timeoutMs: env.requestTimeoutMs,
    maxConcurrency: env.maxConcurrency,
    retry: { settings: env.retry, clock: deps.clock, log: deps.log },
    deadline: deps.deadline,
  });
  const { approval, ...rest } = input;
  const run = await runPolicy(
    {
      dms: deps.planOnly ? readOnly(client) : client,
      log: deps.log,
      clock: deps.clock,
      retry: env.retry,
      deadline: deps.deadline,
      markSettleMs: env.markSettleMs,
      restartOnsetMs: env.restartOnsetMs,
      ...(onSummary ? { onSummary } : {}),
    },
    { ...rest, ...(approval ? { approved: approvalFor(approval, target) } : {}) },
  );
  if (run.plan) deps.onPlan?.(run.plan);
  return { ...run, failure: judgeRun(input.policy, run.summary, run.report.counts.refused) };
}
