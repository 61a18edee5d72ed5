import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../simulator';
import { actions, runHandler } from '../support/harness';
import {
  AGENCY,
  accountsYaml,
  MEMBERS,
  type MemberName,
  orgEnv,
  startOrganization,
} from '../support/organization';

/**
 * Whose keys an account's calls sign with: the run asks IAM which account
 * its projects belong to, and refuses keys that belong to another account
 * than the one the accounts section names.
 */

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

const restart = `policies:
  restart:
    action: restart
    dryRun: false
    select:
      tags: { env: staging }
    batchSize: 10
    maxInstances: 50
`;

const policy = (s: Simulator, names: MemberName[]) =>
  `version: 1\naccounts:\n${accountsYaml(s, names)}\n${restart}`;

/** Every DMS call (SMN's publish left out), by the account of the keys that signed it. */
const dmsCallsBy = (s: Simulator) =>
  s.requests
    .filter((q) => q.path.startsWith('/v2/') && q.route !== 'publish')
    .map((q) => q.account);

/** The ids of every instance a restart or delete call named. */
const actedOn = (s: Simulator) =>
  actions(s).flatMap((a) => (a.body as { instances: string[] }).instances);

describe("accounts: keys checked against the account they're for", () => {
  it("refuses an account whose agency hands out another account's keys, with no DMS call on it", async () => {
    // Audit's agency is misrouted: it issues keys of search, which this run does not name.
    sim = await startOrganization({ misroute: { audit: 'search' } });
    const s = sim;
    const r = await runHandler(s, {
      policy: policy(s, ['payments', 'audit']),
      event: { policy: 'restart' },
      env: {
        ...orgEnv(s),
        SMN_TOPIC_URN: `urn:smn:cn-north-4:${s.projectId}:ops-alerts`,
        SMN_ENDPOINT: s.endpoint,
      },
    });
    const expected = MEMBERS.audit.domainId;
    const got = MEMBERS.search.domainId;

    // IAM did issue the keys, for audit's agency and of search's account.
    expect(s.issued.filter((k) => k.agencyDomainId === expected)).toEqual([
      expect.objectContaining({ domainId: got, agency: AGENCY }),
    ]);

    // Not one DMS call signed with them; search's fleet untouched; payments ran in full.
    expect(new Set(dmsCallsBy(s))).toEqual(new Set([MEMBERS.payments.domainId]));
    expect(actedOn(s).every((id) => id.startsWith('payments'))).toBe(true);
    expect(s.fleetOf(MEMBERS.search.projects['cn-north-4']).map((i) => i.status)).toEqual([
      'RUNNING',
      'RUNNING',
    ]);
    expect(new Set(r.outcomes.map((o) => o.account))).toEqual(new Set(['payments']));
    expect(r.outcomes.filter((o) => o.outcome === 'restarted')).toHaveLength(5);

    // One account line, naming the account, the id expected and the id the keys are of.
    const why = `the keys of agency ${AGENCY} belong to account ${got}, not ${expected} (IAM's project look-up in cn-north-4); refused before any call to DMS`;
    expect(r.lines.filter((l) => l.kind === 'account')).toEqual([
      {
        level: 'error',
        time: expect.any(String),
        kind: 'account',
        policy: 'restart',
        invocationId: expect.any(String),
        account: 'audit',
        domainId: expected,
        verdict: 'failed',
        step: 'check-account',
        region: 'cn-north-4',
        keysDomainId: got,
        message: why,
      },
    ]);

    // The invocation fails, as for an account never entered, and the total is not complete.
    expect(r.error?.message).toContain(
      `1 of 2 accounts could not be entered: audit: agency ${AGENCY}: ${why}`,
    );
    expect(r.lines.find((l) => l.kind === 'total')).toMatchObject({
      complete: false,
      accountsFailed: 1,
      succeeded: 5,
      accounts: [
        { account: 'payments', domainId: MEMBERS.payments.domainId, verdict: 'succeeded' },
        {
          account: 'audit',
          domainId: expected,
          keysDomainId: got,
          verdict: 'failed',
          targets: 0,
          reason: `agency ${AGENCY}: ${why}`,
        },
      ],
    });
    expect(s.published).toHaveLength(1);
    expect(s.published[0]?.message).toContain(`- audit (${expected}): failed: agency ${AGENCY}:`);

    // No key of any account in anything the run wrote.
    const secrets = [s.sk, ...s.issued.flatMap((k) => [k.ak, k.sk, k.securityToken])];
    for (const secret of secrets) {
      expect(r.raw).not.toContain(secret);
      expect(s.published[0]?.message).not.toContain(secret);
    }
  });

  it('leaves the fleet the misrouted keys reach to its own account, whichever entry looks first', async () => {
    sim = await startOrganization({ misroute: { audit: 'search' } });
    const s = sim;
    const r = await runHandler(s, {
      policy: policy(s, ['payments', 'search', 'audit']),
      event: { policy: 'restart' },
      env: orgEnv(s),
    });
    // Search's fleet restarted once, by search itself, with no stop for a project claimed twice.
    const searchFleet = s.fleetOf(MEMBERS.search.projects['cn-north-4']).map((i) => i.instance_id);
    expect(
      actedOn(s)
        .filter((id) => searchFleet.includes(id))
        .sort(),
    ).toEqual(searchFleet.sort());
    expect(
      r.outcomes.filter((o) => searchFleet.includes(o.instanceId)).map((o) => o.account),
    ).toEqual(['search', 'search']);
    expect(r.lines.filter((l) => l.kind === 'account')).toEqual([
      expect.objectContaining({ account: 'audit', step: 'check-account' }),
    ]);
    expect(r.lines.find((l) => l.kind === 'total')).toMatchObject({
      accounts: [
        { account: 'payments', verdict: 'succeeded', succeeded: 5 },
        { account: 'search', verdict: 'succeeded', succeeded: 2 },
        { account: 'audit', verdict: 'failed', keysDomainId: MEMBERS.search.domainId },
      ],
    });
  });

  it('records the id IAM answers for an account named by domainName, and for its own account', async () => {
    sim = await startOrganization();
    const s = sim;
    const at = `{ region: cn-north-4, endpoint: "${s.endpoint}" }`;
    const text = `version: 1
accounts:
  - { name: search-by-name, domainName: search, agency: ${AGENCY}, regions: [${at}] }
  - { name: central, regions: [${at}] }
${restart}`;
    const r = await runHandler(s, { policy: text, event: { policy: 'restart' }, env: orgEnv(s) });
    expect(r.error).toBeUndefined();
    const byName = r.outcomes.filter((o) => o.account === 'search-by-name');
    expect(byName).toHaveLength(2);
    for (const o of byName) expect(o.domainId).toBe(MEMBERS.search.domainId);
    const own = r.outcomes.filter((o) => o.account === 'central');
    expect(own).toHaveLength(1);
    expect(own[0]?.domainId).toBe(s.domainId);
    expect(r.lines.find((l) => l.kind === 'total')).toMatchObject({
      accounts: [
        {
          account: 'search-by-name',
          domainName: 'search',
          domainId: MEMBERS.search.domainId,
          verdict: 'succeeded',
        },
        { account: 'central', domainId: s.domainId, verdict: 'succeeded' },
      ],
    });
  });

  it('stops a region whose project look-up does not say which account it belongs to', async () => {
    sim = await startOrganization();
    const s = sim;
    s.inject({
      route: 'listProjects',
      kind: 'rewrite',
      edit: (body) => ({
        projects: (body as { projects: Array<Record<string, unknown>> }).projects.map(
          ({ domain_id: _dropped, ...rest }) => rest,
        ),
      }),
    });
    const r = await runHandler(s, {
      policy: policy(s, ['search']),
      event: { policy: 'restart' },
      env: orgEnv(s),
    });
    expect(r.error?.message).toMatch(
      /search\/cn-north-4\/\(unknown\): stopped: IAM KeystoneListProjects failed: malformed, unexpected response: projects\.0\.domain_id: expected string, got undefined/,
    );
    expect(dmsCallsBy(s)).toEqual([]);
  });
});
