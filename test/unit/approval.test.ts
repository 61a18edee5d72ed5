import { describe, expect, it } from 'vitest';
import type { KafkaInstance } from '../../src/dms/wire';
import { approvalCheck, changedSince, fingerprintOf, parseApproval } from '../../src/plan/approval';
import { parsePolicies } from '../../src/policy/load';

const policy = parsePolicies(`version: 1
policies:
  r:
    action: restart
    select: { tags: { env: staging, team: [data, web] } }
`).get('r');
if (!policy) throw new Error('r');

const inst = (status: string, tags: Record<string, string>, name = 'kafka-a'): KafkaInstance => ({
  instance_id: 'a',
  name,
  status,
  tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
});

describe('an approval', () => {
  const approved = inst('RUNNING', { env: 'staging', team: 'data', other: 'x' });
  const fp = fingerprintOf(approved, policy);

  it('fingerprints the name, the status and only the selected tags', () => {
    expect(fp).toEqual({
      name: 'kafka-a',
      status: 'RUNNING',
      tags: { env: 'staging', team: 'data' },
    });
  });

  it('names every change since approval, and none for a tag the policy does not select', () => {
    expect(
      changedSince(fp, inst('RUNNING', { env: 'staging', team: 'data', other: 'y' }), policy),
    ).toBeUndefined();
    expect(changedSince(fp, inst('ERROR', { env: 'staging' }, 'kafka-b'), policy)).toBe(
      'status RUNNING -> ERROR; name "kafka-a" -> "kafka-b"; tag team "data" -> (none)',
    );
  });

  it('turns an act verdict into a skip for an instance off the list or changed', () => {
    const check = approvalCheck([{ id: 'a', name: 'kafka-a', fingerprint: fp }], policy);
    expect(check(approved)).toBeUndefined();
    expect(check({ ...approved, instance_id: 'b' })).toEqual({
      verdict: 'skip',
      reason: 'not in the approved plan',
    });
    expect(check(inst('RUNNING', { env: 'staging', team: 'web' }))).toEqual({
      verdict: 'skip',
      reason: 'changed since the plan was approved: tag team "data" -> "web"',
    });
  });

  it('is refused with the path of each problem', () => {
    expect(() =>
      parseApproval('{"kind":"dms-kafka-maintenance/approved-plan","version":2}', 'a.json'),
    ).toThrow(/invalid configuration in a\.json:\n {2}version: /);
    expect(() => parseApproval('not json', 'a.json')).toThrow(/not JSON/);
  });
});
