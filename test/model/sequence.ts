/**
 * Runs one generated sequence against the real handler and the simulator,
 * on one clock of the fleet that only sleeps move, and checks the promises
 * at every restart the simulator takes and at the end.
 */
import type { FaultSpec, SimInstance, Simulator } from '../../simulator';
import { startSimulator } from '../../simulator';
import { Prng } from '../../simulator/prng';
import type { Clock } from '../../src/exec/clock';
import { HOLD_KEY } from '../../src/plan/hold';
import { runHandler, writePolicyFile } from '../support/harness';
import { Checker, hhmmss, type Violation } from './checker';
import {
  type Edit,
  type FaultPlan,
  type Invocation,
  instanceId,
  MIN,
  policyText,
  type Scenario,
  WINDOW_START,
} from './generator';

export interface SequenceResult {
  violations: Violation[];
  trace: string[];
}

/** One invocation's life: killed, it makes no further call and its sleeps never end. */
interface Life {
  killed: boolean;
}

const never = new Promise<void>(() => {});
const immediate = () => new Promise<void>((r) => setImmediate(r));

function fleetOf(s: Scenario): SimInstance[] {
  return Array.from({ length: s.fleetSize }, (_, i) => ({
    instance_id: instanceId(i),
    name: `kafka-${instanceId(i)}`,
    engine: 'kafka',
    engine_version: '3.x',
    status: 'RUNNING',
    tags: [{ key: 'env', value: 'prod' }],
    // Listed newest first: m-0 first.
    created_at: String(1_760_000_000_000 - i * 60_000),
    specification: '100MB',
    enterprise_project_id: '0',
    type: 'cluster',
    storage_space: 600,
  }));
}

function describeEdit(e: Edit): string {
  if (e.kind === 'cutoff') return `cutoff ${e.minutes} min`;
  if (e.kind === 'unhold') return 'every hold taken off';
  return `${e.kind} ${typeof e.target === 'number' ? instanceId(e.target) : e.target}`;
}

function describeFault(f: FaultPlan): string {
  const what =
    f.kind === 'throttle'
      ? `429 Retry-After ${f.retryAfterSeconds}`
      : f.kind === 'status'
        ? '503'
        : f.kind === 'edit'
          ? describeEdit(f.edit)
          : f.kind;
  return `${what} on ${f.route}#${f.after}`;
}

function describeRun(run: Invocation): string {
  const parts = [`timeout ${Math.round(run.timeoutMs / 1000)} s`];
  if (run.skewMs !== 0) parts.push(`clock ${run.skewMs > 0 ? '+' : ''}${run.skewMs / 1000} s`);
  for (const f of run.faults) parts.push(describeFault(f));
  if (run.kill) parts.push(`killed after ${run.kill.route}#${run.kill.after}`);
  return parts.join(', ');
}

/** The world one sequence runs in: the simulator, the clock, the checker, the trace. */
class World {
  now: number;
  cutoffMinutes: number;
  readonly trace: string[] = [];
  readonly checker: Checker;
  /** Instances a killed run marked and sent no restart for. */
  readonly missedByDesign = new Set<string>();
  alarmed = false;
  private readonly policies = new Map<number, string>();

  constructor(
    readonly sim: Simulator,
    readonly s: Scenario,
  ) {
    this.now = WINDOW_START + (s.ticks[0]?.offsetMs ?? 0);
    this.cutoffMinutes = s.cutoffMinutes;
    this.checker = new Checker(sim, s);
    sim.observe.onRestart((e) => this.checker.onRestart(e));
  }

  policyFile(): string {
    let file = this.policies.get(this.cutoffMinutes);
    if (!file) {
      file = writePolicyFile(policyText(this.s, this.cutoffMinutes));
      this.policies.set(this.cutoffMinutes, file);
    }
    return file;
  }

  /** A person's edit, now, seen from request `seq` on; what it did. */
  edit(e: Edit, seq: number): string {
    const { sim } = this;
    const tags = (id: string) => sim.instance(id)?.tags ?? [];
    const put = (id: string, key: string, value: string) =>
      sim.setTags(id, [...tags(id).filter((t) => t.key !== key), { key, value }]);
    const target = (t: number | 'restarting') =>
      t === 'restarting'
        ? (sim.instances().find((i) => i.status === 'RESTARTING')?.instance_id ?? instanceId(0))
        : instanceId(t);
    if (e.kind === 'cutoff') {
      this.cutoffMinutes = e.minutes;
      return `the policy's cutoff set to ${e.minutes} min`;
    }
    if (e.kind === 'protect') {
      const id = target(e.target);
      put(id, 'maintenance-protect', 'true');
      return `maintenance-protect=true put on ${id} (${sim.instance(id)?.status})`;
    }
    if (e.kind === 'unprotect') {
      const id = instanceId(e.target);
      sim.setTags(
        id,
        tags(id).filter((t) => t.key !== 'maintenance-protect'),
      );
      return `maintenance-protect taken off ${id}`;
    }
    if (e.kind === 'hold') {
      const id = instanceId(e.target);
      put(id, HOLD_KEY, `${new Date(this.now).toISOString().slice(0, 19)}Z`);
      this.checker.personHold(id, seq);
      return `hold put on ${id}`;
    }
    const off: string[] = [];
    for (const i of sim.instances()) {
      if (!i.tags.some((t) => t.key === HOLD_KEY)) continue;
      this.checker.overridden.add(i.instance_id);
      this.checker.personHold(i.instance_id, undefined);
      off.push(i.instance_id);
      sim.setTags(
        i.instance_id,
        i.tags.filter((t) => t.key !== HOLD_KEY),
      );
    }
    return `every hold taken off (${off.join(', ') || 'none'})`;
  }

  /** The faults of one invocation, and its death, armed on the simulator. */
  arm(run: Invocation, life: Life, step: number): void {
    const { sim } = this;
    sim.observe.clearFaults();
    for (const f of run.faults) sim.inject(this.faultSpec(f, step));
    const kill = run.kill;
    if (!kill) return;
    sim.inject({
      route: kill.route as FaultSpec['route'],
      after: kill.after,
      kind: 'mutate',
      apply: () => {
        life.killed = true;
        // From now on, nothing this process sends reaches DMS.
        sim.observe.clearFaults();
        sim.inject({ route: '*', kind: 'drop', times: Number.POSITIVE_INFINITY });
      },
    });
  }

  private faultSpec(f: FaultPlan, step: number): FaultSpec {
    const route = f.route as FaultSpec['route'];
    if (f.kind === 'throttle')
      return { route, after: f.after, kind: 'throttle', retryAfterSeconds: f.retryAfterSeconds };
    if (f.kind === 'status') return { route, after: f.after, kind: 'status', status: 503 };
    if (f.kind === 'lost-response') return { route, after: f.after, kind: 'lost-response' };
    const edit = f.edit;
    return {
      route,
      after: f.after,
      kind: 'mutate',
      apply: () => {
        // Fired on the request just recorded, before it is handled: that request sees it.
        const did = this.edit(edit, this.sim.requests.at(-1)?.seq ?? 0);
        this.trace.push(`   #${step} ${hhmmss(this.now)} a person, during the run: ${did}`);
      },
    };
  }

  /** The clock one invocation gets: the fleet's, shifted by its skew; frozen once it is killed. */
  clock(skewMs: number, life: Life): Clock {
    return {
      now: () => this.now + skewMs,
      sleep: async (ms) => {
        if (life.killed) await never;
        this.now += Math.max(0, ms);
        await immediate();
        if (life.killed) await never;
      },
    };
  }

  /** Resolves once a killed invocation has been quiet for a while: nothing in flight, nothing new. */
  async quietAfterKill(life: Life): Promise<'killed'> {
    let count = -1;
    let quietSince = Date.now();
    for (;;) {
      await new Promise((r) => setTimeout(r, 5));
      if (!life.killed) continue;
      const n = this.sim.requests.length;
      if (n !== count || this.sim.load().inFlight > 0) {
        count = n;
        quietSince = Date.now();
      } else if (Date.now() - quietSince > 60) return 'killed';
    }
  }
}

/**
 * The instances a killed run marked (and DMS took the mark). Those it did not
 * restart count as done for the window, by design: P5 lists them apart.
 */
function killedRunMarks(sim: Simulator, firstSeq: number): string[] {
  return sim.requests
    .filter((r) => r.seq >= firstSeq && r.route === 'tagAction')
    .filter((r) => r.status === 204 || r.fault === 'lost-response')
    .filter((r) => {
      const b = r.body as { action?: string; tags?: Array<{ key: string }> } | undefined;
      return (
        b?.action === 'create' && b.tags?.some((t) => t.key.startsWith('dms-maintenance.mark-'))
      );
    })
    .map((r) => r.path.split('/')[4] ?? '');
}

async function invoke(w: World, step: number, run: Invocation): Promise<string> {
  const { sim } = w;
  const life: Life = { killed: false };
  const firstSeq = (sim.requests.at(-1)?.seq ?? 0) + 1;
  w.checker.running = { step, skewMs: run.skewMs, cutoffMinutes: w.cutoffMinutes, firstSeq };
  w.arm(run, life, step);
  const pending = runHandler(sim, {
    policyFile: w.policyFile(),
    clock: w.clock(run.skewMs, life),
    env: {
      RUN_TIMEOUT_MS: String(run.timeoutMs),
      DEADLINE_MARGIN_MS: '30000',
      MARK_SETTLE_MS: '2000',
      DMS_RETRY_BASE_MS: '2',
      DMS_RETRY_MAX_MS: '10',
      SMN_TOPIC_URN: `urn:smn:cn-north-4:${sim.projectId}:ops-alerts`,
      SMN_ENDPOINT: sim.endpoint,
    },
  });
  const out = await Promise.race([pending, w.quietAfterKill(life)]);
  sim.observe.clearFaults();
  w.checker.running = undefined;
  if (out === 'killed' || life.killed) {
    for (const id of killedRunMarks(sim, firstSeq)) w.missedByDesign.add(id);
    return `killed at ${hhmmss(w.now)}`;
  }
  if (out.error) {
    // The model's own policy must be valid: a refused one would hide every promise.
    if (/invalid configuration/.test(out.error.message)) throw out.error;
    w.alarmed = true;
    return `rejected at ${hhmmss(w.now)}: ${out.error.message}`;
  }
  const r = out.result;
  return `resolved at ${hhmmss(w.now)}: window ${r?.window ?? '?'}, remaining ${r?.remaining ?? '-'}`;
}

/** Runs the scenario; the violations found (the first at the earliest step) and the trace. */
export async function runSequence(s: Scenario): Promise<SequenceResult> {
  const kafka = Object.fromEntries(
    Object.entries(s.breaks).map(([i, broker]) => [
      instanceId(Number(i)),
      { breaksOnRestart: broker },
    ]),
  );
  const sim = await startSimulator({
    fleet: fleetOf(s),
    fleetClock: () => w.now,
    restartDelayMs: s.restartDelayMs,
    restartOnsetMs: s.restartOnsetMs,
    isrRecoveryMs: s.isrRecoveryMs,
    kafka,
  });
  const w: World = new World(sim, s);
  for (const i of s.landsInError) sim.landNextRestartIn(instanceId(i), 'ERROR');
  // The function's retry jitter, drawn from the seed, so a replay waits alike.
  const jitter = new Prng(s.seed ^ 0x5eed);
  const random = Math.random;
  Math.random = () => jitter.next();
  try {
    const windowEnd = WINDOW_START + s.windowMinutes * MIN;
    let closed = false;
    let afterClose = false;
    const close = (step: number) => {
      closed = true;
      w.alarmed ||= sim.published.length > 0;
      w.checker.finish(step, w.now, w.alarmed, w.missedByDesign);
      if (w.missedByDesign.size > 0) {
        w.trace.push(
          `   (marked by a killed run, so done for the window by design: ${[...w.missedByDesign].join(', ')})`,
        );
      }
      for (const v of w.checker.violations.filter((v) => v.promise === 'P5')) {
        w.trace.push(`   !! ${v.promise} ${v.detail}`);
      }
    };
    for (const [step, tick] of s.ticks.entries()) {
      const at = WINDOW_START + tick.offsetMs;
      // The window has closed, and the first timer after it has run: the campaign has
      // finished, or said it did not (a run inside the window, or the first one after it).
      if (!closed && afterClose) close(step);
      afterClose ||= at >= windowEnd;
      const skipped = at < w.now;
      w.now = Math.max(w.now, at);
      for (const e of tick.edits) {
        const did = w.edit(e, (sim.requests.at(-1)?.seq ?? 0) + 0.5);
        w.trace.push(`   #${step} ${hhmmss(w.now)} a person: ${did}`);
      }
      if (skipped) {
        w.trace.push(
          `#${step} ${hhmmss(at)} timer skipped: the last run ended at ${hhmmss(w.now)}`,
        );
        continue;
      }
      const head = `#${step} ${hhmmss(at)} run (${describeRun(tick.run)})`;
      const seen = w.checker.violations.length;
      const from = sim.observe.restarts.length;
      const t0 = Date.now();
      const end = `${await invoke(w, step, tick.run)} [${Date.now() - t0} ms, ${sim.requests.length} requests so far]`;
      const taken = sim.observe.restarts
        .slice(from)
        .filter((e) => e.kind === 'accepted')
        .map((e) => `${e.id}@${hhmmss(e.at)}`);
      w.trace.push(`${head}: ${taken.length > 0 ? `restarts ${taken.join(' ')}; ` : ''}${end}`);
      for (const v of w.checker.violations.slice(seen))
        w.trace.push(`   !! ${v.promise} ${v.detail}`);
    }
    if (!closed) close(s.ticks.length - 1);
  } finally {
    Math.random = random;
    if (process.env.MODEL_DEBUG) {
      const t0 = sim.requests[0]?.at ?? 0;
      console.log(
        sim.requests
          .map((r) => `${r.seq} +${r.at - t0} ${r.method} ${r.route} ${r.status} ${r.fault ?? ''}`)
          .join('\n'),
      );
    }
    await sim.stop();
  }
  return { violations: w.checker.violations, trace: w.trace };
}
