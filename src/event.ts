import { ConfigError } from './errors';

/** What an event asks for: which policy, and optionally a safer dry run. */
export interface RunRequest {
  policy: string | undefined;
  /** Only ever true: an event may make a run safer, never bolder. */
  dryRun: true | undefined;
}

const MAX_USER_EVENT = 2048;

/**
 * Reads the policy name from any event form we accept:
 * - a FunctionGraph TIMER event, whose `user_event` is a policy name or
 *   JSON `{"policy": "...", "dryRun": true}`;
 * - an EventBridge schedule's constant input `{"policy": "..."}`, which
 *   arrives as the event itself, or an event with `detail.policy`;
 * - a direct invocation `{"policy": "..."}`.
 *
 * @example parseEvent({ trigger_type: 'TIMER', user_event: 'nightly' }) // { policy: 'nightly' }
 */
export function parseEvent(event: unknown): RunRequest {
  if (event === undefined || event === null || event === '') return none();
  if (typeof event === 'string') return fromText(event, 'event');
  if (typeof event !== 'object' || Array.isArray(event)) {
    throw ConfigError.at('event', 'must be an object or a policy name');
  }
  const e = event as Record<string, unknown>;
  if (e.trigger_type === 'TIMER') {
    const ue = e.user_event;
    if (ue === undefined || ue === null || ue === '') return none();
    if (typeof ue !== 'string') throw ConfigError.at('event.user_event', 'must be a string');
    return fromText(ue, 'event.user_event');
  }
  if (e.policy !== undefined || e.dryRun !== undefined) return fromObject(e, 'event');
  const detail = e.detail;
  if (detail && typeof detail === 'object' && !Array.isArray(detail)) {
    const d = detail as Record<string, unknown>;
    if (d.policy !== undefined || d.dryRun !== undefined) return fromObject(d, 'event.detail');
  }
  return none();
}

function fromText(text: string, path: string): RunRequest {
  const t = text.trim();
  if (t.length > MAX_USER_EVENT)
    throw ConfigError.at(path, `longer than ${MAX_USER_EVENT} characters`);
  if (!t.startsWith('{')) return t ? { policy: t, dryRun: undefined } : none();
  let parsed: unknown;
  try {
    parsed = JSON.parse(t);
  } catch {
    throw ConfigError.at(path, 'starts with { but is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw ConfigError.at(path, 'must be a JSON object');
  }
  return fromObject(parsed as Record<string, unknown>, path);
}

function fromObject(o: Record<string, unknown>, path: string): RunRequest {
  const { policy, dryRun } = o;
  if (policy !== undefined && (typeof policy !== 'string' || policy.trim() === '')) {
    throw ConfigError.at(`${path}.policy`, 'must be a non-empty string');
  }
  if (dryRun !== undefined && dryRun !== true) {
    throw ConfigError.at(
      `${path}.dryRun`,
      'an event can only turn dry-run on (true); turn it off in the policy file',
    );
  }
  return { policy: policy?.trim(), dryRun };
}

function none(): RunRequest {
  return { policy: undefined, dryRun: undefined };
}
