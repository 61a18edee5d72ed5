import type { Keys } from '../dms/client';
import { serviceEndpoint } from '../dms/endpoint';
import { isDmsApiError } from '../dms/errors';
import { ConfigError } from '../errors';
import { assumeAgency, iamCalls, projectIdIn } from '../iam/iam';
import { AgencySession, durationFor } from '../iam/session';
import type { Account } from '../policy/accounts';
import type { Target } from '../policy/resolve';
import type { AccountFailureRecord, AccountResult, TotalSummary } from '../report/records';
import {
  countsOf,
  inPool,
  runTargetList,
  type TargetRun,
  type TargetsDeps,
  type TargetsInput,
  targetName,
  targetsFailure,
  totalOf,
} from './targets';

/**
 * How many accounts run at once. Each account has its own rate limits at
 * DMS and IAM, and within it its targets run as `targets` do, so accounts
 * side by side cost no account more than a run of its own.
 */
export const ACCOUNT_CONCURRENCY = 20;

export interface AccountsInput extends Omit<TargetsInput, 'targets' | 'account'> {
  accounts: readonly Account[];
}

/** One account's share of the run's input: the projects already taken by an account. */
interface AccountInput extends AccountsInput {
  claimed: Map<string, string>;
}

export interface AccountsResult {
  total: TotalSummary;
  /** The message the invocation rejects with, naming each account and target that did not succeed. */
  failure: string | undefined;
}

/**
 * Runs one policy in every account, {@link ACCOUNT_CONCURRENCY} at a time.
 * Each account is entered through its agency (keys asked for once, renewed
 * before they expire, held in memory only); its regions' projects are
 * looked up unless named; then its targets run as `targets` do, every line
 * naming the account. An account that cannot be entered is a
 * `kind: "account"` line and a failed account in the total; the others go
 * on. Ends with one `kind: "total"` line with a line per account.
 */
export async function runAccounts(
  deps: TargetsDeps,
  input: AccountsInput,
): Promise<AccountsResult> {
  const started = deps.clock.now();
  // Each project once in a run, whichever entry reached it first: an account
  // listed twice (by id and by name) never gets two campaigns side by side.
  const claimed = new Map<string, string>();
  const done = await inPool(input.accounts, ACCOUNT_CONCURRENCY, (a) =>
    runAccount(deps, { ...input, claimed }, a),
  );
  const sum = totalOf(
    input,
    done.flatMap((d) => d.runs),
    deps.clock.now() - started,
  );
  const failed = done.map((d) => d.result).filter((a) => a.verdict === 'failed');
  const total: TotalSummary = {
    ...sum,
    // An account never entered was never run: the invocation is not complete.
    complete: sum.complete && failed.length === 0,
    accounts: done.map((d) => d.result),
    accountsFailed: done.filter((d) => d.result.verdict !== 'succeeded').length,
  };
  deps.log[total.targetsFailed > 0 || failed.length > 0 ? 'error' : 'info'](total);
  const parts = [
    failed.length > 0 &&
      `${failed.length} of ${input.accounts.length} accounts could not be entered: ${failed
        .map((a) => `${a.account}: ${a.reason}`)
        .join('; ')}`,
    targetsFailure(total),
  ].filter(Boolean);
  return {
    total,
    failure: parts.length > 0 ? `policy ${input.policy.name}: ${parts.join('; ')}` : undefined,
  };
}

interface AccountRun {
  result: AccountResult;
  runs: TargetRun[];
}

type FailureFields = Omit<
  AccountFailureRecord,
  'kind' | 'policy' | 'invocationId' | 'account' | 'domainId' | 'verdict'
>;

/** One account, start to end. Never throws: what stopped it is its verdict. */
async function runAccount(deps: TargetsDeps, input: AccountInput, a: Account): Promise<AccountRun> {
  const who = { name: a.name, domainId: a.domainId };
  const fail = (f: FailureFields) =>
    deps.log.error({
      kind: 'account',
      policy: input.policy.name,
      invocationId: input.invocationId,
      account: a.name,
      domainId: a.domainId,
      verdict: 'failed',
      ...f,
    } satisfies AccountFailureRecord);
  let keys: Keys;
  try {
    keys = await enter(deps, a);
  } catch (e) {
    const why = failureOf(e);
    fail({ step: 'assume-agency', ...why });
    return {
      result: accountResult(a, [], { ...why, reason: `agency ${a.agency}: ${why.message}` }),
      runs: [],
    };
  }
  const found = await Promise.all(
    a.regions.map((r) => targetIn(deps, keys, a, r, fail, input.claimed)),
  );
  const targets = found.filter((f): f is Target => !('result' in f));
  const lost = found.filter((f): f is TargetRun => 'result' in f);
  const runs = [
    ...lost,
    ...(await runTargetList({ ...deps, credentials: keys }, { ...input, targets, account: who })),
  ];
  return { result: accountResult(a, runs), runs };
}

/**
 * A region of an account as a target: its project named, or looked up with
 * the account's own keys. A look-up that fails stops that region alone.
 */
async function targetIn(
  deps: TargetsDeps,
  keys: Keys,
  a: Account,
  r: Account['regions'][number],
  fail: (f: FailureFields) => void,
  claimed: Map<string, string>,
): Promise<Target | TargetRun> {
  try {
    const iam = () => iamCalls(keys, iamEndpoint(deps, r.region), iamSettings(deps));
    const projectId = r.projectId ?? (await projectIdIn(iam(), r.region));
    const owner = claimed.get(projectId);
    if (owner !== undefined) {
      throw new ConfigError([
        {
          path: `accounts.${a.name}.regions`,
          message: `${r.region} reaches project ${projectId}, which account ${owner} runs on already; list each account once`,
        },
      ]);
    }
    claimed.set(projectId, a.name);
    return {
      region: r.region,
      projectId,
      // DMS_ENDPOINT, when set, is where every account's DMS calls go (a proxy, the simulator).
      endpoint: r.endpoint ?? deps.env.endpoint,
    };
  } catch (e) {
    const why = failureOf(e);
    fail({ step: 'find-project', region: r.region, ...why });
    return {
      summary: undefined,
      result: {
        account: a.name,
        domainId: a.domainId,
        region: r.region,
        projectId: '(unknown)',
        verdict: 'stopped',
        reason: `stopped: ${why.message}`,
      },
    };
  }
}

/**
 * The keys this account's calls sign with: the function's own for an
 * account without agency, else the agency's, asked for now so that an
 * account that cannot be entered fails before any of its calls.
 */
async function enter(deps: TargetsDeps, a: Account): Promise<Keys> {
  const agency = a.agency;
  if (!agency) return deps.credentials;
  const first = a.regions[0]?.region;
  const central = iamCalls(deps.credentials, iamEndpoint(deps, first), iamSettings(deps));
  const session = new AgencySession(
    () =>
      assumeAgency(central, {
        agency,
        domainId: a.domainId,
        domainName: a.domainName,
        durationSeconds: durationFor(deps.deadline.remainingMs(), a.maxDurationSeconds),
      }),
    deps.clock,
  );
  await session.current();
  return session;
}

/** IAM_ENDPOINT, or IAM's endpoint in the region (IAM answers in every region). */
function iamEndpoint(deps: TargetsDeps, region: string | undefined): string {
  return serviceEndpoint(
    'iam',
    { endpoint: deps.env.iamEndpoint, region },
    { endpoint: 'env.IAM_ENDPOINT', region: 'accounts[].regions' },
  );
}

function iamSettings(deps: TargetsDeps) {
  return {
    timeoutMs: deps.env.requestTimeoutMs,
    maxConcurrency: 2,
    deadline: deps.deadline,
    retry: { settings: deps.env.retry, clock: deps.clock, log: deps.log },
  };
}

/** What an account's failure records: IAM's status, code and message; never a key. */
function failureOf(e: unknown): { httpStatus?: number; errorCode?: string; message: string } {
  if (isDmsApiError(e)) {
    return {
      ...(e.httpStatus === undefined ? {} : { httpStatus: e.httpStatus }),
      ...(e.errorCode === undefined ? {} : { errorCode: e.errorCode }),
      message: e.message,
    };
  }
  return { message: e instanceof Error ? e.message : String(e) };
}

function accountResult(
  a: Account,
  runs: readonly TargetRun[],
  entering?: { errorCode?: string; reason: string },
): AccountResult {
  const { listed, matched, succeeded, failed, skipped } = countsOf(runs);
  const bad = runs.filter((r) => r.result.verdict !== 'succeeded');
  return {
    account: a.name,
    domainId: a.domainId,
    verdict: entering ? 'failed' : bad.length > 0 ? 'partial' : 'succeeded',
    ...(entering
      ? {
          reason: entering.reason,
          ...(entering.errorCode ? { errorCode: entering.errorCode } : {}),
        }
      : bad.length > 0
        ? {
            reason: `${bad.length} of ${runs.length} targets did not succeed: ${bad.map((r) => targetName(r.result)).join(', ')}`,
          }
        : {}),
    targets: runs.length,
    listed,
    matched,
    succeeded,
    failed,
    skipped,
  };
}
