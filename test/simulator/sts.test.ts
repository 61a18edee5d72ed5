import { afterEach, describe, expect, it } from 'vitest';
import { type SimPolicy, type Simulator, startSimulator } from '../../simulator';
import { AGENCY, MEMBERS, startOrganization } from '../support/organization';
import { signedRequest } from './signed';

/**
 * STS's AssumeAgency (`POST /v5/agencies/assume`) as the simulator serves
 * it, and IAM v3's assume_role beside it: each refuses a caller whose
 * policies lack the action its page documents, and AssumeAgency keeps to
 * the durations the page gives. Requests signed by the SDK core's signer.
 */

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

const SEARCH = MEMBERS.search.domainId;
const URN = `iam::${SEARCH}:agency:${AGENCY}`;

const assume = (s: Simulator, body: Record<string, unknown>) =>
  signedRequest(s, { method: 'POST', path: '/v5/agencies/assume', body });

const byName = (s: Simulator, durationSeconds = 900) =>
  signedRequest(s, {
    method: 'POST',
    path: '/v3.0/OS-CREDENTIAL/securitytokens',
    body: {
      auth: {
        identity: {
          methods: ['assume_role'],
          assume_role: {
            agency_name: AGENCY,
            domain_name: 'search',
            duration_seconds: durationSeconds,
          },
        },
      },
    },
  });

const v5 = (Action: string[], Resource = [URN], Effect: 'Allow' | 'Deny' = 'Allow'): SimPolicy => ({
  Version: '5.0',
  Statement: [{ Effect, Action, Resource }],
});

describe('simulator: STS AssumeAgency', () => {
  it("answers the documented fields: the keys under credentials, and the agency's URN", async () => {
    sim = await startOrganization();
    const s = sim;
    const r = await assume(s, { agency_urn: URN, agency_session_name: 'dms-kafka-maintenance' });
    expect(r.status).toBe(200);
    const body = r.json() as {
      credentials: Record<string, string>;
      assumed_agency: Record<string, string>;
    };
    expect(Object.keys(body.credentials).sort()).toEqual([
      'access_key_id',
      'expiration',
      'secret_access_key',
      'security_token',
    ]);
    expect(body.assumed_agency.urn).toBe(URN);
    expect(body.assumed_agency.id).toMatch(/:dms-kafka-maintenance$/);
    // No duration_seconds: the page's default, 3600 s.
    expect(s.issued).toEqual([
      expect.objectContaining({
        call: 'AssumeAgency',
        domainId: SEARCH,
        durationSeconds: 3600,
        ak: body.credentials.access_key_id,
      }),
    ]);
    expect(Date.parse(body.credentials.expiration ?? '')).toBe(s.issued[0]?.expiresAt);
  });

  it('refuses a caller whose identity policy lacks sts:agencies:assume on the agency', async () => {
    const cases: Array<{ policies: SimPolicy[]; ok: boolean }> = [
      // The action of IAM v3's assume_role, in a 5.0 policy: not AssumeAgency's.
      { policies: [v5(['iam:tokens:assume'])], ok: false },
      { policies: [v5(['sts:agencies:assume'], [`iam::${SEARCH}:agency:another`])], ok: false },
      { policies: [v5(['sts:agencies:assume']), v5(['sts:*'], ['*'], 'Deny')], ok: false },
      { policies: [{ ...v5(['sts:agencies:assume']), Version: '1.1' }], ok: false },
      { policies: [v5(['sts:agencies:assume'])], ok: true },
      { policies: [v5(['sts:agencies:*'], ['iam::*:agency:*'])], ok: true },
    ];
    for (const { policies, ok } of cases) {
      sim = await startOrganization({ callerPolicies: policies });
      const r = await assume(sim, {
        agency_urn: URN,
        agency_session_name: 'dms-kafka-maintenance',
      });
      expect(r.status, JSON.stringify(policies)).toBe(ok ? 200 : 403);
      if (!ok) {
        expect(r.json()).toMatchObject({
          error_code: 'PAP5.0001',
          error_msg: expect.stringMatching(/^access denied: sts:agencies:assume/),
          encoded_authorization_message: expect.any(String),
        });
        expect(sim.issued).toEqual([]);
      }
      await sim.stop();
      sim = undefined;
    }
  });

  it('gives at most 3600 s to a caller that sends X-Security-Token, and never past the agency maximum', async () => {
    sim = await startOrganization({ securityToken: 'function-agency-token' });
    const token = sim;
    const long = { agency_urn: URN, agency_session_name: 'dms-kafka-maintenance' };
    const refused = await assume(token, { ...long, duration_seconds: 3601 });
    expect(refused.status).toBe(400);
    expect(refused.text).toMatch(/at most 3600 when the request carries X-Security-Token/);
    expect((await assume(token, { ...long, duration_seconds: 3600 })).status).toBe(200);
    await token.stop();

    // Permanent keys: up to the agency's maximum session duration, 3600 s unless raised.
    sim = await startOrganization();
    expect((await assume(sim, { ...long, duration_seconds: 7200 })).status).toBe(400);
    await sim.stop();
    sim = await startOrganization({ maxSessionSeconds: 43_200 });
    expect((await assume(sim, { ...long, duration_seconds: 43_200 })).status).toBe(200);
    for (const bad of [899, 43_201, 1.5, '3600']) {
      expect((await assume(sim, { ...long, duration_seconds: bad })).status, String(bad)).toBe(400);
    }
    expect((await assume(sim, { agency_urn: URN })).status).toBe(400);
    expect((await assume(sim, { ...long, agency_urn: `${AGENCY}` })).status).toBe(400);
  });

  it('answers 404 for an agency that does not exist, 403 for one that trusts another account', async () => {
    sim = await startSimulator({
      fleet: [],
      organization: {
        accounts: [
          {
            domainId: SEARCH,
            projects: [],
            agencies: [{ name: AGENCY, trusts: 'f0000000000000000000000000000009' }],
          },
        ],
      },
    });
    const s = sim;
    const missing = await assume(s, {
      agency_urn: `iam::${MEMBERS.audit.domainId}:agency:${AGENCY}`,
      agency_session_name: 'x1',
    });
    expect(missing.status).toBe(404);
    expect(missing.json()).toMatchObject({
      error_code: 'STS.0404',
      request_id: expect.any(String),
    });
    const untrusted = await assume(s, { agency_urn: URN, agency_session_name: 'x1' });
    expect(untrusted.status).toBe(403);
    expect(untrusted.json()).toMatchObject({
      error_code: 'PAP5.0001',
      error_msg: "access denied: the agency does not trust the caller's account",
    });
    expect(s.issued).toEqual([]);
  });
});

describe("simulator: IAM v3's assume_role", () => {
  it('refuses a caller whose Version 1.1 policies lack iam:tokens:assume; a 5.0 grant does not count', async () => {
    const cases: Array<{ policies: SimPolicy[] | undefined; ok: boolean }> = [
      { policies: undefined, ok: true },
      { policies: [v5(['sts:agencies:assume'])], ok: false },
      { policies: [v5(['iam:tokens:assume'], ['*'])], ok: false },
      {
        policies: [
          { Version: '1.1', Statement: [{ Effect: 'Allow', Action: ['iam:tokens:assume'] }] },
        ],
        ok: true,
      },
    ];
    for (const { policies, ok } of cases) {
      sim = await startOrganization(policies ? { callerPolicies: policies } : {});
      const r = await byName(sim);
      expect(r.status, JSON.stringify(policies)).toBe(ok ? 201 : 403);
      expect(sim.issued.map((k) => k.call)).toEqual(ok ? ['CreateTemporaryAccessKeyByAgency'] : []);
      await sim.stop();
      sim = undefined;
    }
  });
});
