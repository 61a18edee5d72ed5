import { isCredentialSource, type Keys } from '../cloud/core';
import { assumeAgencyByName, type IamCalls } from './iam';
import type { TemporaryKeys } from './keys';
import { IAM_V3_ASSUME_ACTION, IAM_V3_DURATION, STS_ASSUME_ACTION, STS_DURATION } from './limits';
import { assumeAgency, type StsCalls } from './sts';

/**
 * How an account is entered: the call, and the grant the function's own
 * agency needs for it. The two are a pair Huawei documents, and the run
 * makes no other:
 *
 * - an account named by its domain id: STS's AssumeAgency
 *   (`POST /v5/agencies/assume`), granted by `sts:agencies:assume` on
 *   `iam::<domain id>:agency:<name>` in a Version 5.0 identity policy
 *   (api-iam5/AssumeAgency.html; deploy/terraform grants exactly this);
 * - an account named only by its domain name: IAM v3's assume_role
 *   (`POST /v3.0/OS-CREDENTIAL/securitytokens`), granted by
 *   `iam:tokens:assume` in a Version 1.1 custom policy (api-iam/iam_04_0101
 *   points to IAM's permissions table, iam_19_0001); STS cannot be asked by
 *   name.
 *
 * Huawei's Terraform provider chooses the same way
 * (huaweicloud/config/config.go: a domain id, buildClientByAgencyV5; else
 * buildClientByAgency).
 */
export type AgencyCall =
  | { kind: 'sts'; domainId: string; action: typeof STS_ASSUME_ACTION }
  | { kind: 'iam-v3'; domainName: string; action: typeof IAM_V3_ASSUME_ACTION };

/** The call that enters an account named by `domainId`, or else by `domainName`. */
export function agencyCall(a: {
  domainId?: string | undefined;
  domainName?: string | undefined;
}): AgencyCall {
  if (a.domainId) return { kind: 'sts', domainId: a.domainId, action: STS_ASSUME_ACTION };
  if (a.domainName) {
    return { kind: 'iam-v3', domainName: a.domainName, action: IAM_V3_ASSUME_ACTION };
  }
  throw new Error('an account entered through an agency needs its domainId or domainName');
}

/** Whether calls signed with `keys` carry a security token (a source's keys always may). */
export function holdsToken(keys: Keys): boolean {
  return isCredentialSource(keys) || Boolean(keys.securityToken);
}

/**
 * The longest keys `call` gives a caller: STS at most 3600 s to a caller
 * that signs with temporary keys, 43200 s otherwise; IAM v3 86400 s.
 */
export function longestSeconds(call: AgencyCall, signedWithToken: boolean): number {
  if (call.kind === 'iam-v3') return IAM_V3_DURATION.max;
  return signedWithToken ? STS_DURATION.withToken : STS_DURATION.max;
}

/** The clients each call goes to: STS's, and IAM's. */
export interface AgencyClients {
  sts: () => StsCalls;
  iam: () => IamCalls;
}

/** Keys of `agency` through `call`, valid for `durationSeconds`. */
export function issueKeys(
  clients: AgencyClients,
  call: AgencyCall,
  agency: string,
  durationSeconds: number,
): Promise<TemporaryKeys> {
  return call.kind === 'sts'
    ? assumeAgency(clients.sts(), { domainId: call.domainId, agency, durationSeconds })
    : assumeAgencyByName(clients.iam(), { domainName: call.domainName, agency, durationSeconds });
}
