import { z } from 'zod';
import { parseAnswer } from '../cloud/answers';
import { type ApiCalls, type CallSettings, createCalls } from '../cloud/calls';
import type { Keys } from '../cloud/core';
import { FailureKind, IamApiError } from '../cloud/errors';
import { instant, type TemporaryKeys, text } from './keys';

/**
 * IAM v3's calls: a project by region with the account it belongs to, and
 * temporary keys for an agency of an account named only by its domain name
 * (STS's AssumeAgency, src/iam/sts.ts, needs the account's id). They go
 * through the same signing, limiter, deadline and scrubbing as every DMS
 * call (src/cloud/), and fail as {@link IamApiError}.
 */
export type IamCalls = ApiCalls;

/** A client of IAM at `endpoint`, signing with `credentials` and naming no project. */
export function iamCalls(
  credentials: Keys,
  endpoint: string,
  rest: Omit<CallSettings, 'service' | 'credentials' | 'projectId' | 'endpoint'>,
): IamCalls {
  return createCalls({ ...rest, service: 'iam', credentials, projectId: undefined, endpoint });
}

/** IAM's answer to `assume_role`: the keys, and when they stop working. */
const credentialAnswer = z.object({
  credential: z.object({
    access: text,
    secret: text,
    securitytoken: text,
    expires_at: instant,
  }),
});

/**
 * KeystoneListProjects: the projects the signer's account has by that name,
 * each naming the account it belongs to. IAM always answers `domain_id`; an
 * answer without it is refused, since it is what says whose keys these are.
 */
const projectsAnswer = z.object({
  projects: z.array(z.object({ id: text, name: z.string(), domain_id: text })),
});

export interface AssumeByNameRequest {
  agency: string;
  domainName: string;
  durationSeconds: number;
}

/**
 * CreateTemporaryAccessKeyByAgency, `POST /v3.0/OS-CREDENTIAL/securitytokens`
 * with `assume_role`: temporary keys of `agency` in the account named
 * `domainName`. Huawei's Terraform provider makes this call only when it has
 * the account's name and not its id (huaweicloud/config/auth.go,
 * buildClientByAgency); so does the function.
 * Source: https://support.huaweicloud.com/intl/en-us/api-iam/iam_04_0101.html
 */
export async function assumeAgencyByName(
  iam: IamCalls,
  req: AssumeByNameRequest,
): Promise<TemporaryKeys> {
  const op = 'CreateTemporaryAccessKeyByAgency';
  const res = await iam.read({
    operation: op,
    method: 'POST',
    url: '/v3.0/OS-CREDENTIAL/securitytokens',
    body: {
      auth: {
        identity: {
          methods: ['assume_role'],
          assume_role: {
            agency_name: req.agency,
            domain_name: req.domainName,
            duration_seconds: req.durationSeconds,
          },
        },
      },
    },
  });
  // `parse` names what was expected, never a value: a half-formed answer may still hold a key.
  const c = parseAnswer('iam', op, credentialAnswer, res.body, res.requestId).credential;
  return { ak: c.access, sk: c.secret, securityToken: c.securitytoken, expiresAt: c.expires_at };
}

/** A region's project, and the account (domain id) IAM says it belongs to. */
export interface FoundProject {
  projectId: string;
  domainId: string;
}

/**
 * `GET /v3/projects?name=<region>`: the signer's project in `region`, and
 * the account it belongs to, which is the account whose keys signed.
 */
export async function projectIn(iam: IamCalls, region: string): Promise<FoundProject> {
  const op = 'KeystoneListProjects';
  const res = await iam.read({
    operation: op,
    method: 'GET',
    url: '/v3/projects',
    queryParams: { name: region },
  });
  const named = parseAnswer('iam', op, projectsAnswer, res.body, res.requestId).projects.filter(
    (p) => p.name === region,
  );
  const [only] = named;
  if (!only || named.length > 1) {
    throw new IamApiError({
      operation: op,
      kind: FailureKind.Client,
      httpStatus: res.status,
      message: `${named.length === 0 ? 'no project' : `${named.length} projects`} named ${region} in this account; name its projectId in the account's regions`,
      requestId: res.requestId,
    });
  }
  return { projectId: only.id, domainId: only.domain_id };
}
