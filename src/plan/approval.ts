/**
 * An approved plan: the list of instances a change board signed off, each
 * with the fingerprint it was judged on. `plan --out` writes one; `run
 * --plan` carries out exactly that list and nothing else: an instance not
 * on it, or whose fingerprint changed since, is skipped, with what changed.
 * What binds the plan to its policy, action, accounts and validity, and how
 * it is written: approval-binding.ts.
 */
import { z } from 'zod';
import type { KafkaInstance } from '../dms/wire';
import { ConfigError, cut } from '../errors';
import { toConfigIssues } from '../issues';
import { MAX_ACCOUNTS } from '../policy/accounts';
import type { Policy } from '../policy/resolve';
import type { Verdict } from './select';

export const APPROVAL_KIND = 'dms-kafka-maintenance/approved-plan';
/** The longest an approved plan may stay valid: 7 days from when it was written. */
export const MAX_VALID_MS = 7 * 86_400_000;

/** What an instance was judged on: its name, its status, and the tags the policy selects by. */
export interface Fingerprint {
  name: string;
  status: string;
  /** Each `select.tags` key, with its value then, or null when it had none. */
  tags: Record<string, string | null>;
}

const fingerprint = z
  .object({ name: z.string(), status: z.string(), tags: z.record(z.string().nullable()) })
  .strict();

const approvedInstance = z
  .object({ id: z.string().min(1), name: z.string(), fingerprint })
  .strict();

const approvedTarget = z
  .object({
    region: z.string().optional(),
    projectId: z.string().optional(),
    instances: z.array(approvedInstance).max(10_000),
  })
  .strict();

/** An account the plan covered, as the accounts file named it. */
const approvedAccount = z
  .object({ name: z.string(), domainId: z.string().optional(), domainName: z.string().optional() })
  .strict();

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in hex');

/** A digest of each part the approval binds, and one over them all; see approval-binding.ts. */
const digests = z
  .object({
    policy: sha256,
    action: sha256,
    accounts: sha256,
    instances: sha256,
    validity: sha256,
    all: sha256,
  })
  .strict();

const approvedPlan = z
  .object({
    kind: z.literal(APPROVAL_KIND),
    version: z.literal(1),
    policy: z.string(),
    action: z.enum(['restart', 'delete']),
    /** The SHA-256 of the policy file the plan was made from. */
    policyDigest: sha256,
    /** The accounts the plan covered; empty when the policy runs in none. */
    accounts: z.array(approvedAccount).max(MAX_ACCOUNTS),
    createdAt: z.string().datetime(),
    validUntil: z.string().datetime(),
    targets: z.array(approvedTarget).min(1).max(100),
    digest: digests,
  })
  .strict();

export type ApprovedPlan = z.infer<typeof approvedPlan>;
export type ApprovedTarget = z.infer<typeof approvedTarget>;
export type ApprovedInstance = z.infer<typeof approvedInstance>;
export type ApprovedAccount = z.infer<typeof approvedAccount>;

/** Parses and checks an approved plan's text. @throws {ConfigError} with each path. */
export function parseApproval(text: string, source: string): ApprovedPlan {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw ConfigError.at('', `not JSON: ${cut((e as Error).message)}`, source);
  }
  const parsed = approvedPlan.safeParse(doc);
  if (!parsed.success) throw new ConfigError(toConfigIssues(parsed.error.issues), source);
  return parsed.data;
}

export function fingerprintOf(instance: KafkaInstance, policy: Policy): Fingerprint {
  const tags: Record<string, string | null> = {};
  for (const key of Object.keys(policy.select?.tags ?? {})) {
    tags[key] = [...instance.tags].reverse().find((t) => t.key === key)?.value ?? null;
  }
  return { name: instance.name, status: instance.status, tags };
}

/** What differs between the approved fingerprint and the instance now, or undefined. */
export function changedSince(
  fp: Fingerprint,
  instance: KafkaInstance,
  policy: Policy,
): string | undefined {
  const now = fingerprintOf(instance, policy);
  const show = (v: string | null) => (v === null ? '(none)' : JSON.stringify(cut(v)));
  const diffs: string[] = [];
  if (now.status !== fp.status) diffs.push(`status ${fp.status} -> ${now.status}`);
  if (now.name !== fp.name) diffs.push(`name ${show(fp.name)} -> ${show(now.name)}`);
  for (const key of new Set([...Object.keys(fp.tags), ...Object.keys(now.tags)])) {
    const was = fp.tags[key] ?? null;
    const is = now.tags[key] ?? null;
    if (was !== is) diffs.push(`tag ${cut(key)} ${show(was)} -> ${show(is)}`);
  }
  return diffs.length === 0 ? undefined : diffs.join('; ');
}

/**
 * The approval's check on every verdict to act: only its instances, and
 * only as they were when approved.
 */
export function approvalCheck(
  approved: readonly ApprovedInstance[],
  policy: Policy,
): (instance: KafkaInstance) => Verdict | undefined {
  const byId = new Map(approved.map((a) => [a.id, a.fingerprint]));
  return (instance) => {
    const fp = byId.get(instance.instance_id);
    if (!fp) return { verdict: 'skip', reason: 'not in the approved plan' };
    const changed = changedSince(fp, instance, policy);
    return changed
      ? { verdict: 'skip', reason: `changed since the plan was approved: ${changed}` }
      : undefined;
  };
}

/**
 * The approved instances the selection no longer holds, each with why: no
 * longer listed, or listed but no longer matched (with what changed).
 */
export function approvedOutside(
  approved: readonly ApprovedInstance[],
  listed: readonly KafkaInstance[],
  matched: ReadonlySet<string>,
  policy: Policy,
): { approved: ApprovedInstance; reason: string }[] {
  const byId = new Map(listed.map((i) => [i.instance_id, i]));
  return approved
    .filter((a) => !matched.has(a.id))
    .map((a) => {
      const now = byId.get(a.id);
      if (!now) return { approved: a, reason: 'in the approved plan, but no longer listed' };
      const changed = changedSince(a.fingerprint, now, policy) ?? 'no change it was judged on';
      return {
        approved: a,
        reason: `in the approved plan, but the policy no longer matches it; changed since the plan was approved: ${changed}`,
      };
    });
}

/** The approval's entry for one target: the one naming its project, else the only one without. */
export function approvalFor(
  plan: ApprovedPlan,
  target: { projectId: string; region?: string | undefined },
): ApprovedInstance[] {
  const named = plan.targets.find((t) => t.projectId === target.projectId);
  const open = plan.targets.filter((t) => t.projectId === undefined);
  return named?.instances ?? (open.length === 1 ? (open[0]?.instances ?? []) : []);
}
