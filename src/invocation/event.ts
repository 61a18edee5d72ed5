import { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../errors';
import { formatPath, toConfigIssues } from '../issues';
import { editDistance } from '../policy/near-miss';
import { duplicateKey } from './json-keys';

/** What an event asks for: which policy, and optionally a safer dry run. */
export interface RunRequest {
  policy: string | undefined;
  /** Only ever true: an event may make a run safer, never bolder. */
  dryRun: true | undefined;
}

const MAX_USER_EVENT = 2048;
/** A hostile event can carry thousands of keys; the first ones make the point. */
const MAX_ISSUES = 20;

/**
 * The request itself, wherever it arrives. Strict like the policy file: a
 * misspelt `dryRun` that was dropped would turn a dry run into a live one.
 */
const requestSchema = z
  .object({
    policy: z
      .string({ invalid_type_error: 'must be a non-empty string' })
      .trim()
      .min(1, 'must be a non-empty string')
      .optional(),
    dryRun: z
      .literal(true, {
        errorMap: () => ({
          message: 'an event can only turn dry-run on (true); turn it off in the policy file',
        }),
      })
      .optional(),
  })
  .strict();

type Path = readonly string[];

/**
 * Reads the request from any event form we accept, and refuses anything
 * it cannot read in full, before any API call:
 * - a FunctionGraph TIMER event (`trigger_type: "TIMER"`), whose
 *   `user_event` is a policy name or JSON `{"policy": "...", "dryRun": true}`;
 * - an EventBridge event (it has `detail-type` or `source`) whose `detail`
 *   holds `policy` and `dryRun`;
 * - anything else is the request itself: a direct invocation, or an
 *   EventBridge schedule's constant input, `{"policy": "...", "dryRun": true}`.
 *
 * The request object allows `policy` and `dryRun` only. The two envelopes
 * may carry any other key, since platforms add fields, but not a request
 * key: it would be read nowhere.
 *
 * @example parseEvent({ trigger_type: 'TIMER', user_event: 'nightly' }) // { policy: 'nightly' }
 * @throws {ConfigError} naming each bad path, e.g. `event.dryrun: unknown key; did you mean dryRun?`
 */
export function parseEvent(event: unknown): RunRequest {
  if (event === undefined || event === null || event === '') return none();
  if (typeof event === 'string') return fromText(event, ['event']);
  if (!isObject(event)) throw ConfigError.at('event', 'must be an object or a policy name');
  if (event.trigger_type === 'TIMER') return fromTimer(event);
  if ('detail-type' in event || 'source' in event) return fromEventBridge(event);
  return fromObject(event, ['event']);
}

function fromTimer(e: Record<string, unknown>): RunRequest {
  refuseRequestKeys(e, 'a FunctionGraph TIMER event carries the request in user_event');
  const ue = e.user_event;
  if (ue === undefined || ue === null || ue === '') return none();
  if (typeof ue !== 'string') throw ConfigError.at('event.user_event', 'must be a string');
  return fromText(ue, ['event', 'user_event']);
}

function fromEventBridge(e: Record<string, unknown>): RunRequest {
  refuseRequestKeys(e, 'an EventBridge event carries the request in detail');
  const d = e.detail;
  if (d === undefined || d === null) return none();
  if (!isObject(d)) {
    throw ConfigError.at('event.detail', 'must be an object: {"policy": "...", "dryRun": true}');
  }
  return fromObject(d, ['event', 'detail']);
}

function fromText(text: string, path: Path): RunRequest {
  const t = text.trim();
  if (t.length > MAX_USER_EVENT) {
    throw ConfigError.at(formatPath(path), `longer than ${MAX_USER_EVENT} characters`);
  }
  if (!t.startsWith('{')) return t ? { policy: t, dryRun: undefined } : none();
  let parsed: unknown;
  try {
    parsed = JSON.parse(t);
  } catch {
    throw ConfigError.at(formatPath(path), 'starts with { but is not valid JSON');
  }
  if (!isObject(parsed)) throw ConfigError.at(formatPath(path), 'must be a JSON object');
  const twice = duplicateKey(t);
  if (twice) {
    throw ConfigError.at(
      formatPath([...path, ...twice.path, twice.key]),
      'duplicate key: a request must say each thing once',
    );
  }
  return fromObject(parsed, path);
}

function fromObject(o: Record<string, unknown>, path: Path): RunRequest {
  const parsed = requestSchema.safeParse(o);
  if (!parsed.success) {
    throw new ConfigError(capped(toConfigIssues(parsed.error.issues, path, suggest)));
  }
  return { policy: parsed.data.policy, dryRun: parsed.data.dryRun };
}

/** A request key in an envelope would be ignored, so it is refused instead. */
function refuseRequestKeys(envelope: Record<string, unknown>, where: string): void {
  const issues = Object.keys(envelope).flatMap((k) => {
    const meant = nearMiss(k);
    return meant
      ? [{ path: formatPath(['event', k]), message: `not read here: ${where}; put ${meant} there` }]
      : [];
  });
  if (issues.length > 0) throw new ConfigError(capped(issues));
}

function suggest(key: string): string | undefined {
  const meant = nearMiss(key);
  if (meant) return `did you mean ${meant}?`;
  if (key === 'detail') return 'an EventBridge event is recognised by its detail-type and source';
  if (key === 'trigger_type' || key === 'user_event') {
    return 'a FunctionGraph timer event has trigger_type "TIMER"';
  }
  return undefined;
}

/**
 * The request key a key was probably meant to be: `dryrun`, `dry_run`,
 * `DryRun`, `dryRun ` and `dyrRun` all mean `dryRun`.
 */
function nearMiss(key: string): 'policy' | 'dryRun' | undefined {
  const k = key.toLowerCase().replace(/[\s_.-]/g, '');
  if (k.startsWith('dry') || editDistance(k, 'dryrun') <= 2) return 'dryRun';
  if (k.startsWith('polic') || editDistance(k, 'policy') <= 2) return 'policy';
  return undefined;
}

function capped(issues: ConfigIssue[]): ConfigIssue[] {
  if (issues.length <= MAX_ISSUES) return issues;
  const rest = issues.length - MAX_ISSUES;
  return [...issues.slice(0, MAX_ISSUES), { path: 'event', message: `and ${rest} more problems` }];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function none(): RunRequest {
  return { policy: undefined, dryRun: undefined };
}
