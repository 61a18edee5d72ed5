import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../simulator';
import { RESTART_POLICY, staging } from '../support/fleet';
import { actions, type RunOutcome, runHandler, writes } from '../support/harness';

let sim: Simulator;
afterEach(async () => {
  await sim?.stop();
});

const TOKEN = 'e2e-security-token-51c0d2';

async function run(): Promise<RunOutcome> {
  return runHandler(sim, {
    event: { policy: 'restart' },
    policy: RESTART_POLICY,
    env: { HUAWEICLOUD_SDK_SECURITY_TOKEN: TOKEN, DMS_RETRY_ATTEMPTS: '2' },
  });
}

/** Every place a run leaves text: the log lines, the rejection, the summary. */
function everythingPrinted(r: RunOutcome): string[] {
  const e = r.error as (Error & Record<string, unknown>) | undefined;
  return [
    r.raw,
    e?.message ?? '',
    e?.stack ?? '',
    e ? JSON.stringify({ ...e }) : '',
    ...r.summaries.map((s) => s.error ?? ''),
    ...r.outcomes.map((o) => o.reason ?? ''),
  ];
}

function expectNoSecret(r: RunOutcome): void {
  const secrets = [sim.ak, sim.sk, TOKEN, 'SDK-HMAC-SHA256', 'Signature='];
  for (const text of everythingPrinted(r)) {
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text.toLowerCase()).not.toContain('x-security-token');
  }
}

const SHAPES = [
  { shape: 'dms', code: 'DMS.00400000' },
  { shape: 'apig', code: 'APIG.0201' },
] as const;

describe('error bodies that echo the request headers', () => {
  for (const { shape, code } of SHAPES) {
    it(`keep keys, token and signature out of a failed listing (${shape} shape)`, async () => {
      sim = await startSimulator({ fleet: staging(2), securityToken: TOKEN });
      sim.inject({ route: 'listInstances', kind: 'echo-headers', status: 400, shape });
      const r = await run();
      expectNoSecret(r);

      // The echo reached us, and what it said is kept, scrubbed.
      expect(sim.requests[0]).toMatchObject({ fault: 'echo-headers:400', signatureValid: true });
      expect(r.error?.message).toMatch(
        new RegExp(`^ListInstances failed: HTTP 400, ${code.replace('.', '\\.')}, Bad request\\.`),
      );
      expect(r.error?.message).toContain('[redacted]');
      expect(r.summaries).toEqual([
        expect.objectContaining({ error: expect.stringContaining(`HTTP 400, ${code}`) }),
      ]);
      expect(r.lines).toContainEqual(expect.objectContaining({ kind: 'error' }));
      expect(writes(sim)).toHaveLength(0);
    });

    it(`keep keys, token and signature out of a failed restart (${shape} shape)`, async () => {
      sim = await startSimulator({ fleet: staging(2), securityToken: TOKEN });
      sim.inject({ route: 'instanceAction', kind: 'echo-headers', status: 403, shape });
      const r = await run();
      expectNoSecret(r);

      expect(actions(sim)).toHaveLength(1);
      expect(actions(sim)[0]).toMatchObject({ fault: 'echo-headers:403', signatureValid: true });
      expect(r.outcomes.map((o) => [o.outcome, o.errorCode])).toEqual([
        ['failed', code],
        ['failed', code],
      ]);
      expect(r.outcomes[0]?.reason).toContain('[redacted]');
      expect(r.error?.message).toBe(
        'policy restart: 2 of 2 instances failed (0 succeeded, 0 skipped)',
      );
    });
  }
});

describe('redirects', () => {
  it('fails a redirected restart without following it or sending it again', async () => {
    sim = await startSimulator({ fleet: staging(2), securityToken: TOKEN });
    const elsewhere = await startSimulator({
      fleet: staging(2),
      ak: sim.ak,
      sk: sim.sk,
      projectId: sim.projectId,
    });
    try {
      const location = `${elsewhere.endpoint}/v2/${sim.projectId}/instances/action`;
      sim.inject({ route: 'instanceAction', kind: 'redirect', status: 307, location });
      const r = await run();
      expectNoSecret(r);
      expect(actions(sim)).toHaveLength(1);
      expect(elsewhere.requests).toHaveLength(0);
      expect(r.outcomes.map((o) => o.outcome)).toEqual(['failed', 'failed']);
      expect(r.outcomes[0]?.reason).toMatch(
        /^RestartInstances failed: HTTP 307, redirect refused: redirects are never followed/,
      );
      expect(r.raw).not.toContain(location);
    } finally {
      await elsewhere.stop();
    }
  });
});
