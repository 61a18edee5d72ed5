/**
 * What the caller of an IAM or STS call may do, as the simulator judges it
 * from the policies attached to the keys that signed.
 *
 * Keys with no policies are an account's own (its root user's), which "has
 * all the permissions required to call all APIs" (the Authorization
 * Information of every IAM 5.0 API page, e.g.
 * https://support.huaweicloud.com/intl/en-us/api-iam5/AssumeAgency.html).
 * Keys with policies (an agency's, as a FunctionGraph function holds) may
 * call only what an Allow statement grants and no Deny statement refuses.
 *
 * Each call is judged by the policies of the one version its page documents
 * an action for: STS's AssumeAgency by Version 5.0 identity policies
 * (`sts:agencies:assume`, resource `iam::<domain id>:agency:<name>`), IAM
 * v3's assume_role by Version 1.1 custom policies (`iam:tokens:assume`,
 * IAM's permissions table). That a 1.1 action in a 5.0 policy grants
 * nothing, and the reverse, is **assumed**: Huawei documents each call with
 * one action of one version, and the simulator accepts only that pair.
 */

export interface SimStatement {
  Effect: 'Allow' | 'Deny';
  Action: string[];
  /** 5.0: resource URNs, `*` a wildcard; 1.1 policies for IAM carry none (or a `uri` object). */
  Resource?: string[] | Record<string, unknown>;
  Sid?: string;
  Condition?: unknown;
}

/** An identity policy (Version 5.0) or a custom policy (Version 1.1), as JSON. */
export interface SimPolicy {
  Version: '5.0' | '1.1';
  Statement: SimStatement[];
}

/** `*` matches any run of characters, `?` one; everything else itself (in any case for actions). */
function matches(pattern: string, value: string, anyCase = false): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, anyCase ? 'i' : '').test(value);
}

function applies(s: SimStatement, version: SimPolicy['Version'], action: string, resource: string) {
  if (!s.Action.some((a) => matches(a, action, true))) return false;
  // A 1.1 statement names no URN; a 5.0 one without Resource grants nothing.
  if (version === '1.1') return true;
  return Array.isArray(s.Resource) && s.Resource.some((r) => matches(r, resource));
}

/**
 * Whether keys holding `policies` may take `action` on `resource`, reading
 * only the policies of `version`; `undefined` policies are the account's own keys.
 */
export function granted(
  policies: readonly SimPolicy[] | undefined,
  version: SimPolicy['Version'],
  action: string,
  resource: string,
): boolean {
  if (policies === undefined) return true;
  const statements = policies.filter((p) => p.Version === version).flatMap((p) => p.Statement);
  const hit = statements.filter((s) => applies(s, version, action, resource));
  return hit.some((s) => s.Effect === 'Allow') && !hit.some((s) => s.Effect === 'Deny');
}
