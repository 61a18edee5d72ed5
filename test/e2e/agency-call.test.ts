import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../simulator';
import { actions, runHandler } from '../support/harness';
import { AGENCY, MEMBERS, orgEnv, startOrganization } from '../support/organization';

/**
 * Which call enters an account, as the run makes it through the handler:
 * STS's AssumeAgency (`POST /v5/agencies/assume`, api-iam5) for an account
 * named by its id, IAM v3's assume_role only for one named by its name
 * alone, as Huawei's Terraform provider chooses (config/auth.go); and for
 * how long, within what AssumeAgency gives the caller.
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
    select: { tags: { env: staging } }
    maxInstances: 50
`;

const at = (s: Simulator) => `{ region: cn-north-4, endpoint: "${s.endpoint}" }`;

describe('accounts: the call that enters an account', () => {
  it('enters an account named by its id through STS AssumeAgency, one named by its name through IAM v3', async () => {
    sim = await startOrganization();
    const s = sim;
    const text = `version: 1
accounts:
  - { name: search, domainId: ${MEMBERS.search.domainId}, agency: ${AGENCY}, regions: [${at(s)}] }
  - { name: audit-by-name, domainName: audit, agency: ${AGENCY}, regions: [${at(s)}] }
${restart}`;
    const r = await runHandler(s, { policy: text, event: { policy: 'restart' }, env: orgEnv(s) });
    expect(r.error).toBeUndefined();

    const sts = s.requests.filter((q) => q.route === 'assumeAgency');
    expect(sts.map((q) => [q.method, q.path, q.status])).toEqual([
      ['POST', '/v5/agencies/assume', 200],
    ]);
    const body = sts[0]?.body as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual([
      'agency_session_name',
      'agency_urn',
      'duration_seconds',
    ]);
    expect(body.agency_urn).toBe(`iam::${MEMBERS.search.domainId}:agency:${AGENCY}`);
    expect(body.agency_session_name).toBe('dms-kafka-maintenance');
    // The account names no durationSeconds: STS's default, 3600 s, is the most it asks for.
    expect(body.duration_seconds).toBeGreaterThanOrEqual(900);
    expect(body.duration_seconds).toBeLessThanOrEqual(3600);

    const v3 = s.requests.filter((q) => q.route === 'createTemporaryAccessKeyByAgency');
    expect(v3.map((q) => [q.method, q.path, q.status])).toEqual([
      ['POST', '/v3.0/OS-CREDENTIAL/securitytokens', 201],
    ]);
    expect(v3[0]?.body).toMatchObject({
      auth: {
        identity: {
          methods: ['assume_role'],
          assume_role: { agency_name: AGENCY, domain_name: 'audit' },
        },
      },
    });
    expect(JSON.stringify(v3[0]?.body)).not.toContain('domain_id');

    expect(s.issued.map((k) => [k.domainId, k.call])).toEqual(
      expect.arrayContaining([
        [MEMBERS.search.domainId, 'AssumeAgency'],
        [MEMBERS.audit.domainId, 'CreateTemporaryAccessKeyByAgency'],
      ]),
    );
    expect(actions(s).length).toBeGreaterThan(0);
  });

  it('asks at most 3600 s of a caller holding temporary keys, up to durationSeconds otherwise', async () => {
    const asked = async (token: boolean) => {
      sim = await startOrganization({
        maxSessionSeconds: 43_200,
        ...(token ? { securityToken: 'the-function-agency-token' } : {}),
      });
      const s = sim;
      const text = `version: 1
accounts:
  - { name: search, domainId: ${MEMBERS.search.domainId}, agency: ${AGENCY}, durationSeconds: 43200, regions: [${at(s)}] }
${restart}`;
      const r = await runHandler(s, {
        policy: text,
        event: { policy: 'restart' },
        env: {
          ...orgEnv(s),
          HUAWEICLOUD_SDK_SECURITY_TOKEN: token ? 'the-function-agency-token' : undefined,
          // A day's budget: the run needs keys longer than either limit.
          RUN_TIMEOUT_MS: '86400000',
        },
      });
      expect(r.error).toBeUndefined();
      const [q] = s.requests.filter((x) => x.route === 'assumeAgency');
      await s.stop();
      sim = undefined;
      return (q?.body as { duration_seconds?: number } | undefined)?.duration_seconds;
    };
    // A FunctionGraph agency's keys carry a token: AssumeAgency gives such a caller 3600 s at most.
    expect(await asked(true)).toBe(3600);
    // Permanent keys, and an agency whose maximum session was raised: the account's 43200 s.
    expect(await asked(false)).toBe(43_200);
  });

  it("refuses to enter an account none of whose regions STS's table holds, naming STS_ENDPOINT", async () => {
    sim = await startOrganization();
    const s = sim;
    const text = `version: 1
accounts:
  - { name: search, domainId: ${MEMBERS.search.domainId}, agency: ${AGENCY}, regions: [{ region: cn-north-1, endpoint: "${s.endpoint}" }, { region: eu-west-101, endpoint: "${s.endpoint}" }] }
${restart}`;
    const { STS_ENDPOINT: _unset, ...env } = orgEnv(s);
    const r = await runHandler(s, { policy: text, event: { policy: 'restart' }, env });
    expect(r.error?.message).toContain(
      "search: agency dms-kafka-maintenance: invalid configuration:\n  accounts[].regions: no STS endpoint is known for any of the regions cn-north-1, eu-west-101 (not in Huawei's region table, src/cloud/regions.ts); name one with STS_ENDPOINT",
    );
    // Nothing was asked of IAM, STS or DMS for it.
    expect(s.requests).toEqual([]);
  });
});
