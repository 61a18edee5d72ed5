import { regionEndpoint, unknownRegionMessage } from '../src/cloud/endpoint';
import type { ConfigIssue } from '../src/errors';
import type { Policy } from '../src/policy/resolve';

/** The settings that name an endpoint in place of a region's, as validate reads them. */
interface EndpointSettings {
  DMS_ENDPOINT?: string | undefined;
  IAM_ENDPOINT?: string | undefined;
  STS_ENDPOINT?: string | undefined;
}

/**
 * Every region a policy would call that Huawei's region tables
 * (src/cloud/regions.ts) do not hold, where no endpoint is named in its
 * place: the same refusals a run would meet, found offline. DMS in each
 * target's and account region's region; IAM where a project is looked up
 * (and, for an account named by its name, where its keys are asked for);
 * STS in one of the regions of an account named by its id. Each issue once,
 * by the path of the entry that names the region.
 */
export function regionIssues(policies: Iterable<Policy>, env: EndpointSettings): ConfigIssue[] {
  const issues = new Map<string, string>();
  const add = (path: string, message: string) => issues.set(`${path}\u0000${message}`, path);
  const set = (v: string | undefined) => Boolean(v?.trim());
  for (const p of policies) {
    for (const [i, t] of (p.targets ?? []).entries()) {
      if (t.endpoint || set(env.DMS_ENDPOINT) || regionEndpoint('dms', t.region)) continue;
      add(`policies.${p.name}.targets[${i}].region`, unknownRegionMessage('dms', t.region));
    }
    for (const a of p.accounts ?? []) {
      const at = `accounts.${a.name}.regions`;
      for (const r of a.regions) {
        if (!r.endpoint && !set(env.DMS_ENDPOINT) && !regionEndpoint('dms', r.region)) {
          add(at, unknownRegionMessage('dms', r.region));
        }
        const looksUp = !r.projectId || (a.agency && !a.domainId && r === a.regions[0]);
        if (looksUp && !set(env.IAM_ENDPOINT) && !regionEndpoint('iam', r.region)) {
          add(at, unknownRegionMessage('iam', r.region));
        }
      }
      const byId = a.agency && a.domainId;
      if (
        byId &&
        !set(env.STS_ENDPOINT) &&
        !a.regions.some((r) => regionEndpoint('sts', r.region))
      ) {
        add(
          at,
          unknownRegionMessage(
            'sts',
            a.regions.map((r) => r.region),
          ),
        );
      }
    }
  }
  return [...issues].map(([key, path]) => ({ path, message: key.slice(path.length + 1) }));
}
