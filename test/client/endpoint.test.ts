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

describe("endpoints from Huawei's region tables (src/cloud/regions.ts)", () => {
  it('takes each endpoint from its table, which is not one pattern', () => {
    // SMN in cn-north-2 is under .cn (Go SDK services/smn/v2/region/region.go).
    expect(serviceEndpoint('smn', { region: 'cn-north-2' })).toBe(
      'https://smn.cn-north-2.myhuaweicloud.cn',
    );
    expect(serviceEndpoint('smn', { region: 'eu-west-101' })).toBe(
      'https://smn.eu-west-101.myhuaweicloud.eu',
    );
    expect(serviceEndpoint('dms', { region: 'cn-north-9' })).toBe(
      'https://dms.cn-north-9.myhuaweicloud.com',
    );
    expect(serviceEndpoint('dms', { region: 'my-kualalumpur-1' })).toBe(
      'https://dms.my-kualalumpur-1.myhuaweicloud.com',
    );
    expect(serviceEndpoint('iam', { region: 'cn-north-12' })).toBe(
      'https://iam.cn-north-12.myhuaweicloud.com',
    );
    expect(serviceEndpoint('sts', { region: 'ap-southeast-1' })).toBe(
      'https://sts.ap-southeast-1.myhuaweicloud.com',
    );
  });

  it('refuses a region its table does not hold, naming the region and the setting that gives an endpoint', () => {
    const cases = [
      ['dms', 'xx-nowhere-1', /DMS_ENDPOINT/],
      ['smn', 'xx-nowhere-1', /SMN_ENDPOINT/],
      ['iam', 'xx-nowhere-1', /IAM_ENDPOINT/],
      // STS is in fewer regions than IAM: cn-north-1 has IAM, and no STS.
      ['sts', 'cn-north-1', /STS_ENDPOINT/],
      // DMS has no ap-southeast-6 in the table: never guessed from a pattern.
      ['dms', 'ap-southeast-6', /DMS_ENDPOINT/],
    ] as const;
    for (const [service, region, setting] of cases) {
      const build = () => serviceEndpoint(service, { region });
      expect(build, `${service} ${region}`).toThrow(
        new RegExp(
          `region: no ${service.toUpperCase()} endpoint is known for region ${region} \\(not in Huawei's region table`,
        ),
      );
      expect(build).toThrow(setting);
      // An endpoint named for it is taken as it is.
      expect(serviceEndpoint(service, { region, endpoint: 'https://proxy.example:8443' })).toBe(
        'https://proxy.example:8443',
      );
    }
    expect(() =>
      createDmsClient({ credentials: { ak: AK, sk: SK }, projectId: 'p', region: 'xx-nowhere-1' }),
    ).toThrow(/no DMS endpoint is known for region xx-nowhere-1 .*DMS_ENDPOINT/);
  });
});
