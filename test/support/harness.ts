import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHandler } from '../../handlers/index';
import type { Simulator } from '../../simulator';
import type { Clock } from '../../src/exec/clock';
import type { OutcomeRecord, RunSummary, TotalSummary } from '../../src/report/records';

/** Every JSON line the handler wrote, parsed. */
export interface Captured {
  lines: Array<Record<string, unknown>>;
  outcomes: OutcomeRecord[];
  summaries: RunSummary[];
  raw: string;
}

/** An in-memory destination that keeps and parses JSON lines. */
export function sink(): { destination: { write(s: string): void }; captured: Captured } {
  const captured: Captured = { lines: [], outcomes: [], summaries: [], raw: '' };
  return {
    captured,
    destination: {
      write(s: string) {
        captured.raw += s;
        for (const line of s.split('\n').filter(Boolean)) {
          const obj = JSON.parse(line) as Record<string, unknown>;
          captured.lines.push(obj);
          if (obj.kind === 'outcome') captured.outcomes.push(obj as unknown as OutcomeRecord);
          if (obj.kind === 'summary') captured.summaries.push(obj as unknown as RunSummary);
        }
      },
    },
  };
}

export function writePolicyFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'dms-policy-'));
  const path = join(dir, 'policies.yaml');
  writeFileSync(path, text);
  return path;
}

export interface RunOptions {
  policy?: string;
  policyFile?: string;
  event?: unknown;
  context?: unknown;
  env?: Record<string, string | undefined>;
  clock?: Clock;
}

export interface RunOutcome extends Captured {
  /** What the handler resolved with, for a policy without `targets`. */
  result: RunSummary | undefined;
  /** What the handler resolved with, for a policy with `targets`. */
  total: TotalSummary | undefined;
  error: Error | undefined;
}

/** Env that points the handler at the simulator, with fast retries. */
export function simEnv(sim: Simulator, extra: Record<string, string | undefined> = {}) {
  return {
    DMS_ENDPOINT: sim.endpoint,
    HUAWEICLOUD_SDK_AK: sim.ak,
    HUAWEICLOUD_SDK_SK: sim.sk,
    HUAWEICLOUD_SDK_PROJECT_ID: sim.projectId,
    DMS_RETRY_BASE_MS: '5',
    DMS_RETRY_MAX_MS: '50',
    DMS_REQUEST_TIMEOUT_MS: '2000',
    DEADLINE_MARGIN_MS: '0',
    MARK_SETTLE_MS: '0',
    ...extra,
  };
}

/** Invokes the real handler once against the simulator and captures everything. */
export async function runHandler(sim: Simulator, opts: RunOptions): Promise<RunOutcome> {
  const { destination, captured } = sink();
  const policyFile = opts.policyFile ?? writePolicyFile(opts.policy ?? '');
  const handler = createHandler({
    destination,
    env: { ...simEnv(sim), POLICY_FILE: policyFile, ...opts.env },
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  let result: RunSummary | undefined;
  let total: TotalSummary | undefined;
  let error: Error | undefined;
  try {
    const got = await handler(opts.event, opts.context);
    if (got.kind === 'total') total = got;
    else result = got;
  } catch (e) {
    error = e as Error;
  }
  return { ...captured, result, total, error };
}

/** The write calls the simulator received (restart, delete, tags). */
export function writes(sim: Simulator) {
  return sim.requests.filter((r) => r.method === 'POST');
}

/** The restart and delete calls (BatchRestartOrDeleteInstances) the simulator received. */
export function actions(sim: Simulator) {
  return writes(sim).filter((r) => r.route === 'instanceAction');
}

/** The ids each restart or delete call carried, sorted within the call. */
export function batches(sim: Simulator): string[][] {
  return actions(sim).map((r) =>
    [...((r.body as { instances?: string[] }).instances ?? [])].sort(),
  );
}

/** The tag writes the simulator received: `[instance id, action, tag keys]`. */
export function tagWrites(sim: Simulator): Array<[string, string, string[]]> {
  return writes(sim)
    .filter((r) => r.route === 'tagAction')
    .map((r) => {
      const body = r.body as { action: string; tags: Array<{ key: string }> };
      return [r.path.split('/')[4] ?? '', body.action, body.tags.map((t) => t.key)];
    });
}

export function byOutcome(records: readonly OutcomeRecord[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of records) out[r.outcome] = [...(out[r.outcome] ?? []), r.instanceId];
  for (const v of Object.values(out)) v.sort();
  return out;
}

/**
 * One time for the handler and the simulator's fleet (pass `now` as the
 * simulator's `fleetClock`): each sleep moves it forward by what was asked
 * and yields to the event loop for a moment.
 */
export function movableClock(start = Date.now()): {
  clock: Clock;
  now: () => number;
  /** Sets the time, as between two timers. */
  set: (t: number) => void;
} {
  let now = start;
  return {
    now: () => now,
    set: (t) => {
      now = t;
    },
    clock: {
      now: () => now,
      sleep: async (ms) => {
        now += ms;
        await new Promise((r) => setTimeout(r, 1));
      },
    },
  };
}
