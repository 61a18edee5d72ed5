/**
 * The records the function writes, one JSON object a line. This is a public
 * contract: alarms and log queries are built on these field names.
 */

export const Outcome = {
  Restarted: 'restarted',
  WouldRestart: 'would-restart',
  Deleted: 'deleted',
  WouldDelete: 'would-delete',
  Failed: 'failed',
  Skipped: 'skipped',
  Refused: 'refused',
  /**
   * Cleanup with `all_failure`: an instance the listing right after the call
   * shows deleting (or in the recycle bin) that this run never planned to
   * delete. Counted as failed: the run rejects and notifies.
   */
  DeletedUnplanned: 'deleted-unplanned',
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

export type RecordAction = 'restart' | 'delete';

/**
 * On every line a run writes when its policy has `targets` (outcome, action,
 * wave, retry, warning, summary): which region and project it is about.
 * Absent for a policy without `targets`.
 */
export interface TargetFields {
  /** With accounts: the account's name in the file, and its id (domain id). */
  account?: string;
  domainId?: string;
  region?: string;
  projectId?: string;
}

export interface OutcomeRecord extends TargetFields {
  kind: 'outcome';
  policy: string;
  action: RecordAction;
  instanceId: string;
  instanceName: string;
  /** The status as listed, before any action. */
  status: string;
  dryRun: boolean;
  outcome: Outcome;
  /** DMS `X-Request-Id` of the call that decided this outcome, when there was one. */
  requestId?: string;
  /** Present whenever the outcome is failed, skipped or refused, and on notable successes. */
  reason?: string;
  errorCode?: string;
  /** How many write calls included this instance, when more than zero. */
  attempts?: number;
  /** With `waitForRunning`: milliseconds from the restart call to RUNNING seen again. */
  recoveredMs?: number;
  /**
   * With the Kafka checks: the cluster's counts as last read, brokers healthy,
   * replicas in sync and partitions online (before the restart; after it,
   * with `waitForRunning`, once whole again or when time ran out).
   */
  kafka?: string;
  /** With the Kafka checks and `waitForRunning`: milliseconds from RUNNING to the cluster whole again. */
  healedMs?: number;
  /**
   * With `waitForRunning`: what showed that the restart happened, as the
   * gate confirmed it (`DMS showed it restarting`, `every broker registered
   * again`, or both).
   */
  evidence?: string;
}

export interface RunSummary extends CampaignFields, TargetFields {
  kind: 'summary';
  policy: string;
  action: RecordAction;
  dryRun: boolean;
  listed: number;
  matched: number;
  succeeded: number;
  failed: number;
  skipped: number;
  refused: boolean;
  durationMs: number;
  invocationId: string;
  /**
   * False when matched instances were left unhandled: the deadline came
   * first (`notReached` of them), or the run stopped on an error.
   */
  complete: boolean;
  notReached: number;
  /** For cleanup: `all_failure` or `by-id`, once decided. */
  mode?: CleanupMode;
  /** Which rule chose `mode`. */
  modeReason?: string;
  /**
   * When the selection found nothing, or a selected tag key matched no
   * instance: the values the fleet does have for it, with counts.
   */
  noMatch?: string[];
  /** Set when the run stopped on an error before finishing. */
  error?: string;
}

/** A restart campaign's part of the summary; see docs/campaigns.md. */
export interface CampaignFields {
  /** Only for a policy with a window. */
  window?: 'open' | 'closed';
  /** When closed: the next opening, UTC. */
  windowOpens?: string;
  /** `windowOpens` in the window's own zone, with its offset. */
  windowOpensLocal?: string;
  /** When open: this occurrence's end, UTC. */
  windowCloses?: string;
  /** `windowCloses` in the window's own zone, with its offset. */
  windowClosesLocal?: string;
  /** When open: no new restart starts from here on, UTC. */
  cutoffAt?: string;
  /** The run ended inside the cutoff (or past the end). */
  inCutoff?: boolean;
  /** The tag key of the marks this run writes (a live restart). */
  markKey?: string;
  /** Selected instances not yet restarted in this window (or interval). */
  remaining?: number;
  /** Instances that stopped the campaign, as `name (id): why`. */
  stoppedBy?: string[];
  /** Marks this run wrote (a live restart). */
  marked?: number;
  /**
   * Of those, marks that were gone at the re-check right before the restart:
   * the instance was not restarted. Every mark gone fails the run.
   */
  marksVanished?: number;
  /** Instances restarted with topics of one replica, as `allowSingleReplicaTopics` let them. */
  singleReplicaAllowed?: number;
  /**
   * A run in the hour after the window closed: the window that closed, UTC,
   * and the selected instances it left not restarted (or on hold), by name.
   */
  windowClosed?: string;
  unfinished?: string[];
}

/**
 * Progress of a campaign: a wave starts, is confirmed (every instance of it
 * restarted and, with waitForRunning, RUNNING again), or ends otherwise
 * (`ended`: a failure, or the deadline; the outcome lines say which).
 */
export interface WaveRecord extends TargetFields {
  kind: 'wave';
  policy: string;
  invocationId: string;
  event: 'started' | 'confirmed' | 'ended';
  /** 1, 2, ... in this run; 0 for instances earlier runs restarted. */
  wave: number;
  instances: Array<{ id: string; name: string }>;
  /** Restarted in this window (or interval), earlier runs included. */
  done: number;
  remaining: number;
}

export type CleanupMode = 'all_failure' | 'by-id';

/**
 * Written before every write call, so a process killed mid-call still
 * leaves a line naming what it was doing.
 */
export interface ActionRecord extends TargetFields {
  kind: 'action';
  policy: string;
  invocationId: string;
  operation: string;
  /** The highest number of sends any of these instances has had, this one included. */
  attempt: number;
  instances: Array<{ id: string; name: string }>;
}

/** How one target of a policy with `targets` ended. */
export type TargetVerdict = 'succeeded' | 'failed' | 'refused' | 'incomplete' | 'stopped';

/** One target's line in the total. */
export interface TargetResult {
  account?: string;
  domainId?: string;
  region: string;
  projectId: string;
  verdict: TargetVerdict;
  /** Why the target did not succeed: the message its own run would reject with. */
  reason?: string;
}

/**
 * `kind: "total"`: the last line of an invocation whose policy has
 * `targets`, after one `kind: "summary"` per target. The counts are the
 * targets' summed; `complete` is true only when every target's is.
 */
export interface TotalSummary {
  kind: 'total';
  policy: string;
  action: RecordAction;
  dryRun: boolean;
  invocationId: string;
  listed: number;
  matched: number;
  succeeded: number;
  failed: number;
  skipped: number;
  notReached: number;
  /** True when any target was refused. */
  refused: boolean;
  complete: boolean;
  durationMs: number;
  /** Every target, in the policy's order. */
  targets: TargetResult[];
  /** How many targets did not succeed. */
  targetsFailed: number;
  /** With accounts: one line per account, in the file's order. */
  accounts?: AccountResult[];
  /** With accounts: how many did not succeed. */
  accountsFailed?: number;
}

/** One account's line in the total. */
export interface AccountResult {
  account: string;
  /**
   * The account's id: as the file names it, or, for an account named by
   * `domainName` (or this function's own), the id IAM answered for its keys.
   */
  domainId: string | undefined;
  /** The account's name, when the file names it so. */
  domainName?: string;
  /** An account refused for keys of another account: the account the keys belong to. */
  keysDomainId?: string;
  /** `failed`: the account could not be entered; `partial`: some of its targets did not succeed. */
  verdict: 'succeeded' | 'failed' | 'partial';
  /** Why it was not entered, or which targets did not succeed. */
  reason?: string;
  /** IAM's error code, when entering it failed. */
  errorCode?: string;
  targets: number;
  listed: number;
  matched: number;
  succeeded: number;
  failed: number;
  skipped: number;
}

/**
 * `kind: "account"`: an account that could not be entered (its agency is
 * missing or does not trust this account, IAM refused or failed), written
 * when that happens. Never carries a key.
 */
export interface AccountFailureRecord {
  kind: 'account';
  policy: string;
  invocationId: string;
  account: string;
  domainId: string | undefined;
  verdict: 'failed';
  /**
   * What failed: entering the account, finding a region's project, or the
   * check that the keys belong to the account (`check-account`).
   */
  step: 'assume-agency' | 'find-project' | 'check-account';
  region?: string;
  /** With `check-account`: the account the keys belong to, as IAM answered. */
  keysDomainId?: string;
  httpStatus?: number;
  errorCode?: string;
  message: string;
}

const SUCCESS: ReadonlySet<Outcome> = new Set([
  Outcome.Restarted,
  Outcome.WouldRestart,
  Outcome.Deleted,
  Outcome.WouldDelete,
]);

export function isSuccess(o: Outcome): boolean {
  return SUCCESS.has(o);
}
