import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../simulator';
import { createDmsClient } from '../../src/dms/client';
import { staging } from '../support/fleet';

let sim: Simulator;
afterEach(async () => {
  await sim?.stop();
});

function client(s: Simulator) {
  return createDmsClient({
    credentials: { ak: s.ak, sk: s.sk },
    projectId: s.projectId,
    endpoint: s.endpoint,
  });
}

describe('the simulator knows Kafka', () => {
  it('takes brokers down one at a time during a restart, and single-replica partitions with them', async () => {
    let now = 1_000_000;
    const fleet = staging(1);
    const id = fleet[0]?.instance_id ?? '';
    sim = await startSimulator({
      fleet,
      fleetClock: () => now,
      restartOnsetMs: 0,
      restartDelayMs: 3_000,
      isrRecoveryMs: 1_000,
      kafka: {
        [id]: {
          brokers: 3,
          topics: [
            { name: 'a', replication: 3, partitions: 3 },
            { name: 'solo', replication: 1, partitions: 3 },
          ],
        },
      },
    });
    const dms = client(sim);
    const before = await dms.showCluster(id);
    expect(before).toEqual({
      brokers: ['0', '1', '2'].map((b) => ({
        id: b,
        healthy: true,
        registeredAt: Number(fleet[0]?.created_at),
      })),
      partitions: 6,
      onlinePartitions: 6,
      replicas: 12,
      inSyncReplicas: 12,
    });
    await dms.restartInstances([id]);
    const seen: string[] = [];
    for (const t of [0, 1_000, 2_000]) {
      now = 1_000_000 + t + 10;
      const c = await dms.showCluster(id);
      seen.push(
        (c.brokers ?? [])
          .filter((b) => !b.healthy)
          .map((b) => b.id)
          .join(),
      );
      // The broker down holds 3 replicas of `a` and one `solo` partition.
      expect(c.inSyncReplicas).toBe(8);
      expect(c.onlinePartitions).toBe(5);
    }
    expect(seen).toEqual(['0', '1', '2']);
    now = 1_000_000 + 3_100;
    const catchingUp = await dms.showCluster(id);
    expect((catchingUp.brokers ?? []).every((b) => b.healthy)).toBe(true);
    // Each broker registered again as it came back, one after the other.
    expect(catchingUp.brokers?.map((b) => b.registeredAt)).toEqual([
      1_001_000, 1_002_000, 1_003_000,
    ]);
    expect(catchingUp.inSyncReplicas).toBe(8);
    now = 1_000_000 + 4_100;
    expect((await dms.showCluster(id)).inSyncReplicas).toBe(12);
  });

  it('pages the topics as ListInstanceTopics does, and the client reads every page', async () => {
    const fleet = staging(1);
    const id = fleet[0]?.instance_id ?? '';
    const topics = Array.from({ length: 120 }, (_, i) => ({
      name: `t-${i}`,
      replication: i === 117 ? 1 : 3,
      partitions: 1,
    }));
    sim = await startSimulator({ fleet, kafka: { [id]: { topics } } });
    const got = await client(sim).listTopics(id);
    expect(got).toHaveLength(120);
    expect(got.filter((t) => t.replication === 1).map((t) => t.name)).toEqual(['t-117']);
    const pages = sim.requests.filter((r) => r.route === 'listTopics').map((r) => r.query.offset);
    expect(pages).toEqual(['0', '50', '100']);
  });

  it('refuses a topics listing whose total moved between pages', async () => {
    const fleet = staging(1);
    const id = fleet[0]?.instance_id ?? '';
    const topics = Array.from({ length: 60 }, (_, i) => ({
      name: `t-${i}`,
      replication: 3,
      partitions: 1,
    }));
    sim = await startSimulator({ fleet, kafka: { [id]: { topics } } });
    sim.inject({
      route: 'listTopics',
      after: 1,
      kind: 'mutate',
      apply: () => sim.setKafka(id, { topics: topics.slice(0, 55) }),
    });
    await expect(client(sim).listTopics(id)).rejects.toThrow(
      /topics changed while they were listed/,
    );
  });

  it('a broker that never comes back, and an instance out of sync from the start', async () => {
    let now = 5_000_000;
    const fleet = staging(2);
    const [a, b] = fleet.map((i) => i.instance_id) as [string, string];
    sim = await startSimulator({
      fleet,
      fleetClock: () => now,
      restartOnsetMs: 0,
      restartDelayMs: 1_000,
      kafka: { [a]: { breaksOnRestart: 1 }, [b]: { outOfSync: 4 } },
    });
    const dms = client(sim);
    const lag = await dms.showCluster(b);
    expect((lag.replicas ?? 0) - (lag.inSyncReplicas ?? 0)).toBe(4);
    await dms.restartInstances([a]);
    now += 60_000;
    const c = await dms.showCluster(a);
    expect(c.brokers?.find((x) => x.id === '1')?.healthy).toBe(false);
    expect(c.inSyncReplicas).toBeLessThan(c.replicas ?? 0);
  });

  it('leaves out of ShowCluster the fields it is told to, for that instance only, and the client reads them as unknown', async () => {
    const fleet = staging(2);
    const [gaps, full] = fleet.map((i) => i.instance_id) as [string, string];
    sim = await startSimulator({
      fleet,
      kafka: { [gaps]: { omit: ['isr_replicas_count', 'brokers.is_health'] } },
    });
    const dms = client(sim);
    const c = await dms.showCluster(gaps);
    expect(c.inSyncReplicas).toBeUndefined();
    expect(c.replicas).toBeGreaterThan(0);
    expect(c.brokers?.map((b) => b.healthy)).toEqual([undefined, undefined, undefined]);
    expect(c.brokers?.map((b) => b.id)).toEqual(['0', '1', '2']);
    const raw = await fetchCluster(gaps);
    expect(raw).not.toHaveProperty('isr_replicas_count');
    expect(raw.brokers[0]).not.toHaveProperty('is_health');
    expect(raw.brokers[0]).toHaveProperty('broker_id', '0');
    const other = await dms.showCluster(full);
    expect(other.inSyncReplicas).toBe(other.replicas);
    expect(other.brokers?.every((b) => b.healthy === true)).toBe(true);
    sim.setKafka(gaps, { omit: ['brokers'] });
    expect((await dms.showCluster(gaps)).brokers).toBeUndefined();
  });
});

/** ShowCluster's answer as sent, read through a rewrite that hands the body over untouched. */
async function fetchCluster(id: string): Promise<{ brokers: Record<string, unknown>[] }> {
  let seen: unknown;
  sim.inject({
    route: 'showCluster',
    kind: 'rewrite',
    edit: (body) => {
      seen = body;
      return body;
    },
  });
  await client(sim).showCluster(id);
  return (seen as { cluster: { brokers: Record<string, unknown>[] } }).cluster;
}
