import { describe, expect, it } from 'vitest';
import { demoFleet, generateFleet, type SimInstance } from '../../simulator';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const tag = (i: SimInstance, key: string) => i.tags.find((t) => t.key === key)?.value;

describe('generateFleet', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    expect(generateFleet({ size: 200, seed: 42 })).toEqual(generateFleet({ size: 200, seed: 42 }));
    expect(generateFleet({ size: 200, seed: 42 })).not.toEqual(
      generateFleet({ size: 200, seed: 43 }),
    );
  });

  it('gives 10,000 instances unique UUID-shaped ids and unique names', () => {
    const fleet = generateFleet({ size: 10_000, seed: 7 });
    expect(fleet).toHaveLength(10_000);
    expect(new Set(fleet.map((i) => i.instance_id)).size).toBe(10_000);
    expect(new Set(fleet.map((i) => i.name)).size).toBe(10_000);
    expect(fleet.every((i) => UUID.test(i.instance_id))).toBe(true);
  });

  it('has a realistic mix of names, statuses and tags', () => {
    const fleet = generateFleet({ size: 2000, seed: 3 });
    expect(fleet.every((i) => /^kafka-(stg|prod|dev)-[a-z]+-\d{2,}$/.test(i.name))).toBe(true);
    const count = (status: string) => fleet.filter((i) => i.status === status).length;
    expect(count('RUNNING')).toBeGreaterThan(1400);
    for (const status of ['ERROR', 'RESTARTING', 'CREATING', 'CREATEFAILED', 'FROZEN']) {
      expect(count(status), status).toBeGreaterThan(10);
    }
    const envs = new Set(fleet.map((i) => tag(i, 'env')));
    expect(envs).toEqual(new Set(['staging', 'production', 'dev', undefined]));
    const windows = new Set(fleet.map((i) => tag(i, 'restart-window')).filter(Boolean));
    expect(windows).toEqual(new Set(['sun-0200', 'sat-0300', 'any']));
    const protectedCount = fleet.filter((i) => tag(i, 'maintenance-protect') === 'true').length;
    expect(protectedCount).toBeGreaterThan(40);
    expect(protectedCount).toBeLessThan(200);
    for (const i of fleet) {
      const short = i.name.split('-')[1];
      const env = tag(i, 'env');
      if (env) expect({ stg: 'staging', prod: 'production', dev: 'dev' }[short ?? '']).toBe(env);
    }
  });

  it('handles sizes 0 and 1 and refuses nonsense', () => {
    expect(generateFleet({ size: 0 })).toEqual([]);
    expect(generateFleet({ size: 1 })).toHaveLength(1);
    expect(() => generateFleet({ size: -1 })).toThrow();
    expect(() => generateFleet({ size: 1.5 })).toThrow();
  });
});

/** Mirrors weekly-staging-restart's selector from the example policy file. */
function weeklySelect(i: SimInstance): boolean {
  return (
    tag(i, 'env') === 'staging' &&
    ['sun-0200', 'any'].includes(tag(i, 'restart-window') ?? '') &&
    i.name.startsWith('kafka-stg-')
  );
}

describe('demoFleet', () => {
  const fleet = demoFleet();

  it('is stable, with fixed unique ids', () => {
    expect(demoFleet()).toEqual(fleet);
    expect(fleet.length).toBeGreaterThanOrEqual(20);
    expect(fleet.length).toBeLessThanOrEqual(24);
    expect(new Set(fleet.map((i) => i.instance_id)).size).toBe(fleet.length);
    expect(fleet.every((i) => UUID.test(i.instance_id))).toBe(true);
  });

  it('has staging instances for the weekly restart, one protected, some in the wrong status', () => {
    const selected = fleet.filter(weeklySelect);
    const running = selected.filter((i) => i.status === 'RUNNING');
    expect(running).toHaveLength(6);
    expect(running.filter((i) => tag(i, 'maintenance-protect') === 'true')).toHaveLength(1);
    expect(selected.map((i) => i.status).sort()).toEqual(
      ['CREATING', 'ERROR', 'RESTARTING', ...Array(6).fill('RUNNING')].sort(),
    );
    const otherWindow = fleet.filter(
      (i) => tag(i, 'env') === 'staging' && tag(i, 'restart-window') === 'sat-0300',
    );
    expect(otherWindow.length).toBeGreaterThanOrEqual(1);
  });

  it('has production, dev, frozen and three CREATEFAILED instances, one protected', () => {
    expect(fleet.some((i) => tag(i, 'env') === 'production')).toBe(true);
    expect(fleet.some((i) => tag(i, 'env') === 'dev')).toBe(true);
    expect(fleet.filter((i) => i.status === 'FROZEN')).toHaveLength(1);
    const failed = fleet.filter((i) => i.status === 'CREATEFAILED');
    expect(failed).toHaveLength(3);
    expect(failed.filter((i) => tag(i, 'maintenance-protect') === 'true')).toHaveLength(1);
  });
});
