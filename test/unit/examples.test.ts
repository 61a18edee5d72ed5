import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cronProblem } from '../../cli/deploy/cron';
import { loadPolicyFile } from '../../src/policy/load';

const EXAMPLES = readdirSync('examples')
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => join('examples', f));
const SHIPPED = ['policies.yaml', ...EXAMPLES];

/** The `name = "cron"` timer lines an example names in its comments. */
function commentedTimers(file: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of readFileSync(file, 'utf8').matchAll(/^#\s+([\w.-]+) = "([^"]+)"/gm)) {
    found.set(m[1] ?? '', m[2] ?? '');
  }
  return found;
}

describe('example policy files', () => {
  it('are the four documented ones', () => {
    expect(EXAMPLES.sort()).toEqual([
      'examples/accounts.yaml',
      'examples/nightly-cleanup.yaml',
      'examples/production-campaign.yaml',
      'examples/weekly-staging-restart.yaml',
    ]);
  });

  for (const file of SHIPPED) {
    it(`${file} loads with the function's own loader, and ships dry`, async () => {
      const policies = await loadPolicyFile(file);
      expect(policies.size).toBeGreaterThan(0);
      for (const p of policies.values()) {
        expect({ policy: p.name, dryRun: p.dryRun }).toEqual({ policy: p.name, dryRun: true });
        // A cleanup with a select deletes by id, never with all_failure.
        if (p.action === 'cleanup-failed') expect(p.select, p.name).toBeDefined();
      }
    });
  }

  for (const file of EXAMPLES) {
    it(`${file} names a well-formed, seconds-first timer for each of its policies`, async () => {
      const policies = await loadPolicyFile(file);
      const timers = commentedTimers(file);
      expect([...timers.keys()].sort()).toEqual([...policies.keys()].sort());
      for (const [name, cron] of timers) expect(cronProblem(cron), name).toBeUndefined();
    });
  }
});
