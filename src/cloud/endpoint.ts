import { ConfigError } from '../errors';
import { REGION_ENDPOINTS } from './regions';

/** A Huawei Cloud region id such as `cn-north-4` or `eu-west-101`. */
export const REGION = /^[a-z]{2}-[a-z]+-\d{1,3}$/;

/** What a malformed region id is told. */
export const REGION_SHAPE = 'not a region id such as cn-north-4 or eu-west-101';

/** The services this project calls, by their endpoint prefix. */
export type CloudService = keyof typeof REGION_ENDPOINTS;

/** Where each service's endpoint is set: what to check when DNS does not know its host. */
export const ENDPOINT_SOURCE: Readonly<Record<CloudService, string>> = {
  dms: 'DMS_REGION or DMS_ENDPOINT',
  iam: "IAM_ENDPOINT or the account's regions",
  sts: "STS_ENDPOINT or the account's regions",
  smn: 'SMN_TOPIC_URN or SMN_ENDPOINT',
};

/** The setting that names an endpoint where a service's region table has none. */
export const ENDPOINT_OVERRIDE: Readonly<Record<CloudService, string>> = {
  dms: "DMS_ENDPOINT, or the target's (or the account region's) endpoint",
  iam: 'IAM_ENDPOINT',
  sts: 'STS_ENDPOINT',
  smn: 'SMN_ENDPOINT',
};

/**
 * The public endpoint of `service` in `region`, from Huawei's region table
 * (src/cloud/regions.ts), or undefined when the table has none there.
 *
 * @example regionEndpoint('smn', 'cn-north-2') // 'https://smn.cn-north-2.myhuaweicloud.cn'
 */
export function regionEndpoint(service: CloudService, region: string): string | undefined {
  const table: Readonly<Record<string, string>> = REGION_ENDPOINTS[service];
  return Object.hasOwn(table, region) ? table[region] : undefined;
}

/** Why `region` (or each of `region`s, any of which would do) has no endpoint of `service`, naming the setting that gives one. */
export function unknownRegionMessage(
  service: CloudService,
  region: string | readonly string[],
): string {
  const which =
    typeof region === 'string' || region.length === 1
      ? `region ${String(region)}`
      : `any of the regions ${region.join(', ')}`;
  return `no ${service.toUpperCase()} endpoint is known for ${which} (not in Huawei's region table, src/cloud/regions.ts); name one with ${ENDPOINT_OVERRIDE[service]}`;
}

/** Where the endpoint and the region came from, as error paths name them. */
export interface EndpointPaths {
  endpoint: string;
  region: string;
}

const OPTION_PATHS: EndpointPaths = { endpoint: 'endpoint', region: 'region' };

/**
 * The DMS endpoint for a region id, from Huawei's region table, or an
 * explicit URL (VPC endpoint, proxy, the simulator).
 *
 * Errors never repeat the value: a malformed URL may hold keys as userinfo
 * (`https://AK:SK@host`) or in its query, and a misplaced key may sit in the
 * region. They name the input through `paths`.
 *
 * @example dmsEndpoint({ region: 'cn-north-4' }) // 'https://dms.cn-north-4.myhuaweicloud.com'
 * @example dmsEndpoint({ endpoint: process.env.DMS_ENDPOINT }, { endpoint: 'env.DMS_ENDPOINT', region: 'env.DMS_REGION' })
 */
export function dmsEndpoint(
  opts: { region?: string | undefined; endpoint?: string | undefined },
  paths: EndpointPaths = OPTION_PATHS,
): string {
  return serviceEndpoint('dms', opts, paths);
}

/**
 * The endpoint of `service` in a region, as Huawei's region table gives it
 * ({@link regionEndpoint}), or an explicit origin, checked as
 * {@link dmsEndpoint} does. A well-formed region the table does not hold is
 * refused, naming the region and the setting that names an endpoint
 * instead: an endpoint is never made up from a pattern.
 *
 * @example serviceEndpoint('smn', { region: 'cn-north-2' }) // 'https://smn.cn-north-2.myhuaweicloud.cn'
 */
export function serviceEndpoint(
  service: CloudService,
  opts: { region?: string | undefined; endpoint?: string | undefined },
  paths: EndpointPaths = OPTION_PATHS,
): string {
  if (opts.endpoint) {
    let url: URL;
    try {
      url = new URL(opts.endpoint);
    } catch {
      throw ConfigError.at(
        paths.endpoint,
        'not a valid URL; expected an origin such as https://host or https://host:port',
      );
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw ConfigError.at(paths.endpoint, 'must be http or https');
    }
    if (url.username || url.password) {
      throw ConfigError.at(paths.endpoint, 'must not carry a user or password (user:pw@host)');
    }
    if (url.pathname !== '/' || url.search || url.hash) {
      throw ConfigError.at(
        paths.endpoint,
        'must be a bare origin such as https://host:port, without path, query or fragment',
      );
    }
    return url.origin;
  }
  const region = opts.region;
  if (!region) throw ConfigError.at(paths.region, 'a region id or an endpoint URL is required');
  if (!REGION.test(region)) {
    throw ConfigError.at(paths.region, REGION_SHAPE);
  }
  const found = regionEndpoint(service, region);
  if (!found) throw ConfigError.at(paths.region, unknownRegionMessage(service, region));
  return found;
}
