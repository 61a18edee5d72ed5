import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../simulator';
import { HOLD_KEY } from '../../src/plan/hold';
import { staging } from '../support/fleet';
import { batches, byOutcome, movableClock, runHandler } from '../support/harness';

let sim: Simulator;
afterEach(async () => {
  await sim?.stop();
});

const SINGLE = {
  topics: [
    { name: 'orders', replication: 3, partitions: 6 },
    { name: 'audit-log', replication: 1, partitions: 2 },
  ],
};

function policy(extra = '', wait = '{ pollSeconds: 1, timeoutSeconds: 60 }'): string {
  return `version: 1
policies:
  restart:
    action: restart
    dryRun: false
    select: { tags: { env: staging } }
    batchSize: 1
    waitForRunning: ${wait}
${extra}`;
}

const reason = (run: { outcomes: { instanceId: string; reason?: string }[] }, id: string) =>
  run.outcomes.find((o) => o.instanceId === id)?.reason ?? '';

describe('Kafka-aware restarts', () => {
  it('skips an instance with a topic of one replica, naming it, and restarts it when the policy allows that', async () => {
    const fleet = staging(2);
    const [single, plain] = fleet.map((i) => i.instance_id) as [string, string];
    const t = movableClock();
    sim = await startSimulator({
      fleet,
      kafka: { [single]: SINGLE },
      fleetClock: t.now,
      restartDelayMs: 3_000,
    });
    const run = await runHandler(sim, { policy: policy(), clock: t.clock });
    expect(run.error).toBeUndefined();
    expect(batches(sim)).toEqual([[plain]]);
    expect(byOutcome(run.outcomes)).toEqual({ restarted: [plain], skipped: [single] });
    expect(reason(run, single)).toContain('1 topic with one replica (audit-log)');
    const restarted = run.outcomes.find((o) => o.instanceId === plain);
    expect(restarted?.kafka).toMatch(/3 of 3 brokers healthy, \d+ of \d+ replicas in sync/);
    expect(restarted?.healedMs).toBeGreaterThanOrEqual(0);

    await sim.stop();
    const t2 = movableClock();
    sim = await startSimulator({
      fleet,
      kafka: { [single]: SINGLE },
      fleetClock: t2.now,
      restartDelayMs: 3_000,
    });
    const allowed = await runHandler(sim, {
      policy: policy('    allowSingleReplicaTopics: true\n'),
      clock: t2.clock,
    });
    expect(allowed.error).toBeUndefined();
    expect(byOutcome(allowed.outcomes).restarted).toEqual([plain, single].sort());
    expect(allowed.result?.singleReplicaAllowed).toBe(1);
  });

  it('skips an instance whose replicas are out of sync, with the counts, and one with a broker down', async () => {
    const fleet = staging(3);
    const [lagging, broken, fine] = fleet.map((i) => i.instance_id) as [string, string, string];
    const t = movableClock();
    sim = await startSimulator({
      fleet,
      kafka: { [lagging]: { outOfSync: 12 }, [broken]: { brokenBroker: 2 } },
      fleetClock: t.now,
    });
    const run = await runHandler(sim, { policy: policy(), clock: t.clock });
    expect(batches(sim)).toEqual([[fine]]);
    expect(reason(run, lagging)).toMatch(
      /^pre-flight: 12 of \d+ replicas out of sync; a restart now could take partitions offline/,
    );
    expect(reason(run, broken)).toMatch(/^pre-flight: broker 2 of 3 not healthy/);
  });

  it('restarts nothing when the cluster read fails or is malformed', async () => {
    const fleet = staging(2);
    sim = await startSimulator({ fleet });
    sim.inject({
      route: 'showCluster',
      kind: 'status',
      status: 500,
      times: Number.POSITIVE_INFINITY,
    });
    const run = await runHandler(sim, {
      policy: policy('', 'false').replace('    waitForRunning: false\n', ''),
    });
    expect(batches(sim)).toEqual([]);
    expect(byOutcome(run.outcomes)).toEqual({ skipped: fleet.map((i) => i.instance_id).sort() });
    expect(reason(run, fleet[0]?.instance_id ?? '')).toContain('the cluster could not be read');

    await sim.stop();
    sim = await startSimulator({ fleet });
    sim.inject({
      route: 'showCluster',
      kind: 'rewrite',
      times: Number.POSITIVE_INFINITY,
      edit: (b) => {
        const c = (b as { cluster: Record<string, unknown> }).cluster;
        delete c.isr_replicas_count;
        return b;
      },
    });
    const malformed = await runHandler(sim, {
      policy: policy().replace(/ {4}waitForRunning.*\n/, ''),
    });
    expect(batches(sim)).toEqual([]);
    expect(reason(malformed, fleet[0]?.instance_id ?? '')).toContain('isr_replicas_count');
  });

  it('keeps off an instance whose ShowCluster leaves out a count, naming it, and never takes a restarted cluster without it for healed', async () => {
    const fleet = staging(2);
    const [gaps, fine] = fleet.map((i) => i.instance_id) as [string, string];
    const t = movableClock();
    sim = await startSimulator({
      fleet,
      kafka: { [gaps]: { omit: ['isr_replicas_count'] } },
      fleetClock: t.now,
      restartDelayMs: 3_000,
    });
    const run = await runHandler(sim, { policy: policy(), clock: t.clock });
    expect(run.error).toBeUndefined();
    expect(batches(sim)).toEqual([[fine]]);
    expect(reason(run, gaps)).toMatch(
      /^pre-flight: ShowCluster gave no in-sync replica count \(isr_replicas_count\); no evidence that a restart is safe \(3 of 3 brokers healthy, \? of \d+ replicas in sync/,
    );

    // The count goes missing once the restart is under way: the gate waits, then holds it.
    await sim.stop();
    const t2 = movableClock();
    sim = await startSimulator({ fleet: staging(1), fleetClock: t2.now, restartDelayMs: 3_000 });
    const [only] = sim.instances().map((i) => i.instance_id) as [string];
    sim.observe.onRestart(() => sim.setKafka(only, { omit: ['isr_replicas_count'] }));
    const healing = await runHandler(sim, { policy: policy(), clock: t2.clock });
    expect(healing.error).toBeDefined();
    expect(batches(sim)).toEqual([[only]]);
    expect(reason(healing, only)).toMatch(
      /did not heal within 60 s \(last seen: ShowCluster gave no in-sync replica count/,
    );
    expect(sim.instance(only)?.tags.some((x) => x.key === HOLD_KEY)).toBe(true);
  });

  it('stops the campaign when a restarted cluster does not heal, holds it across invocations, and notifies', async () => {
    const fleet = staging(3);
    // Listed newest first: the last made is restarted first.
    const ids = fleet.map((i) => i.instance_id).reverse();
    const [first] = ids as [string];
    const t = movableClock();
    sim = await startSimulator({
      fleet,
      kafka: { [first]: { breaksOnRestart: 1 } },
      fleetClock: t.now,
      restartDelayMs: 3_000,
    });
    const env = {
      SMN_TOPIC_URN: `urn:smn:cn-north-4:${sim.projectId}:ops-alerts`,
      SMN_ENDPOINT: sim.endpoint,
    };
    const run = await runHandler(sim, { policy: policy(), clock: t.clock, env });
    expect(run.error).toBeDefined();
    expect(batches(sim)).toEqual([[first]]);
    expect(reason(run, first)).toMatch(
      /did not heal within 60 s \(last seen: broker 1 of 3 not healthy/,
    );
    expect(sim.instance(first)?.tags.some((x) => x.key === HOLD_KEY)).toBe(true);
    const rest = ids.slice(1);
    for (const id of rest) expect(reason(run, id)).toContain('not started');
    expect(sim.published).toHaveLength(1);
    expect(sim.published[0]?.message).toContain(first);
    expect(sim.published[0]?.message).toContain('broker 1 of 3 not healthy');

    // A later invocation, still unhealthy: no wave, fails again.
    const again = await runHandler(sim, { policy: policy(), clock: t.clock, env });
    expect(again.error).toBeDefined();
    expect(batches(sim)).toEqual([[first]]);
    expect(reason(again, first)).toContain('still not healthy');

    // Healed: the hold comes off and the campaign goes on.
    sim.setKafka(first, { brokenBroker: undefined });
    const healed = await runHandler(sim, { policy: policy(), clock: t.clock, env });
    expect(healed.error).toBeUndefined();
    expect(sim.instance(first)?.tags.some((x) => x.key === HOLD_KEY)).toBe(false);
    expect(batches(sim).slice(1)).toEqual(rest.map((id) => [id]));
  });

  it('goes on at once when a person takes the hold off', async () => {
    const fleet = staging(2);
    const [held, next] = fleet.map((i) => i.instance_id) as [string, string];
    const t = movableClock();
    sim = await startSimulator({
      fleet,
      kafka: { [held]: { brokenBroker: 0 } },
      fleetClock: t.now,
    });
    sim.setTags(held, {
      env: 'staging',
      'restart-window': 'any',
      [HOLD_KEY]: '2026-12-01T02:00:00Z',
    });
    const stopped = await runHandler(sim, { policy: policy(), clock: t.clock });
    expect(stopped.error).toBeDefined();
    expect(batches(sim)).toEqual([]);
    sim.setTags(held, { env: 'staging', 'restart-window': 'any' });
    sim.setKafka(held, { brokenBroker: undefined });
    const run = await runHandler(sim, { policy: policy(), clock: t.clock });
    expect(run.error).toBeUndefined();
    expect(batches(sim).flat().sort()).toEqual([held, next].sort());
  });

  it('takes the hold off with the value it carries, and goes on once a read shows it gone', async () => {
    const fleet = staging(2);
    const [held, other] = fleet.map((i) => i.instance_id) as [string, string];
    const t = movableClock();
    sim = await startSimulator({ fleet, fleetClock: t.now });
    const hold = { key: HOLD_KEY, value: '2026-12-01T02:00:00Z' };
    sim.setTags(held, { env: 'staging', 'restart-window': 'any', [hold.key]: hold.value });
    const run = await runHandler(sim, { policy: policy(), clock: t.clock });
    expect(run.error).toBeUndefined();
    const lift = sim.requests.find((r) => r.route === 'tagAction');
    expect(lift?.body).toEqual({ action: 'delete', tags: [hold] });
    // The read after the call, before any restart.
    const next = sim.requests.find((r) => r.seq > (lift?.seq ?? 0) && r.route !== 'showCluster');
    expect(next?.route).toBe('showInstance');
    expect(sim.instance(held)?.tags.some((x) => x.key === HOLD_KEY)).toBe(false);
    // The campaign goes on; the instance that was on hold waits for a later run's listing.
    expect(batches(sim)).toEqual([[other]]);
  });

  it('does not take a hold for lifted that a read still shows: a person wrote it again since the listing', async () => {
    const fleet = staging(2);
    const [held, other] = fleet.map((i) => i.instance_id) as [string, string];
    const t = movableClock();
    sim = await startSimulator({ fleet, fleetClock: t.now });
    const tags = { env: 'staging', 'restart-window': 'any' };
    sim.setTags(held, { ...tags, [HOLD_KEY]: '2026-12-01T02:00:00Z' });
    // Between the listing and the removal, a person puts the hold on again, with a new time.
    sim.inject({
      route: 'tagAction',
      kind: 'mutate',
      apply: () => sim.setTags(held, { ...tags, [HOLD_KEY]: '2026-12-02T03:00:00Z' }),
    });
    const run = await runHandler(sim, { policy: policy(), clock: t.clock });
    expect(batches(sim)).toEqual([]);
    expect(sim.instance(held)?.tags).toContainEqual({
      key: HOLD_KEY,
      value: '2026-12-02T03:00:00Z',
    });
    expect(reason(run, held)).toMatch(/^its cluster is whole again \(3 of 3 brokers healthy, /);
    expect(reason(run, held)).toContain(
      `but the hold ${HOLD_KEY}=2026-12-01T02:00:00Z could not be taken off (DMS answered the call, but read back, it still carries ${HOLD_KEY}=2026-12-02T03:00:00Z); the campaign waits for it as for any hold`,
    );
    expect(run.outcomes.find((o) => o.instanceId === held)?.outcome).toBe('failed');
    expect(reason(run, other)).toContain('not started');
    expect(run.error?.message).toContain(
      `the hold ${HOLD_KEY}=2026-12-01T02:00:00Z could not be taken off`,
    );
  });

  it('reads nothing of Kafka when the policy turns the checks off', async () => {
    const fleet = staging(1);
    const [single] = fleet.map((i) => i.instance_id) as [string];
    sim = await startSimulator({ fleet, kafka: { [single]: SINGLE } });
    const run = await runHandler(sim, {
      policy: policy('    kafkaChecks: false\n').replace(/ {4}waitForRunning.*\n/, ''),
    });
    expect(byOutcome(run.outcomes)).toEqual({ restarted: [single] });
    expect(
      sim.requests.filter((r) => r.route === 'showCluster' || r.route === 'listTopics'),
    ).toEqual([]);
  });

  it("reads no cluster for a wave that can no longer start: the rest is the deadline's, each recorded once", async () => {
    // Every cluster is out of sync, so each wave is read again and again as the pre-flight
    // keeps its instances off; each read takes 300 ms, and the write cutoff comes 1 s in.
    const fleet = staging(12);
    sim = await startSimulator({
      fleet,
      kafka: Object.fromEntries(fleet.map((i) => [i.instance_id, { outOfSync: 3 }])),
    });
    sim.setLatency(300);
    const run = await runHandler(sim, {
      policy: policy('    maxInstances: 20\n').replace('batchSize: 1', 'batchSize: 2'),
      env: { RUN_TIMEOUT_MS: '3000', DEADLINE_MARGIN_MS: '2000' },
    });
    const reads = sim.requests.filter((r) => r.route === 'showCluster').length;
    expect(reads).toBeLessThan(12);
    const notReached = run.outcomes.filter((o) => o.reason === 'deadline').length;
    const keptOff = run.outcomes.filter((o) => o.reason?.startsWith('pre-flight: ')).length;
    expect(notReached).toBeGreaterThan(0);
    expect(keptOff + notReached).toBe(12);
    expect(run.summaries[0]?.complete).toBe(false);
    expect(run.summaries[0]?.notReached).toBe(notReached);
    // One record an instance, and no second outcome dropped.
    expect(new Set(run.outcomes.map((o) => o.instanceId)).size).toBe(12);
    expect(run.raw).not.toContain('a second outcome for one instance was dropped');
  });
});
