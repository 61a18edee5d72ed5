/**
 * Loads the SDK core for the simulator tests and silences its logger, which
 * would otherwise print whole requests, credentials included.
 */
import { AKSKSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner';
import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials';
import { ClientBuilder } from '@huaweicloud/huaweicloud-sdk-core/ClientBuilder';
import type { HcClient } from '@huaweicloud/huaweicloud-sdk-core/HcClient';
import log4js from 'log4js';
import type { Simulator } from '../../simulator';

log4js.configure({
  appenders: { out: { type: 'stdout' } },
  categories: { default: { appenders: ['out'], level: 'off' } },
});

export interface Creds {
  ak: string;
  sk: string;
  projectId: string;
  securityToken?: string;
}

export function credsOf(sim: Simulator, override: Partial<Creds> = {}): Creds {
  const base: Creds = { ak: sim.ak, sk: sim.sk, projectId: sim.projectId };
  if (sim.securityToken !== undefined) base.securityToken = sim.securityToken;
  return { ...base, ...override };
}

export function credential(c: Creds): BasicCredentials {
  const cred = new BasicCredentials().withAk(c.ak).withSk(c.sk).withProjectId(c.projectId);
  return c.securityToken === undefined ? cred : cred.withSecurityToken(c.securityToken);
}

/** An HcClient pointed at the simulator, built the way the facts file describes. */
export function sdkClient(sim: Simulator, override: Partial<Creds> = {}): HcClient {
  return new ClientBuilder((c: HcClient) => c)
    .withCredential(credential(credsOf(sim, override)))
    .withEndpoint(sim.endpoint)
    .withOptions({ customUserAgent: 'dms-kafka-maintenance-test' })
    .build();
}

export { AKSKSigner };
