import { describe, expect, it } from 'vitest';
import type { KafkaInstance } from '../../src/dms/wire';
import { approvalCheck, changedSince, fingerprintOf, parseApproval } from '../../src/plan/approval';
import {
  approvalOf,
  bindingProblems,
  documentProblems,
  sealApproval,
} from '../../src/plan/approval-binding';
import type { Account } from '../../src/policy/accounts';
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

describe("an approval's binding", () => {
  const account = (name: string, domainId?: string): Account => ({
    name,
    domainId,
    domainName: undefined,
    agency: domainId ? 'dms-kafka-maintenance' : undefined,
    maxDurationSeconds: 86_400,
    regions: [{ region: 'cn-north-4' }],
    tags: {},
  });
  const A = 'a'.repeat(32);
  const B = 'b'.repeat(32);
  const createdAt = Date.parse('2026-03-01T00:00:00Z');
  const written = approvalOf(
    [
      {
        plan: {
          policy,
          verdicts: [{ instance: inst('RUNNING', { env: 'staging' }), by: 'acted' }],
        },
        target: { region: 'cn-north-4', projectId: 'p1' },
      },
    ],
    {
      policyDigest: 'f'.repeat(64),
      accounts: [account('home'), account('pay', A)],
      createdAt,
      validForMs: 86_400_000,
    },
  );
  // As run --plan reads it: through JSON, so a key left undefined is gone.
  const read = parseApproval(JSON.stringify(written), 'a.json');

  it('survives a round trip through its file unchanged, and names a change to its digests alone', () => {
    expect(read.accounts).toEqual([{ name: 'home' }, { name: 'pay', domainId: A }]);
    expect(documentProblems(read, createdAt + 1000)).toEqual([]);
    const digest = { ...read.digest, all: '0'.repeat(64) };
    expect(documentProblems({ ...read, digest }, createdAt + 1000)).toEqual([
      {
        path: 'digest.all',
        message: 'the digests changed after the plan was written; plan and approve again',
      },
    ]);
  });

  it('names a validity that ends before it starts, and names every edited part at once', () => {
    const back = sealApproval({ ...read, validUntil: '2026-02-01T00:00:00.000Z' });
    expect(documentProblems(back, createdAt)).toEqual([
      { path: 'validUntil', message: '2026-02-01T00:00:00.000Z is not after createdAt' },
      {
        path: 'validUntil',
        message: 'the plan expired at 2026-02-01T00:00:00.000Z; plan and approve again',
      },
    ]);
    const two = { ...read, action: 'delete' as const, accounts: [] };
    expect(documentProblems(two, createdAt)[0]?.message).toBe(
      'the plan changed after it was written: the action, the accounts no longer match their digests; plan and approve again',
    );
  });

  it('holds the run to the accounts the plan covered: added, removed, renamed, another account', () => {
    const run = (accounts: Account[]) =>
      bindingProblems(read, { policy, accounts }).map((i) => i.message.split(' since ')[0]);
    expect(run([account('home'), account('pay', A)])).toEqual([]);
    expect(run([account('home'), account('pay', A), account('other', B)])).toEqual([
      `account "other" (domainId ${B}) was added`,
    ]);
    expect(run([account('pay', A)])).toEqual([
      `account "home" (this function's own account) was removed`,
    ]);
    expect(run([account('home'), account('payments', A)])).toEqual([
      `account "pay" (domainId ${A}) is now named "payments"`,
    ]);
    expect(run([account('home'), account('pay', B)])).toEqual([
      `account "pay" now names domainId ${B}, not domainId ${A}`,
    ]);
  });
});
