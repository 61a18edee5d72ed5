import type { HcClient } from './sdk';

const USER_AGENT = 'dms-kafka-maintenance';

export interface DmsCredentials {
  ak: string;
  sk: string;
  /** Present with temporary credentials (FunctionGraph agency, STS). */
  securityToken?: string | undefined;
}

/** Who signs, for which project. */
interface Signer {
  credentials: DmsCredentials;
  projectId: string;
}

/**
 * A core client that signs with `opts.credentials` for `opts.projectId` and
 * sends to `endpoint`, loading the SDK core (dist/sdk.js in the bundle) on
 * first use. Shared by DMS and SMN calls, so both are signed alike.
 */
export async function coreClient(opts: Signer, endpoint: string): Promise<HcClient> {
  return buildHcClient(await import('./sdk.js'), opts, endpoint);
}

function buildHcClient(
  { BasicCredentials, ClientBuilder }: typeof import('./sdk'),
  opts: Signer,
  endpoint: string,
): HcClient {
  const cred = new BasicCredentials()
    .withAk(opts.credentials.ak)
    .withSk(opts.credentials.sk)
    .withProjectId(opts.projectId);
  if (opts.credentials.securityToken) cred.withSecurityToken(opts.credentials.securityToken);
  // customUserAgent keeps build() from writing ~/.huaweicloud/application_id.
  return new ClientBuilder<HcClient>((c) => c)
    .withCredential(cred)
    .withEndpoint(endpoint)
    .withOptions({ customUserAgent: USER_AGENT })
    .build();
}
