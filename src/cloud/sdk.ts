/**
 * The one place that loads the SDK core. Core configures log4js at load time
 * to print, on every failed call, the whole request: Authorization and
 * X-Security-Token included. We turn log4js off right after core loads, so
 * nothing core logs can reach stdout, whatever DEBUG says.
 */
import { AKSKSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner';
import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials';
import { ClientBuilder } from '@huaweicloud/huaweicloud-sdk-core/ClientBuilder';
import type { HcClient } from '@huaweicloud/huaweicloud-sdk-core/HcClient';
import log4js from 'log4js';

log4js.configure({
  appenders: { off: { type: 'stdout' } },
  categories: { default: { appenders: ['off'], level: 'off' } },
});

// AKSKSigner is core's own signer, which core uses anyway: exported so that
// tests can compare the bundle's (scripts/build.mjs patches it) with core's.
export { AKSKSigner, BasicCredentials, ClientBuilder, type HcClient };
