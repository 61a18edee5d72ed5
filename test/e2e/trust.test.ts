import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../simulator';
import { markValue } from '../../src/plan/mark';
import { signedRequest } from '../simulator/signed';
import {
  ALL_FAILURE_POLICY,
  CLEANUP_POLICY,
  DEV_CLEANUP_POLICY,
  mk,
  RESTART_POLICY,
  staging,
} from '../support/fleet';
import {
  actions,
  batches,
  byOutcome,
  movableClock,
  runHandler,
  tagWrites,
  writes,
} from '../support/harness';

let sim: Simulator;
afterEach(async () => {
  await sim?.stop();
});

const failed = (id: string, tags: Record<string, string> = {}) =>
  mk(id, `kafka-${id}`, 'CREATEFAILED', tags);

const WAVES = `version: 1
policies:
  restart:
    action: restart
    dryRun: false
    select: { tags: { env: staging } }
    batchSize: 1
    waitForRunning: { timeoutSeconds: 30, pollSeconds: 1 }
`;

describe('a wave is back only after its restart was seen to begin', () => {
  it('waits through the onset, so one instance restarts at a time under batchSize 1', async () => {
    const t = movableClock();
    sim = await startSimulator({
      fleet: staging(2),
      fleetClock: t.now,
      restartOnsetMs: 3_000,
      restartDelayMs: 10_000,
    });
    const run = await runHandler(sim, { policy: WAVES, clock: t.clock });
    expect(run.error).toBeUndefined();
    // Newest first: stg-001, then stg-000.
    expect(batches(sim)).toEqual([['stg-001'], ['stg-000']]);
    // Before the second restart, the first was read RESTARTING and then RUNNING.
    const second = actions(sim)[1]?.seq ?? 0;
    const first = sim.requests.filter(
      (r) => r.route === 'showInstance' && r.path.endsWith('stg-001') && r.seq < second,
    );
    expect(first.length).toBeGreaterThanOrEqual(4);
    for (const o of run.outcomes) {
      expect(o.outcome).toBe('restarted');
      // Onset and restart: 13 s at least, never the first poll's 1 s.
      expect(o.recoveredMs).toBeGreaterThanOrEqual(13_000);
    }
  });

  it('fails a restart DMS accepted and never began, and holds the next wave', async () => {
    const t = movableClock();
    sim = await startSimulator({ fleet: staging(2), fleetClock: t.now, restartOnsetMs: 3_000 });
    sim.inject({ route: 'instanceAction', kind: 'results', ignoreIds: ['stg-001'] });
    const run = await runHandler(sim, { policy: WAVES, clock: t.clock });
    expect(batches(sim)).toEqual([['stg-001']]);
    expect(run.outcomes.find((o) => o.instanceId === 'stg-001')).toMatchObject({
      outcome: 'failed',
      reason:
        'restart accepted, but never seen to begin: not seen RESTARTING within 30 s (last seen: status now RUNNING)',
    });
    expect(run.outcomes.find((o) => o.instanceId === 'stg-000')).toMatchObject({
      outcome: 'skipped',
      reason: 'not started: an earlier wave was not confirmed RUNNING',
    });
    expect(run.outcomes.find((o) => o.instanceId === 'stg-001')?.recoveredMs).toBeUndefined();
    expect(run.error?.message).toMatch(/1 of 2 instances failed/);
  });

  it('does not resend a restart whose answer was lost while it is still in its onset', async () => {
    const t = movableClock();
    sim = await startSimulator({
      fleet: staging(1),
      fleetClock: t.now,
      restartOnsetMs: 5_000,
      restartDelayMs: 20_000,
    });
    sim.inject({ route: 'instanceAction', kind: 'lost-response' });
    const run = await runHandler(sim, { policy: WAVES, clock: t.clock });
    expect(batches(sim)).toEqual([['stg-000']]);
    expect(run.error).toBeUndefined();
    expect(run.outcomes[0]).toMatchObject({ outcome: 'restarted' });
    expect(run.outcomes[0]?.reason).toMatch(/^confirmed by status RESTARTING after: /);
  });
});

describe('an answer for another instance, or another engine, is no answer', () => {
  it('takes a re-check answered with another instance as unknown, and deletes nothing', async () => {
    sim = await startSimulator({ fleet: [failed('f1', { env: 'dev' })] });
    // The re-check of f1 is answered with another instance, one that would qualify.
    sim.inject({
      route: 'showInstance',
      kind: 'rewrite',
      edit: (body) => ({ ...(body as object), instance_id: 'f9', name: 'kafka-f9' }),
      times: Number.POSITIVE_INFINITY,
    });
    const run = await runHandler(sim, { policy: DEV_CLEANUP_POLICY });
    expect(actions(sim)).toHaveLength(0);
    const f1 = run.outcomes.find((o) => o.instanceId === 'f1');
    expect(f1?.outcome).toBe('failed');
    expect(f1?.reason).toMatch(
      /not sent: the instance could not be re-checked before the delete: .*the answer is for another instance/,
    );
    expect(sim.instance('f1')?.status).toBe('CREATEFAILED');
    expect(run.error).toBeDefined();
  });

  it('never marks, restarts or deletes an instance whose engine is not Kafka', async () => {
    sim = await startSimulator({ fleet: staging(2) });
    sim.inject({
      route: 'listInstances',
      kind: 'rewrite',
      times: Number.POSITIVE_INFINITY,
      edit: (body) => {
        const b = body as { instances: Array<{ instance_id: string; engine: string }> };
        for (const i of b.instances) if (i.instance_id === 'stg-001') i.engine = 'rabbitmq';
        return b;
      },
    });
    const run = await runHandler(sim, { policy: RESTART_POLICY });
    expect(batches(sim)).toEqual([['stg-000']]);
    expect(tagWrites(sim).some(([id]) => id === 'stg-001')).toBe(false);
    expect(run.outcomes.find((o) => o.instanceId === 'stg-001')).toMatchObject({
      outcome: 'skipped',
      reason: 'engine "rabbitmq" is not Kafka; never acted on',
    });
  });

  it('refuses a re-check that says the instance is of another engine', async () => {
    sim = await startSimulator({ fleet: staging(1) });
    sim.inject({
      route: 'showInstance',
      kind: 'rewrite',
      times: Number.POSITIVE_INFINITY,
      edit: (body) => ({ ...(body as object), engine: 'rocketmq' }),
    });
    const run = await runHandler(sim, { policy: RESTART_POLICY });
    expect(actions(sim)).toHaveLength(0);
    expect(run.outcomes[0]?.outcome).toBe('failed');
    expect(run.outcomes[0]?.reason).toMatch(/engine: not a Kafka instance/);
  });
});

describe('duplicates never decide a write', () => {
  it('refuses a TIMER user_event that names a key twice, before any call', async () => {
    sim = await startSimulator({ fleet: [failed('f1')] });
    const run = await runHandler(sim, {
      policy: `version: 1
policies:
  other: { action: cleanup-failed, dryRun: true }
  cleanup: { action: cleanup-failed, dryRun: false }
`,
      event: {
        trigger_type: 'TIMER',
        user_event: '{"policy":"other","policy":"cleanup"}',
      },
    });
    expect(sim.requests).toHaveLength(0);
    expect(run.error?.message).toMatch(/event\.user_event\.policy: duplicate key/);
  });

  it('refuses an event given as JSON text whose top level names a key twice', async () => {
    sim = await startSimulator({ fleet: [failed('f1')] });
    const run = await runHandler(sim, {
      policy: CLEANUP_POLICY,
      event: '{"policy":"cleanup","dryRun":true,"dryRun":true}',
    });
    expect(sim.requests).toHaveLength(0);
    expect(run.error?.message).toMatch(/event\.dryRun: duplicate key/);
  });

  it('keeps an instance whose protect tag appears twice, once excluding', async () => {
    sim = await startSimulator({
      fleet: [failed('f1', { env: 'dev' }), failed('f2', { env: 'dev' })],
    });
    sim.setTags('f1', [
      { key: 'env', value: 'dev' },
      { key: 'maintenance-protect', value: 'true' },
      { key: 'maintenance-protect', value: '' },
    ]);
    const run = await runHandler(sim, {
      policy: DEV_CLEANUP_POLICY.replace(
        'policies:',
        'defaults:\n  exclude: { tags: { maintenance-protect: "true" } }\npolicies:',
      ),
    });
    expect(batches(sim)).toEqual([['f2']]);
    expect(run.outcomes.find((o) => o.instanceId === 'f1')).toMatchObject({
      outcome: 'skipped',
      reason: 'excluded by tag maintenance-protect=true',
    });
  });

  it('never acts on an instance that carries a selected key twice', async () => {
    sim = await startSimulator({ fleet: staging(2) });
    sim.setTags('stg-001', [
      { key: 'env', value: 'prod' },
      { key: 'env', value: 'staging' },
      { key: 'restart-window', value: 'any' },
    ]);
    const run = await runHandler(sim, { policy: RESTART_POLICY });
    expect(batches(sim)).toEqual([['stg-000']]);
    expect(run.outcomes.find((o) => o.instanceId === 'stg-001')).toMatchObject({
      outcome: 'skipped',
      reason:
        'tag key "env" appears more than once; which value holds is unknown, so it is never acted on',
    });
  });
});

describe('all_failure', () => {
  it('is never used by a policy that excludes by tag; it deletes by id instead', async () => {
    sim = await startSimulator({ fleet: [failed('f1'), failed('f2')] });
    const run = await runHandler(sim, { policy: CLEANUP_POLICY });
    expect(batches(sim)).toEqual([['f1', 'f2']]);
    expect(writes(sim)[0]?.body).not.toHaveProperty('all_failure');
    expect(run.result?.mode).toBe('by-id');
    expect(run.result?.modeReason).toMatch(/excludes by tag \(maintenance-protect\)/);
  });

  it('records a failed instance that appears just before the call as deleted-unplanned, and fails', async () => {
    // Seen only where DMS still lists deleting instances: where it leaves them out, an
    // instance that arrives failed after the last listing is in neither listing.
    sim = await startSimulator({
      fleet: [failed('f1')],
      deleteDelayMs: 60_000,
      deletingListed: true,
    });
    sim.inject({
      route: 'instanceAction',
      kind: 'mutate',
      apply: () => sim.addInstance(failed('late')),
    });
    const run = await runHandler(sim, {
      policy: ALL_FAILURE_POLICY,
    });
    expect(writes(sim).map((r) => r.body)).toEqual([{ action: 'delete', all_failure: 'kafka' }]);
    expect(byOutcome(run.outcomes)).toEqual({ deleted: ['f1'], 'deleted-unplanned': ['late'] });
    expect(run.outcomes.find((o) => o.instanceId === 'late')?.reason).toMatch(
      /^status DELETING right after the all_failure call/,
    );
    expect(
      run.lines.some(
        (l) => l.kind === 'warning' && String(l.message).startsWith('all_failure deleted'),
      ),
    ).toBe(true);
    expect(run.error?.message).toMatch(/1 of 2 instances failed/);
  });
});

describe('a 2xx answer that carries an error is an error', () => {
  it('fails the marks that DMS answered 200 with an error code, and restarts nothing', async () => {
    sim = await startSimulator({ fleet: staging(2) });
    sim.inject({
      route: 'tagAction',
      kind: 'raw',
      status: 200,
      body: '{"error_code":"DMS.00400812","error_msg":"tags are not supported"}',
      times: Number.POSITIVE_INFINITY,
    });
    const run = await runHandler(sim, { policy: RESTART_POLICY });
    expect(actions(sim)).toHaveLength(0);
    for (const o of run.outcomes) {
      expect(o).toMatchObject({ outcome: 'failed', errorCode: 'DMS.00400812' });
    }
    expect(run.error?.message).toMatch(/2 of 2 instances failed/);
  });

  it('reports a restart answered 200 with DMS.00400026 with its code, not as malformed', async () => {
    sim = await startSimulator({ fleet: staging(1) });
    sim.inject({
      route: 'instanceAction',
      kind: 'raw',
      status: 200,
      body: '{"error_code":"DMS.00400026","error_msg":"not allowed due to the instance status"}',
      times: Number.POSITIVE_INFINITY,
    });
    const run = await runHandler(sim, { policy: RESTART_POLICY });
    const o = run.outcomes[0];
    expect(o?.outcome).toBe('failed');
    expect(o?.errorCode).toBe('DMS.00400026');
    expect(o?.reason).not.toMatch(/malformed|unexpected response/);
  });

  it('fails and notifies a campaign whose every mark vanished before its re-check', async () => {
    sim = await startSimulator({ fleet: staging(2) });
    // DMS takes the tag calls, but its answers show the tags as they were before.
    const keep = sim.instances();
    sim.inject({
      route: 'showInstance',
      kind: 'rewrite',
      times: Number.POSITIVE_INFINITY,
      edit: (body) => {
        const b = body as { instance_id: string; tags: unknown };
        b.tags = keep.find((i) => i.instance_id === b.instance_id)?.tags ?? [];
        return b;
      },
    });
    const run = await runHandler(sim, { policy: RESTART_POLICY });
    expect(actions(sim)).toHaveLength(0);
    expect(run.result).toBeUndefined();
    expect(run.summaries[0]).toMatchObject({ marked: 2, marksVanished: 2 });
    expect(run.error?.message).toMatch(/every mark this run wrote \(2\) was gone at the re-check/);
    // One warning an instance names its mark (see tags.test.ts), then the count.
    const warnings = run.lines.filter((l) => l.kind === 'warning').map((l) => l.message);
    expect(warnings).toContainEqual(
      expect.stringMatching(/^2 of the 2 marks this run wrote were gone/),
    );
  });
});

describe('clearer refusals', () => {
  it('keeps an instance whose protect value was typed full-width or with a zero-width space', async () => {
    sim = await startSimulator({ fleet: staging(3) });
    sim.setTags('stg-000', {
      env: 'staging',
      'restart-window': 'any',
      'maintenance-protect': 'ｔｒｕｅ',
    });
    sim.setTags('stg-001', {
      env: 'staging',
      'restart-window': 'any',
      'maintenance\u200b-protect': 'tr\u200bue',
    });
    const run = await runHandler(sim, { policy: RESTART_POLICY });
    expect(batches(sim)).toEqual([['stg-002']]);
    expect(byOutcome(run.outcomes).skipped).toEqual(['stg-000', 'stg-001']);
  });
});

describe('another run’s restart still in its onset', () => {
  const markOf = (t: number) => ({ key: 'dms-maintenance.mark-otherrun2345', value: markValue(t) });

  it('is waited for, so batchSize holds across overlapping runs', async () => {
    const t = movableClock(Date.parse('2026-03-07T01:00:00Z'));
    sim = await startSimulator({
      fleet: staging(2),
      fleetClock: t.now,
      restartOnsetMs: 5_000,
      restartDelayMs: 20_000,
    });
    // The other run marked stg-001 and DMS took its restart a moment ago; it still shows RUNNING.
    sim.setTags('stg-001', [...(sim.instance('stg-001')?.tags ?? []), markOf(t.now())]);
    await signedRequest(sim, {
      path: '/v2/{project_id}/instances/action',
      body: { action: 'restart', instances: ['stg-001'] },
    });
    sim.clearRequests();
    const start = t.now();
    let restartedAt = 0;
    sim.inject({ route: 'instanceAction', kind: 'mutate', apply: () => (restartedAt = t.now()) });
    const run = await runHandler(sim, { policy: WAVES, clock: t.clock });
    expect(run.error).toBeUndefined();
    expect(batches(sim)).toEqual([['stg-000']]);
    // This run restarted stg-000 only once the other run's restart (5 s onset, 20 s) was over.
    expect(restartedAt).toBeGreaterThanOrEqual(start + 25_000);
    expect(run.outcomes.find((o) => o.instanceId === 'stg-001')?.reason).toMatch(
      /; RUNNING again$/,
    );
  });

  it('counts as done, without failing the wave, when its run stopped before the restart', async () => {
    const t = movableClock(Date.parse('2026-03-07T01:00:00Z'));
    sim = await startSimulator({ fleet: staging(2), fleetClock: t.now, restartOnsetMs: 3_000 });
    sim.setTags('stg-001', [...(sim.instance('stg-001')?.tags ?? []), markOf(t.now())]);
    const run = await runHandler(sim, { policy: WAVES, clock: t.clock });
    expect(run.error).toBeUndefined();
    expect(batches(sim)).toEqual([['stg-000']]);
    expect(run.outcomes.find((o) => o.instanceId === 'stg-001')).toMatchObject({
      outcome: 'skipped',
      reason: expect.stringMatching(/not seen restarting since: its run stopped/),
    });
  });
});
