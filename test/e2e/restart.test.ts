import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../simulator';
import { signedRequest } from '../simulator/signed';
import { mk, RESTART_POLICY, staging } from '../support/fleet';
import { actions, batches, byOutcome, runHandler, tagWrites, writes } from '../support/harness';

let sim: Simulator;
afterEach(async () => {
  await sim?.stop();
});

const fleet = () => [
  ...staging(3),
  mk('prot', 'kafka-stg-protected', 'RUNNING', {
    env: 'staging',
    'restart-window': 'any',
    'maintenance-protect': 'true',
  }),
  mk('busy', 'kafka-stg-busy', 'RESTARTING', { env: 'staging', 'restart-window': 'any' }),
  mk('new', 'kafka-stg-new', 'CREATING', { env: 'staging', 'restart-window': 'any' }),
  mk('prod', 'kafka-prod-1', 'RUNNING', { env: 'production', 'restart-window': 'any' }),
  mk('sat', 'kafka-stg-sat', 'RUNNING', { env: 'staging', 'restart-window': 'sat-0300' }),
];

describe('scheduled restart', () => {
  it('restarts exactly the matching RUNNING instances and sends nothing else', async () => {
    // RESTARTING at once, so the statuses below are read as the restart left them.
    sim = await startSimulator({ fleet: fleet(), restartDelayMs: 60_000, restartOnsetMs: 0 });
    const run = await runHandler(sim, { policy: RESTART_POLICY, event: { policy: 'restart' } });

    expect(run.error).toBeUndefined();
    expect(byOutcome(run.outcomes)).toEqual({
      restarted: ['stg-000', 'stg-001', 'stg-002'],
      skipped: ['busy', 'new', 'prot'],
    });
    const posts = actions(sim);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body).toMatchObject({ action: 'restart' });
    expect(batches(sim)).toEqual([['stg-000', 'stg-001', 'stg-002']]);
    expect(sim.requests.every((r) => r.signatureValid)).toBe(true);
    // Reads: the listing, then a re-check of each instance after its mark, before the restart.
    const reads = sim.requests.filter((r) => r.method === 'GET');
    expect(
      reads
        .filter((r) => r.route === 'showInstance')
        .map((r) => r.path.split('/').pop())
        .sort(),
    ).toEqual(['stg-000', 'stg-001', 'stg-002']);
    // The Kafka checks: one cluster read and one topics listing each, all before the restart.
    const kafka = reads.filter((r) => r.route === 'showCluster' || r.route === 'listTopics');
    expect(kafka.map((r) => r.route).sort()).toEqual([
      ...Array(3).fill('listTopics'),
      ...Array(3).fill('showCluster'),
    ]);
    for (const r of kafka) expect(r.seq).toBeLessThan(posts[0]?.seq ?? 0);
    expect(
      reads.filter(
        (r) => !['listInstances', 'showInstance', 'showCluster', 'listTopics'].includes(r.route),
      ),
    ).toEqual([]);
    const key = run.result?.markKey;
    expect(key).toMatch(/^dms-maintenance\.mark-[a-z2-7]{12}$/);
    expect(tagWrites(sim).sort()).toEqual(
      ['stg-000', 'stg-001', 'stg-002'].map((id) => [id, 'create', [key]]),
    );
    expect(sim.instance('prot')?.status).toBe('RUNNING');
    expect(sim.instance('prod')?.status).toBe('RUNNING');
    expect(sim.instance('sat')?.status).toBe('RUNNING');
    expect(sim.instance('stg-000')?.status).toBe('RESTARTING');
  });

  it('records a reason for each skipped instance', async () => {
    sim = await startSimulator({ fleet: fleet() });
    const run = await runHandler(sim, { policy: RESTART_POLICY, event: { policy: 'restart' } });
    const reasons = Object.fromEntries(
      run.outcomes.filter((o) => o.outcome === 'skipped').map((o) => [o.instanceId, o.reason]),
    );
    expect(reasons).toEqual({
      prot: 'excluded by tag maintenance-protect=true',
      busy: 'status RESTARTING is not one of RUNNING',
      new: 'status CREATING is not one of RUNNING',
    });
  });

  it('never restarts an instance whose protect tag differs in case or spacing', async () => {
    sim = await startSimulator({
      fleet: [
        ...staging(1),
        mk('p1', 'kafka-stg-p1', 'RUNNING', {
          env: 'staging',
          'restart-window': 'any',
          'Maintenance-Protect': 'true',
        }),
        mk('p2', 'kafka-stg-p2', 'RUNNING', {
          env: 'staging',
          'restart-window': 'any',
          'maintenance-protect': ' True',
        }),
      ],
    });
    const run = await runHandler(sim, { policy: RESTART_POLICY, event: { policy: 'restart' } });
    expect(run.error).toBeUndefined();
    expect(byOutcome(run.outcomes)).toEqual({ restarted: ['stg-000'], skipped: ['p1', 'p2'] });
    expect(batches(sim)).toEqual([['stg-000']]);
    expect(sim.instance('p1')?.status).toBe('RUNNING');
    expect(sim.instance('p2')?.status).toBe('RUNNING');
  });

  it('writes one outcome per matched instance and a summary that adds up', async () => {
    sim = await startSimulator({ fleet: fleet() });
    const run = await runHandler(sim, { policy: RESTART_POLICY, event: { policy: 'restart' } });
    expect(run.summaries).toHaveLength(1);
    expect(run.summaries[0]).toMatchObject({ ...run.result, level: 'info' });
    expect(run.result).toMatchObject({
      kind: 'summary',
      policy: 'restart',
      action: 'restart',
      dryRun: false,
      listed: 8,
      matched: 6,
      succeeded: 3,
      failed: 0,
      skipped: 3,
      refused: false,
    });
    for (const o of run.outcomes.filter((r) => r.outcome === 'restarted')) {
      expect(o).toMatchObject({
        kind: 'outcome',
        policy: 'restart',
        action: 'restart',
        dryRun: false,
        status: 'RUNNING',
        attempts: 1,
      });
      expect(o.requestId).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('makes zero write calls in dry-run', async () => {
    sim = await startSimulator({ fleet: fleet() });
    const policy = RESTART_POLICY.replace('dryRun: false', 'dryRun: true');
    const run = await runHandler(sim, { policy, event: { policy: 'restart' } });
    expect(writes(sim)).toHaveLength(0);
    expect(byOutcome(run.outcomes)['would-restart']).toEqual(['stg-000', 'stg-001', 'stg-002']);
    expect(run.result?.dryRun).toBe(true);
  });

  it('treats DRY_RUN=true as an emergency brake over dryRun: false', async () => {
    sim = await startSimulator({ fleet: fleet() });
    const run = await runHandler(sim, {
      policy: RESTART_POLICY,
      event: { policy: 'restart' },
      env: { DRY_RUN: 'true' },
    });
    expect(writes(sim)).toHaveLength(0);
    expect(run.outcomes.filter((o) => o.outcome === 'would-restart')).toHaveLength(3);
  });

  it('lets an event ask for a dry run', async () => {
    sim = await startSimulator({ fleet: fleet() });
    const run = await runHandler(sim, {
      policy: RESTART_POLICY,
      event: { trigger_type: 'TIMER', user_event: '{"policy":"restart","dryRun":true}' },
    });
    expect(writes(sim)).toHaveLength(0);
    expect(run.result?.dryRun).toBe(true);
  });

  it('sends batches of at most batchSize ids', async () => {
    sim = await startSimulator({ fleet: staging(23) });
    const run = await runHandler(sim, { policy: RESTART_POLICY, event: { policy: 'restart' } });
    expect(run.error).toBeUndefined();
    const sizes = actions(sim).map((r) => (r.body as { instances: string[] }).instances.length);
    expect(sizes).toEqual([10, 10, 3]);
    const sent = actions(sim).flatMap((r) => (r.body as { instances: string[] }).instances);
    expect(new Set(sent).size).toBe(23);
    expect(run.result?.succeeded).toBe(23);
  });

  it('refuses the whole run when more instances match than maxInstances', async () => {
    sim = await startSimulator({ fleet: staging(12) });
    const policy = RESTART_POLICY.replace('maxInstances: 50', 'maxInstances: 11');
    const run = await runHandler(sim, { policy, event: { policy: 'restart' } });
    expect(writes(sim)).toHaveLength(0);
    expect(run.error?.message).toMatch(
      /refused, 12 instances would be acted on and maxInstances is 11/,
    );
    expect(run.outcomes).toHaveLength(12);
    expect(
      run.outcomes.every((o) => o.outcome === 'refused' && o.reason?.includes('maxInstances 11')),
    ).toBe(true);
    expect(run.summaries[0]).toMatchObject({ refused: true, succeeded: 0 });
  });

  it('records mixed results and fails the invocation with counts', async () => {
    sim = await startSimulator({ fleet: staging(4) });
    // stg-001 answers failed twice: the first answer and the one retry.
    sim.inject({ route: 'instanceAction', kind: 'results', failIds: ['stg-001'], times: 2 });
    const run = await runHandler(sim, { policy: RESTART_POLICY, event: { policy: 'restart' } });
    expect(byOutcome(run.outcomes)).toEqual({
      restarted: ['stg-000', 'stg-002', 'stg-003'],
      failed: ['stg-001'],
    });
    const failed = run.outcomes.find((o) => o.instanceId === 'stg-001');
    expect(failed).toMatchObject({
      attempts: 2,
      reason: 'DMS answered failed, also on the resend',
    });
    expect(batches(sim)).toEqual([['stg-000', 'stg-001', 'stg-002', 'stg-003'], ['stg-001']]);
    expect(run.error?.name).toBe('RunFailedError');
    expect(run.error?.message).toBe(
      'policy restart: 1 of 4 instances failed (3 succeeded, 0 skipped)',
    );
  });
});

describe('a restart DMS refuses for one instance’s state (400 DMS.00400026 for the whole call)', () => {
  const ACTION = '/v2/{project_id}/instances/action';

  /** Someone else restarted these a moment ago: DMS took it, and they still show RUNNING. */
  async function restartedElsewhere(ids: string[]) {
    const res = await signedRequest(sim, {
      path: ACTION,
      body: { action: 'restart', instances: ids },
    });
    expect(res.status).toBe(200);
    sim.clearRequests();
  }

  /** Every restart call went out after a fresh read of each instance it carried. */
  function everyCallReadFirst() {
    let shown = new Set<string>();
    for (const r of sim.requests) {
      if (r.route === 'showInstance') shown.add(r.path.split('/').pop() ?? '');
      if (r.route !== 'instanceAction') continue;
      for (const id of (r.body as { instances: string[] }).instances) expect(shown).toContain(id);
      shown = new Set();
    }
  }

  const sendsOf = (id: string) => batches(sim).filter((b) => b.includes(id)).length;

  it('restarts the other 3 of a wave of 4, records the 4th failed with DMS.00400026, in 5 calls', async () => {
    sim = await startSimulator({ fleet: staging(4), restartOnsetMs: 600_000 });
    await restartedElsewhere(['stg-002']);
    const run = await runHandler(sim, {
      policy: RESTART_POLICY,
      event: { policy: 'restart' },
      env: { DMS_RETRY_ATTEMPTS: '3' },
    });
    expect(byOutcome(run.outcomes)).toEqual({
      restarted: ['stg-000', 'stg-001', 'stg-003'],
      failed: ['stg-002'],
    });
    expect(run.outcomes.find((o) => o.instanceId === 'stg-002')).toMatchObject({
      errorCode: 'DMS.00400026',
      attempts: 3,
      reason: expect.stringMatching(
        /^RestartInstances failed: HTTP 400, DMS\.00400026, .*; status RUNNING when last read; not resent after 3 tries$/,
      ),
    });
    // Halved until the one DMS refuses is alone: the wave, its halves, the half's halves.
    expect(batches(sim)).toEqual([
      ['stg-000', 'stg-001', 'stg-002', 'stg-003'],
      ['stg-002', 'stg-003'],
      ['stg-003'],
      ['stg-002'],
      ['stg-000', 'stg-001'],
    ]);
    expect(actions(sim).map((r) => r.status)).toEqual([400, 400, 200, 400, 200]);
    everyCallReadFirst();
    // DMS took each of the three once, and nothing of ours for the fourth.
    const accepted = sim.observe.restarts.filter((e) => e.kind === 'accepted').map((e) => e.id);
    expect(accepted.sort()).toEqual(['stg-000', 'stg-001', 'stg-002', 'stg-003']);
    // DMS did nothing of ours to the refused one: its mark is taken off, the others' kept.
    const unmarked = tagWrites(sim).filter(([, action]) => action === 'delete');
    expect(unmarked.map(([id]) => id)).toEqual(['stg-002']);
    expect(run.error?.message).toBe(
      'policy restart: 1 of 4 instances failed (3 succeeded, 0 skipped)',
    );
  });

  it('keeps the calls bounded in a wave of 10 with two refused: each sent at most max(attempts, log2 + 1) times', async () => {
    sim = await startSimulator({ fleet: staging(10), restartOnsetMs: 600_000 });
    await restartedElsewhere(['stg-001', 'stg-007']);
    const run = await runHandler(sim, { policy: RESTART_POLICY, event: { policy: 'restart' } });
    expect(byOutcome(run.outcomes)).toEqual({
      restarted: staging(10)
        .map((i) => i.instance_id)
        .filter((id) => id !== 'stg-001' && id !== 'stg-007'),
      failed: ['stg-001', 'stg-007'],
    });
    for (const id of ['stg-001', 'stg-007']) {
      expect(run.outcomes.find((o) => o.instanceId === id)?.errorCode).toBe('DMS.00400026');
    }
    // Default DMS_RETRY_ATTEMPTS 5; ceil(log2 10) + 1 = 5.
    for (const i of staging(10)) expect(sendsOf(i.instance_id)).toBeLessThanOrEqual(5);
    // The wave, two calls for each of its 4 splits, and two more sends of each refused one alone.
    expect(actions(sim)).toHaveLength(13);
    everyCallReadFirst();
    const ours = sim.observe.restarts.filter((e) => e.kind === 'accepted').map((e) => e.id);
    expect(ours).toHaveLength(10);
    expect(new Set(ours).size).toBe(10);
  });
});
