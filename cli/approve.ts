import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { ConfigError } from '../src/errors';
import { type ApprovedPlan, MAX_VALID_MS, parseApproval } from '../src/plan/approval';
import { approvalOf, documentProblems } from '../src/plan/approval-binding';
import type { Plan } from '../src/plan/plan';
import type { Account } from '../src/policy/accounts';
import type { Target } from '../src/policy/resolve';
import { plural } from './plural';
import { UsageError } from './usage';

/** How long an approved plan stays valid unless `--valid-for` says otherwise. */
export const DEFAULT_VALID_FOR = '24h';

/** `90m`, `24h`, `2d`: at most 7 days. */
export function validFor(text: string): number {
  const m = /^(\d{1,4})(m|h|d)$/.exec(text);
  const ms = m
    ? Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd']
    : 0;
  if (!m || ms <= 0 || ms > MAX_VALID_MS) {
    throw new UsageError(
      `--valid-for ${JSON.stringify(text)}: write minutes, hours or days, e.g. 90m, 24h, 2d; at most 7d`,
    );
  }
  return ms;
}

/** The SHA-256 of the policy file as it is now, which an approved plan must have been made from. */
export function policyDigest(policyFile: string): string {
  return createHash('sha256').update(readFileSync(policyFile)).digest('hex');
}

/**
 * `plan --out FILE`: the plan of one policy as a list to approve, bound to
 * the policy file and the accounts it covered. A refused plan, or plans of
 * several policies, are not written.
 */
export function writeApproval(
  plans: readonly { plan: Plan; target: Target }[],
  o: {
    out: string;
    validFor: string;
    policyFile: string;
    accounts: readonly Account[] | undefined;
    now: number;
  },
): string {
  const policies = new Set(plans.map((p) => p.plan.policy.name));
  if (policies.size !== 1) {
    throw new UsageError(
      `--out writes the plan of one policy; this command planned ${policies.size}`,
    );
  }
  const refused = plans.find((p) => p.plan.refusal);
  if (refused) throw new UsageError(`a refused plan cannot be approved: ${refused.plan.refusal}`);
  const approval = approvalOf(plans, {
    policyDigest: policyDigest(o.policyFile),
    accounts: o.accounts,
    createdAt: o.now,
    validForMs: validFor(o.validFor),
  });
  writeFileSync(o.out, `${JSON.stringify(approval, null, 2)}\n`);
  const n = approval.targets.reduce((sum, t) => sum + t.instances.length, 0);
  return `wrote ${o.out}: ${plural(n, 'instance')} to ${approval.action}, valid until ${approval.validUntil}`;
}

/**
 * `run --plan FILE`: the approved plan, refused before any call when it is
 * malformed, changed since it was written, valid for too long, out of date,
 * or made from another policy file than this one; every problem at once.
 */
export function readApproval(file: string, policyFile: string, now: number): ApprovedPlan {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw ConfigError.at(
      '',
      `cannot read the approved plan (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      file,
    );
  }
  const plan = parseApproval(text, file);
  const issues = documentProblems(plan, now);
  if (policyDigest(policyFile) !== plan.policyDigest) {
    issues.push({
      path: 'policyDigest',
      message: `the plan was made from another policy file than ${policyFile} (or it changed since): plan and approve again`,
    });
  }
  if (issues.length > 0) throw new ConfigError(issues, file);
  return plan;
}
