import { afterEach, describe, expect, it } from 'vitest';
import { type RestartEvent, type Simulator, startSimulator } from '../../simulator';
import { createDmsClient } from '../../src/dms/client';
import { staging } from '../support/fleet';

let sim: Simulator;
afterEach(async () => {
  await sim?.stop();
});

describe('what a test can watch of the simulator', () => {
  it('logs each restart as it is taken, begins and ends, on the fleet clock, and tells listeners inside the call', async () => {
    let now = 1_000_000;
    const fleet = staging(1);
    const id = fleet[0]?.instance_id ?? '';
    sim = await startSimulator({
      fleet,
      fleetClock: () => now,
      restartOnsetMs: 500,
      restartDelayMs: 3_000,
      kafka: { [id]: { breaksOnRestart: 1 } },
    });
    const heard: Array<RestartEvent & { status: string | undefined }> = [];
    const stop = sim.observe.onRestart((e) =>
      heard.push({ ...e, status: sim.instance(id)?.status }),
    );
    const dms = createDmsClient({
      credentials: { ak: sim.ak, sk: sim.sk },
      projectId: sim.projectId,
      endpoint: sim.endpoint,
    });
    expect(sim.observe.cluster(id)?.brokers.every((b) => b.healthy)).toBe(true);
    await dms.restartInstances([id]);
    // Heard inside the call, before the instance shows anything.
    expect(heard).toEqual([{ id, kind: 'accepted', at: 1_000_000, status: 'RUNNING' }]);
    now += 10_000;
    expect(sim.instance(id)?.status).toBe('RUNNING');
    expect(sim.observe.restarts).toEqual([
      { id, kind: 'accepted', at: 1_000_000 },
      { id, kind: 'began', at: 1_000_500 },
      { id, kind: 'ended', at: 1_003_500, status: 'RUNNING' },
    ]);
    // The broker that breaks on restart is down from then on, whatever a fault would say.
    sim.inject({ route: 'showCluster', kind: 'status', status: 500 });
    expect(sim.observe.cluster(id)?.brokers.find((b) => b.broker_id === 1)?.healthy).toBe(false);
    sim.observe.clearFaults();
    await expect(dms.showCluster(id)).resolves.toBeDefined();
    stop();
    expect(sim.observe.cluster('gone')).toBeUndefined();
  });
});
