import { z } from 'zod';
import { IAM_V3_DURATION, STS_DURATION } from '../iam/limits';
import { endpointOrigin, projectId, regionId } from './place';

/**
 * The `accounts` section: the member accounts a policy runs in, each
 * entered through an IAM agency that trusts this function's account. See
 * docs/accounts.md. The same entries may come from a file of their own
 * (`ACCOUNTS_FILE`), in our shape or in c7n-org's `domains:` shape.
 */

/** The most accounts one file may name. */
export const MAX_ACCOUNTS = 200;
/** Keys' life: to 12 h by STS (an account's id), 24 h by IAM v3 (its name); src/iam/limits.ts. */
export const DURATION_SECONDS = { min: STS_DURATION.min, max: IAM_V3_DURATION.max } as const;

const ACCOUNT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** An account id (domain id) is 32 hex digits on Huawei Cloud; accepted a little wider. */
const DOMAIN_ID = /^[A-Za-z0-9]{16,64}$/;
/** IAM agency names: 1-64 characters (letters, digits, spaces and -_.). */
const AGENCY_NAME = /^[A-Za-z0-9_.-][A-Za-z0-9 _.-]{0,63}$/;
/** `iam::<domain_id>:agency:<name>`, as c7n-org and STS v5 write an agency. */
const AGENCY_URN = /^iam::([A-Za-z0-9]{16,64}):agency:([A-Za-z0-9_.-][A-Za-z0-9 _.-]{0,63})$/;
const TAG_TEXT = /^[^\p{Cc}]{1,128}$/u;

/** A region of an account: its id alone, or with its project and endpoint. */
const accountRegion = z.union(
  [
    regionId,
    z
      .object({
        region: regionId,
        projectId: projectId.optional(),
        endpoint: endpointOrigin.optional(),
      })
      .strict(),
  ],
  { errorMap: () => ({ message: 'a region id, or { region, projectId?, endpoint? }' }) },
);

const tags = z
  .record(z.string().regex(TAG_TEXT, 'a tag key is 1-128 characters'), z.string().max(255))
  .refine((t) => Object.keys(t).length <= 20, 'at most 20 tags');

const { min, max } = DURATION_SECONDS;
const seconds = z.number().int().min(min, `at least ${min} seconds (IAM's shortest)`);
const duration = seconds.max(max, `at most ${max} seconds (IAM's longest)`);
const STS_LONGEST = `at most ${STS_DURATION.max} seconds for an account named by its id (STS AssumeAgency's longest)`;

const regions = z.array(accountRegion).min(1, 'at least one region').max(20, 'at most 20 regions');

/** Our shape: `accounts: [{ name, domainId | domainName, agency?, regions, tags? }]`. */
const account = z
  .object({
    name: z.string().regex(ACCOUNT_NAME, 'an account name is 1-64 letters, digits, - _ .'),
    domainId: z
      .string()
      .regex(DOMAIN_ID, 'an account (domain) id is 16-64 letters and digits')
      .optional(),
    domainName: z.string().min(1).max(64).optional(),
    /** The agency in that account; left out, the function's own credentials are used. */
    agency: z
      .string()
      .regex(AGENCY_NAME, 'an agency name is 1-64 letters, digits, spaces, - _ .')
      .optional(),
    durationSeconds: duration.optional(),
    regions,
    tags: tags.optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (!a.agency && (a.domainId || a.domainName)) {
      // Without an agency the run signs with this function's own keys: a
      // member's id here would label the own account's fleet as that member's.
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['agency'],
        message:
          "an account named by its id is entered through its agency; add agency, or leave out domainId and domainName for this function's own account",
      });
    }
    if (a.agency && !a.domainId && !a.domainName) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['domainId'],
        message: 'an account entered through an agency needs its domainId (or domainName)',
      });
    }
    if (a.domainId && a.durationSeconds !== undefined && a.durationSeconds > STS_DURATION.max) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['durationSeconds'],
        message: STS_LONGEST,
      });
    }
    if (a.domainId && a.domainName) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['domainName'],
        message: 'give domainId or domainName, not both',
      });
    }
  });

/** c7n-org's shape: `domains: [{ name, domain_id, agency_urn, duration_seconds, regions, tags }]`. */
const c7nDomain = z
  .object({
    name: z.string().regex(ACCOUNT_NAME, 'an account name is 1-64 letters, digits, - _ .'),
    domain_id: z.string().regex(DOMAIN_ID, 'an account (domain) id is 16-64 letters and digits'),
    agency_urn: z.string().regex(AGENCY_URN, 'must be iam::<domain_id>:agency:<agency name>'),
    duration_seconds: seconds.max(STS_DURATION.max, STS_LONGEST).optional(),
    regions,
    tags: tags.optional(),
    /** Written by c7n-org's generator from Organizations; not used here. */
    status: z.string().optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    const urnDomain = AGENCY_URN.exec(d.agency_urn)?.[1];
    if (urnDomain && urnDomain !== d.domain_id) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['agency_urn'],
        message: "the agency's account differs from domain_id",
      });
    }
  });

export type AccountSpec = z.infer<typeof account>;

/** What makes two entries one: a name, an account, a region of an account, a project. */
interface EntryKeys {
  name: string;
  /** The account's id or name; undefined for this function's own account. */
  account: string | undefined;
  regions: ReadonlyArray<string | { region: string; projectId?: string | undefined }>;
}

/**
 * No fleet twice: two entries that reach the same project would run two
 * campaigns on it side by side. Names differ (they name accounts in records
 * and `--account`), an account is listed once, at most one entry is this
 * function's own account, a region appears once in an account, and a
 * project id once in the file.
 */
function noFleetTwice(list: readonly EntryKeys[], ctx: z.RefinementCtx, what: string): void {
  const names = new Map<string, number>();
  const accounts = new Map<string, number>();
  const projects = new Map<string, string>();
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: z.ZodIssueCode.custom, path, message });
  for (const [i, a] of list.entries()) {
    const sameName = names.get(a.name);
    if (sameName !== undefined)
      issue([i, 'name'], `duplicate account name: already ${what}[${sameName}]`);
    names.set(a.name, sameName ?? i);
    const key = a.account ?? "(this function's own account)";
    const sameAccount = accounts.get(key);
    if (sameAccount !== undefined) {
      issue(
        [i],
        `the same account as ${what}[${sameAccount}] (${a.account ? key : 'no agency'}); list each account once`,
      );
    }
    accounts.set(key, sameAccount ?? i);
    const regions = new Set<string>();
    for (const [j, r] of a.regions.entries()) {
      const region = typeof r === 'string' ? r : r.region;
      if (regions.has(region)) issue([i, 'regions', j], `region ${region} twice in this account`);
      regions.add(region);
      const projectId = typeof r === 'string' ? undefined : r.projectId;
      if (projectId === undefined) continue;
      const first = projects.get(projectId);
      if (first !== undefined)
        issue([i, 'regions', j, 'projectId'], `this project is already ${first}`);
      projects.set(projectId, first ?? `${what}[${i}].regions[${j}]`);
    }
  }
}

export const accountsSection = z
  .array(account)
  .min(1, 'at least one account')
  .max(MAX_ACCOUNTS, `at most ${MAX_ACCOUNTS} accounts`)
  .superRefine((list, ctx) =>
    noFleetTwice(
      list.map((a) => ({ name: a.name, account: a.domainId ?? a.domainName, regions: a.regions })),
      ctx,
      'accounts',
    ),
  );

/** A file of accounts alone: our `accounts:` or c7n-org's `domains:`. */
export const accountsFileSchema = z.union(
  [
    z.object({ accounts: accountsSection }).strict(),
    z
      .object({
        domains: z
          .array(c7nDomain)
          .min(1, 'at least one domain')
          .max(MAX_ACCOUNTS, `at most ${MAX_ACCOUNTS} domains`)
          .superRefine((list, ctx) =>
            noFleetTwice(
              list.map((d) => ({ name: d.name, account: d.domain_id, regions: d.regions })),
              ctx,
              'domains',
            ),
          ),
      })
      .strict(),
  ],
  {
    errorMap: () => ({
      message: 'an accounts file has accounts: [...] or domains: [...] (c7n-org)',
    }),
  },
);

/** A policy's choice of accounts: by name, by tags, or both (all must hold). */
export const accountSelector = z
  .object({
    names: z
      .array(z.string().regex(ACCOUNT_NAME, 'an account name'))
      .min(1)
      .max(MAX_ACCOUNTS)
      .optional(),
    tags: tags.optional(),
  })
  .strict();
export type AccountSelector = z.infer<typeof accountSelector>;

/** One account as a run uses it. */
export interface Account {
  name: string;
  domainId: string | undefined;
  domainName: string | undefined;
  /** Undefined: the function's own account, with its own credentials. */
  agency: string | undefined;
  /**
   * The longest keys to ask for; the run asks for what it needs, up to this
   * and up to what the call gives (src/iam/agency.ts).
   */
  maxDurationSeconds: number;
  regions: ReadonlyArray<{ region: string; projectId?: string; endpoint?: string }>;
  tags: Readonly<Record<string, string>>;
}

const regionOf = (r: z.infer<typeof accountRegion>) =>
  typeof r === 'string' ? { region: r } : { ...r };

/** Our entries as the run uses them. */
export function resolveAccounts(list: readonly AccountSpec[]): Account[] {
  return list.map((a) => ({
    name: a.name,
    domainId: a.domainId,
    domainName: a.domainName,
    agency: a.agency,
    maxDurationSeconds:
      a.durationSeconds ?? (a.domainId ? STS_DURATION.byDefault : IAM_V3_DURATION.max),
    regions: a.regions.map(regionOf),
    tags: a.tags ?? {},
  }));
}

/** An accounts file, in either shape, as the run uses it. */
export function resolveAccountsFile(file: z.infer<typeof accountsFileSchema>): Account[] {
  if ('accounts' in file) return resolveAccounts(file.accounts);
  return file.domains.map((d) => {
    const [, domainId, agency] = AGENCY_URN.exec(d.agency_urn) ?? [];
    return {
      name: d.name,
      domainId: domainId ?? d.domain_id,
      domainName: undefined,
      agency,
      maxDurationSeconds: d.duration_seconds ?? STS_DURATION.byDefault,
      regions: d.regions.map(regionOf),
      tags: d.tags ?? {},
    };
  });
}

/** The accounts a selector picks, in the file's order; every account without one. */
export function selectAccounts(
  all: readonly Account[],
  sel: AccountSelector | undefined,
): Account[] {
  if (!sel) return [...all];
  return all.filter(
    (a) =>
      (!sel.names || sel.names.includes(a.name)) &&
      Object.entries(sel.tags ?? {}).every(([k, v]) => a.tags[k] === v),
  );
}
