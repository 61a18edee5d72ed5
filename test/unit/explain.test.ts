import { describe, expect, it } from 'vitest';
import { generateFleet } from '../../simulator';
import type { KafkaInstance } from '../../src/dms/wire';
import { explain } from '../../src/plan/explain';
import { parsePolicies } from '../../src/policy/load';

const policies = parsePolicies(`version: 1
defaults:
  exclude: { tags: { maintenance-protect: "true" } }
policies:
  restart:
    action: restart
    select:
      tags: { env: staging }
      names: ["kafka-*"]
      status: [RUNNING, ERROR]
  cleanup:
    action: cleanup-failed
    select: { tags: { env: [dev, staging] } }
    minAgeHours: 24
`);

describe('explain', () => {
  const fleet = generateFleet({ size: 400, seed: 11 }) as unknown as KafkaInstance[];
  const now = Date.now();

  for (const name of ['restart', 'cleanup']) {
    it(`agrees with the run's own judgement for every instance of a fleet (${name})`, () => {
      const policy = policies.get(name);
      if (!policy) throw new Error(name);
      let acted = 0;
      for (const instance of fleet) {
        const { checks, verdict } = explain(policy, instance, { now });
        const allHold = checks.every((c) => c.holds);
        // Every rule holds exactly when the run would act on it.
        expect(allHold, `${instance.instance_id}: ${JSON.stringify(checks)}`).toBe(
          verdict.verdict === 'act',
        );
        if (verdict.verdict === 'act') acted++;
      }
      expect(acted).toBeGreaterThan(0);
    });
  }

  it('names what it saw for the rule that fails', () => {
    const policy = policies.get('restart');
    if (!policy) throw new Error('restart');
    const { checks } = explain(policy, {
      instance_id: 'x',
      name: 'kafka-x',
      engine: 'kafka',
      status: 'RUNNING',
      tags: [
        { key: 'env', value: 'production' },
        { key: 'Maintenance-Protect', value: ' True' },
      ],
    });
    expect(checks.filter((c) => !c.holds)).toEqual([
      { rule: 'select.tags "env" is "staging"', saw: '"production"', holds: false },
      expect.objectContaining({ saw: '"Maintenance-Protect"=" True"', holds: false }),
    ]);
  });
});
