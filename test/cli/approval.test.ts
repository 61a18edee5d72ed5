import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../simulator';
import { type ApprovedPlan, parseApproval } from '../../src/plan/approval';
import { sealApproval } from '../../src/plan/approval-binding';
import { cli, jsonLines } from '../support/cli';
import { ALL_FAILURE_POLICY, mk, RESTART_POLICY, staging } from '../support/fleet';
import { actions, batches, byOutcome, simEnv } from '../support/harness';
import { accountsYaml, MEMBERS, type MemberName, startOrganization } from '../support/organization';

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

/** The fields of an approved plan these tests edit. */
interface PlanFile {
  createdAt: string;
  validUntil: string;
  action: string;
  targets: Array<{ instances: Array<{ id: string; name: string; fingerprint: object }> }>;
}

/** A copy of the approved plan, changed by `edit`, written beside it. */
function edited(out: string, name: string, edit: (plan: PlanFile) => void): string {
  const plan = JSON.parse(readFileSync(out, 'utf8'));
  edit(plan);
  const path = join(out, '..', name);
  writeFileSync(path, JSON.stringify(plan, null, 2));
  return path;
}

describe('an approved plan edited by hand', () => {
  it('is refused before any call, naming the part that changed: a longer validity, another action, an added instance', async () => {
    const sim = await startSimulator({ fleet: staging(2) });
    sims.push(sim);
    const { file, out } = workspace(RESTART_POLICY);
    const planned = await cli(['plan', '-p', 'restart', '-f', file, '--out', out], simEnv(sim));
    expect(planned.code, planned.stderr).toBe(0);
    sim.addInstance(
      mk('stg-new', 'kafka-stg-new', 'RUNNING', { env: 'staging', 'restart-window': 'any' }),
    );
    sim.clearRequests();
    const long = edited(out, 'long.json', (p) => {
      p.validUntil = new Date(Date.parse(p.createdAt) + 30 * 86_400_000).toISOString();
    });
    const longRun = await cli(['run', '--plan', long, '-f', file], simEnv(sim));
    expect(longRun.code).toBe(1);
    expect(longRun.stderr).toMatch(
      /validUntil: \S+ is 30 days after createdAt \S+; an approval is valid for at most 7 days/,
    );
    expect(longRun.stderr).toMatch(
      /digest: the plan changed after it was written: the validity \(createdAt, validUntil\) no longer matches its digest/,
    );
    const action = edited(out, 'action.json', (p) => {
      p.action = 'delete';
    });
    const actionRun = await cli(['run', '--plan', action, '-f', file], simEnv(sim));
    expect(actionRun.code).toBe(1);
    expect(actionRun.stderr).toMatch(
      /digest: the plan changed after it was written: the action no longer matches its digest/,
    );
    const added = edited(out, 'added.json', (p) => {
      const [target] = p.targets;
      const first = target?.instances[0];
      target?.instances.push({
        id: 'stg-new',
        name: 'kafka-stg-new',
        fingerprint: { ...first?.fingerprint, name: 'kafka-stg-new' },
      });
    });
    const addedRun = await cli(['run', '--plan', added, '-f', file], simEnv(sim));
    expect(addedRun.code).toBe(1);
    expect(addedRun.stderr).toMatch(
      /digest: the plan changed after it was written: the instances \(targets\) no longer matches its digest/,
    );
    expect(sim.requests).toHaveLength(0);
  });

  it('with its digests written again to match, is still held to the 7-day limit and to the policy action', async () => {
    const sim = await startSimulator({ fleet: staging(2) });
    sims.push(sim);
    const { file, out } = workspace(RESTART_POLICY);
    expect((await cli(['plan', '-p', 'restart', '-f', file, '--out', out], simEnv(sim))).code).toBe(
      0,
    );
    sim.clearRequests();
    const approved = parseApproval(readFileSync(out, 'utf8'), out);
    const resealed = (name: string, plan: ApprovedPlan) => {
      const path = join(out, '..', name);
      writeFileSync(path, JSON.stringify(sealApproval(plan)));
      return path;
    };
    const eightDays = new Date(Date.parse(approved.createdAt) + 8 * 86_400_000).toISOString();
    const long = resealed('long.json', { ...approved, validUntil: eightDays });
    const longRun = await cli(['run', '--plan', long, '-f', file], simEnv(sim));
    expect(longRun.code).toBe(1);
    expect(longRun.stderr).toMatch(
      /validUntil: \S+ is 8 days after createdAt \S+; an approval is valid for at most 7 days/,
    );
    expect(longRun.stderr).not.toMatch(/digest/);
    const action = resealed('action.json', { ...approved, action: 'delete' });
    const actionRun = await cli(['run', '--plan', action, '-f', file], simEnv(sim));
    expect(actionRun.code).toBe(1);
    expect(actionRun.stderr).toMatch(
      /action: the plan approves delete, but policy restart would restart; plan and approve again/,
    );
    expect(sim.requests).toHaveLength(0);
  });
});

/** A policy file that runs in the accounts of ACCOUNTS_FILE, and that file. */
function accountsWorkspace(sim: Simulator, names: MemberName[]) {
  const ws = workspace(`version: 1
policies:
  restart:
    action: restart
    dryRun: false
    accounts: {}
    select: { tags: { env: staging } }
    batchSize: 10
    maxInstances: 50
`);
  const accountsFile = join(ws.dir, 'accounts.yaml');
  const write = (text: string) => writeFileSync(accountsFile, `accounts:\n${text}\n`);
  write(accountsYaml(sim, names));
  const { DMS_ENDPOINT: _, HUAWEICLOUD_SDK_PROJECT_ID: __, ...own } = simEnv(sim);
  const env = {
    ...own,
    IAM_ENDPOINT: sim.endpoint,
    STS_ENDPOINT: sim.endpoint,
    ACCOUNTS_FILE: accountsFile,
  };
  return { ...ws, env, write };
}

describe('an approved plan across accounts', () => {
  it('is refused before any call when the accounts file adds an account, renames one, or points a name at another account', async () => {
    const sim = await startOrganization();
    sims.push(sim);
    const { file, out, env, write } = accountsWorkspace(sim, ['payments', 'search']);
    const planned = await cli(['plan', '-p', 'restart', '-f', file, '--out', out], env);
    expect(planned.code, planned.stderr).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).accounts).toEqual([
      { name: 'payments', domainId: MEMBERS.payments.domainId },
      { name: 'search', domainId: MEMBERS.search.domainId },
    ]);
    sim.clearRequests();
    const run = () => cli(['run', '--plan', out, '-f', file], env);

    write(accountsYaml(sim, ['payments', 'search', 'audit']));
    const added = await run();
    expect(added.code).toBe(1);
    expect(added.stderr).toMatch(
      `accounts: account "audit" (domainId ${MEMBERS.audit.domainId}) was added since the plan was approved`,
    );
    write(accountsYaml(sim, ['payments', 'search']).replace('name: search,', 'name: search-2,'));
    const renamed = await run();
    expect(renamed.code).toBe(1);
    expect(renamed.stderr).toMatch(
      `accounts: account "search" (domainId ${MEMBERS.search.domainId}) is now named "search-2" since the plan was approved`,
    );
    write(
      `${accountsYaml(sim, ['payments'])}\n${accountsYaml(sim, ['audit']).replace('name: audit,', 'name: search,')}`,
    );
    const elsewhere = await run();
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toMatch(
      `accounts: account "search" now names domainId ${MEMBERS.audit.domainId}, not domainId ${MEMBERS.search.domainId}`,
    );
    // No account was entered: IAM was never asked for keys, DMS never called.
    expect(sim.requests).toHaveLength(0);

    write(accountsYaml(sim, ['payments', 'search']));
    const same = await cli(['run', '--plan', out, '-f', file, '--dry-run'], env);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toMatch(
      /in 2 accounts \(0 did not succeed\): dry run, listed 7, matched 7, would restart 7/,
    );
  });
});
