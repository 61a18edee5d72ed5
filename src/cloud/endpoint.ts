import { ConfigError } from '../errors';

/** A Huawei Cloud region id such as `cn-north-4` or `eu-west-101`. */
export const REGION = /^[a-z]{2}-[a-z]+-\d{1,3}$/;

/** The services this project calls, by their endpoint prefix. */
export type CloudService = 'dms' | 'smn' | 'iam';

/** Where each service's endpoint is set: what to check when DNS does not know its host. */
export const ENDPOINT_SOURCE: Readonly<Record<CloudService, string>> = {
  dms: 'DMS_REGION or DMS_ENDPOINT',
  iam: "IAM_ENDPOINT or the account's regions",
  smn: 'SMN_TOPIC_URN or SMN_ENDPOINT',
};

/** Where the endpoint and the region came from, as error paths name them. */
export interface EndpointPaths {
  endpoint: string;
  region: string;
}

const OPTION_PATHS: EndpointPaths = { endpoint: 'endpoint', region: 'region' };

/**
 * The DMS endpoint for a region id, or an explicit URL (VPC endpoint, proxy,
 * the simulator). eu-west-101 lives under the `.eu` domain.
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
 * The endpoint of `service` in a region (`https://{service}.{region}.myhuaweicloud.com`,
 * `.eu` for eu-west-101), or an explicit origin, checked as {@link dmsEndpoint} does.
 *
 * @example serviceEndpoint('smn', { region: 'eu-west-101' }) // 'https://smn.eu-west-101.myhuaweicloud.eu'
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
    throw ConfigError.at(paths.region, 'not a region id such as cn-north-4 or eu-west-101');
  }
  const domain = region === 'eu-west-101' ? 'myhuaweicloud.eu' : 'myhuaweicloud.com';
  return `https://${service}.${region}.${domain}`;
}
