import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../simulator';
import { cli, jsonLines } from '../support/cli';
import { mk, staging } from '../support/fleet';
import { simEnv, writePolicyFile, writes } from '../support/harness';

const policy = (exclude: string) => `version: 1
defaults:
  exclude: { tags: { maintenance-protect: "true", owner-hold: { present: true } } }
policies:
  r:
    action: restart
    select: { tags: { env: staging } }
    exclude: ${exclude}
`;

describe('validate, and exclusions that add up', () => {
  it("says nothing when a policy's exclude joins the defaults'", async () => {
    const r = await cli(
      ['validate', writePolicyFile(policy('{ tags: { change-freeze: "yes" } }'))],
      {},
      tmpdir(),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
  });

  it("warns, naming the defaults' keys, when a policy drops them", async () => {
    const file = writePolicyFile(policy('{ tags: { change-freeze: "yes" }, dropDefaults: true }'));
    const r = await cli(['validate', file], {}, tmpdir());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(
      `warning: policies.r.exclude.dropDefaults: true: the defaults' exclude.tags "maintenance-protect", "owner-hold" do not protect this policy's instances\n`,
    );
  });
});

describe('plan, and exclude keys no instance carries', () => {
  const sims: Simulator[] = [];
  afterEach(async () => {
    await Promise.all(sims.splice(0).map((s) => s.stop()));
  });

  it('warns in its head lines, naming the near miss, and as a warning record', async () => {
    const sim = await startSimulator({
      fleet: [
        ...staging(2),
        mk('prot', 'kafka-prot', 'RUNNING', { env: 'staging', 'maintenance-protect': 'true' }),
      ],
    });
    sims.push(sim);
    const file = writePolicyFile(`version: 1
policies:
  r:
    action: restart
    select: { tags: { env: staging } }
    exclude: { tags: { maintenence: "true", change-freeze: "yes" } }
`);
    const r = await cli(['plan', '-p', 'r', '-f', file], simEnv(sim));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      '  warning: exclude.tags "maintenence" is on no listed instance, so it protects none; did you mean "maintenance-protect" (1 instance)?\n',
    );
    expect(r.stdout).toContain(
      '  warning: exclude.tags "change-freeze" is on no listed instance, so it protects none; no key the fleet has is close to it\n',
    );
    expect(r.stdout).toMatch(/kafka-prot +RUNNING +would-restart/);
    const json = await cli(['plan', '-p', 'r', '-f', file, '--json'], simEnv(sim));
    expect(jsonLines(json.stdout).filter((l) => l.kind === 'warning')).toEqual([
      expect.objectContaining({ key: 'maintenence', near: ['maintenance-protect'] }),
    ]);
    expect(writes(sim)).toHaveLength(0);
  });
});

describe('validate, and exclude keys close to another key in the file', () => {
  it('warns offline of a key close to one the file names elsewhere, and points to plan', async () => {
    const r = await cli(
      ['validate', writePolicyFile(policy('{ tags: { maintenence: "true" } }'))],
      {},
      tmpdir(),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(
      'warning: exclude.tags "maintenence" (policies.r) is close to "maintenance-protect", also in this file: a misspelt exclude key protects nothing; plan shows which keys the fleet carries\n',
    );
  });
});
