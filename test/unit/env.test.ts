import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors';
import { readEnv } from '../../src/invocation/env';

/** The ConfigError readEnv throws for `source`. */
function refusal(source: Record<string, string>): ConfigError {
  try {
    readEnv(source, '/');
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected readEnv to refuse');
}

describe('environment', () => {
  it('takes a restart onset of 1 s to 10 min, 120 s by default', () => {
    expect(readEnv({}, '/x').restartOnsetMs).toBe(120_000);
    expect(readEnv({ RESTART_ONSET_MS: '30000' }, '/x').restartOnsetMs).toBe(30_000);
    expect(refusal({ RESTART_ONSET_MS: '500' }).message).toMatch(/env\.RESTART_ONSET_MS/);
  });

  it('takes only true or false for DRY_RUN', () => {
    expect(readEnv({ DRY_RUN: 'true' }, '/x').forceDryRun).toBe(true);
    expect(readEnv({ DRY_RUN: 'false' }, '/x').forceDryRun).toBe(false);
    expect(readEnv({}, '/x').forceDryRun).toBe(false);
    for (const v of ['yes', '1', 'TRUE', 'on']) {
      expect(() => readEnv({ DRY_RUN: v }, '/x')).toThrow(/env\.DRY_RUN: must be true or false/);
    }
  });

  it('finds policies.yaml in the code root unless POLICY_FILE says otherwise', () => {
    expect(readEnv({}, '/work').policyFile).toBe('/work/policies.yaml');
    expect(readEnv({ RUNTIME_CODE_ROOT: '/opt/function/code' }, '/work').policyFile).toBe(
      '/opt/function/code/policies.yaml',
    );
    expect(readEnv({ POLICY_FILE: 'conf/p.yml' }, '/work').policyFile).toBe('/work/conf/p.yml');
  });

  it('resolves a relative POLICY_FILE against the code root, not the working directory', () => {
    const root = { RUNTIME_CODE_ROOT: '/opt/function/code' };
    expect(readEnv({ ...root, POLICY_FILE: 'policies.yaml' }, '/').policyFile).toBe(
      '/opt/function/code/policies.yaml',
    );
    expect(readEnv({ ...root, POLICY_FILE: 'conf/../p.yml' }, '/tmp').policyFile).toBe(
      '/opt/function/code/p.yml',
    );
    expect(readEnv({ ...root, POLICY_FILE: '/etc/p.yml' }, '/tmp').policyFile).toBe('/etc/p.yml');
  });

  it('prefers HUAWEICLOUD_SDK_PROJECT_ID over RUNTIME_PROJECT_ID', () => {
    expect(readEnv({ RUNTIME_PROJECT_ID: 'r' }, '/').projectId).toBe('r');
    expect(
      readEnv({ RUNTIME_PROJECT_ID: 'r', HUAWEICLOUD_SDK_PROJECT_ID: 'h' }, '/').projectId,
    ).toBe('h');
  });

  it('wants AK and SK together', () => {
    expect(() => readEnv({ HUAWEICLOUD_SDK_AK: 'a' }, '/')).toThrow(/env\.HUAWEICLOUD_SDK_SK/);
    expect(readEnv({ HUAWEICLOUD_SDK_AK: 'a', HUAWEICLOUD_SDK_SK: 'b' }, '/').credentials).toEqual({
      ak: 'a',
      sk: 'b',
      securityToken: undefined,
    });
  });

  it('names every malformed number at once', () => {
    expect(() => readEnv({ DMS_RETRY_ATTEMPTS: '0', DMS_REQUEST_TIMEOUT_MS: '5s' }, '/')).toThrow(
      /env\.DMS_REQUEST_TIMEOUT_MS[\s\S]*env\.DMS_RETRY_ATTEMPTS/,
    );
  });

  it('takes a bare origin for DMS_ENDPOINT and a region id for DMS_REGION', () => {
    const env = readEnv(
      { DMS_ENDPOINT: 'https://dms.internal.example:8443', DMS_REGION: 'eu-west-101' },
      '/',
    );
    expect([env.endpoint, env.region]).toEqual([
      'https://dms.internal.example:8443',
      'eu-west-101',
    ]);
  });

  for (const endpoint of [
    'https://HPUAKSECRET000001:skSECRET0002@dms.example.com:99999',
    'https://HPUAKSECRET000001:skSECRET0002@dms.example.com',
    'https://user:pwSECRET0003@dms.example.com',
    'https://HPUAKSECRET000001@dms.example.com',
    'http:/HPUAKSECRET000001:skSECRET0002@dms.example.com',
    'HPUAKSECRET000001:skSECRET0002@dms.example.com',
    'https://dms.example.com/?ak=HPUAKSECRET000001&sk=skSECRET0002',
    'https://dms.example.com/#skSECRET0002',
    'https://dms.example.com/HPUAKSECRET000001',
  ]) {
    it(`refuses DMS_ENDPOINT ${endpoint.replace(/SECRET\d+/g, '…')} without repeating it`, () => {
      const e = refusal({ DMS_ENDPOINT: endpoint });
      expect(e.issues.map((i) => i.path)).toEqual(['env.DMS_ENDPOINT']);
      expect(e.message).not.toMatch(/SECRET|dms\.example/);
    });
  }

  it('says what is wrong with an endpoint that carries a user or password', () => {
    expect(refusal({ DMS_ENDPOINT: 'https://user:pw@dms.example.com' }).message).toBe(
      'invalid configuration in the environment:\n' +
        '  env.DMS_ENDPOINT: must not carry a user or password (user:pw@host)',
    );
  });

  it('refuses a malformed DMS_REGION without repeating it, even beside an endpoint', () => {
    for (const region of ['cn north 4', 'CN-NORTH-4', 'HPUAKSECRET000001', 'cn-north-4x']) {
      const e = refusal({ DMS_REGION: region, DMS_ENDPOINT: 'https://dms.example.com' });
      expect(e.issues).toEqual([
        {
          path: 'env.DMS_REGION',
          message: 'not a region id such as cn-north-4 or eu-west-101',
        },
      ]);
      expect(e.message).not.toContain(region);
    }
  });

  it("refuses a DMS_REGION DMS's region table does not hold, unless DMS_ENDPOINT names the endpoint", () => {
    const e = refusal({ DMS_REGION: 'xx-nowhere-1' });
    expect(e.issues).toEqual([
      {
        path: 'env.DMS_REGION',
        message:
          "no DMS endpoint is known for region xx-nowhere-1 (not in Huawei's region table, src/cloud/regions.ts); name one with DMS_ENDPOINT, or the target's (or the account region's) endpoint",
      },
    ]);
    const beside = readEnv(
      { DMS_REGION: 'xx-nowhere-1', DMS_ENDPOINT: 'https://dms-vpcep.example' },
      '/',
    );
    expect([beside.region, beside.endpoint]).toEqual(['xx-nowhere-1', 'https://dms-vpcep.example']);
    expect(readEnv({ DMS_REGION: 'cn-north-9' }, '/').region).toBe('cn-north-9');
  });

  it('takes STS_ENDPOINT as an origin, checked like IAM_ENDPOINT', () => {
    expect(readEnv({ STS_ENDPOINT: 'http://127.0.0.1:9' }, '/').stsEndpoint).toBe(
      'http://127.0.0.1:9',
    );
    expect(refusal({ STS_ENDPOINT: 'https://sts.example/v5' }).issues.map((i) => i.path)).toEqual([
      'env.STS_ENDPOINT',
    ]);
  });

  it('takes DMS_MAX_CONCURRENCY from 1 to 32, 8 when unset', () => {
    expect(readEnv({}, '/').maxConcurrency).toBe(8);
    expect(readEnv({ DMS_MAX_CONCURRENCY: '' }, '/').maxConcurrency).toBe(8);
    expect(readEnv({ DMS_MAX_CONCURRENCY: '1' }, '/').maxConcurrency).toBe(1);
    expect(readEnv({ DMS_MAX_CONCURRENCY: ' 32 ' }, '/').maxConcurrency).toBe(32);
  });

  for (const bad of ['0', '33', '-1', '4.5', '8x', 'eight', '1e1']) {
    it(`refuses DMS_MAX_CONCURRENCY=${bad}, naming env.DMS_MAX_CONCURRENCY`, () => {
      const e = refusal({ DMS_MAX_CONCURRENCY: bad });
      expect(e.issues).toEqual([
        {
          path: 'env.DMS_MAX_CONCURRENCY',
          message: `must be a whole number from 1 to 32, got ${JSON.stringify(bad)}`,
        },
      ]);
    });
  }
});
