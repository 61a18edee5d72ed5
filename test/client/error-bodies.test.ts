import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_AK, DEMO_SK, type Simulator, startSimulator } from '../../simulator';
import { MAX_SERVER_TEXT, TRUNCATED } from '../../src/cloud/scrub';
import { createDmsClient } from '../../src/dms/client';
import { type DmsApiError, isDmsApiError } from '../../src/dms/errors';
import { mk } from '../support/fleet';

let sim: Simulator;
afterEach(async () => {
  await sim?.stop();
});

/** ShowInstance answered with `status` and exactly `body`. */
async function showFailing(status: number, body: unknown): Promise<DmsApiError> {
  sim = await startSimulator({ fleet: [mk('a', 'kafka-a', 'RUNNING')] });
  sim.inject({ route: 'showInstance', kind: 'raw', status, body: JSON.stringify(body) });
  const dms = createDmsClient({
    credentials: { ak: sim.ak, sk: sim.sk },
    projectId: sim.projectId,
    endpoint: sim.endpoint,
  });
  try {
    await dms.showInstance('a');
  } catch (e) {
    if (isDmsApiError(e)) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

describe('error bodies', () => {
  it("reads code and message from API Gateway's {error: {code, message}} shape", async () => {
    const e = await showFailing(403, {
      error: { code: 'APIG.0302', message: 'The IAM user is forbidden.' },
    });
    expect(e).toMatchObject({
      kind: 'client',
      httpStatus: 403,
      errorCode: 'APIG.0302',
      errorMsg: 'The IAM user is forbidden.',
    });
  });

  it('classifies a busy code in the nested shape as busy', async () => {
    const e = await showFailing(400, {
      error: { code: 'DMS.00400026', message: 'Another operation is in progress.' },
    });
    expect(e.kind).toBe('busy');
    expect(e.retryable).toBe(true);
  });

  it('says so when a code comes without a message', async () => {
    const e = await showFailing(400, { error_code: 'DMS.00400000' });
    expect(e.message).toMatch(/^ShowInstance failed: HTTP 400, DMS\.00400000, no error message,/);
  });

  it('caps a long error message', async () => {
    const e = await showFailing(400, { error_code: 'DMS.00400000', error_msg: 'x'.repeat(5000) });
    expect(e.errorMsg).toBe(`${'x'.repeat(MAX_SERVER_TEXT)}${TRUNCATED}`);
  });

  it('scrubs the keys from the code as well as from the message', async () => {
    const e = await showFailing(401, {
      error_code: `BAD_AK_${DEMO_AK}`,
      error_msg: `secret ${DEMO_SK} does not match`,
    });
    expect(e.errorCode).toBe('BAD_AK_[redacted]');
    expect(e.errorMsg).toBe('secret [redacted] does not match');
    expect(e.message).not.toContain(sim.ak);
    expect(e.message).not.toContain(sim.sk);
  });
});

describe('answers that do not fit', () => {
  it('never repeats the value it did not expect, which an echoing proxy may fill with a signed header', async () => {
    const sim = await startSimulator({ fleet: [] });
    try {
      const leak = `Authorization: SDK-HMAC-SHA256 Access=${sim.ak}, Signature=abc`;
      sim.inject({
        route: 'instanceAction',
        kind: 'raw',
        status: 200,
        body: JSON.stringify({ results: [{ result: leak, instance: 'a' }] }),
      });
      const dms = createDmsClient({
        credentials: { ak: sim.ak, sk: sim.sk },
        projectId: sim.projectId,
        endpoint: sim.endpoint,
      });
      const e = await dms.restartInstances(['a']).then(
        () => undefined,
        (err: Error) => err,
      );
      expect(e?.message).toMatch(
        /unexpected response: results\.0\.result: expected one of success, failed/,
      );
      expect(e?.message).not.toContain(sim.ak);
      expect(e?.message).not.toContain('SDK-HMAC-SHA256');
    } finally {
      await sim.stop();
    }
  });
});
