import { type CallSettings, createCalls, type DmsCalls } from '../dms/calls';
import type { Keys } from '../dms/core';
import { DmsApiError, DmsFailureKind } from '../dms/errors';

/**
 * The two IAM calls the function makes: temporary keys for an agency in
 * another account, and a project id by region. Both go through the same
 * signing, limiter, deadline and scrubbing as every DMS call.
 *
 * Of IAM's two ways to assume an agency, this takes IAM v3
 * `POST /v3.0/OS-CREDENTIAL/securitytokens` (assume_role): it issues keys
 * for 15 min to 24 h even when the caller holds temporary keys itself, as
 * a FunctionGraph agency always does, where STS v5 `/v5/agencies/assume`
 * caps those at one hour; an asynchronous run lasts hours. Only
 * {@link assumeAgency} knows the call, so STS v5 could take its place.
 * Source: https://support.huaweicloud.com/intl/en-us/api-iam/iam_04_0101.html
 */
export type IamCalls = DmsCalls;

/** A client of IAM at `endpoint`, signing with `credentials` and naming no project. */
export function iamCalls(
  credentials: Keys,
  endpoint: string,
  rest: Omit<CallSettings, 'credentials' | 'projectId' | 'endpoint'>,
): IamCalls {
  return createCalls({ ...rest, credentials, projectId: undefined, endpoint });
}

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
  const c = (res.body as { credential?: Record<string, unknown> } | undefined)?.credential;
  const expiresAt = typeof c?.expires_at === 'string' ? Date.parse(c.expires_at) : Number.NaN;
  if (
    typeof c?.access !== 'string' ||
    !c.access ||
    typeof c.secret !== 'string' ||
    !c.secret ||
    typeof c.securitytoken !== 'string' ||
    !c.securitytoken ||
    Number.isNaN(expiresAt)
  ) {
    // Never echoed: a half-formed answer may still hold a key.
    throw new DmsApiError({
      operation: op,
      kind: DmsFailureKind.Malformed,
      httpStatus: res.status,
      message: 'the answer lacks credential.access, secret, securitytoken or a valid expires_at',
      requestId: res.requestId,
    });
  }
  return { ak: c.access, sk: c.secret, securityToken: c.securitytoken, expiresAt };
}

/** `GET /v3/projects?name=<region>`: the id of the signer's project in `region`. */
export async function projectIdIn(iam: IamCalls, region: string): Promise<string> {
  const op = 'KeystoneListProjects';
  const res = await iam.read({
    operation: op,
    method: 'GET',
    url: '/v3/projects',
    queryParams: { name: region },
  });
  const projects = (res.body as { projects?: unknown } | undefined)?.projects;
  const named = Array.isArray(projects)
    ? projects.filter(
        (p): p is { id: string; name: string } =>
          typeof p === 'object' && p !== null && p.name === region && typeof p.id === 'string',
      )
    : undefined;
  if (named?.length !== 1) {
    throw new DmsApiError({
      operation: op,
      kind: named ? DmsFailureKind.Client : DmsFailureKind.Malformed,
      httpStatus: res.status,
      message: named
        ? `${named.length === 0 ? 'no project' : `${named.length} projects`} named ${region} in this account; name its projectId in the account's regions`
        : 'the answer has no projects list',
      requestId: res.requestId,
    });
  }
  return (named[0] as { id: string }).id;
}
