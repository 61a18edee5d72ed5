import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoId, type Simulator, startSimulator } from '../../simulator';
import { signedRequest } from './signed';

const ID = demoId(1);
const UNKNOWN = '00000000-0000-4000-8000-000000000000';
let sim: Simulator;
beforeEach(async () => {
  sim = await startSimulator();
});
afterEach(() => sim.stop());

const tagAction = (id: string, body: unknown) =>
  signedRequest(sim, { path: `/v2/{project_id}/kafka/${id}/tags/action`, body });

describe('ShowKafkaTags', () => {
  it('lists an instance’s tags as key/value pairs', async () => {
    const res = await signedRequest(sim, { path: `/v2/{project_id}/kafka/${ID}/tags` });
    expect(res.json()).toEqual({
      tags: [
        { key: 'env', value: 'staging' },
        { key: 'team', value: 'orders' },
        { key: 'restart-window', value: 'sun-0200' },
      ],
    });
  });

  it('answers 404 for an unknown instance', async () => {
    const res = await signedRequest(sim, { path: `/v2/{project_id}/kafka/${UNKNOWN}/tags` });
    expect(res.status).toBe(404);
  });
});

describe('BatchCreateOrDeleteKafkaTag', () => {
  it('creates tags, overwriting a key already present, and answers 204', async () => {
    const res = await tagAction(ID, {
      action: 'create',
      tags: [
        { key: 'team', value: 'platform' },
        { key: 'maintenance-protect', value: 'true' },
      ],
    });
    expect(res.status).toBe(204);
    expect(sim.instance(ID)?.tags).toEqual([
      { key: 'env', value: 'staging' },
      { key: 'team', value: 'platform' },
      { key: 'restart-window', value: 'sun-0200' },
      { key: 'maintenance-protect', value: 'true' },
    ]);
  });

  it('deletes tags by key', async () => {
    const res = await tagAction(ID, {
      action: 'delete',
      tags: [{ key: 'team' }, { key: 'absent' }],
    });
    expect(res.status).toBe(204);
    expect(sim.instance(ID)?.tags.map((t) => t.key)).toEqual(['env', 'restart-window']);
  });

  it('deletes a tag sent with a value only when key and value both match, and by key when the value is empty', async () => {
    sim.setTags(ID, { env: 'staging', team: 'orders', owner: 'ops', hold: '' });
    const del = (tags: unknown[]) => tagAction(ID, { action: 'delete', tags });
    // Another value: nothing is removed, and DMS still answers 204.
    expect((await del([{ key: 'team', value: 'payments' }])).status).toBe(204);
    expect(sim.instance(ID)?.tags.map((t) => t.key)).toEqual(['env', 'team', 'owner', 'hold']);
    expect((await del([{ key: 'team', value: 'orders' }])).status).toBe(204);
    expect(sim.instance(ID)?.tags.map((t) => t.key)).toEqual(['env', 'owner', 'hold']);
    // An empty value, or none, deletes by key whatever the value.
    expect((await del([{ key: 'owner', value: '' }, { key: 'hold' }])).status).toBe(204);
    expect(sim.instance(ID)?.tags).toEqual([{ key: 'env', value: 'staging' }]);
  });

  it('answers 204 and changes nothing under a not-applied fault', async () => {
    sim.inject({ route: 'tagAction', kind: 'not-applied', times: 2 });
    const create = await tagAction(ID, { action: 'create', tags: [{ key: 'k', value: 'v' }] });
    const del = await tagAction(ID, { action: 'delete', tags: [{ key: 'env', value: 'staging' }] });
    expect([create.status, del.status]).toEqual([204, 204]);
    expect(sim.instance(ID)?.tags.map((t) => t.key)).toEqual(['env', 'team', 'restart-window']);
    expect(sim.requests.map((r) => r.fault)).toEqual(['not-applied', 'not-applied']);
  });

  it('validates the request', async () => {
    const bad: unknown[] = [
      { action: 'update', tags: [{ key: 'a', value: 'b' }] },
      { action: 'create', tags: [] },
      { action: 'create', tags: [{ key: '', value: 'b' }] },
      { action: 'create', tags: [{ key: 'a' }] },
      { action: 'create', tags: [{ key: 'a', value: 7 }] },
      { action: 'create', tags: [{ key: 'k'.repeat(129), value: 'b' }] },
      {
        action: 'create',
        tags: Array.from({ length: 18 }, (_, i) => ({ key: `k${i}`, value: 'v' })),
      },
    ];
    for (const body of bad) {
      const res = await tagAction(ID, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await tagAction(ID, 'not json')).status).toBe(400);
    expect(
      (await tagAction(UNKNOWN, { action: 'create', tags: [{ key: 'a', value: 'b' }] })).status,
    ).toBe(404);
    expect(sim.instance(ID)?.tags).toHaveLength(3);
  });
});

describe('tag key and value rules', () => {
  const create = (key: string, value: string) =>
    tagAction(ID, { action: 'create', tags: [{ key, value }] });

  it('refuses, under the newer rules, characters outside letters, digits, spaces and _.:=+-@, keys starting with sys or _sys_, and keys with a space at either end', async () => {
    for (const [key, value] of [
      ['a/b', 'v'],
      ['a', 'x,y'],
      ['a', 'x*'],
      ['sys-owner', 'v'],
      ['_sys_owner', 'v'],
      [' owner', 'v'],
      ['owner ', 'v'],
      ['a', 'v'.repeat(256)],
    ] as const) {
      expect((await create(key, value)).status, `${key}=${value}`).toBe(400);
    }
    expect((await create('dms-maintenance.restarted-at', '2026-03-07T02:00:00Z')).status).toBe(204);
    expect((await create('owner@team', 'a b:c=d+e_f.g-h')).status).toBe(204);
  });

  it('refuses, under the older rules, keys over 36 and values over 43 characters, and =*<>,|/', async () => {
    await sim.stop();
    sim = await startSimulator({ tagRules: 'older' });
    for (const [key, value] of [
      ['k'.repeat(37), 'v'],
      ['a', 'v'.repeat(44)],
      ['a=b', 'v'],
      ['a', 'x|y'],
      ['a', 'x/y'],
      ['a', 'tab\there'],
    ] as const) {
      expect((await create(key, value)).status, `${key}=${value}`).toBe(400);
    }
    expect((await create('dms-maintenance.restarted-at', '2026-03-07T02:00:00Z')).status).toBe(204);
    expect((await create('k'.repeat(36), 'v'.repeat(43))).status).toBe(204);
  });
});

describe('ShowKafkaProjectTags', () => {
  it('lists every key in the project with its distinct values', async () => {
    const res = await signedRequest(sim, { path: '/v2/{project_id}/kafka/tags' });
    const tags = (res.json() as { tags: { key: string; values: string[] }[] }).tags;
    expect(tags.map((t) => t.key)).toEqual([
      'env',
      'maintenance-protect',
      'restart-window',
      'team',
    ]);
    expect(tags.find((t) => t.key === 'env')?.values).toEqual(['dev', 'production', 'staging']);
    expect(tags.find((t) => t.key === 'restart-window')?.values).toEqual([
      'any',
      'sat-0300',
      'sun-0200',
    ]);
  });
});
