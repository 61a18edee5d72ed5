/**
 * DMS leaves an instance out of ListInstances once its delete has begun, and
 * ShowInstance answers it (DELETING, RECYCLE) until it is gone (Huawei's
 * Terraform provider, `refreshBatchActionInstancesState`). The simulator
 * answers so by default; these runs hold the function to it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../simulator';
import { ALL_FAILURE_POLICY, mk, RESTART_POLICY, staging } from '../support/fleet';
import { byOutcome, type RunOutcome, runHandler, writes } from '../support/harness';

let sim: Simulator;
afterEach(async () => {
  await sim?.stop();
});

const failed = (id: string) => mk(id, `kafka-${id}`, 'CREATEFAILED');
const listings = () => sim.requests.filter((r) => r.route === 'listInstances');
const reasonOf = (run: RunOutcome, id: string) =>
  run.outcomes.find((o) => o.instanceId === id)?.reason;
const warned = (run: RunOutcome, start: string) =>
  run.lines.some((l) => l.kind === 'warning' && String(l.message).startsWith(start));

describe('all_failure, where deleting instances leave the listing', () => {
  it('records an instance that failed after the listing, and that the call deleted, as deleted-unplanned, and fails', async () => {
    sim = await startSimulator({
      fleet: [failed('f1'), mk('x', 'kafka-x', 'RUNNING')],
      deleteDelayMs: 60_000,
    });
    // Right before DMS runs the call, x fails (on DMS, a creation failing; the simulator
    // may turn any status): the call deletes it with f1, and it leaves the listing.
    sim.inject({
      route: 'instanceAction',
      kind: 'mutate',
      apply: () => sim.setStatus('x', 'CREATEFAILED'),
    });
    const run = await runHandler(sim, { policy: ALL_FAILURE_POLICY });
    expect(writes(sim).map((r) => r.body)).toEqual([{ action: 'delete', all_failure: 'kafka' }]);
    expect(sim.instance('x')?.status).toBe('DELETING');
    expect(byOutcome(run.outcomes)).toEqual({ deleted: ['f1'], 'deleted-unplanned': ['x'] });
    expect(reasonOf(run, 'x')).toMatch(
      /^status DELETING right after the all_failure call \(no longer listed; read by ShowInstance\), which this run did not plan for it \(listed RUNNING right before the call\)/,
    );
    expect(warned(run, 'all_failure deleted')).toBe(true);
    expect(run.error?.message).toMatch(/1 of 2 instances failed/);
  });

  it('says RECYCLE for one the call put in the recycle bin', async () => {
    sim = await startSimulator({
      fleet: [failed('f1'), mk('x', 'kafka-x', 'RUNNING')],
      recycleBin: true,
      deleteDelayMs: 0,
    });
    sim.inject({
      route: 'instanceAction',
      kind: 'mutate',
      apply: () => sim.setStatus('x', 'CREATEFAILED'),
    });
    const run = await runHandler(sim, { policy: ALL_FAILURE_POLICY });
    expect(byOutcome(run.outcomes)).toEqual({ deleted: ['f1'], 'deleted-unplanned': ['x'] });
    expect(reasonOf(run, 'x')).toMatch(/^status RECYCLE right after the all_failure call/);
    expect(run.error).toBeDefined();
  });

  it('reports an instance someone else deleted meanwhile: all_failure cannot tell whose delete it was', async () => {
    sim = await startSimulator({
      fleet: [failed('f1'), mk('other', 'kafka-other', 'RUNNING')],
      deleteDelayMs: 60_000,
    });
    // Forced elsewhere, and gone before the listing after the call.
    sim.inject({
      route: 'instanceAction',
      kind: 'mutate',
      apply: () => sim.removeInstance('other'),
    });
    const run = await runHandler(sim, { policy: ALL_FAILURE_POLICY });
    expect(byOutcome(run.outcomes)).toEqual({ deleted: ['f1'], 'deleted-unplanned': ['other'] });
    expect(reasonOf(run, 'other')).toMatch(
      /^gone right after the all_failure call \(no longer listed, and DMS answers that it does not exist\).*or someone else deleted it$/,
    );
    expect(run.error).toBeDefined();
  });

  it('reports a vanished instance whose status cannot be read, never passing it over', async () => {
    sim = await startSimulator({
      fleet: [failed('f1'), mk('x', 'kafka-x', 'RUNNING')],
      deleteDelayMs: 60_000,
    });
    sim.inject({
      route: 'instanceAction',
      kind: 'mutate',
      apply: () => sim.setStatus('x', 'CREATEFAILED'),
    });
    // The engine reads f1 back after the 204; every read after that fails.
    sim.inject({ route: 'showInstance', kind: 'status', status: 500, after: 1, times: Infinity });
    const run = await runHandler(sim, { policy: ALL_FAILURE_POLICY });
    expect(byOutcome(run.outcomes)).toEqual({ deleted: ['f1'], 'deleted-unplanned': ['x'] });
    expect(reasonOf(run, 'x')).toMatch(
      /^no longer listed right after the all_failure call, .*its status could not be read: ShowInstance failed: HTTP 500/,
    );
  });

  it('warns about an instance missing from the listing that DMS still shows, and records nothing for it', async () => {
    sim = await startSimulator({
      fleet: [failed('f1'), mk('ok', 'kafka-ok', 'RUNNING')],
      deleteDelayMs: 60_000,
    });
    // The listing after the call leaves out an instance that is not being deleted.
    sim.inject({
      route: 'listInstances',
      kind: 'rewrite',
      after: 2,
      edit: (body) => {
        const b = body as { instances: { instance_id: string }[]; instance_num: number };
        const instances = b.instances.filter((i) => i.instance_id !== 'ok');
        return { instances, instance_num: instances.length };
      },
    });
    const run = await runHandler(sim, { policy: ALL_FAILURE_POLICY });
    expect(listings()).toHaveLength(3);
    expect(byOutcome(run.outcomes)).toEqual({ deleted: ['f1'] });
    expect(
      warned(run, 'no longer listed right after the all_failure call, but DMS shows it RUNNING'),
    ).toBe(true);
    expect(run.error).toBeUndefined();
  });
});

describe('the listing, where deleting instances leave it', () => {
  it('lists again when an instance starts deleting between its pages, and never lists it', async () => {
    sim = await startSimulator({ fleet: staging(60), deleteDelayMs: 60_000 });
    const first = sim.instances().map((i) => i.instance_id);
    // Between the first page and the second, another client's delete begins.
    sim.inject({
      route: 'listInstances',
      kind: 'mutate',
      after: 1,
      apply: () => sim.setStatus(first[0] ?? '', 'DELETING'),
    });
    const run = await runHandler(sim, {
      policy: RESTART_POLICY.replace('dryRun: false', 'dryRun: true').replace(
        'maxInstances: 50',
        'maxInstances: 100',
      ),
    });
    expect(run.error).toBeUndefined();
    // Two pages, the second shows instance_num fall; then two pages again.
    expect(listings()).toHaveLength(4);
    expect(run.result).toMatchObject({ listed: 59 });
    expect(run.outcomes.map((o) => o.instanceId)).not.toContain(first[0]);
  });
});
