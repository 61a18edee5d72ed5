import type { Keys } from '../dms/client';
import { agencyCall, holdsToken, issueKeys, longestSeconds } from '../iam/agency';
import { AgencySession, durationFor } from '../iam/session';
import type { Account } from '../policy/accounts';
import type { AccountFailureRecord, AccountResult, TotalSummary } from '../report/records';
import {
  claimProjects,
  type Fail,
  failureOf,
  findProjects,
  iamAt,
  type KeysOwner,
  ownerOfKeys,
  stsAt,
} from './projects';
import type { PolicyRun, Wired } from './run';
import {
  countsOf,
  inPool,
  runTargetList,
  type TargetRun,
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

/** A policy's run in the accounts it names. */
export interface AccountsRun extends Omit<PolicyRun, 'account'> {
  accounts: readonly Account[];
}

/** One account's share of the run: the projects already taken by an account. */
interface AccountRunInput extends AccountsRun {
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
 * looked up unless named, and the account IAM answers for them must be the
 * account's own; then its targets run as `targets` do, every line naming
 * the account. An account that cannot be entered, or whose keys belong to
 * another account, is a `kind: "account"` line and a failed account in the
 * total, with no call to DMS; the others go on. Ends with one
 * `kind: "total"` line with a line per account.
 */
export async function runAccounts(deps: Wired, input: AccountsRun): Promise<AccountsResult> {
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

/** One account, start to end. Never throws: what stopped it is its verdict. */
async function runAccount(deps: Wired, input: AccountRunInput, a: Account): Promise<AccountRun> {
  const fail: Fail = (f) =>
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
    const reason = `agency ${a.agency}: ${why.message}`;
    return { result: accountResult(a, [], a.domainId, { ...why, reason }), runs: [] };
  }
  const { found, lost } = await findProjects(deps, keys, a, fail);
  const owner = ownerOfKeys(a, found);
  if (owner.refused) return refuse(a, owner, fail);
  const claim = claimProjects(a, owner.domainId, found, input.claimed, fail);
  const who = { name: a.name, domainId: owner.domainId };
  const runs = [
    ...lost,
    ...claim.lost,
    ...(await runTargetList(
      { ...deps, credentials: keys },
      { ...input, targets: claim.targets, account: who },
    )),
  ];
  return { result: accountResult(a, runs, owner.domainId), runs };
}

/**
 * An account whose keys belong to another account: refused whole, before
 * any call to DMS, naming the account expected and the one the keys are of.
 */
function refuse(a: Account, owner: Extract<KeysOwner, { refused: true }>, fail: Fail): AccountRun {
  const via = a.agency ? `agency ${a.agency}` : "this function's own keys";
  const message = `the keys of ${via} belong to account ${owner.got}, not ${owner.expected} (IAM's project look-up in ${owner.region}); refused before any call to DMS`;
  fail({ step: 'check-account', region: owner.region, keysDomainId: owner.got, message });
  const reason = a.agency ? `agency ${a.agency}: ${message}` : message;
  return {
    result: accountResult(a, [], a.domainId, { reason, keysDomainId: owner.got }),
    runs: [],
  };
}

/**
 * The keys this account's calls sign with: the function's own for an
 * account without agency, else the agency's, asked for now so that an
 * account that cannot be entered fails before any of its calls. The call
 * and its grant are the pair of src/iam/agency.ts: STS's AssumeAgency for
 * an account named by its id, IAM v3's assume_role for one named by its
 * name; each renewal asks for what the time left needs, within what that
 * call gives this caller.
 */
async function enter(deps: Wired, a: Account): Promise<Keys> {
  const agency = a.agency;
  if (!agency) return deps.credentials;
  const call = agencyCall(a);
  const longest = Math.min(
    a.maxDurationSeconds,
    longestSeconds(call, holdsToken(deps.credentials)),
  );
  const regions = a.regions.map((r) => r.region);
  const clients = {
    sts: once(() => stsAt(deps, deps.credentials, regions)),
    iam: once(() => iamAt(deps, deps.credentials, regions[0])),
  };
  const session = new AgencySession(
    () => issueKeys(clients, call, agency, durationFor(deps.deadline.remainingMs(), longest)),
    deps.clock,
  );
  await session.current();
  return session;
}

/** `make`'s value, made on the first call and kept: one client (and limiter) per account. */
function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}

function accountResult(
  a: Account,
  runs: readonly TargetRun[],
  domainId: string | undefined,
  entering?: { errorCode?: string; reason: string; keysDomainId?: string },
): AccountResult {
  const { listed, matched, succeeded, failed, skipped } = countsOf(runs);
  const bad = runs.filter((r) => r.result.verdict !== 'succeeded');
  return {
    account: a.name,
    domainId,
    ...(a.domainName ? { domainName: a.domainName } : {}),
    verdict: entering ? 'failed' : bad.length > 0 ? 'partial' : 'succeeded',
    ...(entering
      ? {
          reason: entering.reason,
          ...(entering.errorCode ? { errorCode: entering.errorCode } : {}),
          ...(entering.keysDomainId ? { keysDomainId: entering.keysDomainId } : {}),
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
