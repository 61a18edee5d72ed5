import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../simulator';
import { mk } from '../support/fleet';
import { runHandler } from '../support/harness';

let sim: Simulator;
afterEach(async () => {
  await sim?.stop();
});

const policy = (tags: string) => `version: 1
policies:
  r:
    action: restart
    dryRun: false
    select: { tags: ${tags} }
    maxInstances: 100
`;

function fleet() {
  return [
    ...Array.from({ length: 40 }, (_, i) =>
      mk(`p${i}`, `kafka-p${i}`, 'RUNNING', { env: 'production' }),
    ),
    ...Array.from({ length: 12 }, (_, i) =>
      mk(`s${i}`, `kafka-s${i}`, 'RUNNING', { env: 'Staging' }),
    ),
    ...Array.from({ length: 3 }, (_, i) => mk(`e${i}`, `kafka-e${i}`, 'RUNNING', { Env: 'prod' })),
  ];
}

describe('a selector that matches nothing', () => {
  it('names the values the fleet has for the key, with counts, and keys that differ only by case', async () => {
    sim = await startSimulator({ fleet: fleet() });
    const run = await runHandler(sim, { policy: policy('{ env: prod }') });
    expect(run.error).toBeUndefined();
    expect(run.result).toMatchObject({
      matched: 0,
      noMatch: [
        'env: "prod" matches no instance; the fleet has env=production (40), env=Staging (12); keys that differ only by case or spaces: "Env" (3)',
      ],
    });
    expect(sim.requests.every((r) => r.method === 'GET')).toBe(true);
  });

  it('says so when each key matches some instance but none matches them all', async () => {
    sim = await startSimulator({
      fleet: [
        mk('a', 'kafka-a', 'RUNNING', { env: 'prod' }),
        mk('b', 'kafka-b', 'RUNNING', { team: 'data' }),
      ],
    });
    const run = await runHandler(sim, { policy: policy('{ env: prod, team: data }') });
    expect(run.result?.noMatch).toEqual([
      'each selected tag matches some instance, but no instance matches them all',
    ]);
  });

  it('says nothing when the selection matched', async () => {
    sim = await startSimulator({ fleet: fleet() });
    const run = await runHandler(sim, {
      policy: policy('{ env: production }').replace('dryRun: false', 'dryRun: true'),
    });
    expect(run.result?.matched).toBe(40);
    expect(run.result?.noMatch).toBeUndefined();
  });
});
