/**
 * STS's AssumeAgency as the simulator serves it: `POST /v5/agencies/assume`
 * (https://support.huaweicloud.com/intl/en-us/api-iam5/AssumeAgency.html).
 *
 * - Body: `agency_urn` (`iam::<domain id>:agency:<name>`, at most 1500
 *   characters), `agency_session_name` (2 to 128 characters), both
 *   required; `duration_seconds` 900 to 43200, default 3600, at most 3600
 *   when the request carries `X-Security-Token`, and at most the agency's
 *   maximum session duration (3600 unless raised).
 * - Answer: `credentials {access_key_id, secret_access_key, security_token,
 *   expiration}` and `assumed_agency {urn, id}` (Go SDK
 *   services/sts/v1/model: model_assume_agency_response.go,
 *   model_credentials_dto.go, model_assumed_agency_dto.go). The status, 200,
 *   is **assumed**: the page's example is not at hand.
 * - The caller's Version 5.0 identity policies must allow
 *   `sts:agencies:assume` on the agency's URN (grants.ts), and the agency
 *   must trust the caller's account.
 * - Errors take the IAM 5.0 shape `{error_code, error_msg, request_id}`
 *   (api-iam5/ErrorCode.html); a missing permission answers 403 `PAP5.0001`
 *   "access denied: ..." with `encoded_authorization_message`, the page's
 *   example of that case. The codes of the other refusals are ours.
 */
import { createHash, randomBytes } from 'node:crypto';
import { granted } from './grants';
import type { Iam, SimCaller } from './iam';
import { json, type Reply } from './reply';

const AGENCY_URN = /^iam::([^:]+):agency:(.+)$/;
/** What AssumeAgency gives when the caller signs with temporary keys, and by default. */
const WITH_TOKEN_MAX = 3600;
const DEFAULT_DURATION = 3600;
const DEFAULT_MAX_SESSION = 3600;

function stsError(status: number, code: string, message: string, extra: object = {}): Reply {
  const request_id = randomBytes(16).toString('hex');
  return json(status, { error_code: code, error_msg: message, request_id, ...extra });
}

/** The body's fields, or why they are refused. */
function readBody(body: unknown): { urn: string; session: string; duration: number } | Reply {
  const b = (body ?? {}) as Record<string, unknown>;
  const urn = b.agency_urn;
  const session = b.agency_session_name;
  const duration = b.duration_seconds === undefined ? DEFAULT_DURATION : b.duration_seconds;
  if (typeof urn !== 'string' || urn.length > 1500 || !AGENCY_URN.test(urn)) {
    return stsError(400, 'STS.0400', 'invalid agency_urn: expected iam::<domain id>:agency:<name>');
  }
  if (typeof session !== 'string' || session.length < 2 || session.length > 128) {
    return stsError(400, 'STS.0400', 'invalid agency_session_name: 2 to 128 characters');
  }
  if (typeof duration !== 'number' || !Number.isInteger(duration)) {
    return stsError(400, 'STS.0400', 'invalid duration_seconds: an integer');
  }
  if (duration < 900 || duration > 43_200) {
    return stsError(400, 'STS.0400', 'invalid duration_seconds: 900 to 43200');
  }
  return { urn, session, duration };
}

/** A stable stand-in for the id IAM gives an agency. */
function agencyId(domainId: string, name: string): string {
  return createHash('sha256').update(`${domainId}/${name}`).digest('hex').slice(0, 32);
}

/** AssumeAgency: keys of an agency in another account, for a caller its policies allow. */
export function assumeAgencyV5(iam: Iam, caller: SimCaller, body: unknown, now: number): Reply {
  const read = readBody(body);
  if ('status' in read) return read;
  const { urn, session, duration } = read;
  if (caller.withToken && duration > WITH_TOKEN_MAX) {
    return stsError(
      400,
      'STS.0400',
      `invalid duration_seconds: at most ${WITH_TOKEN_MAX} when the request carries X-Security-Token`,
    );
  }
  if (!granted(caller.policies, '5.0', 'sts:agencies:assume', urn)) {
    return stsError(
      403,
      'PAP5.0001',
      `access denied: sts:agencies:assume is not allowed on ${urn}`,
      { encoded_authorization_message: randomBytes(24).toString('base64url') },
    );
  }
  const [, domainId = '', name = ''] = AGENCY_URN.exec(urn) ?? [];
  const target = iam.domains.get(domainId);
  const agency = target?.agencies.find((a) => a.name === name);
  if (!target || !agency) return stsError(404, 'STS.0404', `agency not found: ${urn}`);
  if (agency.trusts !== caller.domainId) {
    return stsError(
      403,
      'PAP5.0001',
      "access denied: the agency does not trust the caller's account",
    );
  }
  const longest = agency.maxSessionSeconds ?? DEFAULT_MAX_SESSION;
  if (duration > longest) {
    return stsError(
      400,
      'STS.0400',
      `invalid duration_seconds: more than the agency's maximum session duration, ${longest}`,
    );
  }
  const k = iam.mint(
    target,
    agency,
    { domainId: caller.domainId, call: 'AssumeAgency' },
    duration,
    now,
  );
  return json(200, {
    credentials: {
      access_key_id: k.ak,
      secret_access_key: k.sk,
      security_token: k.securityToken,
      expiration: new Date(k.expiresAt).toISOString(),
    },
    // "The agency's unique id, holding its id and the session name" (model_assumed_agency_dto.go).
    assumed_agency: { urn, id: `${agencyId(domainId, name)}:${session}` },
  });
}
