import type { SdkResponse } from '@huaweicloud/huaweicloud-sdk-core/SdkResponse';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../simulator';
import { sdkClient } from './sdk';
import { signedRequest } from './signed';

let sim: Simulator;
beforeEach(async () => {
  sim = await startSimulator({ fleet: [] });
});
afterEach(() => sim.stop());

const urn = () => `urn:smn:cn-north-4:${sim.projectId}:ops-alerts`;
const path = (topic: string) => `/v2/{project_id}/notifications/topics/${topic}/publish`;

function publishWith(sk?: string) {
  return sdkClient(sim, sk ? { sk } : {}).sendRequest<
    SdkResponse & { request_id?: string; message_id?: string }
  >({
    method: 'POST',
    url: '/v2/{project_id}/notifications/topics/{topic_urn}/publish',
    pathParams: { project_id: sim.projectId, topic_urn: urn() },
    queryParams: {},
    headers: {},
    data: { subject: 'run failed', message: 'policy p: 1 of 1 instances failed' },
    contentType: 'application/json',
  });
}

describe('SMN publish', () => {
  it('accepts a message signed by the SDK core, keeps it and answers its id', async () => {
    const res = await publishWith();
    expect(res.message_id).toMatch(/^[0-9a-f]{32}$/);
    expect(res.request_id).toMatch(/^[0-9a-f]{32}$/);
    expect(sim.requests[0]).toMatchObject({ route: 'publish', signatureValid: true, status: 200 });
    expect(sim.published).toEqual([
      {
        topicUrn: urn(),
        subject: 'run failed',
        message: 'policy p: 1 of 1 instances failed',
        messageId: res.message_id,
        at: expect.any(Number),
      },
    ]);
  });

  it('refuses a request signed with the wrong key, and keeps nothing', async () => {
    await expect(publishWith('not-the-secret')).rejects.toMatchObject({ httpStatusCode: 401 });
    expect(sim.requests[0]).toMatchObject({ route: 'publish', signatureValid: false });
    expect(sim.published).toEqual([]);
  });

  it('refuses a bad topic, a missing message and a subject over 512 bytes', async () => {
    const cases = [
      { topic: 'ops-alerts', body: { message: 'm' } },
      { topic: urn(), body: { subject: 's' } },
      { topic: urn(), body: { message: 'm', subject: 'é'.repeat(257) } },
      { topic: urn(), body: { message: 'x'.repeat(256 * 1024 + 1) } },
    ];
    for (const c of cases) {
      const res = await signedRequest(sim, { method: 'POST', path: path(c.topic), body: c.body });
      expect(res.status).toBe(400);
    }
    const ok = await signedRequest(sim, {
      method: 'POST',
      path: path(urn()),
      body: { message: 'm', subject: 'é'.repeat(256) },
    });
    expect(ok.status).toBe(200);
    expect(sim.published).toHaveLength(1);
  });

  it('takes faults like any other route', async () => {
    sim.inject({ route: 'publish', kind: 'status', status: 503 });
    const res = await signedRequest(sim, {
      method: 'POST',
      path: path(urn()),
      body: { message: 'm' },
    });
    expect(res.status).toBe(503);
    expect(sim.published).toEqual([]);
  });
});
