import { regionEndpoint, serviceEndpoint, unknownRegionMessage } from '../cloud/endpoint';
import { isCloudApiError } from '../cloud/errors';
import type { Keys } from '../dms/client';
import { ConfigError } from '../errors';
import { iamCalls, projectIn } from '../iam/iam';
import { stsCalls } from '../iam/sts';
import type { Account } from '../policy/accounts';
import type { Target } from '../policy/resolve';
import type { AccountFailureRecord } from '../report/records';
import type { Wired } from './run';
import type { TargetRun } from './targets';

/** What an account's `kind: "account"` line says besides who it is. */
export type FailureFields = Omit<
  AccountFailureRecord,
  'kind' | 'policy' | 'invocationId' | 'account' | 'domainId' | 'verdict'
>;
export type Fail = (f: FailureFields) => void;

/** A region's project: named in the file, or found through IAM with the account it belongs to. */
export interface FoundProject extends Target {
  /** The account IAM says the project belongs to: whose keys looked it up. */
  answeredDomainId?: string;
}

export interface AccountProjects {
  found: FoundProject[];
  /** Regions whose look-up failed, each a stopped target. */
  lost: TargetRun[];
}

/**
 * Each region of an account: its project named, or looked up with the
 * account's own keys. A look-up that fails stops that region alone. Nothing
 * is claimed yet: the account's keys are checked first.
 */
export async function findProjects(
  deps: Wired,
  keys: Keys,
  a: Account,
  fail: Fail,
): Promise<AccountProjects> {
  const each = await Promise.all(
    a.regions.map(async (r): Promise<FoundProject | TargetRun> => {
      // DMS_ENDPOINT, when set, is where every account's DMS calls go (a proxy, the simulator).
      const endpoint = r.endpoint ?? deps.env.endpoint;
      if (r.projectId) return { region: r.region, projectId: r.projectId, endpoint };
      try {
        const p = await projectIn(iamAt(deps, keys, r.region), r.region);
        return { region: r.region, projectId: p.projectId, endpoint, answeredDomainId: p.domainId };
      } catch (e) {
        const why = failureOf(e);
        fail({ step: 'find-project', region: r.region, ...why });
        return stopped(a, r.region, a.domainId, why.message);
      }
    }),
  );
  return {
    found: each.filter((f): f is FoundProject => !('result' in f)),
    lost: each.filter((f): f is TargetRun => 'result' in f),
  };
}

/** Whose keys these are, by IAM's answers, or why the account is refused. */
export type KeysOwner =
  | { refused: false; domainId: string | undefined }
  | { refused: true; expected: string; got: string; region: string };

/**
 * The account the keys belong to, as the project look-ups answer it: the
 * account's own `domainId`, or else the first id IAM answered (an account
 * named by `domainName`, or this function's own). Keys that belong to any
 * other account are refused, before any call to DMS: they would run one
 * account's fleet under another's name. Without a look-up (every region
 * names its `projectId`) IAM says nothing, and DMS itself refuses a project
 * outside the keys' account.
 */
export function ownerOfKeys(a: Account, found: readonly FoundProject[]): KeysOwner {
  let answered: string | undefined;
  for (const f of found) {
    const got = f.answeredDomainId;
    if (got === undefined) continue;
    const expected = a.domainId ?? answered;
    if (expected !== undefined && got !== expected) {
      return { refused: true, expected, got, region: f.region };
    }
    answered ??= got;
  }
  return { refused: false, domainId: a.domainId ?? answered };
}

/**
 * Each project once in a run, whichever entry reached it first: an account
 * listed twice (by id and by name) never gets two campaigns side by side.
 * A project another account holds already stops that region.
 */
export function claimProjects(
  a: Account,
  domainId: string | undefined,
  found: readonly FoundProject[],
  claimed: Map<string, string>,
  fail: Fail,
): { targets: Target[]; lost: TargetRun[] } {
  const targets: Target[] = [];
  const lost: TargetRun[] = [];
  for (const { region, projectId, endpoint } of found) {
    const owner = claimed.get(projectId);
    if (owner === undefined) {
      claimed.set(projectId, a.name);
      targets.push({ region, projectId, endpoint });
      continue;
    }
    const why = failureOf(
      ConfigError.at(
        `accounts.${a.name}.regions`,
        `${region} reaches project ${projectId}, which account ${owner} runs on already; list each account once`,
      ),
    );
    fail({ step: 'find-project', region, ...why });
    lost.push(stopped(a, region, domainId, why.message));
  }
  return { targets, lost };
}

function stopped(
  a: Account,
  region: string,
  domainId: string | undefined,
  message: string,
): TargetRun {
  return {
    summary: undefined,
    result: {
      account: a.name,
      domainId,
      region,
      projectId: '(unknown)',
      verdict: 'stopped',
      reason: `stopped: ${message}`,
    },
  };
}

/** An IAM client signing with `keys`, at IAM_ENDPOINT or IAM's endpoint in `region`. */
export function iamAt(deps: Wired, keys: Keys, region: string | undefined) {
  return iamCalls(keys, iamEndpoint(deps, region), iamSettings(deps));
}

/** IAM_ENDPOINT, or IAM's endpoint in the region, from Huawei's region table. */
function iamEndpoint(deps: Wired, region: string | undefined): string {
  return serviceEndpoint(
    'iam',
    { endpoint: deps.env.iamEndpoint, region },
    { endpoint: 'env.IAM_ENDPOINT', region: 'accounts[].regions' },
  );
}

/**
 * An STS client signing with `keys`: at STS_ENDPOINT, or at STS in the
 * first of `regions` that Huawei's STS region table holds (keys STS issues
 * in one region work in all of them: usermanual-iam5 iam_01_1236). No
 * region of the table: refused, naming the regions and STS_ENDPOINT.
 */
export function stsAt(deps: Wired, keys: Keys, regions: readonly string[]) {
  return stsCalls(keys, stsEndpoint(deps, regions), iamSettings(deps));
}

function stsEndpoint(deps: Wired, regions: readonly string[]): string {
  const paths = { endpoint: 'env.STS_ENDPOINT', region: 'accounts[].regions' };
  if (deps.env.stsEndpoint)
    return serviceEndpoint('sts', { endpoint: deps.env.stsEndpoint }, paths);
  for (const region of regions) {
    const found = regionEndpoint('sts', region);
    if (found) return found;
  }
  throw ConfigError.at(paths.region, unknownRegionMessage('sts', regions));
}

function iamSettings(deps: Wired) {
  return {
    timeoutMs: deps.env.requestTimeoutMs,
    maxConcurrency: 2,
    deadline: deps.deadline,
    retry: { settings: deps.env.retry, clock: deps.clock, log: deps.log },
  };
}

/** What an account's failure records: IAM's status, code and message; never a key. */
export function failureOf(e: unknown): {
  httpStatus?: number;
  errorCode?: string;
  message: string;
} {
  if (isCloudApiError(e)) {
    return {
      ...(e.httpStatus === undefined ? {} : { httpStatus: e.httpStatus }),
      ...(e.errorCode === undefined ? {} : { errorCode: e.errorCode }),
      message: e.message,
    };
  }
  return { message: e instanceof Error ? e.message : String(e) };
}
