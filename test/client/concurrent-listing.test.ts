import { afterEach, describe, expect, it } from 'vitest';
import { generateFleet, type SimInstance, type Simulator, startSimulator } from '../../simulator';
import { createDmsClient, type DmsClientOptions } from '../../src/dms/client';
import { systemClock } from '../../src/exec/clock';
import { createLogger } from '../../src/report/logger';
import { mk } from '../support/fleet';

let sim: Simulator;
afterEach(async () => {
  await sim?.stop();
});

const silent = createLogger({ write: () => {} });

function client(s: Simulator, over: Partial<DmsClientOptions> = {}) {
  return createDmsClient({
    credentials: { ak: s.ak, sk: s.sk },
    projectId: s.projectId,
    endpoint: s.endpoint,
    timeoutMs: 2000,
    retry: {
      settings: { attempts: 5, baseDelayMs: 5, maxDelayMs: 50 },
      clock: systemClock,
      log: silent,
    },
    ...over,
  });
}

function running(size: number, seed = 11): SimInstance[] {
  return generateFleet({ size, seed }).map((i) => ({ ...i, status: 'RUNNING' }));
}

/** Instance ids in the simulator's listing order (newest first). */
function listingOrder(fleet: SimInstance[]): string[] {
  return [...fleet]
    .sort(
      (a, b) =>
        Number(b.created_at) - Number(a.created_at) ||
        (a.instance_id < b.instance_id ? -1 : a.instance_id > b.instance_id ? 1 : 0),
    )
    .map((i) => i.instance_id);
}

const ids = (xs: readonly { instance_id: string }[]) => xs.map((i) => i.instance_id).sort();
const listCalls = () => sim.requests.filter((r) => r.route === 'listInstances');

describe('concurrent listing', () => {
  it('asks for the pages after the first at once, never more than maxConcurrency', async () => {
    const fleet = running(1000);
    sim = await startSimulator({ fleet, latencyMs: 30 });
    const got = await client(sim, { maxConcurrency: 4 }).listInstances();
    expect(ids(got)).toEqual(ids(fleet));
    expect(new Set(got.map((i) => i.instance_id)).size).toBe(1000);
    expect(listCalls()).toHaveLength(20);
    expect(sim.load().peakInFlight).toBe(4);
  });

  it('with DMS_MAX_CONCURRENCY 1, lists one page at a time, as before', async () => {
    sim = await startSimulator({ fleet: running(300), latencyMs: 10 });
    await client(sim, { maxConcurrency: 1 }).listInstances();
    expect(sim.load().peakInFlight).toBe(1);
    expect(listCalls().map((r) => r.query.offset)).toEqual(['0', '50', '100', '150', '200', '250']);
  });

  it('hands back the instances in listing order', async () => {
    const fleet = running(420);
    sim = await startSimulator({ fleet, latencyMs: 5 });
    const got = await client(sim).listInstances();
    expect(got.map((i) => i.instance_id)).toEqual(listingOrder(fleet));
  });

  it('lists again, complete, when an instance is deleted while pages are in flight', async () => {
    const fleet = running(1000);
    sim = await startSimulator({ fleet, latencyMs: 10 });
    const gone = listingOrder(fleet)[3] as string;
    sim.inject({
      route: 'listInstances',
      kind: 'mutate',
      after: 5,
      apply: () => sim.removeInstance(gone),
    });
    const got = await client(sim).listInstances();
    expect(ids(got)).toEqual(ids(fleet.filter((i) => i.instance_id !== gone)));
    // The first listing was thrown away: more than one first page was asked for.
    expect(listCalls().filter((r) => r.query.offset === '0')).toHaveLength(2);
  });

  it('lists again, complete, when an instance is created while pages are in flight', async () => {
    const fleet = running(1000);
    sim = await startSimulator({ fleet, latencyMs: 10 });
    const fresh = { ...mk('brand-new', 'kafka-brand-new', 'RUNNING'), created_at: '9999999999999' };
    sim.inject({
      route: 'listInstances',
      kind: 'mutate',
      after: 7,
      apply: () => sim.addInstance(fresh),
    });
    const got = await client(sim).listInstances();
    expect(got).toHaveLength(1001);
    expect(ids(got)).toEqual(ids([...fleet, fresh]));
  });

  it('catches a swap that keeps instance_num (one gone, one new) by the duplicate it causes', async () => {
    const fleet = running(500);
    sim = await startSimulator({ fleet, latencyMs: 10 });
    const order = listingOrder(fleet);
    // Gone from page 3 before it is read; a newest instance shifts pages 1-3 by one.
    const gone = order[120] as string;
    const fresh = { ...mk('swap-in', 'kafka-swap-in', 'RUNNING'), created_at: '9999999999999' };
    sim.inject({
      route: 'listInstances',
      kind: 'mutate',
      after: 1,
      apply: () => {
        sim.removeInstance(gone);
        sim.addInstance(fresh);
      },
    });
    const got = await client(sim, { maxConcurrency: 2 }).listInstances();
    expect(ids(got)).toEqual(ids([...fleet.filter((i) => i.instance_id !== gone), fresh]));
    expect(listCalls().filter((r) => r.query.offset === '0')).toHaveLength(2);
  });

  it('still lists every instance when statuses change mid-listing (instance_num unchanged)', async () => {
    const fleet = running(600);
    sim = await startSimulator({ fleet, latencyMs: 5 });
    const last = listingOrder(fleet).at(-1) as string;
    sim.inject({
      route: 'listInstances',
      kind: 'mutate',
      after: 2,
      apply: () => sim.setStatus(last, 'RESTARTING'),
    });
    const got = await client(sim).listInstances();
    expect(ids(got)).toEqual(ids(fleet));
    expect(got.find((i) => i.instance_id === last)?.status).toBe('RESTARTING');
  });

  it('gives up with ListingInconsistentError when the fleet keeps changing under concurrent pages', async () => {
    sim = await startSimulator({ fleet: running(400), latencyMs: 5 });
    let n = 0;
    sim.inject({
      route: 'listInstances',
      kind: 'mutate',
      times: Number.POSITIVE_INFINITY,
      apply: () => {
        n++;
        if (n % 4 === 2) sim.addInstance(mk(`churn-${n}`, `kafka-churn-${n}`, 'RUNNING'));
      },
    });
    const e = await client(sim)
      .listInstances()
      .then(
        () => undefined,
        (err: Error) => err,
      );
    expect(e?.name).toBe('ListingInconsistentError');
  });

  it('keeps the whole listing under a rate limit, retrying 429s through the shared limiter', async () => {
    const fleet = running(1000);
    sim = await startSimulator({ fleet, latencyMs: 5 });
    sim.setRateLimit(10);
    const got = await client(sim).listInstances();
    expect(ids(got)).toEqual(ids(fleet));
    const throttled = listCalls().filter((r) => r.status === 429).length;
    expect(throttled).toBeGreaterThan(0);
    expect(throttled).toBeLessThan(listCalls().length / 2);
  });
});
