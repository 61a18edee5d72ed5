import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoId, type Simulator, startSimulator } from '../../simulator';
import { ConnectionCut, signedRequest } from './signed';

const A = demoId(1); // RUNNING
const B = demoId(2); // RUNNING
const C = demoId(3); // RUNNING

let sim: Simulator;
beforeEach(async () => {
  sim = await startSimulator({ restartDelayMs: 60_000, restartOnsetMs: 0 });
});
afterEach(() => sim.stop());

const list = (timeoutMs?: number) =>
  signedRequest(sim, { path: '/v2/{project_id}/instances', query: { engine: 'kafka' }, timeoutMs });
const restart = (ids: string[]) =>
  signedRequest(sim, {
    path: '/v2/{project_id}/instances/action',
    body: { action: 'restart', instances: ids },
  });

async function cut(promise: Promise<unknown>): Promise<ConnectionCut> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ConnectionCut) return error;
    throw error;
  }
  throw new Error('expected the connection to be cut');
}

describe('answer faults', () => {
  it('throttle: 429 APIG.0308, with Retry-After when given, request not applied', async () => {
    sim.inject({ route: 'instanceAction', kind: 'throttle', retryAfterSeconds: 3 });
    const res = await restart([A]);
    expect(res.status).toBe(429);
    expect(res.json()).toEqual({ error_code: 'APIG.0308', error_msg: 'The request is throttled.' });
    expect(res.headers['retry-after']).toBe('3');
    expect(sim.instance(A)?.status).toBe('RUNNING');
    expect(sim.requests[0]).toMatchObject({
      status: 429,
      fault: 'throttle',
      route: 'instanceAction',
    });
    sim.inject({ route: 'listInstances', kind: 'throttle' });
    expect((await list()).headers['retry-after']).toBeUndefined();
  });

  it('status 500 and 503: DMS-style JSON errors', async () => {
    sim.inject({ route: '*', kind: 'status', status: 500 });
    sim.inject({ route: '*', kind: 'status', status: 503 });
    const first = await list();
    expect(first.status).toBe(500);
    expect(first.json()).toMatchObject({ error_code: expect.stringMatching(/^DMS\./) });
    const second = await list();
    expect(second.status).toBe(503);
    expect(second.json()).toMatchObject({ error_code: expect.stringMatching(/^DMS\./) });
    expect((await list()).status).toBe(200);
  });

  it('status 502: an HTML page', async () => {
    sim.inject({ route: 'listInstances', kind: 'status', status: 502 });
    const res = await list();
    expect(res.status).toBe(502);
    expect(res.headers['content-type']).toBe('text/html');
    expect(res.text).toContain('<html>');
  });

  it('status 504: an API Gateway JSON error', async () => {
    sim.inject({ route: 'listInstances', kind: 'status', status: 504 });
    const res = await list();
    expect(res.status).toBe(504);
    expect(res.json()).toMatchObject({ error_code: expect.stringMatching(/^APIG\./) });
  });

  it('busy: 400 DMS.00400026 and nothing restarts', async () => {
    sim.inject({ route: 'instanceAction', kind: 'busy' });
    const res = await restart([A]);
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ error_code: 'DMS.00400026' });
    expect(sim.instance(A)?.status).toBe('RUNNING');
  });

  it('malformed-json: 200 application/json that does not parse', async () => {
    sim.inject({ route: 'listInstances', kind: 'malformed-json' });
    const res = await list();
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(() => JSON.parse(res.text)).toThrow();
  });

  it('raw: exactly the answer given', async () => {
    sim.inject({ route: 'listInstances', kind: 'raw', status: 200, body: '{"instance_num":3}' });
    sim.inject({
      route: 'listInstances',
      kind: 'raw',
      status: 418,
      body: 'teapot',
      contentType: 'text/plain',
    });
    const first = await list();
    expect([first.status, first.text]).toEqual([200, '{"instance_num":3}']);
    const second = await list();
    expect([second.status, second.text, second.headers['content-type']]).toEqual([
      418,
      'teapot',
      'text/plain',
    ]);
  });

  it('redirect: a 3xx with the given Location, request not applied', async () => {
    const location = 'http://127.0.0.1:9/elsewhere';
    sim.inject({ route: 'instanceAction', kind: 'redirect', status: 307, location });
    const res = await restart([A]);
    expect(res.status).toBe(307);
    expect(res.headers.location).toBe(location);
    expect(sim.instance(A)?.status).toBe('RUNNING');
    expect(sim.requests[0]).toMatchObject({ status: 307, fault: 'redirect:307' });
  });

  it('echo-headers: the error message repeats the Authorization and token it received', async () => {
    await sim.stop();
    sim = await startSimulator({ securityToken: 'echo-token-42' });
    sim.inject({ route: 'listInstances', kind: 'echo-headers', status: 400, shape: 'dms' });
    sim.inject({ route: 'listInstances', kind: 'echo-headers', status: 403, shape: 'apig' });
    const dmsShape = await list();
    expect(dmsShape.status).toBe(400);
    const { error_code, error_msg } = dmsShape.json() as { error_code: string; error_msg: string };
    expect(error_code).toMatch(/^DMS\./);
    const apigShape = await list();
    expect(apigShape.status).toBe(403);
    const { error } = apigShape.json() as { error: { code: string; message: string } };
    expect(error.code).toMatch(/^APIG\./);
    for (const msg of [error_msg, error.message]) {
      expect(msg).toContain(`SDK-HMAC-SHA256 Access=${sim.ak}`);
      expect(msg).toMatch(/Signature=[0-9a-f]{64}/);
      expect(msg).toContain('echo-token-42');
    }
    expect(sim.requests.map((r) => r.fault)).toEqual(['echo-headers:400', 'echo-headers:403']);
  });
});

describe('connection faults', () => {
  it('delay: answers normally, later', async () => {
    sim.inject({ route: 'listInstances', kind: 'delay', ms: 300 });
    const started = Date.now();
    const res = await list();
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(sim.requests[0]).toMatchObject({ status: 200, fault: 'delay' });
  });

  it('hang: never answers, and is recorded with status 0', async () => {
    sim.inject({ route: 'listInstances', kind: 'hang' });
    const error = await cut(list(300));
    expect(error.message).toBe('timed out');
    expect(sim.requests[0]).toMatchObject({ status: 0, fault: 'hang' });
    expect((await list()).status).toBe(200);
  });

  it('drop: the socket closes with no answer and the request is not applied', async () => {
    sim.inject({ route: 'instanceAction', kind: 'drop' });
    await cut(restart([A]));
    expect(sim.instance(A)?.status).toBe('RUNNING');
    expect(sim.requests[0]).toMatchObject({ status: 0, fault: 'drop' });
  });

  it('drop-mid-body: 200 headers, half the body, then the socket closes; not applied', async () => {
    sim.inject({ route: 'instanceAction', kind: 'drop-mid-body' });
    const error = await cut(restart([A, B]));
    expect(error.status).toBe(200);
    expect(error.partial).toMatch(/^\{"results":\[\{"result":"succ/);
    expect(() => JSON.parse(error.partial)).toThrow();
    expect(sim.instance(A)?.status).toBe('RUNNING');
    expect(sim.instance(B)?.status).toBe('RUNNING');
    expect(sim.requests[0]).toMatchObject({ status: 200, fault: 'drop-mid-body' });
  });

  it('lost-response: the request is applied, then the socket closes with no answer', async () => {
    sim.inject({ route: 'instanceAction', kind: 'lost-response' });
    await cut(restart([A]));
    expect(sim.instance(A)?.status).toBe('RESTARTING');
    expect(sim.requests[0]).toMatchObject({ status: 0, fault: 'lost-response' });
  });
});

describe('results fault', () => {
  it('fails failIds and leaves out omitIds, acting on neither', async () => {
    sim.inject({ route: 'instanceAction', kind: 'results', failIds: [B], omitIds: [C] });
    const res = await restart([A, B, C]);
    expect(res.json()).toEqual({
      results: [
        { result: 'success', instance: A },
        { result: 'failed', instance: B },
      ],
    });
    expect(
      sim
        .instances()
        .filter((i) => i.status === 'RESTARTING')
        .map((i) => i.instance_id),
    ).toContain(A);
    expect(sim.instance(B)?.status).toBe('RUNNING');
    expect(sim.instance(C)?.status).toBe('RUNNING');
  });

  it('only applies to instanceAction, even when injected for every route', async () => {
    sim.inject({ route: '*', kind: 'results', failIds: [A] });
    expect((await list()).status).toBe(200);
    expect(sim.requests[0]?.fault).toBeUndefined();
    expect(await restart([A]).then((r) => r.json())).toEqual({
      results: [{ result: 'failed', instance: A }],
    });
  });
});

describe('fleet changes', () => {
  it('mutate: changes the fleet just before the call is answered', async () => {
    sim.inject({ route: 'listInstances', kind: 'mutate', apply: () => sim.removeInstance(A) });
    const ids = (list: unknown) =>
      (list as { instances: Array<{ instance_id: string }> }).instances.map((i) => i.instance_id);
    const first = (await list()).json();
    expect(ids(first)).not.toContain(A);
    expect(sim.requests[0]?.fault).toBe('mutate');
  });

  it('adds instances, removes them, and replaces tags', async () => {
    const before = sim.instances().length;
    sim.addInstance({
      ...(sim.instance(A) as NonNullable<ReturnType<Simulator['instance']>>),
      instance_id: 'extra',
    });
    expect(sim.instances()).toHaveLength(before + 1);
    expect(() =>
      sim.addInstance(sim.instance(A) as NonNullable<ReturnType<Simulator['instance']>>),
    ).toThrow(/duplicate/);
    sim.setTags('extra', { env: 'dev' });
    expect(sim.instance('extra')?.tags).toEqual([{ key: 'env', value: 'dev' }]);
    sim.removeInstance('extra');
    expect(sim.instance('extra')).toBeUndefined();
  });

  it('results omitAppliedIds: acted on, but left out of the answer', async () => {
    sim.inject({ route: 'instanceAction', kind: 'results', omitAppliedIds: [B] });
    const res = await restart([A, B]);
    expect(res.json()).toEqual({ results: [{ result: 'success', instance: A }] });
    expect(sim.instance(B)?.status).toBe('RESTARTING');
  });
});

describe('fault matching', () => {
  it('lets `after` calls through, fires `times` times, then is gone', async () => {
    sim.inject({ route: 'listInstances', kind: 'status', status: 503, after: 2, times: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await list()).status);
    expect(statuses).toEqual([200, 200, 503, 503, 200, 200]);
  });

  it('fires forever with times Infinity, only on its route', async () => {
    sim.inject({ route: 'showInstance', kind: 'busy', times: Number.POSITIVE_INFINITY });
    for (let i = 0; i < 3; i++) {
      expect((await signedRequest(sim, { path: `/v2/{project_id}/instances/${A}` })).status).toBe(
        400,
      );
    }
    expect((await list()).status).toBe(200);
  });

  it('tries faults in injection order', async () => {
    sim.inject({ route: '*', kind: 'status', status: 500 });
    sim.inject({ route: 'listInstances', kind: 'status', status: 503 });
    expect((await list()).status).toBe(500);
    expect((await list()).status).toBe(503);
  });

  it('does not fire on requests that fail authentication', async () => {
    sim.inject({ route: 'listInstances', kind: 'status', status: 503 });
    const bad = await signedRequest(sim, {
      path: '/v2/{project_id}/instances',
      creds: { sk: 'wrong' },
    });
    expect(bad.status).toBe(401);
    expect((await list()).status).toBe(503);
  });

  it('refuses nonsense counts', () => {
    expect(() => sim.inject({ route: '*', kind: 'busy', times: 0 })).toThrow();
    expect(() => sim.inject({ route: '*', kind: 'busy', after: -1 })).toThrow();
  });
});

describe('every answer', () => {
  it('carries a distinct X-Request-Id, faulted or not', async () => {
    sim.inject({ route: 'listInstances', kind: 'status', status: 502 });
    sim.inject({ route: 'listInstances', kind: 'throttle' });
    const answers = [
      await list(),
      await list(),
      await list(),
      await signedRequest(sim, { path: '/v2/{project_id}/nothing' }),
      await signedRequest(sim, { path: '/v2/{project_id}/instances', creds: { sk: 'wrong' } }),
    ];
    const ids = answers.map((a) => a.headers['x-request-id']);
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(sim.requests.map((r) => r.status)).toEqual([502, 429, 200, 404, 401]);
    expect(sim.requests.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
  });
});
