import { AdaptiveLimiter } from '../exec/adaptive';
import type { Clock } from '../exec/clock';
import type { Deadline } from '../exec/deadline';
import { type RetrySettings, withRetry } from '../exec/retry';
import type { Logger } from '../report/logger';
import { type Credentials, coreClient, isCredentialSource, type Keys } from './core';
import type { CloudService } from './endpoint';
import { cloudFailure, FailureKind, isCloudApiError } from './errors';
import { createScrubber, type Scrub } from './scrub';
import type { HcClient } from './sdk';
import { type ApiRequest, type ApiResponse, sendWithin } from './transport';

/** Retries for reads: the settings, the clock that waits, the log that tells. */
export interface ReadRetry {
  settings: RetrySettings;
  clock: Clock;
  log: Logger;
}

/** A client's options once checked: everything its calls need. */
export interface CallSettings {
  /** The service called: it names the calls' errors, and its 429s teach the limiter. */
  service: CloudService;
  credentials: Keys;
  /** Every DMS call names it; IAM's calls do not. */
  projectId: string | undefined;
  /** The full URL every call goes to. */
  endpoint: string;
  timeoutMs: number;
  maxConcurrency: number;
  deadline?: Deadline | undefined;
  retry?: ReadRetry | undefined;
  /** Told of every answer the service gave with success, as it came: the request and its parsed body. */
  onAnswer?: AnswerListener | undefined;
}

/** Sees each successful answer's request and body before it is read; must not change either. */
export type AnswerListener = (req: ApiRequest, res: ApiResponse) => void;

/** The plumbing every call of one client (of DMS or of IAM) goes through. */
export interface ApiCalls {
  /** Sends once, through the client's limiter and within its deadline. */
  call(req: ApiRequest): Promise<ApiResponse>;
  /** {@link ApiCalls.call}, retried when the client has retries; for idempotent calls. */
  read(req: ApiRequest): Promise<ApiResponse>;
  /** The client's scrubber: every key it signed with, and anything shaped like a signed header. */
  scrub: Scrub;
  readonly maxConcurrency: number;
  readonly retry: ReadRetry | undefined;
}

const NO_DEADLINE: Deadline = { remainingMs: () => Infinity, marginMs: 0, reserveMs: 0 };

/** The core client that signs a client's calls, and the scrubber of every key it signed with. */
interface Signing {
  client(): Promise<HcClient>;
  scrub: Scrub;
}

/**
 * The SDK core (and axios under it) loads on the first call, not with the
 * bundle: a cold start that fails on its inputs never pays for it. Renewed
 * keys get a core client of their own; every key ever used stays scrubbed.
 */
function signing(keys: Keys, projectId: string | undefined, endpoint: string): Signing {
  let hc: Promise<HcClient> | undefined;
  let signedWith: Credentials | undefined;
  const secrets: Array<string | undefined> = [];
  let scrubber: Scrub = (t) => t;
  const remember = (c: Credentials) => {
    secrets.push(c.ak, c.sk, c.securityToken);
    scrubber = createScrubber(secrets);
  };
  if (!isCredentialSource(keys)) remember(keys);
  return {
    client: async () => {
      const now = isCredentialSource(keys) ? await keys.current() : keys;
      if (now !== signedWith || !hc) {
        if (isCredentialSource(keys)) remember(now);
        signedWith = now;
        hc = coreClient({ credentials: now, projectId }, endpoint);
      }
      return hc;
    },
    scrub: (t) => scrubber(t),
  };
}

/**
 * The limiter, the scrubber and the lazily loaded core client of one
 * client, wired into {@link ApiCalls}.
 */
export function createCalls(settings: CallSettings): ApiCalls {
  const { service, endpoint, timeoutMs, maxConcurrency } = settings;
  const { client, scrub } = signing(settings.credentials, settings.projectId, endpoint);
  // One limiter for every call this client makes: listing pages, instance
  // reads and writes learn from the same 429s. Only its own service's: a
  // call whose keys IAM would not renew fails with IAM's 429, which says
  // nothing of DMS's rate.
  const limiter = new AdaptiveLimiter({
    maxConcurrency,
    isThrottle: (e) =>
      isCloudApiError(e) && e.service === service && e.kind === FailureKind.Throttled,
  });
  const deadline = settings.deadline ?? NO_DEADLINE;
  const pathParams: Record<string, string> = settings.projectId
    ? { project_id: settings.projectId }
    : {};

  // The keys and the budget are taken when the limiter lets the call go, not
  // when it was queued: a call that waited goes out with the keys of that moment.
  const onAnswer = settings.onAnswer;
  const call = (req: ApiRequest): Promise<ApiResponse> =>
    limiter.run(async () => {
      const res = await sendWithin(
        deadline,
        await client(),
        { ...req, pathParams: { ...pathParams, ...req.pathParams } },
        { service, timeoutMs, scrub },
      );
      onAnswer?.(req, res);
      return res;
    });
  const retry = settings.retry;
  // Any service's failure is weighed: a DMS call whose keys could not be
  // renewed fails with IAM's error, retried as that call's own.
  return {
    call,
    read: (req) =>
      retry
        ? withRetry({ ...retry, deadline }, req.operation, () => call(req), cloudFailure)
        : call(req),
    scrub,
    maxConcurrency,
    retry,
  };
}
