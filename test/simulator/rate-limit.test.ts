import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../simulator';
import { signedRequest } from './signed';

let sim: Simulator;
beforeEach(async () => {
  sim = await startSimulator();
});
afterEach(() => sim.stop());

const list = () =>
  signedRequest(sim, { path: '/v2/{project_id}/instances', query: { engine: 'kafka' } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('setRateLimit', () => {
  it('answers 429 APIG.0308 beyond N requests in one second', async () => {
    sim.setRateLimit(3);
    const statuses = await Promise.all(
      Array.from({ length: 6 }, () => list().then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
    const throttled = sim.requests.find((r) => r.status === 429);
    expect(throttled?.signatureValid).toBe(true);
  });

  it('admits requests again once the window has moved on', async () => {
    sim.setRateLimit(2);
    expect((await list()).status).toBe(200);
    expect((await list()).status).toBe(200);
    const third = await list();
    expect(third.status).toBe(429);
    expect(third.json()).toMatchObject({ error_code: 'APIG.0308' });
    await sleep(1050);
    expect((await list()).status).toBe(200);
  });

  it('never admits more than N within any one-second window', async () => {
    sim.setRateLimit(4);
    const until = Date.now() + 1600;
    while (Date.now() < until) {
      await list();
      await sleep(40);
    }
    // Arrival times as the simulator recorded them; 10 ms of slack for clock granularity.
    const admitted = sim.requests.filter((r) => r.status === 200).map((r) => r.at);
    for (const t of admitted) {
      expect(admitted.filter((u) => u >= t && u < t + 990).length).toBeLessThanOrEqual(4);
    }
    expect(admitted.length).toBeGreaterThanOrEqual(5);
  });

  it('is lifted with null', async () => {
    sim.setRateLimit(1);
    await list();
    expect((await list()).status).toBe(429);
    sim.setRateLimit(null);
    for (let i = 0; i < 5; i++) expect((await list()).status).toBe(200);
  });

  it('as a token bucket, passes a burst at once and then refills at N a second', async () => {
    sim.setRateLimit(10, { burst: 4 });
    const first = await Promise.all(Array.from({ length: 6 }, () => list().then((r) => r.status)));
    expect(first.filter((s) => s === 200)).toHaveLength(4);
    expect(first.filter((s) => s === 429)).toHaveLength(2);
    // 10 a second: a token comes back every 100 ms, and never more than the burst.
    await sleep(250);
    const later = await Promise.all(Array.from({ length: 6 }, () => list().then((r) => r.status)));
    expect(later.filter((s) => s === 200)).toHaveLength(2);
    await sleep(1000);
    const full = await Promise.all(Array.from({ length: 6 }, () => list().then((r) => r.status)));
    expect(full.filter((s) => s === 200)).toHaveLength(4);
  });

  it('refuses a burst that is not a positive whole number', () => {
    expect(() => sim.setRateLimit(10, { burst: 0 })).toThrow(/burst must be a positive integer/);
  });
});
