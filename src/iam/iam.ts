import { z } from 'zod';
import { parseAnswer } from '../cloud/answers';
import { type ApiCalls, type CallSettings, createCalls } from '../cloud/calls';
import type { Keys } from '../cloud/core';
import { FailureKind, IamApiError } from '../cloud/errors';

/**
 * The two IAM calls the function makes: temporary keys for an agency in
 * another account, and a project by region with the account it belongs to.
 * Both go through the same signing, limiter, deadline and scrubbing as
 * every DMS call (src/cloud/), and fail as {@link IamApiError}.
 *
 * Of IAM's two ways to assume an agency, this takes IAM v3
 * `POST /v3.0/OS-CREDENTIAL/securitytokens` (assume_role): it issues keys
 * for 15 min to 24 h even when the caller holds temporary keys itself, as
 * a FunctionGraph agency always does, where STS v5 `/v5/agencies/assume`
 * caps those at one hour; an asynchronous run lasts hours. Only
 * {@link assumeAgency} knows the call, so STS v5 could take its place.
 * Source: https://support.huaweicloud.com/intl/en-us/api-iam/iam_04_0101.html
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

const text = z.string().min(1);

/** IAM's answer to `assume_role`: the keys, and when they stop working (ISO 8601). */
const credentialAnswer = z.object({
  credential: z.object({
    access: text,
    secret: text,
    securitytoken: text,
    expires_at: text.transform((v, ctx) => {
      const at = Date.parse(v);
      if (Number.isNaN(at)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'not a time' });
      return at;
    }),
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

/** Keys issued for an agency, and when IAM says they stop working. */
export interface TemporaryKeys {
  ak: string;
  sk: string;
  securityToken: string;
  /** Epoch ms. */
  expiresAt: number;
}

export interface AssumeRequest {
  agency: string;
  domainId?: string | undefined;
  domainName?: string | undefined;
  durationSeconds: number;
}

/** IAM's `assume_role`: temporary keys of `agency` in the account it belongs to. */
export async function assumeAgency(iam: IamCalls, req: AssumeRequest): Promise<TemporaryKeys> {
  const op = 'AssumeAgency';
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
            ...(req.domainId ? { domain_id: req.domainId } : { domain_name: req.domainName }),
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
