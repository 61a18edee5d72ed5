import { describe, expect, it } from 'vitest';
import type { KafkaInstance } from '../../src/dms/wire';
import { selectInstances } from '../../src/plan/select';
import { parsePolicies } from '../../src/policy/load';
import type { Policy } from '../../src/policy/resolve';

function inst(
  id: string,
  name: string,
  status: string,
  tags: Record<string, string>,
): KafkaInstance {
  return {
    instance_id: id,
    name,
    status: status as KafkaInstance['status'],
    tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
  };
}

function policy(yaml: string): Policy {
  const p = [...parsePolicies(`version: 1\npolicies:\n  p:\n${yaml}`).values()][0];
  if (!p) throw new Error('no policy');
  return p;
}

const restart = (select: string, extra = '') =>
  policy(`    action: restart\n    select: ${select}\n${extra}`);

describe('selection', () => {
  it('never acts on an instance that carries a tag key twice; which value holds is unknown', () => {
    const twice = (id: string, first: string, last: string): KafkaInstance => ({
      instance_id: id,
      name: `kafka-${id}`,
      status: 'RUNNING',
      tags: [
        { key: 'env', value: first },
        { key: 'team', value: 'data' },
        { key: 'env', value: last },
      ],
    });
    const p = restart('{ tags: { env: staging, team: data } }');
    const sel = selectInstances([twice('a', 'prod', 'staging'), twice('b', 'staging', 'prod')], p);
    expect(sel.eligible).toEqual([]);
    expect(sel.candidates).toEqual([
      expect.objectContaining({
        verdict: 'skip',
        reason:
          'tag key "env" appears more than once; which value holds is unknown, so it is never acted on',
      }),
    ]);
    expect(sel.notMatched).toBe(1);
  });

  it('requires every select tag to match (AND)', () => {
    const p = restart('{ tags: { env: staging, team: data } }');
    const sel = selectInstances(
      [
        inst('a', 'kafka-a', 'RUNNING', { env: 'staging', team: 'data' }),
        inst('b', 'kafka-b', 'RUNNING', { env: 'staging' }),
        inst('c', 'kafka-c', 'RUNNING', { team: 'data' }),
      ],
      p,
    );
    expect(sel.eligible.map((i) => i.instance_id)).toEqual(['a']);
    expect(sel.notMatched).toBe(2);
  });

  it('matches tag values exactly and case-sensitively', () => {
    const p = restart('{ tags: { env: staging } }');
    const sel = selectInstances(
      [
        inst('a', 'x', 'RUNNING', { env: 'Staging' }),
        inst('b', 'x', 'RUNNING', { env: 'staging ' }),
        inst('c', 'x', 'RUNNING', { env: 'staging' }),
      ],
      p,
    );
    expect(sel.eligible.map((i) => i.instance_id)).toEqual(['c']);
  });

  it('treats a list of values as any-of, and { present: true } as key-present', () => {
    const p = restart('{ tags: { window: [sun-0200, any], owner: { present: true } } }');
    const sel = selectInstances(
      [
        inst('a', 'x', 'RUNNING', { window: 'any', owner: '' }),
        inst('b', 'x', 'RUNNING', { window: 'sun-0200', owner: 'bob' }),
        inst('c', 'x', 'RUNNING', { window: 'sat-0300', owner: 'bob' }),
        inst('d', 'x', 'RUNNING', { window: 'any' }),
      ],
      p,
    );
    expect(sel.eligible.map((i) => i.instance_id)).toEqual(['a', 'b']);
  });

  it('skips instances carrying an exclusion tag and says which tag', () => {
    const p = restart(
      '{ tags: { env: staging } }',
      '    exclude: { tags: { protect: "true", hold: { present: true } } }\n',
    );
    const sel = selectInstances(
      [
        inst('a', 'x', 'RUNNING', { env: 'staging', protect: 'true' }),
        inst('b', 'x', 'RUNNING', { env: 'staging', hold: 'until-friday' }),
        inst('c', 'x', 'RUNNING', { env: 'staging', protect: 'false' }),
      ],
      p,
    );
    expect(sel.eligible.map((i) => i.instance_id)).toEqual(['c']);
    expect(sel.candidates).toContainEqual(
      expect.objectContaining({ verdict: 'skip', reason: 'excluded by tag protect=true' }),
    );
    expect(sel.candidates).toContainEqual(
      expect.objectContaining({ verdict: 'skip', reason: 'excluded by tag hold=until-friday' }),
    );
  });

  it('excludes ignoring case and surrounding whitespace in tag keys and values', () => {
    const p = restart(
      '{ tags: { env: staging } }',
      '    exclude: { tags: { maintenance-protect: "true" } }\n',
    );
    const sel = selectInstances(
      [
        inst('a', 'x', 'RUNNING', { env: 'staging', 'maintenance-protect': 'True' }),
        inst('b', 'x', 'RUNNING', { env: 'staging', 'maintenance-protect': ' true' }),
        inst('c', 'x', 'RUNNING', { env: 'staging', 'Maintenance-Protect': 'true' }),
        inst('d', 'x', 'RUNNING', { env: 'staging', ' MAINTENANCE-PROTECT ': 'TRUE\t' }),
        inst('e', 'x', 'RUNNING', { env: 'staging', 'maintenance-protect': 'false' }),
        inst('f', 'x', 'RUNNING', { env: 'staging', 'maintenance-protect': 'truly' }),
        inst('g', 'x', 'RUNNING', { env: 'staging', 'maintenance-protection': 'true' }),
      ],
      p,
    );
    expect(sel.eligible.map((i) => i.instance_id)).toEqual(['e', 'f', 'g']);
    expect(
      sel.candidates.flatMap((c) =>
        c.verdict === 'skip' ? [[c.instance.instance_id, c.reason]] : [],
      ),
    ).toEqual([
      ['a', 'excluded by tag maintenance-protect=True'],
      ['b', 'excluded by tag maintenance-protect= true'],
      ['c', 'excluded by tag Maintenance-Protect=true'],
      ['d', 'excluded by tag  MAINTENANCE-PROTECT =TRUE\t'],
    ]);
  });

  it('excludes loosely with a list of values and with { present: true } too', () => {
    const p = restart(
      '{ tags: { env: staging } }',
      '    exclude: { tags: { tier: [gold, " Platinum "], Hold: { present: true } } }\n',
    );
    const sel = selectInstances(
      [
        inst('a', 'x', 'RUNNING', { env: 'staging', Tier: 'GOLD' }),
        inst('b', 'x', 'RUNNING', { env: 'staging', tier: 'platinum' }),
        inst('c', 'x', 'RUNNING', { env: 'staging', hold: '' }),
        inst('d', 'x', 'RUNNING', { env: 'staging', tier: 'silver' }),
      ],
      p,
    );
    expect(sel.eligible.map((i) => i.instance_id)).toEqual(['d']);
  });

  it('keeps select.tags exact while exclude.tags is loose', () => {
    const p = restart('{ tags: { env: staging, Team: data } }');
    const sel = selectInstances(
      [
        inst('a', 'x', 'RUNNING', { env: 'staging', team: 'data' }),
        inst('b', 'x', 'RUNNING', { env: 'staging', Team: ' data' }),
        inst('c', 'x', 'RUNNING', { env: 'staging', Team: 'data' }),
      ],
      p,
    );
    expect(sel.eligible.map((i) => i.instance_id)).toEqual(['c']);
  });

  it('matches any of the name globs', () => {
    const p = restart('{ tags: { env: staging }, names: ["kafka-stg-*", "legacy-??"] }');
    const sel = selectInstances(
      [
        inst('a', 'kafka-stg-orders', 'RUNNING', { env: 'staging' }),
        inst('b', 'legacy-01', 'RUNNING', { env: 'staging' }),
        inst('c', 'legacy-001', 'RUNNING', { env: 'staging' }),
        inst('d', 'kafka-prod-orders', 'RUNNING', { env: 'staging' }),
      ],
      p,
    );
    expect(sel.eligible.map((i) => i.instance_id)).toEqual(['a', 'b']);
  });

  it('skips matched instances whose status is not allowed, with the status in the reason', () => {
    const p = restart('{ tags: { env: staging } }');
    const sel = selectInstances(
      [
        inst('a', 'x', 'RESTARTING', { env: 'staging' }),
        inst('b', 'x', 'CREATING', { env: 'staging' }),
        inst('c', 'x', 'ERROR', { env: 'staging' }),
        inst('d', 'x', 'RUNNING', { env: 'staging' }),
      ],
      p,
    );
    expect(sel.eligible.map((i) => i.instance_id)).toEqual(['d']);
    expect(
      sel.candidates.filter((c) => c.verdict === 'skip').map((c) => 'reason' in c && c.reason),
    ).toEqual([
      'status RESTARTING is not one of RUNNING',
      'status CREATING is not one of RUNNING',
      'status ERROR is not one of RUNNING',
    ]);
  });

  it('lets a cleanup match CREATEFAILED instances only, whatever the tags say', () => {
    const p = policy('    action: cleanup-failed\n    select: { tags: { env: dev } }\n');
    const sel = selectInstances(
      [
        inst('a', 'x', 'CREATEFAILED', { env: 'dev' }),
        inst('b', 'x', 'RUNNING', { env: 'dev' }),
        inst('c', 'x', 'ERROR', { env: 'dev' }),
        inst('d', 'x', 'CREATEFAILED', { env: 'prod' }),
      ],
      p,
    );
    expect(sel.eligible.map((i) => i.instance_id)).toEqual(['a']);
    expect(sel.notMatched).toBe(3);
  });
});
