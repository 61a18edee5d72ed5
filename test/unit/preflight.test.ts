import { describe, expect, it } from 'vitest';
import type { KafkaCluster } from '../../src/dms/wire';
import { judgeRestart } from '../../src/plan/evidence';
import {
  clusterProblem,
  healthLine,
  keptOffTally,
  preflightVerdict,
} from '../../src/plan/preflight';

const whole = {
  brokers: [
    { id: '0', healthy: true },
    { id: '1', healthy: true },
    { id: '2', healthy: true },
  ],
  partitions: 100,
  onlinePartitions: 100,
  replicas: 300,
  inSyncReplicas: 300,
};

describe('the pre-flight verdict', () => {
  it('passes a whole cluster without single-replica topics, with the counts', () => {
    const v = preflightVerdict({ cluster: whole, topics: [{ name: 'a', replication: 3 }] }, false);
    expect(v).toEqual({
      pass: true,
      health: '3 of 3 brokers healthy, 300 of 300 replicas in sync, 100 of 100 partitions online',
    });
  });

  it('names the counts of replicas out of sync, and offline partitions', () => {
    expect(preflightVerdict({ cluster: { ...whole, inSyncReplicas: 288 } }, false)).toMatchObject({
      pass: false,
      reason: expect.stringMatching(
        /^pre-flight: 12 of 300 replicas out of sync; a restart now could take partitions offline/,
      ),
    });
    expect(clusterProblem({ ...whole, onlinePartitions: 97 })).toBe('3 of 100 partitions offline');
  });

  it('names up to five single-replica topics and the count, unless allowed', () => {
    const topics = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((name) => ({ name, replication: 1 }));
    const v = preflightVerdict({ cluster: whole, topics }, false);
    expect(v.pass).toBe(false);
    if (!v.pass) expect(v.reason).toContain('7 topics with one replica (a, b, c, d, e and 2 more)');
    expect(preflightVerdict({ cluster: whole, topics }, true)).toMatchObject({
      pass: true,
      singleReplicaAllowed: 7,
    });
  });

  it('never takes a read that failed, or a missing topics list, for health', () => {
    expect(preflightVerdict({ unreadable: 'HTTP 500' }, true).pass).toBe(false);
    expect(preflightVerdict({ cluster: whole }, true).pass).toBe(false);
    expect(preflightVerdict({}, true).pass).toBe(false);
  });
});

/** The cluster with `field` left out, as a ShowCluster answer without it reads. */
function without(field: keyof KafkaCluster): KafkaCluster {
  const { [field]: _gone, ...rest } = whole;
  return rest;
}

describe('a ShowCluster answer without a field the judgement needs', () => {
  const topics = [{ name: 'a', replication: 3 }];

  it('keeps the instance off, naming the field, for each count and the broker list', () => {
    const cases: Array<[keyof KafkaCluster, string]> = [
      ['inSyncReplicas', 'in-sync replica count (isr_replicas_count)'],
      ['replicas', 'replica count (replicas_count)'],
      ['partitions', 'partition count (partitions_count)'],
      ['onlinePartitions', 'online partition count (online_partitions_count)'],
      ['brokers', 'broker list (brokers)'],
    ];
    for (const [field, words] of cases) {
      const v = preflightVerdict({ cluster: without(field), topics, brokerNum: 3 }, true);
      expect(v, field).toEqual({
        pass: false,
        kind: 'field-missing',
        reason: expect.stringMatching(
          new RegExp(
            `^pre-flight: ShowCluster gave no ${words.replace(/[()]/g, '\\$&')}; no evidence that a restart is safe \\(`,
          ),
        ),
      });
    }
  });

  it("keeps it off when a broker's health is missing, naming the broker", () => {
    const cluster = {
      ...whole,
      brokers: [{ id: '0', healthy: true }, { id: '1' }, { id: '2', healthy: true }],
    };
    expect(clusterProblem(cluster)).toBe('ShowCluster gave no health of broker 1 (is_health)');
    expect(preflightVerdict({ cluster, topics }, true)).toMatchObject({
      pass: false,
      kind: 'field-missing',
    });
  });

  it('says what is known and marks the unknown counts', () => {
    expect(healthLine(without('inSyncReplicas'))).toBe(
      '3 of 3 brokers healthy, ? of 300 replicas in sync, 100 of 100 partitions online',
    );
    expect(healthLine(without('brokers'), 3)).toBe(
      '? of 3 brokers healthy, 300 of 300 replicas in sync, 100 of 100 partitions online',
    );
  });

  it('names a problem the known counts show before a missing field', () => {
    const cluster = { ...without('inSyncReplicas'), onlinePartitions: 98 };
    expect(preflightVerdict({ cluster, topics }, true)).toMatchObject({
      pass: false,
      kind: 'partitions-offline',
    });
  });

  it('is never whole after a restart: the gate waits, then gives up, never confirms', () => {
    const look = {
      status: 'RUNNING',
      seenRestarting: true,
      cluster: without('inSyncReplicas'),
      registered: undefined,
      brokerNum: 3,
      heal: true,
      onsetMs: 120_000,
      timeoutMs: 600_000,
    };
    expect(judgeRestart({ ...look, elapsedMs: 60_000 })).toMatchObject({
      state: 'waiting',
      last: expect.stringContaining('ShowCluster gave no in-sync replica count'),
    });
    expect(judgeRestart({ ...look, elapsedMs: 600_000 })).toMatchObject({
      state: 'bad',
      reason: expect.stringContaining('ShowCluster gave no in-sync replica count'),
    });
  });
});

describe("the plan's tally of what the pre-flight kept off", () => {
  it('counts each kind of reason, in a fixed order', () => {
    expect(
      keptOffTally([
        { pass: false, text: '', kind: 'field-missing' },
        { pass: true, text: '' },
        { pass: false, text: '', kind: 'replicas-out-of-sync' },
        { pass: false, text: '', kind: 'field-missing' },
      ]),
    ).toBe('replicas out of sync: 1, field missing from ShowCluster: 2');
  });
});
