/**
 * A recorded fleet served again: ShowCluster as it was recorded, with a
 * restart here applied on top; a read DMS refused, refused again the same way;
 * ShowInstance's own fields beside the listing's.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadRecording, RECORDING_FORMAT, type Simulator, startSimulator } from '../../simulator';
import { createDmsClient } from '../../src/dms/client';
import { mk } from '../support/fleet';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

/** A client of `s`, and every body DMS answered it, by operation. */
function client(s: Simulator) {
  const bodies: Array<{ operation: string; body: unknown }> = [];
  const dms = createDmsClient({
    credentials: { ak: s.ak, sk: s.sk },
    projectId: s.projectId,
    endpoint: s.endpoint,
    onAnswer: (req, res) => bodies.push({ operation: req.operation, body: res.body }),
  });
  return { dms, last: () => bodies[bodies.length - 1]?.body };
}

/** A real cluster's answer: 16 partitions listed, 50 more of Kafka's own topic. */
const RECORDED = {
  cluster: {
    controller: '1',
    brokers: ['0', '1', '2'].map((id) => ({
      host: `10.0.0.${id}`,
      port: 9092,
      broker_id: id,
      is_controller: id === '1',
      version: '3.x',
      register_time: 1_700_000_000,
      is_health: true,
    })),
    topics_count: 1,
    partitions_count: 66,
    online_partitions_count: 66,
    replicas_count: 198,
    isr_replicas_count: 198,
    consumers_count: 4,
  },
};

const TOPIC = { name: 'a', replication: 3, partition: 16, retention_time: 168, custom: 'kept' };

describe('a recorded cluster', () => {
  it('is answered as recorded, with a restart here taking one broker at a time off its counts', async () => {
    let now = 5_000_000;
    const inst = mk('rec-1', 'kafka-rec-1', 'RUNNING', { env: 'staging' });
    sim = await startSimulator({
      fleet: [inst],
      fleetClock: () => now,
      restartOnsetMs: 0,
      restartDelayMs: 3_000,
      isrRecoveryMs: 1_000,
      kafka: {
        'rec-1': {
          brokers: 3,
          topics: [{ name: 'a', replication: 3, partitions: 16, fields: TOPIC }],
          recorded: { cluster: RECORDED },
        },
      },
    });
    const { dms, last } = client(sim);
    await dms.showCluster('rec-1');
    expect(last()).toEqual(RECORDED);
    expect(await dms.listTopics('rec-1')).toEqual([{ name: 'a', replication: 3 }]);
    expect(last()).toMatchObject({ total: 1, topics: [TOPIC] });

    await dms.restartInstances(['rec-1']);
    now += 10;
    const during = await dms.showCluster('rec-1');
    expect(during.brokers?.map((b) => b.healthy)).toEqual([false, true, true]);
    expect(during).toMatchObject({ partitions: 66, onlinePartitions: 66, replicas: 198 });
    expect(during.inSyncReplicas).toBe(198 - 16);

    now += 3_500;
    const catchingUp = await dms.showCluster('rec-1');
    expect(catchingUp.brokers?.every((b) => b.healthy)).toBe(true);
    expect(catchingUp.inSyncReplicas).toBe(198 - 16);

    now += 1_000;
    const caughtUp = await dms.showCluster('rec-1');
    expect(caughtUp.inSyncReplicas).toBe(198);
    // Each broker registered again when the restart brought it back.
    for (const b of caughtUp.brokers ?? []) expect(b.registeredAt).toBeGreaterThan(5_000_000);
    expect(last()).toMatchObject({ cluster: { consumers_count: 4, controller: '1' } });
  });
});

describe('a recording read back', () => {
  function fixture(): string {
    const dir = mkdtempSync(join(tmpdir(), 'dms-replay-'));
    for (const f of ['shown', 'clusters', 'topics']) mkdirSync(join(dir, f));
    const listed = ['r-1', 'r-2'].map((id) => mk(id, `kafka-${id}`, 'RUNNING'));
    writeFileSync(
      join(dir, 'manifest.json'),
      JSON.stringify({
        format: RECORDING_FORMAT,
        version: 1,
        recordedAt: '2026-03-01T00:00:00.000Z',
        region: 'cn-north-4',
        projectId: 'p0000000000000000000000000000001',
        failures: [
          {
            call: 'ShowCluster',
            instance: 'r-1',
            kind: 'client',
            status: 403,
            error_code: 'DMS.00403000',
            error_msg: 'no permission',
          },
          { call: 'ListInstanceTopics', instance: 'r-1', kind: 'network', error_msg: 'reset' },
        ],
      }),
    );
    writeFileSync(join(dir, 'instances.json'), JSON.stringify({ instances: listed }));
    writeFileSync(
      join(dir, 'shown', 'r-2.json'),
      JSON.stringify({ ...listed[1], name: 'other', kafka_manager_user: 'root' }),
    );
    const { isr_replicas_count: _, ...withoutIsr } = RECORDED.cluster;
    writeFileSync(join(dir, 'clusters', 'r-2.json'), JSON.stringify({ cluster: withoutIsr }));
    return dir;
  }

  it('refuses again what DMS refused, serves a cluster with a field left out as it came, and adds what ShowInstance showed', async () => {
    const { fleet, kafka, manifest } = loadRecording(fixture());
    sim = await startSimulator({ fleet, kafka, projectId: manifest.projectId });
    const { dms, last } = client(sim);
    await expect(dms.showCluster('r-1')).rejects.toMatchObject({
      httpStatus: 403,
      errorCode: 'DMS.00403000',
      errorMsg: 'no permission',
    });
    // A read that got no answer is not made up: the model's topics stand in.
    expect((await dms.listTopics('r-1')).length).toBeGreaterThan(0);
    // Served as it came: the field left out is read as unknown, never as a value.
    const partial = await dms.showCluster('r-2');
    expect(partial.inSyncReplicas).toBeUndefined();
    expect(partial.replicas).toBe(198);
    const shown = await dms.showInstance('r-2');
    expect(shown?.name).toBe('kafka-r-2');
    expect(last()).toMatchObject({ kafka_manager_user: 'root', name: 'kafka-r-2' });
  });
});
