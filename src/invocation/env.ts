import { isAbsolute, join, resolve } from 'node:path';
import {
  dmsEndpoint,
  REGION,
  REGION_SHAPE,
  regionEndpoint,
  unknownRegionMessage,
} from '../cloud/endpoint';
import type { Credentials } from '../dms/client';
import { DEFAULT_MAX_CONCURRENCY, DEFAULT_TIMEOUT_MS, MAX_CONCURRENCY_RANGE } from '../dms/client';
import { RESTART_ONSET_MS } from '../dms/status';
import { ConfigError, type ConfigIssue } from '../errors';
import { DEFAULT_RETRY, type RetrySettings } from '../exec/retry';
import { type NotifySettings, readNotifySettings } from '../notify/topic';

/** Every setting the function takes from its environment, read in one place. */
export interface Env {
  policyFile: string;
  /** ACCOUNTS_FILE: the accounts, in a file of their own (inside the code root when relative). */
  accountsFile: string | undefined;
  /** IAM_ENDPOINT: where project ids (and keys by account name) are asked for; default by region. */
  iamEndpoint: string | undefined;
  /** STS_ENDPOINT: where an agency's keys are asked for (AssumeAgency); default by region. */
  stsEndpoint: string | undefined;
  /** From HUAWEICLOUD_SDK_*; FunctionGraph's context credentials take precedence. */
  credentials: Credentials | undefined;
  projectId: string | undefined;
  region: string | undefined;
  endpoint: string | undefined;
  /** DRY_RUN=true forces dry-run for every policy. */
  forceDryRun: boolean;
  requestTimeoutMs: number;
  /** DMS_MAX_CONCURRENCY: calls in flight at once, 1-32, default 8. */
  maxConcurrency: number;
  retry: RetrySettings;
  /** Time budget of a run outside FunctionGraph and Lambda. */
  localTimeoutMs: number;
  /** No write starts with less time than this left. */
  deadlineMarginMs: number;
  /** From SMN_TOPIC_URN and SMN_ENDPOINT: where a failed run is announced, if anywhere. */
  notify: NotifySettings | undefined;
  /** A campaign's wait between its marks and the re-check before the restart. */
  markSettleMs: number;
  /** RESTART_ONSET_MS: how long DMS may take to show RESTARTING after it took a restart. */
  restartOnsetMs: number;
}

const endpointPaths = (name: string) => ({ endpoint: `env.${name}`, region: 'env.DMS_REGION' });

/**
 * Reads and checks the environment. Unset and empty are the same; anything
 * set but malformed is an error naming the variable, never a guess.
 *
 * @example readEnv(process.env, process.cwd())
 */
export function readEnv(source: Readonly<Record<string, string | undefined>>, cwd: string): Env {
  const issues: ConfigIssue[] = [];
  const { get, bool, int, place } = envReader(source, issues);
  const debug = nodeDebugRefusal(get('NODE_DEBUG'));
  // Refused before anything else is read: nothing may start that would sign a request.
  if (debug) throw ConfigError.at('env.NODE_DEBUG', debug, 'the environment');
  const codeRoot = get('RUNTIME_CODE_ROOT') ?? cwd;
  const file = get('POLICY_FILE');
  const accountsFile = get('ACCOUNTS_FILE');
  const credentials = readCredentials(get, issues);
  const projectId = get('HUAWEICLOUD_SDK_PROJECT_ID') ?? get('RUNTIME_PROJECT_ID');
  const notify = readNotifySettings(get('SMN_TOPIC_URN'), get('SMN_ENDPOINT'), projectId);
  issues.push(...notify.issues);
  const env: Env = {
    policyFile: policyPath(file, codeRoot),
    accountsFile:
      accountsFile && (isAbsolute(accountsFile) ? accountsFile : resolve(codeRoot, accountsFile)),
    iamEndpoint: place('IAM_ENDPOINT'),
    stsEndpoint: place('STS_ENDPOINT'),
    credentials,
    projectId,
    region: place('DMS_REGION'),
    endpoint: place('DMS_ENDPOINT'),
    forceDryRun: bool('DRY_RUN') ?? false,
    requestTimeoutMs: int('DMS_REQUEST_TIMEOUT_MS', DEFAULT_TIMEOUT_MS, 100, 120_000),
    maxConcurrency: int(
      'DMS_MAX_CONCURRENCY',
      DEFAULT_MAX_CONCURRENCY,
      MAX_CONCURRENCY_RANGE.min,
      MAX_CONCURRENCY_RANGE.max,
    ),
    retry: {
      attempts: int('DMS_RETRY_ATTEMPTS', DEFAULT_RETRY.attempts, 1, 10),
      baseDelayMs: int('DMS_RETRY_BASE_MS', DEFAULT_RETRY.baseDelayMs, 1, 60_000),
      maxDelayMs: int('DMS_RETRY_MAX_MS', DEFAULT_RETRY.maxDelayMs, 1, 300_000),
    },
    localTimeoutMs: int('RUN_TIMEOUT_MS', 900_000, 1_000, 86_400_000),
    deadlineMarginMs: int('DEADLINE_MARGIN_MS', 30_000, 0, 600_000),
    notify: notify.settings,
    markSettleMs: int('MARK_SETTLE_MS', 2_000, 0, 60_000),
    restartOnsetMs: int('RESTART_ONSET_MS', RESTART_ONSET_MS, 1_000, 600_000),
  };
  if (env.region && !env.endpoint) knownDmsRegion(env.region, issues);
  if (issues.length > 0) throw new ConfigError(issues, 'the environment');
  return env;
}

/** DMS_REGION without DMS_ENDPOINT: a region of DMS's table, or the setting that names one. */
function knownDmsRegion(region: string, issues: ConfigIssue[]): void {
  if (!REGION.test(region) || regionEndpoint('dms', region)) return;
  issues.push({ path: 'env.DMS_REGION', message: unknownRegionMessage('dms', region) });
}

/** Reads one variable, trimmed; unset and empty are both undefined. */
type EnvGet = (name: string) => string | undefined;

/** The variables that say where a service is. */
type PlaceName = 'DMS_ENDPOINT' | 'DMS_REGION' | 'IAM_ENDPOINT' | 'STS_ENDPOINT';

/** Typed readers of single variables; a malformed value becomes an issue. */
interface EnvReader {
  get: EnvGet;
  /** `true` or `false`; undefined when unset. */
  bool: (name: string) => boolean | undefined;
  /** A whole number from `min` to `max`; `fallback` when unset or malformed. */
  int: (name: string, fallback: number, min: number, max: number) => number;
  /** An endpoint's origin, or `DMS_REGION`'s form; the region's table is checked once both are read. */
  place: (name: PlaceName) => string | undefined;
}

/** Readers over `source` that push what they refuse onto `issues`. */
function envReader(
  source: Readonly<Record<string, string | undefined>>,
  issues: ConfigIssue[],
): EnvReader {
  const get: EnvGet = (name) => {
    const v = source[name]?.trim();
    return v ? v : undefined;
  };
  const bool = (name: string): boolean | undefined => {
    const v = get(name);
    if (v === undefined) return undefined;
    if (v === 'true') return true;
    if (v === 'false') return false;
    issues.push({
      path: `env.${name}`,
      message: `must be true or false, got ${JSON.stringify(v)}`,
    });
    return undefined;
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const v = get(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < min || n > max) {
      issues.push({
        path: `env.${name}`,
        message: `must be a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`,
      });
      return fallback;
    }
    return n;
  };
  // Checked each on its own, so a bad region is reported even beside an endpoint.
  const place = (name: PlaceName): string | undefined => {
    const v = get(name);
    if (v === undefined) return undefined;
    if (name === 'DMS_REGION') {
      if (!REGION.test(v)) issues.push({ path: 'env.DMS_REGION', message: REGION_SHAPE });
      return v;
    }
    try {
      dmsEndpoint({ endpoint: v }, endpointPaths(name));
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      issues.push(...e.issues);
    }
    return v;
  };
  return { get, bool, int, place };
}

/** HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, which come as a pair, with any security token. */
function readCredentials(get: EnvGet, issues: ConfigIssue[]): Credentials | undefined {
  const ak = get('HUAWEICLOUD_SDK_AK');
  const sk = get('HUAWEICLOUD_SDK_SK');
  if (Boolean(ak) !== Boolean(sk)) {
    issues.push({
      path: ak ? 'env.HUAWEICLOUD_SDK_SK' : 'env.HUAWEICLOUD_SDK_AK',
      message: 'HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK must be set together',
    });
  }
  return ak && sk ? { ak, sk, securityToken: get('HUAWEICLOUD_SDK_SECURITY_TOKEN') } : undefined;
}

/**
 * A relative POLICY_FILE is inside the code root, like the default: on
 * FunctionGraph the working directory is not the code root.
 */
function policyPath(file: string | undefined, codeRoot: string): string {
  if (!file) return join(codeRoot, 'policies.yaml');
  return isAbsolute(file) ? file : resolve(codeRoot, file);
}

/** Node's debug sections that print requests, headers included, to stderr. */
const REQUEST_SECTIONS = ['http', 'https', 'http2', 'net', 'tls', 'fetch', 'undici'];

/**
 * Why this `NODE_DEBUG` must stop the process before any call, or undefined.
 *
 * @example nodeDebugRefusal('http') // 'names "http", for which Node itself prints ...'
 */
export function nodeDebugRefusal(nodeDebug: string | undefined): string | undefined {
  const debug = printsRequests(nodeDebug);
  return debug
    ? `names ${debug}, for which Node itself prints every request's Authorization and X-Security-Token headers; unset NODE_DEBUG (or leave out ${debug}) and run again`
    : undefined;
}

/**
 * The first section of `NODE_DEBUG` (comma-separated names, `*` as a
 * wildcard, any case, as Node reads it) that makes Node print requests.
 * Node reads the variable once at start-up, from its own internals, so a
 * process that has it cannot be made quiet: it must not start.
 */
function printsRequests(nodeDebug: string | undefined): string | undefined {
  if (!nodeDebug) return undefined;
  for (const raw of nodeDebug.split(',')) {
    const name = raw.trim();
    if (!name) continue;
    const pattern = new RegExp(
      `^${name.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`,
      'i',
    );
    if (REQUEST_SECTIONS.some((s) => pattern.test(s))) return JSON.stringify(name);
  }
  return undefined;
}
