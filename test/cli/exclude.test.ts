import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { cli } from '../support/cli';
import { writePolicyFile } from '../support/harness';

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
