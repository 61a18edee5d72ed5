import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFleet, type SimInstance, type Simulator, startSimulator } from '../../simulator';
import { signedRequest } from './signed';

interface ListBody {
  instances: SimInstance[];
  instance_num: number;
}

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.stop());

async function list(query: Record<string, string | number>) {
  const res = await signedRequest(sim, { path: '/v2/{project_id}/instances', query });
  return { status: res.status, body: res.json() as ListBody & { error_code?: string } };
}

describe('ListInstances', () => {
  it('requires engine=kafka', async () => {
    expect((await list({})).body).toMatchObject({ error_code: 'DMS.00400000' });
    expect((await list({ engine: 'rabbitmq' })).body).toMatchObject({ error_code: 'DMS.00400007' });
    expect((await list({ engine: 'rabbitmq' })).status).toBe(400);
  });

  it('answers 10 instances by default, with the total count', async () => {
    const { status, body } = await list({ engine: 'kafka' });
    expect(status).toBe(200);
    expect(body.instances).toHaveLength(10);
    expect(body.instance_num).toBe(19);
  });

  it('accepts limit 1 to 50 and refuses anything else', async () => {
    expect((await list({ engine: 'kafka', limit: 1 })).body.instances).toHaveLength(1);
    expect((await list({ engine: 'kafka', limit: 50 })).body.instances).toHaveLength(19);
    for (const limit of ['0', '51', '-1', '2.5', 'ten', '']) {
      expect((await list({ engine: 'kafka', limit })).status, `limit=${limit}`).toBe(400);
    }
  });

  it('refuses an offset that is not a non-negative integer', async () => {
    for (const offset of ['-1', 'x', '1.5']) {
      expect((await list({ engine: 'kafka', offset })).status, `offset=${offset}`).toBe(400);
    }
  });

  it('refuses an offset at or past the end, as DMS does (DMS.40050010), but not on the first page', async () => {
    for (const offset of [19, 100]) {
      const res = await list({ engine: 'kafka', offset });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error_code: 'DMS.40050010' });
    }
    expect((await list({ engine: 'kafka', offset: 18 })).body.instances).toHaveLength(1);
    const empty = await list({ engine: 'kafka', name: 'no-such-instance' });
    expect(empty.body).toEqual({ instances: [], instance_num: 0 });
  });

  it('returns CREATEFAILED instances only with include_failure=true', async () => {
    const without = await list({ engine: 'kafka', limit: 50 });
    expect(without.body.instances.some((i) => i.status === 'CREATEFAILED')).toBe(false);
    const explicitFalse = await list({ engine: 'kafka', limit: 50, include_failure: 'false' });
    expect(explicitFalse.body.instance_num).toBe(19);
    const withFailed = await list({ engine: 'kafka', limit: 50, include_failure: 'true' });
    expect(withFailed.body.instance_num).toBe(22);
    expect(withFailed.body.instances.filter((i) => i.status === 'CREATEFAILED')).toHaveLength(3);
    const onlyFailed = await list({ engine: 'kafka', status: 'CREATEFAILED' });
    expect(onlyFailed.body.instance_num).toBe(0);
    expect((await list({ engine: 'kafka', include_failure: 'yes' })).status).toBe(400);
  });

  it('filters by status, name, exact name and instance id', async () => {
    const running = await list({ engine: 'kafka', limit: 50, status: 'RUNNING' });
    expect(running.body.instances.every((i) => i.status === 'RUNNING')).toBe(true);
    expect(running.body.instance_num).toBe(14);
    const stg = await list({ engine: 'kafka', limit: 50, name: 'kafka-stg-' });
    expect(stg.body.instances.every((i) => i.name.includes('kafka-stg-'))).toBe(true);
    expect(stg.body.instance_num).toBe(10);
    const exact = await list({
      engine: 'kafka',
      name: 'kafka-stg-orders',
      exact_match_name: 'true',
    });
    expect(exact.body.instance_num).toBe(0);
    const exact2 = await list({
      engine: 'kafka',
      name: 'kafka-stg-orders-01',
      exact_match_name: 'true',
    });
    expect(exact2.body.instances.map((i) => i.name)).toEqual(['kafka-stg-orders-01']);
    const byId = await list({
      engine: 'kafka',
      instance_id: '5a1e0003-7c3b-4d2a-9f10-000000000003',
    });
    expect(byId.body.instances.map((i) => i.name)).toEqual(['kafka-stg-search-03']);
  });

  it('returns the wire shape DMS uses', async () => {
    const [first] = (await list({ engine: 'kafka', limit: 1 })).body.instances;
    expect(first).toMatchObject({
      instance_id: expect.stringMatching(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      ),
      engine: 'kafka',
      created_at: expect.stringMatching(/^\d{13}$/),
      maintain_begin: '02:00:00',
      maintain_end: '06:00:00',
      tags: expect.arrayContaining([{ key: 'env', value: 'staging' }]),
    });
  });
});

describe('ListInstances paging over a large fleet', () => {
  it('visits every instance exactly once, newest first', async () => {
    const big = await startSimulator({ fleet: generateFleet({ size: 437, seed: 9 }) });
    try {
      const seen: SimInstance[] = [];
      for (let offset = 0; ; offset += 50) {
        const res = await signedRequest(big, {
          path: '/v2/{project_id}/instances',
          query: { engine: 'kafka', limit: 50, offset, include_failure: 'true' },
        });
        const body = res.json() as ListBody;
        expect(body.instance_num).toBe(437);
        seen.push(...body.instances);
        if (body.instances.length < 50) break;
      }
      expect(new Set(seen.map((i) => i.instance_id)).size).toBe(437);
      const times = seen.map((i) => Number(i.created_at));
      expect(times).toEqual([...times].sort((a, b) => b - a));
    } finally {
      await big.stop();
    }
  });
});

describe('ShowInstance', () => {
  it('answers the instance, or 404 DMS.00404022', async () => {
    const ok = await signedRequest(sim, {
      path: '/v2/{project_id}/instances/5a1e0001-7c3b-4d2a-9f10-000000000001',
    });
    expect(ok.status).toBe(200);
    expect(ok.json()).toMatchObject({ name: 'kafka-stg-orders-01', status: 'RUNNING' });
    const missing = await signedRequest(sim, {
      path: '/v2/{project_id}/instances/00000000-0000-4000-8000-000000000000',
    });
    expect(missing.status).toBe(404);
    expect(missing.json()).toMatchObject({ error_code: 'DMS.00404022' });
  });
});

describe('an unknown API', () => {
  it('answers 404 APIG.0101 after authentication', async () => {
    const res = await signedRequest(sim, { path: '/v2/{project_id}/queues' });
    expect(res.status).toBe(404);
    expect(res.json()).toMatchObject({ error_code: 'APIG.0101' });
    const wrongMethod = await signedRequest(sim, {
      method: 'POST',
      path: '/v2/{project_id}/instances',
      body: {},
    });
    expect(wrongMethod.status).toBe(404);
    const unsigned = await fetch(`${sim.endpoint}/v2/${sim.projectId}/queues`);
    expect(unsigned.status).toBe(401);
  });
});
