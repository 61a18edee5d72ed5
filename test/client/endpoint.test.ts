import { describe, expect, it } from 'vitest';
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
