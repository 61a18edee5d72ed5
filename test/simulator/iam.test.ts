import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../simulator';
import { iamCalls } from '../../src/iam/iam';
import { assumeAgency, stsCalls } from '../../src/iam/sts';
import { AGENCY, MEMBERS, startOrganization } from '../support/organization';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

/** The projects named `region` that IAM answers to `keys`, through the SDK core. */
async function projectsOf(s: Simulator, keys: { ak: string; sk: string; securityToken?: string }) {
  const iam = iamCalls(keys, s.endpoint, { timeoutMs: 2000, maxConcurrency: 1 });
  const res = await iam.read({
    operation: 'KeystoneListProjects',
    method: 'GET',
    url: '/v3/projects',
    queryParams: { name: 'cn-north-4' },
  });
  return (res.body as { projects: Array<Record<string, unknown>> }).projects;
}

async function keysOfAgencyIn(s: Simulator, domainId: string) {
  const central = stsCalls({ ak: s.ak, sk: s.sk }, s.endpoint, {
    timeoutMs: 2000,
    maxConcurrency: 1,
  });
  const k = await assumeAgency(central, { agency: AGENCY, domainId, durationSeconds: 900 });
  return { ak: k.ak, sk: k.sk, securityToken: k.securityToken };
}

describe('simulator: IAM', () => {
  it("answers a project look-up with the project's account, as IAM does", async () => {
    sim = await startOrganization();
    const s = sim;
    expect(await projectsOf(s, { ak: s.ak, sk: s.sk })).toEqual([
      expect.objectContaining({
        id: s.projectId,
        name: 'cn-north-4',
        domain_id: s.domainId,
        parent_id: s.domainId,
        enabled: true,
      }),
    ]);
    const search = await keysOfAgencyIn(s, MEMBERS.search.domainId);
    expect(await projectsOf(s, search)).toEqual([
      expect.objectContaining({
        id: MEMBERS.search.projects['cn-north-4'],
        domain_id: MEMBERS.search.domainId,
      }),
    ]);
  });

  it("hands out another account's keys through a misrouted agency, and says so", async () => {
    sim = await startOrganization({ misroute: { audit: 'search' } });
    const s = sim;
    const keys = await keysOfAgencyIn(s, MEMBERS.audit.domainId);
    expect(s.issued).toEqual([
      expect.objectContaining({
        domainId: MEMBERS.search.domainId,
        agencyDomainId: MEMBERS.audit.domainId,
        agency: AGENCY,
      }),
    ]);
    // The keys are search's: IAM answers search's project, and names search's account.
    expect(await projectsOf(s, keys)).toEqual([
      expect.objectContaining({
        id: MEMBERS.search.projects['cn-north-4'],
        domain_id: MEMBERS.search.domainId,
      }),
    ]);
    expect(s.requests.at(-1)?.account).toBe(MEMBERS.search.domainId);
  });
});
