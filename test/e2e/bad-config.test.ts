import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../simulator';
import { loadPolicyFile } from '../../src/policy/load';
import { BAD_CONFIGS } from '../support/bad-configs';
import { RESTART_POLICY, staging } from '../support/fleet';
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
      dryRun: true,
      maxInstances: 10,
      select: { tags: { env: { present: true } } },
    });
  });
});

const BAD_ENVS: Array<{
  name: string;
  path: string;
  env: (s: Simulator) => Record<string, string>;
}> = [
  {
    name: 'DMS_ENDPOINT with the keys as userinfo and a port out of range',
    path: 'env.DMS_ENDPOINT',
    env: (s) => ({ DMS_ENDPOINT: `https://${s.ak}:${s.sk}@127.0.0.1:99999` }),
  },
  {
    name: 'DMS_ENDPOINT with the keys as userinfo on a working endpoint',
    path: 'env.DMS_ENDPOINT',
    env: (s) => ({ DMS_ENDPOINT: s.endpoint.replace('://', `://${s.ak}:${s.sk}@`) }),
  },
  {
    name: 'DMS_ENDPOINT with the keys in the query',
    path: 'env.DMS_ENDPOINT',
    env: (s) => ({ DMS_ENDPOINT: `${s.endpoint}/?ak=${s.ak}&sk=${s.sk}` }),
  },
  {
    name: 'neither DMS_REGION nor DMS_ENDPOINT',
    path: 'env.DMS_REGION',
    env: () => ({ DMS_ENDPOINT: '' }),
  },
  {
    name: 'DMS_REGION holding a key by mistake',
    path: 'env.DMS_REGION',
    env: (s) => ({ DMS_REGION: s.ak }),
  },
];

describe('bad environment', () => {
  for (const c of BAD_ENVS) {
    it(`refuses ${c.name}, naming ${c.path}, repeating no key, with no API call`, async () => {
      const run = await runHandler(sim, {
        policy: RESTART_POLICY.replace('restart:', 'r:'),
        event: { policy: 'r' },
        env: c.env(sim),
      });
      for (const text of [run.raw, run.error?.message ?? '']) {
        expect(text).not.toContain(sim.ak);
        expect(text).not.toContain(sim.sk);
      }
      expect(run.error?.name).toBe('ConfigError');
      expect(run.error?.message).toMatch(new RegExp(`\\n  ${c.path.replace('.', '\\.')}: `));
      expect(run.lines).toEqual([
        expect.objectContaining({ kind: 'error', errorType: 'ConfigError' }),
      ]);
      expect(sim.requests).toHaveLength(0);
      expect(run.summaries).toHaveLength(0);
    });
  }
});
