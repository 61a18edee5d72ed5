import type { SdkResponse } from '@huaweicloud/huaweicloud-sdk-core/SdkResponse';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../simulator';
import { sdkClient } from './sdk';
import { signedRequest } from './signed';

interface SdkError {
  name: string;
  httpStatusCode?: number;
  errorCode?: string;
  errorMsg?: string;
  requestId?: string;
}

const LIST = {
  method: 'GET',
  url: '/v2/{project_id}/instances',
  queryParams: { engine: 'kafka', limit: 50, offset: 0 },
  headers: {},
  contentType: 'application/json',
};

function listWith(projectId: string, headers: Record<string, string> = {}) {
  return { ...LIST, pathParams: { project_id: projectId }, headers };
}

async function rejection(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise;
  } catch (error) {
    return error as SdkError;
  }
  throw new Error('expected the call to fail');
}

describe('requests signed by the SDK core', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSimulator();
  });
  afterEach(() => sim.stop());

  it('are accepted and answered', async () => {
    const res = await sdkClient(sim).sendRequest<
      SdkResponse & { instances?: unknown[]; instance_num?: number }
    >(listWith(sim.projectId));
    expect(res.instances).toHaveLength(19);
    expect(res.instance_num).toBe(19);
    expect(sim.requests).toHaveLength(1);
    expect(sim.requests[0]).toMatchObject({
      route: 'listInstances',
      signatureValid: true,
      status: 200,
    });
    expect(sim.requests[0]?.query).toEqual({ engine: 'kafka', limit: '50', offset: '0' });
  });

  it('carry a JSON body whose signature checks out', async () => {
    const res = await sdkClient(sim).sendRequest<SdkResponse & { results?: unknown[] }>({
      method: 'POST',
      url: '/v2/{project_id}/instances/action',
      pathParams: { project_id: sim.projectId },
      queryParams: {},
      headers: {},
      data: { action: 'restart', instances: ['5a1e0001-7c3b-4d2a-9f10-000000000001'] },
      contentType: 'application/json',
    });
    expect(res.results).toEqual([
      { result: 'success', instance: '5a1e0001-7c3b-4d2a-9f10-000000000001' },
    ]);
    expect(sim.requests[0]).toMatchObject({ signatureValid: true, status: 200 });
  });

  it('are refused with 401 when signed with the wrong SK', async () => {
    const error = await rejection(
      sdkClient(sim, { sk: 'not-the-secret' }).sendRequest(listWith(sim.projectId)),
    );
    expect(error).toMatchObject({
      name: 'ClientRequestException',
      httpStatusCode: 401,
      errorCode: 'APIG.0301',
    });
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sim.requests[0]).toMatchObject({
      signatureValid: false,
      authError: 'signature-mismatch',
      status: 401,
    });
  });

  it('are refused with 401 for another project', async () => {
    const error = await rejection(
      sdkClient(sim, { projectId: 'ffffffffffffffffffffffffffffffff' }).sendRequest(
        listWith('ffffffffffffffffffffffffffffffff'),
      ),
    );
    expect(error).toMatchObject({ httpStatusCode: 401, errorCode: 'APIG.0301' });
    expect(sim.requests[0]).toMatchObject({ signatureValid: true, authError: 'project-mismatch' });
  });

  it('are refused with 401 when the path names another project than X-Project-Id', async () => {
    const res = await signedRequest(sim, {
      path: '/v2/ffffffffffffffffffffffffffffffff/instances',
      query: { engine: 'kafka' },
    });
    expect(res.status).toBe(401);
    expect(sim.requests[0]?.authError).toBe('project-mismatch');
  });

  it('are refused with 401 when X-Sdk-Date is stale', async () => {
    const error = await rejection(
      sdkClient(sim).sendRequest(listWith(sim.projectId, { 'X-Sdk-Date': '20200101T000000Z' })),
    );
    expect(error).toMatchObject({ httpStatusCode: 401, errorCode: 'APIG.0301' });
    expect(error.errorMsg).toContain('signature expired');
    expect(sim.requests[0]).toMatchObject({ signatureValid: true, authError: 'expired-date' });
  });

  it('never get the keys or signature echoed in a 401 body', async () => {
    const res = await signedRequest(sim, {
      path: '/v2/{project_id}/instances',
      creds: { sk: 'wrong-sk-value' },
    });
    expect(res.status).toBe(401);
    expect(res.text).not.toContain(sim.ak);
    expect(res.text).not.toContain('wrong-sk-value');
    expect(res.text).not.toMatch(/[0-9a-f]{64}/);
  });
});

describe('a simulator with a security token', () => {
  it('accepts the token and refuses requests without it', async () => {
    const sim = await startSimulator({ securityToken: 'sts-token-123' });
    try {
      const ok = await sdkClient(sim).sendRequest<SdkResponse>(listWith(sim.projectId));
      expect(ok.httpStatusCode).toBe(200);
      const error = await rejection(
        sdkClient(sim, { securityToken: undefined }).sendRequest(listWith(sim.projectId)),
      );
      expect(error).toMatchObject({ httpStatusCode: 401 });
      expect(sim.requests[1]?.authError).toBe('token-mismatch');
    } finally {
      await sim.stop();
    }
  });
});

describe('a simulator with its own clock', () => {
  it('judges X-Sdk-Date against that clock', async () => {
    const sim = await startSimulator({ now: () => Date.now() + 60 * 60_000 });
    try {
      const error = await rejection(sdkClient(sim).sendRequest(listWith(sim.projectId)));
      expect(error).toMatchObject({ httpStatusCode: 401 });
      expect(sim.requests[0]?.authError).toBe('expired-date');
    } finally {
      await sim.stop();
    }
  });
});
