import { afterEach, describe, expect, it } from 'vitest';
import { generateFleet, type Simulator, startSimulator } from '../../simulator';
import { MARK_PREFIX, markValue } from '../../src/plan/mark';
import { signedRequest } from '../simulator/signed';
import { DEV_CLEANUP_POLICY, mk, RESTART_POLICY } from '../support/fleet';
import { actions, batches, byOutcome, runHandler, writes } from '../support/harness';

let sim: Simulator;
afterEach(async () => {
  await sim?.stop();
});

const optedIn = (size: number, seed: number) =>
  generateFleet({ size, seed }).map((i) => ({
    ...i,
    status: 'RUNNING',
    tags: [
      { key: 'env', value: 'staging' },
      { key: 'restart-window', value: 'any' },
    ],
  }));

const BIG = RESTART_POLICY.replace('batchSize: 10', 'batchSize: 50').replace(
  'maxInstances: 50',
  'maxInstances: 200',
);

describe('ListInstances as DMS answers it', () => {
  it('lists again when a later page is past the end because the fleet shrank, and restarts what remains', async () => {
    const fleet = optedIn(140, 3);
    sim = await startSimulator({ fleet, restartDelayMs: 60_000 });
    const gone = fleet.slice(0, 70).map((i) => i.instance_id);
    // Right after the first page is answered, half the fleet is deleted.
    sim.inject({
      route: 'listInstances',
      kind: 'mutate',
      after: 1,
      apply: () => {
        for (const id of gone) sim.removeInstance(id);
      },
    });
    const run = await runHandler(sim, { policy: BIG });
    expect(run.error).toBeUndefined();
    const pastEnd = sim.requests.filter((r) => r.route === 'listInstances' && r.status === 400);
    expect(pastEnd.length).toBeGreaterThan(0);
    expect(byOutcome(run.outcomes).restarted).toHaveLength(70);
    expect(
      batches(sim)
        .flat()
        .some((id) => gone.includes(id)),
    ).toBe(false);
    expect(run.result).toMatchObject({ listed: 70, succeeded: 70, failed: 0 });
  });

  it('takes an empty project whose answer leaves out instances and instance_num as empty', async () => {
    sim = await startSimulator({ fleet: [] });
    sim.inject({ route: 'listInstances', kind: 'rewrite', edit: () => ({}) });
    const run = await runHandler(sim, { policy: RESTART_POLICY });
    expect(run.error).toBeUndefined();
    expect(run.result).toMatchObject({ listed: 0, matched: 0 });
  });

  it('refuses a page of instances that does not say how many there are', async () => {
    sim = await startSimulator({ fleet: optedIn(3, 4) });
    sim.inject({
      route: 'listInstances',
      kind: 'rewrite',
      edit: (body) => ({ instances: (body as { instances: unknown[] }).instances }),
    });
    const run = await runHandler(sim, { policy: RESTART_POLICY });
    expect(run.error?.message).toMatch(/unexpected response: instance_num/);
    expect(sim.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });
});

describe('the recycle bin', () => {
  it('records deletes that read back RECYCLE after a lost answer as deleted, sent once', async () => {
    sim = await startSimulator({
      fleet: [
        mk('f1', 'kafka-f1', 'CREATEFAILED', { env: 'dev' }),
        mk('f2', 'kafka-f2', 'CREATEFAILED', { env: 'dev' }),
      ],
      recycleBin: true,
      deleteDelayMs: 0,
    });
    sim.inject({ route: 'instanceAction', kind: 'lost-response' });
    const run = await runHandler(sim, { policy: DEV_CLEANUP_POLICY });
    expect(run.error).toBeUndefined();
    expect(batches(sim)).toEqual([['f1', 'f2']]);
    expect(byOutcome(run.outcomes)).toEqual({ deleted: ['f1', 'f2'] });
    expect(run.outcomes[0]?.reason).toMatch(/^confirmed by status RECYCLE after: /);
    expect(sim.instance('f1')?.status).toBe('RECYCLE');
    // The bin lists them as ShowRecycleInstances answers.
    const bin = await signedRequest(sim, { path: '/v2/{project_id}/recycle' });
    expect(bin.status).toBe(200);
    expect(bin.json()).toMatchObject({
      default_use_recycle: true,
      retention_days: 7,
    });
    const binned = (bin.json() as { recycle_instances: { instance_id: string }[] })
      .recycle_instances;
    expect(binned.map((i) => i.instance_id).sort()).toEqual(['f1', 'f2']);
    expect(binned[0]).toMatchObject({ status: 'RECYCLE', engine: 'kafka', save_time: 7 });
  });

  it('knows RECYCLE: never acted on, never warned about as unknown', async () => {
    sim = await startSimulator({
      fleet: [mk('r1', 'kafka-r1', 'RECYCLE', { env: 'dev' }), ...optedIn(1, 5)],
      // Where DMS lists the bin's instances at all.
      deletingListed: true,
    });
    const run = await runHandler(sim, { policy: RESTART_POLICY });
    expect(run.error).toBeUndefined();
    expect(run.lines.filter((l) => l.kind === 'warning')).toEqual([]);
    expect(batches(sim).flat()).not.toContain('r1');
  });

  it('keeps a forced delete out of the bin', async () => {
    sim = await startSimulator({
      fleet: [mk('f1', 'kafka-f1', 'CREATEFAILED', { env: 'dev' })],
      recycleBin: true,
      deleteDelayMs: 0,
    });
    const run = await runHandler(sim, { policy: `${DEV_CLEANUP_POLICY}    forceDelete: true\n` });
    expect(run.error).toBeUndefined();
    expect(writes(sim)[0]?.body).toMatchObject({ force_delete: true });
    expect(sim.instance('f1')).toBeUndefined();
    const bin = await signedRequest(sim, { path: '/v2/{project_id}/recycle' });
    expect(bin.json()).toMatchObject({ default_use_recycle: true, recycle_instances: [] });
  });
});

describe('DMS.00400026: not allowed due to the instance status', () => {
  const showCalls = () => sim.requests.filter((r) => r.route === 'showInstance');

  it('reads the status before the resend, and records the instance skipped with the status that refused it', async () => {
    const fleet = optedIn(1, 5);
    const id = fleet[0]?.instance_id as string;
    sim = await startSimulator({ fleet, restartDelayMs: 60_000 });
    sim.inject({ route: 'instanceAction', kind: 'busy' });
    // Between the refused restart and the re-read, the instance starts a resize.
    sim.inject({
      route: 'showInstance',
      kind: 'mutate',
      after: 1,
      apply: () => sim.setStatus(id, 'EXTENDING'),
    });
    const run = await runHandler(sim, {
      policy: RESTART_POLICY,
      env: { DMS_RETRY_BASE_MS: '10', DMS_RETRY_MAX_MS: '20' },
    });
    expect(actions(sim).map((r) => r.status)).toEqual([400]);
    expect(showCalls().length).toBeGreaterThanOrEqual(2);
    expect(run.outcomes).toEqual([
      expect.objectContaining({
        instanceId: id,
        outcome: 'skipped',
        reason: expect.stringMatching(/EXTENDING/),
      }),
    ]);
    expect(sim.instance(id)?.status).toBe('EXTENDING');
  });

  it('resends a bounded number of times while the instance stays restartable, reading it before each', async () => {
    const fleet = optedIn(1, 6);
    sim = await startSimulator({ fleet, restartDelayMs: 60_000 });
    sim.inject({ route: 'instanceAction', kind: 'busy', times: Number.POSITIVE_INFINITY });
    const run = await runHandler(sim, {
      policy: RESTART_POLICY,
      env: { DMS_RETRY_ATTEMPTS: '3', DMS_RETRY_BASE_MS: '10', DMS_RETRY_MAX_MS: '20' },
    });
    expect(actions(sim)).toHaveLength(3);
    // One read before each of the three sends, and none sent without one; then the
    // read-back after its mark came off.
    const order = sim.requests
      .filter((r) => r.route === 'showInstance' || r.route === 'instanceAction')
      .map((r) => r.route);
    expect(order).toEqual([
      'showInstance',
      'instanceAction',
      'showInstance',
      'instanceAction',
      'showInstance',
      'instanceAction',
      'showInstance',
    ]);
    expect(run.outcomes).toEqual([
      expect.objectContaining({
        outcome: 'failed',
        errorCode: 'DMS.00400026',
        reason: expect.stringMatching(/not resent after 3 tries/),
      }),
    ]);
    expect(run.error?.message).toMatch(/1 of 1 instances failed/);
  });
});

describe('a TIMER event delivered again (asynchronous retries turned on)', () => {
  const timer = {
    version: 'v1.0',
    time: '2026-03-07T02:00:00+08:00',
    trigger_type: 'TIMER',
    trigger_name: 'weekly',
    user_event: 'restart',
  };

  it('after a failed invocation, restarts no instance twice and says why each is skipped', async () => {
    sim = await startSimulator({ fleet: optedIn(3, 6), restartDelayMs: 60_000 });
    const [a, b, c] = sim.instances().map((i) => i.instance_id);
    // The first delivery fails: DMS answers failed for one instance, twice.
    sim.inject({ route: 'instanceAction', kind: 'results', failIds: [c ?? ''], times: 2 });
    const first = await runHandler(sim, { policy: RESTART_POLICY, event: timer });
    expect(first.error).toBeDefined();
    const again = await runHandler(sim, { policy: RESTART_POLICY, event: timer });
    const sent = batches(sim).flat();
    for (const id of [a, b]) expect(sent.filter((x) => x === id)).toHaveLength(1);
    for (const id of [a, b]) {
      expect(again.outcomes.find((o) => o.instanceId === id)).toMatchObject({
        outcome: 'skipped',
        reason: expect.stringMatching(/^already restarted at .*, less than minIntervalMinutes ago/),
      });
    }
    // The one DMS refused was never restarted: the second delivery restarts it, once.
    expect(again.outcomes.find((o) => o.instanceId === c)?.outcome).toBe('restarted');
  });

  it('after a process killed mid-restart, restarts nothing twice', async () => {
    sim = await startSimulator({ fleet: optedIn(2, 7), restartDelayMs: 60_000 });
    const [a, b] = sim.instances().map((i) => i.instance_id);
    // A first delivery marked and restarted the first instance, then was killed.
    const killed = `${MARK_PREFIX}killedrun234`;
    sim.setTags(a ?? '', [
      ...(sim.instance(a ?? '')?.tags ?? []),
      { key: killed, value: markValue(Date.now()) },
    ]);
    await signedRequest(sim, {
      path: '/v2/{project_id}/instances/action',
      body: { action: 'restart', instances: [a] },
    });
    sim.clearRequests();
    const again = await runHandler(sim, { policy: RESTART_POLICY, event: timer });
    expect(again.error).toBeUndefined();
    expect(batches(sim)).toEqual([[b]]);
    expect(again.outcomes.find((o) => o.instanceId === a)).toMatchObject({
      outcome: 'skipped',
      reason: expect.stringMatching(/^already restarted at /),
    });
  });

  for (const deletingListed of [false, true]) {
    it(`after a process killed mid-cleanup, deletes nothing twice${deletingListed ? ' (deleting instances listed)' : ''}`, async () => {
      sim = await startSimulator({
        fleet: [mk('f1', 'kafka-f1', 'CREATEFAILED', { env: 'dev' })],
        deleteDelayMs: 60_000,
        deletingListed,
      });
      // A first delivery sent the delete, and its process was killed before it heard the answer.
      const event = { ...timer, user_event: 'dev-cleanup' };
      await signedRequest(sim, {
        path: '/v2/{project_id}/instances/action',
        body: { action: 'delete', instances: ['f1'] },
      });
      const again = await runHandler(sim, { policy: DEV_CLEANUP_POLICY, event });
      expect(again.error).toBeUndefined();
      expect(
        batches(sim)
          .flat()
          .filter((id) => id === 'f1').length,
      ).toBeLessThanOrEqual(1);
      expect(again.outcomes).toEqual([]);
      // DMS leaves a deleting instance out of the listing; the old answer listed it.
      expect(again.result).toMatchObject({ listed: deletingListed ? 1 : 0, matched: 0 });
    });
  }
});
