import { afterEach, describe, expect, it } from 'vitest';
import { demoId, type Simulator, type SimulatorOptions, startSimulator } from '../../simulator';
import { signedRequest } from './signed';

const STG_ORDERS = demoId(1); // RUNNING
const STG_AUDIT = demoId(7); // RESTARTING
const STG_NOTIFY = demoId(8); // CREATING
const STG_LEDGER = demoId(9); // ERROR
const FAILED = [demoId(19), demoId(20), demoId(21)]; // CREATEFAILED
const FROZEN = demoId(22);
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

let sim: Simulator;
afterEach(() => sim.stop());

async function start(opts: SimulatorOptions = {}) {
  // No onset here: these tests look at the status right after the call; the onset has its own.
  sim = await startSimulator({
    restartDelayMs: 150,
    deleteDelayMs: 100,
    restartOnsetMs: 0,
    ...opts,
  });
  return sim;
}

function action(body: unknown) {
  return signedRequest(sim, { path: '/v2/{project_id}/instances/action', body });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('restart', () => {
  it('succeeds from RUNNING and ERROR, which go RESTARTING and back to RUNNING', async () => {
    await start();
    const res = await action({ action: 'restart', instances: [STG_ORDERS, STG_LEDGER] });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({
      results: [
        { result: 'success', instance: STG_ORDERS },
        { result: 'success', instance: STG_LEDGER },
      ],
    });
    expect(sim.instance(STG_ORDERS)?.status).toBe('RESTARTING');
    expect(sim.instance(STG_LEDGER)?.status).toBe('RESTARTING');
    await sleep(300);
    expect(sim.instance(STG_ORDERS)?.status).toBe('RUNNING');
    expect(sim.instance(STG_LEDGER)?.status).toBe('RUNNING');
  });

  it('lands in the status it was told to, such as ERROR, instead of RUNNING', async () => {
    await start();
    sim.landNextRestartIn(STG_ORDERS, 'ERROR');
    await action({ action: 'restart', instances: [STG_ORDERS] });
    expect(sim.instance(STG_ORDERS)?.status).toBe('RESTARTING');
    await sleep(300);
    expect(sim.instance(STG_ORDERS)?.status).toBe('ERROR');
  });

  it('finishes when the fleet clock says so, however little real time passed', async () => {
    let now = Date.UTC(2026, 2, 7, 1, 0);
    await start({ restartDelayMs: 600_000, fleetClock: () => now });
    await action({ action: 'restart', instances: [STG_ORDERS] });
    now += 599_000;
    expect(sim.instance(STG_ORDERS)?.status).toBe('RESTARTING');
    now += 1_000;
    expect(sim.instance(STG_ORDERS)?.status).toBe('RUNNING');
  });

  it('shows RESTARTING only after the onset, and refuses a second restart meanwhile', async () => {
    let now = Date.UTC(2026, 2, 7, 1, 0);
    await start({ restartOnsetMs: 5_000, restartDelayMs: 60_000, fleetClock: () => now });
    await action({ action: 'restart', instances: [STG_ORDERS] });
    expect(sim.instance(STG_ORDERS)?.status).toBe('RUNNING');
    const again = await action({ action: 'restart', instances: [STG_ORDERS] });
    expect([again.status, (again.json() as { error_code: string }).error_code]).toEqual([
      400,
      'DMS.00400026',
    ]);
    now += 4_999;
    expect(sim.instance(STG_ORDERS)?.status).toBe('RUNNING');
    now += 1;
    expect(sim.instance(STG_ORDERS)?.status).toBe('RESTARTING');
    now += 59_999;
    expect(sim.instance(STG_ORDERS)?.status).toBe('RESTARTING');
    // Timed from the onset's end, however late the fleet is looked at.
    now += 10_000_000;
    expect(sim.instance(STG_ORDERS)?.status).toBe('RUNNING');
  });

  it('refuses the whole call, 400 DMS.00400026, when one instance cannot restart; nothing restarts', async () => {
    await start();
    const res = await action({ action: 'restart', instances: [STG_ORDERS, FROZEN, STG_LEDGER] });
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({
      error_code: 'DMS.00400026',
      error_msg: 'The operation is not allowed due to the instance status.',
    });
    expect(sim.instance(STG_ORDERS)?.status).toBe('RUNNING');
    expect(sim.instance(STG_LEDGER)?.status).toBe('ERROR');
    expect(sim.observe.restarts).toEqual([]);
    // An id DMS does not know is no state to refuse: it is answered failed.
    const unknown = await action({ action: 'restart', instances: [UNKNOWN, STG_ORDERS] });
    expect(unknown.json()).toEqual({
      results: [
        { result: 'failed', instance: UNKNOWN },
        { result: 'success', instance: STG_ORDERS },
      ],
    });
  });

  it('with restartRefusedPerInstance: fails, in request order, for other statuses and unknown ids, changing nothing', async () => {
    await start({ restartRefusedPerInstance: true });
    const ids = [STG_AUDIT, STG_NOTIFY, FROZEN, FAILED[0], UNKNOWN, STG_ORDERS];
    const res = await action({ action: 'restart', instances: ids });
    expect((res.json() as { results: unknown[] }).results).toEqual(
      ids.map((id) => ({ result: id === STG_ORDERS ? 'success' : 'failed', instance: id })),
    );
    expect(sim.instance(STG_NOTIFY)?.status).toBe('CREATING');
    expect(sim.instance(FROZEN)?.status).toBe('FROZEN');
  });

  it('refuses the whole call for an instance already restarting because of an earlier call', async () => {
    await start();
    await action({ action: 'restart', instances: [STG_ORDERS] });
    const again = await action({ action: 'restart', instances: [STG_LEDGER, STG_ORDERS] });
    expect(again.status).toBe(400);
    expect(sim.instance(STG_LEDGER)?.status).toBe('ERROR');
  });

  it('with restartRefusedPerInstance: fails for an instance already restarting because of an earlier call', async () => {
    await start({ restartRefusedPerInstance: true });
    await action({ action: 'restart', instances: [STG_ORDERS] });
    const again = await action({ action: 'restart', instances: [STG_ORDERS] });
    expect(again.json()).toEqual({ results: [{ result: 'failed', instance: STG_ORDERS }] });
  });
});

describe('delete by id', () => {
  it('goes DELETING, then the instance is gone', async () => {
    await start();
    const res = await action({
      action: 'delete',
      instances: [STG_NOTIFY, UNKNOWN],
      force_delete: true,
    });
    expect(res.json()).toEqual({
      results: [
        { result: 'success', instance: STG_NOTIFY },
        { result: 'failed', instance: UNKNOWN },
      ],
    });
    expect(sim.instance(STG_NOTIFY)?.status).toBe('DELETING');
    const again = await action({ action: 'delete', instances: [STG_NOTIFY] });
    expect(again.json()).toEqual({ results: [{ result: 'failed', instance: STG_NOTIFY }] });
    await sleep(250);
    expect(sim.instance(STG_NOTIFY)).toBeUndefined();
    expect(sim.instances()).toHaveLength(21);
  });
});

describe('a delete and the listing', () => {
  const listed = async () => {
    const res = await signedRequest(sim, {
      path: '/v2/{project_id}/instances',
      query: { engine: 'kafka', include_failure: 'true', limit: 50 },
    });
    const body = res.json() as { instances: { instance_id: string }[]; instance_num: number };
    return { ids: body.instances.map((i) => i.instance_id), count: body.instance_num };
  };
  const shown = async (id: string) => {
    const res = await signedRequest(sim, { path: `/v2/{project_id}/instances/${id}` });
    return res.status === 200 ? (res.json() as { status: string }).status : res.status;
  };

  it('leaves the listing (and instance_num) once DELETING, and in the bin; ShowInstance answers until gone', async () => {
    await start({ recycleBin: true });
    await action({ action: 'delete', instances: [FAILED[0]] });
    await action({ action: 'delete', instances: [FAILED[1]], force_delete: true });
    expect(await listed()).toEqual({
      ids: expect.not.arrayContaining([FAILED[0], FAILED[1]]),
      count: 20,
    });
    expect((await listed()).ids).toHaveLength(20);
    expect(await shown(FAILED[0] ?? '')).toBe('DELETING');
    // Asked for by status or by id, they are not listed either.
    const deleting = await signedRequest(sim, {
      path: '/v2/{project_id}/instances',
      query: { engine: 'kafka', include_failure: 'true', status: 'DELETING' },
    });
    expect(deleting.json()).toEqual({ instances: [], instance_num: 0 });
    await sleep(250);
    expect(await shown(FAILED[0] ?? '')).toBe('RECYCLE');
    expect(await shown(FAILED[1] ?? '')).toBe(404);
    expect((await listed()).count).toBe(20);
  });

  it('with deletingListed: lists them DELETING, then RECYCLE', async () => {
    await start({ recycleBin: true, deletingListed: true });
    await action({ action: 'delete', instances: [FAILED[0]] });
    expect(await listed()).toMatchObject({ count: 22 });
    await sleep(250);
    expect((await listed()).ids).toContain(FAILED[0]);
  });
});

describe('delete all_failure', () => {
  it('deletes exactly the CREATEFAILED instances and answers 204 with no body', async () => {
    await start();
    const res = await action({ action: 'delete', all_failure: 'kafka' });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    const deleting = sim
      .instances()
      .filter((i) => i.status === 'DELETING')
      .map((i) => i.instance_id);
    expect(deleting.sort()).toEqual([...FAILED].sort());
    await sleep(250);
    expect(sim.instances()).toHaveLength(19);
    expect(sim.instances().some((i) => i.status === 'CREATEFAILED')).toBe(false);
  });

  it('answers 200 with results when configured to', async () => {
    await start({ allFailureResponse: 200 });
    const res = await action({ action: 'delete', all_failure: 'kafka' });
    expect(res.status).toBe(200);
    const results = (res.json() as { results: { result: string; instance: string }[] }).results;
    expect(results.map((r) => r.instance).sort()).toEqual([...FAILED].sort());
    expect(results.every((r) => r.result === 'success')).toBe(true);
  });
});

describe('validation', () => {
  const cases: [string, unknown, string][] = [
    ['unparseable JSON', '{"action": "restart", ', 'DMS.00400005'],
    ['an empty body', '', 'DMS.00400004'],
    ['a JSON array', '[]', 'DMS.00400005'],
    ['an unknown action', { action: 'stop', instances: [STG_ORDERS] }, 'DMS.00400000'],
    ['no action', { instances: [STG_ORDERS] }, 'DMS.00400000'],
    ['neither instances nor all_failure', { action: 'restart' }, 'DMS.00400000'],
    ['an empty instances list', { action: 'delete', instances: [] }, 'DMS.00400000'],
    ['instances that are not strings', { action: 'delete', instances: [1] }, 'DMS.00400000'],
    ['all_failure other than kafka', { action: 'delete', all_failure: 'rabbitmq' }, 'DMS.00400000'],
    ['all_failure with restart', { action: 'restart', all_failure: 'kafka' }, 'DMS.00400000'],
    [
      'a force_delete that is not boolean',
      { action: 'delete', instances: [FROZEN], force_delete: 'yes' },
      'DMS.00400000',
    ],
  ];
  for (const [what, body, code] of cases) {
    it(`answers 400 ${code} for ${what}, changing nothing`, async () => {
      await start();
      const before = sim.instances();
      const res = await action(body);
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({ error_code: code, error_msg: expect.any(String) });
      expect(sim.instances()).toEqual(before);
    });
  }

  it('ignores unknown keys', async () => {
    await start();
    const res = await action({ action: 'restart', instances: [STG_ORDERS], extra: 1 });
    expect(res.status).toBe(200);
  });
});

describe('setStatus', () => {
  it('changes the status and cancels a pending transition', async () => {
    await start();
    await action({ action: 'restart', instances: [STG_ORDERS] });
    sim.setStatus(STG_ORDERS, 'ERROR');
    await sleep(250);
    expect(sim.instance(STG_ORDERS)?.status).toBe('ERROR');
    expect(() => sim.setStatus(UNKNOWN, 'RUNNING')).toThrow(/no such instance/);
  });

  it('is not affected by changes to the copies it hands out', async () => {
    await start();
    const copy = sim.instance(STG_ORDERS);
    if (copy) copy.status = 'FROZEN';
    expect(sim.instance(STG_ORDERS)?.status).toBe('RUNNING');
  });
});
