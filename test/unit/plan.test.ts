import { describe, expect, it } from 'vitest';
import type { KafkaInstance } from '../../src/dms/wire';
import { planCampaign } from '../../src/plan/campaign';
import { decide } from '../../src/plan/decision';
import { markTags, newMarkKey } from '../../src/plan/mark';
import { upfrontOf } from '../../src/plan/plan';
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
  return decide({
    policy: CAMPAIGN,
    listed,
    now,
    ownMarks: campaign.ownMarks,
    campaign: { period: campaign.period, window: campaign.window },
  });
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
    expect(upfrontOf(plan).map(brief)).toEqual([
      expect.stringMatching(/^c skipped .*status/),
      expect.stringMatching(/^e skipped .*status ERROR/),
    ]);
    expect(wouldDo(plan).map(brief)).toEqual([
      expect.stringMatching(/^b skipped already restarted in this window/),
      'a would-restart ',
      'd would-restart ',
    ]);
  });

  it('inside the cutoff, would start nothing', () => {
    const plan = campaignPlan(fleet, Date.parse('2026-03-07T03:45:00Z'));
    expect(wouldDo(plan).filter((r) => r.outcome === 'would-restart')).toEqual([]);
    // The live campaign's own words for the cutoff, from the same decision.
    expect(wouldDo(plan).at(-1)?.reason).toBe(
      'not started: no restart starts in the last 20 minutes of the window (from 2026-03-07T03:40:00Z)',
    );
  });

  it('when refused, records every instance it would have acted on as refused, and nothing it would do', () => {
    const small = policy(`    action: restart
    dryRun: false
    select: { tags: { env: staging } }
    maxInstances: 1
`);
    const plan = decide({
      policy: small,
      listed: [inst('a', 'RUNNING'), inst('d', 'RUNNING')],
      now: IN_WINDOW,
    });
    expect(plan.refusal).toMatch(/2 instances match, more than maxInstances 1/);
    expect(upfrontOf(plan).map((r) => r.outcome)).toEqual(['refused', 'refused']);
    expect(wouldDo(plan)).toEqual([]);
  });
});

describe('which instances a campaign restarts next', () => {
  it('takes the first batchSize eligible instances not yet recorded, in listing order', () => {
    const listed = ['a', 'b', 'c', 'd', 'e'].map((id) => inst(id, 'RUNNING'));
    const recorded = new Set(['b']);
    const next = decide({
      policy: CAMPAIGN,
      listed,
      now: IN_WINDOW,
      recorded: (id) => recorded.has(id),
    });
    const ids = (xs: KafkaInstance[]) => xs.map((i) => i.instance_id);
    expect(next.batches.map(ids)).toEqual([
      ['a', 'c'],
      ['d', 'e'],
    ]);
    expect(next.verdicts.filter((v) => v.by === 'earlier')).toEqual([]);
  });
});

/** What a dry run records besides what every run records. */
function wouldDo(plan: ReturnType<typeof decide>) {
  const first = new Set(upfrontOf(plan));
  return plan.verdicts.filter((v) => !first.has(v));
}
