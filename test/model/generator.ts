/**
 * The model of a fleet and the generator of event sequences for the
 * campaign's model-based test. Everything here is plain data drawn from one
 * seed, so a sequence is the same on every run and `MODEL_SEED` replays it.
 */
import { Prng } from '../../simulator/prng';

export const MIN = 60_000;
/** The window opens at 02:00 UTC on Saturday 2026-03-07, every sequence. */
export const WINDOW_START = Date.parse('2026-03-07T02:00:00Z');
/** Timers fire every 10 minutes, from 10 minutes before the window to 10 after it. */
export const TIMER_EVERY_MS = 10 * MIN;

/** A person's change to the fleet's tags. `target` is an instance index, or the first restarting one. */
export type Edit =
  | { kind: 'protect'; target: number | 'restarting' }
  | { kind: 'unprotect'; target: number }
  | { kind: 'hold'; target: number }
  | { kind: 'unhold' }
  /** The policy's cutoff changed between timers (a window edit). */
  | { kind: 'cutoff'; minutes: number };

/** A fault armed for one invocation; `after` matching calls pass first. */
export type FaultPlan = { route: string; after: number } & (
  | { kind: 'throttle'; retryAfterSeconds: number }
  | { kind: 'lost-response' }
  | { kind: 'status'; status: 503 }
  /** A person's edit right before the call is handled. */
  | { kind: 'edit'; edit: Edit }
);

export interface Invocation {
  /** The function's clock minus the fleet's. */
  skewMs: number;
  /** RUN_TIMEOUT_MS: the platform's deadline for this invocation. */
  timeoutMs: number;
  /** The process dies right after the `after`-th (0-based) call on `route` is handled. */
  kill?: { route: string; after: number };
  faults: FaultPlan[];
}

export interface Tick {
  /** When the timer fires, from the window's start. */
  offsetMs: number;
  /** People's edits just before it fires. */
  edits: Edit[];
  run: Invocation;
}

export interface Scenario {
  seed: number;
  /** How much goes wrong, 0 (a calm campaign) to 1: the share of eventful timers. */
  chaos: number;
  fleetSize: number;
  batchSize: number;
  windowMinutes: number;
  cutoffMinutes: number;
  restartDelayMs: number;
  restartOnsetMs: number;
  isrRecoveryMs: number;
  /** By instance index: the broker that never comes back after its restart. */
  breaks: Record<number, number>;
  /** Instance indexes whose restart lands in ERROR. */
  landsInError: number[];
  ticks: Tick[];
}

const ROUTES = ['listInstances', 'showInstance', 'tagAction', 'instanceAction', 'showCluster'];

export function instanceId(i: number): string {
  return `m-${i}`;
}

function edit(r: Prng, fleetSize: number, cutoffs: readonly number[]): Edit {
  return r.weighted<() => Edit>([
    [() => ({ kind: 'protect', target: r.next() < 0.6 ? 'restarting' : r.int(fleetSize) }), 3],
    [() => ({ kind: 'unprotect', target: r.int(fleetSize) }), 2],
    [() => ({ kind: 'hold', target: r.int(fleetSize) }), 2],
    [() => ({ kind: 'unhold' }), 1],
    [() => ({ kind: 'cutoff', minutes: r.pick(cutoffs) }), 1],
  ])();
}

function fault(r: Prng, fleetSize: number): FaultPlan {
  const after = r.int(3);
  return r.weighted<() => FaultPlan>([
    [
      () => ({
        route: 'instanceAction',
        after,
        kind: 'throttle',
        retryAfterSeconds: r.pick([5, 150, 400, 400]),
      }),
      5,
    ],
    [
      () => ({
        route: 'instanceAction',
        after: 0,
        kind: 'throttle',
        retryAfterSeconds: 150,
      }),
      3,
    ],
    [
      () => ({ route: r.pick(ROUTES), after, kind: 'throttle', retryAfterSeconds: 1 + r.int(30) }),
      2,
    ],
    [() => ({ route: r.pick(['instanceAction', 'tagAction']), after, kind: 'lost-response' }), 3],
    [() => ({ route: r.pick(ROUTES), after, kind: 'status', status: 503 }), 1],
    [
      () => ({
        route: r.pick(['instanceAction', 'showCluster', 'showInstance']),
        after,
        kind: 'edit',
        edit:
          r.next() < 0.6
            ? { kind: 'hold', target: r.int(fleetSize) }
            : { kind: 'protect', target: r.next() < 0.7 ? 'restarting' : r.int(fleetSize) },
      }),
      4,
    ],
  ])();
}

/** One invocation; `chaos` (0 to 1) scales how much goes wrong around it. */
function invocation(r: Prng, fleetSize: number, mayDie: boolean, chaos: number): Invocation {
  if (r.next() >= chaos) return { skewMs: 0, timeoutMs: 15 * MIN, faults: [] };
  const skewMs = r.weighted<() => number>([
    [() => 0, 17],
    [() => (r.next() < 0.5 ? -1 : 1) * (30_000 + r.int(150_000)), 2],
    [() => 5 * MIN + r.int(5 * MIN), 1],
  ])();
  const timeoutMs = r.next() < 0.3 ? 2 * MIN + r.int(6 * MIN) : 15 * MIN;
  const faults = Array.from(
    {
      length: r.weighted([
        [0, 5],
        [1, 3],
        [2, 1],
      ]),
    },
    () => fault(r, fleetSize),
  );
  const run: Invocation = { skewMs, timeoutMs, faults };
  if (mayDie && r.next() < 0.2) {
    const route = r.weighted([
      ['instanceAction', 3],
      ['tagAction', 2],
      ['showCluster', 1],
      ['showInstance', 1],
      ['listInstances', 1],
    ]);
    run.kill = { route, after: r.int(3) };
  }
  return run;
}

/** One sequence: a fleet, a policy's numbers, and what happens at each timer. */
export function generate(seed: number): Scenario {
  const r = new Prng(seed);
  // Some sequences are calm: an unfinished campaign must then raise its own alarm.
  const chaos = r.pick([0, 0.5, 1, 1]);
  const fleetSize = 2 + r.int(6);
  const windowMinutes = r.pick([60, 90]);
  const cutoffMinutes = r.pick([0, 20]);
  const breaks: Record<number, number> = {};
  const landsInError: number[] = [];
  for (let i = 0; i < fleetSize; i++) {
    if (r.next() < 0.25) breaks[i] = r.int(3);
    else if (r.next() < 0.04) landsInError.push(i);
  }
  const ticks: Tick[] = [];
  for (let at = -TIMER_EVERY_MS; at <= (windowMinutes + 10) * MIN; at += TIMER_EVERY_MS) {
    const edits = r.next() < 0.25 * chaos ? [edit(r, fleetSize, [0, 20])] : [];
    // The last half hour of the window is left to end the campaign, or to say it did not.
    const mayDie = at < (windowMinutes - 30) * MIN;
    ticks.push({ offsetMs: at, edits, run: invocation(r, fleetSize, mayDie, chaos) });
  }
  return {
    seed,
    chaos,
    fleetSize,
    batchSize: 1 + r.int(Math.min(3, fleetSize)),
    windowMinutes,
    cutoffMinutes,
    restartDelayMs: r.weighted<() => number>([
      [() => MIN + r.int(3 * MIN), 2],
      [() => 4 * MIN + r.int(5 * MIN), 2],
      [() => 9 * MIN + r.int(5 * MIN), 2],
    ])(),
    restartOnsetMs: r.pick([0, 300, 5_000, 30_000]),
    isrRecoveryMs: r.pick([0, 30_000, 120_000]),
    breaks,
    landsInError,
    ticks,
  };
}

/** The policy file for the scenario, with the cutoff in force. */
export function policyText(s: Scenario, cutoffMinutes: number): string {
  const end = new Date(WINDOW_START + s.windowMinutes * MIN).toISOString().slice(11, 16);
  return `version: 1
defaults:
  exclude: { tags: { maintenance-protect: "true" } }
policies:
  model:
    action: restart
    dryRun: false
    select: { tags: { env: prod } }
    window: { timezone: UTC, start: "02:00", end: "${end}", cutoffMinutes: ${cutoffMinutes} }
    batchSize: ${s.batchSize}
    maxInstances: 50
    waitForRunning: { timeoutSeconds: 900, pollSeconds: 30 }
`;
}
