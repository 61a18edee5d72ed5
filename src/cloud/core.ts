import type { HcClient } from './sdk';

const USER_AGENT = 'dms-kafka-maintenance';

export interface Credentials {
  ak: string;
  sk: string;
  /** Present with temporary credentials (FunctionGraph agency, STS). */
  securityToken?: string | undefined;
}

/**
 * Credentials that can change during a run: an agency's temporary keys,
 * renewed before they expire. Asked for before each call.
 */
export interface CredentialSource {
  current(): Promise<Credentials>;
}

/** Fixed credentials, or a source of renewed ones. */
export type Keys = Credentials | CredentialSource;

export function isCredentialSource(k: Keys): k is CredentialSource {
  return typeof (k as Partial<CredentialSource>).current === 'function';
}

/** Who signs, for which project; IAM's calls name none. */
interface Signer {
  credentials: Credentials;
  projectId?: string | undefined;
}

/**
 * A core client that signs with `opts.credentials` for `opts.projectId` and
 * sends to `endpoint`, loading the SDK core (dist/sdk.js in the bundle) on
 * first use. Shared by DMS, IAM and SMN calls, so all three are signed alike.
 */
export async function coreClient(opts: Signer, endpoint: string): Promise<HcClient> {
  return buildHcClient(await import('./sdk.js'), opts, endpoint);
}

function buildHcClient(
  { BasicCredentials, ClientBuilder }: typeof import('./sdk'),
  opts: Signer,
  endpoint: string,
): HcClient {
  const cred = new BasicCredentials().withAk(opts.credentials.ak).withSk(opts.credentials.sk);
  // Without a project id core would ask IAM for one only with a region set,
  // and the builder below sets an endpoint, never a region.
  if (opts.projectId) cred.withProjectId(opts.projectId);
  if (opts.credentials.securityToken) cred.withSecurityToken(opts.credentials.securityToken);
  // customUserAgent keeps build() from writing ~/.huaweicloud/application_id.
  return new ClientBuilder<HcClient>((c) => c)
    .withCredential(cred)
    .withEndpoint(endpoint)
    .withOptions({ customUserAgent: USER_AGENT })
    .build();
}
