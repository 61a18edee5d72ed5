/**
 * The simulator's IAM against Huawei's own IAM v3 client: assume_role (the
 * function's AssumeAgency) and KeystoneListProjects, sent by the official
 * client and read through its models; then the same calls made by the
 * function (src/iam/iam.ts), which must go to the same place and send only
 * what the official request models declare.
 */
import {
  AgencyAuth,
  AgencyAuthIdentity,
  CreateTemporaryAccessKeyByAgencyRequest,
  CreateTemporaryAccessKeyByAgencyRequestBody,
  Credential,
  IdentityAssumerole,
  KeystoneListProjectsRequest,
} from '@huaweicloud/huaweicloud-sdk-iam/v3/public-api';
import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../simulator';
import { assumeAgencyByName, iamCalls, projectIn } from '../../src/iam/iam';
import { AGENCY, MEMBERS, startOrganization } from '../support/organization';
import { ASSUMED, PROJECTS } from './fields';
import {
  asModel,
  lastRequest,
  nonConforming,
  officialIam,
  type RequestShape,
  undeclared,
} from './official';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

const ASSUME_BODY: RequestShape = {
  model: CreateTemporaryAccessKeyByAgencyRequestBody,
  pkg: 'iam',
  nested: {
    auth: {
      model: AgencyAuth,
      pkg: 'iam',
      nested: {
        identity: {
          model: AgencyAuthIdentity,
          pkg: 'iam',
          nested: { assume_role: { model: IdentityAssumerole, pkg: 'iam' } },
        },
      },
    },
  },
};
const PROJECTS_QUERY: RequestShape = { model: KeystoneListProjectsRequest, pkg: 'iam' };

const calls = (s: Simulator, keys: { ak: string; sk: string; securityToken?: string }) =>
  iamCalls(keys, s.endpoint, { timeoutMs: 5000, maxConcurrency: 1 });

/** The v3 call the function makes for an account named by its name alone. */
function assumeRequest(domainName: string) {
  const role = new IdentityAssumerole()
    .withAgencyName(AGENCY)
    .withDomainName(domainName)
    .withDurationSeconds(900);
  const identity = new AgencyAuthIdentity().withMethods(['assume_role']).withAssumeRole(role);
  return new CreateTemporaryAccessKeyByAgencyRequest().withBody(
    new CreateTemporaryAccessKeyByAgencyRequestBody().withAuth(
      new AgencyAuth().withIdentity(identity),
    ),
  );
}

describe('IAM', () => {
  it('assume_role: the keys read as the official model; the function sends the same call', async () => {
    sim = await startOrganization();
    const s = sim;
    const member = 'search';
    const res = await officialIam(s).createTemporaryAccessKeyByAgency(assumeRequest(member));
    expect(res.httpStatusCode).toBe(201);
    expect(nonConforming(ASSUMED, res)).toEqual([]);
    const official = lastRequest(s);

    const ours = await assumeAgencyByName(calls(s, s), {
      agency: AGENCY,
      domainName: member,
      durationSeconds: 900,
    });
    expect(lastRequest(s)).toEqual(official);
    expect(undeclared(s.requests.at(-1)?.body, ASSUME_BODY)).toEqual([]);
    const issued = s.issued.at(-1);
    expect(ours).toMatchObject({ ak: issued?.ak, securityToken: issued?.securityToken });
    // The official client's keys were the first issued, the function's the second.
    const credential = asModel(Credential, res.credential);
    expect(Date.parse(credential.expiresAt ?? '')).toBe(s.issued[0]?.expiresAt);
  });

  it("KeystoneListProjects: the projects read as the official model, with the keys' account; the function reads the same", async () => {
    sim = await startOrganization();
    const s = sim;
    const member = MEMBERS.search;
    const keys = await assumeAgencyByName(calls(s, s), {
      agency: AGENCY,
      domainName: 'search',
      durationSeconds: 900,
    });
    const signer = { ak: keys.ak, sk: keys.sk, securityToken: keys.securityToken };
    const res = await officialIam(s, { ...signer, domainId: member.domainId }).keystoneListProjects(
      new KeystoneListProjectsRequest().withName('cn-north-4'),
    );
    expect(nonConforming(PROJECTS, res)).toEqual([]);
    const official = lastRequest(s);

    const ours = await projectIn(calls(s, signer), 'cn-north-4');
    expect(lastRequest(s)).toEqual(official);
    expect(undeclared(s.requests.at(-1)?.query, PROJECTS_QUERY)).toEqual([]);
    expect(ours).toEqual({
      projectId: member.projects['cn-north-4'],
      domainId: member.domainId,
    });
  });
});
