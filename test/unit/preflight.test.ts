import { describe, expect, it } from 'vitest';
import { clusterProblem, preflightVerdict } from '../../src/plan/preflight';

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
