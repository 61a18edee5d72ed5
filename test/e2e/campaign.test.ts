import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../simulator';
import type { Clock } from '../../src/exec/clock';
import { mk } from '../support/fleet';
import { actions, batches, byOutcome, runHandler, tagWrites, writes } from '../support/harness';

let sim: Simulator;
afterEach(async () => {
  await sim?.stop();
});

const MIN = 60_000;
/** Saturday 2026-03-07 02:00 in Berlin (CET). */
const SAT_0200 = Date.parse('2026-03-07T01:00:00Z');

/**
 * One time for the handler and the simulator's fleet. Each sleep moves it
 * forward by what was asked and yields to the event loop for a moment.
 */
function movable(start: number) {
  let now = start;
  const clock: Clock = {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
      await new Promise((r) => setTimeout(r, 1));
    },
  };
  return {
    clock,
    now: () => now,
    set: (t: number) => {
      now = t;
    },
  };
}

/** `count` RUNNING production instances. */
const prod = (count: number) =>
  Array.from({ length: count }, (_, i) =>
    mk(`prod-${String(i).padStart(3, '0')}`, `kafka-prod-${i}`, 'RUNNING', { env: 'prod' }),
  );

const policy = (extra = '') => `version: 1
policies:
  weekly-prod-restart:
    action: restart
    dryRun: false
    select: { tags: { env: prod } }
    window: { timezone: Europe/Berlin, days: [sat, sun], start: "02:00", end: "05:00", cutoffMinutes: 20 }
    batchSize: 2
    maxInstances: 50
${extra}`;
const WAIT = '    waitForRunning: { timeoutSeconds: 720, pollSeconds: 20 }\n';

const env = { RUN_TIMEOUT_MS: String(15 * MIN), DEADLINE_MARGIN_MS: String(MIN) };

describe('a restart campaign', () => {
  it('outside its window makes no call at all, resolves, and names the next opening', async () => {
    const t = movable(Date.parse('2026-03-06T11:00:00Z')); // Friday noon in Berlin
    sim = await startSimulator({ fleet: prod(3), fleetClock: t.now });
    const run = await runHandler(sim, { policy: policy(), clock: t.clock, env });
    expect(run.error).toBeUndefined();
    expect(sim.requests).toHaveLength(0);
    expect(run.outcomes).toHaveLength(0);
    expect(run.result).toMatchObject({
      window: 'closed',
      windowOpens: '2026-03-07T01:00:00Z',
      matched: 0,
    });
  });

  it('restarts nothing on a second run in the same window, and again in the next one', async () => {
    const t = movable(SAT_0200 + 5 * MIN);
    sim = await startSimulator({ fleet: prod(3), fleetClock: t.now, restartDelayMs: 6 * MIN });
    const first = await runHandler(sim, { policy: policy(), clock: t.clock, env });
    expect(first.error).toBeUndefined();
    expect(byOutcome(first.outcomes).restarted).toEqual(['prod-000', 'prod-001', 'prod-002']);
    expect(first.result).toMatchObject({
      window: 'open',
      windowCloses: '2026-03-07T04:00:00Z',
      remaining: 0,
    });
    // The mark carries the time and, after `@`, the brokers' latest registration read before it.
    expect(sim.instance('prod-000')?.tags).toContainEqual({
      key: first.result?.markKey,
      value: `2026-03-07T01:05:00Z@${sim.instance('prod-000')?.created_at}`,
    });

    t.set(SAT_0200 + 15 * MIN);
    sim.clearRequests();
    const second = await runHandler(sim, { policy: policy(), clock: t.clock, env });
    expect(second.error).toBeUndefined();
    expect(writes(sim)).toHaveLength(0);
    expect(byOutcome(second.outcomes)).toEqual({ skipped: ['prod-000', 'prod-001', 'prod-002'] });
    expect(second.outcomes[0]?.reason).toBe(
      'already restarted in this window at 2026-03-07T01:05:00Z',
    );

    // Sunday's window is another occurrence: each instance is restarted once more.
    t.set(SAT_0200 + 24 * 60 * MIN);
    sim.clearRequests();
    const sunday = await runHandler(sim, { policy: policy(), clock: t.clock, env });
    expect(byOutcome(sunday.outcomes).restarted).toHaveLength(3);
  });

  it('restarts 12 instances in waves of 2 across timer runs, each once, never more than 2 at a time', async () => {
    const t = movable(SAT_0200);
    sim = await startSimulator({ fleet: prod(12), fleetClock: t.now, restartDelayMs: 6 * MIN });
    // Before each restart call: how many were restarting already.
    const restartingBefore: number[] = [];
    sim.inject({
      route: 'instanceAction',
      kind: 'mutate',
      times: Infinity,
      apply: () => {
        restartingBefore.push(sim.instances().filter((i) => i.status === 'RESTARTING').length);
      },
    });
    const runs = [];
    for (let tick = SAT_0200; tick < SAT_0200 + 90 * MIN; tick += 10 * MIN) {
      t.set(Math.max(t.now(), tick));
      const run = await runHandler(sim, { policy: policy(WAIT), clock: t.clock, env });
      runs.push(run);
      expect(run.error).toBeUndefined();
      if (run.result?.remaining === 0 && runs.length > 1) break;
    }
    const sent = batches(sim);
    expect(sent.every((b) => b.length <= 2)).toBe(true);
    expect(sent.flat().sort()).toEqual(prod(12).map((i) => i.instance_id));
    for (const [k, before] of restartingBefore.entries()) {
      expect(before + (sent[k]?.length ?? 0)).toBeLessThanOrEqual(2);
    }
    expect(runs.length).toBeGreaterThanOrEqual(3);
    // Every run but the last left work for the next one, and said how much.
    const remaining = runs.map((r) => r.result?.remaining);
    expect(remaining.at(-1)).toBe(0);
    expect(remaining.slice(0, -1).every((n) => (n ?? 0) > 0)).toBe(true);
    expect(sim.instances().every((i) => i.status === 'RUNNING')).toBe(true);
    const waves = runs.flatMap((r) => r.lines.filter((l) => l.kind === 'wave'));
    expect(waves.filter((w) => w.event === 'started')).toHaveLength(6);
    expect(waves.at(-1)).toMatchObject({ event: 'confirmed', done: 12, remaining: 0 });
  });

  it('stops on an instance that lands in ERROR, and every later run in the window rejects naming it', async () => {
    const t = movable(SAT_0200);
    sim = await startSimulator({ fleet: prod(6), fleetClock: t.now, restartDelayMs: 6 * MIN });
    // DMS lists the newest first: prod-005 and prod-004 make the first wave.
    sim.landNextRestartIn('prod-005', 'ERROR');
    const first = await runHandler(sim, { policy: policy(WAIT), clock: t.clock, env });
    expect(batches(sim)).toEqual([['prod-004', 'prod-005']]);
    expect(first.outcomes.find((o) => o.instanceId === 'prod-005')).toMatchObject({
      outcome: 'failed',
      reason: 'restarted, but then status ERROR instead of RUNNING',
    });
    expect(first.error).toBeDefined();

    t.set(SAT_0200 + 30 * MIN);
    sim.clearRequests();
    const later = await runHandler(sim, { policy: policy(WAIT), clock: t.clock, env });
    expect(actions(sim)).toHaveLength(0);
    expect(tagWrites(sim)).toHaveLength(0);
    expect(later.error?.message).toBe(
      'policy weekly-prod-restart: campaign stopped by kafka-prod-5 (prod-005): then status ERROR instead of RUNNING; 4 instances not restarted',
    );
    expect(later.summaries[0]).toMatchObject({ remaining: 4, failed: 1 });
  });

  it('resolves when the deadline cuts a run in the window, and rejects in the cutoff with work left', async () => {
    const t = movable(SAT_0200);
    sim = await startSimulator({ fleet: prod(8), fleetClock: t.now, restartDelayMs: 6 * MIN });
    const short = { ...env, RUN_TIMEOUT_MS: String(10 * MIN) };
    const cut = await runHandler(sim, { policy: policy(WAIT), clock: t.clock, env: short });
    expect(cut.error).toBeUndefined();
    expect(cut.result).toMatchObject({ complete: false, window: 'open' });
    expect(cut.result?.remaining).toBeGreaterThan(0);

    // 04:45 local: inside the last 20 minutes.
    t.set(SAT_0200 + 165 * MIN);
    sim.clearRequests();
    const closing = await runHandler(sim, { policy: policy(WAIT), clock: t.clock, env });
    expect(writes(sim)).toHaveLength(0);
    const left = closing.summaries[0]?.remaining ?? 0;
    expect(left).toBeGreaterThan(0);
    expect(closing.error?.message).toBe(
      `policy weekly-prod-restart: window closing with ${left} instances not restarted`,
    );
  });

  it('removes its mark when DMS refuses the restart, so the next run restarts the instance', async () => {
    const t = movable(SAT_0200);
    sim = await startSimulator({ fleet: prod(1), fleetClock: t.now, restartDelayMs: 6 * MIN });
    sim.inject({
      route: 'instanceAction',
      kind: 'raw',
      status: 403,
      body: JSON.stringify({ error_code: 'DMS.00403000', error_msg: 'forbidden' }),
    });
    const refused = await runHandler(sim, { policy: policy(), clock: t.clock, env });
    expect(refused.outcomes[0]).toMatchObject({ outcome: 'failed', errorCode: 'DMS.00403000' });
    expect(tagWrites(sim).map(([, action]) => action)).toEqual(['create', 'delete']);
    expect(sim.instance('prod-000')?.tags).toEqual([{ key: 'env', value: 'prod' }]);
    const unmark = refused.lines.find((l) => l.operation === 'UnmarkRestarted');
    expect(unmark).toBeDefined();

    t.set(SAT_0200 + 10 * MIN);
    const next = await runHandler(sim, { policy: policy(), clock: t.clock, env });
    expect(next.outcomes[0]?.outcome).toBe('restarted');
    expect(batches(sim)).toEqual([['prod-000'], ['prod-000']]);
  });

  it('never restarts an instance twice when two invocations overlap', async () => {
    const offset = SAT_0200 + 10 * MIN - Date.now();
    const clock: Clock = {
      now: () => Date.now() + offset,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    };
    sim = await startSimulator({
      fleet: prod(4),
      fleetClock: clock.now,
      restartDelayMs: 1_500,
    });
    const wait = '    waitForRunning: { timeoutSeconds: 60, pollSeconds: 1 }\n';
    // The simulator restarts in 1.5 s, well inside the 120 s a real restart's onset may take:
    // a run that sees another's fresh mark waits out this shorter onset instead.
    const overlap = { ...env, MARK_SETTLE_MS: '300', RESTART_ONSET_MS: '3000' };
    const runs = await Promise.all([
      runHandler(sim, { policy: policy(wait), clock, env: overlap }),
      new Promise((r) => setTimeout(r, 300)).then(() =>
        runHandler(sim, { policy: policy(wait), clock, env: overlap }),
      ),
      runHandler(sim, { policy: policy(wait), clock, env: overlap }),
    ]);
    for (const r of runs) expect(r.error).toBeUndefined();
    const sent = batches(sim).flat().sort();
    expect(sent.length).toBeGreaterThan(0);
    expect(new Set(sent).size).toBe(sent.length);
    const restarted = runs.flatMap((r) => r.outcomes.filter((o) => o.outcome === 'restarted'));
    expect(restarted.map((o) => o.instanceId).sort()).toEqual(sent);
    // Two runs that marked an instance at the same time both left it, and took their marks off.
    const left = ['prod-000', 'prod-001', 'prod-002', 'prod-003'].filter(
      (id) => !sent.includes(id),
    );
    for (const id of left) {
      expect(sim.instance(id)?.tags.filter((t) => t.key.startsWith('dms-maintenance.'))).toEqual(
        [],
      );
    }
    // The next run restarts exactly those.
    sim.clearRequests();
    const next = await runHandler(sim, { policy: policy(wait), clock, env: overlap });
    expect(next.error).toBeUndefined();
    expect(batches(sim).flat().sort()).toEqual(left);
  }, 30_000);

  const othersMarks: Array<[string, Record<string, string>]> = [
    ['its own key', { 'dms-maintenance.mark-otherrun2345': '2026-03-07T01:09:30Z' }],
    [
      'the two-tag mark of earlier builds',
      {
        'dms-maintenance.restarted-at': '2026-03-07T01:09:30Z',
        'dms-maintenance.restarted-by': 'req-other',
      },
    ],
  ];
  for (const [kind, marks] of othersMarks) {
    it(`does not restart what another run marked (${kind}) and restarted after this run listed it`, async () => {
      const t = movable(SAT_0200 + 10 * MIN);
      sim = await startSimulator({ fleet: prod(2), fleetClock: t.now, restartDelayMs: 6 * MIN });
      // Between this run's listing and its first mark, another run marks prod-000, restarts
      // it, and it is RUNNING again: nothing this run listed shows it.
      sim.inject({
        route: 'tagAction',
        kind: 'mutate',
        apply: () => sim.setTags('prod-000', { env: 'prod', ...marks }),
      });
      const run = await runHandler(sim, { policy: policy(), clock: t.clock, env });
      expect(run.error).toBeUndefined();
      expect(batches(sim)).toEqual([['prod-001']]);
      expect(run.outcomes.find((o) => o.instanceId === 'prod-000')).toMatchObject({
        outcome: 'skipped',
        reason:
          'changed since the listing (no visible change): another run marked it too, at 2026-03-07T01:09:30Z; left to that run or the next',
      });
      // Its own mark is taken off again; the other run's stays.
      const others = Object.entries(marks).map(([key, value]) => ({ key, value }));
      expect(sim.instance('prod-000')?.tags).toEqual([{ key: 'env', value: 'prod' }, ...others]);
      // One read per instance before its restart: each after its mark, none before it;
      // and prod-000 read back once more after its mark came off.
      const shows = sim.requests.filter((r) => r.route === 'showInstance').map((r) => r.path);
      expect(shows.map((p) => p.split('/').pop()).sort()).toEqual([
        'prod-000',
        'prod-000',
        'prod-001',
      ]);
      const firstMark = (id: string) =>
        sim.requests.find((r) => r.route === 'tagAction' && r.path.includes(`/${id}/`))?.seq ?? 0;
      for (const r of sim.requests.filter((q) => q.route === 'showInstance')) {
        expect(r.seq).toBeGreaterThan(firstMark(r.path.split('/').pop() ?? ''));
      }
    });
  }

  it('skips an instance deleted between the listing and its mark, and goes on', async () => {
    const t = movable(SAT_0200 + 10 * MIN);
    sim = await startSimulator({ fleet: prod(2), fleetClock: t.now, restartDelayMs: 6 * MIN });
    sim.inject({ route: 'tagAction', kind: 'mutate', apply: () => sim.removeInstance('prod-000') });
    const run = await runHandler(sim, { policy: policy(), clock: t.clock, env });
    expect(run.error).toBeUndefined();
    expect(batches(sim)).toEqual([['prod-001']]);
    expect(run.outcomes.find((o) => o.instanceId === 'prod-000')).toMatchObject({
      outcome: 'skipped',
      reason: 'changed since the listing: the instance no longer exists',
    });
  });

  it('does not restart an instance whose mark vanished before the re-check', async () => {
    const t = movable(SAT_0200 + 10 * MIN);
    sim = await startSimulator({ fleet: prod(1), fleetClock: t.now, restartDelayMs: 6 * MIN });
    // Someone deletes the mark right after it lands: other runs would not see it.
    sim.inject({
      route: 'showInstance',
      kind: 'mutate',
      apply: () => sim.setTags('prod-000', { env: 'prod' }),
    });
    const run = await runHandler(sim, { policy: policy(), clock: t.clock, env });
    expect(actions(sim)).toHaveLength(0);
    expect(run.outcomes[0]).toMatchObject({
      outcome: 'skipped',
      reason: "changed since the listing (no visible change): this run's mark is no longer on it",
    });
  });

  it('takes marks of earlier periods off an instance it restarts, and leaves current ones', async () => {
    const t = movable(SAT_0200 + 10 * MIN);
    const fleet = prod(1);
    const lastWeek = { key: 'dms-maintenance.mark-lastweek2345', value: '2026-02-28T01:05:00Z' };
    sim = await startSimulator({ fleet, fleetClock: t.now, restartDelayMs: 6 * MIN });
    sim.setTags('prod-000', {
      env: 'prod',
      'dms-maintenance.restarted-at': '2026-02-21T01:05:00Z',
      'dms-maintenance.restarted-by': 'req-0',
      [lastWeek.key]: lastWeek.value,
    });
    const run = await runHandler(sim, { policy: policy(), clock: t.clock, env });
    expect(run.error).toBeUndefined();
    expect(byOutcome(run.outcomes)).toEqual({ restarted: ['prod-000'] });
    const key = run.result?.markKey;
    expect(key).toMatch(/^dms-maintenance\.mark-[a-z2-7]{12}$/);
    expect(sim.instance('prod-000')?.tags).toEqual([
      { key: 'env', value: 'prod' },
      { key, value: `2026-03-07T01:10:00Z@${fleet[0]?.created_at}` },
    ]);
    expect(tagWrites(sim).map(([, action, keys]) => [action, keys.length])).toEqual([
      ['create', 1],
      ['delete', 3],
    ]);
    expect(run.lines.filter((l) => l.kind === 'action').map((l) => l.operation)).toEqual([
      'MarkRestarted',
      'RestartInstances',
      'RemoveAgedMarks',
    ]);
  });

  it('restarts only the planned instances, though more match by the next wave', async () => {
    const t = movable(SAT_0200 + 10 * MIN);
    sim = await startSimulator({ fleet: prod(2), fleetClock: t.now, restartDelayMs: 2 * MIN });
    // While wave one restarts, five more instances come to match the policy.
    sim.inject({
      route: 'instanceAction',
      kind: 'mutate',
      apply: () => {
        for (let i = 0; i < 5; i++) {
          sim.addInstance(mk(`new-${i}`, `kafka-prod-new-${i}`, 'RUNNING', { env: 'prod' }));
        }
      },
    });
    const r = await runHandler(sim, {
      policy: policy(WAIT.replace('720', '600')).replace('batchSize: 2', 'batchSize: 1'),
      clock: t.clock,
      env,
    });
    expect(r.error).toBeUndefined();
    expect(batches(sim).flat().sort()).toEqual(['prod-000', 'prod-001']);
    expect(sim.instance('new-0')?.status).toBe('RUNNING');
  });

  it('records a planned instance that changed between waves as skipped, and resolves', async () => {
    const t = movable(SAT_0200 + 10 * MIN);
    sim = await startSimulator({ fleet: prod(2), fleetClock: t.now, restartDelayMs: 2 * MIN });
    // While wave one restarts, the other planned instance is protected.
    sim.inject({
      route: 'instanceAction',
      kind: 'mutate',
      apply: () => {
        const other = sim.instances().find((i) => i.status === 'RUNNING');
        if (other) sim.setTags(other.instance_id, { env: 'prod', 'maintenance-protect': 'true' });
      },
    });
    const protectedPolicy = policy(WAIT)
      .replace('batchSize: 2', 'batchSize: 1')
      .replace(
        'policies:',
        'defaults:\n  exclude: { tags: { maintenance-protect: "true" } }\npolicies:',
      );
    const r = await runHandler(sim, { policy: protectedPolicy, clock: t.clock, env });
    expect(r.error).toBeUndefined();
    expect(actions(sim)).toHaveLength(1);
    expect(r.outcomes.find((o) => o.outcome === 'skipped')?.reason).toMatch(
      /^changed since the listing \(tag maintenance-protect=true added\): excluded by tag maintenance-protect=true$/,
    );
    expect(r.result).toMatchObject({ failed: 0, succeeded: 1, skipped: 1 });
  });
});

describe('marks read back: DMS answers a tag call 204 whether or not it took', () => {
  type TagBody = { action: string; tags: Array<{ key: string; value?: string }> };
  const tagBodies = () =>
    writes(sim)
      .filter((r) => r.route === 'tagAction')
      .map((r) => r.body as TagBody);
  const refuseRestart = () =>
    sim.inject({
      route: 'instanceAction',
      kind: 'raw',
      status: 403,
      body: JSON.stringify({ error_code: 'DMS.00403000', error_msg: 'forbidden' }),
    });
  const warnings = (run: { lines: Array<Record<string, unknown>> }) =>
    run.lines.filter((l) => l.kind === 'warning');

  it('takes its mark off with the value it wrote, @register_time and all', async () => {
    const t = movable(SAT_0200);
    sim = await startSimulator({ fleet: prod(1), fleetClock: t.now, restartDelayMs: 6 * MIN });
    refuseRestart();
    await runHandler(sim, { policy: policy(WAIT), clock: t.clock, env });
    const [created, deleted] = tagBodies();
    expect(created?.tags[0]?.value).toMatch(/^2026-03-07T01:00:00Z@\d+$/);
    expect(deleted).toEqual({ action: 'delete', tags: created?.tags });
    expect(sim.instance('prod-000')?.tags).toEqual([{ key: 'env', value: 'prod' }]);
  });

  it('restarts nothing whose mark DMS answered and did not keep, and names the instance and the mark', async () => {
    const t = movable(SAT_0200 + 10 * MIN);
    sim = await startSimulator({ fleet: prod(1), fleetClock: t.now, restartDelayMs: 6 * MIN });
    sim.inject({ route: 'tagAction', kind: 'not-applied' });
    const run = await runHandler(sim, { policy: policy(), clock: t.clock, env });
    expect(actions(sim)).toHaveLength(0);
    expect(run.outcomes[0]).toMatchObject({ instanceId: 'prod-000', outcome: 'skipped' });
    const mark = tagBodies()[0]?.tags[0] as { key: string; value: string };
    expect(mark.key).toBe(run.summaries[0]?.markKey);
    expect(mark.value).toMatch(/^2026-03-07T01:10:00Z@\d+$/);
    const named = warnings(run).find((w) => w.instanceId === 'prod-000');
    expect(named?.message).toContain(`this run's mark ${mark.key}=${mark.value} is not on`);
    expect(named?.tags).toEqual([mark]);
    expect(run.error?.message).toMatch(/every mark this run wrote \(1\) was gone/);
  });

  it('says so, naming the mark, when DMS answers its removal and the mark stays; the instance counts as restarted', async () => {
    const t = movable(SAT_0200);
    sim = await startSimulator({ fleet: prod(1), fleetClock: t.now, restartDelayMs: 6 * MIN });
    refuseRestart();
    sim.inject({ route: 'tagAction', kind: 'not-applied', after: 1 });
    const run = await runHandler(sim, { policy: policy(WAIT), clock: t.clock, env });
    const mark = tagBodies()[0]?.tags[0] as { key: string; value: string };
    expect(sim.instance('prod-000')?.tags).toContainEqual(mark);
    const named = warnings(run).find((w) => w.instanceId === 'prod-000');
    expect(named?.message).toBe(
      `the mark ${mark.key}=${mark.value} could not be removed after the restart was not applied (DMS answered the call, but read back, it still carries ${mark.key}=${mark.value}); the instance counts as restarted in this period`,
    );
  });

  it('takes aged marks off with their values, and names those DMS answered for and kept', async () => {
    const t = movable(SAT_0200 + 10 * MIN);
    sim = await startSimulator({ fleet: prod(1), fleetClock: t.now, restartDelayMs: 6 * MIN });
    const lastWeek = { key: 'dms-maintenance.mark-lastweek2345', value: '2026-02-28T01:05:00Z' };
    sim.setTags('prod-000', { env: 'prod', [lastWeek.key]: lastWeek.value });
    sim.inject({ route: 'tagAction', kind: 'not-applied', after: 1 });
    const run = await runHandler(sim, { policy: policy(), clock: t.clock, env });
    expect(byOutcome(run.outcomes)).toEqual({ restarted: ['prod-000'] });
    expect(tagBodies()[1]).toEqual({ action: 'delete', tags: [lastWeek] });
    expect(sim.instance('prod-000')?.tags).toContainEqual(lastWeek);
    const named = warnings(run).find((w) => w.instanceId === 'prod-000');
    expect(named?.message).toBe(
      `marks of earlier periods could not be removed: ${lastWeek.key}=${lastWeek.value} (DMS answered the call, but read back, it still carries ${lastWeek.key}=${lastWeek.value})`,
    );
  });
});
