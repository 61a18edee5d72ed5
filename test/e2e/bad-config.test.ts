import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadPolicyFile } from '../../src/policy/load';
import { type Simulator, startSimulator } from '../../src/simulator';
import { BAD_CONFIGS } from '../support/bad-configs';
import { staging } from '../support/fleet';
import { runHandler } from '../support/harness';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ fleet: staging(3) });
});
afterAll(async () => {
  await sim.stop();
});
beforeEach(() => sim.clearRequests());

describe('bad config suite', () => {
  it('has at least 40 malformed policy files', () => {
    expect(BAD_CONFIGS.length).toBeGreaterThanOrEqual(40);
  });

  for (const c of BAD_CONFIGS) {
    it(`refuses ${c.name}, naming ${c.path}, with no API call`, async () => {
      const run = await runHandler(sim, { policy: c.file, event: { policy: 'r' } });
      expect(run.error?.name).toBe('ConfigError');
      const lines =
        run.error?.message
          .split('\n')
          .slice(1)
          .map((l) => l.trim()) ?? [];
      expect(lines.some((l) => l.startsWith(`${c.path}: `))).toBe(true);
      expect(sim.requests).toHaveLength(0);
      expect(run.summaries).toHaveLength(0);
    });
  }

  it('parses the example policies.yaml shipped with the project', async () => {
    const policies = await loadPolicyFile('policies.yaml');
    expect([...policies.keys()]).toEqual(['nightly-failed-cleanup', 'weekly-staging-restart']);
    expect(policies.get('weekly-staging-restart')).toMatchObject({
      dryRun: true,
      batchSize: 10,
      maxInstances: 20,
    });
    expect(policies.get('nightly-failed-cleanup')).toMatchObject({
      dryRun: false,
      maxInstances: 10,
    });
  });
});
