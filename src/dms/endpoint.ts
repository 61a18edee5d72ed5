import { ConfigError } from '../errors';

const REGION = /^[a-z]{2}-[a-z]+-\d{1,3}$/;

/**
 * The DMS endpoint for a region id, or an explicit URL (VPC endpoint, proxy,
 * the simulator). eu-west-101 lives under the `.eu` domain.
 *
 * @example dmsEndpoint({ region: 'cn-north-4' }) // 'https://dms.cn-north-4.myhuaweicloud.com'
 */
export function dmsEndpoint(opts: { region?: string; endpoint?: string }): string {
  if (opts.endpoint) {
    let url: URL;
    try {
      url = new URL(opts.endpoint);
    } catch {
      throw ConfigError.at('endpoint', `not a URL: ${JSON.stringify(opts.endpoint)}`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw ConfigError.at('endpoint', `must be http or https, got ${url.protocol}`);
    }
    if (url.pathname !== '/' || url.search || url.username || url.password) {
      throw ConfigError.at('endpoint', 'must be a bare origin such as https://host:port');
    }
    return url.origin;
  }
  const region = opts.region;
  if (!region) throw ConfigError.at('region', 'a region id or an endpoint URL is required');
  if (!REGION.test(region)) {
    throw ConfigError.at('region', `not a region id: ${JSON.stringify(region)}`);
  }
  const domain = region === 'eu-west-101' ? 'myhuaweicloud.eu' : 'myhuaweicloud.com';
  return `https://dms.${region}.${domain}`;
}
