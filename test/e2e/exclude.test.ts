import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../simulator';
import { mk, staging } from '../support/fleet';
import { actions, byOutcome, runHandler } from '../support/harness';

let sim: Simulator;
afterEach(async () => {
  await sim?.stop();
});

/** The defaults protect by `maintenance-protect`; the policy adds an exclusion of its own. */
const policy = (exclude: string) => `version: 1
defaults:
  exclude: { tags: { maintenance-protect: "true" } }
policies:
  r:
    action: restart
    dryRun: false
    select: { tags: { env: staging } }
    exclude: ${exclude}
`;

const fleet = () => [
  ...staging(2),
  mk('prot', 'kafka-prot', 'RUNNING', { env: 'staging', 'maintenance-protect': 'true' }),
  mk('frozen', 'kafka-frozen', 'RUNNING', { env: 'staging', 'change-freeze': 'yes' }),
];

const restartedIds = (s: Simulator) =>
  actions(s).flatMap((a) => (a.body as { instances: string[] }).instances);

describe("a policy's exclude beside the defaults' one", () => {
  it("keeps the defaults' protection: both exclusions skip their instance", async () => {
    sim = await startSimulator({ fleet: fleet() });
    const run = await runHandler(sim, { policy: policy('{ tags: { change-freeze: "yes" } }') });
    expect(run.error).toBeUndefined();
    expect(byOutcome(run.outcomes)).toEqual({
      restarted: ['stg-000', 'stg-001'],
      skipped: ['frozen', 'prot'],
    });
    expect(run.outcomes.find((o) => o.instanceId === 'prot')?.reason).toBe(
      'excluded by tag maintenance-protect=true',
    );
    expect(restartedIds(sim)).not.toContain('prot');
  });

  it("drops the defaults' protection only when it says dropDefaults: true", async () => {
    sim = await startSimulator({ fleet: fleet() });
    const run = await runHandler(sim, {
      policy: policy('{ tags: { change-freeze: "yes" }, dropDefaults: true }'),
    });
    expect(run.error).toBeUndefined();
    expect(byOutcome(run.outcomes)).toEqual({
      restarted: ['prot', 'stg-000', 'stg-001'],
      skipped: ['frozen'],
    });
  });

  it('joins the values of a key both name: either one excludes', async () => {
    sim = await startSimulator({
      fleet: [
        ...staging(1),
        mk('a', 'kafka-a', 'RUNNING', { env: 'staging', 'maintenance-protect': 'true' }),
        mk('b', 'kafka-b', 'RUNNING', { env: 'staging', 'maintenance-protect': 'yes' }),
      ],
    });
    const run = await runHandler(sim, {
      policy: policy('{ tags: { maintenance-protect: "yes" } }'),
    });
    expect(byOutcome(run.outcomes)).toEqual({ restarted: ['stg-000'], skipped: ['a', 'b'] });
  });

  it('refuses dropDefaults in the defaults, saying where it belongs', async () => {
    sim = await startSimulator({ fleet: fleet() });
    const run = await runHandler(sim, {
      policy: policy('{ tags: { change-freeze: "yes" } }').replace(
        '"true" } }',
        '"true" }, dropDefaults: true }',
      ),
    });
    expect(run.error?.message).toContain(
      "defaults.exclude.dropDefaults: dropDefaults belongs in a policy's exclude",
    );
    expect(sim.requests).toHaveLength(0);
  });
});

describe('an exclude key no instance carries', () => {
  it('warns in the run, naming the key the fleet has that it was probably meant to be', async () => {
    sim = await startSimulator({ fleet: fleet() });
    const run = await runHandler(sim, {
      policy: policy('{ tags: { maintenence: "true", change-freeze: "yes" } }').replace(
        'dryRun: false',
        'dryRun: true',
      ),
    });
    expect(run.error).toBeUndefined();
    expect(run.lines.filter((l) => l.kind === 'warning')).toEqual([
      expect.objectContaining({
        policy: 'r',
        message:
          'exclude.tags "maintenence" is on no listed instance, so it protects none; did you mean "maintenance-protect" (1 instance)?',
        key: 'maintenence',
        near: ['maintenance-protect'],
      }),
    ]);
  });

  it('says nothing in the run of a key on no instance that nothing in the fleet is close to', async () => {
    sim = await startSimulator({ fleet: staging(2) });
    const run = await runHandler(sim, { policy: policy('{ tags: { change-freeze: "yes" } }') });
    expect(run.error).toBeUndefined();
    expect(run.lines.filter((l) => l.kind === 'warning')).toEqual([]);
  });
});
