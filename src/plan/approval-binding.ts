/**
 * What binds an approved plan to what was approved: the policy (its name and
 * the SHA-256 of the policy file), the action, the accounts the plan covered
 * (names and account ids), the instances, and how long it is valid. Each part
 * has its digest in the file, and one digest covers them all. `run --plan`
 * computes every digest again and holds the plan against the policy and the
 * accounts as they are now; any difference is a refusal that names what
 * changed, before any call.
 *
 * A digest is not a signature: whoever can write the file can write digests
 * that match. It proves a plan was not changed by accident (an edit by hand,
 * a merge, a list pasted from another plan), never that it was not changed
 * on purpose. Pure.
 */
import { createHash } from 'node:crypto';
import type { KafkaInstance } from '../dms/wire';
import { type ConfigIssue, cut } from '../errors';
import type { Account } from '../policy/accounts';
import type { Policy } from '../policy/resolve';
import {
  APPROVAL_KIND,
  type ApprovedAccount,
  type ApprovedPlan,
  fingerprintOf,
  MAX_VALID_MS,
} from './approval';

/** The parts an approval binds, in the order the digest over them all takes them. */
const PARTS = ['policy', 'action', 'accounts', 'instances', 'validity'] as const;
type Part = (typeof PARTS)[number];

/** Each part as a refusal names it, with the fields it covers. */
const PART_NAMES: Record<Part, string> = {
  policy: 'the policy (policy, policyDigest)',
  action: 'the action',
  accounts: 'the accounts',
  instances: 'the instances (targets)',
  validity: 'the validity (createdAt, validUntil)',
};

/** An approved plan before its digests are written. */
export type UnsealedPlan = Omit<ApprovedPlan, 'digest'>;

/** The digest of each part of the plan, and the one over them all. */
export function digestsOf(plan: UnsealedPlan): ApprovedPlan['digest'] {
  const parts: Record<Part, unknown> = {
    policy: { policy: plan.policy, policyDigest: plan.policyDigest },
    action: plan.action,
    accounts: plan.accounts,
    instances: plan.targets,
    validity: { createdAt: plan.createdAt, validUntil: plan.validUntil },
  };
  const each = Object.fromEntries(
    PARTS.map((p) => [p, sha256(`${APPROVAL_KIND}/${p}\n${canonical(parts[p])}`)]),
  ) as Record<Part, string>;
  return { ...each, all: overAll(each) };
}

/** The plan with digests over what it holds now (whatever digests it had). */
export function sealApproval(plan: UnsealedPlan & { digest?: unknown }): ApprovedPlan {
  const { digest: _, ...rest } = plan;
  return { ...rest, digest: digestsOf(rest) };
}

/** An account as an approval names it: its name, and its id or its name at IAM. */
export function approvedAccountOf(a: Account): ApprovedAccount {
  return {
    name: a.name,
    ...(a.domainId ? { domainId: a.domainId } : {}),
    ...(a.domainName ? { domainName: a.domainName } : {}),
  };
}

export interface ApprovalMeta {
  /** The SHA-256 of the policy file the plans were made from. */
  policyDigest: string;
  /** The accounts the plans covered; undefined when the policy runs in none. */
  accounts: readonly Account[] | undefined;
  createdAt: number;
  validForMs: number;
}

/** Writes down what a plan would act on, target by target, for approval, with its digests. */
export function approvalOf(
  plans: readonly {
    plan: { policy: Policy; verdicts: readonly { instance: KafkaInstance; by: string }[] };
    target?: { region: string; projectId: string } | undefined;
  }[],
  meta: ApprovalMeta,
): ApprovedPlan {
  const first = plans[0]?.plan.policy;
  if (!first) throw new Error('no plan to approve');
  return sealApproval({
    kind: APPROVAL_KIND,
    version: 1,
    policy: first.name,
    action: actionOf(first),
    policyDigest: meta.policyDigest,
    accounts: (meta.accounts ?? []).map(approvedAccountOf),
    createdAt: new Date(meta.createdAt).toISOString(),
    validUntil: new Date(meta.createdAt + meta.validForMs).toISOString(),
    targets: plans.map(({ plan, target }) => ({
      ...(target?.region ? { region: target.region } : {}),
      ...(target?.projectId ? { projectId: target.projectId } : {}),
      // Exactly what the plan showed as would restart or would delete.
      instances: plan.verdicts
        .filter((v) => v.by === 'acted')
        .map(({ instance: i }) => ({
          id: i.instance_id,
          name: i.name,
          fingerprint: fingerprintOf(i, plan.policy),
        })),
    })),
  });
}

/**
 * What is wrong with the plan as a document at `now`: a part that no longer
 * matches its digest, a validity longer than {@link MAX_VALID_MS} or not
 * after its start, a plan expired or written in the future. Empty when none.
 */
export function documentProblems(plan: ApprovedPlan, now: number): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const again = digestsOf(plan);
  const edited = PARTS.filter((p) => again[p] !== plan.digest[p]);
  if (edited.length > 0) {
    issues.push({
      path: 'digest',
      message: `the plan changed after it was written: ${edited.map((p) => PART_NAMES[p]).join(', ')} no longer ${edited.length === 1 ? 'matches its digest' : 'match their digests'}; plan and approve again`,
    });
  } else if (overAll(plan.digest) !== plan.digest.all) {
    issues.push({
      path: 'digest.all',
      message: 'the digests changed after the plan was written; plan and approve again',
    });
  }
  const created = Date.parse(plan.createdAt);
  const until = Date.parse(plan.validUntil);
  if (until <= created) {
    issues.push({ path: 'validUntil', message: `${plan.validUntil} is not after createdAt` });
  } else if (until - created > MAX_VALID_MS) {
    issues.push({
      path: 'validUntil',
      message: `${plan.validUntil} is ${hours(until - created)} after createdAt ${plan.createdAt}; an approval is valid for at most 7 days`,
    });
  }
  if (until <= now) {
    issues.push({
      path: 'validUntil',
      message: `the plan expired at ${plan.validUntil}; plan and approve again`,
    });
  }
  if (created > now + 60_000) {
    issues.push({ path: 'createdAt', message: `${plan.createdAt} is in the future` });
  }
  return issues;
}

/**
 * What differs between the plan and the run that would carry it out: the
 * policy's name, its action, and the accounts it would enter (each added,
 * removed, renamed, or now naming another account). Empty when none.
 */
export function bindingProblems(
  plan: ApprovedPlan,
  run: { policy: Policy; accounts: readonly Account[] },
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const { policy } = run;
  if (plan.policy !== policy.name) {
    issues.push({
      path: 'policy',
      message: `the approved plan is for policy ${JSON.stringify(cut(plan.policy))}, not ${JSON.stringify(policy.name)}`,
    });
  }
  if (plan.action !== actionOf(policy)) {
    issues.push({
      path: 'action',
      message: `the plan approves ${plan.action}, but policy ${policy.name} would ${actionOf(policy)}; plan and approve again`,
    });
  }
  const now = run.accounts.map(approvedAccountOf);
  for (const change of accountChanges(plan.accounts, now)) {
    issues.push({
      path: 'accounts',
      message: `${change} since the plan was approved; the run would enter exactly the accounts it covered: plan and approve again`,
    });
  }
  return issues;
}

/** What a policy's run does to an instance, as an approval says it. */
function actionOf(policy: Policy): ApprovedPlan['action'] {
  return policy.action === 'restart' ? 'restart' : 'delete';
}

/** Each account added, removed, renamed, or now naming another account, one phrase each. */
function accountChanges(
  was: readonly ApprovedAccount[],
  now: readonly ApprovedAccount[],
): string[] {
  const wasByName = new Map(was.map((a) => [a.name, a]));
  const nowByName = new Map(now.map((a) => [a.name, a]));
  const gone = was.filter((a) => !nowByName.has(a.name));
  const fresh = now.filter((a) => !wasByName.has(a.name));
  const out: string[] = [];
  for (const a of was) {
    const n = nowByName.get(a.name);
    if (n && whose(n) !== whose(a)) {
      out.push(`account ${named(a)} now names ${whose(n)}, not ${whose(a)}`);
    }
  }
  for (const a of gone) {
    const renamed = fresh.find((b) => whose(b) === whose(a));
    out.push(
      renamed
        ? `account ${named(a)} (${whose(a)}) is now named ${named(renamed)}`
        : `account ${named(a)} (${whose(a)}) was removed`,
    );
  }
  for (const b of fresh) {
    if (!gone.some((a) => whose(a) === whose(b))) {
      out.push(`account ${named(b)} (${whose(b)}) was added`);
    }
  }
  return out;
}

const named = (a: ApprovedAccount) => JSON.stringify(cut(a.name));

/** Which account an entry reaches: its id, else its name at IAM, else the function's own. */
function whose(a: ApprovedAccount): string {
  if (a.domainId) return `domainId ${cut(a.domainId)}`;
  if (a.domainName) return `domainName ${JSON.stringify(cut(a.domainName))}`;
  return "this function's own account";
}

function hours(ms: number): string {
  const h = Math.round(ms / 3_600_000);
  return h >= 48 && h % 24 === 0 ? `${h / 24} days` : `${h} h`;
}

function overAll(d: Record<Part, string>): string {
  return sha256(`${APPROVAL_KIND}/all\n${PARTS.map((p) => `${p} ${d[p]}`).join('\n')}`);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with every object's keys in order and undefined values left out, as a round trip leaves them. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/**
 * Why an approved plan may not be carried out by this run, before any
 * call: it changed since it was written, is out of date, or does not bind
 * this run (another policy or action, accounts other than the ones it
 * covered). Every problem; empty when it may.
 */
export function approvalProblems(
  plan: ApprovedPlan,
  run: Parameters<typeof bindingProblems>[1],
  now: number,
): ConfigIssue[] {
  return [...documentProblems(plan, now), ...bindingProblems(plan, run)];
}
