/**
 * What Huawei documents of the two calls that enter another account, as
 * data: the grant each takes and the keys' life each gives. The calls
 * themselves are in sts.ts and iam.ts; which one an account takes, in
 * agency.ts.
 */

/**
 * STS's AssumeAgency, `POST /v5/agencies/assume`: its one documented action,
 * for a Version 5.0 identity policy, on resource type `agency`.
 * Source: https://support.huaweicloud.com/intl/en-us/api-iam5/AssumeAgency.html
 */
export const STS_ASSUME_ACTION = 'sts:agencies:assume';

/**
 * AssumeAgency's `duration_seconds`: 900 to 43200, default 3600, and at most
 * 3600 when the request carries `X-Security-Token` (the caller signs with
 * temporary keys, as a FunctionGraph agency always does). The agency's own
 * maximum session duration caps it too: 3600 unless raised, up to 43200
 * (api-iam5 UpdateAgencyV5, `max_session_duration`).
 */
export const STS_DURATION = { min: 900, max: 43_200, byDefault: 3600, withToken: 3600 } as const;

/**
 * IAM v3's assume_role (CreateTemporaryAccessKeyByAgency,
 * `POST /v3.0/OS-CREDENTIAL/securitytokens`): the grant it takes is
 * `iam:tokens:assume`, from IAM's permissions table for policy-based
 * (Version 1.1) authorization, which the call's page points to; no Version
 * 5.0 action is documented for it.
 * Sources: https://support.huaweicloud.com/api-iam/iam_04_0101.html ("授权信息"),
 * https://support.huaweicloud.com/api-iam/iam_19_0001.html
 */
export const IAM_V3_ASSUME_ACTION = 'iam:tokens:assume';

/** assume_role's `duration_seconds`: 15 minutes to 24 hours (iam_04_0101). */
export const IAM_V3_DURATION = { min: 900, max: 86_400 } as const;
