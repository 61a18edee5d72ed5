import { REGION, regionEndpoint, serviceEndpoint, unknownRegionMessage } from '../cloud/endpoint';
import { ConfigError, type ConfigIssue } from '../errors';

/** Where failure notifications go: one SMN topic, and the endpoint that serves it. */
export interface NotifySettings {
  /** `urn:smn:{region}:{project_id}:{topic}` */
  topicUrn: string;
  /** SMN in the topic's region, from Huawei's region table (src/cloud/regions.ts), or `SMN_ENDPOINT`. */
  endpoint: string;
}

/** The parts of a topic URN. */
export interface TopicUrn {
  region: string;
  projectId: string;
  topic: string;
}

// A topic name: up to 255 letters, digits, hyphens and underscores, starting
// with a letter or digit. Project ids are hex in practice; letters and digits
// are accepted.
const TOPIC_URN = /^urn:smn:([^:]+):([A-Za-z0-9]{1,64}):([A-Za-z0-9][A-Za-z0-9_-]{0,254})$/;

const ENDPOINT_PATHS = { endpoint: 'env.SMN_ENDPOINT', region: 'env.SMN_TOPIC_URN' };
const URN_SHAPE =
  'must look like urn:smn:{region}:{project_id}:{topic}, e.g. urn:smn:cn-north-4:0b5e...:ops-alerts';

/**
 * The parts of an SMN topic URN, or `undefined` when it is not one.
 *
 * @example parseTopicUrn('urn:smn:cn-north-4:0b5e7d3a:ops') // { region: 'cn-north-4', projectId: '0b5e7d3a', topic: 'ops' }
 */
export function parseTopicUrn(urn: string): TopicUrn | undefined {
  const m = TOPIC_URN.exec(urn);
  if (!m?.[1] || !m[2] || !m[3] || !REGION.test(m[1])) return undefined;
  return { region: m[1], projectId: m[2], topic: m[3] };
}

/**
 * Checks `SMN_TOPIC_URN` and `SMN_ENDPOINT` as read from the environment.
 * Unset topic: no notifications. Errors name the variable and never repeat
 * its value (a pasted key would otherwise reach the log).
 *
 * @param projectId the function's project, when known: the topic must be in it.
 */
export function readNotifySettings(
  topicUrn: string | undefined,
  endpoint: string | undefined,
  projectId: string | undefined,
): { settings: NotifySettings | undefined; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  let origin: string | undefined;
  if (endpoint !== undefined) {
    try {
      origin = serviceEndpoint('smn', { endpoint }, ENDPOINT_PATHS);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      issues.push(...e.issues);
    }
  }
  if (topicUrn === undefined) {
    if (endpoint !== undefined) {
      issues.push({
        path: 'env.SMN_ENDPOINT',
        message: 'set without SMN_TOPIC_URN: nothing would be published; set both or neither',
      });
    }
    return { settings: undefined, issues };
  }
  const urn = parseTopicUrn(topicUrn);
  if (!urn) {
    issues.push({ path: 'env.SMN_TOPIC_URN', message: URN_SHAPE });
    return { settings: undefined, issues };
  }
  if (projectId !== undefined && urn.projectId !== projectId) {
    issues.push({
      path: 'env.SMN_TOPIC_URN',
      message:
        "the topic's project is not the function's project (HUAWEICLOUD_SDK_PROJECT_ID or RUNTIME_PROJECT_ID)",
    });
  }
  // SMN in cn-north-2 is under .cn: the endpoint comes from the table, or from SMN_ENDPOINT.
  const known = origin ?? regionEndpoint('smn', urn.region);
  if (!known) {
    issues.push({ path: 'env.SMN_TOPIC_URN', message: unknownRegionMessage('smn', urn.region) });
  }
  if (issues.length > 0 || !known) return { settings: undefined, issues };
  return { settings: { topicUrn, endpoint: known }, issues };
}
