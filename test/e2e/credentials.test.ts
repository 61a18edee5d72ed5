import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator';
import { RESTART_POLICY, staging } from '../support/fleet';
import { writePolicyFile } from '../support/harness';

const run = promisify(execFile);
const sims: Simulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.stop()));
});

const TOKEN = 'probe-security-token-7f3a9c';

async function capture(script: string, env: Record<string, string>): Promise<string> {
  const { stdout, stderr } = await run(process.execPath, [script], {
    env: { ...process.env, DEBUG: 'DEBUG', ...env },
    timeout: 30_000,
  });
  return stdout + stderr;
}

describe('credential hygiene', () => {
  it('prints no key, token or signature on failed calls, even with DEBUG=DEBUG', async () => {
    const sim = await startSimulator({ fleet: staging(1) });
    const failing = await startSimulator({
      fleet: staging(1),
      ak: sim.ak,
      sk: sim.sk,
      projectId: sim.projectId,
    });
    sims.push(sim, failing);
    failing.inject({ route: '*', kind: 'status', status: 500, times: Number.POSITIVE_INFINITY });

    const out = await capture('test/support/leak-probe.cjs', {
      PROBE_POLICY_FILE: writePolicyFile(RESTART_POLICY.replace('restart:', 'r:')),
      PROBE_PROJECT_ID: sim.projectId,
      PROBE_AK: sim.ak,
      PROBE_SK: sim.sk,
      PROBE_TOKEN: TOKEN,
      PROBE_ENDPOINT: sim.endpoint,
      PROBE_FAILING_ENDPOINT: failing.endpoint,
    });

    // The calls did fail, and did reach the servers, with the token on them.
    expect(out).toContain('"failures":3');
    expect(out).toMatch(/HTTP 401/);
    expect(out).toMatch(/HTTP 500/);
    expect(out).toMatch(/ECONNREFUSED/);
    expect(failing.requests.length).toBeGreaterThanOrEqual(3);
    expect(failing.requests.every((r) => r.signatureValid)).toBe(true);

    for (const secret of [sim.ak, sim.sk, TOKEN, 'wrong-secret', 'SDK-HMAC-SHA256', 'Signature=']) {
      expect(out).not.toContain(secret);
    }
    expect(out.toLowerCase()).not.toContain('authorization');
    expect(out.toLowerCase()).not.toContain('x-security-token');
  });

  it('would catch the SDK printing keys if the silencing were missing', async () => {
    const out = await capture('test/support/leak-control.cjs', {
      PROBE_AK: 'CONTROLACCESSKEY0001',
      PROBE_SK: 'control-secret',
    });
    expect(out).toContain('control done');
    expect(out).toContain('CONTROLACCESSKEY0001');
  });
});
