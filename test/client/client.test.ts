import { afterEach, describe, expect, it } from 'vitest';
import { generateFleet, type Simulator, startSimulator } from '../../simulator';
import { dmsEndpoint } from '../../src/cloud/endpoint';
import { createDmsClient, type DmsClient } from '../../src/dms/client';
import { type DmsApiError, isDmsApiError } from '../../src/dms/errors';
import { createLogger } from '../../src/report/logger';
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
      // The first page comes first; the rest arrive in any order, once each.
      const offsets = pages.map((r) => Number(r.query.offset));
      expect(offsets[0]).toBe(0);
      expect([...offsets].sort((a, b) => a - b)).toEqual(pages.map((_, i) => i * 50));
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

  it('lists again when a page comes back short of instance_num', async () => {
    sim = await startSimulator({ fleet: [] });
    sim.inject({
      route: 'listInstances',
      kind: 'raw',
      status: 200,
      body: '{"instances":[],"instance_num":80}',
    });
    expect(await client(sim).listInstances()).toEqual([]);
    // The forged first page (80), its second page (which says 0), then a good listing.
    expect(sim.requests.map((r) => r.query.offset)).toEqual(['0', '50', '0']);
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
      times: 3,
    });
    const e = await client(sim)
      .listInstances()
      .then(
        () => undefined,
        (err: Error) => err,
      );
    expect(e?.name).toBe('ListingInconsistentError');
    expect(e?.message).toMatch(/instance dup was listed twice/);
  });

  it('carries a status DMS never documented as it is, instead of failing', async () => {
    sim = await startSimulator({
      fleet: [mk('a', 'kafka-a', 'HIBERNATING'), mk('b', 'kafka-b', 'RESIZING FAILED')],
    });
    const got = await client(sim).listInstances();
    expect(got.map((i) => i.status).sort()).toEqual(['HIBERNATING', 'RESIZING FAILED']);
  });
});

describe('batch actions', () => {
  it('returns per-instance results for a restart with mixed outcomes', async () => {
    sim = await startSimulator({
      fleet: [mk('a', 'ka', 'RUNNING'), mk('b', 'kb', 'CREATING'), mk('c', 'kc', 'ERROR')],
      // Per-instance failures for a state, as the simulator answered before it refused the call whole.
      restartRefusedPerInstance: true,
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

  it('sends all_failure (not allFailure) and takes a 204 as no per-instance results', async () => {
    sim = await startSimulator({
      fleet: [mk('f', 'kf', 'CREATEFAILED'), mk('a', 'ka', 'RUNNING')],
    });
    const res = await client(sim).deleteAllFailed();
    expect(res.results).toBeUndefined();
    expect(res.requestId).toBeTruthy();
    expect(sim.requests[0]?.body).toEqual({ action: 'delete', all_failure: 'kafka' });
    expect(sim.instance('a')).toBeDefined();
  });

  it('sends force_delete only when asked to skip the recycle bin', async () => {
    sim = await startSimulator({
      fleet: [mk('f', 'kf', 'CREATEFAILED'), mk('g', 'kg', 'CREATEFAILED')],
    });
    await client(sim).deleteInstances(['f']);
    await client(sim).deleteInstances(['g'], { force: true });
    expect(sim.requests.map((r) => r.body)).toEqual([
      { action: 'delete', instances: ['f'] },
      { action: 'delete', instances: ['g'], force_delete: true },
    ]);
  });

  it('writes and removes a tag with BatchCreateOrDeleteKafkaTag, answered 204', async () => {
    sim = await startSimulator({ fleet: [mk('a', 'ka', 'RUNNING', { env: 'prod' })] });
    const tag = { key: 'dms-maintenance.restarted-at', value: '2026-03-07T02:00:00Z' };
    const res = await client(sim).tagInstance('a', 'create', [tag]);
    expect(res.requestId).toBeTruthy();
    expect(sim.instance('a')?.tags).toEqual([{ key: 'env', value: 'prod' }, tag]);
    await client(sim).tagInstance('a', 'delete', [tag]);
    expect(sim.instance('a')?.tags).toEqual([{ key: 'env', value: 'prod' }]);
    expect(sim.requests.map((r) => [r.route, r.status, r.body])).toEqual([
      ['tagAction', 204, { action: 'create', tags: [tag] }],
      ['tagAction', 204, { action: 'delete', tags: [tag] }],
    ]);
  });

  it('sends a tag write again after a lost answer, since it is idempotent', async () => {
    sim = await startSimulator({ fleet: [mk('a', 'ka', 'RUNNING')] });
    sim.inject({ route: 'tagAction', kind: 'lost-response' });
    const c = client(sim, {
      retry: {
        settings: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
        clock: { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
        log: createLogger({ write() {} }),
      },
    });
    await c.tagInstance('a', 'create', [{ key: 'k', value: 'v' }]);
    expect(sim.requests.filter((r) => r.route === 'tagAction')).toHaveLength(2);
    expect(sim.instance('a')?.tags).toEqual([{ key: 'k', value: 'v' }]);
  });

  it('takes a 200 with results from all_failure too', async () => {
    sim = await startSimulator({ fleet: [mk('f', 'kf', 'CREATEFAILED')], allFailureResponse: 200 });
    expect((await client(sim).deleteAllFailed()).results).toEqual([
      { result: 'success', instance: 'f' },
    ]);
  });
});

describe('a listing that must prove itself', () => {
  const fleet = () =>
    generateFleet({ size: 120, seed: 3 }).map((i) => ({ ...i, status: 'RUNNING' }));

  it('lists again when an instance is deleted between pages, and misses nothing', async () => {
    const f = fleet();
    sim = await startSimulator({ fleet: f });
    const firstPageId = [...f].sort((a, b) => Number(b.created_at) - Number(a.created_at))[0]
      ?.instance_id as string;
    // Between page 1 and page 2, one instance of page 1 goes: page 2 shifts by one.
    sim.inject({
      route: 'listInstances',
      kind: 'mutate',
      after: 1,
      apply: () => sim.removeInstance(firstPageId),
    });
    const got = await client(sim).listInstances();
    const want = f.map((i) => i.instance_id).filter((id) => id !== firstPageId);
    expect(got.map((i) => i.instance_id).sort()).toEqual(want.sort());
    const offsets = sim.requests
      .filter((r) => r.route === 'listInstances')
      .map((r) => r.query.offset);
    // One listing thrown away (its later pages disagree on instance_num), one kept.
    expect(offsets.filter((o) => o === '0')).toHaveLength(2);
    expect(offsets.slice(3).sort()).toEqual(['0', '100', '50']);
  });

  it('lists again when an instance is created between pages', async () => {
    sim = await startSimulator({ fleet: fleet() });
    sim.inject({
      route: 'listInstances',
      kind: 'mutate',
      after: 2,
      apply: () => sim.addInstance(mk('new-one', 'kafka-new', 'RUNNING')),
    });
    const got = await client(sim).listInstances();
    expect(got).toHaveLength(121);
    expect(got.some((i) => i.instance_id === 'new-one')).toBe(true);
  });

  it('gives up after three listings that kept changing, naming why', async () => {
    sim = await startSimulator({ fleet: fleet() });
    let n = 0;
    sim.inject({
      route: 'listInstances',
      kind: 'mutate',
      times: Number.POSITIVE_INFINITY,
      apply: () => {
        n++;
        if (n % 3 === 2) sim.addInstance(mk(`churn-${n}`, `kafka-churn-${n}`, 'RUNNING'));
      },
    });
    const e = await client(sim)
      .listInstances()
      .then(
        () => undefined,
        (err: Error) => err,
      );
    expect(e?.name).toBe('ListingInconsistentError');
    expect(e?.message).toMatch(/the fleet kept changing while it was listed: 3 listings/);
    expect(e?.message).toMatch(/instance_num went from \d+ to \d+ between pages/);
  });
});

describe('what a 404 means', () => {
  it("reads DMS's own 'instance does not exist' as gone", async () => {
    sim = await startSimulator({ fleet: [mk('a', 'ka', 'RUNNING')] });
    expect(await client(sim).showInstance('nope')).toBeUndefined();
    expect((await client(sim).showInstance('a'))?.instance_id).toBe('a');
  });

  for (const body of [
    '{"error_code":"APIG.0101","error_msg":"The API does not exist or has not been published in the environment."}',
    '<html>404 Not Found</html>',
    '',
  ]) {
    it(`treats any other 404 as an error, not as gone: ${body.slice(0, 30) || '(empty body)'}`, async () => {
      sim = await startSimulator({ fleet: [mk('a', 'ka', 'RUNNING')] });
      sim.inject({ route: 'showInstance', kind: 'raw', status: 404, body });
      const e = await failure(client(sim).showInstance('a'));
      expect(e.httpStatus).toBe(404);
      expect(e.kind).toBe('client');
    });
  }
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
        body: '{"error_code":"APIG.0101","error_msg":"The API does not exist"}',
      },
      kind: 'client',
      status: 404,
      code: 'APIG.0101',
    },
    { fault: { kind: 'raw', status: 524, body: '' }, kind: 'server', status: 524 },
    { fault: { kind: 'raw', status: 501, body: '' }, kind: 'server', status: 501 },
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
