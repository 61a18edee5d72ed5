import { describe, expect, it } from 'vitest';
import { serviceEndpoint } from '../../src/cloud/endpoint';
import { createDmsClient } from '../../src/dms/client';

const AK = 'HPUAKENDPOINT0000001';
const SK = 'endpointSecretKey000000000000000000000001';

describe('the client endpoint option', () => {
  for (const endpoint of [
    `https://${AK}:${SK}@dms.example.com:99999`,
    `https://${AK}:${SK}@dms.example.com`,
    `https://dms.example.com/?ak=${AK}&sk=${SK}`,
  ]) {
    it(`refuses ${endpoint.replace(AK, 'AK').replace(SK, 'SK')}, naming endpoint, repeating no key`, () => {
      const build = () =>
        createDmsClient({ credentials: { ak: AK, sk: SK }, projectId: 'p', endpoint });
      expect(build).toThrow(/^invalid configuration:\n {2}endpoint: /);
      try {
        build();
      } catch (e) {
        expect(String(e)).not.toContain(AK);
        expect(String(e)).not.toContain(SK);
      }
    });
  }
});

describe("IAM's endpoint, where agency keys are asked for", () => {
  it('is IAM in the region, under .eu for eu-west-101, unless an origin is given', () => {
    expect(serviceEndpoint('iam', { region: 'cn-north-4' })).toBe(
      'https://iam.cn-north-4.myhuaweicloud.com',
    );
    expect(serviceEndpoint('iam', { region: 'eu-west-101' })).toBe(
      'https://iam.eu-west-101.myhuaweicloud.eu',
    );
    expect(serviceEndpoint('iam', { region: 'cn-north-4', endpoint: 'http://127.0.0.1:9' })).toBe(
      'http://127.0.0.1:9',
    );
  });
});
