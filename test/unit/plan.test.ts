import { describe, expect, it } from 'vitest';
import type { KafkaInstance } from '../../src/dms/wire';
import { nextWave, planCampaign } from '../../src/plan/campaign';
import { markTags, newMarkKey } from '../../src/plan/mark';
import { makePlan } from '../../src/plan/plan';
import { selectInstances } from '../../src/plan/select';
import { parsePolicies } from '../../src/policy/load';
import type { Policy } from '../../src/policy/resolve';

function policy(yaml: string): Policy {
  const p = [...parsePolicies(`version: 1\npolicies:\n  p:\n${yaml}`).values()][0];
  if (!p) throw new Error('no policy');
  return p;
}

const inst = (id: string, status: string, tags: KafkaInstance['tags'] = []): KafkaInstance => ({
  instance_id: id,
  name: `kafka-${id}`,
  engine: 'kafka',
  status: status as KafkaInstance['status'],
  tags: [{ key: 'env', value: 'staging' }, ...tags],
});

const CAMPAIGN = policy(`    action: restart
    dryRun: false
    select: { tags: { env: staging } }
    window: { timezone: Europe/Berlin, days: [sat, sun], start: "02:00", end: "05:00", cutoffMinutes: 20 }
    batchSize: 2
    maxInstances: 50
`);
// Saturday 2026-03-07, 03:00 in Berlin: the window is open.
const IN_WINDOW = Date.parse('2026-03-07T02:00:00Z');
const KEY = newMarkKey(new Uint8Array(12).fill(7));

function campaignPlan(listed: KafkaInstance[], now = IN_WINDOW) {
  const where = planCampaign(CAMPAIGN, now, KEY);
  if (!where.open) throw new Error('window closed');
  const { campaign } = where;
  const judging = { now, period: campaign.period, ownMarks: campaign.ownMarks };
  return makePlan(CAMPAIGN, listed, judging, { period: campaign.period, window: campaign.window });
}

describe('the plan', () => {
  const fleet = [
    inst('a', 'RUNNING'),
    inst('b', 'RUNNING', markTags(IN_WINDOW - 600_000, 'dms-maintenance.mark-other')),
    inst('c', 'RESIZING-SOMEWHERE'),
    inst('d', 'RUNNING'),
    inst('e', 'ERROR'),
  ];

  it('is plain data: it survives a round trip through JSON unchanged', () => {
    const plan = campaignPlan(fleet);
    expect(plan.unknownStatuses).toEqual({ 'RESIZING-SOMEWHERE': ['c'] });
    expect(plan.campaign?.window?.cutoffMinutes).toBe(20);
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  it('says what a dry run records: the skipped, what a run restarted earlier, and what it would restart', () => {
    const plan = campaignPlan(fleet);
    const brief = (r: { instance: KafkaInstance; outcome: string; reason?: string }) =>
      [r.instance.instance_id, r.outcome, r.reason ?? ''].join(' ');
    expect(plan.upfront.map(brief)).toEqual([
      expect.stringMatching(/^c skipped .*status/),
      expect.stringMatching(/^e skipped .*status ERROR/),
    ]);
    expect(plan.wouldDo.map(brief)).toEqual([
      expect.stringMatching(/^b skipped already restarted in this window/),
      'a would-restart ',
      'd would-restart ',
    ]);
  });

  it('inside the cutoff, would start nothing', () => {
    const plan = campaignPlan(fleet, Date.parse('2026-03-07T03:45:00Z'));
    expect(plan.wouldDo.filter((r) => r.outcome === 'would-restart')).toEqual([]);
    expect(plan.wouldDo.at(-1)?.reason).toBe('not started: inside the window cutoff');
  });

  it('when refused, records every instance it would have acted on as refused, and nothing it would do', () => {
    const small = policy(`    action: restart
    dryRun: false
    select: { tags: { env: staging } }
    maxInstances: 1
`);
    const plan = makePlan(small, [inst('a', 'RUNNING'), inst('d', 'RUNNING')], { now: IN_WINDOW });
    expect(plan.refusal).toMatch(/2 instances match, more than maxInstances 1/);
    expect(plan.upfront.map((r) => r.outcome)).toEqual(['refused', 'refused']);
    expect(plan.wouldDo).toEqual([]);
  });
});

describe('which instances a campaign restarts next', () => {
  it('takes the first batchSize eligible instances not yet recorded, in listing order', () => {
    const listed = ['a', 'b', 'c', 'd', 'e'].map((id) => inst(id, 'RUNNING'));
    const selection = selectInstances(listed, CAMPAIGN, { now: IN_WINDOW });
    const recorded = new Set(['b']);
    const next = nextWave(selection, (id) => recorded.has(id), 2);
    const ids = (xs: KafkaInstance[]) => xs.map((i) => i.instance_id);
    expect(ids(next.todo)).toEqual(['a', 'c', 'd', 'e']);
    expect(ids(next.wave)).toEqual(['a', 'c']);
    expect(ids(next.rest)).toEqual(['d', 'e']);
    expect(next.earlier).toEqual([]);
  });
});
