import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../simulator';
import { createDmsClient } from '../../src/dms/client';
import { type DmsApiError, isDmsApiError } from '../../src/dms/errors';
import { mk } from '../support/fleet';

const sims: Simulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.stop()));
});

async function pair(): Promise<{ sim: Simulator; elsewhere: Simulator; location: string }> {
  const sim = await startSimulator({ fleet: [mk('a', 'kafka-a', 'RUNNING')] });
  // Takes the same keys, so a followed redirect would succeed there.
  const elsewhere = await startSimulator({
    fleet: [mk('a', 'kafka-a', 'RUNNING')],
    ak: sim.ak,
    sk: sim.sk,
    projectId: sim.projectId,
  });
  sims.push(sim, elsewhere);
  const location = `${elsewhere.endpoint.replace('://', '://user:redirect-pw@')}/v2/${sim.projectId}/instances/action?sig=redirect-query`;
  return { sim, elsewhere, location };
}

async function failure(p: Promise<unknown>): Promise<DmsApiError> {
  try {
    await p;
  } catch (e) {
    if (isDmsApiError(e)) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

describe('redirects', () => {
  for (const status of [301, 302, 307, 308] as const) {
    it(`refuses a ${status} on a restart: not followed, not resent, Location not echoed`, async () => {
      const { sim, elsewhere, location } = await pair();
      sim.inject({ route: 'instanceAction', kind: 'redirect', status, location });
      const dms = createDmsClient({
        credentials: { ak: sim.ak, sk: sim.sk },
        projectId: sim.projectId,
        endpoint: sim.endpoint,
      });
      const e = await failure(dms.restartInstances(['a']));
      expect(e.kind).toBe('client');
      expect(e.retryable).toBe(false);
      expect(e.httpStatus).toBe(status);
      expect(e.message).toMatch(
        new RegExp(
          `^RestartInstances failed: HTTP ${status}, redirect refused: redirects are never followed, request id [0-9a-f-]{36}$`,
        ),
      );
      expect(sim.requests).toHaveLength(1);
      expect(elsewhere.requests).toHaveLength(0);
      expect(sim.instance('a')?.status).toBe('RUNNING');
      expect(elsewhere.instance('a')?.status).toBe('RUNNING');
    });
  }
});
