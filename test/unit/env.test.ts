import { describe, expect, it } from 'vitest';
import { readEnv } from '../../src/env';

describe('environment', () => {
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
});
