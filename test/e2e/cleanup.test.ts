import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../simulator';
import { ALL_FAILURE_POLICY, CLEANUP_POLICY, DEV_CLEANUP_POLICY, mk } from '../support/fleet';
import { batches, byOutcome, runHandler, writes } from '../support/harness';

let sim: Simulator;
afterEach(async () => {
  await sim?.stop();
});

const failed = (id: string, tags: Record<string, string> = {}) =>
  mk(id, `kafka-${id}`, 'CREATEFAILED', tags);

describe('failed-instance cleanup', () => {
  it('lists with include_failure and deletes with one all_failure call when nothing is excluded', async () => {
    sim = await startSimulator({
      fleet: [
        failed('f1'),
        failed('f2'),
        mk('ok', 'kafka-ok', 'RUNNING'),
        mk('err', 'kafka-err', 'ERROR'),
      ],
    });
    const run = await runHandler(sim, { policy: ALL_FAILURE_POLICY });

    expect(run.error).toBeUndefined();
    const lists = sim.requests.filter((r) => r.route === 'listInstances');
    expect(lists.every((r) => r.query.include_failure === 'true')).toBe(true);
    expect(writes(sim).map((r) => r.body)).toEqual([{ action: 'delete', all_failure: 'kafka' }]);
    expect(byOutcome(run.outcomes)).toEqual({ deleted: ['f1', 'f2'] });
    expect(run.result).toMatchObject({
      action: 'delete',
      mode: 'all_failure',
      succeeded: 2,
      matched: 2,
      listed: 4,
    });
    expect(run.outcomes[0]?.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sim.instance('ok')?.status).toBe('RUNNING');
    expect(sim.instance('err')?.status).toBe('ERROR');
  });

  it('keeps a failed instance younger than minAgeHours, deleting the others by id', async () => {
    const now = Date.parse('2026-03-07T12:00:00Z');
    const young = { ...failed('young'), created_at: String(now - 2 * 3_600_000) };
    const old = { ...failed('old'), created_at: String(now - 48 * 3_600_000) };
    sim = await startSimulator({ fleet: [young, old] });
    const run = await runHandler(sim, {
      policy: `${CLEANUP_POLICY}    minAgeHours: 24\n`,
      clock: { now: () => now, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
    });
    expect(run.error).toBeUndefined();
    expect(writes(sim).map((r) => r.body)).toEqual([{ action: 'delete', instances: ['old'] }]);
    expect(run.outcomes.find((o) => o.instanceId === 'young')).toMatchObject({
      outcome: 'skipped',
      reason:
        'created 2 h ago, younger than minAgeHours 24 h; kept so its failure can be looked at',
    });
    expect(sim.instance('young')?.status).toBe('CREATEFAILED');
    expect(run.result?.mode).toBe('by-id');
  });

  it('skips the recycle bin only with forceDelete: true', async () => {
    sim = await startSimulator({ fleet: [failed('f1')] });
    await runHandler(sim, { policy: `${ALL_FAILURE_POLICY}    forceDelete: true\n` });
    expect(writes(sim).map((r) => r.body)).toEqual([
      { action: 'delete', all_failure: 'kafka', force_delete: true },
    ]);
  });

  it('maps a 200 answer to all_failure instance by instance', async () => {
    sim = await startSimulator({ fleet: [failed('f1'), failed('f2')], allFailureResponse: 200 });
    const run = await runHandler(sim, { policy: CLEANUP_POLICY });
    expect(byOutcome(run.outcomes)).toEqual({ deleted: ['f1', 'f2'] });
    expect(writes(sim)).toHaveLength(1);
  });

  it('deletes by id, never with all_failure, when a failed instance is protected', async () => {
    sim = await startSimulator({
      fleet: [failed('f1'), failed('f2', { 'maintenance-protect': 'true' }), failed('f3')],
    });
    const run = await runHandler(sim, { policy: CLEANUP_POLICY });
    expect(writes(sim).map((r) => (r.body as { action: string }).action)).toEqual(['delete']);
    expect(batches(sim)).toEqual([['f1', 'f3']]);
    expect(byOutcome(run.outcomes)).toEqual({ deleted: ['f1', 'f3'], skipped: ['f2'] });
    expect(sim.instance('f2')?.status).toBe('CREATEFAILED');
    expect(run.result?.mode).toBe('by-id');
  });

  it('deletes by id, never with all_failure, when a protect tag differs in case', async () => {
    sim = await startSimulator({
      fleet: [failed('f1'), failed('f2', { 'MAINTENANCE-PROTECT': 'TRUE' })],
    });
    const run = await runHandler(sim, { policy: CLEANUP_POLICY });
    expect(batches(sim)).toEqual([['f1']]);
    expect(byOutcome(run.outcomes)).toEqual({ deleted: ['f1'], skipped: ['f2'] });
    expect(sim.instance('f2')?.status).toBe('CREATEFAILED');
    expect(run.result?.mode).toBe('by-id');
  });

  it('makes no call at all when there is nothing to clean', async () => {
    sim = await startSimulator({ fleet: [mk('ok', 'kafka-ok', 'RUNNING')] });
    const run = await runHandler(sim, { policy: CLEANUP_POLICY });
    expect(run.error).toBeUndefined();
    expect(writes(sim)).toHaveLength(0);
    expect(run.result).toMatchObject({ matched: 0, succeeded: 0, listed: 1 });
  });

  it('a tag-scoped cleanup never deletes an instance that is not CREATEFAILED', async () => {
    sim = await startSimulator({
      fleet: [
        failed('dev-f1', { env: 'dev' }),
        failed('dev-f2', { env: 'dev' }),
        failed('prod-f', { env: 'prod' }),
        mk('dev-run', 'kafka-dev-run', 'RUNNING', { env: 'dev' }),
        mk('dev-err', 'kafka-dev-err', 'ERROR', { env: 'dev' }),
      ],
    });
    // Hold the re-check back so dev-f2 can recover between listing and delete.
    sim.inject({ route: 'showInstance', kind: 'delay', ms: 300, times: Number.POSITIVE_INFINITY });
    const running = runHandler(sim, { policy: DEV_CLEANUP_POLICY });
    await until(() => sim.requests.some((r) => r.route === 'listInstances' && r.status === 200));
    sim.setStatus('dev-f2', 'RUNNING');
    const run = await running;

    const deletedIds = writes(sim).flatMap(
      (r) => (r.body as { instances?: string[] }).instances ?? [],
    );
    expect(deletedIds).toEqual(['dev-f1']);
    expect(writes(sim).some((r) => (r.body as Record<string, unknown>).all_failure)).toBe(false);
    expect(byOutcome(run.outcomes)).toEqual({ deleted: ['dev-f1'], skipped: ['dev-f2'] });
    expect(run.outcomes.find((o) => o.instanceId === 'dev-f2')?.reason).toBe(
      "changed since the listing (status CREATEFAILED -> RUNNING): it no longer matches the policy's selection",
    );
    for (const id of ['dev-run', 'dev-err', 'prod-f', 'dev-f2']) {
      expect(sim.instance(id)).toBeDefined();
    }
  });

  it('describes deletions without making them in dry-run', async () => {
    sim = await startSimulator({ fleet: [failed('f1'), failed('f2')] });
    const run = await runHandler(sim, {
      policy: CLEANUP_POLICY.replace('dryRun: false', 'dryRun: true'),
    });
    expect(writes(sim)).toHaveLength(0);
    expect(byOutcome(run.outcomes)).toEqual({ 'would-delete': ['f1', 'f2'] });
  });
});

async function until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
