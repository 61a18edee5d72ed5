import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../simulator';
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
    env: { ...process.env, ...env },
    timeout: 30_000,
  });
  return stdout + stderr;
}

/** A simulator that takes the same keys as `sim`, with every call answered by `fault`. */
async function twin(sim: Simulator, fault: Parameters<Simulator['inject']>[0]) {
  const s = await startSimulator({
    fleet: staging(1),
    ak: sim.ak,
    sk: sim.sk,
    projectId: sim.projectId,
  });
  sims.push(s);
  s.inject({ ...fault, times: Number.POSITIVE_INFINITY });
  return s;
}

// `debug` (behind follow-redirects and log4js) and core's own switch.
const DEBUG_VALUES = ['DEBUG', '*', 'follow-redirects', 'axios'];

describe('credential hygiene', () => {
  for (const debug of DEBUG_VALUES) {
    it(`prints no key, token or signature on failed, redirected or echoed calls with DEBUG=${debug}`, async () => {
      const sim = await startSimulator({ fleet: staging(1) });
      sims.push(sim);
      const failing = await twin(sim, { route: '*', kind: 'status', status: 500 });
      const elsewhere = await twin(sim, { route: '*', kind: 'busy' });
      const location = `${elsewhere.endpoint.replace('://', '://probe-user:probe-pass@')}/v2/${sim.projectId}/instances?token=probe-query`;
      const redirecting = await twin(sim, { route: '*', kind: 'redirect', status: 307, location });
      const echoing = await twin(sim, {
        route: '*',
        kind: 'echo-headers',
        status: 400,
        shape: 'dms',
      });

      const out = await capture('test/support/leak-probe.cjs', {
        DEBUG: debug,
        PROBE_POLICY_FILE: writePolicyFile(RESTART_POLICY.replace('restart:', 'r:')),
        PROBE_PROJECT_ID: sim.projectId,
        PROBE_AK: sim.ak,
        PROBE_SK: sim.sk,
        PROBE_TOKEN: TOKEN,
        PROBE_ENDPOINT: sim.endpoint,
        PROBE_FAILING_ENDPOINT: failing.endpoint,
        PROBE_REDIRECT_ENDPOINT: redirecting.endpoint,
        PROBE_ECHO_ENDPOINT: echoing.endpoint,
      });

      // The calls did fail, and did reach the servers, with the token on them.
      expect(out).toContain('"failures":5');
      expect(out).toMatch(/HTTP 401/);
      expect(out).toMatch(/HTTP 500/);
      expect(out).toMatch(/ECONNREFUSED/);
      expect(out).toMatch(/HTTP 307, redirect refused/);
      expect(out).toMatch(/HTTP 400, DMS\.00400000, Bad request\. Received headers/);
      expect(failing.requests.length).toBeGreaterThanOrEqual(3);
      expect(failing.requests.every((r) => r.signatureValid)).toBe(true);
      expect(echoing.requests.every((r) => r.signatureValid)).toBe(true);

      // The redirect was neither followed nor retried.
      expect(redirecting.requests).toHaveLength(1);
      expect(elsewhere.requests).toHaveLength(0);

      for (const secret of [
        sim.ak,
        sim.sk,
        TOKEN,
        'wrong-secret',
        'SDK-HMAC-SHA256',
        'Signature=',
        'probe-pass',
        'probe-query',
      ]) {
        expect(out).not.toContain(secret);
      }
      expect(out.toLowerCase()).not.toContain('authorization');
      expect(out.toLowerCase()).not.toContain('x-security-token');
    });
  }

  it('bundles no copy of the debug package, so no DEBUG value can turn a logger on', async () => {
    // `inspectOpts` is an export of the real package that minifying keeps; the
    // stand-in from scripts/stubs has none.
    // The SDK core and axios live in dist/sdk.js, loaded on the first call.
    const bundle =
      (await readFile('dist/index.js', 'utf8')) + (await readFile('dist/sdk.js', 'utf8'));
    // agent-base and https-proxy-agent log through `debug`; follow-redirects
    // is not bundled at all (scripts/stubs/follow-redirects.cjs).
    expect(bundle).toContain('https-proxy-agent');
    expect(bundle).toContain('redirects are never followed');
    expect(bundle).not.toContain('inspectOpts');
  });

  it('would catch the SDK printing keys if the silencing were missing', async () => {
    const out = await capture('test/support/leak-control.cjs', {
      DEBUG: 'DEBUG',
      PROBE_AK: 'CONTROLACCESSKEY0001',
      PROBE_SK: 'control-secret',
    });
    expect(out).toContain('control done');
    expect(out).toContain('CONTROLACCESSKEY0001');
  });
});
