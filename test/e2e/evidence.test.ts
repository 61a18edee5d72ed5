import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../simulator';
import type { Clock } from '../../src/exec/clock';
import { HOLD_KEY } from '../../src/plan/hold';
import { staging } from '../support/fleet';
import { batches, byOutcome, runHandler } from '../support/harness';

let sim: Simulator;
afterEach(async () => {
  await sim?.stop();
});

/**
 * One time for the invocations and the fleet. `killed` is an invocation's
 * clock that freezes for good once `kill()` is called: the process is gone,
 * and writes nothing more. `clock` is the next invocation's.
 */
function times(start = Date.parse('2026-03-07T01:00:00Z')) {
  let now = start;
  let dead = false;
  const tick = () => new Promise((r) => setTimeout(r, 1));
  const clock: Clock = {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
      await tick();
    },
  };
  const killed: Clock = {
    now: () => now,
    sleep: async (ms) => {
      if (dead) return new Promise<void>(() => {});
      now += ms;
      await tick();
    },
  };
  return {
    now: () => now,
    clock,
    killed,
    kill: () => {
      dead = true;
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const policy = (wait = '{ pollSeconds: 5, timeoutSeconds: 60 }') => `version: 1
policies:
  restart:
    action: restart
    dryRun: false
    select: { tags: { env: staging } }
    batchSize: 2
    waitForRunning: ${wait}
`;

/** Listed newest first: the last made is restarted first. */
const order = (n: number) =>
  staging(n)
    .map((i) => i.instance_id)
    .reverse();

const record = (run: { outcomes: { instanceId: string }[] }, id: string) =>
  run.outcomes.find((o) => o.instanceId === id) as Record<string, unknown> | undefined;

/** Until the restart call went out and the frozen invocation's reads in flight are over. */
async function frozen(sim: Simulator): Promise<void> {
  for (let i = 0; i < 200 && batches(sim).length === 0; i++) {
    await new Promise((r) => setTimeout(r, 25));
  }
  await new Promise((r) => setTimeout(r, 200));
}

describe('a wave counts as done only on evidence, across invocations too', () => {
  it('does not go on after an invocation killed right after its restart call, over a cluster that never healed', async () => {
    const fleet = staging(6);
    const [a, b] = order(6) as [string, string];
    const t = times();
    sim = await startSimulator({
      fleet,
      kafka: { [a]: { breaksOnRestart: 1 } },
      fleetClock: t.now,
      restartDelayMs: 3_000,
      restartOnsetMs: 0,
    });
    sim.inject({ route: 'instanceAction', kind: 'mutate', apply: t.kill });
    void runHandler(sim, { policy: policy(), clock: t.killed });
    await frozen(sim);
    expect(batches(sim)).toEqual([[a, b].sort()]);

    t.advance(5 * 60_000);
    const next = await runHandler(sim, { policy: policy(), clock: t.clock });
    // No second wave while the first wave's cluster is broken.
    expect(batches(sim)).toEqual([[a, b].sort()]);
    expect(next.error?.message).toContain(`campaign stopped by`);
    expect(record(next, a)).toMatchObject({ outcome: 'failed' });
    expect(String(record(next, a)?.reason)).toContain('broker 1 of 3 not healthy');
    expect(record(next, b)).toMatchObject({
      outcome: 'skipped',
      evidence: 'every broker registered again',
    });
    expect(sim.instance(a)?.tags.some((x) => x.key === HOLD_KEY)).toBe(true);
  });

  it('does not take a restart that came and went unseen for done when a broker never came back', async () => {
    const fleet = staging(4);
    const [a] = order(4) as [string];
    const t = times();
    // A restart shorter than one poll: DMS is never caught RESTARTING.
    sim = await startSimulator({
      fleet,
      kafka: { [a]: { breaksOnRestart: 1 } },
      fleetClock: t.now,
      restartDelayMs: 900,
      restartOnsetMs: 0,
    });
    const first = await runHandler(sim, { policy: policy(), clock: t.clock });
    expect(first.error).toBeDefined();
    expect(batches(sim)).toHaveLength(1);
    expect(sim.instance(a)?.tags.some((x) => x.key === HOLD_KEY)).toBe(true);

    t.advance(5 * 60_000);
    const second = await runHandler(sim, { policy: policy(), clock: t.clock });
    expect(second.error).toBeDefined();
    expect(batches(sim)).toHaveLength(1);
    expect(String(record(second, a)?.reason)).toContain('still not healthy');
  });

  it('confirms a wave by its brokers registering again when DMS was never caught RESTARTING', async () => {
    const fleet = staging(4);
    const t = times();
    sim = await startSimulator({
      fleet,
      fleetClock: t.now,
      restartDelayMs: 900,
      restartOnsetMs: 0,
    });
    const run = await runHandler(sim, { policy: policy(), clock: t.clock });
    expect(run.error).toBeUndefined();
    expect(batches(sim)).toHaveLength(2);
    expect(byOutcome(run.outcomes)).toEqual({ restarted: order(4).sort() });
    for (const o of run.outcomes) {
      expect(o).toMatchObject({ evidence: 'every broker registered again' });
    }
  });

  it('never sends a restart again whose answer was lost once its brokers registered again', async () => {
    const fleet = staging(1);
    const t = times();
    sim = await startSimulator({
      fleet,
      fleetClock: t.now,
      restartDelayMs: 900,
      restartOnsetMs: 0,
    });
    sim.inject({ route: 'instanceAction', kind: 'lost-response' });
    // The read-back comes after the restart is over: RUNNING, as if it never began.
    sim.inject({
      route: 'showInstance',
      kind: 'mutate',
      after: 1,
      apply: () => t.advance(2_000),
    });
    const run = await runHandler(sim, { policy: policy(), clock: t.clock });
    expect(batches(sim)).toHaveLength(1);
    expect(run.error).toBeUndefined();
    expect(run.outcomes[0]).toMatchObject({
      outcome: 'restarted',
      reason: expect.stringContaining('its brokers registering again'),
    });
  });

  it('refuses the pre-flight of an instance whose ShowCluster leaves a broker out', async () => {
    const fleet = staging(1);
    const [a] = order(1) as [string];
    sim = await startSimulator({ fleet, kafka: { [a]: { unlisted: [2], topics: [] } } });
    const run = await runHandler(sim, { policy: policy() });
    expect(batches(sim)).toEqual([]);
    expect(record(run, a)).toMatchObject({
      outcome: 'skipped',
      reason: expect.stringContaining('1 of 3 brokers missing from the cluster (2 listed)'),
    });
  });
});

describe('a wave the gate cannot confirm', () => {
  it('watches a restart sent late, after a long Retry-After, as any other, from its own call', async () => {
    const fleet = staging(2);
    const t = times();
    sim = await startSimulator({ fleet, fleetClock: t.now, restartDelayMs: 60_000 });
    sim.inject({ route: 'instanceAction', kind: 'throttle', retryAfterSeconds: 150 });
    const run = await runHandler(sim, {
      policy: policy('{ pollSeconds: 20, timeoutSeconds: 600 }'),
      clock: t.clock,
    });
    expect(run.error).toBeUndefined();
    expect(byOutcome(run.outcomes)).toEqual({ restarted: order(2).sort() });
  });

  it('stops the campaign when the hold cannot be written, with the deadline cutting the heal', async () => {
    const fleet = staging(4);
    const [a] = order(4) as [string];
    const t = times();
    sim = await startSimulator({
      fleet,
      kafka: { [a]: { breaksOnRestart: 1 } },
      fleetClock: t.now,
      restartDelayMs: 3_000,
    });
    // Eighteen tags of its own: the mark is its 20th, and DMS refuses a 21st, the hold.
    const many = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`team-${i}`, 'x']));
    sim.setTags(a, { env: 'staging', 'restart-window': 'any', ...many });
    const run = await runHandler(sim, {
      policy: policy('{ pollSeconds: 5, timeoutSeconds: 600 }'),
      clock: t.clock,
      env: { RUN_TIMEOUT_MS: String(60_000) },
    });
    expect(sim.instance(a)?.tags.some((x) => x.key === HOLD_KEY)).toBe(false);
    expect(run.error?.message).toContain('could not be put on it');
    expect(batches(sim)).toHaveLength(1);
  });
});

describe('a hold read back', () => {
  it('stops the campaign, naming the instance and the tag, when DMS answers the hold and does not keep it', async () => {
    const fleet = staging(4);
    const [a] = order(4) as [string];
    const t = times();
    sim = await startSimulator({
      fleet,
      kafka: { [a]: { breaksOnRestart: 1 } },
      fleetClock: t.now,
      restartDelayMs: 3_000,
    });
    // The wave's two marks go through; the third tag call, the hold, is answered 204 and dropped.
    sim.inject({ route: 'tagAction', kind: 'not-applied', after: 2 });
    const run = await runHandler(sim, { policy: policy(), clock: t.clock });
    const hold = sim.requests.filter((r) => r.route === 'tagAction')[2]?.body as {
      action: string;
      tags: Array<{ key: string; value: string }>;
    };
    expect(hold.action).toBe('create');
    const tag = `${HOLD_KEY}=${hold.tags[0]?.value}`;
    expect(sim.instance(a)?.tags.some((x) => x.key === HOLD_KEY)).toBe(false);
    expect(batches(sim)).toHaveLength(1);
    const line = `(${a}): its restart was not confirmed and the hold ${tag} could not be put on it (DMS answered the call, but read back, it does not carry ${tag}); no later run would know`;
    expect(run.error?.message).toContain(line);
    const warning = run.lines.find((l) => l.kind === 'warning' && l.instanceId === a);
    expect(warning?.message).toContain(line);
  });
});

describe('evidence once seen', () => {
  it('lets short invocations go on at once: a wave the brokers show restarted is not watched again through the onset', async () => {
    const fleet = staging(6);
    const t = times();
    sim = await startSimulator({
      fleet,
      fleetClock: t.now,
      restartDelayMs: 9_000,
      restartOnsetMs: 0,
    });
    const short = { RUN_TIMEOUT_MS: String(20_000) };
    const wait = '{ pollSeconds: 5, timeoutSeconds: 300 }';
    await runHandler(sim, { policy: policy(wait), clock: t.clock, env: short });
    const afterFirst = batches(sim).length;
    t.advance(5_000);
    const second = await runHandler(sim, { policy: policy(wait), clock: t.clock, env: short });
    expect(second.error).toBeUndefined();
    // Its marks are younger than a restart's onset (120 s), yet the next wave starts.
    expect(batches(sim).length).toBeGreaterThan(afterFirst);
    const confirmedEarlier = second.outcomes.filter(
      (o) => o.evidence === 'every broker registered again',
    );
    expect(confirmedEarlier.length).toBeGreaterThan(0);
  });
});

describe('register_time as older models give it', () => {
  it('reads it as text too, and as no evidence when it is neither, never refusing the cluster', async () => {
    const fleet = staging(2);
    const t = times();
    sim = await startSimulator({
      fleet,
      fleetClock: t.now,
      restartDelayMs: 900,
      restartOnsetMs: 0,
    });
    let n = 0;
    sim.inject({
      route: 'showCluster',
      kind: 'rewrite',
      times: Number.POSITIVE_INFINITY,
      edit: (body) => {
        const c = (body as { cluster: { brokers: Array<{ register_time: unknown }> } }).cluster;
        n++;
        for (const b of c.brokers) b.register_time = String(b.register_time);
        return body;
      },
    });
    const run = await runHandler(sim, { policy: policy(), clock: t.clock });
    expect(n).toBeGreaterThan(0);
    expect(run.error).toBeUndefined();
    for (const o of run.outcomes) {
      expect(o).toMatchObject({ outcome: 'restarted', evidence: 'every broker registered again' });
    }
  });
});
