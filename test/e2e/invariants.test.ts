import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../simulator';
import { HOLD_KEY } from '../../src/plan/hold';
import { markValue } from '../../src/plan/mark';
import { staging } from '../support/fleet';
import { actions, batches, byOutcome, movableClock, runHandler } from '../support/harness';

let sim: Simulator;
afterEach(async () => {
  await sim?.stop();
});

const MIN = 60_000;
/** Saturday 2026-03-07 02:00 in Berlin (CET). */
const SAT_0200 = Date.parse('2026-03-07T01:00:00Z');

const policy = (extra = '') => `version: 1
policies:
  restart:
    action: restart
    dryRun: false
    select: { tags: { env: staging } }
    exclude: { tags: { maintenance-protect: "true" } }
    batchSize: 2
    waitForRunning: { pollSeconds: 5, timeoutSeconds: 120 }
${extra}`;

const WINDOW =
  '    window: { timezone: Europe/Berlin, days: [sat], start: "02:00", end: "05:00", cutoffMinutes: 20 }\n';

/** Listed newest first: the last made is restarted first. */
const order = (n: number) =>
  staging(n)
    .map((i) => i.instance_id)
    .reverse();

describe('the campaign keeps its promises at every write', () => {
  it('starts no later wave once a hold appears during the run on a cluster that is not whole', async () => {
    const fleet = staging(6);
    const ids = order(6);
    const held = ids[4] as string;
    const t = movableClock(SAT_0200);
    sim = await startSimulator({ fleet, fleetClock: t.now, restartDelayMs: 20_000 });
    // During wave 1, a person puts the hold on an instance of a later wave whose broker is down.
    sim.inject({
      route: 'instanceAction',
      kind: 'mutate',
      apply: () => {
        sim.setKafka(held, { brokenBroker: 0 });
        const tags = sim.instance(held)?.tags ?? [];
        sim.setTags(held, [...tags, { key: HOLD_KEY, value: '2026-03-07T01:00:10Z' }]);
      },
    });
    const run = await runHandler(sim, { policy: policy(), clock: t.clock });
    expect(batches(sim)).toEqual([[ids[0], ids[1]].sort()]);
    expect(run.summaries[0]?.stoppedBy?.join()).toContain(held);
    expect(run.error ?? run.total).toBeDefined();
  });

  it('sends no restart, not even a resend, once the window is in its cutoff', async () => {
    // 04:39:50 in Berlin: ten seconds before the 20-minute cutoff of a window ending at 05:00.
    const t = movableClock(SAT_0200 + 2 * 60 * MIN + 39 * MIN + 50_000);
    sim = await startSimulator({ fleet: staging(1), fleetClock: t.now });
    sim.inject({ route: 'instanceAction', kind: 'throttle', retryAfterSeconds: 30 });
    const run = await runHandler(sim, { policy: policy(WINDOW), clock: t.clock });
    expect(actions(sim)).toHaveLength(1);
    expect(run.outcomes[0]).toMatchObject({
      outcome: 'skipped',
      reason: expect.stringContaining('no restart starts in the last 20 minutes'),
    });
    // Its mark came off again: the restart provably did not apply.
    expect(sim.instance('stg-000')?.tags.some((x) => x.key.startsWith('dms-maintenance.'))).toBe(
      false,
    );
  });

  it('reports a mark dated in the future and goes on, instead of waiting on it', async () => {
    const fleet = staging(3);
    const [first, , last] = order(3) as [string, string, string];
    const t = movableClock(SAT_0200 + 10 * MIN);
    sim = await startSimulator({ fleet, fleetClock: t.now, restartDelayMs: 20_000 });
    const ahead = {
      key: 'dms-maintenance.mark-fromthefuture',
      value: markValue(t.now() + 60 * MIN),
    };
    sim.setTags(first, [...(sim.instance(first)?.tags ?? []), ahead]);
    const run = await runHandler(sim, { policy: policy(WINDOW), clock: t.clock });
    expect(run.outcomes.find((o) => o.instanceId === first)).toMatchObject({
      outcome: 'failed',
      reason: expect.stringContaining('in the future'),
    });
    expect(byOutcome(run.outcomes).restarted).toContain(last);
    expect(run.error).toBeDefined();
  });

  it('counts a restart still under way against batchSize after its instance left the selection', async () => {
    const fleet = staging(6);
    const [a, b] = order(6) as [string, string];
    const t = movableClock(SAT_0200);
    sim = await startSimulator({ fleet, fleetClock: t.now, restartDelayMs: 10 * MIN });
    // Run 1 is cut by its deadline while its first wave restarts.
    const cut = await runHandler(sim, {
      policy: policy(WINDOW).replace('timeoutSeconds: 120', 'timeoutSeconds: 900'),
      clock: t.clock,
      env: { RUN_TIMEOUT_MS: String(2 * MIN) },
    });
    expect(cut.error).toBeUndefined();
    expect(batches(sim)).toEqual([[a, b].sort()]);
    for (const id of [a, b]) {
      const tags = sim.instance(id)?.tags ?? [];
      sim.setTags(id, [...tags, { key: 'maintenance-protect', value: 'true' }]);
    }
    t.set(t.now() + MIN);
    const next = await runHandler(sim, {
      policy: policy(WINDOW).replace('timeoutSeconds: 120', 'timeoutSeconds: 900'),
      clock: t.clock,
      env: { RUN_TIMEOUT_MS: String(2 * MIN) },
    });
    expect(next.error).toBeUndefined();
    // Still restarting: no new wave may start beside them.
    expect(batches(sim)).toEqual([[a, b].sort()]);
  });
});

describe('an unfinished campaign', () => {
  it('fails the first run after its window closed, with cutoff 0, naming what it left, and writes nothing', async () => {
    const fleet = staging(4);
    const t = movableClock(SAT_0200 + 2 * 60 * MIN + 50 * MIN);
    sim = await startSimulator({ fleet, fleetClock: t.now, restartDelayMs: 4 * MIN });
    const policyText = policy(WINDOW.replace('cutoffMinutes: 20', 'cutoffMinutes: 0')).replace(
      'timeoutSeconds: 120',
      'timeoutSeconds: 900',
    );
    const last = await runHandler(sim, {
      policy: policyText,
      clock: t.clock,
      env: { RUN_TIMEOUT_MS: String(4.5 * 60_000), DEADLINE_MARGIN_MS: String(MIN) },
    });
    expect(last.error?.message).toBeUndefined();
    expect(last.result?.remaining).toBe(2);

    t.set(SAT_0200 + 3 * 60 * MIN + 5 * MIN);
    sim.clearRequests();
    const after = await runHandler(sim, { policy: policyText, clock: t.clock });
    expect(sim.requests.every((r) => r.method === 'GET')).toBe(true);
    expect(after.error?.message).toBe(
      'policy restart: the window that closed at 2026-03-07T04:00:00Z left 2 instances not restarted, on hold or not back to RUNNING: kafka-stg-1 (stg-001), kafka-stg-0 (stg-000)',
    );

    // Past the hour after it closed, runs make no call again.
    t.set(SAT_0200 + 4 * 60 * MIN + 5 * MIN);
    sim.clearRequests();
    const later = await runHandler(sim, { policy: policyText, clock: t.clock });
    expect(later.error).toBeUndefined();
    expect(sim.requests).toHaveLength(0);
  });
});

describe('the counts and the once-per-window rule', () => {
  it('counts the instances a hold keeps back as not restarted', async () => {
    const fleet = staging(6);
    const [held] = order(6) as [string];
    const t = movableClock(SAT_0200);
    sim = await startSimulator({
      fleet,
      fleetClock: t.now,
      kafka: { [held]: { brokenBroker: 1 } },
    });
    const tags = sim.instance(held)?.tags ?? [];
    sim.setTags(held, [...tags, { key: HOLD_KEY, value: '2026-03-07T00:30:00Z' }]);
    const run = await runHandler(sim, { policy: policy(WINDOW), clock: t.clock });
    expect(batches(sim)).toEqual([]);
    expect(run.summaries[0]?.remaining).toBe(5);
    expect(run.error?.message).toMatch(/; 5 instances not restarted$/);
  });

  it('restarts nothing again the same night when the window start is moved later', async () => {
    const fleet = staging(2);
    const t = movableClock(SAT_0200 + 10 * MIN);
    sim = await startSimulator({ fleet, fleetClock: t.now, restartDelayMs: 20_000 });
    const first = await runHandler(sim, { policy: policy(WINDOW), clock: t.clock });
    expect(first.error).toBeUndefined();
    expect(batches(sim)).toHaveLength(1);
    // 04:05 in Berlin, nearly two hours later, the window now opening at 04:00.
    t.set(SAT_0200 + 2 * 60 * MIN + 5 * MIN);
    const moved = await runHandler(sim, {
      policy: policy(WINDOW.replace('start: "02:00"', 'start: "04:00"')),
      clock: t.clock,
    });
    expect(moved.error).toBeUndefined();
    expect(batches(sim)).toHaveLength(1);
    expect(byOutcome(moved.outcomes)).toEqual({ skipped: order(2).sort() });
  });
});
