import { type CloudService, regionEndpoint } from '../../src/cloud/endpoint';
import type { ConfigIssue } from '../../src/errors';
import { parseTopicUrn } from '../../src/notify/topic';

/** Why a region the deploy names has no endpoint of `service`. */
function unknown(service: CloudService, region: string, setting: string): string {
  const name = service.toUpperCase();
  return `no ${name} endpoint is known for region ${region} (not in Huawei's region table, src/cloud/regions.ts), and this deploy sets no ${setting}`;
}

/**
 * deploy/terraform sets DMS_REGION to each function's region, and
 * SMN_TOPIC_URN from `smn_topic_urn`, with no DMS_ENDPOINT or SMN_ENDPOINT:
 * each region must be in Huawei's region table of its service
 * (src/cloud/regions.ts), or the function would refuse to start there.
 */
export function terraformRegionIssues(
  shown: string,
  values: Record<string, unknown>,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const regions = Object.keys((values.regions ?? {}) as Record<string, unknown>);
  const home = typeof values.region === 'string' ? values.region : undefined;
  const each = regions.length > 0 ? regions : home ? [home] : [];
  for (const region of each) {
    if (regionEndpoint('dms', region)) continue;
    const path = regions.length > 0 ? `variable.regions["${region}"]` : 'variable.region';
    issues.push({ path: `${shown} ${path}`, message: unknown('dms', region, 'DMS_ENDPOINT') });
  }
  const urn =
    typeof values.smn_topic_urn === 'string' ? parseTopicUrn(values.smn_topic_urn) : undefined;
  if (urn && !regionEndpoint('smn', urn.region)) {
    issues.push({
      path: `${shown} variable.smn_topic_urn`,
      message: unknown('smn', urn.region, 'SMN_ENDPOINT'),
    });
  }
  return issues;
}
