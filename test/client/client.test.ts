import { afterEach, describe, expect, it } from 'vitest';
import { createDmsClient, type DmsClient } from '../../src/dms/client';
import { dmsEndpoint } from '../../src/dms/endpoint';
import { type DmsApiError, isDmsApiError } from '../../src/dms/errors';
import { generateFleet, type Simulator, startSimulator } from '../../src/simulator';
import { mk } from '../support/fleet';

let sim: Simulator;
afterEach(async () => {
  await sim?.stop();
});

function client(
  s: Simulator,
  over: Partial<Parameters<typeof createDmsClient>[0]> = {},
): DmsClient {
  return createDmsClient({
    credentials: { ak: s.ak, sk: s.sk },
    projectId: s.projectId,
    endpoint: s.endpoint,
    timeoutMs: 1000,
    ...over,
  });
}

async function failure(p: Promise<unknown>): Promise<DmsApiError> {
  try {
    await p;
  } catch (e) {
    if (isDmsApiError(e)) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

describe('listing', () => {
  for (const size of [0, 1, 50, 51, 1234]) {
    it(`pages through ${size} instances 50 at a time`, async () => {
      const fleet = generateFleet({ size, seed: 7 }).map((i) => ({ ...i, status: 'RUNNING' }));
      sim = await startSimulator({ fleet });
      const got = await client(sim).listInstances();
      expect(got.map((i) => i.instance_id).sort()).toEqual(fleet.map((i) => i.instance_id).sort());
      const pages = sim.requests.filter((r) => r.route === 'listInstances');
      expect(pages).toHaveLength(Math.max(1, Math.ceil(size / 50)));
      expect(pages.every((r) => r.query.limit === '50' && r.query.engine === 'kafka')).toBe(true);
      expect(pages.map((r) => Number(r.query.offset))).toEqual(pages.map((_, i) => i * 50));
    });
  }

  it('lists CREATEFAILED instances only with include_failure', async () => {
    sim = await startSimulator({
      fleet: [mk('a', 'kafka-a', 'RUNNING'), mk('f', 'kafka-f', 'CREATEFAILED')],
    });
    const c = client(sim);
    expect((await c.listInstances()).map((i) => i.instance_id)).toEqual(['a']);
    expect(
      (await c.listInstances({ includeFailure: true })).map((i) => i.instance_id).sort(),
    ).toEqual(['a', 'f']);
    expect(sim.requests[0]?.query.include_failure).toBeUndefined();
    expect(sim.requests[1]?.query.include_failure).toBe('true');
  });

  it('stops at an empty page that comes before instance_num', async () => {
    sim = await startSimulator({ fleet: [] });
    sim.inject({
      route: 'listInstances',
      kind: 'raw',
      status: 200,
      body: '{"instances":[],"instance_num":80}',
    });
    expect(await client(sim).listInstances()).toEqual([]);
    expect(sim.requests).toHaveLength(1);
  });

  it('refuses an instance without instance_id or status', async () => {
    sim = await startSimulator({ fleet: [] });
    sim.inject({
      route: 'listInstances',
      kind: 'raw',
      status: 200,
      body: '{"instances":[{"name":"x","status":"RUNNING"}],"instance_num":1}',
    });
    const e = await failure(client(sim).listInstances());
    expect(e.kind).toBe('malformed');
    expect(e.message).toMatch(/instance_id/);
    sim.inject({
      route: 'listInstances',
      kind: 'raw',
      status: 200,
      body: '{"instances":[{"instance_id":"x","name":"x"}],"instance_num":1}',
    });
    expect((await failure(client(sim).listInstances())).message).toMatch(/status/);
  });

  it('refuses a listing that names an instance twice', async () => {
    sim = await startSimulator({ fleet: [] });
    const one = '{"instance_id":"dup","name":"x","status":"RUNNING"}';
    sim.inject({
      route: 'listInstances',
      kind: 'raw',
      status: 200,
      body: `{"instances":[${one},${one}],"instance_num":2}`,
    });
    expect((await failure(client(sim).listInstances())).message).toMatch(/dup is listed twice/);
  });

  it('refuses an unknown status value', async () => {
    sim = await startSimulator({ fleet: [mk('a', 'kafka-a', 'HIBERNATING')] });
    const e = await failure(client(sim).listInstances());
    expect(e.kind).toBe('malformed');
    expect(e.message).toMatch(/status/);
  });
});

describe('batch actions', () => {
  it('returns per-instance results for a restart with mixed outcomes', async () => {
    sim = await startSimulator({
      fleet: [mk('a', 'ka', 'RUNNING'), mk('b', 'kb', 'CREATING'), mk('c', 'kc', 'ERROR')],
    });
    const res = await client(sim).restartInstances(['a', 'b', 'c', 'nope']);
    expect(res.results).toEqual([
      { result: 'success', instance: 'a' },
      { result: 'failed', instance: 'b' },
      { result: 'success', instance: 'c' },
      { result: 'failed', instance: 'nope' },
    ]);
    expect(res.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sim.requests[0]?.body).toEqual({
      action: 'restart',
      instances: ['a', 'b', 'c', 'nope'],
    });
  });

  it('sends all_failure (not allFailure) and takes a 204 as results: null', async () => {
    sim = await startSimulator({
      fleet: [mk('f', 'kf', 'CREATEFAILED'), mk('a', 'ka', 'RUNNING')],
    });
    const res = await client(sim).deleteAllFailed();
    expect(res.results).toBeNull();
    expect(res.requestId).toBeTruthy();
    expect(sim.requests[0]?.body).toEqual({ action: 'delete', all_failure: 'kafka' });
    expect(sim.instance('a')).toBeDefined();
  });

  it('takes a 200 with results from all_failure too', async () => {
    sim = await startSimulator({ fleet: [mk('f', 'kf', 'CREATEFAILED')], allFailureResponse: 200 });
    expect((await client(sim).deleteAllFailed()).results).toEqual([
      { result: 'success', instance: 'f' },
    ]);
  });

  it('reads and writes tags', async () => {
    sim = await startSimulator({ fleet: [mk('a', 'ka', 'RUNNING', { env: 'dev' })] });
    const c = client(sim);
    await c.setTags('a', [{ key: 'owner', value: 'sre' }]);
    expect(await c.listTags('a')).toEqual(
      expect.arrayContaining([
        { key: 'env', value: 'dev' },
        { key: 'owner', value: 'sre' },
      ]),
    );
  });
});

describe('failure classification', () => {
  const cases = [
    {
      fault: { kind: 'throttle', retryAfterSeconds: 3 },
      kind: 'throttled',
      status: 429,
      code: 'APIG.0308',
      retryAfterMs: 3000,
    },
    { fault: { kind: 'status', status: 500 }, kind: 'server', status: 500 },
    { fault: { kind: 'status', status: 502 }, kind: 'server', status: 502, code: undefined },
    { fault: { kind: 'status', status: 503 }, kind: 'server', status: 503 },
    { fault: { kind: 'status', status: 504 }, kind: 'server', status: 504 },
    { fault: { kind: 'busy' }, kind: 'busy', status: 400, code: 'DMS.00400026' },
    { fault: { kind: 'hang' }, kind: 'timeout', status: undefined },
    { fault: { kind: 'drop' }, kind: 'network', status: undefined },
    { fault: { kind: 'drop-mid-body' }, kind: 'network', status: undefined },
    { fault: { kind: 'malformed-json' }, kind: 'malformed', status: 200 },
    {
      fault: {
        kind: 'raw',
        status: 404,
        body: '{"error_code":"DMS.00404022","error_msg":"not found"}',
      },
      kind: 'client',
      status: 404,
      code: 'DMS.00404022',
    },
  ] as const;

  for (const c of cases) {
    it(`classifies ${JSON.stringify(c.fault)} as ${c.kind}`, async () => {
      sim = await startSimulator({ fleet: [mk('a', 'ka', 'RUNNING')] });
      sim.inject({ route: 'showInstance', ...c.fault } as Parameters<Simulator['inject']>[0]);
      const e = await failure(client(sim, { timeoutMs: 300 }).showInstance('a'));
      expect(e.kind).toBe(c.kind);
      expect(e.httpStatus).toBe(c.status);
      expect(e.retryable).toBe(c.kind !== 'malformed' && c.kind !== 'client');
      if ('code' in c) expect(e.errorCode).toBe(c.code);
      if ('retryAfterMs' in c) expect(e.retryAfterMs).toBe(c.retryAfterMs);
      if (c.status !== undefined) expect(e.requestId).toMatch(/^[0-9a-f-]{36}$/);
    });
  }

  it('classifies a refused connection as network', async () => {
    const c = createDmsClient({
      credentials: { ak: 'a', sk: 'b' },
      projectId: 'p',
      endpoint: 'http://127.0.0.1:1',
    });
    const e = await failure(c.showInstance('x'));
    expect(e).toMatchObject({ kind: 'network', retryable: true, httpStatus: undefined });
  });
});

describe('authentication', () => {
  it('is refused with a wrong secret key', async () => {
    sim = await startSimulator({ fleet: [] });
    const e = await failure(
      client(sim, { credentials: { ak: sim.ak, sk: 'wrong' } }).listInstances(),
    );
    expect(e.httpStatus).toBe(401);
    expect(e.retryable).toBe(false);
    expect(sim.requests[0]?.signatureValid).toBe(false);
  });

  it('is refused for another project id', async () => {
    sim = await startSimulator({ fleet: [] });
    const e = await failure(client(sim, { projectId: 'someone-elses' }).listInstances());
    expect(e.httpStatus).toBe(401);
  });

  it('is refused when the simulator clock is 20 minutes off', async () => {
    sim = await startSimulator({ fleet: [], now: () => Date.now() + 20 * 60_000 });
    const e = await failure(client(sim).listInstances());
    expect(e.httpStatus).toBe(401);
  });
});

describe('endpoints and inputs', () => {
  it('derives the endpoint from the region, with .eu for eu-west-101', () => {
    expect(dmsEndpoint({ region: 'cn-north-4' })).toBe('https://dms.cn-north-4.myhuaweicloud.com');
    expect(dmsEndpoint({ region: 'eu-west-101' })).toBe('https://dms.eu-west-101.myhuaweicloud.eu');
    expect(dmsEndpoint({ region: 'x', endpoint: 'http://127.0.0.1:9/' })).toBe(
      'http://127.0.0.1:9',
    );
    expect(() => dmsEndpoint({ region: 'cn north' })).toThrow(/region: not a region id/);
    expect(() => dmsEndpoint({ endpoint: 'ftp://x' })).toThrow(/endpoint: must be http or https/);
  });

  it('refuses to build without a project id or keys', () => {
    expect(() =>
      createDmsClient({ credentials: { ak: 'a', sk: 'b' }, projectId: '', region: 'cn-north-4' }),
    ).toThrow(/projectId/);
    expect(() =>
      createDmsClient({ credentials: { ak: '', sk: 'b' }, projectId: 'p', region: 'cn-north-4' }),
    ).toThrow(/credentials/);
  });
});
