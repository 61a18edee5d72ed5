import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../simulator';
import { cli, jsonLines } from '../support/cli';
import { ALL_FAILURE_POLICY, mk } from '../support/fleet';
import { actions, batches, byOutcome, simEnv } from '../support/harness';

const sims: Simulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.stop()));
});

const failed = (id: string) => mk(id, `kafka-${id}`, 'CREATEFAILED');

/** A folder with the policy file, and the path an approved plan goes to. */
function workspace(policy: string): { file: string; out: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dms-approval-'));
  const file = join(dir, 'p.yaml');
  writeFileSync(file, policy);
  return { dir, file, out: join(dir, 'approved.json') };
}

describe('an approved cleanup', () => {
  it('deletes only the approved ids, by id, even when all_failure would be exact at its listing', async () => {
    const sim = await startSimulator({
      fleet: [failed('f1'), failed('f2'), mk('ok', 'kafka-ok', 'RUNNING')],
      deleteDelayMs: 60_000,
    });
    sims.push(sim);
    const { file, out } = workspace(ALL_FAILURE_POLICY);
    const planned = await cli(['plan', '-p', 'cleanup', '-f', file, '--out', out], simEnv(sim));
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stderr).toMatch(/wrote .*approved\.json: 2 instances to delete/);
    // f3 fails its creation after the run's listing, right as its delete call arrives.
    sim.inject({
      route: 'instanceAction',
      kind: 'mutate',
      apply: () => sim.addInstance(failed('f3')),
    });
    const r = await cli(['run', '--plan', out, '-f', file, '--json'], simEnv(sim));
    expect(r.code, r.stderr).toBe(0);
    expect(batches(sim)).toEqual([['f1', 'f2']]);
    expect(actions(sim).map((a) => a.body)).toEqual([
      { action: 'delete', instances: expect.any(Array) },
    ]);
    expect(sim.instance('f3')?.status).toBe('CREATEFAILED');
    const lines = jsonLines(r.stdout);
    const outcomes = lines.filter((l) => l.kind === 'outcome') as never[];
    expect(byOutcome(outcomes)).toEqual({ deleted: ['f1', 'f2'] });
    expect(lines.find((l) => l.kind === 'summary')).toMatchObject({
      mode: 'by-id',
      modeReason: expect.stringMatching(
        /^an approved plan deletes only the instances it names, each by id/,
      ),
    });
  });
});
