import { describe, expect, it } from 'vitest';
import { readEnv } from '../../src/invocation/env';
import { parseTopicUrn } from '../../src/notify/topic';

const PROJECT = '0b5e7d3a9c8f4e21a6d2c4b8f1e3a5c7';
const URN = `urn:smn:cn-north-4:${PROJECT}:ops-alerts`;

describe('SMN_TOPIC_URN and SMN_ENDPOINT', () => {
  it('means no notifications when unset or empty', () => {
    expect(readEnv({}, '/').notify).toBeUndefined();
    expect(readEnv({ SMN_TOPIC_URN: '  ' }, '/').notify).toBeUndefined();
  });

  it('takes the endpoint from the region in the URN, .eu for eu-west-101', () => {
    expect(readEnv({ SMN_TOPIC_URN: URN }, '/').notify).toEqual({
      topicUrn: URN,
      endpoint: 'https://smn.cn-north-4.myhuaweicloud.com',
    });
    const eu = `urn:smn:eu-west-101:${PROJECT}:ops`;
    expect(readEnv({ SMN_TOPIC_URN: eu }, '/').notify?.endpoint).toBe(
      'https://smn.eu-west-101.myhuaweicloud.eu',
    );
  });

  it("takes SMN's endpoint from its region table: cn-north-2 is under .cn", () => {
    const north2 = `urn:smn:cn-north-2:${PROJECT}:ops`;
    expect(readEnv({ SMN_TOPIC_URN: north2 }, '/').notify?.endpoint).toBe(
      'https://smn.cn-north-2.myhuaweicloud.cn',
    );
  });

  it('refuses a topic in a region the table does not hold, naming SMN_ENDPOINT, unless it is set', () => {
    const nowhere = `urn:smn:xx-nowhere-1:${PROJECT}:ops`;
    expect(() => readEnv({ SMN_TOPIC_URN: nowhere }, '/')).toThrow(
      /env\.SMN_TOPIC_URN: no SMN endpoint is known for region xx-nowhere-1 \(not in Huawei's region table, src\/cloud\/regions\.ts\); name one with SMN_ENDPOINT/,
    );
    const env = readEnv({ SMN_TOPIC_URN: nowhere, SMN_ENDPOINT: 'https://smn-vpcep.example' }, '/');
    expect(env.notify).toEqual({ topicUrn: nowhere, endpoint: 'https://smn-vpcep.example' });
  });

  it('lets SMN_ENDPOINT override the region, checked like DMS_ENDPOINT', () => {
    const env = readEnv({ SMN_TOPIC_URN: URN, SMN_ENDPOINT: 'http://127.0.0.1:9000' }, '/');
    expect(env.notify?.endpoint).toBe('http://127.0.0.1:9000');
    const bad = 'https://AK123:SK456@smn.example';
    let message = '';
    try {
      readEnv({ SMN_TOPIC_URN: URN, SMN_ENDPOINT: bad }, '/');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/env\.SMN_ENDPOINT: must not carry a user or password/);
    expect(message).not.toContain('SK456');
  });

  it('refuses a malformed URN by its path, without repeating it', () => {
    for (const v of [
      'ops-alerts',
      `urn:smn:cn-north-4:${PROJECT}`,
      `urn:sns:cn-north-4:${PROJECT}:ops`,
      `urn:smn:North4:${PROJECT}:ops`,
      `urn:smn:cn-north-4:${PROJECT}:-ops`,
      `urn:smn:cn-north-4:${PROJECT}:ops:sub-5293`,
      `urn:smn:cn-north-4:${PROJECT}:${'t'.repeat(256)}`,
      `urn:smn:cn-north-4:${PROJECT}:SECRETKEY value`,
    ]) {
      expect(() => readEnv({ SMN_TOPIC_URN: v }, '/'), v).toThrow(
        /env\.SMN_TOPIC_URN: must look like urn:smn:\{region\}:\{project_id\}:\{topic\}/,
      );
    }
    expect(() => readEnv({ SMN_TOPIC_URN: 'urn:SECRETKEY' }, '/')).not.toThrow(/SECRETKEY/);
  });

  it("refuses a topic outside the function's project", () => {
    expect(() =>
      readEnv({ SMN_TOPIC_URN: URN, HUAWEICLOUD_SDK_PROJECT_ID: 'ffff0000' }, '/'),
    ).toThrow(/env\.SMN_TOPIC_URN: the topic's project is not the function's project/);
    expect(readEnv({ SMN_TOPIC_URN: URN, RUNTIME_PROJECT_ID: PROJECT }, '/').notify?.topicUrn).toBe(
      URN,
    );
  });

  it('refuses SMN_ENDPOINT without a topic', () => {
    expect(() => readEnv({ SMN_ENDPOINT: 'http://127.0.0.1:9000' }, '/')).toThrow(
      /env\.SMN_ENDPOINT: set without SMN_TOPIC_URN/,
    );
  });

  it('splits a URN into region, project and topic', () => {
    expect(parseTopicUrn(URN)).toEqual({
      region: 'cn-north-4',
      projectId: PROJECT,
      topic: 'ops-alerts',
    });
    expect(parseTopicUrn('urn:smn:cn-north-4:p:t_1')).toEqual({
      region: 'cn-north-4',
      projectId: 'p',
      topic: 't_1',
    });
  });
});
