import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoFleet, type Simulator, startSimulator } from '../../simulator';
import { signedRequest } from './signed';

const ROOT = join(__dirname, '..', '..');

describe('stop()', () => {
  it('closes the server promptly even with a hung request and a keep-alive socket', async () => {
    const sim = await startSimulator();
    sim.inject({ route: 'listInstances', kind: 'hang' });
    const hung = signedRequest(sim, {
      path: '/v2/{project_id}/instances',
      query: { engine: 'kafka' },
      timeoutMs: 10_000,
    });
    const open = await fetch(`${sim.endpoint}/v2/${sim.projectId}/kafka/tags`, { keepalive: true });
    expect(open.status).toBe(401);
    while (sim.requests.length < 2) await new Promise((r) => setTimeout(r, 10));
    const started = Date.now();
    await sim.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(hung).rejects.toThrow();
    await expect(fetch(`${sim.endpoint}/`)).rejects.toThrow();
  });

  it('cancels pending restarts and delayed answers', async () => {
    const sim = await startSimulator({ restartDelayMs: 50 });
    sim.inject({ route: 'listInstances', kind: 'delay', ms: 5000 });
    const delayed = signedRequest(sim, {
      path: '/v2/{project_id}/instances',
      query: { engine: 'kafka' },
    });
    while (sim.requests.length < 1) await new Promise((r) => setTimeout(r, 10));
    await sim.stop();
    await expect(delayed).rejects.toThrow();
    await sim.stop();
  });
});

describe('startSimulator options', () => {
  it('uses the fleet, credentials and port it is given', async () => {
    const probe = await startSimulator({ fleet: [] });
    const port = Number(new URL(probe.endpoint).port);
    await probe.stop();
    const sim: Simulator = await startSimulator({
      fleet: [],
      port,
      ak: 'AK1',
      sk: 'SK1',
      projectId: 'p1',
    });
    try {
      expect(sim.endpoint).toBe(`http://127.0.0.1:${port}`);
      expect([sim.ak, sim.sk, sim.projectId]).toEqual(['AK1', 'SK1', 'p1']);
      const res = await signedRequest(sim, {
        path: '/v2/{project_id}/instances',
        query: { engine: 'kafka' },
      });
      expect(res.json()).toEqual({ instances: [], instance_num: 0 });
      sim.clearRequests();
      expect(sim.requests).toHaveLength(0);
    } finally {
      await sim.stop();
    }
  });

  it('refuses a fleet with duplicate ids', async () => {
    const [one] = demoFleet();
    if (!one) throw new Error('demo fleet is empty');
    await expect(startSimulator({ fleet: [one, one] })).rejects.toThrow(/duplicate/);
  });
});

describe('the simulator command', () => {
  it('prints export lines, serves requests, and stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['dist/cli.js', 'simulator', '--size', '30', '--seed', '5'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    while (!out.includes('HUAWEICLOUD_SDK_SK=')) {
      if (child.exitCode !== null) throw new Error(`the simulator exited early: ${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const value = (name: string) => new RegExp(`^export ${name}=(\\S+)$`, 'm').exec(out)?.[1] ?? '';
    const [endpoint, projectId, ak, sk] = [
      'DMS_ENDPOINT',
      'HUAWEICLOUD_SDK_PROJECT_ID',
      'HUAWEICLOUD_SDK_AK',
      'HUAWEICLOUD_SDK_SK',
    ].map(value);
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const fake = { endpoint, projectId, ak, sk } as Simulator;
    const res = await signedRequest(fake, {
      path: '/v2/{project_id}/instances',
      query: { engine: 'kafka', include_failure: 'true' },
    });
    expect(res.status).toBe(200);
    expect((res.json() as { instance_num: number }).instance_num).toBe(30);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });
});
