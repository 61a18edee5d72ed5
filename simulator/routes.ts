/** Maps a method and raw path to one of the DMS calls the simulator serves. */
import type { RouteName } from './types';

export interface Match {
  route: RouteName | 'unknown';
  instanceId?: string;
  topicUrn?: string;
}

const PATTERNS: { method: string; re: RegExp; route: RouteName; param?: 'topicUrn' }[] = [
  { method: 'GET', re: /^\/v2\/[^/]+\/instances$/, route: 'listInstances' },
  { method: 'POST', re: /^\/v5\/agencies\/assume$/, route: 'assumeAgency' },
  {
    method: 'POST',
    re: /^\/v3\.0\/OS-CREDENTIAL\/securitytokens$/,
    route: 'createTemporaryAccessKeyByAgency',
  },
  { method: 'GET', re: /^\/v3\/projects$/, route: 'listProjects' },
  { method: 'POST', re: /^\/v2\/[^/]+\/instances\/action$/, route: 'instanceAction' },
  { method: 'GET', re: /^\/v2\/[^/]+\/instances\/([^/]+)$/, route: 'showInstance' },
  {
    method: 'GET',
    re: /^\/v2\/[^/]+\/instances\/([^/]+)\/management\/cluster$/,
    route: 'showCluster',
  },
  { method: 'GET', re: /^\/v2\/[^/]+\/instances\/([^/]+)\/topics$/, route: 'listTopics' },
  { method: 'GET', re: /^\/v2\/[^/]+\/kafka\/tags$/, route: 'projectTags' },
  { method: 'GET', re: /^\/v2\/[^/]+\/recycle$/, route: 'showRecycle' },
  { method: 'GET', re: /^\/v2\/[^/]+\/kafka\/([^/]+)\/tags$/, route: 'showTags' },
  { method: 'POST', re: /^\/v2\/[^/]+\/kafka\/([^/]+)\/tags\/action$/, route: 'tagAction' },
  {
    method: 'POST',
    re: /^\/v2\/[^/]+\/notifications\/topics\/([^/]+)\/publish$/,
    route: 'publish',
    param: 'topicUrn',
  },
];

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function matchRoute(method: string, rawPath: string): Match {
  const path = rawPath.length > 1 && rawPath.endsWith('/') ? rawPath.slice(0, -1) : rawPath;
  for (const { method: m, re, route, param } of PATTERNS) {
    if (m !== method) continue;
    const found = re.exec(path);
    if (!found) continue;
    const id = found[1];
    if (id === undefined) return { route };
    return param === 'topicUrn'
      ? { route, topicUrn: decode(id) }
      : { route, instanceId: decode(id) };
  }
  return { route: 'unknown' };
}
