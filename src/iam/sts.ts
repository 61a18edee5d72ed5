import { z } from 'zod';
import { parseAnswer } from '../cloud/answers';
import { type ApiCalls, type CallSettings, createCalls } from '../cloud/calls';
import type { Keys } from '../cloud/core';
import { instant, type TemporaryKeys, text } from './keys';

/**
 * STS's AssumeAgency: temporary keys of an agency in another account,
 * `POST /v5/agencies/assume` on STS's endpoint (`sts.{region}...`, Huawei's
 * region table in src/cloud/regions.ts). The call the function makes for
 * every account named by its domain id, as Huawei's Terraform provider does
 * (huaweicloud/config/auth.go, buildClientByAgencyV5: agency_urn and
 * agency_session_name, the keys read from `credentials`).
 *
 * The grant it takes, in a Version 5.0 identity policy, is
 * `sts:agencies:assume` on the agency (resource type `agency`); the page
 * documents no other.
 * Source: https://support.huaweicloud.com/intl/en-us/api-iam5/AssumeAgency.html
 * Body and answer: Go SDK services/sts/v1/model/model_assume_agency_req_body.go,
 * model_assume_agency_response.go, model_credentials_dto.go.
 */
export type StsCalls = ApiCalls;

/** The session name every assume call gives: what the member account's audit trail shows. */
export const SESSION_NAME = 'dms-kafka-maintenance';

/** A client of STS at `endpoint`, signing with `credentials` and naming no project. */
export function stsCalls(
  credentials: Keys,
  endpoint: string,
  rest: Omit<CallSettings, 'service' | 'credentials' | 'projectId' | 'endpoint'>,
): StsCalls {
  return createCalls({ ...rest, service: 'sts', credentials, projectId: undefined, endpoint });
}

/** An agency as STS names it: `iam::<domain id>:agency:<agency name>`. */
export function agencyUrn(domainId: string, agency: string): string {
  return `iam::${domainId}:agency:${agency}`;
}

/** AssumeAgency's answer: the keys, and when they stop working. */
const credentialsAnswer = z.object({
  credentials: z.object({
    access_key_id: text,
    secret_access_key: text,
    security_token: text,
    expiration: instant,
  }),
});

export interface StsAssumeRequest {
  domainId: string;
  agency: string;
  durationSeconds: number;
}

/** Temporary keys of `agency` in the account `domainId`, through STS v5. */
export async function assumeAgency(sts: StsCalls, req: StsAssumeRequest): Promise<TemporaryKeys> {
  const op = 'AssumeAgency';
  const res = await sts.read({
    operation: op,
    method: 'POST',
    url: '/v5/agencies/assume',
    body: {
      agency_urn: agencyUrn(req.domainId, req.agency),
      agency_session_name: SESSION_NAME,
      duration_seconds: req.durationSeconds,
    },
  });
  // `parse` names what was expected, never a value: a half-formed answer may still hold a key.
  const c = parseAnswer('sts', op, credentialsAnswer, res.body, res.requestId).credentials;
  return {
    ak: c.access_key_id,
    sk: c.secret_access_key,
    securityToken: c.security_token,
    expiresAt: c.expiration,
  };
}
